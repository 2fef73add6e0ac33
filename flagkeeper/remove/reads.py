"""The first steps of `flagkeeper remove` in one file: plan the folding of the locals that hold
a read (`on = flags.is_enabled("k")` ... `if on:`), then replace every read, and every use of
such a local, with the value and drop the local's assignment.

Both steps work on the tree as parsed: `plan_fold` uses LibCST's `ScopeProvider` (only when a
read is assigned to a name at all) on the statements that hold a read (a local and its uses are
in one function), `ReadReplacer` rewrites them in one pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
import libcst.matchers as m
from libcst.metadata import Assignment, FunctionScope, MetadataWrapper, PositionProvider, QualifiedNameProvider, ScopeProvider

from flagkeeper.remove.bridge import ReadSpot
from flagkeeper.remove.layout import Focus, StatementTransformer
from flagkeeper.remove.simplify import UNKNOWN, code_of, literal_node, literal_value

_ASSIGNED_TO_A_NAME = m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=m.Name())])])


def _compatible(value: Any, other: Any) -> bool:
    """May a flag holding `value` be compared with the literal `other` (same kind of value, or None)?"""
    if other is None or value is None:
        return True
    if isinstance(other, (tuple, list, set, frozenset)):
        return all(_compatible(value, item) for item in other)
    if isinstance(value, bool) or isinstance(other, bool):
        return isinstance(value, bool) and isinstance(other, bool)
    numbers = (int, float, complex)
    return (isinstance(value, numbers) and isinstance(other, numbers)) or type(value) is type(other)


@dataclass
class Fold:
    """The locals to fold: ids of their uses (Name nodes, with the value each becomes) and of
    their assignments (statements)."""

    uses: dict[int, Any] = field(default_factory=dict)
    statements: set[int] = field(default_factory=set)


def _bound_elsewhere(function: cst.CSTNode, name: str) -> bool:
    """Is `name` also bound where ScopeProvider does not see an assignment: a `match` capture
    (`case {"on": on}:`) or a `nonlocal`/`global` statement of a function inside?"""
    bound = m.Name(name)
    capture = m.MatchAs(name=bound) | m.MatchStar(name=bound) | m.MatchMapping(rest=bound)
    declared = m.Nonlocal(names=[m.ZeroOrMore(), m.NameItem(name=bound), m.ZeroOrMore()])
    return bool(m.findall(function, capture | declared | m.Global(names=[m.ZeroOrMore(), m.NameItem(name=bound), m.ZeroOrMore()])))


def _foldable_uses(scopes: dict[cst.CSTNode, Any], statement: cst.SimpleStatementLine) -> list[cst.Name] | None:
    """The uses of a local assigned a read, if it can be folded: assigned once, at the top of its
    function's body, read only as a plain name (nested scopes included), bound nowhere else."""
    scope = scopes.get(statement)
    assign = statement.body[0]
    assert isinstance(assign, cst.Assign) and isinstance(assign.targets[0].target, cst.Name)
    name = assign.targets[0].target.value
    if not isinstance(scope, FunctionScope) or not isinstance(scope.node, cst.FunctionDef):
        return None
    body = scope.node.body
    if not isinstance(body, cst.IndentedBlock) or not any(top is statement for top in body.body) or _bound_elsewhere(scope.node, name):
        return None
    assignments = list(scope.assignments[name])
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment) or assignments[0].node is not assign.targets[0].target:
        return None
    uses = [access.node for every in set(scopes.values()) if every is not None for access in every.accesses if assignments[0] in access.referents]
    return [use for use in uses if isinstance(use, cst.Name)] if all(isinstance(use, cst.Name) for use in uses) else None


class _AssignedReads(cst.CSTVisitor):
    """`name = <a read>` statements (matched statement by statement: `m.findall` would try every node)."""

    def __init__(self, reads: dict[int, ReadSpot]):
        super().__init__()
        self.reads = reads
        self.found: list[cst.SimpleStatementLine] = []

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        if m.matches(node, _ASSIGNED_TO_A_NAME) and id(cst.ensure_type(node.body[0], cst.Assign).value) in self.reads:
            self.found.append(node)
        return False  # nothing below a simple statement is one


def plan_fold(wrapper: MetadataWrapper, reads: dict[int, ReadSpot]) -> Fold:
    """Which locals that hold a read fold into the value (see `_foldable_uses`)."""
    assigned = _AssignedReads(reads)
    wrapper.module.visit(assigned)
    holders = assigned.found
    fold = Fold()
    if not holders:
        return fold  # no scope analysis: most files need none
    scopes = dict(wrapper.resolve(ScopeProvider))
    for statement in holders:
        uses = _foldable_uses(scopes, statement)
        if uses is not None:
            value = reads[id(cst.ensure_type(statement.body[0], cst.Assign).value)].value
            fold.uses.update(dict.fromkeys(map(id, uses), value))
            fold.statements.add(id(statement))
    return fold


class ReadReplacer(StatementTransformer):
    """Puts the value in place of each read and each use of a folded local, drops the folded
    assignments, and notes a comparison of the value with a literal of another kind
    (`os.getenv("X") == "1"` removed with --value true)."""

    def __init__(self, reads: dict[int, ReadSpot], fold: Fold, config: cst.PartialParserConfig, focus: Focus, line_of: Callable[[cst.CSTNode], int]):
        super().__init__(focus)
        self.reads, self.fold, self.config, self.line_of = reads, fold, config, line_of
        # id of each literal put in -> (the literal, its value): holding the node keeps its id from
        # being reused by a node made later.
        self.inserted: dict[int, tuple[cst.BaseExpression, Any]] = {}
        self.mismatch: tuple[int, str] | None = None

    def _value_for(self, value: Any, updated: cst.BaseExpression) -> cst.BaseExpression:
        node = literal_node(value, self.config).with_changes(lpar=updated.lpar, rpar=updated.rpar)
        self.inserted[id(node)] = (node, value)
        return node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        spot = self.reads.get(id(original_node))
        return updated_node if spot is None else self._value_for(spot.value, updated_node)

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        spot = self.reads.get(id(original_node))
        return updated_node if spot is None else self._value_for(spot.value, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if id(original_node) not in self.fold.uses:
            return updated_node
        return self._value_for(self.fold.uses[id(original_node)], updated_node)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        return cst.RemoveFromParent() if id(original_node) in self.fold.statements else updated_node

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison) -> cst.Comparison:
        sides = [updated_node.left, *(target.comparator for target in updated_node.comparisons)]
        values = [self.inserted[id(side)][1] for side in sides if id(side) in self.inserted]
        if self.mismatch is None and values:
            for side in sides:
                other = literal_value(side)
                if id(side) not in self.inserted and other is not UNKNOWN and not _compatible(values[0], other):
                    line = self.line_of(original_node)
                    self.mismatch = (line, f"the flag is compared with {code_of(side).strip()}, not a value like {values[0]!r}")
        return updated_node


class _Functions(cst.CSTVisitor):
    """Every function definition by qualified name (`checkout.<locals>.report`, the same in the
    tree before and after the removal), its line, and the generators among them."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider, PositionProvider)

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}
        self.generators: set[str] = set()

    def _name(self, function: cst.CSTNode) -> str:
        names = self.get_metadata(QualifiedNameProvider, function, set())
        return min(name.name for name in names) if names else ""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.lines[self._name(node)] = self.get_metadata(PositionProvider, node.name).start.line

    def visit_Yield(self, node: cst.Yield) -> None:
        scope = self.get_metadata(ScopeProvider, node, None)
        if isinstance(scope, FunctionScope):
            self.generators.add(self._name(scope.node))


def functions_of(module: cst.Module) -> _Functions:
    functions = _Functions()
    MetadataWrapper(module, unsafe_skip_copy=True).visit(functions)
    return functions

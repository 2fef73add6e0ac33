"""Simplify code around constants, for `flagkeeper remove`: once a flag read has become `False`,
`not`, `and`/`or`, comparisons of literals, `if`/`elif`/`else`, conditional expressions,
`while False`, comprehension conditions and the code after a return that now always runs
are folded away. Pure libcst, so the rest of the file keeps its formatting and comments;
`simplify` runs `Simplifier` until the code stops changing.

Only what is certain is folded. An operand that may have side effects (a call) is kept even
where its value no longer matters, and `x and True` becomes `x` only where nothing but the
truth of the result counts (a test of `if`, `while`, a ternary or a comprehension, or `not`).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst
import libcst.matchers as m

from flagkeeper.remove.layout import EVERYWHERE, Focus, StatementTransformer

_EMPTY_MODULE = cst.Module(body=[])
_COMPARE: dict[type[cst.BaseCompOp], Callable[[Any, Any], Any]] = {
    cst.Equal: operator.eq, cst.NotEqual: operator.ne, cst.LessThan: operator.lt, cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt, cst.GreaterThanEqual: operator.ge,
    cst.In: lambda item, group: item in group, cst.NotIn: lambda item, group: item not in group,
}  # fmt: skip
_IDENTITY: dict[type[cst.BaseCompOp], Callable[[Any, Any], bool]] = {cst.Is: operator.is_, cst.IsNot: operator.is_not}
_LITERAL_NODES = (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float, cst.Imaginary, cst.Tuple, cst.List, cst.Set)


_NOT = m.UnaryOperation(operator=m.Not())
_SIGNED = m.UnaryOperation(operator=~m.Not())  # -1, +2, ~3
_NAMED_CONSTANT = m.Name("True") | m.Name("False") | m.Name("None")


class Unknown:
    """Marks an expression whose value is not a literal."""


UNKNOWN = Unknown()


def code_of(node: cst.CSTNode) -> str:
    return _EMPTY_MODULE.code_for_node(node)


def literal_value(expr: cst.BaseExpression) -> Any:
    """The Python value of a literal (True, -1, "on", ("a", 1)), or UNKNOWN."""
    inner = cst.ensure_type(expr, cst.UnaryOperation).expression if m.matches(expr, _SIGNED) else expr
    if not (isinstance(inner, _LITERAL_NODES) or m.matches(inner, _NAMED_CONSTANT)):
        return UNKNOWN
    try:
        return ast.literal_eval(code_of(expr).strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return UNKNOWN


def literal_node(value: Any, config: cst.PartialParserConfig) -> cst.BaseExpression:
    """The expression that writes `value` (a bool, None, number or string; strings in double quotes),
    parsed as the module it goes into is (`config`: its `config_for_parsing`)."""
    written = repr(value)
    if isinstance(value, str) and written.startswith("'") and '"' not in written:
        written = f'"{written[1:-1]}"'
    return cst.parse_expression(written, config=config)


def truth(expr: cst.BaseExpression) -> bool | Unknown:
    value = literal_value(expr)
    return UNKNOWN if value is UNKNOWN else bool(value)


def is_pure(expr: cst.BaseExpression) -> bool:
    """True when evaluating `expr` cannot call anything we can see (names, attributes, literals
    and operators on them), so dropping it changes no behaviour."""
    if isinstance(expr, (cst.Name, *_LITERAL_NODES)) and not isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
        return True
    if isinstance(expr, cst.Attribute):
        return is_pure(expr.value)
    if isinstance(expr, cst.UnaryOperation):
        return is_pure(expr.expression)
    if isinstance(expr, cst.BooleanOperation):
        return is_pure(expr.left) and is_pure(expr.right)
    if isinstance(expr, cst.Comparison):
        return is_pure(expr.left) and all(is_pure(target.comparator) for target in expr.comparisons)
    return False


def _is_atom(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, (cst.Name, cst.Attribute, cst.Call, cst.Subscript, *_LITERAL_NODES))


def in_place_of(old: cst.BaseExpression, new: cst.BaseExpression) -> cst.BaseExpression:
    """`new` standing where `old` stood: `old`'s parentheses move to it unless it is an atom."""
    if not old.lpar or new.lpar or _is_atom(new):
        return new
    return new.with_changes(lpar=old.lpar, rpar=old.rpar)


_NEEDS_ITS_PARENTHESES = (cst.Tuple, cst.GeneratorExp, cst.NamedExpr, cst.Yield)


def without_spare_parentheses(original: cst.BaseExpression, updated: cst.BaseExpression) -> cst.BaseExpression:
    """A whole right-hand side, return value or test that folding made fit on one line, without
    the parentheses that only spread it over several: `x = (\n    a\n)` -> `x = a`."""
    if not updated.lpar or isinstance(updated, _NEEDS_ITS_PARENTHESES) or updated is original:
        return updated
    bare = updated.with_changes(lpar=[], rpar=[])
    return bare if "\n" not in code_of(bare) and not updated.deep_equals(original) else updated


def _constant(old: cst.BaseExpression, value: bool) -> cst.BaseExpression:
    return in_place_of(old, cst.Name("True" if value else "False"))


def as_test(expr: cst.BaseExpression) -> cst.BaseExpression:
    """Fold `expr` where only its truth counts: `x and True` -> `x`, `x or True` -> `True` for a pure x."""
    if isinstance(expr, cst.UnaryOperation) and m.matches(expr, _NOT):
        inner = as_test(expr.expression)
        known = truth(inner)
        if isinstance(known, bool):
            return _constant(expr, not known)
        return expr.with_changes(expression=inner)
    if not isinstance(expr, cst.BooleanOperation):
        return expr
    left, right = as_test(expr.left), as_test(expr.right)
    is_and = isinstance(expr.operator, cst.And)
    left_truth, right_truth = truth(left), truth(right)
    if isinstance(left_truth, bool):  # `True and x` is x wherever it stands (leave_BooleanOperation folds it)
        return _constant(expr, left_truth) if left_truth != is_and else in_place_of(expr, right)
    if isinstance(right_truth, bool):
        if right_truth == is_and:  # `x and True`, `x or False`: as true as x
            return in_place_of(expr, left)
        if is_pure(left):  # `x and False`, `x or True`: decided, and x does nothing
            return _constant(expr, right_truth)
    return expr.with_changes(left=left, right=right)


_TERMINATOR = m.SimpleStatementLine(body=[m.ZeroOrMore(), m.Return() | m.Raise() | m.Continue() | m.Break(), m.ZeroOrMore()])


def _terminates(statement: cst.BaseStatement) -> bool:
    """Does the statement end its block unconditionally (return, raise, continue, break)?"""
    return m.matches(statement, _TERMINATOR)


def _first_terminator(body: Sequence[cst.BaseStatement]) -> int | None:
    return next((index for index, statement in enumerate(body) if _terminates(statement)), None)


def block_statements(suite: cst.BaseSuite, leading: Sequence[cst.EmptyLine]) -> list[cst.BaseStatement]:
    """The statements of a block, ready to stand in its parent's place; `leading` comments go first."""
    if isinstance(suite, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=suite.body, leading_lines=leading)]
    assert isinstance(suite, cst.IndentedBlock)
    statements = list(suite.body)
    first = statements[0]
    if isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        statements[0] = first.with_changes(leading_lines=[*leading, *first.leading_lines])
    return statements


def _comprehension_fors(comprehension: cst.BaseComp) -> list[cst.CompFor]:
    fors: list[cst.CompFor] = []
    current: cst.CompFor | None = comprehension.for_in
    while current is not None:
        fors.append(current)
        current = current.inner_for_in
    return fors


class Simplifier(StatementTransformer):
    """One pass of folding; counts the dead branches and statements it dropped."""

    def __init__(self, focus: Focus = EVERYWHERE) -> None:
        super().__init__(focus)
        self.branches = 0
        self.statements = 0
        # Blocks whose every statement was dropped (now a lone `pass`), by id; holding the node
        # keeps its id from being reused by a block made later.
        self.emptied: dict[int, cst.IndentedBlock] = {}

    # -- expressions ---------------------------------------------------------------------------
    def leave_UnaryOperation(self, original_node: cst.UnaryOperation, updated_node: cst.UnaryOperation) -> cst.BaseExpression:
        if m.matches(updated_node, _NOT):
            return as_test(updated_node)
        return updated_node

    def leave_BooleanOperation(self, original_node: cst.BooleanOperation, updated_node: cst.BooleanOperation) -> cst.BaseExpression:
        # `C and x` is C when C is false and x when it is true, exactly; so for `or`, the other way round.
        known = truth(updated_node.left)
        if not isinstance(known, bool):
            return updated_node
        is_and = isinstance(updated_node.operator, cst.And)
        return in_place_of(updated_node, updated_node.right if known == is_and else updated_node.left)

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison) -> cst.BaseExpression:
        if len(updated_node.comparisons) != 1:
            return updated_node
        target = updated_node.comparisons[0]
        left, right = literal_value(updated_node.left), literal_value(target.comparator)
        if left is UNKNOWN or right is UNKNOWN:
            return updated_node
        kind = type(target.operator)
        if kind in _IDENTITY:
            if not (left is None or right is None or (isinstance(left, bool) and isinstance(right, bool))):
                return updated_node  # `is` on other literals depends on interning
            return _constant(updated_node, _IDENTITY[kind](left, right))
        try:
            return _constant(updated_node, bool(_COMPARE[kind](left, right)))
        except (KeyError, TypeError):
            return updated_node

    def leave_IfExp(self, original_node: cst.IfExp, updated_node: cst.IfExp) -> cst.BaseExpression:
        test = as_test(updated_node.test)
        known = truth(test)
        if not isinstance(known, bool):
            return updated_node.with_changes(test=test)
        self.branches += 1
        return in_place_of(updated_node, updated_node.body if known else updated_node.orelse)

    def leave_CompIf(self, original_node: cst.CompIf, updated_node: cst.CompIf) -> cst.CompIf:
        return updated_node.with_changes(test=as_test(updated_node.test))

    def leave_CompFor(self, original_node: cst.CompFor, updated_node: cst.CompFor) -> cst.CompFor:
        kept = [condition for condition in updated_node.ifs if truth(condition.test) is not True]
        return updated_node.with_changes(ifs=kept)

    def _empty(self, comprehension: cst.BaseComp, empty: cst.BaseExpression) -> cst.BaseExpression:
        """`[x for x in xs if False]` -> `[]` when making it evaluates nothing that could act."""
        fors = _comprehension_fors(comprehension)
        never = any(truth(condition.test) is False for comp_for in fors for condition in comp_for.ifs)
        if not never or not all(is_pure(comp_for.iter) for comp_for in fors):
            return comprehension
        self.branches += 1
        return in_place_of(comprehension, empty)

    def leave_ListComp(self, original_node: cst.ListComp, updated_node: cst.ListComp) -> cst.BaseExpression:
        return self._empty(updated_node, cst.List(elements=[]))

    def leave_SetComp(self, original_node: cst.SetComp, updated_node: cst.SetComp) -> cst.BaseExpression:
        return self._empty(updated_node, cst.Call(func=cst.Name("set")))

    def leave_DictComp(self, original_node: cst.DictComp, updated_node: cst.DictComp) -> cst.BaseExpression:
        return self._empty(updated_node, cst.Dict(elements=[]))

    # -- statements ----------------------------------------------------------------------------
    def _pruned(self, orelse: cst.If | cst.Else | None) -> cst.If | cst.Else | None:
        """An `elif` chain without its constant tests: `elif True:` becomes the `else:`."""
        if isinstance(orelse, cst.Else) and id(orelse.body) in self.emptied:
            return None
        if not isinstance(orelse, cst.If):
            return orelse
        known = truth(orelse.test)
        if known is True:
            self.branches += orelse.orelse is not None
            return cst.Else(body=orelse.body, leading_lines=orelse.leading_lines)
        if known is False:
            self.branches += 1
            return self._pruned(orelse.orelse)
        return orelse.with_changes(orelse=self._pruned(orelse.orelse))

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        return updated_node.with_changes(value=without_spare_parentheses(original_node.value, updated_node.value))

    def leave_Return(self, original_node: cst.Return, updated_node: cst.Return) -> cst.Return:
        if original_node.value is None or updated_node.value is None:
            return updated_node
        return updated_node.with_changes(value=without_spare_parentheses(original_node.value, updated_node.value))

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        updated_node = updated_node.with_changes(test=without_spare_parentheses(original_node.test, as_test(updated_node.test)))
        if id(original_node) in self._chained:
            return updated_node  # the `if` that starts the chain prunes it
        orelse = self._pruned(updated_node.orelse)
        known = truth(updated_node.test)
        if known is True:
            self.branches += orelse is not None
            return cst.FlattenSentinel(block_statements(updated_node.body, updated_node.leading_lines))
        if known is False:
            self.branches += 1
            if orelse is None:
                return cst.RemoveFromParent()
            if isinstance(orelse, cst.Else):
                return cst.FlattenSentinel(block_statements(orelse.body, updated_node.leading_lines))
            return orelse.with_changes(leading_lines=updated_node.leading_lines)
        if orelse is None and id(updated_node.body) in self.emptied and is_pure(updated_node.test):
            return cst.RemoveFromParent()  # `if x: pass` left by the pruning
        return updated_node.with_changes(orelse=orelse)

    def leave_While(
        self, original_node: cst.While, updated_node: cst.While
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        updated_node = updated_node.with_changes(test=as_test(updated_node.test))
        if truth(updated_node.test) is not False:
            return updated_node
        self.branches += 1
        if updated_node.orelse is None:
            return cst.RemoveFromParent()
        return cst.FlattenSentinel(block_statements(updated_node.orelse.body, updated_node.leading_lines))

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        body = list(updated_node.body)
        end = _first_terminator(body)
        # Only code that a folded branch made dead: a block that already had dead code keeps it.
        if end is not None and end < len(body) - 1 and _first_terminator(original_node.body) in (None, len(original_node.body) - 1):
            self.statements += len(body) - end - 1
            body = body[: end + 1]
        if not body:
            emptied = updated_node.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])
            self.emptied[id(emptied)] = emptied
            return emptied
        return updated_node.with_changes(body=body)


def simplify(module: cst.Module, focus: Focus = EVERYWHERE, max_passes: int = 20) -> tuple[cst.Module, int, int]:
    """Fold until nothing changes: the module, dead branches and dead statements dropped;
    the statements in `focus` are left as they are."""
    branches = statements = 0
    for _ in range(max_passes):
        simplifier = Simplifier(focus)
        folded = module.visit(simplifier)
        branches, statements = branches + simplifier.branches, statements + simplifier.statements
        if folded.deep_equals(module):
            break
        module = folded
    return module, branches, statements

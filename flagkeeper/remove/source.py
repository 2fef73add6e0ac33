"""The pure part of `flagkeeper remove`: source text in, source text out, nothing read or written.

`remove_reads` replaces the flag reads found at given positions with the flag's value, folds
the locals that held it and simplifies to a fixed point (simplify.py). `delete_definitions`
deletes imports, constants, private functions and tests by name, once the project-level pass
(removal.py) knows that nothing uses them any more. Both work on libcst trees, so every line
they do not touch keeps its formatting and comments.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst.metadata import Assignment, CodeRange, MetadataWrapper, PositionProvider, Scope, ScopeProvider

from flagkeeper.remove.simplify import UNKNOWN, StatementTransformer, code_of, literal_node, literal_value, simplify


class RemovalError(Exception):
    """A file that cannot be changed safely; it is left as it was."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class ReadSpot:
    """Where the analysis found a read: its Call/Subscript starts at `line`, `column` (1-based characters)."""

    line: int
    column: int
    key_code: str


@dataclass
class Removal:
    """The new text of one file and what was done to it."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)


def _same_expression(first: str, second: str) -> bool:
    """Equal as Python expressions, however they are spelled (quotes, spaces, line breaks)."""
    try:
        return ast.dump(ast.parse(f"({first.strip()})", mode="eval")) == ast.dump(ast.parse(f"({second.strip()})", mode="eval"))
    except SyntaxError:
        return False


def _holds_key(node: cst.Call | cst.Subscript, key_code: str) -> bool:
    if isinstance(node, cst.Call):
        return any(_same_expression(code_of(arg.value), key_code) for arg in node.args)
    return len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) and _same_expression(code_of(node.slice[0].slice.value), key_code)


class _ReadFinder(cst.CSTVisitor):
    """Calls and subscripts by the position of their first character (not counting their parentheses)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.at: dict[tuple[int, int], list[cst.Call | cst.Subscript]] = {}

    def _note(self, node: cst.Call | cst.Subscript) -> None:
        where: CodeRange = self.get_metadata(PositionProvider, node)
        self.at.setdefault((where.start.line, where.start.column + 1), []).append(node)

    def visit_Call(self, node: cst.Call) -> None:
        self._note(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._note(node)


def find_read_nodes(wrapper: MetadataWrapper, spots: Iterable[ReadSpot]) -> dict[int, ReadSpot]:
    """id(node) -> spot, one libcst node per read; a read that matches none, or several, is an error.

    Several calls can start at one place (`client.get().variation("k")` holds `client.get()`):
    the one whose argument is the key wins.
    """
    finder = _ReadFinder()
    wrapper.visit(finder)
    found: dict[int, ReadSpot] = {}
    for spot in spots:
        candidates = finder.at.get((spot.line, spot.column), [])
        if len(candidates) > 1:
            candidates = [node for node in candidates if _holds_key(node, spot.key_code)]
        if len(candidates) != 1:
            problem = "no" if not candidates else "more than one"
            raise RemovalError(f"{problem} flag read of {spot.key_code} found at column {spot.column}", spot.line)
        found[id(candidates[0])] = spot
    return found


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


class _ReadReplacer(cst.CSTTransformer):
    """Puts the value in place of each read; notes the locals assigned a read, and comparisons of
    the value with a literal of another kind (`os.getenv("X") == "1"` removed with --value true)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, reads: dict[int, ReadSpot], value: Any):
        super().__init__()
        self.reads = reads
        self.value = value
        self.inserted: set[int] = set()
        self.holders: set[tuple[str, str]] = set()  # (enclosing function, variable) assigned a read
        self.scopes: list[str] = []
        self.functions: list[int] = []
        self.mismatch: tuple[int, str] | None = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(node.name.value)
        self.functions.append(len(self.scopes))

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.scopes.pop()
        self.functions.pop()
        return updated_node

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self.scopes.pop()
        return updated_node

    def _replace(self, original: cst.Call | cst.Subscript, updated: cst.Call | cst.Subscript) -> cst.BaseExpression:
        if id(original) not in self.reads:
            return updated
        value = literal_node(self.value).with_changes(lpar=updated.lpar, rpar=updated.rpar)
        self.inserted.add(id(value))
        return value

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        target = updated_node.targets[0].target
        in_function = bool(self.functions) and self.functions[-1] == len(self.scopes)
        if in_function and len(updated_node.targets) == 1 and isinstance(target, cst.Name) and id(updated_node.value) in self.inserted:
            self.holders.add((".".join(self.scopes), target.value))
        return updated_node

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison) -> cst.Comparison:
        sides = [updated_node.left, *(target.comparator for target in updated_node.comparisons)]
        if self.mismatch is None and any(id(side) in self.inserted for side in sides):
            for side in sides:
                other = literal_value(side)
                if id(side) not in self.inserted and other is not UNKNOWN and not _compatible(self.value, other):
                    line = self.get_metadata(PositionProvider, original_node).start.line
                    self.mismatch = (line, f"the flag is compared with {code_of(side).strip()}, not a value like {self.value!r}")
        return updated_node


class _Functions(cst.CSTVisitor):
    """The qualified name of every function definition."""

    def __init__(self) -> None:
        super().__init__()
        self.scopes: list[str] = []
        self.by_name: dict[str, cst.FunctionDef] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(node.name.value)
        self.by_name[".".join(self.scopes)] = node

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()


class _Substitute(StatementTransformer):
    """Replaces chosen Name nodes with literals and drops chosen statements."""

    def __init__(self, names: dict[int, cst.BaseExpression], statements: set[int]):
        super().__init__()
        self.names = names
        self.statements = statements

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.names.get(id(original_node), updated_node)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        return cst.RemoveFromParent() if id(original_node) in self.statements else updated_node


def _single_assignment(scope: Scope, name: str, statement: cst.SimpleStatementLine) -> Assignment | None:
    assignments = list(scope.assignments[name])
    assign = statement.body[0] if len(statement.body) == 1 else None
    if len(assignments) != 1 or not isinstance(assign, cst.Assign) or not isinstance(assignments[0], Assignment):
        return None
    return assignments[0] if assignments[0].node is assign.targets[0].target else None


def fold_locals(module: cst.Module, holders: set[tuple[str, str]]) -> tuple[cst.Module, int]:
    """`enabled = False` (once a read) then `if enabled:` -> `if False:`, for a local assigned once,
    at the top of its function's body, and read only as a plain name (nested scopes included)."""
    if not holders:
        return module, 0
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    functions = _Functions()
    wrapper.visit(functions)
    names: dict[int, cst.BaseExpression] = {}
    statements: set[int] = set()
    for qualname, name in sorted(holders):
        function = functions.by_name.get(qualname)
        if function is None or not isinstance(function.body, cst.IndentedBlock):
            continue
        for statement in function.body.body:
            scope = scopes.get(statement)
            if not isinstance(statement, cst.SimpleStatementLine) or scope is None:
                continue
            assignment = _single_assignment(scope, name, statement)
            value = literal_value(statement.body[0].value) if assignment is not None and isinstance(statement.body[0], cst.Assign) else UNKNOWN
            if assignment is None or value is UNKNOWN:
                continue
            uses = [access.node for every in set(scopes.values()) if every is not None for access in every.accesses if assignment in access.referents]
            if all(isinstance(use, cst.Name) for use in uses):
                names.update((id(use), literal_node(value)) for use in uses)
                statements.add(id(statement))
    return module.visit(_Substitute(names, statements)), len(statements)


def remove_reads(source: str, spots: Sequence[ReadSpot], value: Any) -> Removal:
    """`source` with the reads at `spots` replaced by `value` and the code around them simplified."""
    wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
    replacer = _ReadReplacer(find_read_nodes(wrapper, spots), value)
    module = wrapper.visit(replacer)
    if replacer.mismatch is not None:
        line, message = replacer.mismatch
        raise RemovalError(f"{message}: give --value as that kind of literal", line)
    module, folded = fold_locals(module, replacer.holders)
    module, branches, statements = simplify(module)
    counts = {"read": len(spots), "local": folded, "branch": branches, "dead statement": statements}
    return Removal(module.code, counts)


# -- deleting what nothing uses any more -----------------------------------------------------


def bound_name(alias: cst.ImportAlias) -> str:
    """The name an import binds: `import a.b` -> a, `import a.b as c` -> c, `from m import x` -> x."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return code_of(alias.name).split(".")[0].strip()


@dataclass(frozen=True)
class Doomed:
    """Names to delete from one file; `tests` are test functions, deleted even when decorated."""

    imports: frozenset[str] = frozenset()
    constants: frozenset[str] = frozenset()
    functions: frozenset[str] = frozenset()
    tests: frozenset[str] = frozenset()


class _Deleter(StatementTransformer):
    def __init__(self, doomed: Doomed):
        super().__init__()
        self.doomed = doomed
        self.depth = 0
        self.counts = {"import": 0, "constant": 0, "function": 0, "test": 0}

    def _trim(self, names: Sequence[cst.ImportAlias]) -> list[cst.ImportAlias] | None:
        kept = [alias for alias in names if bound_name(alias) not in self.doomed.imports]
        self.counts["import"] += len(names) - len(kept)
        if kept and len(kept) < len(names):
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return kept or None

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import | cst.RemovalSentinel:
        kept = self._trim(updated_node.names)
        return cst.RemoveFromParent() if kept is None else updated_node.with_changes(names=kept)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        kept = self._trim(updated_node.names)
        return cst.RemoveFromParent() if kept is None else updated_node.with_changes(names=kept)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef | cst.RemovalSentinel:
        self.depth -= 1
        name = updated_node.name.value
        if name in self.doomed.tests:
            self.counts["test"] += 1
            return cst.RemoveFromParent()
        if name in self.doomed.functions and not updated_node.decorators:
            self.counts["function"] += 1
            return cst.RemoveFromParent()
        return updated_node

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.depth += 1

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self.depth -= 1
        return updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if self.depth or len(updated_node.body) != 1:
            return updated_node
        statement = updated_node.body[0]
        targets = [target.target for target in statement.targets] if isinstance(statement, cst.Assign) else []
        if isinstance(statement, cst.AnnAssign):
            targets = [statement.target]
        if len(targets) == 1 and isinstance(targets[0], cst.Name) and targets[0].value in self.doomed.constants:
            self.counts["constant"] += 1
            return cst.RemoveFromParent()
        return updated_node

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if updated_node.body:
            return updated_node
        return updated_node.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])


def delete_definitions(source: str, doomed: Doomed) -> Removal:
    """`source` without the doomed imports, module constants, private functions and tests."""
    deleter = _Deleter(doomed)
    module = cst.parse_module(source).visit(deleter)
    return Removal(module.code, deleter.counts)

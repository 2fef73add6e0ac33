"""The last step of `flagkeeper remove` in one file: delete, by name, the imports, module
constants, private functions and tests that the project-level pass (project.py) found unused.
Only the top-level statements that define one of those names (`defining_lines`) are visited."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m

from flagkeeper.remove.layout import EVERYWHERE, Focus, StatementTransformer
from flagkeeper.remove.simplify import code_of


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


def _assigns_one_of(names: frozenset[str]) -> m.BaseMatcherNode:
    """`NAME = ...` or `NAME: T = ...`, alone on its line, for a NAME in `names`."""
    target = m.Name(value=m.MatchIfTrue(lambda name: name in names))
    return m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=target)]) | m.AnnAssign(target=target)])


def _as_last(alias: cst.ImportAlias, last: cst.ImportAlias) -> cst.ImportAlias:
    """`alias` in place of the deleted last name `last`: it takes the comma of `last`, so the
    line break before `)` stays where it was, but keeps the comment at the end of its own line."""
    comma, own = last.comma, alias.comma
    if isinstance(comma, cst.Comma) and isinstance(own, cst.Comma):
        line_break, own_line = comma.whitespace_after, own.whitespace_after
        if isinstance(line_break, cst.ParenthesizedWhitespace) and isinstance(own_line, cst.ParenthesizedWhitespace):
            comma = comma.with_changes(whitespace_after=line_break.with_changes(first_line=own_line.first_line))
    return alias.with_changes(comma=comma)


def trim_aliases(names: Sequence[cst.ImportAlias], doomed: frozenset[str] | set[str]) -> list[cst.ImportAlias] | None:
    """The names of an import without those that bind a doomed name; None when none is left."""
    kept = [alias for alias in names if bound_name(alias) not in doomed]
    if kept and kept[-1] is not names[-1]:
        kept[-1] = _as_last(kept[-1], names[-1])
    return kept or None


def _defines(node: ast.AST, doomed: Doomed) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((alias.asname or alias.name.split(".")[0]) in doomed.imports for alias in node.names)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return node.name in doomed.functions or node.name in doomed.tests
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return any(isinstance(target, ast.Name) and target.id in doomed.constants for target in targets)


def defining_lines(tree: ast.Module, doomed: Doomed) -> Iterator[int]:
    """A line of each top-level statement that defines a doomed name, anywhere inside it."""
    for statement in tree.body:
        if any(_defines(node, doomed) for node in ast.walk(statement)):
            yield statement.lineno


class BlockKeeper(StatementTransformer):
    """A StatementTransformer that leaves `pass` in a block whose every statement it deleted."""

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if updated_node.body:
            return updated_node
        return updated_node.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])


class _Deleter(BlockKeeper):
    """Deletes the doomed imports and functions (methods too) wherever they are."""

    def __init__(self, doomed: Doomed, focus: Focus):
        super().__init__(focus)
        self.doomed = doomed
        self.counts = {"import": 0, "function": 0, "test": 0}

    def _trim(self, names: Sequence[cst.ImportAlias]) -> list[cst.ImportAlias] | None:
        kept = trim_aliases(names, self.doomed.imports)
        self.counts["import"] += len(names) - len(kept or ())
        return kept

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import | cst.RemovalSentinel:
        kept = self._trim(updated_node.names)
        return cst.RemoveFromParent() if kept is None else updated_node.with_changes(names=kept)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        kept = self._trim(updated_node.names)
        return cst.RemoveFromParent() if kept is None else updated_node.with_changes(names=kept)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef | cst.RemovalSentinel:
        name = updated_node.name.value
        if name in self.doomed.tests:
            self.counts["test"] += 1
            return cst.RemoveFromParent()
        if name in self.doomed.functions and not updated_node.decorators:
            self.counts["function"] += 1
            return cst.RemoveFromParent()
        return updated_node


class _ConstantDeleter(StatementTransformer):
    """Deletes the doomed module constants: it does not go into functions and classes, so every
    statement it sees is at module level (also under an `if` or `try` there)."""

    def __init__(self, constants: frozenset[str], focus: Focus):
        super().__init__(focus)
        self.constant = _assigns_one_of(constants)
        self.count = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if m.matches(updated_node, self.constant):
            self.count += 1
            return cst.RemoveFromParent()
        return updated_node


def delete_definitions(module: cst.Module, doomed: Doomed, focus: Focus = EVERYWHERE) -> tuple[cst.Module, dict[str, int]]:
    """`module` without the doomed imports, module constants, private functions and tests; the
    statements in `focus` define none of them."""
    deleter = _Deleter(doomed, focus)
    module = module.visit(deleter)
    if not doomed.constants:
        return module, deleter.counts
    constants = _ConstantDeleter(doomed.constants, focus)
    return module.visit(constants), {**deleter.counts, "constant": constants.count}

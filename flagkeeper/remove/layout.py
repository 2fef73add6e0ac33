"""The layout of what stays when `flagkeeper remove` deletes statements: `StatementTransformer`,
the base of every transformer that deletes, gives the blank line that set a deleted statement
apart to the next statement that stays, strips the blank lines above a statement that becomes
the first of its block, and keeps PEP 8 spacing where a deletion brings two statements
together (two blank lines around a top-level def or class, one inside a class or function,
one after the import block).

A transformer can be given a `Focus`: the top-level statements that no read is in, which it
leaves as they are without visiting them (only the layout around them is kept), so that a file
costs in proportion to the statements a removal touches, not to its length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import libcst as cst
import libcst.matchers as m


def _starts_with_blank(statement: cst.CSTNode) -> bool:
    lines: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    return bool(lines) and lines[0].comment is None


def _after_blank(statement: cst.CSTNode) -> cst.CSTNode:
    if _starts_with_blank(statement) or not isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return statement
    return statement.with_changes(leading_lines=[cst.EmptyLine(indent=False), *statement.leading_lines])


def _at_top(statement: cst.CSTNode) -> cst.CSTNode:
    """Without the blank lines that set it apart from statements above it that are gone."""
    if not _starts_with_blank(statement) or not isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return statement
    lines = list(statement.leading_lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    return statement.with_changes(leading_lines=lines)


def _is_definition(statement: cst.CSTNode | None) -> bool:
    return isinstance(statement, (cst.FunctionDef, cst.ClassDef))


def _is_import(statement: cst.CSTNode | None) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body)


def _blank_lines_wanted(previous: cst.CSTNode | None, statement: cst.CSTNode, top_level: bool) -> int:
    """PEP 8 between two statements that a deletion brought together: two blank lines around a
    top-level def or class (one inside a class or function), one after the import block."""
    if _is_definition(previous) or _is_definition(statement):
        return 2 if top_level else 1
    return 1 if top_level and _is_import(previous) and not _is_import(statement) else 0


def _spaced(statement: cst.CSTNode, blank_lines: int) -> cst.CSTNode:
    """`statement` with at least `blank_lines` blank lines above it (above its comments)."""
    lines: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    have = next((index for index, line in enumerate(lines) if line.comment is not None), len(lines))
    if have >= blank_lines or not isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return statement
    return statement.with_changes(leading_lines=[*[cst.EmptyLine(indent=False)] * (blank_lines - have), *lines])


_ELIF = m.If(orelse=m.If())


class _Block:
    """What a block being visited knows about its statements so far."""

    def __init__(self, top_level: bool) -> None:
        self.top_level = top_level  # the module's own statements
        self.kept: cst.CSTNode | None = None  # the last statement of it that stays, so far
        self.removed = False  # a statement of it went
        self.blank = False  # the last statement that went began with a blank line

    def fix_layout(self, statement: cst.CSTNode) -> cst.CSTNode:
        """The first statement that stays after some that went: at the top of its block without
        blank lines above; otherwise with the blank line of what went, and the PEP 8 spacing
        to the statement that is now above it."""
        if self.kept is None:
            return _at_top(statement)
        statement = _after_blank(statement) if self.blank else statement
        return _spaced(statement, _blank_lines_wanted(self.kept, statement, self.top_level))


class Focus:
    """The statements a transformer leaves alone: the same node objects stay in the tree from
    step to step, so each is known by identity (holding them keeps their ids from being reused)."""

    def __init__(self, untouched: Iterable[cst.CSTNode] = ()) -> None:
        self._untouched = {id(node): node for node in untouched}

    def __contains__(self, node: cst.CSTNode) -> bool:
        return self._untouched.get(id(node)) is node


EVERYWHERE = Focus()


class StatementTransformer(cst.CSTTransformer):
    """A transformer that deletes statements and keeps the layout of what stays: the blank line
    that set a deleted statement apart goes to the next statement that stays, and a statement
    that becomes the first of its block loses the blank lines above it. Statements in `focus`
    (none by default) are left as they are."""

    def __init__(self, focus: Focus = EVERYWHERE) -> None:
        super().__init__()
        self.focus = focus
        self._blocks: list[_Block] = []
        self._chained: set[int] = set()  # `elif` nodes: statements, but not in a block of their own

    def on_visit(self, node: cst.CSTNode) -> bool:
        if node in self.focus:
            return False
        if isinstance(node, (cst.Module, cst.IndentedBlock)):
            self._blocks.append(_Block(top_level=isinstance(node, cst.Module)))
        return super().on_visit(node)

    def visit_If(self, node: cst.If) -> None:
        if m.matches(node, _ELIF):
            self._chained.add(id(node.orelse))

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        result = updated_node if original_node in self.focus else super().on_leave(original_node, updated_node)
        if isinstance(original_node, (cst.Module, cst.IndentedBlock)):
            self._blocks.pop()
        elif isinstance(original_node, cst.BaseStatement) and id(original_node) not in self._chained:
            block = self._blocks[-1]
            if isinstance(result, cst.RemovalSentinel) or (isinstance(result, cst.SimpleStatementLine) and not result.body):
                block.removed = True
                block.blank = block.blank or _starts_with_blank(original_node)
                return result
            if block.removed:
                if isinstance(result, cst.FlattenSentinel):
                    result = cst.FlattenSentinel([block.fix_layout(result.nodes[0]), *result.nodes[1:]])
                else:
                    result = block.fix_layout(result)
                block.blank = block.removed = False
            block.kept = result.nodes[-1] if isinstance(result, cst.FlattenSentinel) else result
        return result

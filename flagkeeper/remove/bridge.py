"""The bridge from the analysis to libcst: the `ast` position of a flag read -> its libcst node.

The analysis (one `ast` walk) reports each read by line and column; `find_read_nodes` finds the
one libcst Call or Subscript that starts there, so the transforms can work on the concrete tree.

Positions (and the scope analysis of `plan_fold`, reads.py) cost a pass over every node, so they
are computed only for the top-level statements that hold a read (`TouchedStatements`), as a
module of their own whose lines map back to the file's.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import libcst as cst
import libcst.matchers as m
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from flagkeeper.remove.layout import Focus
from flagkeeper.remove.simplify import code_of

_NEWLINE = re.compile(r"\r\n?|\n")  # a line break as libcst's PositionProvider counts one


class RemovalError(Exception):
    """A file that cannot be changed safely; it is left as it was."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class ReadSpot:
    """Where the analysis found a read: its Call/Subscript starts at `line`, `column` (1-based
    characters); `value` is what the flag keeps for good, the read's replacement."""

    line: int
    column: int
    key_code: str
    value: Any


def same_expression(first: str, second: str) -> bool:
    """Equal as Python expressions, however they are spelled (quotes, spaces, line breaks)."""
    try:
        return ast.dump(ast.parse(f"({first.strip()})", mode="eval")) == ast.dump(ast.parse(f"({second.strip()})", mode="eval"))
    except SyntaxError:
        return False


def _holds_key(node: cst.Call | cst.Subscript, key_code: str) -> bool:
    if isinstance(node, cst.Call):
        return any(same_expression(code_of(arg.value), key_code) for arg in node.args)
    index = m.extract(node, m.Subscript(slice=[m.SubscriptElement(slice=m.Index(value=m.SaveMatchedNode(m.DoNotCare(), "key")))]))
    key = index["key"] if index is not None else None
    return isinstance(key, cst.CSTNode) and same_expression(code_of(key), key_code)


def _line_count(module: cst.Module, node: cst.CSTNode) -> int:
    return len(_NEWLINE.findall(module.code_for_node(node)))


class TouchedStatements:
    """The top-level statements of `module` that hold one of `lines`, as a module of their own
    (`wrapper`, for positions and scopes), and the `focus` that leaves every other one alone."""

    def __init__(self, module: cst.Module, lines: Iterable[int]):
        self.module = module
        starts, line = [], 1 + sum(_line_count(module, empty) for empty in module.header)
        for statement in module.body:
            starts.append(line)
            line += _line_count(module, statement)
        wanted = sorted(set(lines))
        touched = {bisect.bisect_right(starts, line) - 1 for line in wanted}
        kept = [index for index in range(len(starts)) if index in touched]
        self.focus = Focus(statement for index, statement in enumerate(module.body) if index not in touched)
        part = module.with_changes(header=(), body=[module.body[index] for index in kept], footer=(), has_trailing_newline=True)
        self.wrapper = MetadataWrapper(part, unsafe_skip_copy=True)
        self._starts: list[int] = []  # of each statement in `part`, and (below) in the file
        line = 1
        for index in kept:
            self._starts.append(line)
            line += _line_count(module, module.body[index])
        self._file_starts = [starts[index] for index in kept]

    def file_line(self, line: int) -> int:
        """A line of the part -> that line in the file."""
        statement = bisect.bisect_right(self._starts, line) - 1
        return line - self._starts[statement] + self._file_starts[statement]

    def line_of(self, node: cst.CSTNode) -> int:
        """The line in the file where a node of the touched statements starts."""
        return self.file_line(self.wrapper.resolve(PositionProvider)[node].start.line)


class _ReadFinder(cst.CSTVisitor):
    """Calls and subscripts by the position of their first character (not counting their parentheses)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, touched: TouchedStatements) -> None:
        super().__init__()
        self.touched = touched
        self.at: dict[tuple[int, int], list[cst.Call | cst.Subscript]] = {}

    def _note(self, node: cst.Call | cst.Subscript) -> None:
        where: CodeRange = self.get_metadata(PositionProvider, node)
        self.at.setdefault((self.touched.file_line(where.start.line), where.start.column + 1), []).append(node)

    def visit_Call(self, node: cst.Call) -> None:
        self._note(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._note(node)


def find_read_nodes(touched: TouchedStatements, spots: Iterable[ReadSpot]) -> dict[int, ReadSpot]:
    """id(node) -> spot, one libcst node per read; a read that matches none, or several, is an error.

    Several calls can start at one place (`client.get().variation("k")` holds `client.get()`):
    the one whose argument is the key wins.
    """
    finder = _ReadFinder(touched)
    touched.wrapper.visit(finder)
    found: dict[int, ReadSpot] = {}
    for spot in spots:
        starting_here = finder.at.get((spot.line, spot.column), [])
        candidates = [node for node in starting_here if _holds_key(node, spot.key_code)]
        if starting_here and not candidates:  # the key is one element of a list of keys, say
            raise RemovalError(f"the read of {spot.key_code} shares its call with other keys: edit it by hand", spot.line)
        if len(candidates) != 1:
            problem = "no" if not candidates else "more than one"
            raise RemovalError(f"{problem} flag read of {spot.key_code} found at column {spot.column}", spot.line)
        found[id(candidates[0])] = spot
    return found

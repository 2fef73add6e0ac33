"""The pure part of `flagkeeper remove`: source text in, source text out, nothing read or written.

`remove_reads` is a pipeline of named steps over one libcst tree, parsed once:

1. bridge (bridge.py): the analysis's read positions -> the libcst nodes of the reads;
2. plan the fold (reads.py): the locals that hold a read and can become the value where read;
3. replace reads (reads.py): each read, and each use of those locals, becomes the value;
4. simplify (simplify.py): `not`, `and`/`or`, comparisons, `if`, `while`, ternaries, to a fixed point;
5. unread locals (unused.py): the locals only the removed code read, then simplify again;
6. guard: refuse the file when a function stopped being a generator.

Pruning (prune.py) runs later, when the project-level pass (project.py) knows what nothing uses.
Every line the steps do not touch keeps its formatting and comments.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from flagkeeper.remove.bridge import ReadSpot, RemovalError, TouchedStatements, find_read_nodes
from flagkeeper.remove.prune import Doomed, defining_lines, delete_definitions
from flagkeeper.remove.reads import ReadReplacer, functions_of, plan_fold
from flagkeeper.remove.simplify import simplify
from flagkeeper.remove.unused import drop_unread_locals, focused_part


class Refusal(RemovalError):
    """A change that would compile but that flagkeeper cannot prove keeps the behaviour."""


@dataclass
class Removal:
    """The new text of one file and what was done to it."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)


def _check_generators(source: str, touched: TouchedStatements, after: cst.Module) -> None:
    """A function whose only `yield` sat in the removed branch would become a plain function
    (its callers iterate over what it returns); one that went as a whole does not matter.
    Only the touched statements can have changed, so only they are compared."""
    if "yield" not in source:
        return  # the common case, without the cost of name resolution
    was, now = functions_of(touched.wrapper.module), functions_of(focused_part(after, touched.focus))
    lost = sorted(name for name in was.generators - now.generators if name in now.lines)
    if lost:
        name = lost[0]
        message = f"{name.replace('.<locals>', '')}() would no longer be a generator (its only yield is in the removed branch)"
        raise Refusal(message, touched.file_line(was.lines[name]))


def remove_reads(source: str, spots: Sequence[ReadSpot]) -> Removal:
    """`source` with the reads at `spots` replaced by their values and the code around them
    simplified; only the top-level statements that hold a read are visited."""
    touched = TouchedStatements(cst.parse_module(source), (spot.line for spot in spots))
    reads = find_read_nodes(touched, spots)
    fold = plan_fold(touched.wrapper, reads)
    focus = touched.focus
    replacer = ReadReplacer(reads, fold, touched.module.config_for_parsing, focus, touched.line_of)
    module = touched.module.visit(replacer)
    if replacer.mismatch is not None:
        line, message = replacer.mismatch
        raise RemovalError(f"{message}: give --value as that kind of literal", line)
    module, branches, statements = simplify(module, focus)
    module, unread = drop_unread_locals(ast.parse(touched.wrapper.module.code), module, focus)
    if unread:
        module, more_branches, more_statements = simplify(module, focus)
        branches, statements = branches + more_branches, statements + more_statements
    _check_generators(source, touched, module)
    counts = {"read": len(spots), "local": len(fold.statements) + unread, "branch": branches, "dead statement": statements}
    return Removal(module.code, counts)


def remove_definitions(source: str, doomed: Doomed) -> Removal:
    """`source` without the doomed imports, module constants, private functions and tests."""
    module = cst.parse_module(source)
    focus = TouchedStatements(module, defining_lines(ast.parse(source), doomed)).focus
    module, counts = delete_definitions(module, doomed, focus)
    return Removal(module.code, counts)

"""Per-file analysis: (path, source, module) -> FileFacts, reading no other file.

One `ast` parse and one walk per file. The walk reads the file's structure: imports, constants,
functions, calls, uses of imported names, and the call sites and conditionals the flag reader
needs (structure.py). Flag references with their exact source and the regions that flag checks
guard come from those (flagreads.py). Guards reach imports and calls here, by position.
"""

from __future__ import annotations

import ast
import contextlib
import sys
from collections.abc import Iterator

from flagkeeper.analysis.detailreads import find_unchecked_details
from flagkeeper.analysis.downlevel import downlevel
from flagkeeper.analysis.facts import (
    Branch,
    FileFacts,
    Function,
    Guard,
    Import,
    ParseError,
)
from flagkeeper.analysis.flagreads import GuardedRegion, find_flag_reads
from flagkeeper.analysis.handlers import find_handlers
from flagkeeper.analysis.overrides import find_overrides
from flagkeeper.analysis.packs import Matcher
from flagkeeper.analysis.registrations import find_registrations
from flagkeeper.analysis.structure import RawImport, Structure, read_structure
from flagkeeper.analysis.suppressions import find_suppressions


class _Guards:
    """The flag checks around a point of the file, from the guarded regions."""

    def __init__(self, regions: list[GuardedRegion]):
        self.regions = regions

    def at(self, line: int, byte_column: int) -> tuple[Guard, ...]:
        found: dict[Guard, None] = {}
        for region in self.regions:
            if region.holds((line, byte_column)):
                found.update(dict.fromkeys(region.guards))
        return tuple(found)

    def common(self, spots: list[tuple[int, int]]) -> tuple[Guard, ...]:
        """The guards around every one of `spots`: one unguarded spot leaves none."""
        guard_sets = [self.at(line, column) for line, column in spots]
        shared = set(guard_sets[0]).intersection(*guard_sets[1:])
        return tuple(guard for guard in guard_sets[0] if guard in shared)


def _import(raw: RawImport, structure: Structure, guards: _Guards) -> Import:
    uses = structure.uses.get(raw.local or "", [])
    # An import guards as its uses do; one used nowhere, as the statement itself does.
    return raw.target, raw.line, guards.common(uses or [(raw.line, raw.column)]), raw.dynamic


# The walk recurses once or twice per level of nesting: Python's default limit of 1000 stops at
# about 500 terms of `a + b + ...`, which generated code reaches. 4000 takes about 2000 and
# stays far from the C stack's end; deeper files are reported (FK000), never a crash.
RECURSION_LIMIT = 4000


@contextlib.contextmanager
def _recursion_limit(limit: int) -> Iterator[None]:
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def analyse_file(path: str, source: str, module: str, is_package: bool, matcher: Matcher) -> FileFacts:
    """The facts of one file; a file that cannot be parsed or is too deeply nested to walk is
    recorded as an error (FK000), never raised: one bad file must not stop the run."""
    try:
        with _recursion_limit(RECURSION_LIMIT):
            return _analyse_any_version(path, source, module, is_package, matcher)
    except SyntaxError as exc:
        error = ParseError(exc.msg, exc.lineno or 1, exc.offset or 1)
    except ValueError as exc:  # null bytes, on Python versions that do not call it a syntax error
        error = ParseError(str(exc), 1, 1)
    except RecursionError:
        error = ParseError(f"nested too deeply to analyse (over {RECURSION_LIMIT} levels)", 1, 1)
    except MemoryError:
        error = ParseError("too large to analyse: out of memory", 1, 1)
    return FileFacts(path, module, is_package, error=error)


def _analyse_any_version(path: str, source: str, module: str, is_package: bool, matcher: Matcher) -> FileFacts:
    """`_analyse`, with syntax newer than this interpreter's rewritten (downlevel.py); an error that
    remains is reported as the file has it."""
    try:
        return _analyse(path, source, module, is_package, matcher)
    except SyntaxError as error:
        rewritten = downlevel(source)
        if rewritten is None:
            raise
        try:
            return _analyse(path, rewritten, module, is_package, matcher)
        except SyntaxError:
            raise error from None


def _analyse(path: str, source: str, module: str, is_package: bool, matcher: Matcher) -> FileFacts:
    tree = ast.parse(source, filename=path)
    structure = read_structure(tree, module, is_package, attributes=matcher.reads_attributes)
    references, regions = find_flag_reads(structure, source, matcher)
    guards = _Guards(regions)
    lines = source.count("\n") + (not source.endswith("\n") and bool(source))
    handlers, raisers = find_handlers(tree, structure.aliases)
    return FileFacts(
        path, module, is_package, structure.aliases, structure.constants,
        imports=tuple(_import(raw, structure, guards) for raw in structure.imports),
        references=references,
        functions=tuple(
            Function(name, line, decorated, tuple(guards.at(*spot) for spot in structure.uses.get(name, [])) if "." not in name else ())
            for name, line, decorated in structure.functions
        ),
        calls=tuple((raw.callee, raw.line, raw.caller, guards.at(raw.line, raw.column)) for raw in structure.calls),
        is_script=structure.is_script,
        suppressions=find_suppressions(source, tree),
        branches=tuple(Branch(region.guards, region.start[0], region.end[0]) for region in regions),
        lines=lines,
        registrations=find_registrations(tree, structure, source, module, matcher),
        links=tuple(structure.links),
        string_lists=structure.string_lists,
        decorators=tuple(structure.decorators),
        overrides=find_overrides(structure, module, matcher, lines),
        bases=structure.bases,
        handlers=handlers,
        raisers=raisers,
        unchecked_details=find_unchecked_details(tree, source),
        names=" ".join(sorted(structure.names)),
    )  # fmt: skip

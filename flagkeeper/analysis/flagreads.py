"""Flag reads of one file: each read's key, call, place and guard, and the regions of code that a
flag check guards (the body of `if flag:`, the else of `if not flag:`, the right side of
`flag and ...`), which per-file analysis uses to put guards on imports and calls.

Read from the `ast` tree the file's structure was read from: `ast` has every position and the
exact source text of each read, ten times faster than libcst, which only `flagkeeper remove`
needs (it rewrites code and must keep its formatting).
"""

from __future__ import annotations

import ast
import functools
import io
import itertools
import re
from dataclasses import dataclass, replace

from flagkeeper.analysis.facts import Dynamic, FlagRef, Guard, KeyExpr, Literal
from flagkeeper.analysis.packs import ArgSpec, Matcher, ReadPattern
from flagkeeper.analysis.structure import Structure, dotted_name, key_expr, mapping_name, resolve_head

Position = tuple[int, int]  # line (1-based), column (0-based, UTF-8 bytes as ast counts them)


@dataclass(frozen=True)
class GuardedRegion:
    start: Position
    end: Position
    guards: tuple[Guard, ...]

    def holds(self, point: Position) -> bool:
        return self.start <= point < self.end


_Argument = tuple[ast.expr, str]  # an argument's value and its star: "", "*" or "**"


def find_arg(call: ast.Call, spec: ArgSpec | None) -> _Argument | None:
    if spec is None:
        return None
    for keyword in call.keywords:
        if keyword.arg in spec.keywords:
            return keyword.value, ""
    if spec.position is not None:
        positional = [(arg.value, "*") if isinstance(arg, ast.Starred) else (arg, "") for arg in call.args]
        positional += [(keyword.value, "**") for keyword in call.keywords if keyword.arg is None]
        for index, (value, star) in enumerate(positional):
            if star or index == spec.position:  # `*args` hides where the key is
                return value, star
    return None


def _span(nodes: list[ast.stmt] | list[ast.expr]) -> tuple[Position, Position]:
    first, last = nodes[0], nodes[-1]
    return (first.lineno, first.col_offset), (last.end_lineno or last.lineno, last.end_col_offset or 0)


_SPACES = re.compile(r"\s+")
_Site = ast.Call | ast.Subscript | ast.Compare | ast.Attribute


@dataclass(frozen=True)
class _Read:
    pattern: ReadPattern
    keys: tuple[tuple[KeyExpr, str], ...]  # each key read and its source: one, or each element of a list of keys
    call: str
    default: str | None
    negated: bool = False  # `key not in flags`: the flag reads true when the test is false


class _FlagReadFinder:
    def __init__(self, source: str, aliases: dict[str, str], matcher: Matcher):
        self.source = source
        self.aliases = aliases
        self.matcher = matcher
        self.references: list[FlagRef] = []
        self.regions: list[GuardedRegion] = []
        self.guards: dict[int, tuple[str, bool | None]] = {}
        self.reads: dict[int, _Read | None] = {}

    # -- source text -------------------------------------------------------------------------
    @functools.cached_property
    def lines(self) -> list[str]:  # only files with a read need them
        # Lines as Python counts them (\n, \r\n, \r), not str.splitlines, which also splits at
        # a form feed or \u2028 and so would shift every line and byte offset after one.
        return io.StringIO(self.source, newline="").readlines()

    def _code(self, node: ast.expr) -> str:
        """The node's source with runs of white space as one space."""
        start, end = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        begin, stop = node.col_offset, node.end_col_offset or 0
        lines = [line.encode() for line in self.lines[start : end + 1]]
        lines[-1] = lines[-1][:stop]
        lines[0] = lines[0][begin:]
        return _SPACES.sub(" ", b"".join(lines).decode()).strip()

    def _column(self, line: int, byte_column: int) -> int:
        """The 1-based character column of a byte offset."""
        text = self.lines[line - 1]
        return 1 + (byte_column if text.isascii() else len(text.encode()[:byte_column].decode(errors="ignore")))

    # -- which expressions read a flag ---------------------------------------------------------
    def _read(self, node: ast.expr) -> _Read | None:
        """The flag read `node` is, if any (memoised: guards and references both ask)."""
        if id(node) not in self.reads:
            self.reads[id(node)] = self._match(node)
        return self.reads[id(node)]

    def _may_match(self, callee: ast.expr) -> bool:
        """Cheaply, before the dotted name is built: can any pattern end in the callee's last name?"""
        if isinstance(callee, ast.Attribute):
            return self.matcher.ends_a_pattern(callee.attr)
        if isinstance(callee, ast.Name):
            return self.matcher.ends_a_pattern(self.aliases.get(callee.id, callee.id).rpartition(".")[2])
        return False

    def _match(self, node: ast.expr) -> _Read | None:
        if isinstance(node, ast.Attribute):
            read = self._match_attribute(node) if self.matcher.reads_attributes else None
            return None if read is None else self._flag_keys_only(read)
        if self.matcher.reads_mappings and (read := self._match_mapping(node)) is not None:
            return self._flag_keys_only(read)
        if isinstance(node, ast.Call):
            read = self._match_call(node) if self._may_match(node.func) else None
        elif (
            isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and not isinstance(node.slice, (ast.Slice, ast.Tuple))
            and self._may_match(node.value)
        ):  # fmt: skip
            pattern = next(self.matcher.candidates(resolve_head(dotted_name(node.value), self.aliases), is_subscript=True), None)
            if pattern is None:
                return None
            read = _Read(pattern, ((key_expr(node.slice), self._code(node.slice)),), f"{self._code(node.value)}[...]", None)
        else:
            return None
        return None if read is None else self._flag_keys_only(read)

    def _flag_keys_only(self, read: _Read) -> _Read | None:
        keys = tuple(
            (key, code) for key, code in read.keys
            if not isinstance(key, Literal) or self.matcher.is_flag_key(read.pattern.pack, key.value)
        )  # fmt: skip
        return replace(read, keys=keys) if keys else None

    def _match_call(self, node: ast.Call) -> _Read | None:
        for pattern in self.matcher.candidates(resolve_head(dotted_name(node.func), self.aliases), is_subscript=False):
            key_arg = find_arg(node, pattern.key)
            if key_arg is not None:
                break
        else:
            return None
        value, star = key_arg
        default_arg = find_arg(node, pattern.default)
        default = self._code(default_arg[0]) if default_arg is not None and not default_arg[1] else None
        return _Read(pattern, self._keys(value, star), self._code(node.func), default)

    def _match_mapping(self, node: ast.expr) -> _Read | None:
        """`M[key]`, `M.get(key, default)` or `key in M` where M is a flags mapping a pack names."""
        negated, default = False, None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and not isinstance(node.slice, (ast.Slice, ast.Tuple)):
            mapping, key, call = node.value, node.slice, f"{self._code(node.value)}[...]"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
            mapping, key, call = node.func.value, node.args[0], self._code(node.func)
            default = self._code(node.args[1]) if len(node.args) > 1 else None
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            mapping, key, negated = node.comparators[0], node.left, isinstance(node.ops[0], ast.NotIn)
            call = f"{'not in' if negated else 'in'} {self._code(mapping)}"
        else:
            return None
        pattern = self.matcher.mapping(resolve_head(mapping_name(mapping), self.aliases))
        if pattern is None or isinstance(key, ast.Starred):
            return None
        return _Read(pattern, self._keys(key, ""), call, default, negated)

    def _match_attribute(self, node: ast.Attribute) -> _Read | None:
        """`settings.FLAG` where `settings` resolves to an object an `attribute-of` pack names."""
        if not isinstance(node.value, ast.Name) or not isinstance(node.ctx, ast.Load):
            return None
        pattern = self.matcher.attribute(resolve_head(node.value.id, self.aliases))
        return None if pattern is None else _Read(pattern, ((Literal(node.attr), node.attr),), self._code(node), None)

    def _keys(self, value: ast.expr, star: str) -> tuple[tuple[KeyExpr, str], ...]:
        """The keys a key argument names: itself, or each element of a list or tuple literal
        (`@require_flags(["A", "B"])`); a starred argument or element hides its keys."""
        if star:
            return ((Dynamic(star + self._code(value)), star + self._code(value)),)
        if isinstance(value, (ast.List, ast.Tuple)) and value.elts:
            return tuple(
                (Dynamic(self._code(element)) if isinstance(element, ast.Starred) else key_expr(element), self._code(element))
                for element in value.elts
            )  # fmt: skip
        return ((key_expr(value), self._code(value)),)

    def _implied(self, expr: ast.expr, truth: bool) -> list[Guard]:
        """Flag checks that must hold when `expr` evaluates to `truth` (through not, and, or)."""
        read = self._read(expr)
        if read is not None:
            # A check of several keys may mean all or any of them: it implies nothing about one.
            return [Guard(read.keys[0][0], truth != read.negated)] if len(read.keys) == 1 else []
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
            return self._implied(expr.operand, not truth)
        if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.And) == truth:
            return [guard for value in expr.values for guard in self._implied(value, truth)]
        return []

    def _guard(self, test: ast.expr, truth: bool, region: list[ast.stmt] | list[ast.expr]) -> None:
        self._add_region(self._implied(test, truth), region)

    def _add_region(self, guards: list[Guard], region: list[ast.stmt] | list[ast.expr]) -> None:
        if guards and region:
            self.regions.append(GuardedRegion(*_span(region), tuple(guards)))

    # -- where a read sits -------------------------------------------------------------------
    def _mark_test(self, test: ast.expr, kind: str, polarity: bool | None = True) -> None:
        """Record the guard of every read in a test, looking through `not`, `and`, `or`, comparisons."""
        pending: list[tuple[ast.expr, bool | None]] = [(test, polarity)]
        while pending:
            expr, current = pending.pop()
            if isinstance(expr, (ast.Call, ast.Subscript, ast.Attribute)):
                self.guards.setdefault(id(expr), (kind, current))
            elif isinstance(expr, ast.Compare) and (read := self._read(expr)) is not None:  # `"X" in flags`
                self.guards.setdefault(id(expr), (kind, None if current is None else current != read.negated))
            elif isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
                pending.append((expr.operand, None if current is None else not current))
            elif isinstance(expr, ast.BoolOp):
                pending += [(value, current) for value in expr.values]
            elif isinstance(expr, ast.Compare):
                pending += [(side, None) for side in (expr.left, *expr.comparators)]

    def conditional(self, node: ast.AST, kind: str) -> None:
        """Mark the reads in a construct's test and record the regions the test guards."""
        if isinstance(node, ast.If):
            self._mark_test(node.test, kind)
            self._guard(node.test, True, node.body)
            self._guard(node.test, False, node.orelse)
        elif isinstance(node, ast.While):
            self._mark_test(node.test, kind)
            self._guard(node.test, True, node.body)
        elif isinstance(node, ast.IfExp):
            self._mark_test(node.test, kind)
            self._guard(node.test, True, [node.body])
            self._guard(node.test, False, [node.orelse])
        elif isinstance(node, ast.comprehension):
            for test in node.ifs:
                self._mark_test(test, "if")
        elif isinstance(node, ast.BoolOp):
            # `flag and run()` runs the right side when the flag is true; `flag or run()` when false.
            is_and = kind == "and"
            implied: list[Guard] = []
            for before, value in itertools.pairwise(node.values):
                self._mark_test(before, kind, is_and)
                implied += self._implied(before, is_and)
                self._add_region(implied, [value])

    # -- the reads ---------------------------------------------------------------------------
    def is_read(self, node: _Site) -> bool:
        return self._read(node) is not None

    def site(self, node: _Site, scope: str | None) -> None:
        read = self._read(node)
        assert read is not None
        guard, polarity = self.guards.get(id(node), (None, None))
        column = self._column(node.lineno, node.col_offset)
        for key, key_code in read.keys:
            self.references.append(
                FlagRef(
                    key, key_code, read.pattern.pack, read.call, node.lineno, column, scope, guard, polarity, read.default,
                    read.pattern.registered_only,
                )
            )  # fmt: skip


def find_flag_reads(structure: Structure, source: str, matcher: Matcher) -> tuple[tuple[FlagRef, ...], list[GuardedRegion]]:
    """Every flag read an active rule pack recognises, in source order, and the guarded regions.

    Every construct's test is marked before any read is recorded: a construct encloses the reads
    it guards, so this is the order of a walk, without a walk of its own.
    """
    finder = _FlagReadFinder(source, structure.aliases, matcher)
    sites: list[tuple[_Site, str | None]] = [*structure.sites]
    if matcher.reads_attributes:  # `settings.FLAG`; merged in source order below
        sites += structure.name_attributes
    reads = [(node, scope) for node, scope in sites if finder.is_read(node)]
    if not reads:  # most files: nothing more to look at
        return (), []
    for node, kind in structure.conditionals:
        finder.conditional(node, kind)
    for node, scope in reads:
        finder.site(node, scope)
    # Stable: a call and the call it is made on start at one place, the outer one found first.
    return tuple(sorted(finder.references, key=lambda ref: (ref.line, ref.column))), finder.regions

"""Flag reads of one file, read with libcst: each read's key, call, place and guard, and the
regions of code that a flag check guards (the body of `if flag:`, the else of `if not flag:`,
the right side of `flag and ...`), which per-file analysis uses to put guards on imports and calls.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from flagkeeper.facts import Dynamic, FlagRef, Guard, KeyExpr, Literal
from flagkeeper.packs import ArgSpec, Matcher, ReadPattern
from flagkeeper.structure import key_expr, resolve_head

Position = tuple[int, int]  # line (1-based), column (0-based, characters)


@dataclass(frozen=True)
class GuardedRegion:
    start: Position
    end: Position
    guards: tuple[Guard, ...]

    def holds(self, point: Position) -> bool:
        return self.start <= point < self.end


def _cst_dotted(node: cst.BaseExpression) -> str:
    """`a.b().c` for a callee; parts that are neither names, attributes nor calls show as `?`."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_cst_dotted(node.value)}.{node.attr.value}"
    if isinstance(node, cst.Call):
        return f"{_cst_dotted(node.func)}()"
    if isinstance(node, cst.Subscript):
        return f"{_cst_dotted(node.value)}[]"
    return "?"


def _find_arg(args: Sequence[cst.Arg], spec: ArgSpec | None) -> cst.Arg | None:
    if spec is None:
        return None
    for arg in args:
        if arg.keyword is not None and arg.keyword.value in spec.keywords:
            return arg
    if spec.position is not None:
        positional = [arg for arg in args if arg.keyword is None]
        for index, arg in enumerate(positional):
            if arg.star:  # `*args` hides where the key is
                return arg
            if index == spec.position:
                return arg
    return None


_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class _Read:
    pattern: ReadPattern
    key: KeyExpr
    key_code: str
    call: str
    default: str | None


class _FlagReadFinder(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: cst.Module, aliases: dict[str, str], matcher: Matcher):
        super().__init__()
        self.module = module
        self.aliases = aliases
        self.matcher = matcher
        self.references: list[FlagRef] = []
        self.regions: list[GuardedRegion] = []
        self.scopes: list[str] = []
        self.guards: dict[int, tuple[str, bool | None]] = {}
        self.elifs: set[int] = set()
        self.written: set[int] = set()
        self.reads: dict[int, _Read | None] = {}

    # -- which expressions read a flag ---------------------------------------------------------
    def _code(self, node: cst.CSTNode) -> str:
        return _SPACES.sub(" ", self.module.code_for_node(node)).strip()

    def _read(self, node: cst.CSTNode) -> _Read | None:
        """The flag read `node` is, if any (memoised: guards and references both ask)."""
        if id(node) not in self.reads:
            self.reads[id(node)] = self._match(node)
        return self.reads[id(node)]

    def _match(self, node: cst.CSTNode) -> _Read | None:
        if isinstance(node, cst.Call):
            for pattern in self.matcher.candidates(resolve_head(_cst_dotted(node.func), self.aliases), is_subscript=False):
                key_arg = _find_arg(node.args, pattern.key)
                if key_arg is not None:
                    break
            else:
                return None
            key_code = str(key_arg.star) + self._code(key_arg.value)
            default_arg = _find_arg(node.args, pattern.default)
            default = self._code(default_arg.value) if default_arg is not None and not default_arg.star else None
            key = Dynamic(key_code) if key_arg.star else key_expr(ast.parse(f"({key_code})", mode="eval").body)
            read = _Read(pattern, key, key_code, self._code(node.func), default)
        elif isinstance(node, cst.Subscript) and id(node) not in self.written and len(node.slice) == 1:
            index = node.slice[0].slice
            if not isinstance(index, cst.Index):
                return None
            pattern_found = next(self.matcher.candidates(resolve_head(_cst_dotted(node.value), self.aliases), is_subscript=True), None)
            if pattern_found is None:
                return None
            key_code = self._code(index.value)
            key = key_expr(ast.parse(f"({key_code})", mode="eval").body)
            read = _Read(pattern_found, key, key_code, f"{self._code(node.value)}[...]", None)
        else:
            return None
        if isinstance(read.key, Literal) and not self.matcher.is_flag_key(read.pattern.pack, read.key.value):
            return None
        return read

    def _implied(self, expr: cst.BaseExpression, truth: bool) -> list[Guard]:
        """Flag checks that must hold when `expr` evaluates to `truth` (through not, and, or)."""
        read = self._read(expr)
        if read is not None:
            return [Guard(read.key, truth)]
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
            return self._implied(expr.expression, not truth)
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.And) == truth:
            return self._implied(expr.left, truth) + self._implied(expr.right, truth)
        return []

    def _guard(self, test: cst.BaseExpression, truth: bool, region: cst.CSTNode | None) -> None:
        guards = self._implied(test, truth)
        if guards and region is not None:
            where: CodeRange = self.get_metadata(PositionProvider, region)
            start, end = where.start, where.end
            self.regions.append(GuardedRegion((start.line, start.column), (end.line, end.column), tuple(guards)))

    # -- where a read sits -------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()

    def _mark_test(self, test: cst.BaseExpression, kind: str, polarity: bool | None = True) -> None:
        """Record the guard of every read in a test, looking through `not`, `and`, `or`, comparisons."""
        pending: list[tuple[cst.BaseExpression, bool | None]] = [(test, polarity)]
        while pending:
            expr, current = pending.pop()
            if isinstance(expr, (cst.Call, cst.Subscript)):
                self.guards.setdefault(id(expr), (kind, current))
            elif isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
                pending.append((expr.expression, None if current is None else not current))
            elif isinstance(expr, cst.BooleanOperation):
                pending += [(expr.left, current), (expr.right, current)]
            elif isinstance(expr, cst.Comparison):
                pending.append((expr.left, None))
                pending += [(target.comparator, None) for target in expr.comparisons]

    def visit_If(self, node: cst.If) -> None:
        self._mark_test(node.test, "elif" if id(node) in self.elifs else "if")
        if isinstance(node.orelse, cst.If):
            self.elifs.add(id(node.orelse))
        self._guard(node.test, True, node.body)
        self._guard(node.test, False, node.orelse)

    def visit_While(self, node: cst.While) -> None:
        self._mark_test(node.test, "while")
        self._guard(node.test, True, node.body)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._mark_test(node.test, "ternary")
        self._guard(node.test, True, node.body)
        self._guard(node.test, False, node.orelse)

    def visit_CompIf(self, node: cst.CompIf) -> None:
        self._mark_test(node.test, "if")

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        # `flag and run()` runs the right side when the flag is true; `flag or run()` when false.
        is_and = isinstance(node.operator, cst.And)
        self._mark_test(node.left, "and" if is_and else "or", is_and)
        self._guard(node.left, is_and, node.right)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.written.update(id(target.target) for target in node.targets)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.written.add(id(node.target))

    def visit_Del(self, node: cst.Del) -> None:
        self.written.add(id(node.target))

    # -- the reads ---------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self._record(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._record(node)

    def _record(self, node: cst.Call | cst.Subscript) -> None:
        read = self._read(node)
        if read is None:
            return
        position = self.get_metadata(PositionProvider, node).start
        guard, polarity = self.guards.get(id(node), (None, None))
        self.references.append(
            FlagRef(
                read.key, read.key_code, read.pattern.pack, read.call, position.line, position.column + 1,
                ".".join(self.scopes) or None, guard, polarity, read.default,
            )
        )  # fmt: skip


def find_flag_reads(source: str, aliases: dict[str, str], matcher: Matcher) -> tuple[tuple[FlagRef, ...], list[GuardedRegion]]:
    """Every flag read an active rule pack recognises, in source order, and the guarded regions."""
    wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
    finder = _FlagReadFinder(wrapper.module, aliases, matcher)
    wrapper.visit(finder)
    return tuple(finder.references), finder.regions

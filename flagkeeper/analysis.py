"""Per-file analysis: (path, source, module) -> FileFacts, reading no other file.

Two parsers, each for what it does best. `ast` (about ten times faster) reads every file's
imports and module-level string constants. libcst reads flag references, with positions, guards
and the exact source of each key, but only in files whose text can hold a flag read (the rule
packs' call names appear in it); every other file reads no flag by construction, so the
shortcut changes no finding (tests/test_analysis.py holds both paths equal).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from flagkeeper.facts import Concat, Dynamic, FileFacts, FlagRef, Import, KeyExpr, Literal, NameRef, ParseError
from flagkeeper.packs import ArgSpec, Matcher, ReadPattern


def key_expr(node: ast.expr) -> KeyExpr:
    """What a key expression is made of; anything not built from strings and names is Dynamic."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return Literal(node.value)
    dotted = _ast_dotted(node)
    if dotted is not None:
        return NameRef(dotted)
    parts: tuple[KeyExpr, ...]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = (key_expr(node.left), key_expr(node.right))
    elif isinstance(node, ast.JoinedStr) and all(_plain_fstring_part(value) for value in node.values):
        parts = tuple(key_expr(value.value if isinstance(value, ast.FormattedValue) else value) for value in node.values)
    else:
        return Dynamic(ast.unparse(node))
    if any(isinstance(part, Dynamic) for part in parts):
        return Dynamic(ast.unparse(node))
    flat: list[KeyExpr] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, Concat) else (part,))
    return Concat(tuple(flat))


def _plain_fstring_part(value: ast.expr) -> bool:
    return not isinstance(value, ast.FormattedValue) or (value.conversion == -1 and value.format_spec is None)


def _ast_dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _ast_dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _package_of(module: str, is_package: bool, level: int) -> str | None:
    """The package a relative import of `level` dots starts from, or None above the top."""
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts):
        return None
    return ".".join(parts[: len(parts) - (level - 1)])


def _imports(tree: ast.Module, module: str, is_package: bool) -> tuple[tuple[Import, ...], dict[str, str]]:
    imports: list[Import] = []
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imports.append(Import(alias.name, (), node.lineno))
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(module, is_package, node.level)
                if package is None:
                    continue
                base = ".".join(part for part in (package, base) if part)
            names = tuple(alias.name for alias in node.names)
            imports.append(Import(base, names, node.lineno))
            for alias in node.names:
                if alias.name != "*":
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    return tuple(imports), aliases


def _constants(tree: ast.Module) -> dict[str, KeyExpr]:
    """Module-level `NAME = <string expression>` and class attributes as `Class.NAME`."""
    constants: dict[str, KeyExpr] = {}

    def collect(body: list[ast.stmt], prefix: str) -> None:
        for statement in body:
            if isinstance(statement, ast.Assign):
                targets, value = statement.targets, statement.value
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                targets, value = [statement.target], statement.value
            elif isinstance(statement, ast.ClassDef) and not prefix:
                collect(statement.body, f"{statement.name}.")
                continue
            else:
                continue
            expr = key_expr(value)
            if isinstance(expr, Dynamic):
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    constants[prefix + target.id] = expr

    collect(tree.body, "")
    return constants


def analyse_file(path: str, source: str, module: str, is_package: bool, matcher: Matcher) -> FileFacts:
    """The facts of one file; a syntax error is recorded, never raised."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        error = ParseError(exc.msg, exc.lineno or 1, exc.offset or 1)
        return FileFacts(path, module, is_package, error=error)
    imports, aliases = _imports(tree, module, is_package)
    constants = _constants(tree)
    references: tuple[FlagRef, ...] = ()
    if matcher.may_read_flags(source):
        try:
            references = find_references(source, aliases, matcher)
        except cst.ParserSyntaxError as exc:
            error = ParseError(exc.message, exc.raw_line, exc.raw_column + 1)
            return FileFacts(path, module, is_package, error=error)
    return FileFacts(path, module, is_package, aliases, constants, imports, references)


def find_references(source: str, aliases: dict[str, str], matcher: Matcher) -> tuple[FlagRef, ...]:
    """Every flag read in `source` that an active rule pack recognises, in source order."""
    wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
    finder = _ReferenceFinder(wrapper.module, aliases, matcher)
    wrapper.visit(finder)
    return tuple(finder.references)


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


class _ReferenceFinder(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: cst.Module, aliases: dict[str, str], matcher: Matcher):
        super().__init__()
        self.module = module
        self.aliases = aliases
        self.matcher = matcher
        self.references: list[FlagRef] = []
        self.scopes: list[str] = []
        self.guards: dict[int, tuple[str, bool | None]] = {}
        self.elifs: set[int] = set()
        self.written: set[int] = set()

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

    def visit_While(self, node: cst.While) -> None:
        self._mark_test(node.test, "while")

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._mark_test(node.test, "ternary")

    def visit_CompIf(self, node: cst.CompIf) -> None:
        self._mark_test(node.test, "if")

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        # `flag and run()` runs the right side when the flag is true; `flag or run()` when false.
        is_and = isinstance(node.operator, cst.And)
        self._mark_test(node.left, "and" if is_and else "or", is_and)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.written.update(id(target.target) for target in node.targets)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.written.add(id(node.target))

    def visit_Del(self, node: cst.Del) -> None:
        self.written.add(id(node.target))

    # -- the reads ---------------------------------------------------------------------------
    def _resolve(self, dotted: str) -> str:
        """Replace the first name with what the file imported under it: `flags.x` -> `smars.flags.client.x`."""
        head = re.split(r"[.(\[]", dotted, maxsplit=1)[0]
        target = self.aliases.get(head)
        return dotted if target is None else target + dotted[len(head) :]

    def visit_Call(self, node: cst.Call) -> None:
        # The first pack whose pattern matches and whose key argument is present reads the flag.
        for read in self.matcher.candidates(self._resolve(_cst_dotted(node.func)), is_subscript=False):
            key_arg = _find_arg(node.args, read.key)
            if key_arg is not None:
                break
        else:
            return
        key_code = str(key_arg.star) + self._code(key_arg.value)
        default_arg = _find_arg(node.args, read.default)
        default = self._code(default_arg.value) if default_arg is not None and not default_arg.star else None
        self._add(node, read, key_code, self._code(node.func), default, starred=bool(key_arg.star))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if id(node) in self.written or len(node.slice) != 1:
            return
        index = node.slice[0].slice
        if not isinstance(index, cst.Index):
            return
        read = next(self.matcher.candidates(self._resolve(_cst_dotted(node.value)), is_subscript=True), None)
        if read is not None:
            self._add(node, read, self._code(index.value), f"{self._code(node.value)}[...]", None, starred=False)

    def _code(self, node: cst.CSTNode) -> str:
        return _SPACES.sub(" ", self.module.code_for_node(node)).strip()

    def _add(self, node: cst.CSTNode, read: ReadPattern, key_code: str, call: str, default: str | None, starred: bool) -> None:
        key = Dynamic(key_code) if starred else key_expr(ast.parse(f"({key_code})", mode="eval").body)
        if isinstance(key, Literal) and not self.matcher.is_flag_key(read.pack, key.value):
            return
        position = self.get_metadata(PositionProvider, node).start
        guard, polarity = self.guards.get(id(node), (None, None))
        function = ".".join(self.scopes) or None
        self.references.append(
            FlagRef(key, key_code, read.pack, call, position.line, position.column + 1, function, guard, polarity, default)
        )


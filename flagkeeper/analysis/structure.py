"""The structure of one file, read with `ast`: imports, constants, functions, calls, name uses.

Everything here is cheap and needed for every file; nothing here knows about flags except how
to turn a key expression into a KeyExpr. Code under `if TYPE_CHECKING:` never runs and is
skipped.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flagkeeper.analysis.facts import (
    COMPUTED_LINK,
    PATH_LINK,
    PLUGINS_LINK,
    STAR_LINK,
    STRING_LINK,
    Concat,
    Dynamic,
    KeyExpr,
    Link,
    Literal,
    NameRef,
)
from flagkeeper.analysis.frameworkcalls import framework_links

_DYNAMIC_IMPORTERS = ("importlib.import_module", "__import__")
_STRING_IMPORTERS = ("import_string", "import_by_path", "locate")  # django, werkzeug, pydoc: "a.b.C"
_PLUGIN_FINDERS = ("pkgutil.iter_modules", "pkgutil.walk_packages")
# `a.b.C`, `a.b:app` (uvicorn, entry points) and `name = a.b:main` (setup.py entry points).
_DOTTED_PATH = re.compile(r"(?:[\w.-]+ *= *)?(?P<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?P<attr>:[A-Za-z_][\w.]*)?")
_LISTED_NAME = re.compile(r"__all__|[A-Z][A-Z0-9_]*")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def key_expr(node: ast.expr) -> KeyExpr:
    """What a key expression is made of; anything not built from strings and names is Dynamic."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return Literal(node.value)
    dotted = dotted_name(node)
    if _names_and_calls(dotted) and "(" not in dotted:
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


def dotted_name(node: ast.expr) -> str:
    """`a.b().c` for a callee, `x[].y` through a subscript; parts that are none of these show as `?`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted_name(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{dotted_name(node.func)}()"
    if isinstance(node, ast.Subscript):
        return f"{dotted_name(node.value)}[]"
    return "?"


def mapping_name(node: ast.expr) -> str:
    """`get_flags()`, `config["FLAGS"].x`: like dotted_name, with subscripts by a string kept."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return f'{mapping_name(node.value)}["{node.slice.value}"]'
    if isinstance(node, ast.Attribute):
        return f"{mapping_name(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{mapping_name(node.func)}()"
    return node.id if isinstance(node, ast.Name) else "?"


def _names_and_calls(dotted: str) -> bool:
    """Is a dotted name made of names, attributes and calls only (no subscript, nothing else)?"""
    return "?" not in dotted and "[" not in dotted


def resolve_head(dotted: str, aliases: dict[str, str]) -> str:
    """Replace the first name with what the file imported under it: `flags.x` -> `smars.flags.client.x`."""
    head = dotted.split(".", 1)[0].split("(", 1)[0].split("[", 1)[0]
    target = aliases.get(head)
    return dotted if target is None else target + dotted[len(head) :]


def callee_last_name(callee: ast.expr, aliases: dict[str, str]) -> str:
    """The last name of what a call calls (through an import for a bare name), built cheaply."""
    if isinstance(callee, ast.Name):
        return aliases.get(callee.id, callee.id).rpartition(".")[2]
    return callee.attr if isinstance(callee, ast.Attribute) else ""


def callee_names(callee: ast.expr, aliases: dict[str, str], module: str) -> tuple[str, ...]:
    """The dotted names a callee may stand for: resolved through the imports, or, for a name the
    module itself binds (`manager = Manager()`, `def register(...)`), also as `module.name`."""
    written = dotted_name(callee)
    dotted = resolve_head(written, aliases)
    return (dotted,) if dotted != written else (dotted, f"{module}.{dotted}")


def _package_of(module: str, is_package: bool, level: int) -> str | None:
    """The package a relative import of `level` dots starts from, or None above the top."""
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts):
        return None
    return ".".join(parts[: len(parts) - (level - 1)])


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _is_main_guard(test: ast.expr) -> bool:
    """`__name__ == "__main__"` (either way round)."""
    if not isinstance(test, ast.Compare) or len(test.comparators) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = {ast.unparse(test.left), ast.unparse(test.comparators[0])}
    return sides == {"__name__", "'__main__'"}


@dataclass
class RawImport:
    """An import before guards are known: the local name it binds, where it stands."""

    target: str
    local: str | None
    line: int
    column: int
    dynamic: bool = False


@dataclass
class RawCall:
    callee: str
    line: int
    column: int
    caller: str | None


@dataclass
class Structure:
    aliases: dict[str, str] = field(default_factory=dict)
    constants: dict[str, KeyExpr] = field(default_factory=dict)
    imports: list[RawImport] = field(default_factory=list)
    functions: list[tuple[str, int, bool]] = field(default_factory=list)  # qualname, line, decorated
    calls: list[RawCall] = field(default_factory=list)
    # Uses (line, 0-based UTF-8 column) of each name an import binds or a module-level def defines.
    uses: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    is_script: bool = False
    links: list[Link] = field(default_factory=list)
    decorators: list[str] = field(default_factory=list)
    string_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class qualname -> its bases, resolved
    # For the flag reader (flagreads.py), so that it needs no walk of its own: every call and
    # subscript with the qualname around it (a decorator's is the function's), and every
    # conditional construct (if, elif, while, ternary, comprehension, and/or), in source order.
    # `in` tests are there too, for packs that read a flags mapping (`"X" in flags`).
    sites: list[tuple[ast.Call | ast.Subscript | ast.Compare, str | None]] = field(default_factory=list)
    conditionals: list[tuple[ast.AST, str]] = field(default_factory=list)
    # For registrations (registrations.py): `for` loops over a literal list or a name, whose
    # calls may register each element.
    literal_loops: list[ast.For] = field(default_factory=list)
    # For `[[read]] attribute-of` packs: `name.attr` loads (not on self or cls), with their qualname.
    name_attributes: list[tuple[ast.Attribute, str | None]] = field(default_factory=list)
    # For overrides (overrides.py): each function's and class's lines (decorators included) by
    # qualname, the lines of the `with` statement around each context expression (by id), and
    # the ids of decorator expressions.
    scope_spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    with_spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    decorator_ids: set[int] = field(default_factory=set)
    # For `flagkeeper remove` (FileFacts.names): every name the file reads or deletes, attribute
    # name, and identifier in a string that is not a docstring.
    names: set[str] = field(default_factory=set)


# Fields that only ever hold operators and contexts (`ast.Load`, `ast.Add`, ...): nothing to visit.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}
_VISITORS: dict[type[ast.AST], Callable[[_Collector, Any], None]] = {}
_ATTRIBUTE_VISITORS: dict[type[ast.AST], Callable[[_Collector, Any], None]] = {}


def _visitor_for(kind: type[ast.AST], attributes: bool) -> Callable[[_Collector, Any], None]:
    if attributes and kind is ast.Attribute:
        return _Collector.record_attribute
    visitor: Callable[[_Collector, Any], None] = getattr(_Collector, "visit_" + kind.__name__, _Collector.generic_visit)
    return visitor


class _Collector(ast.NodeVisitor):
    """The one walk. `visit` and `generic_visit` are ast.NodeVisitor's, in the same order, with
    the method looked up once per node type and no visit of operator and context nodes: the walk
    is half the analysis of a file, and those lookups were a third of the walk."""

    def __init__(self, module: str, is_package: bool, attributes: bool = False):
        # Attributes are visited only for packs that read `settings.FLAG`: other runs skip the cost.
        self.visitors = _ATTRIBUTE_VISITORS if attributes else _VISITORS
        self.module = module
        self.is_package = is_package
        self.found = Structure()
        self.scopes: list[str] = []
        self.decorating: str | None = None  # the function whose decorators are being visited
        self.elifs: set[int] = set()
        self.raw_calls: list[tuple[str, ast.Call, str | None]] = []
        self.raw_decorators: set[str] = set()

    def visit(self, node: ast.AST) -> None:
        kind = type(node)
        visitor = self.visitors.get(kind)
        if visitor is None:
            visitor = self.visitors[kind] = _visitor_for(kind, self.visitors is _ATTRIBUTE_VISITORS)
        visitor(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        kind = type(node)
        fields = _CHILD_FIELDS.get(kind)
        if fields is None:
            fields = _CHILD_FIELDS[kind] = tuple(name for name in kind._fields if name not in _LEAF_FIELDS)
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def _qualname(self) -> str | None:
        """The qualname around the node being visited (a decorator's is the function's)."""
        scopes = [*self.scopes, self.decorating] if self.decorating else self.scopes
        return ".".join(scopes) or None

    def _site(self, node: ast.Call | ast.Subscript | ast.Compare) -> None:
        self.found.sites.append((node, self._qualname()))

    def _conditional(self, node: ast.AST, kind: str) -> None:
        self.found.conditionals.append((node, kind))
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        if not self.scopes and _is_main_guard(node.test):
            self.found.is_script = True
        if _is_type_checking(node.test):
            self.found.names |= _names_read(node.body)
            for statement in node.orelse:
                self.visit(statement)
            return
        orelse = node.orelse[0] if len(node.orelse) == 1 else None
        if isinstance(orelse, ast.If) and orelse.col_offset == node.col_offset:  # `elif`, not `else: if`
            self.elifs.add(id(orelse))
        self._conditional(node, "elif" if id(node) in self.elifs else "if")

    def visit_While(self, node: ast.While) -> None:
        self._conditional(node, "while")

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._conditional(node, "ternary")

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._conditional(node, "comprehension")

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self._conditional(node, "and" if isinstance(node.op, ast.And) else "or")

    def visit_Compare(self, node: ast.Compare) -> None:
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            self._site(node)
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self._literal_loop(node)
        self.generic_visit(node)

    def _literal_loop(self, node: ast.For) -> None:
        if isinstance(node.iter, (ast.List, ast.Tuple, ast.Name)):
            self.found.literal_loops.append(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self._site(node)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.found.names.add(node.attr)
        self.generic_visit(node)

    def record_attribute(self, node: ast.Attribute) -> None:
        """An attribute load, for packs that read `settings.FLAG` (visited only when one is active)."""
        self.found.names.add(node.attr)
        if isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Load) and node.value.id not in ("self", "cls"):
            self.found.name_attributes.append((node, self._qualname()))
        self.generic_visit(node)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.found.with_spans[id(item.context_expr)] = (node.lineno, node.end_lineno or node.lineno)
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def _visit_scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        outer, self.decorating = self.decorating, node.name
        for decorator in node.decorator_list:
            self._record_decorator(decorator)
            self.found.decorator_ids.add(id(decorator))
            self.visit(decorator)
        self.decorating = None
        if isinstance(node, ast.ClassDef):
            named = [dotted_name(base) for base in node.bases]
            self.found.bases[".".join([*self.scopes, node.name])] = tuple(name for name in named if _names_and_calls(name) and "(" not in name)
        self.scopes.append(node.name)
        first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
        self.found.scope_spans[".".join(self.scopes)] = (first, node.end_lineno or node.lineno)
        if not isinstance(node, ast.ClassDef):
            self.found.functions.append((".".join(self.scopes), node.lineno, bool(node.decorator_list)))
        decorators = set(map(id, node.decorator_list))
        for child in ast.iter_child_nodes(node):
            if id(child) not in decorators:
                self.visit(child)
        self.scopes.pop()
        self.decorating = outer

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _visit_scope

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            self.found.aliases[local] = alias.name if alias.asname else local
            self.found.imports.append(RawImport(alias.name, local, node.lineno, node.col_offset))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            package = _package_of(self.module, self.is_package, node.level)
            if package is None:
                return
            base = ".".join(part for part in (package, base) if part)
        for alias in node.names:
            if alias.name == "*":
                self.found.imports.append(RawImport(base, None, node.lineno, node.col_offset))
                self.found.links.append(Link(base, node.lineno, STAR_LINK))
                continue
            local = alias.asname or alias.name
            self.found.aliases[local] = f"{base}.{alias.name}"
            self.found.imports.append(RawImport(f"{base}.{alias.name}", local, node.lineno, node.col_offset))

    def visit_Call(self, node: ast.Call) -> None:
        self._site(node)
        dotted = dotted_name(node.func)
        if _names_and_calls(dotted):
            self.raw_calls.append((dotted, node, ".".join(self.scopes) or None))
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.found.uses.setdefault(node.id, []).append((node.lineno, node.col_offset))
            self.found.names.add(node.id)
        elif isinstance(node.ctx, ast.Del):
            self.found.names.add(node.id)

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant):  # a docstring, or a string as a comment: its words are no uses
            self._record_dotted_path(node.value)
        else:
            self.visit(node.value)

    def visit_Constant(self, node: ast.Constant) -> None:
        self._record_dotted_path(node)
        value = node.value
        if isinstance(value, str):
            if value.isidentifier():  # the common case, without the regex
                self.found.names.add(value)
            else:
                self.found.names.update(_WORD.findall(value))
        elif isinstance(value, bytes):
            self.found.names.update(_WORD.findall(value.decode("latin-1")))

    # What the entry-point detectors need (project/entrypoints/), recorded during the same walk.

    def _record_dotted_path(self, node: ast.Constant) -> None:
        value = node.value
        # The cheap test first: nearly every string constant has neither a dot nor a colon.
        if isinstance(value, str) and len(value) < 200 and ("." in value or ":" in value):
            match = _DOTTED_PATH.fullmatch(value)
            if match and ("." in match["path"] or match["attr"]):
                self.found.links.append(Link(match["path"], node.lineno, STRING_LINK))
            elif "/" in value and value.endswith(".py"):
                self.found.links.append(Link(value, node.lineno, PATH_LINK))

    def _record_decorator(self, decorator: ast.expr) -> None:
        dotted = dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator)
        if _names_and_calls(dotted):
            self.raw_decorators.add(dotted)

    def _record_loader_call(self, callee: str, node: ast.Call) -> None:
        """Imports by literal name (`import_module("a.b")`, `import_string("a.b.C")`) and plugin
        folders (`pkgutil.iter_modules(__path__)`)."""
        if callee in _DYNAMIC_IMPORTERS or callee.rsplit(".", 1)[-1] in _STRING_IMPORTERS:
            self._dynamic_import(node, callee in _DYNAMIC_IMPORTERS)
        elif callee in _PLUGIN_FINDERS and node.args:
            package = self._package_searched(node.args[0])
            if package:
                self.found.links.append(Link(package, node.lineno, PLUGINS_LINK))
            else:
                self.found.links.append(Link(self._own_package(), node.lineno, COMPUTED_LINK))

    def _package_searched(self, path: ast.expr) -> str | None:
        """The package whose folder `path` is: `__path__`, `pkg.__path__`, or `[dirname(__file__)]`."""
        code = ast.unparse(path)
        if code == "__path__" or (code.startswith("[") and "__file__" in code):
            return self._own_package()
        if isinstance(path, ast.Attribute) and path.attr == "__path__":
            return resolve_head(dotted_name(path.value), self.found.aliases)
        return None

    def _own_package(self) -> str:
        return self.module if self.is_package else self.module.rpartition(".")[0]

    def _computed_import(self, name: ast.expr, line: int) -> None:
        """An import by computed name searches the package its literal prefix names (`"plugins." +
        name`, `f"{__name__}.{name}"`), else, as far as can be known, the package it is written in."""
        first = name
        while isinstance(first, ast.BinOp) and isinstance(first.op, ast.Add):
            first = first.left
        if isinstance(first, ast.JoinedStr) and first.values:
            first = first.values[0].value if isinstance(first.values[0], ast.FormattedValue) else first.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            package = first.value.rpartition(".")[0]
        elif isinstance(first, ast.Name) and first.id == "__name__":
            package = self.module
        else:
            package = self._own_package()
        self.found.links.append(Link(package, line, COMPUTED_LINK))

    def finish(self) -> Structure:
        """Resolve callees once every import (wherever it stands in the file) is known."""
        found = self.found
        # Names bound by imports, and module-level functions (FK007 judges those by their uses).
        wanted = {raw.local for raw in found.imports if raw.local} | {name for name, _, _ in found.functions if "." not in name}
        found.uses = {name: spots for name, spots in found.uses.items() if name in wanted}
        callees = {id(node): resolve_head(dotted, found.aliases) for dotted, node, _ in self.raw_calls}
        for _, node, caller in self.raw_calls:
            callee = callees[id(node)]
            self._record_loader_call(callee, node)
            found.links += framework_links(callee, node, callees)
            found.calls.append(RawCall(callee, node.lineno, node.col_offset, caller))
        found.decorators = sorted({resolve_head(dotted, found.aliases) for dotted in self.raw_decorators})
        found.bases = {name: tuple(resolve_head(base, found.aliases) for base in bases) for name, bases in found.bases.items()}
        return found

    def _dynamic_import(self, node: ast.Call, computed: bool) -> None:
        """An import by literal name is an import; one by computed name (`computed`: importlib and
        `__import__`, not the string importers, whose names come from settings) a COMPUTED_LINK."""
        if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            name = node.args[0].value
            if name and not name.startswith("."):
                self.found.imports.append(RawImport(name, None, node.lineno, node.col_offset, dynamic=True))
        elif node.args and computed:
            self._computed_import(node.args[0], node.lineno)


def _names_read(statements: list[ast.stmt]) -> set[str]:
    """The names read in statements the walk skips (under `if TYPE_CHECKING:`): plain names and
    attribute names only; what `flagkeeper remove` deletes is rarely named there."""
    names = set()
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
    return names


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


def _string_lists(tree: ast.Module) -> dict[str, tuple[str, ...]]:
    """Module-level `__all__` and `UPPER_CASE` names bound to (or extended by) a list or tuple of
    strings, or a sum of such lists: settings such as INSTALLED_APPS. Only the module's own
    statements, not a walk."""
    found: dict[str, tuple[str, ...]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value, extend = statement.targets[0], statement.value, False
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and statement.value is not None:
            target, value, extend = statement.target, statement.value, isinstance(statement, ast.AugAssign)
        else:
            continue
        strings = _listed_strings(value, found)
        if isinstance(target, ast.Name) and _LISTED_NAME.fullmatch(target.id) and strings is not None:
            found[target.id] = found.get(target.id, ()) + strings if extend else strings
    return found


def _listed_strings(value: ast.expr, found: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The strings of a list or tuple literal, or of a sum of them and names listed earlier
    (`INSTALLED_APPS = DJANGO_APPS + LOCAL_APPS`); None for anything else."""
    if isinstance(value, (ast.List, ast.Tuple)):
        return tuple(item.value for item in value.elts if isinstance(item, ast.Constant) and isinstance(item.value, str))
    if isinstance(value, ast.Name):
        return found.get(value.id)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        left, right = _listed_strings(value.left, found), _listed_strings(value.right, found)
        return None if left is None or right is None else left + right
    return None


def read_structure(tree: ast.Module, module: str, is_package: bool, attributes: bool = False) -> Structure:
    """The file's structure; `attributes` also collects `name.attr` loads (for `attribute-of` packs)."""
    collector = _Collector(module, is_package, attributes)
    collector.visit(tree)
    found = collector.finish()
    found.constants = _constants(tree)
    found.string_lists = _string_lists(tree)
    return found

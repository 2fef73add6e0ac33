"""A step of `flagkeeper remove` after the simplification: the local variables and
function-level imports that only the removed code read. `x = compute()` before `if flag: use(x)` is left unread once the branch
goes; a value without side effects (a name, a literal, an attribute read, a display of those)
goes with its assignment, any other value (a call) stays as a bare expression statement, so
what runs is unchanged and `ruff check` reports no unused variable.

Only a plain `name = value` (or `name: T = value`) or an `import` in a function, the one
binding of that name there, read in that function before the removal and nowhere in it after
(imports at module level are the project-level pass's, project.py); a function that
reads its namespace (`locals()`, `vars()`, `eval`, `exec`) or deletes the name keeps it.
Found with `ast` (cheap), deleted with libcst, so the rest of the file keeps its layout.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator
from typing import TypeVar

import libcst as cst

from flagkeeper.remove.layout import EVERYWHERE, Focus
from flagkeeper.remove.prune import BlockKeeper, trim_aliases
from flagkeeper.remove.simplify import is_pure

_AnyImport = TypeVar("_AnyImport", cst.Import, cst.ImportFrom)
_NAMESPACE_READERS = {"locals", "vars", "eval", "exec"}
_FUNCTION = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_DISPLAYS = (cst.Tuple, cst.List, cst.Set)


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function with its path of enclosing names (`Form.clean.<locals>.inner`)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield f"{prefix}{node.name}", node
            yield from _functions(node, f"{prefix}{node.name}.<locals>.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def _import_names(node: ast.Import | ast.ImportFrom) -> list[str]:
    return [alias.asname or alias.name.split(".")[0] for alias in node.names if alias.name != "*"]


def _own_bindings(function: ast.AST) -> Iterator[str]:
    """The names bound by a plain assignment or an import in `function`'s own body (not in
    functions or classes inside it)."""
    for node in ast.iter_child_nodes(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            yield node.targets[0].id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            yield node.target.id
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            yield from _import_names(node)
        if not isinstance(node, (*_FUNCTION, ast.ClassDef)):
            yield from _own_bindings(node)


def _reads(function: ast.AST) -> tuple[Counter[str], Counter[str]]:
    """Names read (or deleted, or declared global/nonlocal) and names bound, in `function` and everything inside it."""
    read: Counter[str] = Counter()
    bound: Counter[str] = Counter()
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else read)[node.id] += 1
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update(_import_names(node))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            read.update(node.names)
    return read, bound


def _read_names(tree: ast.AST) -> dict[str, Counter[str]]:
    functions = list(_functions(tree))
    counts = Counter(path for path, _ in functions)
    return {path: _reads(node)[0] for path, node in functions if counts[path] == 1}


def unread_locals(before: ast.AST, after: ast.AST) -> dict[str, set[str]]:
    """Function path -> the locals to drop: read there in `before`, bound once and unread in `after`."""
    read_before = _read_names(before)
    found: dict[str, set[str]] = {}
    functions = list(_functions(after))
    counts = Counter(path for path, _ in functions)
    for path, function in functions:
        if counts[path] != 1 or path not in read_before:
            continue
        read, bound = _reads(function)
        if read.keys() & _NAMESPACE_READERS:
            continue
        names = {name for name in _own_bindings(function) if bound[name] == 1 and not read[name] and read_before[path][name]}
        if names:
            found[path] = names
    return found


def has_no_effect(expr: cst.BaseExpression) -> bool:
    """`is_pure`, and also tuples, lists, sets and dicts of pure values, and lambdas."""
    if isinstance(expr, _DISPLAYS):
        return all(isinstance(element, cst.Element) and has_no_effect(element.value) for element in expr.elements)
    if isinstance(expr, cst.Dict):
        return all(isinstance(element, cst.DictElement) and has_no_effect(element.key) and has_no_effect(element.value) for element in expr.elements)
    return isinstance(expr, cst.Lambda) or is_pure(expr)


class _LocalDropper(BlockKeeper):
    """Deletes `name = value` and `import name` for the doomed locals of each function (the
    value stays as a bare expression when evaluating it may act)."""

    def __init__(self, doomed: dict[str, set[str]], focus: Focus):
        super().__init__(focus)
        self.doomed = doomed
        self.path: list[str] = []
        self.count = 0

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.path.append(f"{node.name.value}.")

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self.path.pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.path.append(f"{node.name.value}.<locals>.")

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.path.pop()
        return updated_node

    def _doomed_here(self) -> set[str]:
        return self.doomed.get("".join(self.path).removesuffix(".<locals>."), set()) if self.path else set()

    def _trimmed(self, node: _AnyImport) -> _AnyImport | cst.RemovalSentinel:
        if isinstance(node.names, cst.ImportStar):
            return node
        kept = trim_aliases(node.names, self._doomed_here())
        self.count += len(node.names) - len(kept or ())
        return cst.RemoveFromParent() if kept is None else node.with_changes(names=kept)

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import | cst.RemovalSentinel:
        return self._trimmed(updated_node)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom | cst.RemovalSentinel:
        return self._trimmed(updated_node)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        names = self._doomed_here()
        if len(updated_node.body) != 1 or not names:
            return updated_node
        statement = updated_node.body[0]
        target = statement.targets[0].target if isinstance(statement, cst.Assign) and len(statement.targets) == 1 else getattr(statement, "target", None)
        value = getattr(statement, "value", None)
        if not isinstance(statement, (cst.Assign, cst.AnnAssign)) or not isinstance(target, cst.Name) or target.value not in names or value is None:
            return updated_node
        self.count += 1
        if has_no_effect(value):
            return cst.RemoveFromParent()
        return updated_node.with_changes(body=[cst.Expr(value=value)])


def focused_part(module: cst.Module, focus: Focus) -> cst.Module:
    """The top-level statements of `module` outside `focus`, as a module of their own."""
    return module.with_changes(header=(), body=[statement for statement in module.body if statement not in focus], footer=())


def drop_unread_locals(before: ast.AST, module: cst.Module, focus: Focus = EVERYWHERE, max_passes: int = 10) -> tuple[cst.Module, int]:
    """`module` without the locals that only the removed code read (one may have fed another).
    A function in a statement of `focus` is unchanged, so it has none: `before` and the tree
    compared with it are those of the other statements (a function is known by its path there)."""
    dropped = 0
    for _ in range(max_passes):
        doomed = unread_locals(before, ast.parse(focused_part(module, focus).code))
        if not doomed:
            break
        dropper = _LocalDropper(doomed, focus)
        module = module.visit(dropper)
        if not dropper.count:
            break
        dropped += dropper.count
    return module, dropped

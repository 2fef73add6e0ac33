"""What one file defines and looks up, for the project-level pass of `flagkeeper remove`
(project.py); the names each file uses are in its facts (FileFacts.names)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

# Calls that reach a definition by a name computed at run time, when the name is not a literal.
_LOOKUP_BY_NAME = {"getattr": 1, "hasattr": 1, "setattr": 1, "delattr": 1, "eval": 0, "exec": 0, "__import__": 0, "import_module": 0}
_NAMESPACES = {"globals", "vars", "locals"}


def _call_name(node: ast.Call) -> str | None:
    function = node.func
    return function.id if isinstance(function, ast.Name) else function.attr if isinstance(function, ast.Attribute) else None


def _lookup_by_computed_name(node: ast.AST) -> str | None:
    """`getattr(self, "_" + kind)`, `globals()[name]`, `eval(text)`: what it is, or None."""
    if isinstance(node, ast.Attribute) and node.attr == "__dict__":
        return "__dict__"
    if not isinstance(node, ast.Call):
        return None
    name = _call_name(node)
    if name in _NAMESPACES:
        return f"{name}()"
    index = _LOOKUP_BY_NAME.get(name or "")
    if index is None or len(node.args) <= index:
        return None
    argument = node.args[index]
    literal = isinstance(argument, ast.Constant) and isinstance(argument.value, str)
    return None if literal else f"{name}()"


def computed_lookup(tree: ast.AST) -> tuple[int, str] | None:
    """The first lookup by a computed name in the file, (line, what), or None."""
    lookups = [(getattr(node, "lineno", 0), lookup) for node in ast.walk(tree) if (lookup := _lookup_by_computed_name(node)) is not None]
    return min(lookups) if lookups else None


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def definitions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    yield from (node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))


def import_bindings(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {alias.asname or alias.name.split(".")[0] for alias in node.names if alias.name != "*"}
    return names


def names_in(node: ast.AST) -> set[str]:
    return {sub.id if isinstance(sub, ast.Name) else sub.attr for sub in ast.walk(node) if isinstance(sub, (ast.Name, ast.Attribute))}

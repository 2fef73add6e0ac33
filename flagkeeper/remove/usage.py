"""What one file uses, by name, for the project-level pass of `flagkeeper remove` (project.py):
a definition that something used before the removal and nothing uses after it goes."""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
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


@dataclass
class Usage:
    """Names a file reads (names, attribute names, identifiers inside non-docstring strings), names
    it imports with `from m import name`, and the first lookup by a computed name (line, what)."""

    loads: Counter[str]
    imported: Counter[str]
    lookup: tuple[int, str] | None

    @classmethod
    def of(cls, tree: ast.AST) -> Usage:
        loads: Counter[str] = Counter()
        imported: Counter[str] = Counter()
        lookups: list[tuple[int, str]] = []
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
                loads[node.id] += 1
            elif isinstance(node, ast.Attribute):
                loads[node.attr] += 1
            elif isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and id(node) not in docstrings:
                text = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
                loads.update(_WORD.findall(text))
            elif isinstance(node, ast.ImportFrom):
                imported.update(alias.name for alias in node.names)
            lookup = _lookup_by_computed_name(node)
            if lookup is not None:
                lookups.append((getattr(node, "lineno", 0), lookup))
        return cls(loads, imported, min(lookups) if lookups else None)


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

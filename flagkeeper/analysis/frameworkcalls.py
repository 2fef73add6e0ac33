"""Framework calls that load modules by a name or path the entry-point detectors need, read from
a call's literal arguments during the one walk (structure.py): Celery's `autodiscover_tasks` and
Flask's `config.from_pyfile`.

`app.autodiscover_tasks(["shop", "billing"])` imports `shop.tasks` and `billing.tasks` (or the
`related_name=` module) when the worker starts; with a lambda, a name or no argument it takes
the packages from Django's INSTALLED_APPS, written here as `*.tasks`.
`app.config.from_pyfile("settings.py")` executes that file, relative to the app's folder; a name
from `os.environ.get("VAR", "settings.py")` or `os.getenv` is read as its literal default.
"""

from __future__ import annotations

import ast

from flagkeeper.analysis.facts import PYFILE_LINK, TASKS_LINK, Link

_ENVIRONMENT_READS = ("os.environ.get", "os.getenv", "environ.get", "getenv")
INSTALLED_APPS_TASKS = "*"  # the package part of a TASKS_LINK that means "every installed app"


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((keyword.value for keyword in node.keywords if keyword.arg == name), None)


def _autodiscovered(node: ast.Call) -> list[Link]:
    related = _string(_keyword(node, "related_name")) or "tasks"
    packages = node.args[0] if node.args else _keyword(node, "packages")
    if isinstance(packages, (ast.List, ast.Tuple)):
        names = [name for name in map(_string, packages.elts) if name]
        return [Link(f"{name}.{related}", node.lineno, TASKS_LINK) for name in names]
    return [Link(f"{INSTALLED_APPS_TASKS}.{related}", node.lineno, TASKS_LINK)]


def _python_file(node: ast.Call, callee_of: dict[int, str]) -> list[Link]:
    argument = node.args[0] if node.args else _keyword(node, "filename")
    name = _string(argument)
    if name is None and isinstance(argument, ast.Call) and callee_of.get(id(argument), "").endswith(_ENVIRONMENT_READS):
        name = _string(argument.args[1]) if len(argument.args) > 1 else None
    return [Link(name, node.lineno, PYFILE_LINK)] if name and name.endswith(".py") else []


def framework_links(callee: str, node: ast.Call, callee_of: dict[int, str]) -> list[Link]:
    """The links a call of `callee` (resolved dotted name) makes; `callee_of` resolves nested calls."""
    method = callee.rsplit(".", 1)[-1]
    if method == "autodiscover_tasks":
        return _autodiscovered(node)
    if method == "from_pyfile" and ".config." in f".{callee}":
        return _python_file(node, callee_of)
    return []

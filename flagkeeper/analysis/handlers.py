"""The `except` clauses of one file, for the alert-only-handler rule (FK013).

What a clause's body does is recorded here; whether its calls are alerts or halts is the
rule's question (the configuration names them). A clause stops the path when it raises,
returns, breaks or continues anywhere in its body (even conditionally: the rule would rather
miss a finding than report a handler that may stop), or calls a function defined in this file
whose own body raises, such as a nested `fail()`. A raise in a function of another module is
not seen, so a handler calling one may be reported.

A second walk of the tree, kept apart from structure.py's walk: it visits only statements,
and only files with a `try` pay for more than the walk.
"""

from __future__ import annotations

import ast

from flagkeeper.analysis.facts import Handler
from flagkeeper.analysis.structure import dotted_name, resolve_head

_STOPS = (ast.Raise, ast.Return, ast.Break, ast.Continue)
_TRIES = (ast.Try, getattr(ast, "TryStar", ast.Try))  # `except*` from Python 3.11
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def find_handlers(tree: ast.Module, aliases: dict[str, str]) -> tuple[tuple[Handler, ...], tuple[str, ...]]:
    """Every `except` clause of the file, with the qualname of the function around it; and the
    qualnames of the functions whose body raises (a `raise` among its top-level statements)."""
    clauses: list[tuple[ast.ExceptHandler, str | None]] = []
    raisers: dict[str, str] = {}  # qualname -> name

    def visit(body: list[ast.stmt], scopes: list[str]) -> None:
        for statement in body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if not isinstance(statement, ast.ClassDef) and any(isinstance(s, ast.Raise) for s in statement.body):
                    raisers[".".join([*scopes, statement.name])] = statement.name
                visit(statement.body, [*scopes, statement.name])
                continue
            if isinstance(statement, _TRIES):
                clauses.extend((clause, ".".join(scopes) or None) for clause in statement.handlers)
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                for child in getattr(statement, field, ()):
                    visit(child.body if isinstance(child, (ast.ExceptHandler, ast.match_case)) else [child], scopes)

    visit(tree.body, [])
    names = set(raisers.values())
    return tuple(_handler(clause, function, aliases, names) for clause, function in clauses), tuple(raisers)


def _handler(clause: ast.ExceptHandler, function: str | None, aliases: dict[str, str], raisers: set[str]) -> Handler:
    calls = [statement.value for statement in clause.body if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)]
    callees = tuple(resolve_head(dotted_name(call.func), aliases) for call in calls)
    plain = all(_plain(statement) for statement in clause.body)
    stops = any(isinstance(node, _STOPS) for node in _own_nodes(clause.body)) or any(_own_function(call.func) in raisers for call in calls)
    caught = ast.unparse(clause.type) if clause.type is not None else ""
    last = clause.end_lineno or clause.lineno
    return Handler(function, clause.lineno, clause.col_offset + 1, last, caught, callees, plain, stops)


def _own_function(callee: ast.expr) -> str | None:
    """The name of `fail()` or `self.fail()`: calls that may reach a function of this file."""
    if isinstance(callee, ast.Name):
        return callee.id
    if isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and callee.value.id in ("self", "cls"):
        return callee.attr
    return None


def _plain(statement: ast.stmt) -> bool:
    """A bare call, `pass`, or an assignment computing something without a call (a message)."""
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, (ast.Call, ast.Constant))
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        return not any(isinstance(node, ast.Call) for node in ast.walk(statement))
    return isinstance(statement, ast.Pass)


def _own_nodes(body: list[ast.stmt]) -> list[ast.AST]:
    """The nodes of `body`, not descending into nested functions, classes or lambdas."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        found.append(node)
        if not isinstance(node, _SCOPES):
            pending.extend(ast.iter_child_nodes(node))
    return found

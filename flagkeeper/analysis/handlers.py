"""The `except` clauses and error branches of one file, for the alert-only-handler rule (FK013)
and the silent-flag-fallback rule (FK019).

What a clause's body does is recorded here; whether its calls are alerts or halts is the
rule's question (the configuration names them). A clause stops the path when it raises,
returns, breaks or continues anywhere in its body (even conditionally: the rule would rather
miss a finding than report a handler that may stop), or calls a function defined in this file
whose own body raises, such as a nested `fail()`. A raise in a function of another module is
not seen, so a handler calling one may be reported.

An error branch is an `if` without guessing: its test looks at a name the statement just
before assigned from a call (`ok = send(...)`, `result, err = fetch()`) for failure only,
and the names say so — `not ok` (or `sent`, `success`, `send_ok`...), `not result.ok` (or
`success`, `succeeded`, `is_success`), `result.error` (or `errors`, `error_code`, `failed`,
`exception`), `err` or `err is not None` (or `error`, `exc`, `send_error`...). `not user`
or `not rows` asks whether something is there, not whether a call failed: not a branch. Its
body is judged as a clause's is.

A second walk of the tree, kept apart from structure.py's walk: it visits only statements,
and only files with a `try` or such an `if` pay for more than the walk.
"""

from __future__ import annotations

import ast
import re

import msgspec

from flagkeeper.analysis.facts import Handler
from flagkeeper.analysis.structure import dotted_name, resolve_head

_STOPS = (ast.Raise, ast.Return, ast.Break, ast.Continue)
_TRIES = (ast.Try, getattr(ast, "TryStar", ast.Try))  # `except*` from Python 3.11
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
# What an error branch's test may look at (see the module's docstring).
_SUCCESS_ATTRIBUTES = frozenset({"ok", "success", "succeeded", "successful", "is_success", "is_ok"})
_ERROR_ATTRIBUTES = frozenset({"error", "errors", "err", "error_code", "error_message", "exception", "failed", "failure"})
_ERROR_NAME = re.compile(r"(?:\w+_)?(?:err|error|errors|exc|exception|failure|failed)")
_SUCCESS_NAME = re.compile(r"(?:\w+_)?(?:ok|success|succeeded|successful|sent|delivered|passed|healthy|acquired)")


def find_handlers(tree: ast.Module, aliases: dict[str, str]) -> tuple[tuple[Handler, ...], tuple[str, ...]]:
    """Every `except` clause and error branch of the file, with the qualname of the function
    around it; and the qualnames of the functions whose body raises (a `raise` among its
    top-level statements)."""
    found: list[tuple[ast.ExceptHandler | ast.If, ast.Try | str, str | None]] = []  # (clause, its try | the branch's test)
    raisers: dict[str, str] = {}  # qualname -> name

    def visit(body: list[ast.stmt], scopes: list[str]) -> None:
        for before, statement in zip([None, *body], body, strict=False):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if not isinstance(statement, ast.ClassDef) and any(isinstance(s, ast.Raise) for s in statement.body):
                    raisers[".".join([*scopes, statement.name])] = statement.name
                visit(statement.body, [*scopes, statement.name])
                continue
            if isinstance(statement, _TRIES):
                found.extend((clause, statement, ".".join(scopes) or None) for clause in statement.handlers)
            elif isinstance(statement, ast.If) and (test := _error_test(statement.test, _assigned_from_call(before))):
                found.append((statement, test, ".".join(scopes) or None))
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                for child in getattr(statement, field, ()):
                    visit(child.body if isinstance(child, (ast.ExceptHandler, ast.match_case)) else [child], scopes)

    visit(tree.body, [])
    names = set(raisers.values())
    handlers = sorted((_handler(node, around, function, aliases, names) for node, around, function in found), key=lambda h: (h.line, h.column))
    return tuple(handlers), tuple(raisers)


def _handler(node: ast.ExceptHandler | ast.If, around: ast.Try | str, function: str | None, aliases: dict[str, str], raisers: set[str]) -> Handler:
    """A clause (`around` is its `try`) or an error branch (`around` is its test's source)."""
    calls = [statement.value for statement in node.body if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)]
    callees = tuple(resolve_head(dotted_name(call.func), aliases) for call in calls)
    plain = all(_plain(statement) for statement in node.body)
    stops = any(isinstance(n, _STOPS) for n in _own_nodes(node.body)) or any(_own_function(call.func) in raisers for call in calls)
    last = node.end_lineno or node.lineno
    handler = Handler(function, node.lineno, node.col_offset + 1, last, "", callees, plain, stops)
    if isinstance(around, str):
        return msgspec.structs.replace(handler, test=around)
    assert isinstance(node, ast.ExceptHandler)
    caught = ast.unparse(node.type) if node.type is not None else ""
    tried = (around.body[0].lineno, around.body[-1].end_lineno or around.body[-1].lineno)
    return msgspec.structs.replace(handler, caught=caught, tried=tried, fallback=_silent_fallback(node.body))


def _assigned_from_call(statement: ast.stmt | None) -> set[str]:
    """The names `statement` assigns from a call (`ok = f()`, `value, err = await f()`)."""
    if isinstance(statement, ast.Assign):
        targets, value = statement.targets, statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets, value = [statement.target], statement.value
    else:
        return set()
    if not isinstance(value.value if isinstance(value, ast.Await) else value, ast.Call):
        return set()
    return {n.id for target in targets for n in (target.elts if isinstance(target, ast.Tuple) else [target]) if isinstance(n, ast.Name)}


def _error_test(test: ast.expr, names: set[str]) -> str:
    """The source of an `if` test that asks whether one of `names` failed, else empty."""
    subject = test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) else test
    negated = subject is not test
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot):
        if isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
            subject = test.left
    attribute = subject.attr if isinstance(subject, ast.Attribute) else ""
    name = subject.value if isinstance(subject, ast.Attribute) else subject
    if not isinstance(name, ast.Name) or name.id not in names:
        return ""
    if negated:
        fails = attribute in _SUCCESS_ATTRIBUTES if attribute else _SUCCESS_NAME.fullmatch(name.id) is not None
    else:
        fails = attribute in _ERROR_ATTRIBUTES or (not attribute and _ERROR_NAME.fullmatch(name.id) is not None)
    return ast.unparse(test) if fails else ""


def _silent_fallback(body: list[ast.stmt]) -> str:
    """The source of a clause's body that signals nothing — no call, no raise; only `pass`,
    `return <value>` and assignments — else empty."""
    quiet = (ast.Pass, ast.Return, ast.Assign, ast.AnnAssign)
    if not all(isinstance(s, quiet) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in body):
        return ""
    if any(isinstance(node, (ast.Call, ast.Raise, ast.Await)) for node in _own_nodes(body)):
        return ""
    return "; ".join(ast.unparse(s) for s in body)


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

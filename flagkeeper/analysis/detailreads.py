"""Flag reads through a details API whose failure the code never looks at, for the
silent-flag-fallback rule (FK019).

OpenFeature's `get_boolean_details` (and the string, integer, float and object ones, sync or
async) and LaunchDarkly's `variation_detail` return the value with why it was served: a failed
evaluation (provider not ready, flag not found, type mismatch) comes back as the caller's
default, with an `error_code` or a `reason` of ERROR. A read is unchecked when its result is
used for its `value` only: `client.get_boolean_details(...).value` directly, or a name assigned
from it whose every use in the function reads `.value` (or another field that tells nothing of
a failure). A result passed on, returned or stored may be checked elsewhere: not unchecked.
"""

from __future__ import annotations

import ast
import re

_DETAILS_CALL = re.compile(r"get_(?:boolean|string|integer|float|object)_details(?:_async)?|variation_detail")
# Fields that tell a failed evaluation from a served value (OpenFeature, LaunchDarkly).
_FAILURE_FIELDS = frozenset({"error_code", "error_message", "reason", "variant", "variation_index", "is_default_value"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)


def find_unchecked_details(tree: ast.Module, source: str) -> tuple[tuple[int, int], ...]:
    """(line, column) of each details call whose result's failure fields are never read."""
    # Most files: no second walk. A called attribute's name stands in the source as written,
    # so a file whose text holds no details call's name has none.
    if _DETAILS_CALL.search(source) is None:
        return ()
    found: list[tuple[int, int]] = []
    for scope in ast.walk(tree):
        if isinstance(scope, _SCOPES):
            found += _unchecked_in(scope)
    return tuple(sorted(found))


def _unchecked_in(scope: ast.AST) -> list[tuple[int, int]]:
    parents: dict[ast.AST, ast.AST] = {}
    pending = [scope]
    while pending:  # the scope's own nodes: nested functions are scopes of their own
        node = pending.pop()
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _SCOPES):
                parents[child] = node
                pending.append(child)
    loads: dict[str, list[ast.Name]] = {}
    for node in parents:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads.setdefault(node.id, []).append(node)
    found = []
    for call in parents:
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and _DETAILS_CALL.fullmatch(call.func.attr)):
            continue
        result: ast.AST = parents[call] if isinstance(parents[call], ast.Await) else call
        user = parents.get(result)
        if isinstance(user, ast.Attribute):
            unchecked = user.attr not in _FAILURE_FIELDS
        elif isinstance(user, ast.Assign) and len(user.targets) == 1 and isinstance(user.targets[0], ast.Name):
            uses = loads.get(user.targets[0].id, [])
            unchecked = bool(uses) and all(_reads_no_failure(use, parents) for use in uses)
        else:
            unchecked = False
        if unchecked:
            found.append((call.lineno, call.col_offset + 1))
    return found


def _reads_no_failure(use: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    """`details.value` and the like; any other use may pass the result on to a check."""
    user = parents.get(use)
    return isinstance(user, ast.Attribute) and user.attr not in _FAILURE_FIELDS

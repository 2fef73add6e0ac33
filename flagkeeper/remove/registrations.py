"""What `flagkeeper remove` does with the flag's registrations in code (the analysis records
them: analysis/registrations.py, from the packs' `[[register]]` entries): the registration goes
with the flag.

- a key of a registry mapping (`DEFAULT_FEATURE_FLAGS = {"new_flow": False, ...}`): its entry,
  with the comment lines above it (its description);
- a registration call of its own (`manager.add("new_flow", ...)`): the statement;
- a call in a `for` loop over a literal (`for key in ["new_flow", "search"]:`), or over a
  module-level name bound to one: the key's element of that literal (the loop goes with its
  last element).

A registration held anywhere else (`NEW_FLOW = WaffleFlag("new_flow")`, whose name other code
uses) is left, and listed as remaining work.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from flagkeeper.analysis.facts import Registration
from flagkeeper.remove.bridge import same_expression
from flagkeeper.remove.traceedit import DropCall, DropEntry, Edit


def _mapping_name(tree: ast.Module, registration: Registration) -> str | None:
    """The module-level name of the dict literal whose key the registration is."""
    for statement in tree.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target] if isinstance(statement, ast.AnnAssign) else []
        value = getattr(statement, "value", None)
        if not isinstance(value, ast.Dict):
            continue
        at_key = any(key is not None and (key.lineno, key.col_offset + 1) == (registration.line, registration.column) for key in value.keys)
        names = [target.id for target in targets if isinstance(target, ast.Name)]
        if at_key and names:
            return names[0]
    return None


def _call_at(tree: ast.Module, line: int, column: int) -> ast.Call | None:
    return next((node for node in ast.walk(tree) if isinstance(node, ast.Call) and (node.lineno, node.col_offset + 1) == (line, column)), None)


def _loop_around(tree: ast.Module, call: ast.Call) -> ast.For | None:
    """The innermost `for` loop whose body holds the call."""
    loops = [
        node for node in ast.walk(tree)
        if isinstance(node, ast.For) and node.body[0].lineno <= call.lineno <= (node.body[-1].end_lineno or node.body[-1].lineno)
    ]  # fmt: skip
    return max(loops, key=lambda loop: loop.lineno, default=None)


def _edit(tree: ast.Module, registration: Registration) -> Edit:
    mapping = _mapping_name(tree, registration)
    if mapping is not None:
        return DropEntry(mapping, registration.line, registration.key_code, "default")
    call = _call_at(tree, registration.line, registration.column)
    callee = ast.unparse(call.func) if call is not None else ""
    drop_call = DropCall(registration.line, callee, registration.key_code, "registration")
    if call is None or any(same_expression(ast.unparse(argument), registration.key_code) for argument in [*call.args, *(k.value for k in call.keywords)]):
        return drop_call  # the key is an argument: the call goes (one not found is left, and listed)
    loop = _loop_around(tree, call)
    if loop is None:
        return drop_call
    if isinstance(loop.iter, ast.Name):
        return DropEntry(loop.iter.id, loop.lineno, registration.key_code, "registration")
    return DropEntry("", loop.lineno, registration.key_code, "registration")


def plan_registrations(registrations: Iterable[Registration], tree: ast.Module) -> list[Edit]:
    """The edits that take the file's registrations of the key away."""
    return [_edit(tree, registration) for registration in registrations]

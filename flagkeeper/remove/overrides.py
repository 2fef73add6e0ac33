"""What `flagkeeper remove` does with the overrides of the flag in tests and settings (the
analysis records them: analysis/overrides.py, from the packs' `[[override]]` entries).

An override that sets the flag to the value it keeps for good goes: the test keeps running,
now without it (a decorator, a `with` item, a call statement; only the key when the call sets
other flags too). A test whose override sets another value tests behaviour that is gone: it is
deleted with `--tests`, and listed as remaining work without. An override whose value is not a
literal, or of another kind than the kept one, or outside a test, is listed for a person.

An override that names the flag without a value (`self.feature("x")`, `@with_feature("x")`)
switches a boolean flag on: that is what every such helper we know of does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import Any

from flagkeeper.analysis.facts import Override
from flagkeeper.remove.traceedit import DropCall, DropDefinition, Edit, Remaining


def _named_alone(override: Override, tree: ast.Module) -> bool:
    """Is the override's call given the key and nothing else (`self.feature("x")`)?"""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno == override.line and node.col_offset + 1 == override.column:
            return len(node.args) + len(node.keywords) == 1 and not isinstance(node.args[0] if node.args else None, ast.Starred)
    return False


def _same_kind(value: Any, given: Any) -> bool:
    numbers = (int, float)
    if isinstance(value, bool) or isinstance(given, bool):
        return isinstance(value, bool) and isinstance(given, bool)
    return type(value) is type(given) or (isinstance(value, numbers) and isinstance(given, numbers))


def sets_value(override: Override, value: Any, tree: ast.Module) -> bool | None:
    """Does the override set the flag to `value` (True), to another value (False), or can that
    not be told (None: an expression, or a literal of another kind)?"""
    if override.value is None:
        return value is True if isinstance(value, bool) and _named_alone(override, tree) else None
    try:
        given = ast.literal_eval(override.value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return given == value if _same_kind(value, given) else None


def _is_test(qualname: str | None) -> bool:
    return qualname is not None and qualname.rsplit(".", 1)[-1].lower().startswith("test")


def plan_overrides(
    path: str, key: str, overrides: Iterable[Override], value: Any, tree: ast.Module, test_module: bool, tests: bool
) -> tuple[list[Edit], list[Remaining]]:
    """The edits for the file's overrides of the key, and those left to a person."""
    edits: list[Edit] = []
    remaining: list[Remaining] = []
    for override in overrides:
        kept = sets_value(override, value, tree)
        set_to = f"set to {override.value}" if override.value is not None else "switched on"
        where = override.function or "module level"
        if kept:
            edits.append(DropCall(override.line, override.call, override.key_code, "override"))
        elif kept is None:
            shown = "a value that is not a literal" if override.value is None else f"{override.value}, not a value like {value!r}"
            remaining.append(Remaining(path, override.line, f"{override.call}() sets '{key}' to {shown} in {where}: edit it by hand"))
        elif test_module and _is_test(override.function) and tests:
            assert override.function is not None
            edits.append(DropDefinition(override.function, override.line))
        elif test_module and _is_test(override.function):
            remaining.append(Remaining(path, override.line, f"test {where} runs with '{key}' {set_to}, a state that is gone: delete it (--tests does)"))
        else:
            remaining.append(Remaining(path, override.line, f"{override.call}() in {where} (not a test) runs with '{key}' {set_to}: edit it by hand"))
    return edits, remaining

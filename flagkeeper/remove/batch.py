"""Which flags one `flagkeeper remove` run removes, and the value each keeps: from the command
line (`KEY=VALUE ...`, or `KEY --value VALUE`) and from a quarterly report's JSON (`--from-report`).

Bad input is one FlagkeeperError naming the argument, or the file and the entry, before anything
is planned: a run never removes some of the flags it was given.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flagkeeper.errors import FlagkeeperError
from flagkeeper.tomlread import parse_json, read_text

REPORT_SCHEMA = 1  # the report JSON's version this reads (docs/report-format.md)
# The command of a "remove" action in the report: `flagkeeper remove KEY --value VALUE`.
_REMOVE_COMMAND = re.compile(r"flagkeeper remove (?P<key>.+) --value (?P<value>\S+)")


def parse_value(text: str, label: str = "--value") -> Any:
    """A flag's value: true or false, or a Python literal (a string in quotes, a number, None);
    `label` names it in the error."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = ...
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise FlagkeeperError(f"{label} must be true, false or a Python literal such as '\"blue\"' or 3, not {text}")


def is_flag_argument(text: str) -> bool:
    """Is a command-line argument a KEY=VALUE (not a path)? A path with `=` in it is written `./a=b`."""
    return "=" in text and not text.startswith((".", "/", "~")) and "/" not in text.partition("=")[0]


def parse_flag_argument(text: str) -> tuple[str, Any]:
    key, _, value = text.partition("=")
    if not key or not value:
        raise FlagkeeperError(f"'{text}': give KEY=VALUE, such as new_flow=false")
    return key, parse_value(value, f"'{text}': the value")


def report_flags(path: Path) -> list[tuple[str, Any]]:
    """The flags a report JSON (`flagkeeper report --format json`) says to remove, each with the
    value it keeps: its "remove" actions."""
    data = parse_json(read_text(path), path, "not a flagkeeper report JSON")
    if not isinstance(data, dict) or data.get("schema") != REPORT_SCHEMA or not isinstance(data.get("flags"), list):
        raise FlagkeeperError(f'not a flagkeeper report JSON (written by `flagkeeper report --format json`): no "schema": {REPORT_SCHEMA} and "flags"', path)
    found = []
    for number, flag in enumerate(data["flags"]):
        actions = flag.get("actions") if isinstance(flag, dict) else None
        if not isinstance(actions, list) or not all(isinstance(action, dict) for action in actions):
            raise FlagkeeperError(f"flags[{number}]: not a flag of the report (its actions are missing)", path)
        for action in actions:
            if action.get("kind") != "remove":
                continue
            command = _REMOVE_COMMAND.fullmatch(str(action.get("command")))
            if command is None:
                raise FlagkeeperError(f"flags[{number}]: a remove action whose command is not `flagkeeper remove KEY --value VALUE`", path)
            try:
                found.append((command["key"], parse_value(command["value"], "the value")))
            except FlagkeeperError as error:
                raise FlagkeeperError(f"flags[{number}]: {error.message}", path) from None
    return found


def combine(flags: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Key -> value; a key given twice must be given the same value."""
    combined: dict[str, Any] = {}
    for key, value in flags:
        if key in combined and (combined[key] != value or type(combined[key]) is not type(value)):
            raise FlagkeeperError(f"'{key}' is given two values: {combined[key]!r} and {value!r}")
        combined[key] = value
    return combined

"""Read a TOML (or JSON) file into plain data, turning every failure into a one-line FlagkeeperError."""

from __future__ import annotations

import copy
import functools
import json
import re
import sys
from pathlib import Path
from typing import Any

from flagkeeper.errors import FlagkeeperError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)")


def read_bytes(path: Path) -> bytes:
    """A file's bytes; an unreadable one is a one-line error naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FlagkeeperError(f"cannot read: {exc.strerror or exc}", path) from None


def read_text(path: Path) -> str:
    """A UTF-8 text file (a byte order mark is dropped); a missing or unreadable one is a one-line error naming it."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FlagkeeperError("file not found", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FlagkeeperError(f"cannot read: {exc}", path) from None


def load_toml(path: Path) -> dict[str, Any]:
    """Parse `path`; a syntax error names the file and line, an unreadable file the file."""
    return parse_toml(read_text(path), path)


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """Parse TOML text read from `path` (a file, or a file at a git revision)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _AT_LINE.search(message)
        line = int(match.group(1)) if match else None
        raise FlagkeeperError(f"invalid TOML: {_AT_LINE.sub('', message)}", path, line) from None
    except RecursionError:  # tomllib recurses once per level of nested arrays and tables
        raise FlagkeeperError("invalid TOML: nested too deeply", path) from None


def parse_config_toml(text: str, path: Path) -> dict[str, Any]:
    """parse_toml for pyproject.toml and flagkeeper.toml, which one run reads several times (the
    config search, the nested projects, the entry points): each text parsed once per process, a
    copy returned each time so that no caller sees another's changes."""
    return copy.deepcopy(_parsed_once(text, path))


@functools.lru_cache(maxsize=16)
def _parsed_once(text: str, path: Path) -> dict[str, Any]:
    return parse_toml(text, path)


def parse_json(text: str, path: Path, invalid: str = "invalid JSON") -> Any:
    """Parse JSON text read from `path`; `invalid` starts the one-line error (with the line where there is one)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FlagkeeperError(f"{invalid}: {exc.msg} (column {exc.colno})", path, exc.lineno) from None
    except RecursionError:  # json recurses once per level of nested arrays and objects
        raise FlagkeeperError(f"{invalid}: nested too deeply", path) from None


def key_line(text: str, key: str, start_line: int = 1) -> int | None:
    """The 1-based line where `key = ...` or a `[...key]` header first appears at or after start_line."""
    quoted = re.escape(key)
    pattern = re.compile(
        rf"""^\s*(?:\[+\s*(?:[^\]]*\.\s*)?)?(?:"{quoted}"|'{quoted}'|{quoted})\s*(?:=|\]|\.)"""
    )
    for number, line in enumerate(text.splitlines()[start_line - 1 :], start=start_line):
        if pattern.search(line):
            return number
    return None

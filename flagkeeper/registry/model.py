"""The flag registry, flags.toml: every flag's owner, type and expiry, and tombstones of retired keys.

Reading is lenient about entries (a wrong field is an FK008 finding, so one bad entry does not
hide the rest) and strict about the file (a TOML syntax error stops the run with file and line).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from flagkeeper.analysis.facts import Suppression
from flagkeeper.analysis.suppressions import find_suppressions
from flagkeeper.errors import FlagkeeperError
from flagkeeper.tomlread import key_line, parse_toml, read_text

FLAG_FIELDS = ("owner", "type", "created", "expires", "description", "scope", "tags", "state", "extensions")
TOMBSTONE_FIELDS = ("retired", "meaning", "last-commit", "replaced-by", "owner", "type", "created", "description")


def as_date(value: Any) -> dt.date | None:
    """A TOML date (or the date of a TOML datetime); None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


class FlagEntry(msgspec.Struct, frozen=True):
    """`[flags.KEY]`: the fields as written, with typed views of the ones the checks use."""

    key: str
    fields: dict[str, Any]
    line: int

    def text(self, name: str) -> str | None:
        value = self.fields.get(name)
        return value if isinstance(value, str) and value.strip() else None

    @property
    def owner(self) -> str | None:
        return self.text("owner")

    @property
    def type(self) -> str | None:
        return self.text("type")

    @property
    def created(self) -> dt.date | None:
        return as_date(self.fields.get("created"))

    @property
    def expires(self) -> dt.date | None:
        return as_date(self.fields.get("expires"))


class Tombstone(msgspec.Struct, frozen=True):
    """`[retired.KEY]`: a key that may never be used again, and what it used to mean."""

    key: str
    fields: dict[str, Any]
    line: int

    @property
    def retired(self) -> dt.date | None:
        return as_date(self.fields.get("retired"))

    @property
    def meaning(self) -> str | None:
        value = self.fields.get("meaning")
        return value if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True)
class Registry:
    path: Path
    exists: bool
    flags: dict[str, FlagEntry] = field(default_factory=dict)
    retired: dict[str, Tombstone] = field(default_factory=dict)
    # Entries that are not tables, and unknown top-level tables: (line, message) for FK008.
    malformed: tuple[tuple[int, str], ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    # The text parsed, so a cache is keyed by what this run read, not by the file as it is later.
    text: str = field(default="", repr=False, compare=False)


_ENTRY_HEADER = re.compile(
    r"""^[ \t]*\[[ \t]*(?P<table>[\w-]+)[ \t]*\.[ \t]*(?:"(?P<double>[^"\n]*)"|'(?P<single>[^'\n]*)'|(?P<bare>[\w-]+))[ \t]*\]""",
    re.MULTILINE,
)


@functools.lru_cache(maxsize=4)
def _entry_headers(text: str) -> dict[tuple[str, str], int]:
    """(table, key) -> line of the first `[table.key]` header; one pass, as a registry has hundreds."""
    found: dict[tuple[str, str], int] = {}
    line, counted = 1, 0
    for match in _ENTRY_HEADER.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        key = next(value for value in match.group("double", "single", "bare") if value is not None)
        found.setdefault((match.group("table"), key), line)
    return found


def entry_line(text: str, table: str, key: str) -> int:
    """The line of `[table.key]`, or of `key = {...}` under `[table]`; 1 when neither is found."""
    header = _entry_headers(text).get((table, key))
    if header is not None:
        return header
    table_line = key_line(text, table) or 1
    return key_line(text, key, table_line) or table_line


def load_registry(path: Path, required: bool) -> Registry:
    """Read flags.toml; a missing file is an empty registry unless the config named it."""
    if not path.is_file():
        if required:
            raise FlagkeeperError("registry not found (the 'registry' setting names it)", path)
        return Registry(path, exists=False)
    return parse_registry(read_text(path), path)


def parse_registry(text: str, path: Path) -> Registry:
    """The registry in `text`, read from `path` (a file, or a file at a git revision)."""
    data = parse_toml(text, path)
    malformed: list[tuple[int, str]] = []
    tables: dict[str, dict[str, Any]] = {}
    for name, value in data.items():
        line = key_line(text, name) or 1
        if name not in ("flags", "retired"):
            malformed.append((line, f"unknown table '{name}' (a registry has [flags.KEY] and [retired.KEY])"))
        elif not isinstance(value, dict):
            raise FlagkeeperError(f"'{name}' must be a table of entries like [{name}.my_key]", path, line)
        else:
            tables[name] = value

    def entries(table: str) -> dict[str, tuple[dict[str, Any], int]]:
        found = {}
        for key, fields in tables.get(table, {}).items():
            line = entry_line(text, table, key)
            if isinstance(fields, dict):
                found[key] = (fields, line)
            else:
                malformed.append((line, f"[{table}.{key}] must be a table of fields, not {type(fields).__name__}"))
        return found

    flags = {key: FlagEntry(key, fields, line) for key, (fields, line) in entries("flags").items()}
    retired = {key: Tombstone(key, fields, line) for key, (fields, line) in entries("retired").items()}
    return Registry(path, True, flags, retired, tuple(malformed), find_suppressions(text), text)

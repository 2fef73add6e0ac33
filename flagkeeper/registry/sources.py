"""The registry as the model sees it: flags.toml merged with every other place that defines flags.

Sources, in the order they win a conflict:
- flags.toml, the place for lifecycle metadata (owner, type, expiry, tombstones);
- code registrations found by the packs' `[[register]]` entries (the project model resolves
  their keys and hands them here as SourceEntry records);
- the flag definition files `registry-sources` names: a flagd file, an OpenFeature CLI manifest,
  an Unleash or a LaunchDarkly export (read by exports.py, their format told by their shape).

A key any source defines is registered; each RegisteredFlag keeps every source it came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import msgspec

from flagkeeper.registry.exports import ImportedFlag, export_format, parse_export
from flagkeeper.registry.model import FlagEntry, Registry

FLAGS_TOML = "flags.toml"
CODE = "code"
SOURCE_FIELDS = ("owner", "type", "expires", "description", "default")


class SourceEntry(msgspec.Struct, frozen=True):
    """One definition of a flag: which kind of source (flags.toml, code, or an export format), where."""

    key: str
    source: str
    path: Path
    line: int
    fields: tuple[tuple[str, str], ...] = ()  # of SOURCE_FIELDS, as text
    column: int = 1


class RegisteredFlag(msgspec.Struct, frozen=True):
    """A registered key with every definition of it, flags.toml's first."""

    key: str
    sources: tuple[SourceEntry, ...]

    def field(self, name: str) -> str | None:
        """The first source's value of a field: flags.toml wins, then code, then the files."""
        return next((value for entry in self.sources for field_name, value in entry.fields if field_name == name), None)

    @property
    def in_registry_file(self) -> bool:
        return self.sources[0].source == FLAGS_TOML

    @property
    def source_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(entry.source for entry in self.sources))


def registry_file_entry(entry: FlagEntry, path: Path) -> SourceEntry:
    fields = [(name, entry.fields[name]) for name in SOURCE_FIELDS if entry.text(name)]  # an empty field leaves it to the other sources
    if entry.expires is not None:
        fields.append(("expires", entry.expires.isoformat()))
    return SourceEntry(entry.key, FLAGS_TOML, path, entry.line, tuple(fields))


def _json_key_line(text: str, key: str) -> int:
    """The line where `key` first stands as a JSON string (1 when it is written escaped)."""
    at = text.find(json.dumps(key))
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _imported_entry(flag: ImportedFlag, source: str, path: Path, text: str) -> SourceEntry:
    values = {
        "owner": flag.owner, "type": flag.type, "expires": flag.expires.isoformat() if flag.expires else None,
        "description": flag.description, "default": flag.default,
    }  # fmt: skip
    fields = tuple((name, value) for name, value in values.items() if value is not None)
    return SourceEntry(flag.key, source, path, _json_key_line(text, flag.key), fields)


def read_source_file(path: Path, text: str) -> list[SourceEntry]:
    """The flags a flag definition file (`text`, read from `path`) defines; a malformed one is an error naming it."""
    source = export_format(text, path)
    flags = parse_export(text, source, path)
    return [_imported_entry(flag, source, path, text) for flag in flags if not flag.archived]


class _Merge(msgspec.Struct, frozen=True):
    registry: Registry
    others: tuple[SourceEntry, ...]
    merged: dict[str, RegisteredFlag]


# The last merge. The language server merges again on every keystroke, nearly always the same
# flags.toml (the same Registry, read once) with the same code registrations: it gets the same
# mapping back instead of a new one built from every entry. Another registry object (flags.toml
# read again after an edit, a branch switch) or any other entry merges anew.
_last_merge: list[_Merge] = []


def merge_sources(registry: Registry, others: Iterable[SourceEntry]) -> dict[str, RegisteredFlag]:
    """Every registered key (flags.toml's in file order, then the others' in order) with its sources.

    The mapping is shared with the last merge of the same registry and entries: read it, never change it."""
    others = tuple(others)
    if _last_merge and _last_merge[0].registry is registry and _last_merge[0].others == others:
        return _last_merge[0].merged
    merged: dict[str, list[SourceEntry]] = {key: [registry_file_entry(entry, registry.path)] for key, entry in registry.flags.items()}
    for entry in others:
        merged.setdefault(entry.key, []).append(entry)
    result = {key: RegisteredFlag(key, tuple(entries)) for key, entries in merged.items()}
    _last_merge[:] = [_Merge(registry, others, result)]
    return result

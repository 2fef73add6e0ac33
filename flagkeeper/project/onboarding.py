"""What `flagkeeper init` writes: a flags.toml entry for each flag whose lifecycle metadata is
asked for, every field filled that can be, and one command for each field left to fill.

An entry is written for a key the code reads that no other source registers (else FK001), and,
when `require-registry-entry` is on, for every key another source registers. A key registered in
code or in a flag definition file needs no entry otherwise: FK008 asks nothing of it.

Fields: `type` and `owner` as the other sources give them (a type only when it is one of
flagkeeper's); else the owner CODEOWNERS gives every file that reads the key (or, for a key
nothing reads, every file that registers it), when that is one and the same single owner;
`created` today; `expires` today plus the type's lifetime; `description` from the sources, else
where the key is read.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from flagkeeper.config import FLAG_TYPES
from flagkeeper.paths import relative_path
from flagkeeper.project.model import Project
from flagkeeper.registry.codeowners import CodeOwners, load_codeowners
from flagkeeper.registry.edit import render_table
from flagkeeper.registry.lifecycle import default_expiry
from flagkeeper.registry.sources import FLAGS_TOML, RegisteredFlag, SourceEntry

OWNER_PLACEHOLDER, TYPE_PLACEHOLDER = "OWNER", "TYPE"


@dataclass(frozen=True)
class Draft:
    """One flags.toml entry `init` writes; None where nothing says what the field holds."""

    key: str
    owner: str | None
    type: str | None
    created: dt.date
    expires: dt.date | None
    description: str

    def fill_commands(self) -> Iterator[str]:
        """The command that fills each field left empty (the user replaces the capitals)."""
        key = shlex.quote(self.key)
        if self.owner is None:
            yield f"flagkeeper registry set {key} --owner {OWNER_PLACEHOLDER}"
        if self.type is None:
            yield f"flagkeeper registry set {key} --type {TYPE_PLACEHOLDER}"


def _other_sources(flag: RegisteredFlag | None) -> tuple[SourceEntry, ...]:
    return tuple(entry for entry in flag.sources if entry.source != FLAGS_TOML) if flag else ()


def _field(entries: tuple[SourceEntry, ...], name: str) -> str | None:
    return next((value for entry in entries for field, value in entry.fields if field == name and value.strip()), None)


def _draft(project: Project, key: str, codeowners: CodeOwners | None) -> Draft:
    others = _other_sources(project.registered.get(key))
    reads = project.inventory.get(key, [])
    flag_type = _field(others, "type")
    flag_type = flag_type if flag_type in FLAG_TYPES else None
    files = [reference.path for reference in reads] or [entry.path for entry in others]
    owner = _field(others, "owner") or (codeowners.sole_owner(relative_path(path, project.config.root) for path in files) if codeowners else None)
    modules = sorted({reference.module for reference in reads})
    where = f"read in {', '.join(modules)}" if modules else f"registered in {', '.join(sorted({entry.source for entry in others}))}"
    described = _field(others, "description") or where
    expires = default_expiry(flag_type, project.today, project.config.lifetimes) if flag_type else None
    return Draft(key, owner, flag_type, project.today, expires, described)


def drafts(project: Project) -> list[Draft]:
    """The entries `init` writes, in key order."""
    registered_elsewhere = {key for key, flag in project.registered.items() if _other_sources(flag)}
    wanted = set(project.inventory) - registered_elsewhere
    if project.config.require_registry_entry:
        wanted |= registered_elsewhere
    wanted -= set(project.registry.flags) | set(project.registry.retired)  # kept as they are; a retired key is never registered again
    codeowners = load_codeowners(project.config.root)
    return [_draft(project, key, codeowners) for key in sorted(wanted)]


def registry_text(entries: list[Draft], existing: str = "") -> str:
    """flags.toml with the drafted entries: a new file, or the `existing` text kept as it is with them
    added at its end. An empty owner or type is the gap FK008 and the commands point at."""
    lines = [existing.rstrip("\n")] if existing.strip() else [
        "# The flag registry: every flag's owner, type and expiry. Reviewed like code.",
        "# Written by `flagkeeper init`: flags registered in code or in a flag definition file need no",
        "# entry here unless `require-registry-entry` is on. Fill an empty field with `flagkeeper registry set`.",
        f"# type: {' | '.join(FLAG_TYPES)}",
    ]  # fmt: skip
    for draft in entries:
        fields = {
            "owner": draft.owner or "", "type": draft.type or "", "created": draft.created, "expires": draft.expires,
            "description": draft.description,
        }  # fmt: skip
        lines += ["", *render_table("flags", draft.key, fields)]
    return "\n".join(lines) + "\n"

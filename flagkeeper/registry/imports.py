"""`registry import`: what an export (flagd, OpenFeature, Unleash, LaunchDarkly) changes in flags.toml,
planned as edits of edit.py and applied in one locked, atomic write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from flagkeeper.registry.edit import NewFlag, add_entry, edit_registry, entries, fill_entry, retire_entry
from flagkeeper.registry.exports import ImportedFlag


@dataclass(frozen=True)
class ImportAction:
    """What `registry import` does with one flag of an export: add, fill, retire or skip it."""

    key: str
    kind: str
    detail: str
    apply: Callable[[str], str] | None = None


def plan_import(text: str, path: Path, imported: list[ImportedFlag], source: str, today: dt.date) -> list[ImportAction]:
    """The edits that bring an export into the registry in `text`; nothing it has is overwritten."""
    flags, retired = entries(text, path)
    plan = []
    for flag in imported:
        key = flag.key
        if key in retired:
            plan.append(ImportAction(key, "skip", "retired here: a retired key is never registered again"))
        elif flag.archived:
            meaning = flag.description or f"archived in {source}"
            retired_on = flag.archived_on or today  # the vendor's archive date where it says
            plan.append(ImportAction(key, "retire", meaning, partial(retire_entry, path=path, key=key, meaning=meaning, today=retired_on, last_commit=None)))
        elif key in flags:
            fields = {"owner": flag.owner, "type": flag.type, "created": flag.created, "expires": flag.expires, "description": flag.description}
            missing = {name: value for name, value in fields.items() if value is not None and name not in flags[key].fields}
            if missing:
                plan.append(ImportAction(key, "fill", ", ".join(missing), partial(fill_entry, path=path, key=key, fields=missing)))
            else:
                plan.append(ImportAction(key, "skip", "already registered"))
        else:
            # An export that says nothing but the key still gives the entry a field: an empty
            # table reads as a mistake, and says nothing of where the flag came from.
            new = NewFlag(key, flag.owner, flag.type, flag.created, flag.expires, flag.description or f"imported from {source}")
            plan.append(ImportAction(key, "add", flag.type or "type to fill in", partial(add_entry, path=path, flag=new)))
    return plan


def import_flags(path: Path, imported: list[ImportedFlag], source: str, today: dt.date) -> list[ImportAction]:
    """Apply an export in one locked, atomic edit: all of it lands, or none."""
    done: list[ImportAction] = []

    def change(text: str) -> str:
        done[:] = plan_import(text, path, imported, source, today)
        for action in done:
            if action.apply is not None:
                text = action.apply(text)
        return text

    edit_registry(path, change, create=True)
    return done

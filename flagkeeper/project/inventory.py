"""The flag inventory: every key in code or registry, its registry status, the sources that
register it, all its references, and apart from them the tests and settings that override it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flagkeeper.project.frontend import FrontendRead
from flagkeeper.project.model import Overridden, Project, Reference
from flagkeeper.registry.lifecycle import FlagStatus


@dataclass(frozen=True)
class Place:
    """Where a key is read: in Python (with the call and its guard), in JavaScript or TypeScript
    (with the call and the pack, its SDK), or as text in another file; or, kind "override",
    where a test or settings block sets it (to `value`, when a literal)."""

    kind: str  # "python", "typescript", "javascript", "text" or "override"
    path: Path
    line: int
    column: int
    pack: str | None = None
    call: str | None = None
    function: str | None = None
    guard: str | None = None
    polarity: bool | None = None
    value: str | None = None
    alias: str | None = None  # text or a frontend read: the alias that spelled the key there (docs/text-references.md)


@dataclass(frozen=True)
class Definition:
    """Where a key is registered: flags.toml, code, or a registry-source file (by its format)."""

    source: str
    path: Path
    line: int


@dataclass(frozen=True)
class InventoryEntry:
    key: str
    status: FlagStatus
    owner: str | None
    type: str | None
    expires: str | None
    places: tuple[Place, ...]
    sources: tuple[Definition, ...] = ()
    overrides: tuple[Place, ...] = ()


def _python_place(reference: Reference) -> Place:
    read = reference.read
    return Place("python", reference.path, read.line, read.column, read.pack, read.call, read.function, read.guard, read.polarity)


def _override_place(overridden: Overridden) -> Place:
    override = overridden.override
    return Place("override", overridden.path, override.line, override.column, override.pack, override.call, override.function, value=override.value)


def _frontend_place(found: FrontendRead) -> Place:
    read = found.read
    return Place(found.language, found.path, read.line, read.column, read.pack, read.call, alias=found.alias)


def build_inventory(project: Project) -> tuple[list[InventoryEntry], list[Place]]:
    """Entries for every key in code or registry (sorted), and the reads whose key is dynamic."""
    registry = project.registry
    overrides: dict[str, list[Place]] = {}
    for overridden in project.overrides:
        if overridden.key is not None:
            overrides.setdefault(overridden.key, []).append(_override_place(overridden))
    keys = sorted(set(project.inventory) | set(project.registered) | set(registry.retired) | set(project.frontend_inventory) | set(overrides))
    text = project.text_references(keys)
    entries = []
    for key in keys:
        registered = project.registered.get(key)
        expiry = project.lifecycle.expiry(key)
        places = [_python_place(reference) for reference in project.inventory.get(key, [])]
        frontend = [_frontend_place(found) for found in project.frontend_inventory.get(key, [])]
        read_lines = {(place.path, place.line) for place in frontend}
        # A frontend read's line is not also a text reference; the rest in file order.
        text_places = [Place("text", found.path, found.line, found.column, alias=found.alias) for found in text[key]]
        frontend += [place for place in text_places if (place.path, place.line) not in read_lines]
        places += sorted(frontend, key=lambda place: (place.path, place.line, place.column))
        sources = tuple(Definition(found.source, found.path, found.line) for found in registered.sources) if registered else ()
        entries.append(
            InventoryEntry(
                key, project.lifecycle.status(key), registered.field("owner") if registered else None,
                registered.field("type") if registered else None, expiry.isoformat() if expiry else None, tuple(places), sources,
                tuple(overrides.get(key, ())),
            )
        )  # fmt: skip
    dynamic = [_python_place(reference) for reference in project.references if reference.key is None]
    return entries, dynamic


@dataclass(frozen=True)
class FlagState:
    """A key at one revision: the modules that read it and what the registry said of it."""

    modules: frozenset[str]
    description: str | None
    type: str | None


def flag_states(project: Project) -> dict[str, FlagState]:
    """Every key read in code or registered, with its readers and registry meaning."""
    registry = project.registry
    states = {}
    for key in sorted(set(project.inventory) | set(registry.flags)):
        entry = registry.flags.get(key)
        modules = frozenset(reference.module for reference in project.inventory.get(key, []))
        states[key] = FlagState(modules, entry.text("description") if entry else None, entry.type if entry else None)
    return states

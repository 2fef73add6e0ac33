"""Flag keys in the editor: the key under the cursor, where a key is defined and read, and what
a hover says about it.

A place is (path, line, start, end): line 1-based, start and end 0-based character columns of
the key's source text (`"new-checkout"`, or the constant `CHECKOUT` that holds it). The model
knows where each read's call starts; the key's text is looked for from there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flagkeeper.paths import relative_path
from flagkeeper.project.model import Project
from flagkeeper.registry.lifecycle import FlagStatus
from flagkeeper.registry.servicestate import ServiceFlag

LINES_SEARCHED = 8  # a call's key argument sits at most this many lines below the call's start
READS_LISTED = 10  # a hover lists this many reads and counts the rest


@dataclass(frozen=True)
class Place:
    path: Path
    line: int  # 1-based
    start: int  # 0-based characters
    end: int

    def holds(self, path: Path, line: int, character: int) -> bool:
        return self.path == path and self.line == line and self.start <= character <= self.end


def key_place(path: Path, lines: list[str], line: int, column: int, key_code: str) -> Place:
    """Where `key_code` is written, searched from (line, column) on, the call's start; the call's
    start itself when it cannot be found (the file changed since it was analysed)."""
    for number in range(line, min(line + LINES_SEARCHED, len(lines) + 1)):
        text = lines[number - 1]
        found = text.find(key_code, column - 1 if number == line else 0)
        if found >= 0:
            return Place(path, number, found, found + len(key_code))
    return Place(path, line, column - 1, column - 1)


class KeyIndex:
    """Every place a key is written in the project: reads, code registrations, overrides and the
    registry's entries. `lines_of` gives a file's lines as the editor has them (else as on disk)."""

    def __init__(self, project: Project, lines_of: Callable[[Path], list[str]]):
        self.project = project
        self._lines_of = lines_of
        self._lines: dict[Path, list[str]] = {}

    def lines(self, path: Path) -> list[str]:
        if path not in self._lines:
            self._lines[path] = self._lines_of(path)
        return self._lines[path]

    def _place(self, path: Path, line: int, column: int, key_code: str) -> Place:
        return key_place(path, self.lines(path), line, column, key_code)

    def reads(self, key: str) -> list[Place]:
        return [self._place(found.path, found.read.line, found.read.column, found.read.key_code) for found in self.project.inventory.get(key, [])]

    def definitions(self, key: str) -> list[Place]:
        """The registry's entry (flags.toml, or its tombstone) and every other definition: code registrations, registry sources."""
        project = self.project
        places = []
        tombstone = project.registry.retired.get(key)
        if tombstone is not None:
            places.append(Place(project.registry.path, tombstone.line, 0, 0))
        registered = project.registered.get(key)
        for source in registered.sources if registered else ():
            places.append(self._place(source.path, source.line, source.column, key) if source.path.suffix == ".py" else Place(source.path, source.line, 0, 0))
        return places

    def _written(self, path: Path) -> Iterator[tuple[str, Place]]:
        """Every key written in file `path`, with its place."""
        project = self.project
        if path == project.registry.path:
            for table in (project.registry.flags, project.registry.retired):
                for key, entry in table.items():
                    lines = self.lines(path)
                    yield key, Place(path, entry.line, 0, len(lines[entry.line - 1]) if entry.line <= len(lines) else 0)
            return
        for found in project.references:
            if found.path == path and found.key is not None:
                yield found.key, self._place(path, found.read.line, found.read.column, found.read.key_code)
        for registered in project.registrations:
            if registered.path == path and registered.key is not None:
                code = registered.registration.key_code
                yield registered.key, self._place(path, registered.registration.line, registered.registration.column, code)
        for overridden in project.overrides:
            if overridden.path == path and overridden.key is not None:
                yield overridden.key, self._place(path, overridden.override.line, overridden.override.column, overridden.override.key_code)

    def key_at(self, path: Path, line: int, character: int) -> tuple[str, Place] | None:
        """The key written at (line, character) of `path`, and its place; None when there is none."""
        return next(((key, place) for key, place in self._written(path) if place.holds(path, line, character)), None)


def _days(when: dt.date, today: dt.date) -> str:
    days = (when - today).days
    if days == 0:
        return "today"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def describe_key(project: Project, key: str, reads: list[Place]) -> str:
    """A hover's Markdown: the key's lifecycle, its reads, and what the flag service serves
    (from the project's state file, the config's flag-state)."""
    lifecycle, registry, root = project.lifecycle, project.registry, project.config.root
    served = project.service.flags.get(key) if project.service is not None else None
    status = lifecycle.status(key)
    lines = [f"**flag `{key}`**: {status}"]
    if status is FlagStatus.RETIRED:
        tombstone = registry.retired[key]
        meaning = tombstone.meaning or "unknown"
        lines.append(f"retired {tombstone.retired or '(no date)'}: it meant *{meaning}*. A retired key is never used again: choose a new key.")
    entry = registry.flags.get(key)
    registered = project.registered.get(key)
    if registered is not None:
        facts = [f"owner: {registered.field('owner') or 'none'}", f"type: {registered.field('type') or 'none'}"]
        if entry is not None and entry.created is not None:
            facts.append(f"created: {entry.created}")
        expiry = lifecycle.expiry(key)
        facts.append(f"expires: {expiry} ({_days(expiry, project.today)})" if expiry else "expires: never")
        lines.append(" · ".join(facts))
        description = registered.field("description")
        if description:
            lines.append(f"*{description}*")
        lines.append(f"defined in: {', '.join(registered.source_names)}")
    elif status is FlagStatus.UNREGISTERED:
        lines.append(f"not in {registry.path.name}: nobody owns it (FK001).")
    lines.append(_reads_line(reads, root))
    if served is not None:
        lines.append(_served_line(served))
    return "\n\n".join(lines)


def _reads_line(reads: list[Place], root: Path) -> str:
    if not reads:
        return "read nowhere in Python"
    listed = ", ".join(f"`{relative_path(place.path, root)}:{place.line}`" for place in reads[:READS_LISTED])
    more = f" and {len(reads) - READS_LISTED} more" if len(reads) > READS_LISTED else ""
    return f"{len(reads)} read{'s' if len(reads) != 1 else ''}: {listed}{more}"


def _served_line(flag: ServiceFlag) -> str:
    everywhere = flag.served_everywhere()
    if flag.archived:
        return "flag service: archived"
    if everywhere is not None:
        value, since = everywhere
        return f"flag service: serves `{value!r}` in every environment" + (f" since {since:%Y-%m-%d}" if since else "")
    served = ", ".join(f"{name} {'on' if state.on else 'off'}" for name, state in sorted(flag.environments.items()))
    return f"flag service: {served or 'no environments'}"

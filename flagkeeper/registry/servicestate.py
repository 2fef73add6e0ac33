"""The flag-service state file (`flag-state.toml`): what the flag service knows, kept in the repository.

`flagkeeper pull` writes it from a vendor's API; the checks, the report and `remove` read it.
It is reviewed like code, so the text is deterministic: flags and environments sorted by name,
fields in a fixed order, optional fields left out rather than written empty. TOML has no null:
an environment without `served` serves no single value to everyone (a rollout, targeting, or a
vendor that does not say).

    [service]
    provider = "launchdarkly"
    source = "https://app.launchdarkly.com project default"

    [flags."new-checkout"]
    type = "boolean"
    variations = [true, false]
    tags = ["release"]
    maintainer = "alice@example.com"
    created = 2026-01-05T09:00:00Z
    archived = false

    [flags."new-checkout".environments.production]
    on = true
    served = true
    served-since = 2026-10-01T00:00:00Z
    last-evaluated = 2026-11-30T23:10:00Z
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from flagkeeper.errors import FlagkeeperError
from flagkeeper.tomlread import key_line, parse_toml, read_text

if TYPE_CHECKING:
    import tomlkit.items

_HEADER = "Written by `flagkeeper pull`: what the flag service knows. Review changes like code; do not edit by hand."


class EnvironmentState(msgspec.Struct, frozen=True):
    """One flag in one environment. `served` is the value every evaluation gets (None: no single value)."""

    on: bool
    served: Any = None
    served_since: dt.datetime | None = None
    last_evaluated: dt.datetime | None = None


class ServiceFlag(msgspec.Struct, frozen=True):
    """A flag as the service defines it, with its state per environment."""

    key: str
    type: str | None = None
    variations: tuple[Any, ...] = ()
    tags: tuple[str, ...] = ()
    maintainer: str | None = None
    created: dt.datetime | None = None
    archived: bool = False
    archived_at: dt.datetime | None = None
    environments: dict[str, EnvironmentState] = msgspec.field(default_factory=dict)
    line: int = 0  # where `[flags.KEY]` is in the state file (0: not read from a file)

    def served_everywhere(self) -> tuple[Any, dt.datetime | None] | None:
        """(value, since) when every environment serves the same single value; since is the latest
        change among them (None when one environment does not say). None otherwise."""
        states = list(self.environments.values())
        if not states or any(state.served is None for state in states):
            return None
        values = {repr(state.served) for state in states}
        if len(values) != 1:
            return None
        changes = [state.served_since for state in states]
        since = None if any(change is None for change in changes) else max(c for c in changes if c is not None)
        return states[0].served, since


class ServiceState(msgspec.Struct, frozen=True):
    """The whole state file: which service it came from, and its flags by key."""

    provider: str
    source: str
    flags: dict[str, ServiceFlag]
    path: Path | None = None


_FLAG_FIELDS: tuple[tuple[str, str], ...] = (
    ("type", "type"),
    ("variations", "variations"),
    ("tags", "tags"),
    ("maintainer", "maintainer"),
    ("created", "created"),
    ("archived", "archived"),
    ("archived-at", "archived_at"),
)
_ENVIRONMENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("on", "on"),
    ("served", "served"),
    ("served-since", "served_since"),
    ("last-evaluated", "last_evaluated"),
)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """Datetimes are written in UTC to the second, so a pull from another time zone changes nothing."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).replace(microsecond=0)


def _table(entries: list[tuple[str, Any]]) -> tomlkit.items.Table:
    import tomlkit  # only `pull` writes the file: a check that reads it does not pay for tomlkit

    table = tomlkit.table()
    for name, value in entries:
        if value is None or value == () or (name == "archived" and value is False):
            continue
        if isinstance(value, dt.datetime):
            value = _utc(value)
        table.add(name, list(value) if isinstance(value, tuple) else value)
    return table


def dump_state(state: ServiceState) -> str:
    """The state file's text: the same state always gives the same bytes."""
    import tomlkit

    document = tomlkit.document()
    document.add(tomlkit.comment(_HEADER))
    document.add("service", _table([("provider", state.provider), ("source", state.source)]))
    flags = tomlkit.table(is_super_table=True)
    for key in sorted(state.flags):
        flag = state.flags[key]
        flag_table = _table([(name, getattr(flag, attribute)) for name, attribute in _FLAG_FIELDS])
        if flag.environments:
            environments = tomlkit.table(is_super_table=True)
            for name in sorted(flag.environments):
                environment = flag.environments[name]
                environments.add(name, _table([(field_name, getattr(environment, attribute)) for field_name, attribute in _ENVIRONMENT_FIELDS]))
            flag_table.add("environments", environments)
        flags.add(key, flag_table)
    document.add("flags", flags)
    return tomlkit.dumps(document)


class _Reader:
    """Typed access to one table of the state file; a wrong type is one line naming file and line."""

    def __init__(self, path: Path, text: str, table: Any, where: str, line: int):
        if not isinstance(table, dict):
            raise FlagkeeperError(f"{where} must be a table", path, line)
        self.path, self.text, self.table, self.where, self.line = path, text, table, where, line

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        value = self.table.get(name, default)
        if value is not default and not isinstance(value, kind):
            line = key_line(self.text, name, self.line or 1) or self.line
            raise FlagkeeperError(f"{self.where}: {name} has the wrong type", self.path, line)
        return value


def _environment(reader: _Reader) -> EnvironmentState:
    return EnvironmentState(
        on=reader.get("on", bool, False),
        served=reader.table.get("served"),
        served_since=_utc(reader.get("served-since", dt.datetime)),
        last_evaluated=_utc(reader.get("last-evaluated", dt.datetime)),
    )


def _flag(path: Path, text: str, key: str, table: Any) -> ServiceFlag:
    line = key_line(text, key) or 0
    reader = _Reader(path, text, table, f"flags.{key}", line)
    environments = _Reader(path, text, reader.get("environments", dict, {}), f"flags.{key}.environments", line)
    return ServiceFlag(
        key=key,
        type=reader.get("type", str),
        variations=tuple(reader.get("variations", list, [])),
        tags=tuple(str(tag) for tag in reader.get("tags", list, [])),
        maintainer=reader.get("maintainer", str),
        created=_utc(reader.get("created", dt.datetime)),
        archived=reader.get("archived", bool, False),
        archived_at=_utc(reader.get("archived-at", dt.datetime)),
        environments={
            name: _environment(_Reader(path, text, value, f"flags.{key}.environments.{name}", key_line(text, name, line or 1) or line))
            for name, value in environments.table.items()
        },
        line=line,
    )


def load_state(path: Path) -> ServiceState:
    """Read a state file; a syntax error or a field of the wrong type stops with file and line."""
    text = read_text(path)
    data = parse_toml(text, path)
    service = _Reader(path, text, data.get("service", {}), "service", key_line(text, "service") or 1)
    flags = _Reader(path, text, data.get("flags", {}), "flags", key_line(text, "flags") or 1)
    return ServiceState(
        provider=service.get("provider", str, ""),
        source=service.get("source", str, ""),
        flags={key: _flag(path, text, key, table) for key, table in flags.table.items()},
        path=path,
    )

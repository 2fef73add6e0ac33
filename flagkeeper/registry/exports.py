"""Read flag definitions out of other flag systems' exports: flagd, an OpenFeature CLI manifest,
Unleash and LaunchDarkly.

`parse_export` turns one export into `ImportedFlag` records and writes nothing. Each format is
read as its public schema describes it. A field flagkeeper reads that has the wrong JSON type
stops the import, naming the file and the field's JSON path (`flags.new-checkout.state`);
fields flagkeeper does not read are not checked. A field the source does not have is None, and
the registry's default lifetimes then apply.

flagd: a flag definition file (https://flagd.dev/schema/v0/flags.json)

    key          the name under `flags`, or `flags[i].key` in the array form flagd also reads
    type         metadata.type when it is one of flagkeeper's types, else None
                 (flagd metadata is free-form: a "type" of "boolean" means something else)
    owner        metadata.owner, else metadata.team
    created      metadata.created, an ISO 8601 date or date-time
    expires      metadata.expires, an ISO 8601 date or date-time
    description  metadata.description
    archived     never: state "DISABLED" is a flag that is off, not a flag that is gone

    The flag-set metadata (top-level `metadata`) applies to every flag, the flag's own metadata
    winning, as flagd resolves it; except `description`, which describes the set. `state` must
    be "ENABLED" or "DISABLED", as flagd requires.

OpenFeature CLI flag manifest (flags.json, https://github.com/open-feature/cli, schema v0)

    key          the name under `flags`
    type         None: `flagType` (boolean, string, integer, float, object) is the value's type
    default      defaultValue, as JSON
    description  description
    owner, created, expires   None: the manifest has no such fields

Unleash: the state export (`GET /api/admin/state/export`), the feature and archive lists
(`GET /api/admin/features`, `/api/admin/archive/features`), and the export of
`POST /api/admin/features-batch/export`: all carry a `features` array.

    key          name
    type         type; Unleash's five types are flagkeeper's, anything else is an error
    owner        the value of a tag of type "owner", else of type "team" (Unleash has no owner
                 field; `project` is not an owner). Tags are read from `features[i].tags`
                 ({type, value}) and from the top-level `featureTags` ({featureName, tagType,
                 tagValue})
    created      createdAt (an ISO date-time; the batch export leaves it out, so None there)
    expires      None: Unleash has no per-flag expiry, only per-type lifetimes
    description  description
    archived     archived is true, or archivedAt is set. `stale: true` is not archived: a stale
                 flag is still served. archivedAt's date is the tombstone's `retired` date

LaunchDarkly: the response of `GET /api/v2/flags/{projectKey}` (an `items` array)

    key          key
    type         the first tag that is one of flagkeeper's types ("kill-switch", ...), else
                 "release" for `temporary: true`, else None. LaunchDarkly says temporary flags
                 are for releases, rollouts and experiments; a permanent flag may be a kill
                 switch, an operational or a permission flag, and the export does not say
                 which, so it is left for the registry's owner to choose
    owner        maintainerTeamKey, else _maintainerTeam.key, else _maintainer.email
    created      creationDate, milliseconds since 1970, as a UTC date
    expires      the first value of the custom property `expires` (an ISO date), a flagkeeper
                 convention: LaunchDarkly flags have no expiry field
    description  description, else `name` when it says more than the key
    archived     archived is true (`deprecated` is not archived); archivedDate (milliseconds
                 since 1970, UTC) is the tombstone's `retired` date
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import msgspec

from flagkeeper.config import FLAG_TYPES
from flagkeeper.errors import FlagkeeperError
from flagkeeper.tomlread import parse_json

FORMATS = ("flagd", "openfeature", "unleash", "launchdarkly")

_OWNER_TAGS = ("owner", "team")  # tag types or metadata keys naming an owner, in priority order


class ImportedFlag(msgspec.Struct, frozen=True):
    """One flag as an export defines it, in the registry's terms."""

    key: str
    type: str | None  # one of FLAG_TYPES, or None when the source says nothing
    owner: str | None
    created: dt.date | None
    expires: dt.date | None
    description: str | None
    archived: bool = False  # archived or deleted at the source: a tombstone candidate
    archived_on: dt.date | None = None  # when, where the source says: the tombstone's `retired` date
    default: str | None = None  # the default value as JSON, where the source says


def detect_format(data: object) -> str | None:
    """Which of FORMATS an export's parsed JSON is, by its shape; None when it is none of them."""
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("features"), list):
        return "unleash"
    if isinstance(data.get("items"), list):
        return "launchdarkly"
    flags = data.get("flags")
    members = flags.values() if isinstance(flags, dict) else flags if isinstance(flags, list) else None
    if members is None:
        return None
    if any(isinstance(flag, dict) and "flagType" in flag for flag in members):
        return "openfeature"
    return "flagd"


def _known_format(data: object, path: Path) -> str:
    found = detect_format(data)
    if found is None:
        raise FlagkeeperError(f"not a flag definition file of a known format ({', '.join(FORMATS)})", path)
    return found


def export_format(text: str, path: Path) -> str:
    """The format of the export in `text` (read from `path`), told by its shape; an error when none fits."""
    return _known_format(parse_json(text, path), path)


def parse_export(text: str, source_format: str | None, path: Path) -> list[ImportedFlag]:
    """Flags defined in an export (of `source_format`, or the one its shape shows when None);
    malformed input raises FlagkeeperError naming the file and the field (JSON path like
    flags.new-checkout.state)."""
    data = parse_json(text, path)
    if source_format is None:
        source_format = _known_format(data, path)
    reader = _READERS.get(source_format)
    if reader is None:
        raise FlagkeeperError(f"unknown export format '{source_format}' (one of {', '.join(FORMATS)})", path)
    if not isinstance(data, dict):
        raise FlagkeeperError(f"a {source_format} export must be a JSON object, not {_shown(data)}", path)
    flags = reader(JsonObject(data, "", path))
    seen: set[str] = set()
    for flag in flags:
        if flag.key in seen:
            raise FlagkeeperError(f"flag key '{flag.key}' is defined twice", path)
        seen.add(flag.key)
    return flags


# --- the formats ------------------------------------------------------------------------------


def flagd_flags(export: JsonObject) -> list[tuple[str, JsonObject]]:
    """A flagd file's flags as (key, flag) pairs, from the object form or the array form flagd also reads."""
    export.require("flags")
    if isinstance(export.data["flags"], list):
        return [(flag.key("key"), flag) for flag in export.objects("flags")]
    return export.members("flags")


def flagd_owner(flag: JsonObject, shared: JsonObject) -> str | None:
    """A flagd flag's owner: its metadata's owner or team, else the flag set's."""
    own = flag.obj("metadata")
    return _first(own.text(name) or shared.text(name) for name in _OWNER_TAGS)


def _flagd(export: JsonObject) -> list[ImportedFlag]:
    shared = export.obj("metadata")
    imported = []
    for key, flag in flagd_flags(export):
        flag.choice("state", ("ENABLED", "DISABLED"), required=True)
        own = flag.obj("metadata")
        flag_type = own.text("type") or shared.text("type")
        imported.append(
            ImportedFlag(
                key=key,
                type=flag_type if flag_type in FLAG_TYPES else None,
                owner=flagd_owner(flag, shared),
                created=own.date("created") or shared.date("created"),
                expires=own.date("expires") or shared.date("expires"),
                description=own.text("description"),
                default=json.dumps(default[0]) if (default := flagd_default(flag)) else None,
            )
        )
    return imported


def flagd_default(flag: JsonObject) -> tuple[Any] | None:
    """The value of a flagd flag's `defaultVariant` (in a 1-tuple: the value may be null), None without one."""
    variants, chosen = flag.obj("variants").data, flag.data.get("defaultVariant")
    if chosen is None:
        return None
    if not isinstance(chosen, str) or chosen not in variants:
        raise flag.wrong("defaultVariant", "the name of one of the variants")
    return (variants[chosen],)


def _openfeature(manifest: JsonObject) -> list[ImportedFlag]:
    manifest.require("flags")
    imported = []
    for key, flag in manifest.members("flags"):
        flag.choice("flagType", ("boolean", "string", "integer", "float", "object"), required=True)
        default = json.dumps(flag.data["defaultValue"]) if "defaultValue" in flag.data else None
        imported.append(ImportedFlag(key, None, None, None, None, flag.text("description"), default=default))
    return imported


def _unleash(export: JsonObject) -> list[ImportedFlag]:
    export.require("features")
    tags: dict[str, list[tuple[str | None, str | None]]] = {}
    for tag in export.objects("featureTags"):
        tags.setdefault(tag.key("featureName"), []).append((tag.text("tagType"), tag.text("tagValue")))
    imported = []
    for feature in export.objects("features"):
        key = feature.key("name")
        own_tags = [(tag.text("type"), tag.text("value")) for tag in feature.objects("tags")]
        imported.append(
            ImportedFlag(
                key=key,
                type=feature.choice("type", FLAG_TYPES),
                owner=tag_owner(own_tags + tags.get(key, [])),
                created=feature.date("createdAt"),
                expires=None,
                description=feature.text("description"),
                archived=feature.boolean("archived") or feature.date("archivedAt") is not None,
                archived_on=feature.date("archivedAt"),
            )
        )
    return imported


def _launchdarkly(export: JsonObject) -> list[ImportedFlag]:
    export.require("items")
    imported = []
    for item in export.objects("items"):
        key = item.key("key")
        type_tags = [tag for tag in item.strings("tags") if tag in FLAG_TYPES]
        name = item.text("name")
        owner = item.text("maintainerTeamKey") or item.obj("_maintainerTeam").text("key") or item.obj("_maintainer").text("email")
        expires = item.obj("customProperties").obj("expires")
        expires_values = expires.strings("value")
        imported.append(
            ImportedFlag(
                key=key,
                type=type_tags[0] if type_tags else ("release" if item.boolean("temporary") else None),
                owner=owner,
                created=item.epoch_millis("creationDate"),
                expires=_parse_date(expires_values[0], expires.at("value") + "[0]", export.path) if expires_values else None,
                description=item.text("description") or (name if name != key else None),
                archived=item.boolean("archived"),
                archived_on=item.epoch_millis("archivedDate"),
            )
        )
    return imported


_READERS: dict[str, Callable[[JsonObject], list[ImportedFlag]]] = {
    "flagd": _flagd,
    "openfeature": _openfeature,
    "unleash": _unleash,
    "launchdarkly": _launchdarkly,
}


def _first(values: Iterable[str | None]) -> str | None:
    """The first value that is not None or empty."""
    return next((value for value in values if value), None)


def tag_owner(tags: list[tuple[str | None, str | None]]) -> str | None:
    """The value of the first "owner" tag, else of the first "team" tag."""
    return _first(value for wanted in _OWNER_TAGS for kind, value in tags if kind == wanted)


# --- reading JSON fields with their types checked ---------------------------------------------


def _shown(value: object) -> str:
    """A JSON value as an error message shows it: scalars as written, containers by kind."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return json.dumps(value)


def _parse_moment(value: object, where: str, path: Path | str) -> dt.datetime | None:
    """An ISO 8601 date or date-time string as a datetime, in the offset it is written in."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value  # Python 3.10 reads no Z
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
    raise FlagkeeperError(f"{where}: must be an ISO 8601 date or date-time like 2024-05-01, not {_shown(value)}", path)


def _parse_date(value: object, where: str, path: Path | str) -> dt.date | None:
    """An ISO 8601 date or date-time string as a date (a date-time's date as written)."""
    moment = _parse_moment(value, where, path)
    return moment.date() if moment else None


def _check_key(value: object, where: str, path: Path | str) -> str:
    if isinstance(value, str) and value.strip():
        return value
    raise FlagkeeperError(f"{where}: a flag key must be a non-empty string, not {_shown(value)}", path)


def _as_object(value: object, where: str, path: Path | str) -> JsonObject:
    if not isinstance(value, dict):
        raise FlagkeeperError(f"{where}: must be an object, not {_shown(value)}", path)
    return JsonObject(value, where, path)


class JsonObject(msgspec.Struct, frozen=True):
    """A JSON object in an export (or a flag service's response: `path` is then its URL), with the
    JSON path that names it in error messages."""

    data: dict[str, Any]
    where: str
    path: Path | str

    def at(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def wrong(self, name: str, expected: str) -> FlagkeeperError:
        shown = _shown(self.data[name]) if name in self.data else "missing"
        return FlagkeeperError(f"{self.at(name)}: must be {expected}, not {shown}", self.path)

    def require(self, name: str) -> None:
        if name not in self.data:
            raise FlagkeeperError(f"{self.at(name)}: is missing", self.path)

    def key(self, name: str) -> str:
        """A flag key: a non-empty string."""
        self.require(name)
        return _check_key(self.data[name], self.at(name), self.path)

    def text(self, name: str) -> str | None:
        """A string; None when absent, null or blank."""
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.wrong(name, "a string")
        return value.strip() or None

    def choice(self, name: str, choices: tuple[str, ...], required: bool = False) -> str | None:
        """One of `choices`; None when absent or null, unless required."""
        value = self.data.get(name)
        if value is None and not required:
            return None
        if value not in choices:
            raise self.wrong(name, "one of " + ", ".join(json.dumps(choice) for choice in choices))
        return str(value)

    def boolean(self, name: str) -> bool:
        """true or false; False when absent or null."""
        value = self.data.get(name)
        if value is not None and not isinstance(value, bool):
            raise self.wrong(name, "true or false")
        return value is True

    def date(self, name: str) -> dt.date | None:
        return _parse_date(self.data.get(name), self.at(name), self.path)

    def moment(self, name: str) -> dt.datetime | None:
        """An ISO 8601 date-time (or date), in the offset it is written in; None when absent or null."""
        return _parse_moment(self.data.get(name), self.at(name), self.path)

    def epoch_millis(self, name: str) -> dt.date | None:
        """Milliseconds since 1970 as a UTC date."""
        moment = self.epoch_moment(name)
        return moment.date() if moment else None

    def epoch_moment(self, name: str) -> dt.datetime | None:
        """Milliseconds since 1970 as a UTC datetime."""
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return dt.datetime.fromtimestamp(value / 1000, tz=dt.timezone.utc)
            except (OverflowError, OSError, ValueError):
                pass
        raise self.wrong(name, "milliseconds since 1970")

    def strings(self, name: str) -> list[str]:
        """An array of strings; empty when absent or null."""
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.wrong(name, "an array of strings")
        return value

    def obj(self, name: str) -> JsonObject:
        """A nested object; an empty one when absent or null."""
        value = self.data.get(name)
        if value is not None and not isinstance(value, dict):
            raise self.wrong(name, "an object")
        return JsonObject(value or {}, self.at(name), self.path)

    def objects(self, name: str) -> list[JsonObject]:
        """An array of objects; empty when absent or null."""
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.wrong(name, "an array")
        return [_as_object(item, f"{self.at(name)}[{index}]", self.path) for index, item in enumerate(value)]

    def members(self, name: str) -> list[tuple[str, JsonObject]]:
        """An object whose members are objects named by flag keys, as (key, object) pairs."""
        table = self.obj(name)
        return [
            (_check_key(key, table.at(key), self.path), _as_object(value, table.at(key), self.path))
            for key, value in table.data.items()
        ]

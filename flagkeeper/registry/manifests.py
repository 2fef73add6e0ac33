"""The merged registry written out as a flag definition file: an OpenFeature CLI manifest (for
typed accessors) or a flagd flag definition (to seed a flag service). `registry export`.

Value types. A registry's `type` (release, experiment, operational, kill-switch, permission) is
a lifecycle kind, not a value type, so the value type comes from the flag's default value, as
the first source that gives one says (flags.toml has none; code registrations and flag files may):

    default      true/false   whole number   other number   string   JSON object
    OpenFeature  boolean      integer        float          string   object
    flagd        variants {"on": true, "off": false}, defaultVariant "on"/"off"   |   others:
                 variants {"default": <value>}, defaultVariant "default"

A flag with no default, or one neither format can type (null, a list, an expression in code),
is a boolean that is off: the default of a feature flag, and what code gets from a flag it does
not know. flags.toml's `state = "on"` makes it on. Retired keys are not written.

flagd keeps the lifecycle metadata flagkeeper reads back on import (`registry import`): flag
metadata `owner`, `type`, `created`, `expires` (ISO dates; expires also when worked out from the
type's lifetime) and `description`. Every flag is `ENABLED`: this is the registry's definition
of the flag, not the state a service serves. Output is sorted by key: the same registry gives
the same bytes.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flagkeeper.config import FLAG_TYPES
from flagkeeper.registry.lifecycle import expiry
from flagkeeper.registry.model import Registry
from flagkeeper.registry.sources import CODE, RegisteredFlag

EXPORT_FORMATS = ("openfeature", "flagd")
OPENFEATURE_SCHEMA = "https://raw.githubusercontent.com/open-feature/cli/main/schema/v0/flag-manifest.json"
FLAGD_SCHEMA = "https://flagd.dev/schema/v0/flags.json"


@dataclass(frozen=True)
class ExportedFlag:
    key: str
    value_type: str  # boolean | integer | float | string | object
    default: Any
    description: str | None
    metadata: dict[str, str]  # owner, type, created, expires (lifecycle, for flagd)


def _value_type(value: Any) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, dict) else None


def _parsed_default(text: str, source: str) -> Any:
    """A default as its source writes it (JSON; Python source for code) as a value; None when it is not a literal."""
    try:
        # literal_eval reads literals only: nothing from the scanned code runs.
        value = ast.literal_eval(text) if source == CODE else json.loads(text)
        return json.loads(json.dumps(value, allow_nan=False))  # as JSON holds it: no tuples, sets, NaN
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return None


def _default(flag: RegisteredFlag) -> Any:
    """The first source's default that one of the value types can hold, or None."""
    for entry in flag.sources:
        for name, text in entry.fields:
            if name == "default" and _value_type(value := _parsed_default(text, entry.source)) is not None:
                return value
    return None


def exported_flags(registered: Mapping[str, RegisteredFlag], registry: Registry, lifetimes: Mapping[str, int | None]) -> list[ExportedFlag]:
    """Every registered, unretired flag as a flag definition file states it, sorted by key."""
    flags = []
    for key in sorted(set(registered) - set(registry.retired)):
        flag, entry = registered[key], registry.flags.get(key)
        default = _default(flag)
        if _value_type(default) is None:
            default = entry is not None and entry.text("state") == "on"
        created = entry.created if entry else None
        expires = expiry(entry, lifetimes) if entry else None
        values = {
            "owner": flag.field("owner"), "type": flag.field("type") if flag.field("type") in FLAG_TYPES else None,
            "created": created.isoformat() if created else None,
            "expires": expires.isoformat() if expires and expires != dt.date.max else flag.field("expires"),
        }  # fmt: skip
        metadata = {name: value for name, value in values.items() if value}
        flags.append(ExportedFlag(key, _value_type(default) or "boolean", default, flag.field("description"), metadata))
    return flags


def _dumped(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_openfeature(flags: list[ExportedFlag]) -> str:
    """An OpenFeature CLI flag manifest (schema/v0/flag-manifest.json)."""
    manifest: dict[str, Any] = {}
    for flag in flags:
        manifest[flag.key] = {"flagType": flag.value_type, "defaultValue": flag.default}
        if flag.description:
            manifest[flag.key]["description"] = flag.description
    return _dumped({"$schema": OPENFEATURE_SCHEMA, "flags": manifest})


def render_flagd(flags: list[ExportedFlag]) -> str:
    """A flagd flag definition (schema/v0/flags.json)."""
    definitions: dict[str, Any] = {}
    for flag in flags:
        if flag.value_type == "boolean":
            variants: dict[str, Any] = {"on": True, "off": False}
            chosen = "on" if flag.default else "off"
        else:
            variants, chosen = {"default": flag.default}, "default"
        metadata = {**flag.metadata, **({"description": flag.description} if flag.description else {})}
        definitions[flag.key] = {"state": "ENABLED", "variants": variants, "defaultVariant": chosen, **({"metadata": metadata} if metadata else {})}
    return _dumped({"$schema": FLAGD_SCHEMA, "flags": definitions})


RENDERERS = {"openfeature": render_openfeature, "flagd": render_flagd}

"""flagd, OpenFeature's flag definition format (https://flagd.dev/schema/v0/flags.json), from a
file or a URL (--source): what a flagd instance serves.

A flagd file has no environments: its flags are written under the name --environment gives
(default "default"). Served value: DISABLED, none (flagd answers "disabled" and the SDK returns
the code's default); ENABLED without targeting, the default variant's value. Maintainer: the
metadata's owner, else team (flag metadata over the flag set's, as `registry import` reads flagd).
flagd knows no tags, creation, archive or evaluation times.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import relative_path
from flagkeeper.registry.exports import JsonObject, flagd_default, flagd_flags, flagd_owner
from flagkeeper.registry.servicestate import EnvironmentState, ServiceFlag, ServiceState
from flagkeeper.services.http import ServiceClient
from flagkeeper.services.settings import PullSettings, value_type
from flagkeeper.tomlread import parse_json, read_text


def _flag(key: str, flag: JsonObject, shared: JsonObject, environment: str) -> ServiceFlag:
    on = flag.choice("state", ("ENABLED", "DISABLED"), required=True) == "ENABLED"
    default = flagd_default(flag)
    served = default[0] if on and default and not flag.data.get("targeting") else None
    values: tuple[Any, ...] = tuple(flag.obj("variants").data.values())
    return ServiceFlag(
        key=key, type=value_type(values), variations=values, maintainer=flagd_owner(flag, shared),
        environments={environment: EnvironmentState(on=on, served=served)},
    )  # fmt: skip


def _document(settings: PullSettings) -> tuple[JsonObject, str]:
    source = settings.source or settings.url
    if not source:
        raise FlagkeeperError("give the flagd file or URL with --source")
    if "://" in source:
        with ServiceClient(source, {}) as client:
            return client.get(source), source
    path = Path(source)
    data = parse_json(read_text(path), path)
    if not isinstance(data, dict):
        raise FlagkeeperError("a flagd file must be a JSON object", path)
    return JsonObject(data, "", path), relative_path(path.resolve(), settings.root)


def pull(settings: PullSettings) -> ServiceState:
    document, shown = _document(settings)
    shared = document.obj("metadata")
    flags = {key: _flag(key, flag, shared, settings.environment()) for key, flag in flagd_flags(document)}
    return ServiceState("flagd", shown, flags)

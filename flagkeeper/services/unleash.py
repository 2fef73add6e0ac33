"""Unleash, through its admin API (https://docs.getunleash.io/reference/api/unleash).

    GET /api/admin/search/features?project=IS:{project}&offset=&limit=   the flags, a page at a time
                                                                          until `total` is reached
    ... &archived=IS:true                                                 the archived flags
    GET /api/admin/projects/{project}/features/{name}                     each flag's environments
                                                                          with their strategies

Credential: UNLEASH_API_TOKEN (an admin or personal access token), sent as the `Authorization`
header. Base URL: --url, else UNLEASH_URL (the instance, without /api). Project: --project, else
"default".

Unleash flags are booleans (variants are a payload on top). Served value in an environment: off,
false; on, true when a strategy gives the flag to everyone: "default", or a "flexibleRollout" at
100%, with no constraints and no segments (or no strategy at all, which SDKs read as on). Unleash
keeps no per-environment change time: served-since is not given. Last evaluated: the
environment's lastSeenAt. Maintainer: the first tag of type "owner", else "team" (as `registry
import` reads Unleash); tags are written "type:value".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flagkeeper.registry.exports import JsonObject, tag_owner
from flagkeeper.registry.servicestate import EnvironmentState, ServiceFlag, ServiceState
from flagkeeper.services.http import connect
from flagkeeper.services.settings import PullSettings

PAGE_SIZE = 100


def _everyone(strategy: JsonObject) -> bool:
    if strategy.boolean("disabled") or strategy.objects("constraints") or strategy.data.get("segments"):
        return False
    name = strategy.text("name")
    return name == "default" or (name == "flexibleRollout" and str(strategy.obj("parameters").data.get("rollout")) == "100")


def _environment(environment: JsonObject) -> EnvironmentState:
    on = environment.boolean("enabled")
    strategies = environment.objects("strategies")
    served = (not strategies or any(_everyone(strategy) for strategy in strategies) or None) if on else False
    return EnvironmentState(on=on, served=served, last_evaluated=environment.moment("lastSeenAt"))


def _flag(listed: JsonObject, detail: JsonObject | None, settings: PullSettings) -> ServiceFlag:
    tags = [(tag.text("type"), tag.text("value")) for tag in listed.objects("tags")]
    environments = {}
    for environment in detail.objects("environments") if detail else []:
        name = environment.key("name")
        if settings.wants(name):
            environments[name] = _environment(environment)
    archived_at = listed.moment("archivedAt")
    return ServiceFlag(
        key=listed.key("name"), type="boolean", variations=(True, False),
        tags=tuple(sorted({f"{kind}:{value}" for kind, value in tags if kind and value})), maintainer=tag_owner(tags),
        created=listed.moment("createdAt"), archived=archived_at is not None or listed.boolean("archived"), archived_at=archived_at,
        environments=environments,
    )  # fmt: skip


def _next_offset(page: JsonObject, params: dict[str, Any]) -> dict[str, Any] | None:
    total, features = page.data.get("total"), page.objects("features")
    if not isinstance(total, int):
        raise page.wrong("total", "a whole number")
    offset = params["offset"] + len(features)
    return {**params, "offset": offset} if features and offset < total else None


def pull(settings: PullSettings) -> ServiceState:
    project = settings.project or "default"
    with connect(settings.url, "UNLEASH_URL", None, "UNLEASH_API_TOKEN", "an Unleash admin API token") as client:
        flags = {}
        for archived in (False, True):
            query = {"project": f"IS:{project}", "offset": 0, "limit": PAGE_SIZE, **({"archived": "IS:true"} if archived else {})}
            for page in client.pages("/api/admin/search/features", query, _next_offset):
                for listed in page.objects("features"):
                    name = listed.key("name")
                    detail = None if archived else client.get(f"/api/admin/projects/{quote(project, safe='')}/features/{quote(name, safe='')}")
                    flags[name] = _flag(listed, detail, settings)
    return ServiceState("unleash", f"{client.base_url} project {project}", flags)

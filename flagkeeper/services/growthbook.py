"""GrowthBook, through its REST API (https://docs.growthbook.io/api).

    GET /api/v1/features?limit=100&offset=    the features with their environments and rules;
                                              pages follow nextOffset while hasMore

Credential: GROWTHBOOK_API_KEY (a secret key or personal access token, read access is enough),
sent as `Authorization: Bearer KEY`. Base URL: --url, else GROWTHBOOK_API_HOST, else
https://api.growthbook.io. --project narrows to one GrowthBook project id.

Values are sent as strings and read by valueType (boolean, number, string, json). Served value
in an environment: disabled, none (the SDK returns the code's fallback); enabled, the value of
the first enabled rule when it is a force or rollout rule for everyone (no condition, saved
groups or prerequisites; coverage 1), else the environment's default value (or the feature's)
when no rule is enabled. Served since: the feature's dateUpdated (GrowthBook keeps no
per-environment time). GrowthBook gives no evaluation time.
"""

from __future__ import annotations

import json
from typing import Any

from flagkeeper.registry.exports import JsonObject
from flagkeeper.registry.servicestate import EnvironmentState, ServiceFlag, ServiceState
from flagkeeper.services.http import connect
from flagkeeper.services.settings import PullSettings

DEFAULT_URL = "https://api.growthbook.io"
_TYPES = {"boolean": "boolean", "number": "float", "string": "string", "json": "object"}


def _next_offset(page: JsonObject, params: dict[str, Any]) -> dict[str, Any] | None:
    if not page.boolean("hasMore"):
        return None
    following = page.data.get("nextOffset")
    if not isinstance(following, int) or following <= params["offset"]:
        raise page.wrong("nextOffset", "a whole number past this page's offset")
    return {**params, "offset": following}


def _value(owner: JsonObject, name: str, value_type: str | None) -> Any:
    """A GrowthBook value (always a string in the API) as the value it stands for."""
    text = owner.data.get(name)
    if not isinstance(text, str):
        raise owner.wrong(name, "a string")
    if value_type == "string":
        return text
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise owner.wrong(name, f"a {value_type} value") from None
    return int(value) if value_type == "number" and isinstance(value, float) and value.is_integer() else value


def _for_everyone(rule: JsonObject) -> bool:
    condition = (rule.data.get("condition") or "").strip()
    coverage = rule.data.get("coverage")
    return (
        rule.text("type") in ("force", "rollout") and condition in ("", "{}") and not rule.data.get("savedGroupTargeting")
        and not rule.data.get("prerequisites") and coverage in (None, 1)
    )  # fmt: skip


def _served(environment: JsonObject, default: Any, value_type: str | None) -> Any:
    if not environment.boolean("enabled"):
        return None
    rules = [rule for rule in environment.objects("rules") if rule.data.get("enabled", True) is not False]
    if rules:
        return _value(rules[0], "value", value_type) if _for_everyone(rules[0]) else None
    return _value(environment, "defaultValue", value_type) if environment.data.get("defaultValue") is not None else default


def _flag(feature: JsonObject, settings: PullSettings) -> ServiceFlag:
    value_type = feature.choice("valueType", tuple(_TYPES), required=True)
    default = _value(feature, "defaultValue", value_type)
    archived = feature.boolean("archived")
    environments = {}
    for name, environment in [] if archived else feature.members("environments"):
        if settings.wants(name):
            served = _served(environment, default, value_type)
            environments[name] = EnvironmentState(on=environment.boolean("enabled"), served=served, served_since=feature.moment("dateUpdated"))
    return ServiceFlag(
        key=feature.key("id"), type=_TYPES[value_type or "json"], variations=(True, False) if value_type == "boolean" else (),
        tags=tuple(sorted(set(feature.strings("tags")))), maintainer=feature.text("ownerEmail") or feature.text("owner"),
        created=feature.moment("dateCreated"), archived=archived, environments=environments,
    )  # fmt: skip


def pull(settings: PullSettings) -> ServiceState:
    query: dict[str, Any] = {"limit": 100, "offset": 0, **({"projectId": settings.project} if settings.project else {})}
    key = "a GrowthBook secret key or personal access token"
    with connect(settings.url, "GROWTHBOOK_API_HOST", DEFAULT_URL, "GROWTHBOOK_API_KEY", key, "Bearer ") as client:
        pages = client.pages("/api/v1/features", query, _next_offset)
        flags = {flag.key: flag for page in pages for flag in (_flag(feature, settings) for feature in page.objects("features"))}
    return ServiceState("growthbook", client.base_url + (f" project {settings.project}" if settings.project else ""), flags)

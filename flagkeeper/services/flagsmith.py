"""Flagsmith, through its admin API (https://docs.flagsmith.com/clients/rest, openapi.yaml).

    GET /api/v1/environments/?project={id}                          the project's environments (paged)
    GET /api/v1/projects/{id}/features/?environment={env id}        the flags with their state in one
                                                                    environment (paged: `next`)
    GET /api/v1/projects/{id}/tags/                                 tag labels (flags carry tag ids)

Credential: FLAGSMITH_API_KEY (an organisation API key), sent as `Authorization: Api-Key KEY`.
Base URL: --url, else FLAGSMITH_API_URL, else https://api.flagsmith.com. Project: --project
(the numeric id).

A Flagsmith flag is on or off, and may carry a value (remote config). Served value in an
environment: a flag without a value serves whether it is enabled; one with a value serves the
value when enabled (none when off: the SDK's value is then the code's concern). Either only when
no segment or identity override and no multivariate option changes it for someone. Served since:
last_modified_in_current_environment. Flagsmith gives no evaluation time. Maintainer: the first
owner's e-mail. Flagsmith's own "stale" tag comes through as the tag it is.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flagkeeper.errors import FlagkeeperError
from flagkeeper.registry.exports import JsonObject
from flagkeeper.registry.servicestate import EnvironmentState, ServiceFlag, ServiceState
from flagkeeper.services.http import ServiceClient, connect, next_link
from flagkeeper.services.settings import PullSettings, value_type

DEFAULT_URL = "https://api.flagsmith.com"


def _all(client: ServiceClient, path: str, params: dict[str, Any]) -> list[JsonObject]:
    return [result for page in client.pages(path, params, next_link) for result in page.objects("results")]


def _served(feature: JsonObject, state: JsonObject) -> Any:
    if feature.data.get("num_segment_overrides") or feature.data.get("num_identity_overrides") or feature.objects("multivariate_options"):
        return None
    value = state.data.get("feature_state_value")
    if value is None:
        return state.boolean("enabled")
    return value if state.boolean("enabled") else None


def _tag_ids(feature: JsonObject) -> list[int]:
    tags = feature.data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, int) and not isinstance(tag, bool) for tag in tags):
        raise feature.wrong("tags", "an array of tag ids")
    return tags


def _flag(feature: JsonObject, tag_labels: dict[int, str], listings: dict[str, JsonObject]) -> ServiceFlag:
    """`feature` as one listing gives it; `listings`: environment name -> the feature as that environment's listing gives it."""
    options = [option.data.get(f"{kind}_value") for option in feature.objects("multivariate_options") for kind in ("string", "integer", "boolean")
               if option.data.get(f"{kind}_value") is not None]  # fmt: skip
    initial = feature.data.get("initial_value")
    variations: tuple[Any, ...] = (True, False) if initial is None and not options else tuple([initial, *options] if initial is not None else options)
    archived = feature.boolean("is_archived")
    environments = {}
    for name, listed in listings.items():
        if listed.data.get("environment_feature_state") is not None and not archived:
            state = listed.obj("environment_feature_state")
            environments[name] = EnvironmentState(
                on=state.boolean("enabled"), served=_served(listed, state), served_since=listed.moment("last_modified_in_current_environment"),
            )  # fmt: skip
    owners = feature.objects("owners")
    return ServiceFlag(
        key=feature.key("name"), type=value_type(variations), variations=variations,
        tags=tuple(sorted({tag_labels.get(tag, str(tag)) for tag in _tag_ids(feature)})),
        maintainer=owners[0].text("email") if owners else None, created=feature.moment("created_date"), archived=archived,
        environments=environments,
    )  # fmt: skip


def pull(settings: PullSettings) -> ServiceState:
    if not settings.project:
        raise FlagkeeperError("give the Flagsmith project's id with --project")
    features_path = f"/api/v1/projects/{quote(settings.project, safe='')}/features/"
    with connect(settings.url, "FLAGSMITH_API_URL", DEFAULT_URL, "FLAGSMITH_API_KEY", "a Flagsmith organisation API key", "Api-Key ") as client:
        tags = _all(client, f"/api/v1/projects/{quote(settings.project, safe='')}/tags/", {})
        tag_labels = {tag.data["id"]: tag.text("label") or "" for tag in tags if isinstance(tag.data.get("id"), int)}
        features: dict[str, JsonObject] = {}
        listings: dict[str, dict[str, JsonObject]] = {}
        for environment in _all(client, "/api/v1/environments/", {"project": settings.project}):
            name = environment.key("name")
            if not settings.wants(name):
                continue
            for feature in _all(client, features_path, {"environment": environment.data.get("id"), "page_size": 100}):
                key_name = feature.key("name")
                features.setdefault(key_name, feature)
                listings.setdefault(key_name, {})[name] = feature
        if not features:  # a project without environments still has flags
            for feature in _all(client, features_path, {"page_size": 100}):
                features[feature.key("name")] = feature
        flags = {key_name: _flag(feature, tag_labels, listings.get(key_name, {})) for key_name, feature in features.items()}
    return ServiceState("flagsmith", f"{client.base_url} project {settings.project}", flags)

"""LaunchDarkly, through its REST API v2 (https://launchdarkly.com/docs/api).

    GET /api/v2/flags/{project}?summary=0&limit=100      flags with every environment's targeting;
                                                         pages follow _links.next.href
    GET /api/v2/flags/{project}?filter=state:archived    the archived flags (the list leaves them out)
    GET /api/v2/flag-statuses/{project}/{environment}    lastRequested per flag (items[]._links.parent
                                                         names the flag)

Credential: LD_ACCESS_TOKEN (an API access token; the Reader role is enough), sent as the
`Authorization` header. Base URL: --url, else LD_BASE_URI, else https://app.launchdarkly.com.

Served value in an environment: off, the off variation (none when the flag has none: the SDK
then returns the code's default); on, the fallthrough's variation (or a rollout giving one
variation all 100,000 of its weight) when no individual targets, rules or prerequisites apply.
Served since: the environment's lastModified.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flagkeeper.registry.exports import JsonObject
from flagkeeper.registry.servicestate import EnvironmentState, ServiceFlag, ServiceState
from flagkeeper.services.http import ServiceClient, connect
from flagkeeper.services.settings import PullSettings, value_type

DEFAULT_URL = "https://app.launchdarkly.com"
PAGE_SIZE = 100
_FULL_WEIGHT = 100_000
_TARGETING = ("targets", "contextTargets", "rules", "prerequisites")


def _next_link(page: JsonObject, params: dict[str, Any]) -> str | None:
    return page.obj("_links").obj("next").text("href")


def _variation(flag: JsonObject, values: list[Any], field: str, index: Any) -> Any:
    if index is None:
        return None
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(values):
        raise flag.wrong(field, f"the index of one of the {len(values)} variations")
    return values[index]


def _served(environment: JsonObject, values: list[Any]) -> Any:
    """The value everyone gets in this environment, or None."""
    if not environment.boolean("on"):
        return _variation(environment, values, "offVariation", environment.data.get("offVariation"))
    if any(environment.data.get(name) for name in _TARGETING):
        return None
    fallthrough = environment.obj("fallthrough")
    if fallthrough.data.get("variation") is not None:
        return _variation(fallthrough, values, "variation", fallthrough.data["variation"])
    weights = fallthrough.obj("rollout").objects("variations")
    full = [weight for weight in weights if weight.data.get("weight") == _FULL_WEIGHT]
    return _variation(full[0], values, "variation", full[0].data.get("variation")) if len(full) == 1 else None


def _flag(item: JsonObject, settings: PullSettings, evaluated: dict[tuple[str, str], Any]) -> ServiceFlag:
    key = item.key("key")
    values = [variation.data.get("value") for variation in item.objects("variations")]
    archived = item.boolean("archived")
    environments = {}
    if not archived:  # an archived flag serves nothing: the SDK returns the code's default
        for name, environment in item.members("environments"):
            if settings.wants(name):
                environments[name] = EnvironmentState(
                    on=environment.boolean("on"), served=_served(environment, values),
                    served_since=environment.epoch_moment("lastModified"), last_evaluated=evaluated.get((name, key)),
                )  # fmt: skip
    return ServiceFlag(
        key=key, type=value_type(values), variations=tuple(values), tags=tuple(sorted(set(item.strings("tags")))),
        maintainer=item.obj("_maintainer").text("email") or item.text("maintainerTeamKey"),
        created=item.epoch_moment("creationDate"), archived=archived, archived_at=item.epoch_moment("archivedDate"),
        environments=environments,
    )  # fmt: skip


def _last_requested(client: ServiceClient, project: str, environment: str) -> dict[str, Any]:
    """Flag key -> when an SDK last evaluated it in `environment`."""
    found = {}
    for page in client.pages(f"/api/v2/flag-statuses/{quote(project, safe='')}/{quote(environment, safe='')}", {}, _next_link):
        for status in page.objects("items"):
            parent = status.obj("_links").obj("parent").text("href")
            moment = status.moment("lastRequested")
            if parent and moment:
                found[parent.rstrip("/").rsplit("/", 1)[-1]] = moment
    return found


def pull(settings: PullSettings) -> ServiceState:
    project = settings.project or "default"
    with connect(settings.url, "LD_BASE_URI", DEFAULT_URL, "LD_ACCESS_TOKEN", "a LaunchDarkly API access token") as client:
        path = f"/api/v2/flags/{quote(project, safe='')}"
        query: dict[str, Any] = {"summary": "0", "limit": PAGE_SIZE, **({"env": list(settings.environments)} if settings.environments else {})}
        items = [item for filtered in ({}, {"filter": "state:archived"}) for page in client.pages(path, {**query, **filtered}, _next_link)
                 for item in page.objects("items")]  # fmt: skip
        names = sorted({name for item in items for name, _ in item.members("environments") if settings.wants(name)})
        evaluated = {(name, key): moment for name in names for key, moment in _last_requested(client, project, name).items()}
        flags = {flag.key: flag for flag in (_flag(item, settings, evaluated) for item in items)}
    return ServiceState("launchdarkly", f"{client.base_url} project {project}", flags)

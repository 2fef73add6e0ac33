"""PostHog, through its REST API (https://posthog.com/docs/api/feature-flags).

    GET /api/projects/{project_id}/feature_flags/?limit=100     the flags; pages follow `next`

Credential: POSTHOG_PERSONAL_API_KEY (a personal API key with feature_flag:read), sent as
`Authorization: Bearer KEY`. Base URL: --url, else POSTHOG_HOST, else https://us.posthog.com.
Project: --project (the numeric id). A PostHog project is one environment: it is written under
the name --environment gives (default "default").

Served value: inactive, false (the SDKs' value for an inactive flag). Active, when a release
condition matches everyone (no properties, rollout 100% or unset): true, or for a multivariate
flag the variant everyone gets (the condition's variant override, or the one variant at 100%).
Served since: updated_at where the API gives it. Last evaluated: last_called_at. Deleted flags
are archived; the list leaves them out, so they appear only while a pull still sees them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flagkeeper.errors import FlagkeeperError
from flagkeeper.registry.exports import JsonObject
from flagkeeper.registry.servicestate import EnvironmentState, ServiceFlag, ServiceState
from flagkeeper.services.http import connect, next_link
from flagkeeper.services.settings import PullSettings

DEFAULT_URL = "https://us.posthog.com"


def _served(flag: JsonObject, variants: list[str]) -> Any:
    if not flag.boolean("active"):
        return False
    filters = flag.obj("filters")
    for condition in filters.objects("groups"):
        if condition.objects("properties") or condition.data.get("rollout_percentage") not in (None, 100):
            continue
        if not variants:
            return True
        if condition.text("variant"):
            return condition.text("variant")
        full = [variant.text("key") for variant in filters.obj("multivariate").objects("variants") if variant.data.get("rollout_percentage") == 100]
        return full[0] if len(full) == 1 else None
    return None


def _flag(flag: JsonObject, environment: str) -> ServiceFlag:
    variants = [variant.key("key") for variant in flag.obj("filters").obj("multivariate").objects("variants")]
    archived = flag.boolean("deleted")
    state = EnvironmentState(
        on=flag.boolean("active"), served=_served(flag, variants), served_since=flag.moment("updated_at"), last_evaluated=flag.moment("last_called_at"),
    )  # fmt: skip
    return ServiceFlag(
        key=flag.key("key"), type="string" if variants else "boolean", variations=tuple(variants) if variants else (True, False),
        tags=tuple(sorted(set(flag.strings("tags")))), maintainer=flag.obj("created_by").text("email"), created=flag.moment("created_at"),
        archived=archived, environments={} if archived else {environment: state},
    )  # fmt: skip


def pull(settings: PullSettings) -> ServiceState:
    if not settings.project:
        raise FlagkeeperError("give the PostHog project's id with --project")
    with connect(settings.url, "POSTHOG_HOST", DEFAULT_URL, "POSTHOG_PERSONAL_API_KEY", "a PostHog personal API key", "Bearer ") as client:
        pages = client.pages(f"/api/projects/{quote(settings.project, safe='')}/feature_flags/", {"limit": 100}, next_link)
        flags = {flag.key: flag for page in pages for flag in (_flag(item, settings.environment()) for item in page.objects("results"))}
    return ServiceState("posthog", f"{client.base_url} project {settings.project}", flags)

"""`flagkeeper pull posthog` against a local server answering as PostHog's feature flag API documents."""

from __future__ import annotations

import pytest

from tests.services.conftest import ReplayService


def posthog_flag(number: int, key: str, active: bool, groups: list[dict[str, object]], variants: list[tuple[str, int]] | None = None,
                 **fields: object) -> dict[str, object]:  # fmt: skip
    """A flag as GET /api/projects/{project_id}/feature_flags/ lists it."""
    return {
        "id": number, "name": key.replace("-", " "), "key": key,
        "filters": {"groups": groups, "payloads": {},
                    "multivariate": {"variants": [{"key": name, "name": None, "rollout_percentage": share} for name, share in variants]} if variants else None},
        "deleted": False, "active": active, "created_by": {"id": 1, "uuid": "u1", "distinct_id": "d1", "first_name": "Alice", "email": "alice@example.com"},
        "created_at": "2026-01-05T09:00:00.000000Z", "updated_at": "2026-10-01T00:00:00.000000Z", "version": 3, "last_modified_by": None,
        "is_simple_flag": True, "rollout_percentage": None, "ensure_experience_continuity": False, "experiment_set": [], "surveys": [],
        "features": [], "rollback_conditions": None, "performed_rollback": None, "can_edit": True, "tags": [], "evaluation_tags": [],
        "usage_dashboard": 12, "analytics_dashboards": [], "has_enriched_analytics": False, "user_access_level": "editor",
        "creation_context": "feature_flags", "is_remote_configuration": False, "has_encrypted_payloads": False, "status": "ACTIVE",
        "last_called_at": None,
        **fields,
    }  # fmt: skip


EVERYONE = {"properties": [], "rollout_percentage": 100, "variant": None}
SOME = {"properties": [{"key": "email", "type": "person", "value": "@example.com", "operator": "icontains"}], "rollout_percentage": 100, "variant": None}


def serve_posthog(service: ReplayService) -> None:
    path = "/api/projects/42/feature_flags/"
    service.reply(path, {"count": 4, "next": None, "previous": f"{service.url}{path}?limit=100", "results": [
        posthog_flag(3, "checkout-layout", True, [{**EVERYONE, "variant": "grid"}], [("grid", 50), ("list", 50)]),
        posthog_flag(4, "pricing-test", True, [EVERYONE], [("control", 50), ("test", 50)]),
    ]}, query={"offset": "2"})  # fmt: skip
    service.reply(path, {"count": 4, "next": f"{service.url}{path}?limit=100&offset=2", "previous": None, "results": [
        posthog_flag(1, "new-checkout", True, [SOME, EVERYONE], tags=["release"], last_called_at="2026-11-30T23:10:00.5Z"),
        posthog_flag(2, "beta-banner", False, [{**EVERYONE, "rollout_percentage": 20}]),
    ]})  # fmt: skip


EXPECTED = """\
# Written by `flagkeeper pull`: what the flag service knows. Review changes like code; do not edit by hand.

[service]
provider = "posthog"
source = "URL project 42"

[flags.beta-banner]
type = "boolean"
variations = [true, false]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.beta-banner.environments.production]
on = false
served = false
served-since = 2026-10-01T00:00:00Z

[flags.checkout-layout]
type = "string"
variations = ["grid", "list"]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.checkout-layout.environments.production]
on = true
served = "grid"
served-since = 2026-10-01T00:00:00Z

[flags.new-checkout]
type = "boolean"
variations = [true, false]
tags = ["release"]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.new-checkout.environments.production]
on = true
served = true
served-since = 2026-10-01T00:00:00Z
last-evaluated = 2026-11-30T23:10:00Z

[flags.pricing-test]
type = "string"
variations = ["control", "test"]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.pricing-test.environments.production]
on = true
served-since = 2026-10-01T00:00:00Z
"""


def test_pull_follows_next_and_names_the_one_environment(service: ReplayService, pull_project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_abc")
    serve_posthog(service)
    result, state = pull_project("posthog", "--url", service.url, "--project", "42", "--environment", "production")
    assert result.exit_code == 0, result.stderr
    assert state == EXPECTED.replace("URL", service.url)
    assert [request.query.get("offset") for request in service.requests] == [None, ["2"]]
    assert {request.headers["authorization"] for request in service.requests} == {"Bearer phx_abc"}
    pull_project.again("posthog", "--url", service.url, "--project", "42", "--environment", "production")

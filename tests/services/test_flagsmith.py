"""`flagkeeper pull flagsmith` against a local server answering as Flagsmith's admin API documents (openapi.yaml)."""

from __future__ import annotations

import pytest

from tests.services.conftest import ReplayService


def environment(number: int, name: str) -> dict[str, object]:
    return {
        "id": number, "uuid": f"0000-{number}", "name": name, "api_key": f"env-key-{number}", "description": None, "project": 7,
        "minimum_change_request_approvals": None, "allow_client_traits": True, "banner_text": None, "banner_colour": None,
        "hide_disabled_flags": None, "use_mv_v2_evaluation": True, "use_identity_composite_key_for_hashing": True,
        "hide_sensitive_data": False, "use_v2_feature_versioning": False, "use_identity_overrides_in_local_eval": False,
        "is_creating": False, "metadata": [],
    }  # fmt: skip


def feature(number: int, name: str, environment_id: int, enabled: bool, value: object = None, **fields: object) -> dict[str, object]:
    """A flag as GET /api/v1/projects/{id}/features/?environment={id} lists it, with its state there."""
    return {
        "id": number, "name": name, "type": "STANDARD", "default_enabled": False, "initial_value": value,
        "created_date": "2026-01-05T09:00:00.123456Z", "description": None, "tags": [], "multivariate_options": [],
        "is_archived": False, "owners": [{"id": 3, "email": "alice@example.com", "first_name": "Alice", "last_name": "Ames", "last_login": None}],
        "group_owners": [], "uuid": f"f-{number}", "project": 7,
        "environment_feature_state": {"id": 100 + number, "feature_state_value": value, "environment": environment_id, "identity": None,
                                      "feature_segment": None, "enabled": enabled},
        "segment_feature_state": None, "num_segment_overrides": 0, "num_identity_overrides": None, "is_num_identity_overrides_complete": True,
        "is_server_key_only": False, "last_modified_in_any_environment": "2026-10-01T00:00:00Z",
        "last_modified_in_current_environment": "2026-10-01T00:00:00Z", "metadata": [], "code_references_counts": [],
        **fields,
    }  # fmt: skip


def page(results: list[dict[str, object]], following: str | None = None) -> dict[str, object]:
    return {"count": len(results), "next": following, "previous": None, "results": results}


def serve_flagsmith(service: ReplayService) -> None:
    service.reply("/api/v1/environments/", page([environment(11, "development"), environment(12, "production")]), query={"project": "7"})
    service.reply("/api/v1/projects/7/tags/", page([{"id": 5, "label": "stale", "color": "#ccc", "description": None, "project": 7,
                                                    "uuid": "t5", "is_permanent": False, "is_system_tag": True, "type": "STALE"}]))  # fmt: skip
    features = "/api/v1/projects/7/features/"
    service.reply(features, page([feature(3, "pricing", 11, False, None)]), query={"environment": "11", "page": "2"})
    service.reply(features, page([feature(1, "new_checkout", 11, True, None, tags=[5]), feature(2, "banner_text", 11, True, "Hello")],
                                 f"{service.url}{features}?environment=11&page=2&page_size=100"), query={"environment": "11"})  # fmt: skip
    service.reply(features, page([
        feature(1, "new_checkout", 12, True, None, tags=[5], last_modified_in_current_environment="2026-11-01T00:00:00Z"),
        feature(2, "banner_text", 12, False, "Hello"),
        feature(3, "pricing", 12, True, None, num_segment_overrides=2),
        feature(4, "power_peg", 12, True, None, is_archived=True),
    ]), query={"environment": "12"})  # fmt: skip


EXPECTED = """\
# Written by `flagkeeper pull`: what the flag service knows. Review changes like code; do not edit by hand.

[service]
provider = "flagsmith"
source = "URL project 7"

[flags.banner_text]
type = "string"
variations = ["Hello"]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.banner_text.environments.development]
on = true
served = "Hello"
served-since = 2026-10-01T00:00:00Z

[flags.banner_text.environments.production]
on = false
served-since = 2026-10-01T00:00:00Z

[flags.new_checkout]
type = "boolean"
variations = [true, false]
tags = ["stale"]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.new_checkout.environments.development]
on = true
served = true
served-since = 2026-10-01T00:00:00Z

[flags.new_checkout.environments.production]
on = true
served = true
served-since = 2026-11-01T00:00:00Z

[flags.power_peg]
type = "boolean"
variations = [true, false]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z
archived = true

[flags.pricing]
type = "boolean"
variations = [true, false]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.pricing.environments.development]
on = false
served = false
served-since = 2026-10-01T00:00:00Z

[flags.pricing.environments.production]
on = true
served-since = 2026-10-01T00:00:00Z
"""


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAGSMITH_API_KEY", "ser.abc123")


def test_pull_reads_every_environment_and_follows_next_pages(service: ReplayService, pull_project) -> None:
    serve_flagsmith(service)
    result, state = pull_project("flagsmith", "--url", service.url, "--project", "7")
    assert result.exit_code == 0, result.stderr
    assert state == EXPECTED.replace("URL", service.url)
    assert [request.query.get("page") for request in service.requests if request.query.get("environment") == ["11"]] == [None, ["2"]]
    assert {request.headers["authorization"] for request in service.requests} == {"Api-Key ser.abc123"}
    pull_project.again("flagsmith", "--url", service.url, "--project", "7")


def test_the_project_is_required(pull_project) -> None:
    result, state = pull_project("flagsmith")
    assert (result.exit_code, result.stderr, state) == (2, "flagkeeper: error: give the Flagsmith project's id with --project\n", None)

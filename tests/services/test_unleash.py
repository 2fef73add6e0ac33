"""`flagkeeper pull unleash` against a local server answering as Unleash's admin API documents."""

from __future__ import annotations

import pytest

from flagkeeper.services import unleash
from tests.services.conftest import ReplayService


def listed(name: str, environments: list[tuple[str, bool]], **fields: object) -> dict[str, object]:
    """A flag as GET /api/admin/search/features lists it."""
    return {
        "name": name, "type": "release", "description": "", "project": "default", "stale": False, "favorite": False,
        "impressionData": False, "createdAt": "2026-01-05T09:00:00.000Z", "archivedAt": None, "lastSeenAt": None,
        "environments": [{"name": env, "enabled": on, "type": env, "sortOrder": 1, "variantCount": 0, "lastSeenAt": None,
                          "hasStrategies": True, "hasEnabledStrategies": True} for env, on in environments],
        "tags": [], "segments": [], "dependencyType": None, "createdBy": {"id": 1, "name": "alice", "imageUrl": ""},
        **fields,
    }  # fmt: skip


def strategy(name: str, rollout: str = "100", **fields: object) -> dict[str, object]:
    return {"id": f"{name}-1", "name": name, "title": None, "disabled": False, "sortOrder": 0, "segments": [], "constraints": [],
            "variants": [], "parameters": {"groupId": "g", "rollout": rollout, "stickiness": "default"}, **fields}  # fmt: skip


def detail(name: str, environments: list[tuple[str, bool, list[dict[str, object]], str | None]]) -> dict[str, object]:
    """A flag as GET /api/admin/projects/{project}/features/{name} gives it."""
    return {
        "name": name, "type": "release", "project": "default", "enabled": False, "stale": False, "archived": False,
        "createdAt": "2026-01-05T09:00:00.000Z", "variants": [], "impressionData": False,
        "environments": [{"name": env, "environment": env, "type": env, "enabled": on, "sortOrder": 1, "variantCount": 0,
                          "lastSeenAt": seen, "strategies": strategies, "variants": []} for env, on, strategies, seen in environments],
    }  # fmt: skip


def serve_unleash(service: ReplayService) -> None:
    both = [("development", True), ("production", True)]
    page_one = [
        listed("new-checkout", both, tags=[{"type": "owner", "value": "payments"}, {"type": "simple", "value": "checkout"}]),
        listed("dark-mode", both),
    ]
    page_two = [listed("legacy-search", [("development", False), ("production", False)], type="kill-switch")]
    archived = [listed("power-peg", [], archivedAt="2003-06-30T10:00:00.000Z", createdAt="2002-01-01T00:00:00.000Z")]
    search = "/api/admin/search/features"
    service.reply(search, {"features": archived, "total": 1}, query={"archived": "IS:true"})
    service.reply(search, {"features": page_two, "total": 3}, query={"offset": "2", "project": "IS:default"})
    service.reply(search, {"features": page_one, "total": 3}, query={"offset": "0", "project": "IS:default"})
    features = "/api/admin/projects/default/features"
    service.reply(f"{features}/new-checkout", detail("new-checkout", [
        ("development", True, [strategy("default")], "2026-11-29T10:00:00.000Z"),
        ("production", True, [strategy("flexibleRollout", constraints=[{"contextName": "userId", "operator": "IN", "values": ["1"]}]),
                              strategy("flexibleRollout")], "2026-11-30T23:10:00.000Z"),
    ]))  # fmt: skip
    service.reply(f"{features}/dark-mode", detail("dark-mode", [
        ("development", True, [strategy("flexibleRollout", rollout="25")], None),
        ("production", True, [strategy("default", segments=[3])], None),
    ]))  # fmt: skip
    service.reply(f"{features}/legacy-search", detail("legacy-search", [("development", False, [], None), ("production", False, [], None)]))


EXPECTED = """\
# Written by `flagkeeper pull`: what the flag service knows. Review changes like code; do not edit by hand.

[service]
provider = "unleash"
source = "URL project default"

[flags.dark-mode]
type = "boolean"
variations = [true, false]
created = 2026-01-05T09:00:00Z

[flags.dark-mode.environments.development]
on = true

[flags.dark-mode.environments.production]
on = true

[flags.legacy-search]
type = "boolean"
variations = [true, false]
created = 2026-01-05T09:00:00Z

[flags.legacy-search.environments.development]
on = false
served = false

[flags.legacy-search.environments.production]
on = false
served = false

[flags.new-checkout]
type = "boolean"
variations = [true, false]
tags = ["owner:payments", "simple:checkout"]
maintainer = "payments"
created = 2026-01-05T09:00:00Z

[flags.new-checkout.environments.development]
on = true
served = true
last-evaluated = 2026-11-29T10:00:00Z

[flags.new-checkout.environments.production]
on = true
served = true
last-evaluated = 2026-11-30T23:10:00Z

[flags.power-peg]
type = "boolean"
variations = [true, false]
created = 2002-01-01T00:00:00Z
archived = true
archived-at = 2003-06-30T10:00:00Z
"""


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNLEASH_API_TOKEN", "*:*.unleash-admin-token")
    monkeypatch.setattr(unleash, "PAGE_SIZE", 2)


def test_pull_pages_through_the_search_and_reads_each_flags_strategies(service: ReplayService, pull_project) -> None:
    serve_unleash(service)
    result, state = pull_project("unleash", "--url", service.url)
    assert result.exit_code == 0, result.stderr
    assert state == EXPECTED.replace("URL", service.url)
    searches = [(request.query.get("offset"), request.query.get("archived")) for request in service.requests if request.path.endswith("/search/features")]
    assert searches == [(["0"], None), (["2"], None), (["0"], ["IS:true"])]
    assert "/api/admin/projects/default/features/power-peg" not in service.paths()  # archived: nothing served
    assert {request.headers["authorization"] for request in service.requests} == {"*:*.unleash-admin-token"}
    pull_project.again("unleash", "--url", service.url)


def test_the_instance_url_is_required(pull_project) -> None:
    result, state = pull_project("unleash")
    assert (result.exit_code, state) == (2, None)
    assert result.stderr == "flagkeeper: error: give the service's URL with --url or the environment variable UNLEASH_URL\n"

"""`flagkeeper pull launchdarkly` against a local server answering as LaunchDarkly's REST API v2 documents."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.services.conftest import ReplayService


def millis(moment: str) -> int:
    """An ISO date-time as LaunchDarkly writes times: milliseconds since 1970."""
    return int(dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp() * 1000)


def environment(on: bool, modified: str, **targeting: object) -> dict[str, object]:
    """One environment of a flag as GET /api/v2/flags/{project}?summary=0 gives it."""
    return {
        "on": on, "archived": False, "salt": "61f2", "sel": "5a1c", "lastModified": millis(modified), "version": 4,
        "targets": [], "contextTargets": [], "rules": [], "prerequisites": [], "offVariation": 1,
        "fallthrough": {"variation": 0}, "trackEvents": False, "trackEventsFallthrough": False,
        "_site": {"href": "/default/production/features/x", "type": "text/html"}, "_environmentName": "Production",
        "_summary": {"variations": {}, "prerequisites": 0},
        **targeting,
    }  # fmt: skip


def flag(key: str, variations: list[object], environments: dict[str, object], **fields: object) -> dict[str, object]:
    return {
        "key": key, "name": key.replace("-", " ").capitalize(), "kind": "boolean" if variations == [True, False] else "multivariate",
        "creationDate": millis("2026-01-05T09:00:00Z"), "includeInSnippet": False, "temporary": True,
        "variations": [{"_id": f"v{index}", "value": value} for index, value in enumerate(variations)],
        "tags": ["release"], "_maintainer": {"_id": "569f", "email": "alice@example.com", "role": "writer"},
        "archived": False, "deprecated": False, "environments": environments,
        "_links": {"self": {"href": f"/api/v2/flags/default/{key}", "type": "application/json"}},
        **fields,
    }  # fmt: skip


def serve_launchdarkly(service: ReplayService) -> None:
    first_page = [
        flag("new-checkout", [True, False], {
            "production": environment(True, "2026-10-01T00:00:00Z"),
            "staging": environment(False, "2026-09-01T12:30:00Z"),
        }, tags=["release", "checkout"]),
        flag("checkout-layout", ["grid", "list"], {
            "production": environment(True, "2026-11-02T08:00:00Z", fallthrough={"rollout": {"variations": [
                {"variation": 0, "weight": 50000}, {"variation": 1, "weight": 50000}]}}),
            "staging": environment(True, "2026-11-02T08:00:00Z", rules=[{"_id": "r1", "variation": 1, "clauses": []}]),
        }, maintainerTeamKey="web", _maintainer=None),
    ]  # fmt: skip
    second_page = [
        flag("banner-text", ["Hello", "Welcome"], {
            "production": environment(True, "2026-08-15T00:00:00Z", fallthrough={"rollout": {"variations": [
                {"variation": 0, "weight": 0}, {"variation": 1, "weight": 100000}]}}),
            "staging": environment(False, "2026-08-15T00:00:00Z", offVariation=None),
        }),
    ]  # fmt: skip
    archived = [flag("power-peg", [True, False], {"production": environment(True, "2003-06-01T00:00:00Z")},
                     archived=True, archivedDate=millis("2003-06-30T00:00:00Z"), tags=[])]  # fmt: skip
    links = {"self": {"href": "/api/v2/flags/default?limit=2&summary=0", "type": "application/json"}}
    service.reply("/api/v2/flags/default", {"items": archived, "totalCount": 1, "_links": links}, query={"filter": "state:archived"})
    service.reply("/api/v2/flags/default", {"items": second_page, "totalCount": 3, "_links": links}, query={"offset": "2"})
    service.reply("/api/v2/flags/default", {"items": first_page, "totalCount": 3, "_links": {
        **links, "next": {"href": "/api/v2/flags/default?limit=2&offset=2&summary=0", "type": "application/json"}}})  # fmt: skip
    statuses = [{"name": "launched", "lastRequested": "2026-11-30T23:10:00.123Z", "default": False,
                 "_links": {"parent": {"href": "/api/v2/flags/default/new-checkout", "type": "application/json"},
                            "self": {"href": "/api/v2/flag-statuses/default/production/new-checkout", "type": "application/json"}}},
                {"name": "new", "_links": {"parent": {"href": "/api/v2/flags/default/banner-text", "type": "application/json"}}}]  # fmt: skip
    service.reply("/api/v2/flag-statuses/default/production", {"items": statuses, "_links": {"self": {"href": "/api/v2/flag-statuses/default/production"}}})
    service.reply("/api/v2/flag-statuses/default/staging", {"items": [], "_links": {}})


EXPECTED = """\
# Written by `flagkeeper pull`: what the flag service knows. Review changes like code; do not edit by hand.

[service]
provider = "launchdarkly"
source = "URL project default"

[flags.banner-text]
type = "string"
variations = ["Hello", "Welcome"]
tags = ["release"]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.banner-text.environments.production]
on = true
served = "Welcome"
served-since = 2026-08-15T00:00:00Z

[flags.banner-text.environments.staging]
on = false
served-since = 2026-08-15T00:00:00Z

[flags.checkout-layout]
type = "string"
variations = ["grid", "list"]
tags = ["release"]
maintainer = "web"
created = 2026-01-05T09:00:00Z

[flags.checkout-layout.environments.production]
on = true
served-since = 2026-11-02T08:00:00Z

[flags.checkout-layout.environments.staging]
on = true
served-since = 2026-11-02T08:00:00Z

[flags.new-checkout]
type = "boolean"
variations = [true, false]
tags = ["checkout", "release"]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.new-checkout.environments.production]
on = true
served = true
served-since = 2026-10-01T00:00:00Z
last-evaluated = 2026-11-30T23:10:00Z

[flags.new-checkout.environments.staging]
on = false
served = false
served-since = 2026-09-01T12:30:00Z

[flags.power-peg]
type = "boolean"
variations = [true, false]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z
archived = true
archived-at = 2003-06-30T00:00:00Z
"""


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LD_ACCESS_TOKEN", "api-0123")


def test_pull_writes_every_flag_with_its_served_value_per_environment(service: ReplayService, pull_project) -> None:
    serve_launchdarkly(service)
    result, state = pull_project("launchdarkly", "--url", service.url)
    assert result.exit_code == 0, result.stderr
    assert state == EXPECTED.replace("URL", service.url)
    assert "wrote flag-state.toml: 4 flags from launchdarkly" in result.stderr
    flag_requests = [request for request in service.requests if request.path == "/api/v2/flags/default"]
    assert [request.query.get("offset") for request in flag_requests] == [None, ["2"], None]  # page 1, the next link, the archived list
    assert all(request.query["summary"] == ["0"] for request in flag_requests)
    assert {request.headers["authorization"] for request in service.requests} == {"api-0123"}  # the token as LaunchDarkly takes it: no scheme
    pull_project.again("launchdarkly", "--url", service.url)


def test_environment_option_asks_only_for_those_environments(service: ReplayService, pull_project) -> None:
    serve_launchdarkly(service)
    result, state = pull_project("launchdarkly", "--url", service.url, "--environment", "production")
    assert result.exit_code == 0, result.stderr
    assert state is not None and "staging" not in state and "[flags.new-checkout.environments.production]" in state
    assert service.requests[0].query["env"] == ["production"]
    assert "/api/v2/flag-statuses/default/staging" not in service.paths()


def test_without_the_token_nothing_is_asked(service: ReplayService, pull_project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LD_ACCESS_TOKEN")
    result, state = pull_project("launchdarkly", "--url", service.url)
    assert (result.exit_code, state, service.requests) == (2, None, [])
    assert result.stderr == "flagkeeper: error: set the environment variable LD_ACCESS_TOKEN to a LaunchDarkly API access token\n"

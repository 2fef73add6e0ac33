"""What every pull shares: retries, failures in one line with the state file untouched, --dry-run,
and a second pull with nothing new that leaves the file alone. GrowthBook's API is the vehicle."""

from __future__ import annotations

import time

import pytest

from flagkeeper.services import http
from tests.services.conftest import ReplayService
from tests.services.test_growthbook import EXPECTED, growthbook_feature, serve_growthbook

FEATURES = "/api/v1/features"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROWTHBOOK_API_KEY", "secret_abc")


@pytest.fixture
def existing(pull_project):
    """A state file already in the project: a failed pull must leave it as it is."""
    path = pull_project.root / "flag-state.toml"
    path.write_text("# an earlier pull\n", encoding="utf-8")
    return path, path.stat().st_mtime_ns


def assert_untouched(existing) -> None:
    path, mtime = existing
    assert (path.read_text(encoding="utf-8"), path.stat().st_mtime_ns) == ("# an earlier pull\n", mtime)


def test_a_second_pull_with_nothing_new_leaves_the_file_alone(service: ReplayService, pull_project) -> None:
    serve_growthbook(service)
    first, state = pull_project("growthbook", "--url", service.url)
    path = pull_project.root / "flag-state.toml"
    written = path.stat().st_mtime_ns
    time.sleep(0.01)
    second, again = pull_project("growthbook", "--url", service.url)
    assert (first.exit_code, second.exit_code) == (0, 0)
    assert again == state and path.stat().st_mtime_ns == written
    assert second.stderr == "unchanged: flag-state.toml: 4 flags from growthbook\n"


def test_dry_run_shows_the_change_and_writes_nothing(service: ReplayService, pull_project, existing) -> None:
    serve_growthbook(service)
    result, _ = pull_project("growthbook", "--url", service.url, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("--- a/flag-state.toml\n+++ b/flag-state.toml\n@@ -1 +1,64 @@\n-# an earlier pull\n+# Written by `flagkeeper pull`")
    assert "+[flags.new-checkout.environments.dev]\n+on = true\n+served = true\n" in result.stdout
    assert_untouched(existing)


def test_dry_run_with_nothing_new_says_so(service: ReplayService, pull_project) -> None:
    serve_growthbook(service)
    pull_project("growthbook", "--url", service.url)
    result, _ = pull_project("growthbook", "--url", service.url, "--dry-run")
    assert (result.exit_code, result.stdout) == (0, "flag-state.toml is up to date\n")


def test_state_option_writes_elsewhere(service: ReplayService, pull_project) -> None:
    serve_growthbook(service)
    result, default_file = pull_project("growthbook", "--url", service.url, "--state", "state/flags.toml")
    assert result.exit_code == 2 and "state/flags.toml" in result.stderr  # no such folder: one line
    (pull_project.root / "state").mkdir()
    result, default_file = pull_project("growthbook", "--url", service.url, "--state", "state/flags.toml")
    assert (result.exit_code, default_file) == (0, None)
    assert (pull_project.root / "state" / "flags.toml").read_text(encoding="utf-8") == EXPECTED.replace("URL", service.url)


def test_429_waits_as_retry_after_says(service: ReplayService, pull_project) -> None:
    service.reply(FEATURES, {"message": "Too many requests"}, status=429, headers={"Retry-After": "1"}, once=True)
    serve_growthbook(service)
    started = time.monotonic()
    result, state = pull_project("growthbook", "--url", service.url)
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started >= 1.0
    assert [request.query["offset"] for request in service.requests] == [["0"], ["0"], ["2"]]
    assert state == EXPECTED.replace("URL", service.url)


def test_retry_after_may_be_an_http_date(service: ReplayService, pull_project) -> None:
    service.reply(FEATURES, {"message": "Too many requests"}, status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, once=True)
    serve_growthbook(service)
    result, _ = pull_project("growthbook", "--url", service.url)
    assert result.exit_code == 0, result.stderr
    assert [request.query["offset"] for request in service.requests] == [["0"], ["0"], ["2"]]  # a date gone by: at once


def test_a_retry_after_too_long_is_an_error_not_a_hang(service: ReplayService, pull_project, existing) -> None:
    service.reply(FEATURES, {"message": "Too many requests"}, status=429, headers={"Retry-After": "3600"})
    result, _ = pull_project("growthbook", "--url", service.url)
    assert result.exit_code == 2
    assert result.stderr == f"flagkeeper: error: {service.url}{FEATURES}?limit=100&offset=0: rate limited; the service asks to wait 3600 s (more than 60)\n"
    assert_untouched(existing)


def test_a_server_error_is_retried(service: ReplayService, pull_project) -> None:
    service.reply(FEATURES, {"message": "upstream"}, status=503, once=True)
    serve_growthbook(service)
    result, state = pull_project("growthbook", "--url", service.url)
    assert result.exit_code == 0, result.stderr
    assert len(service.requests) == 3


def test_a_refused_credential_names_the_variable(service: ReplayService, pull_project, existing) -> None:
    service.reply(FEATURES, {"message": "Invalid API key"}, status=401)
    result, _ = pull_project("growthbook", "--url", service.url)
    assert result.exit_code == 2
    assert result.stderr == (
        f"flagkeeper: error: {service.url}{FEATURES}?limit=100&offset=0: HTTP 401 Unauthorized: the service refused the credential: check GROWTHBOOK_API_KEY\n"
    )
    assert len(service.requests) == 1  # not retried
    assert_untouched(existing)


def test_a_body_that_is_not_json(service: ReplayService, pull_project, existing) -> None:
    service.reply(FEATURES, b"<html>maintenance</html>")
    result, _ = pull_project("growthbook", "--url", service.url)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"flagkeeper: error: {service.url}{FEATURES}?limit=100&offset=0: the response is not JSON (")
    assert result.stderr.count("\n") == 1
    assert_untouched(existing)


def test_a_response_of_the_wrong_shape_names_the_field(service: ReplayService, pull_project, existing) -> None:
    broken = growthbook_feature("x", "boolean", "false", {})
    del broken["id"]
    service.reply(FEATURES, {"features": [broken], "limit": 100, "offset": 0, "count": 1, "total": 1, "hasMore": False})
    result, _ = pull_project("growthbook", "--url", service.url)
    assert result.exit_code == 2
    assert result.stderr == f"flagkeeper: error: {service.url}{FEATURES}?limit=100&offset=0: unexpected response: features[0].id: is missing\n"
    assert_untouched(existing)


def test_a_next_page_on_another_host_is_not_followed(service: ReplayService, pull_project, existing, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAGSMITH_API_KEY", "ser.abc123")
    service.reply("/api/v1/projects/7/tags/", {"count": 0, "next": "https://collector.example/steal", "previous": None, "results": []})
    result, _ = pull_project("flagsmith", "--url", service.url, "--project", "7")
    assert result.exit_code == 2
    assert result.stderr == f"flagkeeper: error: https://collector.example/steal: the service links outside {service.url}; not followed\n"
    assert service.paths() == ["/api/v1/projects/7/tags/"]
    assert_untouched(existing)


def test_an_unreachable_service(pull_project, existing, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "ATTEMPTS", 2)
    closed = ReplayService()
    url = closed.url
    closed.close()
    result, _ = pull_project("growthbook", "--url", url)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"flagkeeper: error: {url}/api/v1/features: cannot reach the service: ")
    assert result.stderr.count("\n") == 1
    assert_untouched(existing)

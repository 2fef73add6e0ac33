"""The flag-service state as an input of a run: where it is found (`flag-state`), how long makes a
flag launched (`launched-days`), one-line errors for a bad file or setting, the run cache, and
what the lifecycle and the served-value helpers make of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flagkeeper.registry.lifecycle import Lifecycle
from flagkeeper.registry.model import Registry, load_registry
from flagkeeper.registry.served import code_default, reads_service, remove_command, same_value, value_argument
from flagkeeper.registry.servicestate import EnvironmentState, ServiceFlag, ServiceState
from tests.conftest import run, write_tree

APP = 'import ldclient\n\nif ldclient.get().variation("new-checkout", None, False):\n    pass\n'
STATE = (
    '[service]\nprovider = "launchdarkly"\n\n[flags.new-checkout.environments.production]\n'
    "on = true\nserved = true\nserved-since = 2026-05-20T00:00:00Z\n"
)
UTC = dt.timezone.utc


def codes(folder: Path, *args: str) -> list[str]:
    result = run(["check", ".", "--today", "2026-06-01", "--format", "json", *args], folder)
    assert result.exit_code in (0, 1), result.stderr
    return [finding["code"] for finding in result.json() if finding["code"].startswith("FK01") and finding["code"] != "FK012"]


def test_the_state_file_at_the_root_is_read_and_launched_days_moves_the_line(tmp_path: Path) -> None:
    folder = write_tree(tmp_path, {"app.py": APP, "flag-state.toml": STATE})
    assert codes(folder) == ["FK014"]  # 12 days
    assert codes(folder, "--config", "launched-days = 30") == ["FK018"]  # not launched yet: the default False differs
    (folder / "flagkeeper.toml").write_text("launched-days = 12\n")
    assert codes(folder) == ["FK014"]


def test_a_state_file_elsewhere_is_named_by_flag_state(tmp_path: Path) -> None:
    folder = write_tree(tmp_path, {"app.py": APP, "ops/state.toml": STATE, "flagkeeper.toml": 'flag-state = "ops/state.toml"\n'})
    assert codes(folder) == ["FK014"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"flag-state.toml": "[service\n"}, "flag-state.toml:1: invalid TOML"),
        ({"flag-state.toml": '[flags.x.environments.production]\non = "yes"\n'}, "flag-state.toml:2: flags.x.environments.production: on has the wrong type"),
        ({"flagkeeper.toml": 'flag-state = "ops/missing.toml"\n'}, "missing.toml: file not found"),
        ({"flagkeeper.toml": 'flag-state = "../state.toml"\n'}, "'flag-state' names '../state.toml', which leads outside the project root"),
        ({"flagkeeper.toml": 'launched-days = "a week"\n'}, "'launched-days' must be a number of days"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, files: dict[str, str], message: str) -> None:
    folder = write_tree(tmp_path / "project", {"app.py": APP, **files})
    result = run(["check", "."], folder)
    assert result.exit_code == 2
    assert result.stderr.startswith("flagkeeper: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr


def test_the_run_cache_sees_the_state_file_change(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "project", {"app.py": APP, "flag-state.toml": STATE})
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert codes(folder, *cache) == ["FK014"]
    (folder / "flag-state.toml").write_text(STATE.replace("served = true", "served = false"))
    assert codes(folder, *cache) == ["FK014"]  # now launched false: still FK014, with another value
    result = run(["check", ".", "--today", "2026-06-01", "--select", "FK014", *cache], folder)
    assert "--value false" in result.stdout
    (folder / "flag-state.toml").unlink()
    assert codes(folder, *cache) == []


def _lifecycle(served: object, since: dt.datetime | None, registry: Registry | None = None, today: dt.date = dt.date(2026, 6, 1)) -> Lifecycle:
    flag = ServiceFlag("f", environments={"production": EnvironmentState(True, served, since), "staging": EnvironmentState(True, served, since)})
    state = ServiceState("launchdarkly", "", {"f": flag})
    return Lifecycle(registry or load_registry(Path("no-such-flags.toml"), False), today, {"kill-switch": None}, service=state, launched_days=7)


def test_the_lifecycle_knows_the_value_of_a_launched_flag() -> None:
    stuck = _lifecycle(True, dt.datetime(2026, 5, 1, tzinfo=UTC)).stuck_value("f")
    assert stuck is not None and stuck.value is True and stuck.decided
    assert _lifecycle(True, dt.datetime(2026, 5, 30, tzinfo=UTC)).stuck_value("f") is None  # 2 days: may still go back
    assert _lifecycle(True, None).stuck_value("f") is None  # since when is not known
    assert _lifecycle("blue", dt.datetime(2026, 1, 1, tzinfo=UTC)).stuck_value("f") is None  # not a branch condition
    assert _lifecycle("blue", dt.datetime(2026, 1, 1, tzinfo=UTC)).launched("f") is not None


def test_kill_switches_are_never_launched_and_an_expired_flag_takes_the_served_value(tmp_path: Path) -> None:
    registry = tmp_path / "flags.toml"
    registry.write_text('[flags.f]\ntype = "kill-switch"\n')
    assert _lifecycle(False, dt.datetime(2026, 1, 1, tzinfo=UTC), load_registry(registry, True)).launched("f") is None
    registry.write_text('[flags.f]\ntype = "release"\nexpires = 2026-05-01\n')
    stuck = _lifecycle(True, dt.datetime(2026, 5, 30, tzinfo=UTC), load_registry(registry, True)).stuck_value("f")
    assert stuck is not None and stuck.value is True and stuck.decided and stuck.reason.startswith("expired on 2026-05-01 (the flag service")


def test_served_values_as_remove_takes_them() -> None:
    assert [value_argument(value) for value in (True, False, "blue", 3, 2.5, None, [1], {"a": 1})] == [
        "true", "false", "'\"blue\"'", "3", "2.5", "None", None, None,
    ]  # fmt: skip
    assert remove_command("it's", "o'clock") == "flagkeeper remove 'it'\"'\"'s' --value '\"o'\"'\"'clock\"'"
    assert remove_command("k", [1, 2]) is None


def test_code_defaults_are_parsed_never_run_and_compared_by_type() -> None:
    assert code_default("False") == (True, False) and code_default("'grey'") == (True, "grey")
    assert code_default("SAFE") == (False, None) and code_default("__import__('os').exit()") == (False, None)
    assert code_default(None) == (False, None)
    assert not same_value(True, 1) and not same_value(0, False) and same_value(3, 3.0) and same_value("a", "a")


def test_reads_through_another_vendor_or_no_service_are_not_the_services() -> None:
    assert reads_service("launchdarkly", "launchdarkly") and reads_service("openfeature", "launchdarkly")
    assert reads_service("house", "unleash")  # a project's own pack may wrap any service
    assert not reads_service("unleash", "launchdarkly") and not reads_service("env", "flagd") and not reads_service("django-waffle", "unleash")


def test_without_a_state_file_the_service_rules_are_skipped_and_say_why(tmp_path: Path) -> None:
    folder = write_tree(tmp_path, {"app.py": APP, "flagkeeper.toml": 'entry-points = ["app"]\n'})
    verbose = run(["check", ".", "--verbose"], folder).stderr
    assert "flagkeeper: rules skipped (no flag-service state): FK014, FK015, FK016, FK017, FK018\n" in verbose
    assert "no entry points" not in verbose
    junit = run(["check", ".", "--format", "junit"], folder).stdout
    assert junit.count('<skipped message="not run: no flag-service state (flag-state.toml, written by `flagkeeper pull`)" />') == 5
    (folder / "flag-state.toml").write_text(STATE)
    assert "rules skipped" not in run(["check", ".", "--verbose"], folder).stderr


def test_a_key_the_service_serves_is_judged_whichever_pack_matched_its_read(tmp_path: Path) -> None:
    """A wrapper named like another SDK's call (mitxonline's PostHog `features.is_enabled` matches
    the Unleash pack) still reads the service's key: FK014 judges it; FK015 does not judge such reads."""
    app = (
        'from UnleashClient import UnleashClient\n\nclient = UnleashClient("u", "a")\n'
        'if client.is_enabled("new-checkout"):\n    pass\nif client.is_enabled("other"):\n    pass\n'
    )
    folder = write_tree(tmp_path, {"app.py": app, "flag-state.toml": STATE.replace("launchdarkly", "posthog")})
    assert codes(folder) == ["FK014"]

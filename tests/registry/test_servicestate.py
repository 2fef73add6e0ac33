"""The flag-service state file: deterministic text, a faithful round trip, one-line errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flagkeeper.errors import FlagkeeperError
from flagkeeper.registry.servicestate import EnvironmentState, ServiceFlag, ServiceState, dump_state, load_state

UTC = dt.timezone.utc


def _state() -> ServiceState:
    launched = EnvironmentState(on=True, served=True, served_since=dt.datetime(2026, 10, 1, tzinfo=UTC))
    return ServiceState(
        provider="launchdarkly",
        source="https://app.launchdarkly.com project default",
        flags={
            "new-checkout": ServiceFlag("new-checkout", type="boolean", variations=(True, False), environments={"production": launched, "staging": launched}),
            "old.flag": ServiceFlag("old.flag", archived=True, archived_at=dt.datetime(2026, 2, 1, 3, 4, 5, 999, tzinfo=UTC)),
        },
    )


def test_the_text_is_sorted_and_round_trips(tmp_path: Path) -> None:
    text = dump_state(_state())
    assert text.index('[flags."old.flag"]') > text.index("[flags.new-checkout]")
    assert "archived-at = 2026-02-01T03:04:05Z" in text  # UTC, to the second
    path = tmp_path / "flag-state.toml"
    path.write_text(text)
    loaded = load_state(path)
    assert dump_state(loaded) == text
    assert loaded.flags["new-checkout"].served_everywhere() == (True, dt.datetime(2026, 10, 1, tzinfo=UTC))
    assert loaded.flags["old.flag"].served_everywhere() is None


def test_environments_that_disagree_serve_no_single_value() -> None:
    flag = ServiceFlag("k", environments={"production": EnvironmentState(on=True, served=True), "staging": EnvironmentState(on=False, served=False)})
    assert flag.served_everywhere() is None


def test_a_field_of_the_wrong_type_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "flag-state.toml"
    path.write_text('[service]\nprovider = "unleash"\n\n[flags.k]\ntype = "boolean"\nmaintainer = 3\n')
    with pytest.raises(FlagkeeperError) as caught:
        load_state(path)
    assert str(caught.value) == f"{path}:6: flags.k: maintainer has the wrong type"

"""A flag's lifecycle: status, expiry with default lifetimes, the value a dead flag is stuck at, kill switches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flagkeeper.config import DEFAULT_LIFETIMES
from flagkeeper.registry.lifecycle import FlagStatus, Lifecycle, StuckValue, default_expiry
from flagkeeper.registry.model import load_registry
from tests.conftest import write_tree

REGISTRY = """\
[flags.new-checkout]
owner = "payments"
type = "release"
created = 2026-01-10          # release: 40 days by default, so expires 2026-02-19

[flags.halt_trading]
owner = "trading-ops"
type = "kill-switch"
created = 2020-01-01          # permanent

[flags.dark-mode]
owner = "web"
type = "release"
expires = 2026-01-01
state = "on"                  # expired, but declared on: stuck at true

[flags.rlp]
owner = "routing"
type = "experiment"
expires = 2026-12-31

[retired.power_peg]
retired = 2003-06-30
meaning = "Power Peg"
"""


@pytest.fixture
def lifecycle(tmp_path: Path) -> Lifecycle:
    registry = load_registry(write_tree(tmp_path, {"flags.toml": REGISTRY}) / "flags.toml", required=True)
    return Lifecycle(registry, dt.date(2026, 6, 1), DEFAULT_LIFETIMES, flags_off=("rlp",))


def test_status_of_each_key(lifecycle: Lifecycle) -> None:
    statuses = {key: lifecycle.status(key) for key in ("new-checkout", "halt_trading", "dark-mode", "power_peg", "other")}
    assert statuses == {
        "new-checkout": FlagStatus.EXPIRED,
        "halt_trading": FlagStatus.ACTIVE,
        "dark-mode": FlagStatus.EXPIRED,
        "power_peg": FlagStatus.RETIRED,
        "other": FlagStatus.UNREGISTERED,
    }
    assert f"{FlagStatus.EXPIRED}" == str(FlagStatus.EXPIRED) == "expired"  # output shows the value


def test_expiry_falls_back_to_the_type_lifetime(lifecycle: Lifecycle) -> None:
    assert lifecycle.expiry("new-checkout") == dt.date(2026, 2, 19)
    assert lifecycle.expiry("halt_trading") is None
    assert lifecycle.lifetime_basis(lifecycle.registry.flags["new-checkout"]) == ", 40 days after it was created"
    assert lifecycle.lifetime_basis(lifecycle.registry.flags["rlp"]) == ""
    assert default_expiry("operational", dt.date(2026, 1, 1), {}) == dt.date(2026, 1, 8)
    assert default_expiry("release", dt.date(2026, 1, 1), {"release": None}) is None


def test_stuck_values_and_dead_guards(lifecycle: Lifecycle) -> None:
    assert lifecycle.stuck_value("new-checkout") == StuckValue(False, "expired on 2026-02-19", decided=False)
    assert lifecycle.stuck_value("dark-mode") == StuckValue(True, "declared on in flags.toml")
    assert lifecycle.stuck_value("rlp") == StuckValue(False, "declared off in the configuration")
    assert lifecycle.stuck_value("power_peg") == StuckValue(False, "retired on 2003-06-30 (Power Peg)")
    assert lifecycle.stuck_value("halt_trading") is None
    assert lifecycle.stuck_value(None) is None
    assert lifecycle.is_dead("power_peg", True) and not lifecycle.is_dead("power_peg", False)
    assert lifecycle.is_dead("dark-mode", False) and not lifecycle.is_dead("dark-mode", True)
    assert not lifecycle.is_dead("halt_trading", True) and not lifecycle.is_dead(None, True)


def test_kill_switches(lifecycle: Lifecycle) -> None:
    assert lifecycle.kill_switches == frozenset({"halt_trading"})

"""The SMARS showcase example (examples/smars_legacy) tells the 1 August 2012 story.

The fleet simulator runs as a subprocess, the way a reader runs it; the unit tests import the
example's `smars` package to show the two behaviours the story turns on: the slicer stops
when the cumulative-fill check says the parent is filled, and Power Peg never does.
"""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "smars_legacy"
STALE = "smars-08"


def simulate(*args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARS_")}
    result = subprocess.run(
        [sys.executable, "-m", "smars.simulate", "--json", *args],
        cwd=EXAMPLE, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def by_server(run: dict) -> dict:
    return {row["server"]: row for row in run["servers"]}


@pytest.fixture(scope="module")
def default_run() -> dict:
    return by_server(simulate())


@pytest.fixture(scope="module")
def killed_run() -> dict:
    return by_server(simulate("--kill-switch-at", "5"))


@pytest.fixture()
def smars():
    """The example's package, importable in this process; flag state reset afterwards."""
    sys.path.insert(0, str(EXAMPLE))
    try:
        from smars.flags import client

        client.reset()
        import smars

        yield smars
        client.reset()
    finally:
        sys.path.remove(str(EXAMPLE))


# --- the fleet -----------------------------------------------------------------------------


def test_eight_servers_and_one_stale_build(default_run):
    assert sorted(default_run) == [f"smars-{n:02d}" for n in range(1, 9)]
    builds = {row["build"] for name, row in default_run.items() if name != STALE}
    assert builds == {"2012.07.27-rlp"}
    assert default_run[STALE]["build"] == "2012.06.29-r4411"
    assert not default_run[STALE]["rlp_installed"]


def test_stale_server_runs_away(default_run):
    stale = default_run[STALE]["child_orders"]
    others = [row["child_orders"] for name, row in default_run.items() if name != STALE]
    assert all(stale >= 100 * count for count in others), (stale, others)
    assert max(others) <= 2 * min(others), others
    assert default_run[STALE]["shares"] > 100 * max(
        row["shares"] for name, row in default_run.items() if name != STALE
    )


def test_only_the_stale_server_builds_a_position(default_run):
    assert default_run[STALE]["long_value"] > 0 and default_run[STALE]["short_value"] > 0
    for name, row in default_run.items():
        assert row["stopped_at"] is None
        if name != STALE:
            assert row["net_position"] == 0
            assert row["power_peg_emails_before_open"] == 0
    assert default_run[STALE]["power_peg_emails_before_open"] == 97  # as in the SEC's record


def test_kill_switch_stops_every_server(default_run, killed_run):
    for name, row in killed_run.items():
        assert row["stopped_at"] == "09:35:00"
        assert row["refused_by_kill_switch"] > 0
        assert row["child_orders"] < default_run[name]["child_orders"]
        assert row["parent_orders"] == default_run[name]["parent_orders"]
    # the 97 pegs booked before the open all start at 09:30, so the first five minutes carry
    # about a ninth of the stale server's morning
    assert killed_run[STALE]["child_orders"] * 8 < default_run[STALE]["child_orders"]


def test_kill_switch_holds_the_count_flat():
    early = by_server(simulate("--minutes", "10", "--kill-switch-at", "5"))
    late = by_server(simulate("--minutes", "20", "--kill-switch-at", "5"))
    for name in early:
        assert early[name]["child_orders"] == late[name]["child_orders"]


def test_same_seed_same_output():
    first = simulate("--minutes", "10", "--seed", "7")
    assert simulate("--minutes", "10", "--seed", "7") == first
    assert simulate("--minutes", "10", "--seed", "8") != first


# --- the code underneath ---------------------------------------------------------------------


def test_cumulative_check_closes_a_filled_parent(smars):
    from smars.orders.cumulative import CumulativeTracker
    from smars.orders.parent import BUY, ParentOrder
    from smars.orders.state import OrderState

    parent = ParentOrder("01-000001", "BAC", BUY, 500, None, "RTL001", True, 34_200)
    parent.state = OrderState.NEW
    tracker = CumulativeTracker()
    tracker.record_fill(parent, 300, 73_400)
    assert tracker.check(parent) and tracker.leaves(parent) == 200
    tracker.record_fill(parent, 200, 73_500)
    assert not tracker.check(parent)
    assert parent.state is OrderState.FILLED


def test_slicer_stops_sending_when_the_parent_is_filled(smars):
    from smars.orders.parent import BUY, ParentOrder
    from smars.orders.state import OrderState
    from smars.session import ServerSession

    session = ServerSession("smars-03", seed=1)
    parent = ParentOrder("03-T00001", "GE", BUY, 3_000, None, "INS001", False, 34_200)
    session.load_orders([parent])
    session.advance_to(34_200 + 60)
    assert parent.state is OrderState.FILLED
    sent = session.exchange.orders_received
    session.advance_to(34_200 + 600)
    assert session.exchange.orders_received == sent
    assert session.positions.executed(parent.order_id) == 3_000
    assert session.positions.net_value() == 0


def test_power_peg_ignores_fills_on_the_stale_build(smars):
    from smars.config import build
    from smars.orders.parent import BUY, ParentOrder
    from smars.session import ServerSession

    session = ServerSession(STALE, seed=1)
    assert not build.has_component(build.RLP)
    parent = ParentOrder("08-T00001", "GE", BUY, 100, None, "RTL001", True, 34_200)
    session.load_orders([parent])
    session.advance_to(34_200 + 120)
    assert session.router.pegs_active == 1
    assert session.exchange.orders_received >= 100
    assert session.positions.executed(parent.order_id) > 50 * parent.quantity
    assert session.positions.net_value() > 0


def test_rlp_build_routes_the_same_order_to_rlp(smars):
    from smars.orders.parent import BUY, ParentOrder
    from smars.session import ServerSession

    session = ServerSession("smars-03", seed=1)
    parent = ParentOrder("03-T00002", "GE", BUY, 100, None, "RTL001", True, 34_200)
    session.load_orders([parent])
    session.advance_to(34_200 + 120)
    assert session.router.pegs_active == 0
    assert session.exchange.by_venue.get("NYRL") == 1
    assert session.exchange.orders_received <= 3

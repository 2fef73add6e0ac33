"""The SMARS showcase: flagkeeper finds each cause of the Knight Capital collapse.

The golden files hold the exact output; a finding that appears or disappears fails the test.
"""

from __future__ import annotations

import pytest

from tests.conftest import REPO, assert_golden, run

COMMAND = ["check", "examples/smars_legacy", "--today", "2012-08-01"]


def test_check_text_output_is_golden() -> None:
    result = run(COMMAND, REPO)
    assert result.exit_code == 1
    assert_golden("smars_legacy_check.txt", result.stdout)


def test_check_json_output_is_golden() -> None:
    result = run([*COMMAND, "--format", "json"], REPO)
    assert_golden("smars_legacy_check.json", result.stdout)


def test_every_registry_debt_rule_fires_where_the_story_puts_it() -> None:
    findings = run([*COMMAND, "--format", "json"], REPO).json()
    found = {(f["code"], f["path"].removeprefix("examples/smars_legacy/"), f["key"]) for f in findings}
    assert {
        ("FK003", "smars/rlp/rlp_router.py", "peg_enabled"),  # the RLP release reused Power Peg's key
        ("FK003", "smars/routing/router.py", "peg_enabled"),  # ... which the dormant Power Peg branch still reads
        ("FK008", "flags.toml", "peg_enabled"),  # registered again after its tombstone
        ("FK008", "flags.toml", "legacy_odd_lot_router"),  # nobody owns it
        ("FK002", "smars/routing/slicing.py", "odd_lot_sweep"),  # expired in 2011, still in code
        ("FK001", "smars/routing/venues.py", "nyse_lrp_cap"),  # never registered
        ("FK005", "flags.toml", "arca_midpoint_peg"),  # registered, read by nothing
        ("FK009", "smars/routing/venues.py", None),  # a key built at run time
        ("FK006", "smars/venues/island_ecn.py", None),  # an old venue adapter nothing imports
        ("FK006", "smars/reports/eod_blotter.py", None),  # an old report generator nothing imports
        ("FK007", "smars/algos/power_peg.py", "peg_enabled"),  # Power Peg: reachable only behind the retired key
        ("FK010", "smars/routing/child_orders.py", None),  # no kill switch on the way to the venue
        ("FK004", "smars/routing/router.py", "peg_enabled"),  # the RLP key read by Power Peg's branch
    } <= found
    # The RLP code's key comes through a constant imported from smars.flags.names: it resolves.
    assert not any(f["code"] == "FK009" and "PEG_ENABLED" in f["message"] for f in findings)


def test_inventory_resolves_the_imported_constant() -> None:
    flags = {flag["key"]: flag for flag in run(["inventory", "examples/smars_legacy", "--format", "json"], REPO).json()["flags"]}
    reads = sorted((ref["path"].rsplit("/", 1)[-1], ref["guard"]) for ref in flags["peg_enabled"]["references"] if ref["kind"] == "python")
    assert reads == [("rlp_router.py", "if"), ("router.py", "elif")]
    assert flags["peg_enabled"]["status"] == "retired"


def test_zombie_and_kill_switch_messages_tell_the_story() -> None:
    findings = run([*COMMAND, "--format", "json"], REPO).json()
    (peg,) = [f for f in findings if f["code"] == "FK007" and f["path"].endswith("power_peg.py")]
    assert "retired on 2003-06-30 (Power Peg" in peg["message"]
    assert "smars.main -> smars.session -> smars.routing.router -> smars.algos.power_peg" in peg["message"]
    (kill,) = [f for f in findings if f["code"] == "FK010"]
    assert kill["line"] == 18 and kill["message"].startswith("critical function smars.routing.child_orders.send_child_order")
    assert "kill-switch flags are read only in smars.admin.console.AdminConsole.cmd_killswitch" in kill["message"]


def test_fk004_names_both_meanings() -> None:
    findings = run([*COMMAND, "--format", "json"], REPO).json()
    (finding,) = [f for f in findings if f["code"] == "FK004"]
    assert "in scope at smars/rlp/rlp_router.py:31, outside it at smars/routing/router.py:67" in finding["message"]
    assert finding["message"].endswith("when it meant: Power Peg: re-peg child orders until the parent order is filled")


@pytest.mark.parametrize(
    ("output_format", "golden"),
    [("sarif", "smars_legacy.sarif"), ("github", "smars_legacy.github"), ("junit", "smars_legacy.junit.xml"), ("gitlab", "smars_legacy.gitlab.json")],
)
def test_ci_formats_from_the_command_line_are_golden(output_format: str, golden: str) -> None:
    result = run([*COMMAND, "--format", output_format], REPO)
    assert result.exit_code == 1
    assert_golden(golden, result.stdout)


def test_check_with_the_fleet_reports_the_stale_server_in_sarif() -> None:
    result = run([*COMMAND, "--fleet", "examples/smars_legacy/deploy/servers", "--select", "FK011", "--format", "sarif"], REPO)
    results = result.json()["runs"][0]["results"]
    assert result.exit_code == 1 and [r["ruleId"] for r in results] == ["FK011", "FK011"]
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("smars-08.toml") for r in results)
    assert "the enabled flag 'peg_enabled' means something else than on the other 7 servers" in results[1]["message"]["text"]

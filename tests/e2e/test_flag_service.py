"""The flag service joined to the code (issue 20): a shop whose flag-state.toml, as `flagkeeper
pull` writes it, has one planted case per rule. Each rule fires exactly there, the report's
suggested commands carry the values the service serves, and running them leaves code that
compiles and passes the shop's own tests."""

from __future__ import annotations

import compileall
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run

SHOP = FIXTURES / "service"
TODAY = "2026-12-01"
SERVICE_CODES = ("FK014", "FK015", "FK016", "FK017", "FK018")


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SHOP, tmp_path / "shop"))


def service_findings(folder: Path) -> list[tuple[str, str, int, str]]:
    result = run(["check", ".", "--today", TODAY, "--format", "json"], folder)
    assert result.exit_code in (0, 1), result.stderr
    return [(d["code"], d["path"], d["line"], d["key"]) for d in result.json() if d["code"] in SERVICE_CODES]


def shop_tests(folder: Path) -> subprocess.CompletedProcess[str]:
    """The shop's own tests, by path (flagkeeper's test run does not collect them), in a fresh interpreter."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "shop_tests/check_shop.py"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False, timeout=300)


def test_each_rule_fires_exactly_on_its_planted_case(shop: Path) -> None:
    assert service_findings(shop) == [
        ("FK016", "flag-state.toml", 42, "holiday-banner"),  # in the service, read by nothing
        ("FK017", "flag-state.toml", 89, "peg-enabled"),  # retired in flags.toml, created again in the service
        ("FK015", "shop/banner.py", 7, "old-banner"),  # archived in the service, still read
        ("FK014", "shop/checkout.py", 9, "new-checkout"),  # served true everywhere for 91 days
        ("FK018", "shop/orders.py", 7, "halt-orders"),  # kill switch served false, defaults to True in code
        ("FK015", "shop/orders.py", 9, "rlp-routing"),  # not defined in the service
        ("FK014", "shop/theme.py", 7, "button-colour"),  # served "blue" everywhere for 61 days
    ]


def test_without_the_state_file_the_service_rules_say_nothing(shop: Path) -> None:
    (shop / "flag-state.toml").unlink()
    assert service_findings(shop) == []


def test_a_launched_flag_makes_the_code_of_its_other_value_zombie(shop: Path) -> None:
    found = run(["check", ".", "--today", TODAY, "--select", "FK007", "--format", "json"], shop).json()
    assert [(d["path"], d["severity"]) for d in found] == [("shop/legacy_checkout.py", "error")]
    assert "which is launched (the flag service has served true in every environment since 2026-09-01 (91 days))" in found[0]["message"]


def test_the_report_suggests_the_served_values_and_never_guesses(shop: Path) -> None:
    report = run(["report", ".", "--today", TODAY, "--format", "json"], shop).json()
    removals = {flag["key"]: action for flag in report["flags"] for action in flag["actions"] if action["kind"] == "remove"}
    assert {key: action["command"] for key, action in removals.items()} == {
        "button-colour": "flagkeeper remove button-colour --value '\"blue\"'",
        "new-checkout": "flagkeeper remove new-checkout --value true",
        "recs-v3": "decide the value it keeps, then `flagkeeper remove recs-v3 --value VALUE`",
        "search-v2": "flagkeeper remove search-v2 --value true",
    }
    assert removals["search-v2"]["reason"] == (
        "expired on 2026-10-31 (the flag service has served true in every environment since 2026-11-28 (3 days))"
    )
    assert removals["recs-v3"]["reason"] == "expired on 2026-10-31; the flag service serves no single value in every environment"
    markdown = run(["report", ".", "--today", TODAY, "--format", "markdown"], shop).stdout
    assert "`flagkeeper remove new-checkout --value true` — launched (the flag service has served true" in markdown


def test_the_suggested_removals_leave_code_that_compiles_and_passes_its_tests(shop: Path) -> None:
    assert shop_tests(shop).returncode == 0
    report = run(["report", ".", "--today", TODAY, "--format", "json"], shop).json()
    commands = [action["command"] for flag in report["flags"] for action in flag["actions"] if action["kind"] == "remove"]
    for command in commands:
        if command.startswith("flagkeeper remove "):
            result = run([*shlex.split(command)[1:], "--write"], shop)
            assert result.exit_code == 0, result.stderr
    assert (shop / "shop" / "theme.py").read_text(encoding="utf-8").endswith('    return "blue"\n')
    assert "ldclient" not in (shop / "shop" / "checkout.py").read_text(encoding="utf-8")
    assert compileall.compile_dir(shop / "shop", quiet=1, force=True)
    outcome = shop_tests(shop)
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    # No launched flag is read any more: what is left to do is archiving them in the service.
    after = {(code, key) for code, _, _, key in service_findings(shop)}
    assert {key for code, key in after if code == "FK016"} == {"holiday-banner", "new-checkout", "button-colour", "search-v2"}
    assert {code for code, _ in after} == {"FK015", "FK016", "FK017", "FK018"}


def test_the_removal_with_the_other_value_fails_the_shops_tests(shop: Path) -> None:
    """The shop's tests can tell: keeping the value the service does not serve breaks them."""
    assert run(["remove", "new-checkout", "--value", "false", "--write"], shop).exit_code == 0
    assert shop_tests(shop).returncode == 1

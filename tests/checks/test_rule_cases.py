"""Every rule's own cases, each its own test: a VALID case gives no finding of the rule, an INVALID
case exactly the findings it states (place, code and message), as `flagkeeper check` prints them."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.runner import ALL_RULES, REACHABILITY_CODES, WHOLE_PROGRAM_CODES, registry_rules
from tests.conftest import run

CASES = [
    pytest.param(rule, case, id=f"{rule.code}-{kind}-{number}")
    for rule in ALL_RULES
    for kind, cases in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for number, case in enumerate(cases, start=1)
]


def findings(rule: Rule, case: Case, folder: Path) -> list[str]:
    """The rule's findings on the case, as `path:line:col: CODE message` lines."""
    result = run(["check", ".", "--today", case.today, "--format", "json", *case.args], case.write(folder))
    assert result.exit_code in (0, 1), result.stderr
    return [f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}" for f in result.json() if f["code"] == rule.code]


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_case(rule: Rule, case: Case, tmp_path: Path) -> None:
    assert findings(rule, case, tmp_path) == list(case.expect)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_rule_is_documented_and_proven(rule: Rule) -> None:
    assert rule.code.startswith("FK") and len(rule.code) == 5
    assert rule.name and rule.summary and rule.why and rule.fix
    assert rule.severity in ("error", "warning")
    assert len(rule.VALID) >= 2 and len(rule.INVALID) >= 2
    assert all(not case.expect for case in rule.VALID)
    assert all(case.expect and all(f": {rule.code} " in line for line in case.expect) for case in rule.INVALID)


def test_codes_are_unique() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))


def test_the_runner_derives_its_rule_sets_from_what_rules_declare() -> None:
    assert REACHABILITY_CODES == ("FK006", "FK007", "FK010")
    assert WHOLE_PROGRAM_CODES == ("FK004", "FK005", "FK006", "FK007", "FK010", "FK013", "FK016", "FK019")
    assert [rule.code for rule in registry_rules()] == ["FK008"]
    assert [rule.code for rule in ALL_RULES if rule.needs == {Need.REGISTRY}] == ["FK008"]

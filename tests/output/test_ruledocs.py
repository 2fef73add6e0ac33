"""docs/rules/CODE.md is generated from each rule, examples and real output included: they cannot drift.

FLAGKEEPER_UPDATE_GOLDEN=1 rewrites the pages (review the diff)."""

from __future__ import annotations

import os

import pytest

from flagkeeper.checks.base import Rule
from flagkeeper.checks.runner import ALL_RULES
from flagkeeper.output.ruledocs import case_findings, rule_markdown
from tests.conftest import REPO, run

DOCS = REPO / "docs" / "rules"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_rule_page_is_generated_from_the_rule(rule: Rule) -> None:
    page = DOCS / f"{rule.code}.md"
    expected = rule_markdown(rule)
    if os.environ.get("FLAGKEEPER_UPDATE_GOLDEN") == "1":
        page.write_text(expected, encoding="utf-8")
    assert page.read_text(encoding="utf-8") == expected
    assert f": {rule.code} " in expected  # the firing example's real output names the rule


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_the_page_shows_what_the_first_invalid_case_expects(rule: Rule) -> None:
    case = rule.INVALID[0]
    assert [f"{d.path.as_posix()}:{d.line}:{d.column}: {d.code} {d.message}" for d in case_findings(rule, case)] == list(case.expect)


def test_no_page_without_a_rule() -> None:
    assert sorted(path.stem for path in DOCS.glob("*.md")) == sorted(rule.code for rule in ALL_RULES)


def test_rule_command() -> None:
    assert run(["rule", "FK003"], REPO).stdout == (DOCS / "FK003.md").read_text()
    assert run(["rule", "zombie-code"], REPO).stdout.startswith("# FK007 zombie-code")
    listing = run(["rule", "--all"], REPO).stdout.splitlines()
    assert [line.split()[0] for line in listing] == [rule.code for rule in ALL_RULES]
    unknown = run(["rule", "FK999"], REPO)
    assert unknown.exit_code == 2 and "unknown rule 'FK999'" in unknown.stderr

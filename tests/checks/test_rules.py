"""Every rule's own examples: the firing one must report the rule, the passing one must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagkeeper.checks.base import Example, Rule
from flagkeeper.checks.runner import ALL_RULES
from tests.conftest import run, write_tree


def _codes_reported(example: Example, folder: Path) -> list[str]:
    write_tree(folder, example.files)
    result = run(["check", ".", "--today", example.today, "--format", "json", *example.args], folder)
    assert result.exit_code in (0, 1), result.stderr
    return [finding["code"] for finding in result.json()]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_firing_example_fires(rule: Rule, tmp_path: Path) -> None:
    assert rule.code in _codes_reported(rule.fires, tmp_path)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_passing_example_passes(rule: Rule, tmp_path: Path) -> None:
    assert rule.code not in _codes_reported(rule.passes, tmp_path)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_rule_is_documented(rule: Rule) -> None:
    assert rule.code.startswith("FK") and len(rule.code) == 5
    assert rule.name and rule.summary and rule.why and rule.fix
    assert rule.severity in ("error", "warning")


def test_codes_are_unique() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))

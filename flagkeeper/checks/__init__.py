"""The checks: one small rule per module, each from the project model to diagnostics."""

from __future__ import annotations

from flagkeeper.checks.base import Rule
from flagkeeper.checks.fk000_parse_error import ParseErrorRule
from flagkeeper.checks.fk001_unregistered_flag import UnregisteredFlagRule
from flagkeeper.checks.fk002_expired_flag import ExpiredFlagRule
from flagkeeper.checks.fk003_retired_key_reused import RetiredKeyReusedRule
from flagkeeper.checks.fk005_unused_flag import UnusedFlagRule
from flagkeeper.checks.fk008_registry_hygiene import RegistryHygieneRule
from flagkeeper.checks.fk009_dynamic_flag_key import DynamicFlagKeyRule
from flagkeeper.diagnostics import Diagnostic
from flagkeeper.errors import FlagkeeperError
from flagkeeper.model import Project

ALL_RULES: tuple[Rule, ...] = (
    ParseErrorRule(),
    UnregisteredFlagRule(),
    ExpiredFlagRule(),
    RetiredKeyReusedRule(),
    UnusedFlagRule(),
    RegistryHygieneRule(),
    DynamicFlagKeyRule(),
)


def _matching(selector: str, option: str) -> set[str]:
    """Codes a selector names: a full code, a prefix like `FK00`, or `ALL` (as in ruff)."""
    codes = {rule.code for rule in ALL_RULES if selector == "ALL" or rule.code.startswith(selector.upper())}
    if not codes:
        known = ", ".join(rule.code for rule in ALL_RULES)
        raise FlagkeeperError(f"unknown rule code '{selector}' in {option} (known: {known})")
    return codes


def select_rules(select: tuple[str, ...], ignore: tuple[str, ...]) -> list[Rule]:
    """The active rules: all, or those `select` names, minus those `ignore` names."""
    chosen = set().union(*(_matching(code, "select") for code in select)) if select else {rule.code for rule in ALL_RULES}
    for code in ignore:
        chosen -= _matching(code, "ignore")
    return [rule for rule in ALL_RULES if rule.code in chosen]


def run_checks(project: Project, rules: list[Rule]) -> list[Diagnostic]:
    return sorted(diagnostic for rule in rules for diagnostic in rule.check(project))

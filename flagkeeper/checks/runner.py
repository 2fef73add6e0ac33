"""The checks: one small rule per module, each from the project model to diagnostics."""

from __future__ import annotations

from pathlib import Path

import msgspec

from flagkeeper.analysis.discovery import matches_glob
from flagkeeper.checks.base import Need, RegistryRule, Rule
from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.checks.fk000_parse_error import ParseErrorRule
from flagkeeper.checks.fk001_unregistered_flag import UnregisteredFlagRule
from flagkeeper.checks.fk002_expired_flag import ExpiredFlagRule
from flagkeeper.checks.fk003_retired_key_reused import RetiredKeyReusedRule
from flagkeeper.checks.fk004_flag_multiple_meanings import FlagMultipleMeaningsRule
from flagkeeper.checks.fk005_unused_flag import UnusedFlagRule
from flagkeeper.checks.fk006_unreachable_module import UnreachableModuleRule
from flagkeeper.checks.fk007_zombie_code import ZombieCodeRule
from flagkeeper.checks.fk008_registry_hygiene import RegistryHygieneRule
from flagkeeper.checks.fk009_dynamic_flag_key import DynamicFlagKeyRule
from flagkeeper.checks.fk010_missing_kill_switch import MissingKillSwitchRule
from flagkeeper.checks.fk011_fleet_drift import FleetDriftRule
from flagkeeper.checks.fk012_stale_override import StaleOverrideRule
from flagkeeper.checks.fk013_alert_only_handler import AlertOnlyHandlerRule
from flagkeeper.checks.fk014_launched_flag import LaunchedFlagRule
from flagkeeper.checks.fk015_unknown_to_service import UnknownToServiceRule
from flagkeeper.checks.fk016_unread_service_flag import UnreadServiceFlagRule
from flagkeeper.checks.fk017_retired_key_in_service import RetiredKeyInServiceRule
from flagkeeper.checks.fk018_default_differs_from_served import DefaultDiffersFromServedRule
from flagkeeper.checks.fk019_silent_flag_fallback import SilentFlagFallbackRule
from flagkeeper.checks.fk100_unused_suppression import UnusedSuppressionRule
from flagkeeper.checks.suppress import apply_suppressions
from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import relative_path
from flagkeeper.project.model import Project

ALL_RULES: tuple[Rule, ...] = (
    ParseErrorRule(),
    UnregisteredFlagRule(),
    ExpiredFlagRule(),
    RetiredKeyReusedRule(),
    FlagMultipleMeaningsRule(),
    UnusedFlagRule(),
    UnreachableModuleRule(),
    ZombieCodeRule(),
    RegistryHygieneRule(),
    DynamicFlagKeyRule(),
    MissingKillSwitchRule(),
    FleetDriftRule(),
    StaleOverrideRule(),
    AlertOnlyHandlerRule(),
    LaunchedFlagRule(),
    UnknownToServiceRule(),
    UnreadServiceFlagRule(),
    RetiredKeyInServiceRule(),
    DefaultDiffersFromServedRule(),
    SilentFlagFallbackRule(),
    UnusedSuppressionRule(),
)


def codes_named(selector: str) -> set[str]:
    """Codes a selector names: a full code, a prefix like `FK00`, or `ALL` (as in ruff)."""
    return {rule.code for rule in ALL_RULES if selector == "ALL" or rule.code.startswith(selector.upper())}


def validate_codes(selectors: tuple[str, ...], option: str, source: Path | None = None) -> None:
    """Every selector names at least one rule; the error says where the bad one was written."""
    for selector in selectors:
        if not codes_named(selector):
            known = ", ".join(rule.code for rule in ALL_RULES)
            raise FlagkeeperError(f"unknown rule code '{selector}' in {option} (known: {known})", source)


def select_rules(select: tuple[str, ...], ignore: tuple[str, ...]) -> list[Rule]:
    """The active rules: all, or those `select` names, minus those `ignore` names."""
    chosen = set().union(*map(codes_named, select)) if select else {rule.code for rule in ALL_RULES}
    for code in ignore:
        chosen -= codes_named(code)
    return [rule for rule in ALL_RULES if rule.code in chosen]


def _ignored_per_file(diagnostic: Diagnostic, project: Project) -> bool:
    """Does a `per-file-ignores` glob matching the finding's file name its code (or a prefix)?"""
    relative = relative_path(diagnostic.path, project.config.root)
    return any(
        matches_glob(relative, (pattern,)) and any(diagnostic.code.startswith(code) or code == "ALL" for code in codes)
        for pattern, codes in project.config.per_file_ignores.items()
    )


# Rules that judge reachability from the entry points, and so need some.
REACHABILITY_CODES = tuple(rule.code for rule in ALL_RULES if Need.ENTRY_POINTS in rule.needs)
# Rules whose findings a change anywhere can cause: `--since` compares them with the base revision's.
WHOLE_PROGRAM_CODES = tuple(rule.code for rule in ALL_RULES if rule.whole_program)


def registry_rules() -> list[RegistryRule]:
    """The rules that need nothing but the registry, which `registry validate` runs on a flags.toml alone."""
    return [rule for rule in ALL_RULES if isinstance(rule, RegistryRule)]


def rules_that_run(project: Project, rules: list[Rule]) -> list[Rule]:
    """The selected rules that can judge this project: reachability needs entry points, the
    flag-service rules a state file."""
    missing = set() if project.entry_points else {Need.ENTRY_POINTS}
    missing |= set() if project.service is not None else {Need.SERVICE}
    return [rule for rule in rules if not rule.needs & missing]


def run_checks(project: Project, rules: list[Rule], warn_unused_ignores: bool = False) -> list[Diagnostic]:
    """Every active rule's findings, less those per-file-ignores and inline suppressions hide."""
    rules = rules_that_run(project, rules)
    found = [diagnostic for rule in rules for diagnostic in rule.check(project) if not _ignored_per_file(diagnostic, project)]
    by_path = {project.config.root / facts.path: facts.suppressions for facts in project.files if facts.suppressions}
    by_path[project.registry.path] = project.registry.suppressions
    kept, used = apply_suppressions(found, by_path)
    judge = next((rule for rule in rules if isinstance(rule, UnusedSuppressionRule)), None)
    if warn_unused_ignores and judge is not None:
        kept += judge.unused(by_path, used, {rule.code for rule in rules})
    return sorted(kept)


class CheckRun(msgspec.Struct, frozen=True):
    """What `check` needs of a run of the rules, small enough to cache whole."""

    diagnostics: list[Diagnostic]
    ran: tuple[str, ...]  # the codes of the rules that could judge (reachability needs entry points)
    has_entry_points: bool
    files: int


def check_project(project: Project, rules: list[Rule], warn_unused_ignores: bool = False) -> CheckRun:
    """run_checks, or its result from the cache when every input is as in an earlier run."""
    cache, fingerprint = project.scanned.cache, project.fingerprint()
    key = cache.key(fingerprint, *(rule.code for rule in rules), str(warn_unused_ignores)) if cache and fingerprint else None
    found = cache.run(key, CheckRun) if cache and key else None
    if found is None:
        ran = tuple(rule.code for rule in rules_that_run(project, rules))
        found = CheckRun(run_checks(project, rules, warn_unused_ignores), ran, bool(project.entry_points), len(project.files))
        if cache and key and cache.unchanged_since_read():  # a file edited meanwhile: its findings are not those of its digest
            cache.save_run(key, found)
    return found

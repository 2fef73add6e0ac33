"""A rule's documentation, generated from the rule itself: what `flagkeeper rule CODE` prints and
docs/rules/CODE.md holds. The firing example's output is flagkeeper's real output on it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

import click

from flagkeeper.checks.base import Case, Rule
from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.checks.runner import ALL_RULES, run_checks
from flagkeeper.config import load_config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.output.text import render_text
from flagkeeper.paths import relative_path
from flagkeeper.project.model import ProjectInputs, build_project

_LANGUAGE = {".py": "python", ".toml": "toml", ".ts": "ts"}


def find_rule(code: str) -> Rule:
    for rule in ALL_RULES:
        if rule.code == code.upper() or rule.name == code.lower():
            return rule
    raise FlagkeeperError(f"unknown rule '{code}' (known: {', '.join(rule.code for rule in ALL_RULES)})")


def case_findings(rule: Rule, case: Case) -> list[Diagnostic]:
    """What `flagkeeper check` finds for `rule` on the case's project, with paths relative to its root."""
    with tempfile.TemporaryDirectory() as scratch:
        root = case.write(Path(scratch).resolve())
        fleet = tuple(root / value for option, value in zip(case.args, case.args[1:], strict=False) if option == "--fleet")
        project = build_project([root], load_config([root]), dt.date.fromisoformat(case.today), ProjectInputs(fleet=fleet))
        found = run_checks(project, list(ALL_RULES), "--warn-unused-ignores" in case.args)
        return [dataclasses.replace(d, path=Path(relative_path(d.path, root))) for d in found if d.code == rule.code]


def _files(case: Case) -> list[str]:
    lines = []
    for name, text in case.files.items():
        lines += [f"`{name}`:", "", f"```{_LANGUAGE.get(Path(name).suffix, '')}", text.rstrip("\n"), "```", ""]
    return lines


def rule_markdown(rule: Rule) -> str:
    invalid, valid = rule.INVALID[0], rule.VALID[0]
    options = f" {' '.join(invalid.args)}" if invalid.args else ""
    output = click.unstyle(render_text(case_findings(rule, invalid))).rstrip("\n")
    lines = [
        f"# {rule.code} {rule.name}", "", rule.summary, "", f"Default severity: **{rule.severity}**.", "",
        "## Why it matters", "", rule.why, "",
        "## Example that fires", "", *_files(invalid),
        f"`flagkeeper check --today {invalid.today}{options}` says:", "", "```", output, "```", "",
        "## Example that does not fire", "", *_files(valid),
        "## How to fix it", "", rule.fix, "",
        *(["## Measured on real code", "", rule.measured, ""] if rule.measured else []),
        f"Suppress one finding with `# flagkeeper: ignore[{rule.code}]` on its line (or the first line of its statement).",
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def rules_index() -> str:
    width = max(len(rule.name) for rule in ALL_RULES)
    return "\n".join(f"{rule.code}  {rule.name.ljust(width)}  {rule.severity:<7}  {rule.summary}" for rule in ALL_RULES) + "\n"

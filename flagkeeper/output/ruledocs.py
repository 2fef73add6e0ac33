"""A rule's documentation, generated from the rule itself: what `flagkeeper rule CODE` prints and
docs/rules/CODE.md holds. The firing example's output is flagkeeper's real output on it."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click

from flagkeeper.checks.base import Example, Rule
from flagkeeper.checks.runner import ALL_RULES, run_checks
from flagkeeper.config import load_config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.output.text import render_text
from flagkeeper.project.model import ProjectInputs, build_project

_LANGUAGE = {".py": "python", ".toml": "toml", ".ts": "ts"}


def find_rule(code: str) -> Rule:
    for rule in ALL_RULES:
        if rule.code == code.upper() or rule.name == code.lower():
            return rule
    raise FlagkeeperError(f"unknown rule '{code}' (known: {', '.join(rule.code for rule in ALL_RULES)})")


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def example_output(rule: Rule, example: Example) -> str:
    """What `flagkeeper check` prints for `rule` on the example project, run in a scratch folder."""
    with tempfile.TemporaryDirectory() as scratch, _inside(Path(scratch)):
        root = Path(scratch).resolve()
        for name, text in {"flagkeeper.toml": "", **example.files}.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        fleet = tuple(root / value for option, value in zip(example.args, example.args[1:], strict=False) if option == "--fleet")
        project = build_project([root], load_config([root]), dt.date.fromisoformat(example.today), ProjectInputs(fleet=fleet))
        warn = "--warn-unused-ignores" in example.args
        found = [d for d in run_checks(project, list(ALL_RULES), warn) if d.code == rule.code]
        return click.unstyle(render_text(found))


def _files(example: Example) -> list[str]:
    lines = []
    for name, text in example.files.items():
        lines += [f"`{name}`:", "", f"```{_LANGUAGE.get(Path(name).suffix, '')}", text.rstrip("\n"), "```", ""]
    return lines


def rule_markdown(rule: Rule) -> str:
    options = f" {' '.join(rule.fires.args)}" if rule.fires.args else ""
    lines = [
        f"# {rule.code} {rule.name}", "", rule.summary, "", f"Default severity: **{rule.severity}**.", "",
        "## Why it matters", "", rule.why, "",
        "## Example that fires", "", *_files(rule.fires),
        f"`flagkeeper check --today {rule.fires.today}{options}` says:", "", "```", example_output(rule, rule.fires).rstrip("\n"), "```", "",
        "## Example that does not fire", "", *_files(rule.passes),
        "## How to fix it", "", rule.fix, "",
        f"Suppress one finding with `# flagkeeper: ignore[{rule.code}]` on its line (or the first line of its statement).",
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def rules_index() -> str:
    width = max(len(rule.name) for rule in ALL_RULES)
    return "\n".join(f"{rule.code}  {rule.name.ljust(width)}  {rule.severity:<7}  {rule.summary}" for rule in ALL_RULES) + "\n"

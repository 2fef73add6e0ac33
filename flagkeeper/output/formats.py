"""`check --format`: the name of each findings format and the one call that renders it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from flagkeeper.checks.base import Rule
from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.output.github import render_github
from flagkeeper.output.gitlab import render_gitlab
from flagkeeper.output.json import render_json
from flagkeeper.output.junit import render_junit
from flagkeeper.output.sarif import render_sarif
from flagkeeper.output.text import render_text

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")


def render_findings(output_format: str, diagnostics: list[Diagnostic], rules: Sequence[Rule], files: int, root: Path) -> str:
    """The findings in one of FORMATS; `rules` are the rules that ran (SARIF and JUnit list them), `root` the project root."""
    renderers: dict[str, Callable[[], str]] = {
        "text": lambda: render_text(diagnostics, files),
        "json": lambda: render_json(diagnostics),
        "sarif": lambda: render_sarif(diagnostics, rules, root),
        "github": lambda: render_github(diagnostics),
        "junit": lambda: render_junit(diagnostics, rules),
        "gitlab": lambda: render_gitlab(diagnostics, root),
    }
    return renderers[output_format]()

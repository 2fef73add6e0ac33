"""`check --output-format`: the name of each findings format and the one call that renders it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from flagkeeper.checks.base import Rule
from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.output.full import render_full
from flagkeeper.output.github import render_github
from flagkeeper.output.gitlab import render_gitlab
from flagkeeper.output.json import render_json
from flagkeeper.output.jsonlines import render_json_lines
from flagkeeper.output.junit import render_junit
from flagkeeper.output.rdjson import render_rdjson
from flagkeeper.output.sarif import render_sarif
from flagkeeper.output.text import render_text

# `text` is `concise` without the severity: the format of earlier releases, kept for scripts that read it.
TEXT_FORMATS = ("full", "concise", "text")  # for a person: a summary line at the end
FORMATS = ("full", "concise", "text", "json", "json-lines", "sarif", "github", "junit", "gitlab", "rdjson")


def render_findings(
    output_format: str, diagnostics: list[Diagnostic], rules: Sequence[Rule], files: int, root: Path,
    skipped: Sequence[Rule] = (), hidden: int = 0,
) -> str:  # fmt: skip
    """The findings in one of FORMATS; `rules` are the rules that ran (SARIF and JUnit list them), `root` the project root,
    `skipped` the selected rules that could not run (JUnit), `hidden` how many findings the baseline hid (text formats)."""
    renderers: dict[str, Callable[[], str]] = {
        "full": lambda: render_full(diagnostics, rules, files, hidden),
        "concise": lambda: render_text(diagnostics, files, hidden, severity=True),
        "text": lambda: render_text(diagnostics, files, hidden),
        "json": lambda: render_json(diagnostics),
        "json-lines": lambda: render_json_lines(diagnostics),
        "sarif": lambda: render_sarif(diagnostics, rules, root),
        "github": lambda: render_github(diagnostics),
        "junit": lambda: render_junit(diagnostics, rules, skipped),
        "gitlab": lambda: render_gitlab(diagnostics, root),
        "rdjson": lambda: render_rdjson(diagnostics),
    }
    return renderers[output_format]()

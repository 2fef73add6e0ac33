"""`check --output-format`: the name of each findings format and the one call that renders it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flagkeeper.checks.base import Rule
    from flagkeeper.checks.diagnostic import Diagnostic

# `text` is `concise` without the severity: the format of earlier releases, kept for scripts that read it.
TEXT_FORMATS = ("full", "concise", "text")  # for a person: a summary line at the end
FORMATS = ("full", "concise", "text", "json", "json-lines", "sarif", "github", "junit", "gitlab", "rdjson")


def render_findings(
    output_format: str, diagnostics: list[Diagnostic], rules: Sequence[Rule], files: int, root: Path,
    skipped: Sequence[Rule] = (), hidden: int = 0,
) -> str:  # fmt: skip
    """The findings in one of FORMATS; `rules` are the rules that ran (SARIF and JUnit list them), `root` the project root,
    `skipped` the selected rules that could not run (JUnit), `hidden` how many findings the baseline hid (text formats).

    Each format's module is imported when it is chosen: a run prints one format, and the others
    (XML, SARIF's schema tables) are a measurable part of a small project's `check`."""
    match output_format:
        case "full":
            from flagkeeper.output.full import render_full

            return render_full(diagnostics, rules, files, hidden)
        case "concise" | "text":
            from flagkeeper.output.text import render_text

            return render_text(diagnostics, files, hidden, severity=output_format == "concise")
        case "json":
            from flagkeeper.output.json import render_json

            return render_json(diagnostics)
        case "json-lines":
            from flagkeeper.output.jsonlines import render_json_lines

            return render_json_lines(diagnostics)
        case "sarif":
            from flagkeeper.output.sarif import render_sarif

            return render_sarif(diagnostics, rules, root)
        case "github":
            from flagkeeper.output.github import render_github

            return render_github(diagnostics)
        case "junit":
            from flagkeeper.output.junit import render_junit

            return render_junit(diagnostics, rules, skipped)
        case "gitlab":
            from flagkeeper.output.gitlab import render_gitlab

            return render_gitlab(diagnostics, root)
        case "rdjson":
            from flagkeeper.output.rdjson import render_rdjson

            return render_rdjson(diagnostics)
    raise KeyError(output_format)

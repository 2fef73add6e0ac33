"""GitLab Code Quality: a JSON array of `{description, check_name, fingerprint, severity, location: {path, lines: {begin}}}`.

Severity `major` for errors, `minor` for warnings; the fingerprint is the finding's identity,
the one the baseline and SARIF use. Paths are relative to the working folder: run flagkeeper
from the repository root.
"""

from __future__ import annotations

from pathlib import Path

from flagkeeper.checks.diagnostic import ERROR, WARNING, Diagnostic
from flagkeeper.output.identity import identities
from flagkeeper.output.json import dump_json
from flagkeeper.paths import display_path

_GITLAB_SEVERITY = {ERROR: "major", WARNING: "minor"}


def render_gitlab(diagnostics: list[Diagnostic], root: Path) -> str:
    """One Code Quality issue per finding; `root` is the project root the identities are relative to."""
    issues = []
    for d, identity in zip(diagnostics, identities(diagnostics, root), strict=True):
        issues.append({
            "description": f"{d.code} {d.message}",
            "check_name": d.code,
            "fingerprint": str(identity),
            "severity": _GITLAB_SEVERITY.get(d.severity, "info"),
            "location": {"path": display_path(d.path), "lines": {"begin": d.line}},
        })  # fmt: skip
    return dump_json(issues)

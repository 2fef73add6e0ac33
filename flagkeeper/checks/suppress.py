"""Apply inline suppressions to the findings of a run, and report those that suppressed nothing (FK100)."""

from __future__ import annotations

from pathlib import Path

from flagkeeper.analysis.facts import Suppression
from flagkeeper.checks.diagnostic import WARNING, Diagnostic


def apply_suppressions(
    diagnostics: list[Diagnostic], by_path: dict[Path, tuple[Suppression, ...]], active: set[str], warn_unused: bool
) -> list[Diagnostic]:
    """The findings no suppression covers, and (with `warn_unused`) FK100 for suppressions that covered nothing."""
    used: set[tuple[Path, Suppression]] = set()
    kept = []
    for diagnostic in diagnostics:
        hit = next((found for found in by_path.get(diagnostic.path, ()) if found.covers(diagnostic.line, diagnostic.code)), None)
        if hit is None:
            kept.append(diagnostic)
        else:
            used.add((diagnostic.path, hit))
    if warn_unused and "FK100" in active:
        for path, suppressions in by_path.items():
            for suppression in suppressions:
                judged = [code for code in suppression.codes if code in active] if suppression.codes else ["flagkeeper"]
                if (path, suppression) not in used and judged:
                    message = f"unused suppression: there is no {', '.join(judged)} finding here to ignore; remove it"
                    kept.append(Diagnostic(path, suppression.first, 1, "FK100", message, "unused-suppression", WARNING))
    return kept

"""Apply inline suppressions to the findings of a run; FK100 judges the suppressions that covered nothing."""

from __future__ import annotations

from pathlib import Path

from flagkeeper.analysis.facts import Suppression
from flagkeeper.checks.diagnostic import Diagnostic

Placed = tuple[Path, Suppression]  # a suppression and the file it is written in


def apply_suppressions(diagnostics: list[Diagnostic], by_path: dict[Path, tuple[Suppression, ...]]) -> tuple[list[Diagnostic], set[Placed]]:
    """The findings no suppression covers, and the suppressions that covered at least one."""
    used: set[Placed] = set()
    kept = []
    for diagnostic in diagnostics:
        hit = next((found for found in by_path.get(diagnostic.path, ()) if found.covers(diagnostic.line, diagnostic.code)), None)
        if hit is None:
            kept.append(diagnostic)
        else:
            used.add((diagnostic.path, hit))
    return kept, used

"""Diagnostic: the plain data every check produces and every reporter formats."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding at a place in a file: a line of `path:line:col: CODE message`."""

    path: Path
    line: int
    column: int
    code: str
    message: str
    name: str
    severity: str
    key: str | None = None
    # How sure a dead-code finding is, in percent (FK006, FK007; see project/confidence.py); None for other rules.
    confidence: int | None = None

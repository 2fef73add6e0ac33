"""Diagnostic: the plain data every check produces and every reporter formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Related:
    """Another place a finding points at: the key's other read, or one step of an import chain or call path."""

    path: Path
    line: int
    column: int
    message: str


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
    # Where else to look (FK004: the key's other reads), and the steps that lead to the finding from
    # an entry point (FK007: the import chain, FK010: the call path). Not part of a finding's identity.
    related: tuple[Related, ...] = field(default=(), compare=False)
    flow: tuple[Related, ...] = field(default=(), compare=False)

"""Diagnostic: the plain data every check produces and every reporter formats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"


# A message names at most this many items (places, modules, entry points) and counts the rest:
# the full lists go to `related` and to the commands that list them.
MESSAGE_ITEMS = 3


def a_few(items: Sequence[str], limit: int = MESSAGE_ITEMS) -> str:
    """`a, b, c and 4 more`: the first `limit` items of a list, for a message of bounded size."""
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def a_chain(steps: Sequence[str], limit: int = 10) -> str:
    """`a -> b -> ... -> z`, the middle of a chain longer than `limit` counted: `(12 more)`.
    A chain is a finding's proof, so it keeps more steps than a list keeps items."""
    if len(steps) <= limit:
        return " -> ".join(steps)
    half = limit // 2
    return " -> ".join([*steps[:half], f"({len(steps) - 2 * half} more)", *steps[-half:]])


@dataclass(frozen=True, order=True)
class Related:
    """Another place a finding involves (SARIF's relatedLocations): where the detail lives."""

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
    related: tuple[Related, ...] = ()
    # The steps that lead to the finding from an entry point (FK007: the import chain, FK010: the
    # call path): SARIF codeFlows, the `path:` lines of the full format. Not part of its identity.
    flow: tuple[Related, ...] = field(default=(), compare=False)
    # How sure a dead-code finding is, in percent (FK006, FK007; see project/confidence.py); None for other rules.
    confidence: int | None = None

"""Text output: findings as `path:line:col: CODE message` (ruff's concise format), statistics, aligned tables, and the import graph.

Paths and messages carry text from the checkout (flag keys, file names): it is shown with repr
escapes (output/escape.py), here, once for every rule, so a key cannot write lines of its own
or send control sequences to the terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import click

from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.output.escape import printable
from flagkeeper.paths import display_path


def render_text(diagnostics: list[Diagnostic], files: int | None = None) -> str:
    """ruff's shape, `path:line:col: CODE message`, styled: the caller strips the style off a non-terminal."""
    colour = {ERROR: "red"}
    lines = [
        f"{click.style(printable(display_path(d.path)), bold=True)}:{d.line}:{d.column}: "
        f"{click.style(d.code, fg=colour.get(d.severity, 'yellow'), bold=True)} {printable(d.message)}"
        for d in diagnostics
    ]
    if not diagnostics:
        return "All checks passed" + (f" ({files} Python files)" if files is not None else "") + ".\n"
    errors = sum(1 for d in diagnostics if d.severity == ERROR)
    counted = Counter(display_path(d.path) for d in diagnostics)
    noun = "finding" if len(diagnostics) == 1 else "findings"
    lines.append(
        f"Found {len(diagnostics)} {noun} in {len(counted)} files "
        f"({errors} errors, {len(diagnostics) - errors} warnings)."
    )
    return "\n".join(lines) + "\n"


def render_statistics(diagnostics: list[Diagnostic]) -> str:
    """Findings per rule, most first, as `ruff --statistics` prints them."""
    counted = Counter((d.code, d.name) for d in diagnostics)
    lines = [f"{count:>5}  {code}  {name}" for (code, name), count in sorted(counted.items(), key=lambda item: (-item[1], item[0]))]
    return "\n".join([*lines, f"Found {len(diagnostics)} findings."]) + "\n"


def format_table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows (the first is the header) as lines with aligned columns, two spaces apart."""
    rows = [[printable(cell) for cell in row] for row in rows]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]



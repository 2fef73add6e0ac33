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

_COLOUR = {ERROR: "red"}


def plural(count: int, noun: str) -> str:
    """`1 file`, `2 files`, `3 matches`, `2 Python files`."""
    if count != 1:
        noun += "es" if noun.endswith(("ch", "sh", "s", "x")) else "s"
    return f"{count} {noun}"


def summary(diagnostics: Sequence[Diagnostic], files: int | None = None, hidden: int = 0) -> str:
    """The last line of the text formats: how many findings in how many files, and how many the baseline hid."""
    baseline = f" {plural(hidden, 'finding')} known to the baseline {'was' if hidden == 1 else 'were'} hidden." if hidden else ""
    if not diagnostics:
        return "All checks passed" + (f" ({plural(files, 'Python file')})" if files is not None else "") + "." + baseline
    errors = sum(1 for d in diagnostics if d.severity == ERROR)
    counted = len({d.path for d in diagnostics})
    return (
        f"Found {plural(len(diagnostics), 'finding')} in {plural(counted, 'file')} "
        f"({plural(errors, 'error')}, {plural(len(diagnostics) - errors, 'warning')})." + baseline
    )


def finding_line(d: Diagnostic, severity: bool = False, message: str | None = None) -> str:
    """ruff's `path:line:col: CODE message`, styled; `severity` adds `[error]` or `[warning]` after the code."""
    code = click.style(d.code, fg=_COLOUR.get(d.severity, "yellow"), bold=True)
    shown = f" [{d.severity}]" if severity else ""
    text = printable(d.message if message is None else message)
    return f"{click.style(printable(display_path(d.path)), bold=True)}:{d.line}:{d.column}: {code}{shown} {text}"


def render_text(diagnostics: list[Diagnostic], files: int | None = None, hidden: int = 0, severity: bool = False) -> str:
    """ruff's shape, `path:line:col: CODE message`, styled: the caller strips the style off a non-terminal.

    `severity` gives the `concise` format: the same line with the severity after the code."""
    return "\n".join([*(finding_line(d, severity) for d in diagnostics), summary(diagnostics, files, hidden)]) + "\n"


def render_statistics(diagnostics: list[Diagnostic]) -> str:
    """Findings per rule, most first, as `ruff --statistics` prints them."""
    counted = Counter((d.code, d.name) for d in diagnostics)
    lines = [f"{count:>5}  {code}  {name}" for (code, name), count in sorted(counted.items(), key=lambda item: (-item[1], item[0]))]
    return "\n".join([*lines, f"Found {plural(len(diagnostics), 'finding')}."]) + "\n"


def format_table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows (the first is the header) as lines with aligned columns, two spaces apart."""
    rows = [[printable(cell) for cell in row] for row in rows]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]



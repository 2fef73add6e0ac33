"""GitHub Actions workflow commands: `::error|warning file=P,line=L,col=C,title=CODE name::message`, one line per finding.

GitHub annotates the line. Every line this writes starts with our own `::error` or
`::warning`: text from the checkout is escaped as @actions/core escapes it (`%`, CR and LF),
so a key cannot start a line of its own such as `::stop-commands::`, and the control
characters left are shown as repr escapes.
"""

from __future__ import annotations

from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.output.escape import escape_data, escape_property, printable
from flagkeeper.paths import display_path


def render_github(diagnostics: list[Diagnostic]) -> str:
    """One `::error` or `::warning` workflow command per finding."""
    lines = []
    for d in diagnostics:
        command = "error" if d.severity == ERROR else "warning"
        properties = {"file": display_path(d.path), "line": str(d.line), "col": str(d.column), "title": f"{d.code} {d.name}"}
        joined = ",".join(f"{name}={printable(escape_property(value))}" for name, value in properties.items())
        lines.append(f"::{command} {joined}::{printable(escape_data(d.message))}")
    return "".join(line + "\n" for line in lines)

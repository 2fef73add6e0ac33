"""The `full` text format (ruff's): each finding with a short code frame, its fix, and where else to look.

```
smars/routing/router.py:13:5: FK004 [error] flag-multiple-meanings
  flag 'peg_enabled' gates code in unrelated parts of the project, ...
     |
  12 | def route(order):
  13 |     if ldclient.get().variation("peg_enabled", order, False):
     |     ^^^^^^^^
     |
  = help: Give each meaning its own key ...
  = also: smars/rlp/router.py:4:8: 'peg_enabled' is also read here, in smars.rlp.router
```

The frame shows the finding's line and the one before it, read from the file as it is now; the
marker runs over the word or string literal at the finding's column (a finding is a point).
Steps that lead to the finding (FK007's import chain, FK010's call path) are listed under
`path:`, from the entry point; other places (FK004's other reads) under `also:`. Text from the
checkout is shown with escapes (output/escape.py), as in the one-line format.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

import click

from flagkeeper.checks.base import Rule
from flagkeeper.checks.diagnostic import Diagnostic, Related
from flagkeeper.output.escape import printable
from flagkeeper.output.text import finding_line, summary
from flagkeeper.paths import display_path

WIDTH = 100
# What the marker underlines at the finding's column: a dotted name, or a string literal.
_SPAN = re.compile(r"""\"\"\"|'''|[\w.]+|"[^"\n]*"?|'[^'\n]*'?""")


def _lines(path: Path, cache: dict[Path, list[str]]) -> list[str]:
    """The lines of a file, or none when it cannot be read (gone, a folder, not text)."""
    if path not in cache:
        try:
            cache[path] = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            cache[path] = []
    return cache[path]


def _frame(d: Diagnostic, lines: list[str]) -> list[str]:
    """The finding's line and the one before it, numbered, with a marker under the span."""
    if not 0 < d.line <= len(lines):
        return []
    first = max(1, d.line - 1)
    width = len(str(d.line))
    gutter = " " * (width + 1) + click.style("|", fg="blue")
    shown = [f"{click.style(str(number).rjust(width), fg='blue')} {click.style('|', fg='blue')} {printable(lines[number - 1])}"
             for number in range(first, d.line + 1)]  # fmt: skip
    text = printable(lines[d.line - 1])
    column = min(max(d.column - 1, 0), len(text))
    span = _SPAN.match(text, column)
    marker = " " * column + "^" * max(1, len(span.group()) if span else 1)
    return [f"  {gutter}", *(f"  {line}" for line in shown), f"  {gutter} {click.style(marker, fg='red', bold=True)}", f"  {gutter}"]


def _place(step: Related) -> str:
    return f"{printable(display_path(step.path))}:{step.line}:{step.column}: {printable(step.message)}"


def _label(text: str) -> str:
    return click.style(f"  = {text}:", bold=True)


def _finding(d: Diagnostic, rule: Rule | None, cache: dict[Path, list[str]]) -> list[str]:
    head = finding_line(d, severity=True, message=d.name)
    message = textwrap.wrap(printable(d.message), WIDTH, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False)
    lines = [head, *message, *_frame(d, _lines(d.path, cache))]
    if rule is not None:
        lines += textwrap.wrap(rule.fix, WIDTH, initial_indent=_label("help") + " ", subsequent_indent=" " * 10)
    if d.flow:
        lines += [_label("path"), *(f"      {_place(step)}" for step in d.flow)]
    if d.related:
        lines += [_label("also"), *(f"      {_place(other)}" for other in d.related)]
    return lines


def render_full(diagnostics: list[Diagnostic], rules: Sequence[Rule], files: int | None = None, hidden: int = 0) -> str:
    """Every finding as a block (a blank line between them), then the summary line; `rules` give the help text."""
    by_code = {rule.code: rule for rule in rules}
    cache: dict[Path, list[str]] = {}
    blocks = ["\n".join(_finding(d, by_code.get(d.code), cache)) for d in diagnostics]
    return "\n\n".join([*blocks, summary(diagnostics, files, hidden)]) + "\n"

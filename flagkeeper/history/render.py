"""`flagkeeper diff` output: the changes between two revisions as text or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from flagkeeper.history.diff import Change
from flagkeeper.output.escape import printable


def render_diff_text(base: str, head: str, changes: list[Change]) -> str:
    lines = [f"Flags from {base} to {head}: {len(changes)} changes"]
    if changes:
        keys = [printable(change.key) for change in changes]  # keys come from the code: no control characters to the terminal
        width = max(map(len, keys))
        lines += [f"  {change.kind:<10}  {key.ljust(width)}  {printable(change.detail)}" for change, key in zip(changes, keys, strict=True)]
    return "\n".join(lines) + "\n"


def render_diff_json(base: str, head: str, changes: list[Change]) -> str:
    return json.dumps({"base": base, "head": head, "changes": [asdict(change) for change in changes]}, indent=2) + "\n"

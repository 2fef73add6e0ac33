"""`flagkeeper diff` output: the changes between two revisions as text or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from flagkeeper.history.diff import Change


def render_diff_text(base: str, head: str, changes: list[Change]) -> str:
    lines = [f"Flags from {base} to {head}: {len(changes)} changes"]
    if changes:
        width = max(len(change.key) for change in changes)
        lines += [f"  {change.kind:<10}  {change.key.ljust(width)}  {change.detail}" for change in changes]
    return "\n".join(lines) + "\n"


def render_diff_json(base: str, head: str, changes: list[Change]) -> str:
    return json.dumps({"base": base, "head": head, "changes": [asdict(change) for change in changes]}, indent=2) + "\n"

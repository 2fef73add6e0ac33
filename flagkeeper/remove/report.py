"""What `flagkeeper remove` shows: the unified diff of a change, and the whole plan as JSON
(`--format json`) for scripts and CI: the changes with their diffs, the modules no entry point
reaches any more, errors, notes, and the traces left to a person (traces.py)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any

from flagkeeper.remove.project import FileChange, RemovalPlan


def unified_diff(change: FileChange) -> str:
    before = change.before.splitlines(keepends=True)
    after = (change.after or "").splitlines(keepends=True)
    target = f"b/{change.shown}" if change.after is not None else "/dev/null"
    lines = difflib.unified_diff(before, after, f"a/{change.shown}", target)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def plan_json(plan: RemovalPlan, changes: list[FileChange], flags: Mapping[str, Any], written: bool) -> str:
    """The plan as one JSON document; `changes` are the plan's and the registry's, in that order."""
    document = {
        "flags": [{"key": key, "value": value} for key, value in flags.items()],
        "written": written,
        "changes": [
            {"path": change.shown, "deleted": change.after is None, "removed": dict(sorted(change.counts.items())), "diff": unified_diff(change)}
            for change in changes
        ],
        "unreachable": plan.unreachable,
        "deleted_modules": plan.deleted if written else [],
        "errors": plan.errors,
        "notes": plan.notes,
        "remaining": [{"path": entry.path, "line": entry.line, "what": entry.what} for entry in plan.remaining],
    }
    return json.dumps(document, indent=2, default=repr) + "\n"

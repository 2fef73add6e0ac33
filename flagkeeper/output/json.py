"""JSON output: the findings as a list of records, and the JSON writer of the CI documents (SARIF, GitLab)."""

from __future__ import annotations

import json
import re
from typing import Any

from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.paths import display_path

# Left raw by json.dumps(ensure_ascii=False), but no terminal or UTF-8 writer should get them:
# DEL and the C1 controls, the line separators, and lone surrogates (a file name that is not UTF-8).
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def dump_json(data: Any) -> str:
    """Indented JSON with sorted keys and readable non-ASCII text: the same document for the same data."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"


def diagnostic_record(diagnostic: Diagnostic) -> dict[str, Any]:
    """A finding as JSON data; `related` only where the finding has related places, `confidence`
    (percent) only on the dead-code findings that carry one."""
    d = diagnostic
    record: dict[str, Any] = {
        "code": d.code, "name": d.name, "severity": d.severity, "message": d.message,
        "path": display_path(d.path), "line": d.line, "column": d.column, "key": d.key,
    }  # fmt: skip
    if d.related:  # the detail a bounded message leaves out
        record["related"] = [
            {"path": display_path(place.path), "line": place.line, "column": place.column, "message": place.message} for place in d.related
        ]
    if d.confidence is not None:
        record["confidence"] = d.confidence
    return record


def render_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([diagnostic_record(d) for d in diagnostics], indent=2) + "\n"

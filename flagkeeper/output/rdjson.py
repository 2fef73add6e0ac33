"""`rdjson`: reviewdog's Diagnostic Format (`reviewdog -f=rdjson`), for review comments on any code host.

One `DiagnosticResult` with `source` flagkeeper; per finding its message, location (path, start
line and column), severity (ERROR or WARNING), code with the rule's documentation URL, and as
`related_locations` the key's other reads (FK004) and the steps of an import chain or call
path (FK007, FK010). Lines and columns are 1-based, as reviewdog expects.
"""

from __future__ import annotations

from typing import Any

from flagkeeper.checks.diagnostic import ERROR, Diagnostic, Related
from flagkeeper.output.json import dump_json
from flagkeeper.output.links import documentation_url, rule_url
from flagkeeper.paths import display_path


def _location(path: str, line: int, column: int) -> dict[str, Any]:
    return {"path": path, "range": {"start": {"line": line, "column": column}}}


def _related(place: Related) -> dict[str, Any]:
    return {"message": place.message, "location": _location(display_path(place.path), place.line, place.column)}


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    found: dict[str, Any] = {
        "message": d.message,
        "location": _location(display_path(d.path), d.line, d.column),
        "severity": "ERROR" if d.severity == ERROR else "WARNING",
        "code": {"value": d.code, "url": rule_url(d.code)},
    }
    if d.flow or d.related:
        found["related_locations"] = [_related(place) for place in (*d.flow, *d.related)]
    return found


def render_rdjson(diagnostics: list[Diagnostic]) -> str:
    return dump_json({"source": {"name": "flagkeeper", "url": documentation_url()}, "diagnostics": [_diagnostic(d) for d in diagnostics]})

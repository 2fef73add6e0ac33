"""`json-lines`: one JSON object per finding and line, the records of the `json` format, for streaming tools."""

from __future__ import annotations

import json

from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.output.json import diagnostic_record


def render_json_lines(diagnostics: list[Diagnostic]) -> str:
    return "".join(json.dumps(diagnostic_record(d), ensure_ascii=True) + "\n" for d in diagnostics)

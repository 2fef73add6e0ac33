"""The cleanup report as JSON, and reading a previous JSON back (Markdown and HTML: templating.py).

The JSON is the format `--previous` reads, so both directions live here; docs/report-format.md
describes it field by field. Its keys come out in the order written below, never sorted.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from flagkeeper.errors import FlagkeeperError
from flagkeeper.report.data import FlagRow, Headline, Report, Snapshot, TrendPoint
from flagkeeper.tomlread import parse_json, read_text

SCHEMA = 1
LATER_FIELDS = ("flags", "healthy")  # headline fields added after schema 1 was first written


# JSON ---------------------------------------------------------------------------------------------


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _flag_record(row: FlagRow) -> dict[str, Any]:
    return {
        "key": row.key, "owner": row.owner, "type": row.type, "status": row.status,
        "created": _date(row.created), "expires": _date(row.expires), "age_days": row.age_days,
        "overdue_days": row.overdue_days, "reads": row.reads, "files": row.files, "dead_lines": row.dead_lines,
        "healthy": row.healthy, "actions": [asdict(action) for action in row.actions],
    }  # fmt: skip


def _point_record(point: TrendPoint) -> dict[str, Any]:
    return {"quarter": point.quarter, "today": _date(point.today), "headline": asdict(point.headline), "debt_by_type": point.debt_by_type}


def report_record(report: Report) -> dict[str, Any]:
    changes = report.changes
    return {
        "schema": SCHEMA,
        "project": report.project,
        "quarter": report.quarter.label,
        "today": _date(report.today),
        "headline": asdict(report.headline),
        "health": report.headline.health,
        "fix_first": [asdict(risk) for risk in report.risks],
        "flags": [_flag_record(row) for row in report.flags],
        "zombie_modules": [asdict(zombie) for zombie in report.zombie_modules],
        "age_buckets": report.age_table(),
        "trend": [_point_record(point) for point in report.trend],
        "changes": None if changes is None else {
            "quarter": changes.quarter, "today": _date(changes.today),
            "added": list(changes.added), "removed": list(changes.removed), "newly_expired": list(changes.newly_expired),
            "debt": {"previous": changes.previous.needing_action, "current": report.headline.needing_action, "change": report.debt_change},
        },
    }  # fmt: skip


def render_report_json(report: Report) -> str:
    return json.dumps(report_record(report), indent=2, ensure_ascii=False) + "\n"


def _headline(data: Any) -> Headline:
    """A headline; `flags` and `healthy` may be missing (a report older than flag health: no health then)."""
    names = [field.name for field in fields(Headline) if field.name not in LATER_FIELDS]
    if not isinstance(data, dict) or not all(isinstance(data.get(name), int) for name in names):
        raise ValueError(f"a headline needs the whole numbers {', '.join(names)}")
    later = {name: data[name] for name in LATER_FIELDS if isinstance(data.get(name), int)}
    return Headline(**{name: data[name] for name in names}, **later)


def _point(data: Any) -> TrendPoint:
    by_type = data.get("debt_by_type", {})  # absent from reports older than the by-type trend
    if not isinstance(by_type, dict) or not all(isinstance(count, int) for count in by_type.values()):
        raise ValueError("a trend point's debt_by_type maps flag types to whole numbers")
    return TrendPoint(str(data["quarter"]), dt.date.fromisoformat(data["today"]), _headline(data["headline"]), {str(k): v for k, v in by_type.items()})


def read_previous(path: Path) -> Snapshot:
    """A report JSON written by `flagkeeper report --format json`; anything else is one error naming the file."""
    text = read_text(path)
    data = parse_json(text, path, "not a flagkeeper report JSON")
    try:
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise ValueError(f'no "schema": {SCHEMA} field')
        statuses = {str(flag["key"]): str(flag["status"]) for flag in data["flags"]}
        trend = tuple(_point(point) for point in data["trend"])
        return Snapshot(str(data["quarter"]), dt.date.fromisoformat(data["today"]), statuses, _headline(data["headline"]), trend)
    except (ValueError, KeyError, TypeError) as exc:
        detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise FlagkeeperError(f"not a flagkeeper report JSON (written by `flagkeeper report --format json`): {detail}", path) from None

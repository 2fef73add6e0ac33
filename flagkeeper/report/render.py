"""The cleanup report as Markdown (GitHub tables, no HTML) and as JSON, and reading a previous JSON back.

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
from flagkeeper.report.data import HEADLINE_LABELS, Action, FlagRow, Headline, Report, Snapshot, TrendPoint
from flagkeeper.tomlread import parse_json, read_text

SCHEMA = 1


# JSON ---------------------------------------------------------------------------------------------


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _flag_record(row: FlagRow) -> dict[str, Any]:
    return {
        "key": row.key, "owner": row.owner, "type": row.type, "status": row.status,
        "created": _date(row.created), "expires": _date(row.expires), "age_days": row.age_days,
        "overdue_days": row.overdue_days, "reads": row.reads, "files": row.files, "dead_lines": row.dead_lines,
        "actions": [asdict(action) for action in row.actions],
    }  # fmt: skip


def _point_record(point: TrendPoint) -> dict[str, Any]:
    return {"quarter": point.quarter, "today": _date(point.today), "headline": asdict(point.headline)}


def report_record(report: Report) -> dict[str, Any]:
    changes = report.changes
    return {
        "schema": SCHEMA,
        "project": report.project,
        "quarter": report.quarter.label,
        "today": _date(report.today),
        "headline": asdict(report.headline),
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
    names = [field.name for field in fields(Headline)]
    if not isinstance(data, dict) or not all(isinstance(data.get(name), int) for name in names):
        raise ValueError(f"a headline needs the whole numbers {', '.join(names)}")
    return Headline(**{name: data[name] for name in names})


def _point(data: Any) -> TrendPoint:
    return TrendPoint(str(data["quarter"]), dt.date.fromisoformat(data["today"]), _headline(data["headline"]))


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


# Markdown ------------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text for a table cell: a `|` would end the cell, a newline the row."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return _cell(f"{fence}{text}{fence}")


def _table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    """A GitHub table; `align` has one letter per column, l or r."""
    rule = ["---:" if letter == "r" else "---" for letter in align]
    return ["| " + " | ".join(row) + " |" for row in (header, rule, *rows)]


def days(count: int | None) -> str:
    if count is None:
        return "–"
    return "1 day" if count == 1 else f"{count} days"


def expires(row: FlagRow) -> str:
    """The expiry date; "never" for a registered permanent flag, a dash for a key the registry does not know."""
    return _date(row.expires) or ("never" if row.type else "–")


def signed(change: int) -> str:
    return f"+{change}" if change > 0 else ("±0" if change == 0 else f"−{-change}")


def describe_action(action: Action) -> str:
    """`kind`: command — reason; the command as code unless it is prose."""
    label = action.kind.replace("-", " ")
    command = _code(action.command) if action.command.startswith("flagkeeper ") else _cell(action.command)
    return f"**{label}**: {command} — {_cell(action.reason)}"


def debt_sentence(report: Report) -> str:
    """'Flag debt went up: …' for the changes section (plain text, the renderer adds emphasis)."""
    change = report.debt_change
    assert report.changes is not None and change is not None
    direction = "up" if change > 0 else ("down" if change < 0 else "nowhere")
    return (
        f"Flag debt went {direction} since {report.changes.quarter}: {report.headline.needing_action} flags need action, "
        f"{report.changes.previous.needing_action} did then ({signed(change)})."
    )


def dead_code_sentence(report: Report) -> str:
    dead, in_zombies = report.headline.dead_lines, sum(zombie.lines for zombie in report.zombie_modules)
    return (
        f"{dead} lines run only under a value a flag can no longer take: "
        f"{dead - in_zombies} in branches of live modules, {in_zombies} in zombie modules."
    )


def _changes_section(report: Report) -> list[str]:
    changes = report.changes
    if changes is None:
        return []
    previous, current = asdict(changes.previous), asdict(report.headline)
    rows = [[label, str(previous[name]), str(current[name]), signed(current[name] - previous[name])] for name, label in HEADLINE_LABELS.items()]
    lines = ["", f"## Since {changes.quarter} (report of {changes.today})", "", debt_sentence(report), ""]
    lines += _table(["Measure", changes.quarter, report.quarter.label, "change"], rows, "lrrr")
    lines.append("")
    for title, keys in (("Added", changes.added), ("Removed", changes.removed), ("Newly expired", changes.newly_expired)):
        lines.append(f"- {title}: " + (", ".join(_code(key) for key in keys) if keys else "none"))
    return lines


def _owner_sections(report: Report) -> list[str]:
    lines = ["", "## Flags that need action, by owner"]
    owners = report.by_owner()
    if not owners:
        return [*lines, "", "None: every flag is owned, registered, in date and read."]
    header = ["Flag", "Type", "Age", "Expires", "Overdue", "Reads", "Files", "Suggested action"]
    for owner, rows in owners.items():
        lines += ["", f"### {_cell(owner)} ({len(rows)})", ""]
        cells = [
            [_code(row.key), _cell(row.type_label), days(row.age_days), expires(row), days(row.overdue_days),
             str(row.reads), str(row.files), "; ".join(describe_action(action) for action in row.actions)]
            for row in rows
        ]  # fmt: skip
        lines += _table(header, cells, "llrlrrrl")
    return lines


def _dead_code_section(report: Report) -> list[str]:
    lines = ["", "## Dead code", "", dead_code_sentence(report)]
    if report.zombie_modules:
        lines.append("")
        lines += _table(["Zombie module", "File", "Lines"], [[_code(z.module), _code(z.path), str(z.lines)] for z in report.zombie_modules], "llr")
    return lines


def _oldest_section(report: Report) -> list[str]:
    rows = [
        [_code(row.key), _cell(row.owner_label), _cell(row.type_label), _date(row.created) or "–", days(row.age_days), row.status]
        for row in report.oldest()
    ]
    return ["", "## Oldest flags", "", *_table(["Flag", "Owner", "Type", "Created", "Age", "Status"], rows, "llllrl")]


def _age_section(report: Report) -> list[str]:
    table, buckets = report.age_table(), report.age_buckets()
    rows = [[_cell(name), *(str(count) for count in counts.values()), str(sum(counts.values()))] for name, counts in table.items()]
    return ["", "## Flags by type and age", "", *_table(["Type", *buckets, "Total"], rows, "l" + "r" * (len(buckets) + 1))]


def render_report_markdown(report: Report) -> str:
    headline = asdict(report.headline)
    lines = [
        f"# Flag cleanup report: {_cell(report.project)}, {report.quarter.label}",
        "",
        f"As of {report.today}, written by `flagkeeper report`. Ages count from each flag's `created` date.",
        "",
        *_table(["Headline", "Count"], [[label, str(headline[name])] for name, label in HEADLINE_LABELS.items()], "lr"),
        *_changes_section(report),
        *_owner_sections(report),
        *_dead_code_section(report),
        *_oldest_section(report),
        *_age_section(report),
    ]
    return "\n".join(lines) + "\n"

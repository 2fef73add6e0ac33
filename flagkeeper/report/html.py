"""The cleanup report as one self-contained HTML page: inline CSS and SVG charts, no JavaScript.

It reads the same on a phone (viewport, tables that scroll sideways) and on paper (@media
print). Every string from the registry or the code goes through html.escape.
"""

from __future__ import annotations

from dataclasses import asdict
from html import escape

from flagkeeper.report.charts import Series, bar_chart, column_chart
from flagkeeper.report.data import HEADLINE_LABELS, Action, Report
from flagkeeper.report.render import days, dead_code_sentence, debt_sentence, expires, signed

TREND_SERIES = ("needing_action", "expired", "unowned", "removable")

_CSS = """
:root { --ink: #1d2430; --muted: #5b6472; --line: #dde2e8; --accent: #b42318; --good: #067647; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 20px 0 8px; }
.meta { color: var(--muted); margin: 0 0 20px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 10px; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile .value { font-size: 1.6rem; font-weight: 700; }
.tile .label { color: var(--muted); font-size: 0.85rem; }
.tile .delta { font-size: 0.85rem; margin-left: 6px; }
.up { color: var(--accent); } .down { color: var(--good); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 16px; margin-top: 16px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg.chart { width: 100%; height: auto; display: block; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; white-space: nowrap; }
td:last-child { white-space: normal; min-width: 16em; }
th { background: var(--panel); }
td.num, th.num { text-align: right; }
code { font: 0.85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef1f4; padding: 1px 4px; border-radius: 4px; }
.action code { overflow-wrap: anywhere; }
.action { margin: 0 0 4px; } .action .kind { font-weight: 700; text-transform: uppercase; font-size: 0.75rem; letter-spacing: 0.04em; }
.reason { color: var(--muted); }
footer { color: var(--muted); font-size: 0.85rem; margin-top: 40px; }
@media (max-width: 600px) { body { font-size: 14px; } h1 { font-size: 1.35rem; } .tile .value { font-size: 1.3rem; } }
@media print {
  @page { margin: 14mm; }
  body { font-size: 11pt; } main { max-width: none; padding: 0; }
  .tile, figure { border-color: #999; background: none; }
  h2 { break-after: avoid; } tr, figure, .tiles { break-inside: avoid; }
  .table-wrap { overflow: visible; }
}
"""


def _prose(text: str) -> str:
    """Escaped text whose `backticked` spans become <code>."""
    parts = escape(text).split("`")
    return "".join(f"<code>{part}</code>" if index % 2 else part for index, part in enumerate(parts))


def _action(action: Action) -> str:
    command = f"<code>{escape(action.command)}</code>" if action.command.startswith("flagkeeper ") else _prose(action.command)
    kind = escape(action.kind.replace("-", " "))
    return f'<p class="action"><span class="kind">{kind}</span> {command} <span class="reason">— {escape(action.reason)}</span></p>'


def _table(header: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    """Cells are HTML already; columns in `numeric` align right."""

    def cells(tag: str, row: list[str]) -> str:
        return "".join(f'<{tag} class="num">{cell}</{tag}>' if index in numeric else f"<{tag}>{cell}</{tag}>" for index, cell in enumerate(row))

    body = "\n".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    return f'<div class="table-wrap"><table>\n<thead><tr>{cells("th", header)}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>'


def _tiles(report: Report) -> str:
    now = asdict(report.headline)
    before = asdict(report.changes.previous) if report.changes else None
    tiles = []
    for name, label in HEADLINE_LABELS.items():
        delta = ""
        if before is not None:
            change = now[name] - before[name]
            # More of anything on this list is more debt, except flags that are merely in code or registered.
            tone = "" if name in ("flags_in_code", "registered") or not change else ("up" if change > 0 else "down")
            delta = f'<span class="delta {tone}">{signed(change)}</span>'
        tiles.append(f'<div class="tile"><div class="value">{now[name]}{delta}</div><div class="label">{escape(label)}</div></div>')
    return '<section class="tiles" aria-label="Headline">\n' + "\n".join(tiles) + "\n</section>"


def _figure(chart: str, caption: str) -> str:
    return f"<figure>\n<figcaption>{escape(caption)}</figcaption>\n{chart}\n</figure>"


def _trend(report: Report) -> list[str]:
    if report.changes is None:
        return []
    quarters = [point.quarter for point in report.trend]
    series = [Series(HEADLINE_LABELS[name], tuple(asdict(point.headline)[name] for point in report.trend)) for name in TREND_SERIES]
    chart = column_chart("chart-trend", "Flag debt by quarter", quarters, series, stacked=False, y_label="flags", empty="No flag debt.")
    return [_figure(chart, "Flag debt trend")]


def _charts(report: Report) -> str:
    table = report.age_table()
    ages = column_chart(
        "chart-age", "Flags by age and type", report.age_buckets(), [Series(name, tuple(counts.values())) for name, counts in table.items()],
        stacked=True, y_label="flags", empty="No flags in code or registry.",
    )  # fmt: skip
    expired = report.expired_by_owner()
    owners = bar_chart("chart-expired", "Expired flags per owner", list(expired), list(expired.values()), x_label="expired flags", empty="No expired flags.")
    figures = [*_trend(report), _figure(ages, "Age of flags, by type"), _figure(owners, "Expired flags per owner")]
    return '<section class="charts">\n' + "\n".join(figures) + "\n</section>"


def _changes(report: Report) -> str:
    changes = report.changes
    if changes is None:
        return ""
    items = "".join(
        f"<li>{title}: " + (", ".join(f"<code>{escape(key)}</code>" for key in keys) or "none") + "</li>"
        for title, keys in (("Added", changes.added), ("Removed", changes.removed), ("Newly expired", changes.newly_expired))
    )
    tone = "up" if (report.debt_change or 0) > 0 else "down"
    return (
        f'<h2>Since {escape(changes.quarter)} <small class="reason">(report of {changes.today})</small></h2>\n'
        f'<p class="{tone}"><strong>{escape(debt_sentence(report))}</strong></p>\n<ul>{items}</ul>'
    )


def _owners(report: Report) -> str:
    owners = report.by_owner()
    if not owners:
        return "<h2>Flags that need action, by owner</h2>\n<p>None: every flag is owned, registered, in date and read.</p>"
    parts = ["<h2>Flags that need action, by owner</h2>"]
    header = ["Flag", "Type", "Age", "Expires", "Overdue", "Reads", "Files", "Suggested action"]
    for owner, rows in owners.items():
        cells = [
            [f"<code>{escape(row.key)}</code>", escape(row.type_label), days(row.age_days), escape(expires(row)), days(row.overdue_days),
             str(row.reads), str(row.files), "".join(_action(action) for action in row.actions)]
            for row in rows
        ]  # fmt: skip
        parts += [f"<h3>{escape(owner)} ({len(rows)})</h3>", _table(header, cells, {2, 4, 5, 6})]
    return "\n".join(parts)


def _details(report: Report) -> str:
    zombies = [[f"<code>{escape(z.module)}</code>", f"<code>{escape(z.path)}</code>", str(z.lines)] for z in report.zombie_modules]
    oldest = [
        [f"<code>{escape(row.key)}</code>", escape(row.owner_label), escape(row.type_label), str(row.created or "–"), days(row.age_days), escape(row.status)]
        for row in report.oldest()
    ]
    table, buckets = report.age_table(), report.age_buckets()
    ages = [[escape(name), *(str(count) for count in counts.values()), str(sum(counts.values()))] for name, counts in table.items()]
    return "\n".join([
        "<h2>Dead code</h2>",
        f"<p>{escape(dead_code_sentence(report))}</p>",
        _table(["Zombie module", "File", "Lines"], zombies, {2}) if zombies else "",
        "<h2>Oldest flags</h2>",
        _table(["Flag", "Owner", "Type", "Created", "Age", "Status"], oldest, {4}),
        "<h2>Flags by type and age</h2>",
        _table(["Type", *map(escape, buckets), "Total"], ages, set(range(1, len(buckets) + 2))),
    ])  # fmt: skip


def render_report_html(report: Report) -> str:
    title = f"Flag cleanup report: {report.project}, {report.quarter.label}"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">As of {report.today}, written by <code>flagkeeper report</code>. Ages count from each flag\'s <code>created</code> date.</p>',
        _tiles(report),
        _changes(report),
        _charts(report),
        _owners(report),
        _details(report),
        "<footer>Expired, unowned, unregistered, unread and dead flags, as the registry and the code say. "
        "Suggested commands are starting points: review each change.</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]) + "\n"  # fmt: skip

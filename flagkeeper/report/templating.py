"""The report as Markdown and HTML, from Jinja2 templates: report.md.j2 and report.html.j2.

The templates ship in report/templates/; `--template DIR` puts an organisation's own first
(a file of the same name replaces ours, e.g. report.html.j2 or style.css for branding; the
others still come from the package). The templates run in Jinja2's sandbox: a template folder
may come from a repository under review, and it must not reach Python's internals from there.
HTML is autoescaped; Markdown cells go through the `cell`
and `code` filters. The templates only format: what to say comes from report/data.py and
report/wording.py, the charts from report/charts.py.
"""

from __future__ import annotations

import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from markupsafe import Markup, escape

from flagkeeper.config import FLAG_TYPES
from flagkeeper.errors import FlagkeeperError
from flagkeeper.report import wording
from flagkeeper.report.charts import Series, Styles, bar_chart, column_chart
from flagkeeper.report.data import HEADLINE_LABELS, HEADLINE_MEANINGS, HEALTH_FORMULA, Report

TREND_SERIES = ("needing_action", "expired", "unowned", "removable")
TEMPLATES = {"markdown": "report.md.j2", "html": "report.html.j2"}
FIX_FIRST_SHOWN = 15  # the page lists the worst; the rest are counted, with the command that lists them (the JSON has all)


def cell(text: object) -> str:
    """Text for a Markdown table cell: a `|` would end the cell, a newline the row."""
    return " ".join(str(text).split()).replace("|", "\\|")


def code(text: object) -> str:
    """Inline Markdown code, fenced so a backtick inside cannot end it."""
    fence = "``" if "`" in str(text) else "`"
    return cell(f"{fence}{text}{fence}")


def prose(text: str) -> Markup:
    """Escaped HTML text whose `backticked` spans become <code>."""
    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{part}</code>" if index % 2 else part for index, part in enumerate(parts)))


def markdown_prose(text: str) -> str:
    """A command shown as code unless it is prose (prose keeps its own backticks)."""
    return code(text) if text.startswith("flagkeeper ") else cell(text)


def sentence_html(sentence: wording.Sentence) -> Markup:
    """A sentence whose numbers point at their definitions (data-def), for the reader and the tests."""
    parts = [
        Markup('<span class="n" data-def="def-{}">{}</span>').format(fragment.defined_by, fragment.text) if fragment.defined_by else prose(fragment.text)
        for fragment in sentence
    ]
    return Markup("").join(parts)


def sentence_markdown(sentence: wording.Sentence) -> str:
    return wording.plain(sentence)


def charts(report: Report) -> dict[str, Markup]:
    """The SVG charts, each meaning (flag type, measure) in one style across all of them."""
    styles = Styles()
    # Looks in a fixed order, so a type or measure looks the same in every chart and every quarter's
    # report: the registry's types, then the measures, then any other types the report has.
    for meaning in [*(f"type:{name}" for name in (*FLAG_TYPES, "unregistered", "(no type)")), *TREND_SERIES]:
        styles(meaning)
    table = report.age_table()
    series = [Series(name, tuple(counts.values()), styles(f"type:{name}")) for name, counts in table.items()]
    drawn = {
        "age": column_chart("chart-age", "Flags by age and type", report.age_buckets(), series, stacked=True, y_label="flags",
                            empty="No flags in code or registry."),
    }  # fmt: skip
    expired = report.expired_by_owner()
    drawn["expired"] = bar_chart(
        "chart-expired", "Expired flags per owner", list(expired), list(expired.values()), style=styles("expired"),
        x_label="expired flags", empty="No expired flags.",
    )  # fmt: skip
    if len(report.trend) > 1:
        quarters = [point.quarter for point in report.trend]
        measures = [Series(HEADLINE_LABELS[name], tuple(asdict(point.headline)[name] for point in report.trend), styles(name)) for name in TREND_SERIES]
        drawn["trend"] = column_chart("chart-trend", "Flag debt by quarter", quarters, measures, stacked=False, y_label="flags", empty="No flag debt.")
        types = [name for name in report.types() if any(point.debt_by_type.get(name) for point in report.trend)]
        by_type = [Series(name, tuple(point.debt_by_type.get(name, 0) for point in report.trend), styles(f"type:{name}")) for name in types]
        drawn["trend_types"] = column_chart(
            "chart-trend-types", "Flags that need action by type, per quarter", quarters, by_type, stacked=True, y_label="flags",
            empty="No flag debt in these quarters, or no types recorded (reports older than this chart).",
        )  # fmt: skip
    return {name: Markup(svg) for name, svg in drawn.items()}


def _environment(override: Path | None, html: bool) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(override))] if override is not None else []
    loaders.append(jinja2.PackageLoader("flagkeeper.report", "templates"))
    environment = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders), autoescape=html, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip
    environment.filters.update(
        first_upper=lambda text: text[:1].upper() + text[1:], cell=cell, code=code, prose=prose, command=markdown_prose,
        days=wording.days, date=wording.date, signed=wording.signed,
    )  # fmt: skip
    environment.filters["sentence"] = sentence_html if html else sentence_markdown
    return environment


def render_report(report: Report, output_format: str, template_dir: Path | None = None) -> str:
    """The report in `output_format` (markdown or html); a broken override template is one error naming its file and line."""
    html = output_format == "html"
    environment = _environment(template_dir, html)
    context: dict[str, Any] = {
        "report": report, "headline": asdict(report.headline), "labels": HEADLINE_LABELS, "meanings": HEADLINE_MEANINGS,
        "formula": HEALTH_FORMULA, "glossary": wording.GLOSSARY, "wording": wording, "link": _linker(report),
        "charts": charts(report) if html else {}, "shown": FIX_FIRST_SHOWN,
        "more_command": "flagkeeper check --select " + ",".join(sorted({risk.code for risk in report.risks[FIX_FIRST_SHOWN:]})),
    }  # fmt: skip
    try:
        return environment.get_template(TEMPLATES[output_format]).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise FlagkeeperError(f"template error: {error.message}", Path(error.filename or error.name or "?"), error.lineno) from None
    except Exception as error:  # a template of the user's that fails as it runs: name it, no traceback
        if template_dir is None and not isinstance(error, jinja2.TemplateError):
            raise  # ours: a bug, not bad input
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith((".j2", ".css"))]
        place = (Path(frames[-1].filename), frames[-1].lineno) if frames else (template_dir, None)
        raise FlagkeeperError(f"template error: {error}", *place) from None


def _linker(report: Report) -> Any:
    """`link(path, line)` for the templates: the code host's address, or None."""
    links = report.links
    return (lambda path, line=None: None) if links is None else links.url

"""`flagkeeper report`: the quarterly flag-cleanup report, in Markdown, HTML or JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from flagkeeper.cli.common import emit, fail, project_options
from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import display_path
from flagkeeper.project.model import Project
from flagkeeper.report.data import Quarter, Snapshot, build_report
from flagkeeper.report.links import check_template, code_links
from flagkeeper.report.render import read_previous, render_report_json
from flagkeeper.report.templating import render_report
from flagkeeper.report.trend import history_snapshot

FORMATS = ("markdown", "html", "json")
Parsed = TypeVar("Parsed")


def _parse_early(parse: Callable[[Any], Parsed]) -> Callable[[click.Context, click.Parameter, Any], Parsed | None]:
    """An option callback: bad --quarter or --previous fails in one line before the project is scanned."""

    def callback(context: click.Context, parameter: click.Parameter, value: Any) -> Parsed | None:
        try:
            return None if value is None else parse(value)
        except FlagkeeperError as error:
            fail(error)

    return callback


@click.command()
@project_options
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="markdown", show_default=True,
              help="markdown for GitHub, html for a self-contained page with charts, json for tools and for next quarter's --previous.")  # fmt: skip
@click.option("-o", "--output-file", "--output", "output_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report here instead of to standard output.")  # fmt: skip
@click.option("--quarter", metavar="YYYYQN", callback=_parse_early(Quarter.parse),
              help="The quarter reported on, e.g. 2026Q4 (default: the one --today falls in).")  # fmt: skip
@click.option("--previous", type=click.Path(path_type=Path, dir_okay=False), metavar="REPORT.json", callback=_parse_early(read_previous),
              help="Last quarter's JSON report: adds what changed since (flags added, removed, newly expired; debt up or down).")  # fmt: skip
@click.option("--history", type=click.IntRange(min=2), metavar="N",
              help="Compute the trend of the last N quarters (this one included) from the git history, instead of --previous.")  # fmt: skip
@click.option("--template", "template_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), metavar="DIR",
              help="Templates that replace the shipped ones of the same name (report.md.j2, report.html.j2, style.css).")  # fmt: skip
@click.option("--link-template", callback=_parse_early(check_template), metavar="URL",
              help='Link file references here, e.g. "https://host/org/repo/blob/{commit}/{path}#L{line}" '
                   "(default: from [project.urls] or the git remote).")  # fmt: skip
@click.option("--no-links", is_flag=True, help="Link no file references to the code host.")
@click.option("--fleet", multiple=True, type=click.Path(path_type=Path, exists=True), metavar="DIR",
              help="The servers' deploy manifests (a folder or files; repeatable): fleet drift (FK011) joins the Fix-first list.")  # fmt: skip
def report(
    project: Project, paths: list[Path], output_format: str, output_file: Path | None, quarter: Quarter | None, previous: Snapshot | None,
    history: int | None, template_dir: Path | None, link_template: str | None, no_links: bool,
) -> None:
    """Write the quarterly flag-cleanup report for PATHS (default: the current folder).

    \b
    Shows the flag debt: a one-sentence summary; the flag health with its formula; the
    findings to fix first (retired keys read again, fleet drift, missing kill switches,
    keys that mean two things, zombie and unreachable code), ranked, each with its fix;
    the headline counts, each defined; per owner, most debt first, the flags that need
    action with a suggested command for each; dead code; the oldest flags; flags by type
    and age; and, with --previous or --history, the change since last quarter.

    \b
    The trend from git history, or from last quarter's JSON:
      flagkeeper report --format html --output flags.html --history 4
      flagkeeper report --format json --output flags-2026Q3.json
      flagkeeper report --format html --output flags.html --previous flags-2026Q3.json
    """
    if history is not None and previous is not None:
        fail(FlagkeeperError("--history and --previous both give the trend: choose one"))
    reported = quarter or Quarter.containing(project.today)
    try:
        if history is not None:
            previous = history_snapshot(project, reported, history)
        links = None if no_links else code_links(project, link_template)
        built = build_report(project, reported, previous, links)
        text = render_report_json(built) if output_format == "json" else render_report(built, output_format, template_dir)
    except FlagkeeperError as error:
        fail(error)
    emit(text, output_file, "the report")
    if output_file is None:
        return
    click.echo(f"wrote the {output_format} report to {display_path(output_file.resolve())}", err=True)

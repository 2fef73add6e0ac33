"""The `flagkeeper` command line: exit 0 clean, 1 findings, 2 usage or configuration error."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from flagkeeper import __version__
from flagkeeper.cli.common import (
    CONFIG_OPTION,
    TODAY_OPTION,
    Projects,
    comma_list,
    emit,
    enable_fast_exit,
    exit_now,
    fail,
    load_project,
    project_options,
    projects_options,
    scan_options,
    use_color,
)
from flagkeeper.errors import FlagkeeperError
from flagkeeper.output.formats import FORMATS, TEXT_FORMATS, render_findings
from flagkeeper.paths import display_path

# Each command imports what only it needs inside its function: `flagkeeper check` on a small
# project is mostly the import of the package, and should not pay for the other commands'.
if TYPE_CHECKING:
    from flagkeeper.checks.base import Rule
    from flagkeeper.checks.diagnostic import Diagnostic
    from flagkeeper.cli.projects import ProjectFindings, Selection
    from flagkeeper.config import Config
    from flagkeeper.output.graph import GraphView
    from flagkeeper.project.model import Project


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    """`--select FK001,FK002 --select FK003` -> ("FK001", "FK002", "FK003")."""
    return comma_list(values)


def _reachability_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options of the commands that judge reachability from the entry points."""
    command = click.option(
        "--include-tests-as-entry-points", is_flag=True, help="Count test files as entry points (code only tests use is then reachable)."
    )(command)
    return click.option(
        "--coverage", "coverage_file", type=click.Path(path_type=Path, dir_okay=False),
        help="A coverage.py data file: say on FK006/FK007 findings whether the code ran.",
    )(command)  # fmt: skip


def _note_missing_entry_points(project: Project) -> None:
    click.echo(
        f"flagkeeper: note: project {display_path(project.config.root)} has no entry points (set entry-points in "
        "its config, or declare [project.scripts]): reachability rules FK006, FK007 and FK010 were skipped",
        err=True,
    )


class _LazyGroup(click.Group):
    """Commands of other modules load when named: `check` does not import the registry editor or the report."""

    lazy = {"registry": "flagkeeper.cli.registry:registry", "init": "flagkeeper.cli.registry:init",
            "remove": "flagkeeper.cli.remove:remove", "report": "flagkeeper.cli.report:report",
            "pull": "flagkeeper.cli.pull:pull", "server": "flagkeeper.cli.server:server"}  # fmt: skip

    def list_commands(self, context: click.Context) -> list[str]:
        return sorted([*super().list_commands(context), *self.lazy])

    def get_command(self, context: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return super().get_command(context, name)
        module, attribute = self.lazy[name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="flagkeeper")
@click.pass_context
def main(context: click.Context) -> None:
    """Find feature-flag debt and dead flag-gated code in Python source before it ships."""
    # A run builds millions of objects (every file's facts, the graphs) that hold no reference
    # cycles, and ends soon: reference counting frees them, while the cyclic collector would
    # scan them again and again, a sixth of an incremental check. Back on when the command ends.
    if gc.isenabled():
        gc.disable()
        context.call_on_close(gc.enable)


@main.command()
@projects_options
@_reachability_options
@click.option("--since", "since_revision", metavar="REV", help="Only findings that changes since git revision REV brought.")
@click.option("--select", multiple=True, metavar="CODES", help="Only these rule codes or prefixes (comma-separated, e.g. FK001,FK00).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rule codes or prefixes (comma-separated).")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Add these rule codes or prefixes to the selection.")
@click.option("--extend-ignore", multiple=True, metavar="CODES", help="Skip these as well as the ignored ones (as --ignore).")
@click.option("--output-format", "output_format", type=click.Choice(FORMATS), callback=lambda context, _, value: value or context.params.get("output_format"),
              help="How to show the findings (default: full on a terminal, text otherwise).")  # fmt: skip
@click.option("--format", type=click.Choice(FORMATS), hidden=True, expose_value=False,
              callback=lambda context, _, value: value and context.params.setdefault("output_format", value))  # the older name  # fmt: skip
@click.option("-o", "--output-file", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here instead of to standard output.")
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="warning", show_default=True,
              help="The lowest severity that makes the exit code 1.")  # fmt: skip
@click.option("--warn-unused-ignores", is_flag=True, help="Report suppressions that suppress nothing (FK100).")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Hide the findings recorded in this baseline (default: the config's `baseline`).")  # fmt: skip
@click.option("--write-baseline", type=click.Path(path_type=Path, dir_okay=False), help="Record the current findings as the baseline, exit 0.")
@click.option("--fleet", multiple=True, type=click.Path(path_type=Path, exists=True), metavar="DIR",
              help="Also verify these deploy manifests (a folder or files; repeatable): FK011 fleet-drift.")  # fmt: skip
@click.option("--min-confidence", type=click.IntRange(0, 100), metavar="PERCENT",
              help="Hide dead-code findings (FK006, FK007) less sure than this (default: the config's `min-confidence`, else 0).")  # fmt: skip
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (2 still means a usage or configuration error).")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings and nothing else: no summary, notes or progress.")
@click.option("-s", "--silent", is_flag=True, help="Print nothing; the exit code tells.")
@click.option("-v", "--verbose", is_flag=True, help="Also say on standard error which config, files and rules the run used.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text formats (auto: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces).")  # fmt: skip
@click.option("--stdin-filename", type=click.Path(path_type=Path, dir_okay=False), metavar="PATH",
              help="Read the text of Python file PATH from standard input (an editor's buffer); give `-` as the path.")  # fmt: skip
@click.option("--show-settings", type=click.Path(path_type=Path), metavar="FILE",
              help="Print the settings that judge FILE, and where each comes from; check nothing.")  # fmt: skip
@click.option("--show-files", is_flag=True, help="List the files that would be analysed, per project; check nothing.")
def check(
    projects: Projects, since_revision: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
    extend_select: tuple[str, ...], extend_ignore: tuple[str, ...],
    output_format: str | None, output_file: Path | None, statistics: bool, fail_on: str, warn_unused_ignores: bool,
    baseline_file: Path | None, write_baseline: Path | None, min_confidence: int | None, exit_zero: bool, quiet: bool,
    silent: bool, verbose: bool, color: str, stdin_filename: Path | None, show_settings: Path | None, show_files: bool,
) -> None:  # fmt: skip
    """Lint PATHS (default: the current folder) for flag debt.

    The whole project around PATHS is analysed, so cross-file facts stay right; findings are
    reported for files under PATHS (and the registry, when PATHS holds it). When PATHS name the
    registry, a registry source, a pack or the config, the findings that change brought are
    reported in every file (compared with git's HEAD), as pre-commit needs. Paths under different
    configs are different projects, each analysed whole with its own config, as in ruff.
    """
    from flagkeeper.checks.diagnostic import ERROR, WARNING
    from flagkeeper.checks.runner import validate_codes
    from flagkeeper.cli.projects import MergedFindings, Selection, render_files, render_settings
    from flagkeeper.output.text import render_statistics

    if show_settings is not None or show_files:
        click.echo(render_settings(show_settings, projects.choice) if show_settings is not None else render_files(projects.groups), nl=False)
        sys.exit(0)
    chosen, dropped = _codes(select), _codes(ignore)
    added, skipped_codes = _codes(extend_select), _codes(extend_ignore)
    try:
        for label, codes in (("--select", chosen), ("--ignore", dropped), ("--extend-select", added), ("--extend-ignore", skipped_codes)):
            validate_codes(codes, label)
        if write_baseline is not None and len(projects.groups) > 1:
            raise FlagkeeperError("--write-baseline takes the paths of one project (a baseline is relative to its root)")
        selection = Selection(chosen, dropped + skipped_codes, added, warn_unused_ignores, min_confidence, since_revision)
        runs = _run_projects(projects, selection, stdin_filename, quiet or silent)
        if write_baseline is not None:
            from flagkeeper.output.baseline import write_baseline as write_baseline_file

            write_baseline_file(write_baseline, runs[0].found, runs[0].root)
            click.echo(f"wrote {len(runs[0].found)} findings to the baseline {display_path(write_baseline.resolve())}", err=True)
            sys.exit(0)
        runs = [run.without_baseline(baseline_file or run.project.config.baseline) for run in runs]
    except FlagkeeperError as error:
        fail(error)
    merged = MergedFindings.of(runs)
    if verbose:
        for run in runs:
            _explain_run(run)
    output_format = output_format or ("full" if output_file is None and sys.stdout.isatty() else "text")
    root = Path(os.path.commonpath([run.root for run in runs]))
    if statistics:
        report = render_statistics(merged.shown)
    else:
        report = render_findings(output_format, merged.shown, merged.ran, merged.files, root, merged.skipped, merged.hidden)
    if quiet and (statistics or output_format in TEXT_FORMATS):
        report = _without_summary(report)
    if not silent:
        emit(report, output_file, "the findings", color=use_color(color))
    failing = {"warning": (ERROR, WARNING), "error": (ERROR,)}[fail_on]
    exit_now(1 if any(d.severity in failing for d in merged.shown) and not exit_zero else 0)


def _run_projects(projects: Projects, selection: Selection, stdin_filename: Path | None, quiet: bool) -> list[ProjectFindings]:
    """Each project's findings in the files its config judges, in the order of the project roots."""
    runs = []
    for config, paths in projects.groups:
        project = projects.build(config, paths)
        if stdin_filename is not None:
            paths = [stdin_filename.resolve()]
            project = _with_buffer(project, paths[0], sys.stdin.buffer.read())
        found = _project_findings(project, paths, selection, quiet)
        has_nested = any(other.root != config.root and other.root.is_relative_to(config.root) for other, _ in projects.groups)
        runs.append(found.keep(functools.partial(projects.judges, config), has_nested))  # files of a nested project are its own
    return runs


def _project_findings(project: Project, paths: list[Path], selection: Selection, quiet: bool) -> ProjectFindings:
    """One project's findings in `paths`, before the baseline."""
    from flagkeeper.checks.runner import REACHABILITY_CODES, check_project, validate_codes
    from flagkeeper.cli.projects import ProjectFindings

    config = project.config
    per_file = tuple(code for codes in config.per_file_ignores.values() for code in codes)
    configured = [("select", config.select), ("ignore", config.ignore), ("per-file-ignores", per_file)]
    configured += [("extend-select", config.extend_select), ("extend-ignore", config.extend_ignore)]
    for label, codes in configured:
        validate_codes(codes, label, config.source)
    rules = selected_rules(config, selection.chosen, selection.dropped, selection.added)
    run = check_project(project, rules, selection.warn_unused_ignores)
    if not run.has_entry_points and any(rule.code in REACHABILITY_CODES for rule in rules) and not quiet:
        _note_missing_entry_points(project)
    shown = [*paths, *(manifest.path for manifest in project.fleet)]  # the manifests' findings are reported wherever they are
    # A changed registry, registry source, pack or config can bring findings anywhere (a deleted
    # entry makes every read of its key FK001): then those the change brought, in every file.
    widened = _names_project_input(config, paths)
    diagnostics = [d for d in run.diagnostics if widened or any(d.path.is_relative_to(path) for path in shown)]
    least = config.min_confidence if selection.min_confidence is None else selection.min_confidence
    diagnostics = [d for d in diagnostics if d.confidence is None or d.confidence >= least]
    if selection.since_revision is not None or widened:
        diagnostics = _brought_since(project, selection.since_revision, diagnostics, rules)
    ran = tuple(rule for rule in rules if rule.code in run.ran)
    skipped = tuple(rule for rule in rules if rule.code not in run.ran)
    return ProjectFindings(project, diagnostics, diagnostics, ran, skipped, run.files)


def _with_buffer(project: Project, path: Path, data: bytes) -> Project:
    """The project with the text of `path` replaced by an editor's buffer (--stdin-filename); the file may not exist yet."""
    from flagkeeper.analysis.analyse import analyse_file
    from flagkeeper.analysis.discovery import module_name
    from flagkeeper.analysis.scan import ScannedFiles, decode_source
    from flagkeeper.paths import relative_path

    if path.suffix != ".py":
        fail(FlagkeeperError("--stdin-filename must name a Python file", path))
    config = project.config
    relative = relative_path(path, config.root)
    module, is_package = module_name(path, config)
    try:
        buffer = analyse_file(relative, decode_source(data, path), module, is_package, project.matcher)
    except FlagkeeperError as error:
        fail(error)
    files = [facts for facts in project.files if facts.path != relative] + [buffer]
    # The same tree with one file's text replaced: its frontend, coverage and fleet evidence still hold.
    return dataclasses.replace(project, scanned=ScannedFiles.of(files))


def _names_project_input(config: Config, paths: list[Path]) -> bool:
    """Is a path given a file every finding depends on: the registry, a registry source, a project pack, the config?"""
    inputs = {path.resolve() for path in [config.registry, *config.registry_sources, *config.project_packs, *([config.source] if config.source else [])]}
    return any(path in inputs for path in paths)


def _brought_since(project: Project, revision: str | None, diagnostics: list[Diagnostic], rules: list[Rule]) -> list[Diagnostic]:
    """The findings a change brought: since --since REV; or, when a project input was given without it,
    every finding HEAD did not have (all of them outside git or before the first commit)."""
    from flagkeeper.checks.runner import run_checks
    from flagkeeper.history.diff import since

    def run(before: Project) -> list[Diagnostic]:
        return run_checks(before, rules)

    if revision is not None:
        return since(project, revision, diagnostics, run)
    try:
        return since(project, "HEAD", diagnostics, run, every_rule=True)
    except FlagkeeperError:
        return diagnostics


def selected_rules(config: Config, chosen: tuple[str, ...], dropped: tuple[str, ...], added: tuple[str, ...]) -> list[Rule]:
    """ruff's selection: a --select on the command line starts afresh, else the config's `select`;
    --extend-select and `extend-select` add to it, --ignore, --extend-ignore and `extend-ignore` take away."""
    from flagkeeper.checks.runner import select_rules

    base = chosen or config.select
    extended = (*base, *config.extend_select, *added) if base else ()  # no `select` means every rule already
    ignored = dropped if chosen else config.ignore + config.extend_ignore + dropped
    return select_rules(extended, ignored)


def _without_summary(report: str) -> str:
    """A text report less its last line (`Found ...`, `All checks passed`): what --quiet prints."""
    return report[: report.rstrip("\n").rfind("\n") + 1].rstrip("\n") + "\n" if "\n" in report.rstrip("\n") else ""


def _explain_run(run: ProjectFindings) -> None:
    """--verbose: what a project's run was made of, on standard error."""
    from flagkeeper.checks.base import Need
    from flagkeeper.output.text import plural

    project, files, ran, skipped, hidden = run.project, run.files, run.ran, run.skipped, len(run.found) - len(run.shown)
    config = project.config
    lines = [
        f"config: {display_path(config.source) if config.source else 'none (defaults)'}; project root {display_path(config.root)}",
        f"analysed {plural(files, 'Python file')}; registry {display_path(project.registry.path)}",
        f"rules run: {', '.join(rule.code for rule in ran) or 'none'}",
    ]
    for need, reason in ((Need.ENTRY_POINTS, "no entry points"), (Need.SERVICE, "no flag-service state")):
        if codes := [rule.code for rule in skipped if need in rule.needs]:
            lines.append(f"rules skipped ({reason}): {', '.join(codes)}")
    if hidden:
        lines.append(f"the baseline hid {plural(hidden, 'finding')}")
    for line in lines:
        click.echo(f"flagkeeper: {line}", err=True)


@main.command()
@project_options
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def inventory(project: Project, paths: list[Path], output_format: str) -> None:
    """List every flag key in code or registry, its registry status, owner, expiry and references."""
    from flagkeeper.output.inventory import render_inventory_csv, render_inventory_json, render_inventory_table
    from flagkeeper.project.inventory import build_inventory

    entries, dynamic = build_inventory(project)
    render = {"table": render_inventory_table, "json": render_inventory_json, "csv": render_inventory_csv}[output_format]
    click.echo(render(entries, dynamic), nl=False)


@main.command()
@project_options
@_reachability_options
@click.option("--format", "output_format", type=click.Choice(["text", "dot", "json"]), default="text", show_default=True)
@click.option("--entry-points", "list_entry_points", is_flag=True, help="List the entry points found and why each is one (text or json).")
def graph(project: Project, paths: list[Path], output_format: str, list_entry_points: bool) -> None:
    """Show the import graph: entry points, unreachable and zombie modules.

    `--format dot` renders with Graphviz (`dot -Tsvg`); `json` lists every node and edge with
    the flag guards on the edges. `--entry-points` lists the entry points instead, each with the
    reasons it is one (configured, packaging, or a framework's convention).
    """
    from flagkeeper.output.graph import (
        render_entry_points_json,
        render_entry_points_text,
        render_graph_dot,
        render_graph_json,
        render_graph_text,
    )

    if not project.entry_points:
        message = "no entry points: set entry-points in [tool.flagkeeper], declare [project.scripts], or add a __main__ module"
        fail(FlagkeeperError(message, project.config.source))
    render = {"text": render_graph_text, "dot": render_graph_dot, "json": render_graph_json}[output_format]
    if list_entry_points:
        render = render_entry_points_json if output_format == "json" else render_entry_points_text
    click.echo(render(graph_view(project)), nl=False)


def graph_view(project: Project) -> GraphView:
    """The import graph as `flagkeeper graph` shows it: statuses, and guards with whether their flag is dead."""
    from flagkeeper.output.graph import GraphEdge, GraphGuard, GraphModule, GraphView

    graph = project.import_graph
    modules = tuple(GraphModule(module, graph.facts(module).path, status) for module, status in sorted(project.module_status.items()))
    edges = tuple(
        GraphEdge(edge.source, edge.target, edge.line, tuple(sorted(
            (GraphGuard(guard.key, guard.polarity, project.is_dead(guard)) for guard in edge.guards), key=lambda guard: guard.label
        )))
        for edge in sorted(graph.edges(), key=lambda edge: (edge.source, edge.target))
    )  # fmt: skip
    return GraphView(project.entry_points, modules, edges, tuple(project.entry_point_reasons.items()))


@main.command()
@click.argument("base")
@click.argument("head", required=False)
@CONFIG_OPTION
@TODAY_OPTION
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff(base: str, head: str | None, config_file: Path | None, today: dt.datetime | None, output_format: str) -> None:
    """Flags added, extinct, moved and repurposed from BASE to HEAD.

    BASE and HEAD are git revisions of the project in the current folder (HEAD defaults to the
    working tree), read from git's objects without touching the working tree; or two folders.
    Exit 1 when a key was repurposed: it disappeared and came back, its reads moved entirely
    to other modules, or its registry description or type changed while its reads remained.
    """
    from flagkeeper.history.diff import compare, diff_revisions
    from flagkeeper.history.render import render_diff_json, render_diff_text
    from flagkeeper.project.inventory import flag_states

    try:
        if Path(base).is_dir() and head is not None and Path(head).is_dir():
            old, new = (load_project([Path(folder)], config_file, None, today) for folder in (base, head))
            shown_base, shown_head, changes = base, head, compare(flag_states(old), flag_states(new), {})
        else:
            project = load_project([Path(".")], config_file, None, today)
            shown_base, shown_head, changes = diff_revisions(project, base, head)
    except FlagkeeperError as error:
        fail(error)
    render = render_diff_json if output_format == "json" else render_diff_text
    click.echo(render(shown_base, shown_head, changes), nl=False)
    sys.exit(1 if any(change.kind == "repurposed" for change in changes) else 0)


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
def rule(code: str | None, show_all: bool) -> None:
    """Print a rule's documentation (FK003, or its name such as retired-key-reused)."""
    from flagkeeper.output.ruledocs import find_rule, rule_markdown, rules_index

    if show_all or code is None:
        click.echo(rules_index(), nl=False)
        return
    try:
        click.echo(rule_markdown(find_rule(code)), nl=False)
    except FlagkeeperError as error:
        fail(error)


@main.command()
@project_options
@click.option("--build-id", metavar="ID", help="The build's id (default: the project's git commit, or 'unknown').")
@click.option("-o", "--output-file", "--output", "output_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the fragment here instead of to standard output.")  # fmt: skip
def fingerprint(project: Project, paths: list[Path], build_id: str | None, output_file: Path | None) -> None:
    """Print the deploy-manifest fragment of this build: its id, code hash and flag meanings.

    A flag's meaning is a hash of its registry description, type, owner and scope and of the
    modules that read it: `fleet verify` compares them across servers. Same tree, same output.
    """
    from flagkeeper.fleet.fingerprint import fingerprint as fleet_fingerprint
    from flagkeeper.fleet.fingerprint import render_fingerprint

    emit(render_fingerprint(fleet_fingerprint(project, build_id)), output_file, "the fingerprint")


@main.group()
def fleet() -> None:
    """Check the fleet's deploy manifests before and after a deploy."""


@fleet.command()
@click.argument("manifests", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--expect", metavar="BUILD", help="The build every server must run.")
@click.option("--registry", type=click.Path(path_type=Path, dir_okay=False),
              help="The flag registry, for kill switches and what a key means (default: the project's around the manifests).")  # fmt: skip
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def verify(manifests: tuple[Path, ...], expect: str | None, registry: Path | None, output_format: str) -> None:
    """The servers' deploy manifests (a folder of them, or files) agree: FK011 fleet-drift.

    Exit 1 when a server runs another build or code than the majority (or than --expect), or
    when a flag switched on means something else on one server, is unknown to its build, or a
    kill switch is missing from one; 0 when all agree; 2 on a malformed manifest.
    """
    from flagkeeper.checks.fk011_fleet_drift import short
    from flagkeeper.checks.fk011_fleet_drift import verify as verify_fleet
    from flagkeeper.config import load_config
    from flagkeeper.fleet.fingerprint import render_fleet_table
    from flagkeeper.output.json import render_json
    from flagkeeper.output.text import render_text
    from flagkeeper.project.fleet import load_manifests
    from flagkeeper.registry.model import load_registry

    try:
        loaded = load_manifests(list(manifests))
        config = load_config([loaded[0].path.parent])
        known = registry or (config.registry if config.source is not None else None)
        flags = load_registry(known, required=registry is not None) if known is not None else None
        outcome = verify_fleet(loaded, expect, flags)
    except FlagkeeperError as error:
        fail(error)
    if output_format == "json":
        click.echo(render_json(outcome.diagnostics), nl=False)
    else:
        click.echo(render_fleet_table(outcome))
        if outcome.diagnostics:
            click.echo(render_text(outcome.diagnostics), nl=False)
        else:
            build, code = outcome.reference
            click.echo(f"All {len(loaded)} servers agree: build {build}, code {short(code)}.")
    sys.exit(1 if outcome.diagnostics else 0)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@CONFIG_OPTION
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), help="The cache folder to remove (default: as `check` finds it).")
def clean(paths: tuple[Path, ...], config_file: Path | None, cache_dir: Path | None) -> None:
    """Remove the per-file cache of the project around PATHS (default: the current folder).

    Only a flagkeeper cache is removed: not a link, not another user's folder, not one git
    tracks, and only one holding the CACHEDIR.TAG flagkeeper writes.
    """
    from flagkeeper.analysis.cache import remove_cache
    from flagkeeper.config import load_config

    try:
        folder = scan_options(load_config(list(paths) or [Path(".")], config_file), cache_dir=cache_dir).cache_dir
        if folder is None:
            click.echo("flagkeeper: the cache is off (FLAGKEEPER_NO_CACHE): nothing to remove", err=True)
        elif remove_cache(folder):
            click.echo(f"Removed the cache {display_path(folder)}")
        else:
            click.echo(f"No cache at {display_path(folder)}")
    except FlagkeeperError as error:
        fail(error)


def run() -> None:
    """The console script and `python -m flagkeeper`: `main`, leaving fast when a command is done."""
    enable_fast_exit()
    main()

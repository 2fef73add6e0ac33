"""`flagkeeper remove KEY=VALUE ...` (or `KEY --value V`, or `--from-report REPORT.json`): the
codemod that deletes flags and the code they made dead, all in one run.

Prints a unified diff by default and changes nothing (exit 1 when it would change something,
0 when not, as `ruff --diff` does); `--write` applies it (exit 0). A per-file summary and the
modules that became unreachable go to standard error. Errors exit 2.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from flagkeeper.cli.common import CONFIG_OPTION, TODAY_OPTION, fail, load_project
from flagkeeper.errors import FlagkeeperError
from flagkeeper.output.text import plural
from flagkeeper.paths import relative_path
from flagkeeper.project.model import Project
from flagkeeper.registry.edit import edit_registry, last_commit_reading, retire_entry

if TYPE_CHECKING:  # removal imports libcst, a fifth of a second that only this command should pay
    from flagkeeper.remove.project import FileChange, RemovalPlan

_NOUNS = ("branch", "dead statement", "local", "import", "constant", "function", "test", "override", "registration", "default")


def summary(change: FileChange) -> str:
    """`smars/routing/router.py: replaced 1 read, removed 1 branch, 1 import`."""
    if change.after is None:
        return f"{change.shown}: deleted (no entry point reaches it any more)"
    counts = change.counts
    parts = [f"replaced {plural(counts['read'], 'read')}"] if counts["read"] else []
    removed = [plural(counts[noun], noun) for noun in _NOUNS if counts[noun]]
    if removed:
        parts.append("removed " + ", ".join(removed))
    if counts.get("tombstone"):
        parts.append("moved the entry to [retired]" if counts["tombstone"] == 1 else f"moved {counts['tombstone']} entries to [retired]")
    return f"{change.shown}: {', '.join(parts) or 'changed'}"


def _registry_shown(project: Project) -> str:
    return relative_path(project.config.registry, project.config.root)


def _retire_edit(project: Project, key: str, meaning: str | None) -> Callable[[str], str] | None:
    """The edit that moves KEY to [retired]; None when it is retired already."""
    registry = project.registry
    if key in registry.retired and key not in registry.flags:
        return None
    entry = registry.flags.get(key)
    registered = project.registered.get(key)  # flags.toml's description first, then the code's
    meaning = meaning or (entry.text("description") if entry else None) or (registered.field("description") if registered else None)
    if not meaning:
        raise FlagkeeperError(f"'{key}' has no description in the registry: say what it meant with --meaning")
    last_commit = last_commit_reading(project.config.root, key)
    return partial(retire_entry, path=project.config.registry, key=key, meaning=meaning, today=project.today, last_commit=last_commit)


def _registry_change(project: Project, keys: list[str], meaning: str | None) -> tuple[FileChange, Callable[[str], str]] | None:
    """The registry with the KEYS moved to [retired], and the edit that does it; None when all are retired already."""
    edits = [edit for key in keys if (edit := _retire_edit(project, key, meaning)) is not None]
    if not edits:
        return None

    def retire_all(text: str) -> str:
        for edit in edits:
            text = edit(text)
        return text

    path = project.config.registry
    before = path.read_text(encoding="utf-8") if path.is_file() else ""
    shown = _registry_shown(project)
    from flagkeeper.remove.project import FileChange

    return FileChange(path, shown, before, retire_all(before), Counter({"tombstone": len(edits)})), retire_all


def _keep_entries(plan: RemovalPlan, project: Project, keys: list[str]) -> None:
    """Without --registry-retire the registry entries stay: the last traces, listed for the user."""
    from flagkeeper.remove.traceedit import Remaining

    shown = _registry_shown(project)
    for key in keys:
        if key in project.registry.flags:
            line = project.registry.flags[key].line
            plan.remaining.append(Remaining(shown, line, f"the entry of '{key}' stays: --registry-retire turns it into a tombstone"))


def _apply(plan: RemovalPlan, retirement: tuple[FileChange, Callable[[str], str]] | None, root: Path) -> None:
    """All or nothing (remove/write.py): the registry is edited only once every file is written,
    under its lock, on its text as it is then; if that fails the files go back as they were."""
    from flagkeeper.remove.write import apply_changes

    # create: where flags live only in code, the tombstone starts flags.toml
    retire = None if retirement is None else partial(edit_registry, retirement[0].path, retirement[1], create=True)
    apply_changes(plan.changes, root, retire)


def _remaining(plan: RemovalPlan) -> None:
    """The traces flagkeeper left to a person, last, where they are seen."""
    if plan.remaining:
        click.echo(f"remaining work ({len(plan.remaining)}): traces flagkeeper did not remove", err=True)
        for entry in plan.remaining:
            click.echo(f"  {entry}", err=True)


def _report(plan: RemovalPlan, changes: list[FileChange], write: bool) -> None:
    """`changes`: the plan's and the registry's, in that order."""
    for change in changes:
        click.echo(summary(change), err=True)
    if plan.unreachable:
        done = "deleted" if write and plan.deleted else ("to delete" if plan.deleted else "delete them with --delete-modules")
        click.echo(f"modules no entry point reaches any more ({done}): {', '.join(plan.unreachable)}", err=True)
    for note in plan.notes:
        click.echo(f"flagkeeper: note: {note}", err=True)
    for error in plan.errors:
        click.echo(f"flagkeeper: error: {error}", err=True)
    click.echo(f"{'changed' if write else 'would change'} {plural(len(changes), 'file')}" if changes else "nothing to change", err=True)
    _remaining(plan)


def _flags_and_paths(arguments: tuple[str, ...], value_text: str | None, report: Path | None) -> tuple[dict[str, Any], list[Path]]:
    """The flags to remove with their values, and the PATHS, from the command line and the report."""
    from flagkeeper.remove.batch import combine, is_flag_argument, parse_flag_argument, parse_value, report_flags

    if value_text is not None:
        if not arguments:
            raise FlagkeeperError("give the KEY whose value --value is")
        key, *rest = arguments  # the KEY as given, even with a `=` in it, as before KEY=VALUE
        flags = [(key, parse_value(value_text))]
    else:
        rest = [argument for argument in arguments if not is_flag_argument(argument)]
        flags = [parse_flag_argument(argument) for argument in arguments if is_flag_argument(argument)]
        if rest and not flags and report is None:
            raise FlagkeeperError(f"'{rest[0]}': give KEY=VALUE (such as {rest[0]}=false), or KEY --value VALUE")
    if report is not None:
        flags += report_flags(report)
    elif not flags:
        raise FlagkeeperError("give the flags to remove: KEY=VALUE ..., KEY --value VALUE, or --from-report REPORT.json")
    return combine(flags), [Path(path) for path in rest]


@click.command()
@click.argument("arguments", nargs=-1, metavar="KEY=VALUE... [PATHS]...")
@click.option("--value", "value_text", metavar="true|false|LITERAL",
              help="With one KEY: the value it keeps for good, true or false, or a Python literal for a multivariate flag ('\"blue\"', 3).")  # fmt: skip
@click.option("--from-report", "report", type=click.Path(path_type=Path, dir_okay=False), metavar="REPORT.json",
              help="Also remove the flags a quarterly report (`flagkeeper report --format json`) says to remove, with their values.")  # fmt: skip
@click.option("--diff", "show_diff", is_flag=True, help="Print the unified diff and change nothing (the default).")
@click.option("--write", is_flag=True, help="Apply the changes.")
@click.option("--tests", is_flag=True, help="Also delete tests that use deleted code or switch a flag to its other value.")
@click.option("--delete-modules", is_flag=True, help="Delete the modules that no entry point reaches any more.")
@click.option("--registry-retire", is_flag=True, help="Move each flag's registry entry to [retired] with a tombstone.")
@click.option("--meaning", help="What the key meant, for the tombstone (default: the entry's description); one flag only.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the diff on standard output, a summary on standard error; json: the whole plan as one JSON document.")  # fmt: skip
@CONFIG_OPTION
@click.option("--registry", type=click.Path(path_type=Path, dir_okay=False), help="The flag registry (default: flags.toml at the project root).")
@TODAY_OPTION
def remove(
    arguments: tuple[str, ...], value_text: str | None, report: Path | None, show_diff: bool, write: bool, tests: bool,
    delete_modules: bool, registry_retire: bool, meaning: str | None, output_format: str, config_file: Path | None,
    registry: Path | None, today: dt.datetime | None,
) -> None:  # fmt: skip
    """Remove flags from the code under PATHS, each as if it always read its VALUE.

    Give the flags as KEY=VALUE (`new_flow=false checkout_v2=true`), one flag as KEY --value
    VALUE, or those a quarterly report says to remove with --from-report REPORT.json; all go
    in one run, one diff. VALUE is true or false, or a Python literal ('"blue"', 3).

    Every read of KEY (also through constants) becomes VALUE; `not`, `and`/`or`, comparisons,
    `if`/`elif`/`else`, conditional expressions and `while` are simplified, and then the
    imports, key constants and private functions that only the deleted code used are deleted.
    Overrides of each KEY in tests and settings, its registrations in code and its
    defaults-mapping entries go too; what flagkeeper cannot remove (frontend reads, computed
    keys) is listed at the end as remaining work, with file and line. The whole project around
    PATHS (default: the current folder) is analysed; only files under PATHS change.

    Every new file must compile; a file flagkeeper cannot change safely is left unchanged with
    a one-line reason, the others are changed, and no registry entry is retired. With
    --write, either every file is written or none is.

    Exit codes: with --diff (the default) 1 when something would change, 0 when nothing would;
    with --write 0; 2 for an unknown key, bad input, a file left unchanged, or a failed write
    (then no file was changed). See docs/remove.md.
    """
    if show_diff and write:
        fail(FlagkeeperError("give --diff or --write, not both"))
    try:
        from flagkeeper.remove.project import plan_removal

        flags, given = _flags_and_paths(arguments, value_text, report)
        if meaning is not None and len(flags) > 1:
            raise FlagkeeperError("--meaning says what one flag meant: with several, each tombstone takes its entry's description")
        given = given or [Path(".")]
        project = load_project(given, config_file, registry, today)
        plan = plan_removal(project, flags, [path.resolve() for path in given], tests, delete_modules) if flags else None
        retirement = _registry_change(project, list(flags), meaning) if registry_retire and plan and not plan.errors else None
        if plan is None:
            from flagkeeper.remove.project import RemovalPlan

            plan = RemovalPlan([], [], [], [], [f"{report} lists no flag to remove"])
        elif registry_retire and plan.errors:
            entries = f"entry of '{next(iter(flags))}' stays: a file that reads it" if len(flags) == 1 else "entries stay: a file that reads one"
            plan.notes.append(f"the registry {entries} was left unchanged")
        elif registry_retire and retirement is None:
            retired = f"'{next(iter(flags))}' is" if len(flags) == 1 else "every flag is"
            plan.notes.append(f"{retired} retired in the registry already")
        if not registry_retire:
            _keep_entries(plan, project, list(flags))
        if write:
            _apply(plan, retirement, project.config.root)
    except FlagkeeperError as error:
        fail(error)
    registry_change = retirement[0] if retirement else None
    changes = plan.changes + ([registry_change] if registry_change else [])
    from flagkeeper.remove.report import plan_json, unified_diff

    if output_format == "json":
        click.echo(plan_json(plan, changes, flags, write), nl=False)
        for message in plan.errors:
            click.echo(f"flagkeeper: error: {message}", err=True)
    else:
        if len(flags) > 1 or report is not None:
            listed = ", ".join(f"{key}={_shown(value)}" for key, value in flags.items())
            click.echo(f"removing {plural(len(flags), 'flag')}: {listed}", err=True)
        if not write:
            for change in changes:
                click.echo(unified_diff(change), nl=False)
        _report(plan, changes, write)
    if plan.errors:
        sys.exit(2)
    sys.exit(1 if not write and (plan.changes or registry_change) else 0)


def _shown(value: Any) -> str:
    """A value as it is written on the command line: true, false, "blue", 3."""
    return str(value).lower() if isinstance(value, bool) else repr(value).replace("'", '"') if isinstance(value, str) else repr(value)

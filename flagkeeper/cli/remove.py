"""`flagkeeper remove KEY --value V`: the codemod that deletes a flag and the code it made dead.

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
from typing import TYPE_CHECKING

import click

from flagkeeper.cli.common import CONFIG_OPTION, TODAY_OPTION, fail, load_project
from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import relative_path
from flagkeeper.project.model import Project
from flagkeeper.registry.edit import edit_registry, last_commit_reading, retire_entry

if TYPE_CHECKING:  # removal imports libcst, a fifth of a second that only this command should pay
    from flagkeeper.remove.project import FileChange, RemovalPlan

_NOUNS = ("branch", "dead statement", "local", "import", "constant", "function", "test", "override", "registration", "default")


def _plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun}es" if noun.endswith(("ch", "s")) else f"{count} {noun}s"


def summary(change: FileChange) -> str:
    """`smars/routing/router.py: replaced 1 read, removed 1 branch, 1 import`."""
    if change.after is None:
        return f"{change.shown}: deleted (no entry point reaches it any more)"
    counts = change.counts
    parts = [f"replaced {_plural(counts['read'], 'read')}"] if counts["read"] else []
    removed = [_plural(counts[noun], noun) for noun in _NOUNS if counts[noun]]
    if removed:
        parts.append("removed " + ", ".join(removed))
    if counts.get("tombstone"):
        parts.append("moved the entry to [retired]")
    return f"{change.shown}: {', '.join(parts) or 'changed'}"


def _registry_shown(project: Project) -> str:
    return relative_path(project.config.registry, project.config.root)


def _registry_change(project: Project, key: str, meaning: str | None) -> tuple[FileChange, Callable[[str], str]] | None:
    """The registry with KEY moved to [retired], and the edit that does it; None when it is retired already."""
    registry = project.registry
    if key in registry.retired and key not in registry.flags:
        return None
    entry = registry.flags.get(key)
    registered = project.registered.get(key)  # flags.toml's description first, then the code's
    meaning = meaning or (entry.text("description") if entry else None) or (registered.field("description") if registered else None)
    if not meaning:
        raise FlagkeeperError(f"'{key}' has no description in the registry: say what it meant with --meaning")
    path = project.config.registry
    before = path.read_text(encoding="utf-8") if path.is_file() else ""
    edit = partial(retire_entry, path=path, key=key, meaning=meaning, today=project.today, last_commit=last_commit_reading(project.config.root, key))
    shown = _registry_shown(project)
    from flagkeeper.remove.project import FileChange

    return FileChange(path, shown, before, edit(before), Counter({"tombstone": 1})), edit


def _keep_entry(plan: RemovalPlan, project: Project, key: str) -> None:
    """Without --registry-retire the registry entry stays: the last trace, listed for the user."""
    from flagkeeper.remove.traceedit import Remaining

    shown = _registry_shown(project)
    plan.remaining.append(Remaining(shown, project.registry.flags[key].line, f"the entry of '{key}' stays: --registry-retire turns it into a tombstone"))


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
        click.echo(f"remaining work ({len(plan.remaining)}): traces of the flag flagkeeper did not remove", err=True)
        for entry in plan.remaining:
            click.echo(f"  {entry}", err=True)


def _report(plan: RemovalPlan, registry_change: FileChange | None, write: bool) -> None:
    changes = plan.changes + ([registry_change] if registry_change else [])
    for change in changes:
        click.echo(summary(change), err=True)
    if plan.unreachable:
        done = "deleted" if write and plan.deleted else ("to delete" if plan.deleted else "delete them with --delete-modules")
        click.echo(f"modules no entry point reaches any more ({done}): {', '.join(plan.unreachable)}", err=True)
    for note in plan.notes:
        click.echo(f"flagkeeper: note: {note}", err=True)
    for error in plan.errors:
        click.echo(f"flagkeeper: error: {error}", err=True)
    files = "1 file" if len(changes) == 1 else f"{len(changes)} files"
    click.echo(f"{'changed' if write else 'would change'} {files}" if changes else "nothing to change", err=True)
    _remaining(plan)


@click.command()
@click.argument("key")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--value", "value_text", required=True, metavar="true|false|LITERAL",
              help="The value the flag keeps for good: true or false, or a Python literal for a multivariate flag ('\"blue\"', 3).")  # fmt: skip
@click.option("--diff", "show_diff", is_flag=True, help="Print the unified diff and change nothing (the default).")
@click.option("--write", is_flag=True, help="Apply the changes.")
@click.option("--tests", is_flag=True, help="Also delete tests that use deleted code or switch the flag to its other value.")
@click.option("--delete-modules", is_flag=True, help="Delete the modules that no entry point reaches any more.")
@click.option("--registry-retire", is_flag=True, help="Move the flag's registry entry to [retired] with a tombstone.")
@click.option("--meaning", help="What the key meant, for the tombstone (default: the entry's description).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the diff on standard output, a summary on standard error; json: the whole plan as one JSON document.")  # fmt: skip
@CONFIG_OPTION
@click.option("--registry", type=click.Path(path_type=Path, dir_okay=False), help="The flag registry (default: flags.toml at the project root).")
@TODAY_OPTION
def remove(
    key: str, paths: tuple[Path, ...], value_text: str, show_diff: bool, write: bool, tests: bool, delete_modules: bool,
    registry_retire: bool, meaning: str | None, output_format: str, config_file: Path | None, registry: Path | None, today: dt.datetime | None,
) -> None:  # fmt: skip
    """Remove flag KEY from the code under PATHS, as if it always read VALUE.

    Every read of KEY (also through constants) becomes VALUE; `not`, `and`/`or`, comparisons,
    `if`/`elif`/`else`, conditional expressions and `while` are simplified, and then the
    imports, key constants and private functions that only the deleted code used are deleted.
    Overrides of KEY in tests and settings, its registrations in code and its defaults-mapping
    entries go too; what flagkeeper cannot remove (frontend reads, computed keys) is listed at
    the end as remaining work, with file and line. The whole project around PATHS (default:
    the current folder) is analysed; only files under PATHS change.

    Every new file must compile; a file flagkeeper cannot change safely is left unchanged with
    a one-line reason, the others are changed, and the registry entry is not retired. With
    --write, either every file is written or none is.

    Exit codes: with --diff (the default) 1 when something would change, 0 when nothing would;
    with --write 0; 2 for an unknown key, bad input, a file left unchanged, or a failed write
    (then no file was changed). See docs/remove.md.
    """
    if show_diff and write:
        fail(FlagkeeperError("give --diff or --write, not both"))
    given = list(paths) or [Path(".")]
    try:
        from flagkeeper.remove.project import parse_value, plan_removal

        value = parse_value(value_text)
        project = load_project(given, config_file, registry, today)
        plan = plan_removal(project, key, value, [path.resolve() for path in given], tests, delete_modules)
        retirement = _registry_change(project, key, meaning) if registry_retire and not plan.errors else None
        if registry_retire and plan.errors:
            plan.notes.append(f"the registry entry of '{key}' stays: a file that reads it was left unchanged")
        elif registry_retire and retirement is None:
            plan.notes.append(f"'{key}' is retired in the registry already")
        elif not registry_retire and key in project.registry.flags:
            _keep_entry(plan, project, key)
        if write:
            _apply(plan, retirement, project.config.root)
    except FlagkeeperError as error:
        fail(error)
    registry_change = retirement[0] if retirement else None
    from flagkeeper.remove.report import plan_json, unified_diff

    if output_format == "json":
        click.echo(plan_json(plan, plan.changes + ([registry_change] if registry_change else []), key, value, write), nl=False)
    elif not write:
        for change in plan.changes + ([registry_change] if registry_change else []):
            click.echo(unified_diff(change), nl=False)
    if output_format == "text":
        _report(plan, registry_change, write)
    else:
        for message in plan.errors:
            click.echo(f"flagkeeper: error: {message}", err=True)
    if plan.errors:
        sys.exit(2)
    sys.exit(1 if not write and (plan.changes or registry_change) else 0)

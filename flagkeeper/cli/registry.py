"""`flagkeeper registry ...` and `flagkeeper init`: every step of a flag's life from the command line."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from flagkeeper.checks.runner import registry_rules
from flagkeeper.cli.common import CONFIG_OPTION, TODAY_OPTION, as_date, fail, load_project
from flagkeeper.config import FLAG_TYPES, MAX_LIFETIME, load_config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.output.inventory import flag_table
from flagkeeper.output.json import render_json
from flagkeeper.output.text import render_text
from flagkeeper.paths import display_path, write_output
from flagkeeper.project.inventory import build_inventory
from flagkeeper.project.model import Project
from flagkeeper.registry.edit import (
    NewFlag,
    add_flag,
    extend_flag,
    import_flags,
    last_commit_reading,
    plan_import,
    retire_flag,
)
from flagkeeper.registry.exports import FORMATS, parse_export
from flagkeeper.registry.lifecycle import FlagStatus, default_expiry
from flagkeeper.registry.model import load_registry
from flagkeeper.tomlread import read_text

_REGISTRY_OPTION = click.option("--registry", type=click.Path(path_type=Path, dir_okay=False), help="The registry (default: the configured one).")


def _registry_path(config_file: Path | None, registry: Path | None) -> tuple[Path, dict[str, int | None]]:
    config = load_config([Path(".")], config_file)
    return (registry.resolve() if registry else config.registry), config.lifetimes


@click.group()
def registry() -> None:
    """Add, extend, retire, list, validate and import flags in the registry (flags.toml)."""


@registry.command()
@click.argument("key")
@click.option("--owner", required=True, help="The team that will remove the flag.")
@click.option("--type", "flag_type", required=True, type=click.Choice(FLAG_TYPES))
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Expiry date (YYYY-MM-DD).")
@click.option("--lifetime", type=click.IntRange(min=1, max=MAX_LIFETIME), help="Expiry in DAYS from today (default: the type's lifetime).")
@click.option("--description", help="What the flag switches.")
@click.option("--scope", multiple=True, help="Module glob where the flag may be read (repeatable).")
@CONFIG_OPTION
@_REGISTRY_OPTION
@TODAY_OPTION
def add(key: str, owner: str, flag_type: str, expires: dt.datetime | None, lifetime: int | None, description: str | None,
        scope: tuple[str, ...], config_file: Path | None, registry: Path | None, today: dt.datetime | None) -> None:  # fmt: skip
    """Register KEY. A key that is registered, or retired, is refused (the tombstone is shown)."""
    if expires and lifetime:
        fail(FlagkeeperError("give --expires or --lifetime, not both"))
    try:
        path, lifetimes = _registry_path(config_file, registry)
        created = as_date(today)
        if expires:
            expiry: dt.date | None = expires.date()
        else:
            expiry = default_expiry(flag_type, created, {**lifetimes, flag_type: lifetime} if lifetime else lifetimes)
        add_flag(path, NewFlag(key, owner, flag_type, created, expiry, description, scope))
    except FlagkeeperError as error:
        fail(error)
    click.echo(f"registered '{key}' in {display_path(path)}" + (f", expires {expiry}" if expiry else ""))


@registry.command()
@click.argument("key")
@click.option("--to", "to", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="The new expiry date.")
@click.option("--reason", required=True, help="Why the flag needs longer (kept in the entry's history).")
@CONFIG_OPTION
@_REGISTRY_OPTION
@TODAY_OPTION
def extend(key: str, to: dt.datetime, reason: str, config_file: Path | None, registry: Path | None, today: dt.datetime | None) -> None:
    """Move KEY's expiry to a later date, keeping a short history of extensions."""
    try:
        path, _ = _registry_path(config_file, registry)
        extend_flag(path, key, to.date(), reason, as_date(today))
    except FlagkeeperError as error:
        fail(error)
    click.echo(f"'{key}' now expires {to.date()}")


@registry.command()
@click.argument("key")
@click.option("--meaning", required=True, help="What the key switched on: the tombstone keeps it.")
@click.option("--force", is_flag=True, help="Retire even though code still reads the key.")
@CONFIG_OPTION
@_REGISTRY_OPTION
@TODAY_OPTION
def retire(key: str, meaning: str, force: bool, config_file: Path | None, registry: Path | None, today: dt.datetime | None) -> None:
    """Move KEY to [retired] with a tombstone; refused while code still reads it, unless --force."""
    try:
        project = load_project([Path(".")], config_file, registry, today)
        readers = project.inventory.get(key, [])
        if readers and not force:
            places = ", ".join(f"{display_path(ref.path)}:{ref.read.line}" for ref in readers[:5])
            raise FlagkeeperError(f"'{key}' is still read by code ({places}): remove the reads first, or use --force")
        retire_flag(project.config.registry, key, meaning, project.today, last_commit_reading(project.config.root, key))
    except FlagkeeperError as error:
        fail(error)
    click.echo(f"retired '{key}' in {display_path(project.config.registry)}")


@registry.command(name="list")
@click.option("--owner", help="Only this owner's flags.")
@click.option("--type", "flag_type", type=click.Choice(FLAG_TYPES), help="Only flags of this type.")
@click.option("--status", type=click.Choice([FlagStatus.ACTIVE.value, FlagStatus.EXPIRED.value, FlagStatus.RETIRED.value]), help="Only flags with this status.")
@click.option("--expired", is_flag=True, help="Only expired flags (same as --status expired).")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@CONFIG_OPTION
@_REGISTRY_OPTION
@TODAY_OPTION
def list_flags(owner: str | None, flag_type: str | None, status: str | None, expired: bool, output_format: str,
               config_file: Path | None, registry: Path | None, today: dt.datetime | None) -> None:  # fmt: skip
    """List registered and retired flags, with their status and reads."""
    try:
        entries, _ = build_inventory(load_project([Path(".")], config_file, registry, today))
    except FlagkeeperError as error:
        fail(error)
    wanted = FlagStatus.EXPIRED if expired else status
    rows = [
        entry for entry in entries
        if entry.status is not FlagStatus.UNREGISTERED and (owner is None or entry.owner == owner)
        and (flag_type is None or entry.type == flag_type) and (wanted is None or entry.status == wanted)
    ]  # fmt: skip
    if output_format == "json":
        records = [
            {"key": e.key, "status": e.status, "owner": e.owner, "type": e.type, "expires": e.expires, "reads": len(e.places),
             "sources": sorted({found.source for found in e.sources})}
            for e in rows
        ]  # fmt: skip
        click.echo(json.dumps(records, indent=2))
        return
    click.echo("\n".join(flag_table(rows)))


@registry.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@CONFIG_OPTION
def validate(files: tuple[Path, ...], output_format: str, config_file: Path | None) -> None:
    """Check registries for FK008 only (for a pre-commit hook on flags.toml): FILES, or the configured one."""
    try:
        paths = [path.resolve() for path in files] or [load_config([Path(".")], config_file).registry]
        registries = [load_registry(path, required=True) for path in paths]
        diagnostics = [d for loaded in registries for rule in registry_rules() for d in rule.check_registry(loaded)]
    except FlagkeeperError as error:
        fail(error)
    click.echo(render_json(diagnostics) if output_format == "json" else render_text(diagnostics), nl=False)
    sys.exit(1 if diagnostics else 0)


@registry.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--from", "source", required=True, type=click.Choice(FORMATS), help="The export's format.")
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
@CONFIG_OPTION
@_REGISTRY_OPTION
@TODAY_OPTION
def import_export(file: Path, source: str, dry_run: bool, config_file: Path | None, registry: Path | None, today: dt.datetime | None) -> None:
    """Import flag definitions from an OpenFeature flagd, Unleash or LaunchDarkly export (JSON).

    New flags are added with the owner, type and dates the export has; registered flags get
    only the fields they lack; archived flags become tombstones; retired keys are never
    registered again. The whole import is one atomic edit.
    """
    try:
        path, _ = _registry_path(config_file, registry)
        imported = parse_export(read_text(file), source, file)
        if dry_run:
            text = read_text(path) if path.is_file() else ""
            actions = plan_import(text, path, imported, source, as_date(today))
        else:
            actions = import_flags(path, imported, source, as_date(today))
    except FlagkeeperError as error:
        fail(error)
    width = max((len(action.key) for action in actions), default=0)
    for action in actions:
        click.echo(f"{action.kind:<6}  {action.key.ljust(width)}  {action.detail}")
    changed = sum(action.apply is not None for action in actions)
    click.echo(f"{'would change' if dry_run else 'changed'} {changed} of {len(actions)} flags in {display_path(path)}")


_TODO_OWNER = "TODO: the team that will remove this flag"


def _init_registry(project: Project) -> str:
    """A registry with every key the code reads: owner and type left for people to fill in."""
    lines = [
        "# The flag registry: every flag's owner, type and expiry. Reviewed like code.",
        "# Written by `flagkeeper init`: fill in each owner and type; FK008 points at the ones left.",
        f"# type: {' | '.join(FLAG_TYPES)}",
    ]
    for key, references in project.inventory.items():
        modules = sorted({reference.module for reference in references})
        lines += [
            "", f"[flags.{json.dumps(key) if not key.replace('-', '_').isidentifier() else key}]",
            f'owner = ""                 # {_TODO_OWNER}',
            'type = ""                  # release | experiment | operational | kill-switch | permission',
            f"created = {project.today.isoformat()}",
            f"description = {json.dumps('read in ' + ', '.join(modules))}",
        ]  # fmt: skip
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--force", is_flag=True, help="Overwrite an existing registry and [tool.flagkeeper] section.")
@TODAY_OPTION
def init(path: Path, force: bool, today: dt.datetime | None) -> None:
    """Start flagkeeper in a project: a config section and a flags.toml with every key the code reads."""
    try:
        root = path.resolve()
        project = load_project([root], None, None, today, require_registry=False)
        registry_path, own_config, pyproject = root / "flags.toml", root / "flagkeeper.toml", root / "pyproject.toml"
        has_section = project.config.source is not None and project.config.root == root
        for existing in [registry_path] * registry_path.exists() + [project.config.source] * has_section:
            if existing is not None and not force:
                raise FlagkeeperError("already exists; use --force to overwrite", existing)
        section = 'registry = "flags.toml"\n'
        if pyproject.is_file() and not (has_section and project.config.source == own_config):
            text = pyproject.read_text(encoding="utf-8")
            if "[tool.flagkeeper]" not in text:
                write_output(pyproject, text.rstrip("\n") + "\n\n[tool.flagkeeper]\n" + section, "the config")
            written = pyproject
        else:
            write_output(own_config, section, "the config")
            written = own_config
        write_output(registry_path, _init_registry(project), "the registry")
    except FlagkeeperError as error:
        fail(error)
    click.echo(f"wrote {display_path(registry_path)} ({len(project.inventory)} flags) and the config in {display_path(written)}")
    click.echo("next: fill in each flag's owner and type, then run `flagkeeper check`")

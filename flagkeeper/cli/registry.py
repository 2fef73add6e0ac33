"""`flagkeeper registry ...` and `flagkeeper init`: every step of a flag's life from the command line."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from flagkeeper.analysis.packs import load_matcher
from flagkeeper.checks.runner import registry_rules
from flagkeeper.cli.common import CONFIG_OPTION, TODAY_OPTION, as_date, emit, fail, load_project
from flagkeeper.config import FLAG_TYPES, MAX_LIFETIME, Config, load_config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.output.inventory import flag_table
from flagkeeper.output.json import render_json
from flagkeeper.output.text import plural, render_text
from flagkeeper.paths import display_path, write_output, write_text_atomically
from flagkeeper.project.inventory import build_inventory
from flagkeeper.project.onboarding import TYPE_PLACEHOLDER, drafts, registry_text
from flagkeeper.registry.edit import (
    NewFlag,
    add_flag,
    extend_flag,
    last_commit_reading,
    retire_flag,
    set_flag,
)
from flagkeeper.registry.exports import FORMATS, export_format, parse_export
from flagkeeper.registry.imports import import_flags, plan_import
from flagkeeper.registry.lifecycle import FlagStatus, default_expiry
from flagkeeper.registry.manifests import EXPORT_FORMATS, RENDERERS, exported_flags
from flagkeeper.registry.model import load_registry
from flagkeeper.registry.validate import EditRules, key_patterns
from flagkeeper.tomlread import read_text

_REGISTRY_OPTION = click.option("--registry", type=click.Path(path_type=Path, dir_okay=False), help="The registry (default: the configured one).")


def _registry_path(config_file: Path | None, registry: Path | None) -> tuple[Path, Config]:
    """The registry to edit, and the config it was found with (loaded once a command)."""
    config = load_config([Path(".")], config_file)
    return (registry.resolve() if registry else config.registry), config


def _edit_rules(config: Config, today: dt.datetime | None, allow_past: bool) -> EditRules:
    """What an edit must respect: the active packs' key-patterns, and dates as of --today."""
    return EditRules(as_date(today), allow_past, key_patterns(load_matcher(config).packs))


_ALLOW_PAST_OPTION = click.option("--allow-past", is_flag=True, help="Accept an expiry date before today.")
_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group()
def registry() -> None:
    """Add, set, extend, retire, list, validate, import and export flags of the registry (flags.toml)."""


@registry.command()
@click.argument("key")
@click.option("--owner", required=True, help="The team that will remove the flag.")
@click.option("--type", "flag_type", required=True, type=click.Choice(FLAG_TYPES))
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Expiry date (YYYY-MM-DD).")
@click.option("--lifetime", type=click.IntRange(min=1, max=MAX_LIFETIME), help="Expiry in DAYS from today (default: the type's lifetime).")
@click.option("--description", help="What the flag switches.")
@click.option("--scope", multiple=True, help="Module glob where the flag may be read (repeatable).")
@click.option("--created", type=_DATE, metavar="YYYY-MM-DD", help="When the flag was created (default: today).")
@_ALLOW_PAST_OPTION
@CONFIG_OPTION
@_REGISTRY_OPTION
@TODAY_OPTION
def add(key: str, owner: str, flag_type: str, expires: dt.datetime | None, lifetime: int | None, description: str | None,
        scope: tuple[str, ...], created: dt.datetime | None, allow_past: bool, config_file: Path | None, registry: Path | None,
        today: dt.datetime | None) -> None:  # fmt: skip
    """Register KEY. A key that is registered, or retired, is refused (the tombstone is shown).

    The key must match an active rule pack's key-pattern; the expiry must be after --created and
    not before today (unless --allow-past)."""
    if expires and lifetime:
        fail(FlagkeeperError("give --expires or --lifetime, not both"))
    try:
        path, config = _registry_path(config_file, registry)
        lifetimes = config.lifetimes
        created_on = created.date() if created else as_date(today)
        if expires:
            expiry: dt.date | None = expires.date()
        else:
            expiry = default_expiry(flag_type, created_on, {**lifetimes, flag_type: lifetime} if lifetime else lifetimes)
        add_flag(path, NewFlag(key, owner, flag_type, created_on, expiry, description, scope), _edit_rules(config, today, allow_past))
    except FlagkeeperError as error:
        fail(error)
    click.echo(f"registered '{key}' in {display_path(path)}" + (f", expires {expiry}" if expiry else ""))


@registry.command()
@click.argument("key")
@click.option("--to", "to", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="The new expiry date.")
@click.option("--reason", required=True, help="Why the flag needs longer (kept in the entry's history).")
@_ALLOW_PAST_OPTION
@CONFIG_OPTION
@_REGISTRY_OPTION
@TODAY_OPTION
def extend(key: str, to: dt.datetime, reason: str, allow_past: bool, config_file: Path | None, registry: Path | None, today: dt.datetime | None) -> None:
    """Move KEY's expiry to a later date, keeping a short history of extensions."""
    try:
        path, config = _registry_path(config_file, registry)
        extend_flag(path, key, to.date(), reason, _edit_rules(config, today, allow_past))
    except FlagkeeperError as error:
        fail(error)
    click.echo(f"'{key}' now expires {to.date()}")


@registry.command(name="set")
@click.argument("key")
@click.option("--owner", help="The team that will remove the flag.")
@click.option("--type", "flag_type", type=click.Choice(FLAG_TYPES), help="The flag's type; an entry with no expiry gets the type's lifetime.")
@click.option("--expires", type=_DATE, metavar="YYYY-MM-DD", help="Expiry date (YYYY-MM-DD).")
@click.option("--description", help="What the flag switches.")
@_ALLOW_PAST_OPTION
@CONFIG_OPTION
@_REGISTRY_OPTION
@TODAY_OPTION
def set_fields(key: str, owner: str | None, flag_type: str | None, expires: dt.datetime | None, description: str | None, allow_past: bool,
               config_file: Path | None, registry: Path | None, today: dt.datetime | None) -> None:  # fmt: skip
    """Set fields of KEY's entry, keeping every other line and comment of the registry."""
    fields: dict[str, Any] = {"owner": owner, "type": flag_type, "expires": expires.date() if expires else None, "description": description}
    if not any(value is not None for value in fields.values()):
        fail(FlagkeeperError("give at least one of --owner, --type, --expires, --description"))
    try:
        path, config = _registry_path(config_file, registry)
        set_flag(path, key, fields, _edit_rules(config, today, allow_past), config.lifetimes)
        entry = load_registry(path, required=True).flags[key]
    except FlagkeeperError as error:
        fail(error)
    shown = [name for name, value in fields.items() if value is not None] + ["expires"] * (flag_type is not None and expires is None)
    written = ", ".join(f"{name} = {entry.fields[name]}" for name in shown if name in entry.fields)
    click.echo(f"'{key}': {written}")


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
@click.option("--from", "source", type=click.Choice(FORMATS), help="The export's format (default: told by the file's shape).")
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
@CONFIG_OPTION
@_REGISTRY_OPTION
@TODAY_OPTION
def import_export(file: Path, source: str | None, dry_run: bool, config_file: Path | None, registry: Path | None, today: dt.datetime | None) -> None:
    """Import flag definitions from an OpenFeature flagd, Unleash or LaunchDarkly export (JSON).

    New flags are added with the owner, type and dates the export has; registered flags get
    only the fields they lack; archived flags become tombstones, dated when the
    service archived them; retired keys are never registered again. The whole import is one
    atomic edit.
    """
    try:
        path, _ = _registry_path(config_file, registry)
        text = read_text(file)
        source = source or export_format(text, file)
        imported = parse_export(text, source, file)
        if dry_run:
            actions = plan_import(read_text(path) if path.is_file() else "", path, imported, source, as_date(today))
        else:
            actions = import_flags(path, imported, source, as_date(today))
    except FlagkeeperError as error:
        fail(error)
    width = max((len(action.key) for action in actions), default=0)
    for action in actions:
        click.echo(f"{action.kind:<6}  {action.key.ljust(width)}  {action.detail}")
    changed = sum(action.apply is not None for action in actions)
    click.echo(f"{'would change' if dry_run else 'changed'} {changed} of {len(actions)} flags in {display_path(path)}")


@registry.command()
@click.option("--to", "to", required=True, type=click.Choice(EXPORT_FORMATS), help="An OpenFeature CLI manifest or a flagd flag definition.")
@click.option("-o", "--output-file", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file (atomically) instead of printing.")
@CONFIG_OPTION
@_REGISTRY_OPTION
@TODAY_OPTION
def export(to: str, output_file: Path | None, config_file: Path | None, registry: Path | None, today: dt.datetime | None) -> None:
    """Write the merged registry (flags.toml, code registrations, registry sources) as a flag definition file."""
    try:
        project = load_project([Path(".")], config_file, registry, today)
        flags = exported_flags(project.registered, project.registry, project.config.lifetimes)
    except FlagkeeperError as error:
        fail(error)
    emit(RENDERERS[to](flags), output_file, f"the {to} export")


def _write_all(files: list[tuple[Path, str, str]]) -> None:
    """Write each (path, text, what) or none: a failure puts back the files written before it."""
    written: list[tuple[Path, str | None, str | None]] = []  # path, its old text, its old link target
    try:
        for path, text, what in files:
            link = os.readlink(path) if path.is_symlink() else None
            old = path.read_text(encoding="utf-8") if link is None and path.is_file() else None
            write_output(path, text, what)
            written.append((path, old, link))
    except BaseException:
        for path, old, link in reversed(written):
            path.unlink(missing_ok=True)
            if link is not None:
                path.symlink_to(link)
            elif old is not None:
                write_text_atomically(path, old)
        raise


@click.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--force", is_flag=True, help="Add entries to an existing registry for the flags it lacks (its entries and tombstones are kept).")
@TODAY_OPTION
def init(path: Path, force: bool, today: dt.datetime | None) -> None:
    """Start flagkeeper in a project: a flags.toml entry for each flag that needs lifecycle metadata.

    Fills what the code, the registry sources and CODEOWNERS say, and prints the command that
    fills each field left. A project's existing config is kept; with --force, so is an existing
    registry, to which the missing entries are added. Retired keys are never registered again.
    All files are written, or none."""
    try:
        root = path.resolve()
        project = load_project([root], None, None, today, require_registry=False)
        own_config, pyproject = root / "flagkeeper.toml", root / "pyproject.toml"
        has_config = project.config.source is not None and project.config.root == root
        registry_path = project.config.registry if has_config else root / "flags.toml"
        if registry_path.exists() and not force:
            raise FlagkeeperError("already exists; use --force to add the entries it lacks", registry_path)
        entries = drafts(project)
        existing = read_text(registry_path) if registry_path.exists() else ""
        files = [(registry_path, registry_text(entries, existing), "the registry")]
        config_path = project.config.source if has_config else None
        if not has_config and pyproject.is_file() and "[tool.flagkeeper]" not in (text := read_text(pyproject)):
            files.append((pyproject, text.rstrip("\n") + '\n\n[tool.flagkeeper]\nregistry = "flags.toml"\n', "the config"))
            config_path = pyproject
        elif not has_config:
            files.append((own_config, 'registry = "flags.toml"\n', "the config"))
            config_path = own_config
        _write_all(files)
    except FlagkeeperError as error:
        fail(error)
    config_done = "and the config in" if len(files) > 1 else "and kept the config in"
    count, shown = plural(len(entries), "flag"), display_path(registry_path)
    written = f"added {count} to {shown}" if existing else f"wrote {shown} ({count})"
    click.echo(f"{written} {config_done} {display_path(config_path or own_config)}")
    commands = [command for draft in entries for command in draft.fill_commands()]
    if not commands:
        click.echo("every field is filled: run `flagkeeper check`")
        return
    click.echo(f"{len(commands)} fields left to fill, one command each ({TYPE_PLACEHOLDER}: one of {', '.join(FLAG_TYPES)}):")
    click.echo("\n".join(f"  {command}" for command in commands))

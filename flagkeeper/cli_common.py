"""What the commands share: loading the project, the common options, and failing with one line."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from flagkeeper.config import load_config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.evidence import load_executed_lines
from flagkeeper.model import Project, build_project
from flagkeeper.reporters import display_path


def as_date(today: dt.datetime | None) -> dt.date:
    """The --today option's date, or today's."""
    return today.date() if today else dt.date.today()


def load_project(
    paths: list[Path], config_file: Path | None, registry: Path | None, today: dt.datetime | None,
    include_tests: bool = False, coverage_file: Path | None = None, require_registry: bool = True,
) -> Project:
    config = load_config(paths, config_file)
    if registry is not None:
        config = config.with_overrides(registry=registry.resolve())
    required = require_registry and (registry is not None or config.registry_named)
    project = build_project(paths, config, as_date(today), required, include_tests)
    if coverage_file is not None:
        project.executed_lines = load_executed_lines(coverage_file, [facts.path for facts in project.files])
    return project  # fmt: skip


CONFIG_OPTION = click.option(
    "--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
    help="Use this pyproject.toml or flagkeeper.toml instead of searching for one.",
)  # fmt: skip
TODAY_OPTION = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Judge expiry as of this date (YYYY-MM-DD).")


def project_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options every command that analyses a project shares."""

    @click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
    @CONFIG_OPTION
    @click.option("--registry", type=click.Path(path_type=Path, dir_okay=False), help="The flag registry (default: flags.toml at the project root).")
    @TODAY_OPTION
    @functools.wraps(command)
    def wrapper(paths: tuple[Path, ...], config_file: Path | None, registry: Path | None, today: dt.datetime | None, **rest: Any) -> Any:
        try:
            given = list(paths) or [Path(".")]
            include_tests = rest.pop("include_tests_as_entry_points", False)
            project = load_project(given, config_file, registry, today, include_tests, rest.pop("coverage_file", None))
            return command(project=project, paths=[path.resolve() for path in given], **rest)
        except FlagkeeperError as error:
            fail(error)

    return wrapper  # fmt: skip


def fail(error: FlagkeeperError) -> NoReturn:
    shown = display_path(Path(error.path).resolve()) if error.path is not None else None
    click.echo(f"flagkeeper: error: {error.located(shown)}", err=True)
    sys.exit(2)

"""What the commands share: loading the project, the common options, and failing with one line."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click
import msgspec

from flagkeeper.analysis.cache import DEFAULT_DIR
from flagkeeper.analysis.discovery import excludes, nested_config_folders, one_listing_per_folder
from flagkeeper.analysis.scan import ScanOptions, default_jobs
from flagkeeper.config import Config, config_file_in, find_settings, load_config, settings_config
from flagkeeper.errors import FlagkeeperError, FlagkeeperErrors
from flagkeeper.output.escape import printable
from flagkeeper.paths import display_path, write_output
from flagkeeper.project.model import Project, ProjectInputs, build_project


def as_date(today: dt.datetime | None) -> dt.date:
    """The --today option's date, or today's."""
    return today.date() if today else dt.date.today()


def scan_options(
    config: Config, no_cache: bool = False, cache_dir: Path | None = None, jobs: int | None = None, progress: bool = True
) -> ScanOptions:
    """The command line's cache and parallelism, with FLAGKEEPER_NO_CACHE / FLAGKEEPER_CACHE_DIR as defaults."""
    if no_cache or os.environ.get("FLAGKEEPER_NO_CACHE", "") not in ("", "0"):
        folder = None
    elif cache_dir is not None or os.environ.get("FLAGKEEPER_CACHE_DIR"):
        folder = (cache_dir or Path(os.environ["FLAGKEEPER_CACHE_DIR"])).resolve()
    else:
        folder = config.root / DEFAULT_DIR
    return ScanOptions(folder, jobs or default_jobs(), progress=progress)


class Exclusion(msgspec.Struct, frozen=True):
    """ruff's --exclude (replaces the config's `exclude`), --extend-exclude (adds) and --force-exclude."""

    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False

    def apply(self, config: Config) -> Config:
        return msgspec.structs.replace(
            config, exclude=self.exclude or config.exclude, extend_exclude=config.extend_exclude + self.extend_exclude,
            force_exclude=self.force_exclude or config.force_exclude,
        )  # fmt: skip


def comma_list(values: tuple[str, ...]) -> tuple[str, ...]:
    """`--x a,b --x c` -> ("a", "b", "c"), as ruff reads its list options."""
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def use_color(choice: str) -> bool | None:
    """--color: always, never, or auto (None: styles on a terminal), where NO_COLOR and FORCE_COLOR
    count when set to a non-empty value (no-color.org, force-color.org)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return True if os.environ.get("FORCE_COLOR") else None


def load_project(
    paths: list[Path], config_file: Path | None, registry: Path | None, today: dt.datetime | None,
    include_tests: bool = False, coverage_file: Path | None = None, require_registry: bool = True,
    no_cache: bool = False, cache_dir: Path | None = None, jobs: int | None = None, fleet: tuple[Path, ...] = (),
    exclusion: Exclusion | None = None, progress: bool = True,
) -> Project:  # fmt: skip
    """The project around `paths`, built from the command line's options: the one way every command gets it."""
    return build_configured(
        load_config(paths, config_file), paths, registry, today, include_tests, coverage_file, require_registry, no_cache, cache_dir, jobs,
        fleet, exclusion, progress,
    )  # fmt: skip


def with_command_line(config: Config, registry: Path | None, exclusion: Exclusion | None) -> Config:
    """`config` with the command line's --registry and excludes applied."""
    if registry is not None:
        config = config.with_overrides(registry=registry.resolve(), registry_named=True)
    return exclusion.apply(config) if exclusion is not None else config


def build_configured(
    config: Config, paths: list[Path], registry: Path | None, today: dt.datetime | None,
    include_tests: bool = False, coverage_file: Path | None = None, require_registry: bool = True,
    no_cache: bool = False, cache_dir: Path | None = None, jobs: int | None = None, fleet: tuple[Path, ...] = (),
    exclusion: Exclusion | None = None, progress: bool = True,
) -> Project:  # fmt: skip
    """The project of `config` around `paths`, with the command line's options applied."""
    config = with_command_line(config, registry, exclusion)
    required = require_registry and config.registry_named
    inputs = ProjectInputs(
        registry_required=required, include_tests=include_tests, options=scan_options(config, no_cache, cache_dir, jobs, progress),
        coverage_file=coverage_file, fleet=fleet,
    )  # fmt: skip
    return build_project(paths, config, as_date(today), inputs)


def _names_a_file(value: str) -> bool:
    """A setting longer than a file name can be (`critical = [...]`) names no file."""
    try:
        return Path(value).is_file()
    except OSError:
        return False


class ConfigChoice(msgspec.Struct, frozen=True):
    """`--config` (a config file, or `KEY=VALUE` settings, as in ruff) and `--isolated`."""

    file: Path | None = None
    overrides: tuple[str, ...] = ()
    isolated: bool = False

    @classmethod
    def of(cls, values: tuple[str, ...], isolated: bool) -> ConfigChoice:
        """An existing file names the config to use (one at most); anything else is a KEY=VALUE setting."""
        names_file = {value: _names_a_file(value) for value in values}  # one stat per value
        files = [Path(value) for value in values if names_file[value]]
        if len(files) > 1:
            raise FlagkeeperError("--config names more than one config file")
        if files and isolated:
            raise FlagkeeperError("--isolated ignores config files: give settings as --config KEY=VALUE")
        overrides = tuple(value for value in values if not names_file[value])
        return cls(files[0] if files else None, overrides, isolated)

    @property
    def single(self) -> bool:
        """Does one config judge every path (a config file given, or none with --isolated)?"""
        return self.file is not None or self.isolated


class NearestConfigs:
    """The config file that judges each path (the nearest at or above it; None without one), each folder looked up once a run."""

    def __init__(self) -> None:
        self.folders: dict[Path, Path | None] = {}

    def __call__(self, path: Path) -> Path | None:
        return self._nearest(path if path.is_dir() else path.parent)

    def _nearest(self, folder: Path) -> Path | None:
        # A folder without a config of its own answers as its parent: each folder's files are
        # looked at once, not once per folder below it (thousands of findings in hundreds of folders).
        if folder not in self.folders:
            own = config_file_in(folder)
            self.folders[folder] = own[0].resolve() if own else (None if folder.parent == folder else self._nearest(folder.parent))
        return self.folders[folder]


def _nested_projects(folder: Path, choice: ConfigChoice, nearest_config: NearestConfigs) -> list[Path]:
    """The folders below `folder` with a config of their own, not excluded by the config of `folder` (nor hidden)."""
    outer = settings_config(find_settings(folder, choice.file, choice.overrides, choice.isolated), folder)
    # From the listing that discovery then reuses: on every `check .`, a walk of the whole tree
    # of its own was a fifth of a warm run on a large repository.
    candidates = nested_config_folders(folder, excludes(outer), outer.root)
    return [here for here in candidates if (config := nearest_config(here)) and config.parent == here]


def configured_paths(
    paths: list[Path], choice: ConfigChoice, nearest_config: NearestConfigs, nested: bool = True
) -> list[tuple[Config, list[Path]]]:
    """The paths grouped by the config that judges them (the nearest above each, as in ruff), each
    group a project of its own; the groups ordered by project root, so the order of the paths given
    changes nothing. A config file given, or --isolated, makes one group; `nested`: a folder's
    projects below it are groups of their own."""
    resolved = [path.resolve() for path in paths]
    if nested and not choice.single:  # a folder's own projects below it: `check .` in a monorepo judges each service by its config
        resolved += [nested for path in resolved if path.is_dir() for nested in _nested_projects(path, choice, nearest_config)]
    resolved = sorted(dict.fromkeys(resolved))
    groups: dict[Path | None, list[Path]] = {}
    for path in resolved:
        groups.setdefault(None if choice.single else nearest_config(path), []).append(path)
    configured = []
    for group in groups.values():
        common = Path(os.path.commonpath(group))
        settings = find_settings(group[0], choice.file, choice.overrides, choice.isolated)
        config = settings_config(settings, common if common.is_dir() else common.parent, given=choice.file is not None)
        configured.append((config, group))
    return sorted(configured, key=lambda item: item[0].root)


CONFIG_OPTION = click.option(
    "--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
    help="Use this pyproject.toml or flagkeeper.toml instead of searching for one.",
)  # fmt: skip
TODAY_OPTION = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Judge expiry as of this date (YYYY-MM-DD).")


class Projects(msgspec.Struct, frozen=True):
    """The projects a run's paths fall in (configured_paths), each built when the command asks."""

    groups: tuple[tuple[Config, list[Path]], ...]
    build: Callable[[Config, list[Path]], Project]
    choice: ConfigChoice
    nearest_config: NearestConfigs

    def judges(self, config: Config, path: Path) -> bool:
        """Is `path` judged by `config`, and not by a config nearer to it (a folder of its project with a config of its own)?"""
        return self.choice.single or self.nearest_config(path) == config.source


def project_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options every command that analyses a project shares; the command gets `project` and `paths`,
    and paths under more than one config are an error (run it per project)."""
    return _project_options(command, several=False)


def projects_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """project_options for a command that runs over several projects at once: it gets `projects`."""
    return _project_options(command, several=True)


def _project_options(command: Callable[..., Any], several: bool) -> Callable[..., Any]:
    @click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
    @click.option("--config", "config_values", multiple=True, metavar="FILE | KEY=VALUE",
                  help="Use this pyproject.toml or flagkeeper.toml instead of the nearest; or override one setting (TOML value, repeatable).")  # fmt: skip
    @click.option("--isolated", is_flag=True, help="Ignore every config file (settings: the defaults and --config KEY=VALUE).")
    @click.option("--registry", type=click.Path(path_type=Path, dir_okay=False), help="The flag registry (default: flags.toml at the project root).")
    @TODAY_OPTION
    @click.option("--no-cache", is_flag=True, help="Analyse every file; read and write no cache (or set FLAGKEEPER_NO_CACHE=1).")
    @click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
                  help=f"Keep the per-file cache here (default: {DEFAULT_DIR} at the project root, or FLAGKEEPER_CACHE_DIR).")  # fmt: skip
    @click.option("--jobs", "-j", type=click.IntRange(min=1), help="Analyse files in this many processes (default: the number of cores).")
    @click.option("--exclude", multiple=True, metavar="PATTERNS", help="Exclude these gitignore-style patterns (comma-separated) instead of the config's.")
    @click.option("--extend-exclude", multiple=True, metavar="PATTERNS", help="Exclude these patterns as well as the config's.")
    @click.option("--force-exclude", is_flag=True, help="Apply the excludes to paths named on the command line too (for pre-commit).")
    @functools.wraps(command)
    def wrapper(
        paths: tuple[Path, ...], config_values: tuple[str, ...], isolated: bool, registry: Path | None, today: dt.datetime | None,
        no_cache: bool, cache_dir: Path | None, jobs: int | None, exclude: tuple[str, ...], extend_exclude: tuple[str, ...],
        force_exclude: bool, **rest: Any,
    ) -> Any:  # fmt: skip
        try:
            # The nested projects' search and each project's discovery share git's listing, for this command.
            click.get_current_context().with_resource(one_listing_per_folder())
            given = list(paths) or [Path(".")]
            buffer = rest.get("stdin_filename")
            if buffer is not None:  # the project around the buffer's file, which may not exist yet
                if given not in ([Path(".")], [Path("-")]):
                    raise FlagkeeperError("with --stdin-filename, give `-` (standard input) as the only path")
                given = [buffer if buffer.exists() else buffer.parent]
            include_tests = rest.pop("include_tests_as_entry_points", False)
            coverage_file = rest.pop("coverage_file", None)
            fleet = rest.pop("fleet", ())
            exclusion = Exclusion(comma_list(exclude), comma_list(extend_exclude), force_exclude)
            quiet = rest.get("quiet", False) or rest.get("silent", False)

            def build(config: Config, group: list[Path]) -> Project:  # config: with the command line's options applied
                return build_configured(
                    config, group, None, today, include_tests, coverage_file, no_cache=no_cache, cache_dir=cache_dir, jobs=jobs, fleet=fleet,
                    progress=not quiet,
                )  # fmt: skip

            choice, nearest = ConfigChoice.of(config_values, isolated), NearestConfigs()
            groups = [(with_command_line(config, registry, exclusion), group) for config, group in configured_paths(given, choice, nearest, nested=several)]
            if several:
                return command(projects=Projects(tuple(groups), build, choice, nearest), **rest)
            if len(groups) > 1:
                roots = ", ".join(display_path(config.root) for config, _ in groups)
                raise FlagkeeperError(f"the paths lie in {len(groups)} projects with configs of their own ({roots}): run this command once per project")
            return command(project=build(groups[0][0], given), paths=[path.resolve() for path in given], **rest)
        except FlagkeeperError as error:
            fail(error)

    return wrapper  # fmt: skip


_fast_exit = False  # set by the console script (cli.run)


def enable_fast_exit() -> None:
    global _fast_exit
    _fast_exit = True


def exit_now(code: int) -> NoReturn:
    """End the command with `code`.

    From the console script, without freeing one by one the millions of objects the run built
    (a fifth of a second on a large project; mypy's fast exit does the same): the output is
    flushed, files are closed and no worker is left, so nothing else is pending. In-process
    callers (tests, click's CliRunner) get an ordinary SystemExit.
    """
    if _fast_exit:
        with contextlib.suppress(OSError):  # a reader that went away (`| head`) takes nothing more
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def fail(error: FlagkeeperError) -> NoReturn:
    for each in error.errors if isinstance(error, FlagkeeperErrors) else (error,):
        shown = display_path(Path(each.path).resolve()) if each.path is not None else None
        click.echo(f"flagkeeper: error: {printable(each.located(shown))}", err=True)  # one line, whatever a key or path holds
    sys.exit(2)


def emit(text: str, output_file: Path | None, what: str, color: bool | None = None) -> None:
    """Print `text`, or write it without styles to `output_file` (atomically; a failure is one line and exit 2)."""
    if output_file is None:
        click.echo(text, nl=False, color=color)
        return
    try:
        write_output(output_file, click.unstyle(text), what)
    except FlagkeeperError as error:
        fail(error)

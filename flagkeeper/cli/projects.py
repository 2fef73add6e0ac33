"""`check` over several projects: one project's findings, their merge, and what --show-settings
and --show-files print (paths under different configs are different projects, as in ruff)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from flagkeeper.analysis.discovery import discover
from flagkeeper.checks.base import Rule
from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.cli.common import ConfigChoice
from flagkeeper.config import CONFIG_KEYS, AliasConfig, Config, find_settings, settings_config
from flagkeeper.paths import display_path, relative_path
from flagkeeper.project.model import Project


class Selection(msgspec.Struct, frozen=True):
    """What the command line chose for every project: rules, confidence, revision."""

    chosen: tuple[str, ...]
    dropped: tuple[str, ...]
    added: tuple[str, ...]
    warn_unused_ignores: bool
    min_confidence: int | None
    since_revision: str | None


class ProjectFindings(msgspec.Struct, frozen=True):
    """One project's run: the findings in its paths (`found`), those the baseline leaves (`shown`), and its rules."""

    project: Project
    found: list[Diagnostic]
    shown: list[Diagnostic]
    ran: tuple[Rule, ...]
    skipped: tuple[Rule, ...]
    files: int

    @property
    def root(self) -> Path:
        return self.project.config.root

    def keep(self, judged: Callable[[Path], bool], has_nested: bool) -> ProjectFindings:
        """Only the findings in the files `judged` (those this project's config judges, not a nested
        one); with projects nested in this one, only those files counted (which loads the facts)."""
        kept = msgspec.structs.replace(self, found=[d for d in self.found if judged(d.path)], shown=[d for d in self.shown if judged(d.path)])
        return msgspec.structs.replace(kept, files=sum(judged(self.root / facts.path) for facts in self.project.files)) if has_nested else kept

    def without_baseline(self, baseline: Path | None) -> ProjectFindings:
        if baseline is None:
            return self
        from flagkeeper.output.baseline import load_baseline, without_baseline  # with its hashing: only runs with a baseline

        return msgspec.structs.replace(self, shown=without_baseline(self.found, load_baseline(baseline), self.root))


class MergedFindings(msgspec.Struct, frozen=True):
    """The runs of every project as one report: findings sorted, so the order of the paths changes nothing."""

    shown: list[Diagnostic]
    ran: tuple[Rule, ...]
    skipped: tuple[Rule, ...]  # selected somewhere, run nowhere
    files: int
    hidden: int

    @classmethod
    def of(cls, runs: list[ProjectFindings]) -> MergedFindings:
        ran = {rule.code: rule for run in runs for rule in run.ran}
        skipped = {rule.code: rule for run in runs for rule in run.skipped if rule.code not in ran}
        return cls(
            sorted(d for run in runs for d in run.shown), tuple(ran[code] for code in sorted(ran)), tuple(skipped[code] for code in sorted(skipped)),
            sum(run.files for run in runs), sum(len(run.found) - len(run.shown) for run in runs),
        )  # fmt: skip


def render_files(groups: tuple[tuple[Config, list[Path]], ...]) -> str:
    """--show-files: every Python, JavaScript and TypeScript file the projects analyse, one a line."""
    files: set[Path] = set()
    for config, paths in groups:
        sources = discover([config.root, *paths], config)
        files.update(sources.python + sources.scripts)
    return "".join(f"{display_path(path)}\n" for path in sorted(files))


def render_settings(path: Path, choice: ConfigChoice) -> str:
    """--show-settings: the settings that judge `path`, each with the file (or `--config`) it comes from."""
    start = path.resolve()
    settings = find_settings(start, choice.file, choice.overrides, choice.isolated)
    config = settings_config(settings, start if start.is_dir() else start.parent, given=choice.file is not None)
    source = display_path(settings.source) if settings.source else "none (defaults)"
    lines = [f"# settings for {display_path(start)}", f"# config file: {source}", f"# project root: {display_path(config.root)}"]
    for key in CONFIG_KEYS:
        if key in settings.table:
            origin = settings.origins[key]
            lines.append(f"{key} = {_toml(settings.table[key], config.root)}  # {origin if origin == '--config' else display_path(Path(origin))}")
        else:
            default = getattr(config, key.replace("-", "_"))
            shown = "(not set)" if default is None else _toml({} if default == AliasConfig() else default, config.root)
            lines.append(f"{key} = {shown}  # default")
    return "\n".join(lines) + "\n"


def _toml(value: Any, root: Path) -> str:
    """A value as TOML writes it; paths relative to the project root."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Path):
        return json.dumps(relative_path(value, root))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item, root) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(key)} = {_toml(item, root)}" for key, item in value.items()) + "}"
    if value is None:  # a lifetime without end
        return '"permanent"'
    return json.dumps(value)

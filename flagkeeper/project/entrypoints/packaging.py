"""Packaging entry points: pyproject.toml's [project.scripts], [project.gui-scripts] and
[project.entry-points.*], setup.cfg's [options.entry_points], and the strings of setup.py's
`setup()` (read as code, never run). Also the modules that the commands of pyproject.toml's task
runners and tool settings load by dotted name (`[tool.poe.tasks]` `celery --app shop.celery:app`,
`[tool.django-stubs] django_settings_module`)."""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from flagkeeper.analysis.facts import STRING_LINK
from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles
from flagkeeper.tomlread import parse_config_toml

SETUP_CALLS = ("setuptools.setup", "distutils.core.setup")
# [tool.*] tables whose strings run or load modules; not mypy's or ruff's, which only name them.
_RUNNING_TOOLS = ("poe", "taskipy", "pdm", "hatch", "rye", "pytest", "django-stubs")
# `a.b`, `a.b:attr` or `a.b.Attr` as a whole word; `setup.py` and other file names are not modules.
_DOTTED = re.compile(r"(?<![\w./-])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?::\w+)?(?![\w/-])")
_FILE_SUFFIXES = ("py", "toml", "cfg", "ini", "txt", "json", "yaml", "yml", "md", "rst", "html", "graphql", "lock")


def pyproject_targets(pyproject: Path, text: str | None) -> list[tuple[str, str]]:
    """(`module` or `module:function`, the table naming it) from pyproject.toml (`text`: its contents)."""
    if text is None:
        return []
    project = parse_config_toml(text, pyproject).get("project", {})
    tables = [("[project.scripts]", project.get("scripts", {})), ("[project.gui-scripts]", project.get("gui-scripts", {}))]
    tables += [(f"[project.entry-points.{group}]", table) for group, table in project.get("entry-points", {}).items()]
    return [(value, title) for title, table in tables if isinstance(table, dict) for value in table.values() if isinstance(value, str)]


def entry_targets(configured: Iterable[str], pyproject: Path, text: str | None) -> list[str]:
    """`module` or `module:function` from the config's entry-points and from pyproject.toml."""
    return [*configured, *(target for target, _ in pyproject_targets(pyproject, text))]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from (text for item in value.values() for text in _strings(item))
    elif isinstance(value, list):
        yield from (text for item in value for text in _strings(item))


def _tool_targets(files: ProjectFiles) -> Iterator[tuple[str, str]]:
    """(module, tool) for each project module a running tool's string names (`a.b`, `a.b.Class`)."""
    if files.pyproject_text is None:
        return
    tools = parse_config_toml(files.pyproject_text, files.root / "pyproject.toml").get("tool", {})
    for tool in _RUNNING_TOOLS:
        for text in _strings(tools.get(tool)):
            for dotted in _DOTTED.findall(text):
                owner = dotted if dotted in files.modules else dotted.rpartition(".")[0]
                if owner in files.modules and dotted.rpartition(".")[2] not in _FILE_SUFFIXES:
                    yield owner, tool


def _setup_cfg_targets(path: Path, text: str | None) -> Iterator[str]:
    if text is None:
        return
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, str(path))
    except configparser.Error:
        return  # not ours to judge: setuptools reports a broken setup.cfg
    if parser.has_section("options.entry_points"):
        for value in parser["options.entry_points"].values():
            yield from (line.partition("=")[2].strip() for line in value.splitlines() if "=" in line)


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    for target, title in pyproject_targets(files.root / "pyproject.toml", files.pyproject_text):
        yield EntryPoint(target.split(":")[0].strip(), f"named in pyproject.toml {title}")
    for module, tool in _tool_targets(files):
        yield EntryPoint(module, f"named in pyproject.toml [tool.{tool}]")
    for target in _setup_cfg_targets(files.root / "setup.cfg", files.setup_cfg_text):
        yield EntryPoint(target.split(":")[0].strip(), "named in setup.cfg [options.entry_points]")
    setup = files.modules.get("setup")
    if setup is not None and any(callee in SETUP_CALLS for callee, _ in setup.calls):
        yield EntryPoint("setup", "setup.py, run by the build backend")
        for link in setup.links:
            if link.kind == STRING_LINK:
                yield EntryPoint(link.target, f"named in setup.py (line {link.line})")

"""Startup: a warm `check` of a small project loads only what it uses, and reads its config once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from flagkeeper import tomlread
from flagkeeper.cli import registry as registry_cli
from tests.conftest import run, write_tree

APP = 'import os\n\nif os.environ.get("FEATURE_NEW_CHECKOUT"):\n    print("new")\n'
REGISTRY = '[flags.FEATURE_NEW_CHECKOUT]\nowner = "payments"\ntype = "release"\nexpires = 2026-03-31\n'
PYPROJECT = '[project]\nname = "shop"\n\n[project.scripts]\nshop = "app:main"\n\n[tool.flagkeeper]\nregistry = "flags.toml"\n'
CHECK = ["check", "--today", "2026-06-01", "."]
# What a warm `check` has no use for: the analysers (every file's facts come from the cache), the
# worker pool, the entry-point detectors, the other commands and the formats it does not print.
NOT_LOADED = (
    "flagkeeper.analysis.analyse", "flagkeeper.analysis.structure", "concurrent.futures.process",
    "flagkeeper.project.entrypoints", "flagkeeper.history.diff", "flagkeeper.fleet.fingerprint",
    "flagkeeper.output.sarif", "flagkeeper.output.junit", "flagkeeper.output.graph", "flagkeeper.output.ruledocs",
    # nor the model's views (text references, the frontend, registry sources), nor the baseline;
    # nor pathspec (the default excludes are plain names), hashlib (OpenSSL), tempfile and shutil.
    "flagkeeper.project.textrefs", "flagkeeper.project.frontend", "flagkeeper.registry.sources", "flagkeeper.output.baseline",
    "networkx", "pathspec", "hashlib", "tempfile", "shutil",
)  # fmt: skip
# The dataclasses a warm `check` still generates at start (each about a millisecond; a msgspec
# Struct costs a fiftieth): the model, the registry, and a finding with its related places.
DATACLASSES = [
    "flagkeeper.checks.diagnostic.Diagnostic", "flagkeeper.checks.diagnostic.Related", "flagkeeper.project.model.Project",
    "flagkeeper.registry.model.Registry",
]  # fmt: skip
IN_A_FRESH_INTERPRETER = """
import json, sys
from flagkeeper.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
import dataclasses
generated = [f"{value.__module__}.{name}" for module in list(sys.modules.values()) if module.__name__.startswith("flagkeeper")
             for name, value in vars(module).items() if dataclasses.is_dataclass(value) and value.__module__ == module.__name__]
sys.stderr.write("\\nDATACLASSES " + json.dumps(sorted(generated)))
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def shop(folder: Path) -> Path:
    return write_tree(folder, {"app.py": APP, "flags.toml": REGISTRY, "pyproject.toml": PYPROJECT})


def test_a_warm_check_loads_only_what_it_uses(tmp_path: Path) -> None:
    root = shop(tmp_path / "shop")
    cold = subprocess.run([sys.executable, "-c", IN_A_FRESH_INTERPRETER, *CHECK], cwd=root, capture_output=True, text=True, check=True)
    warm = subprocess.run([sys.executable, "-c", IN_A_FRESH_INTERPRETER, *CHECK], cwd=root, capture_output=True, text=True, check=True)
    assert warm.stdout == cold.stdout and "FK002" in warm.stdout
    loaded = set(json.loads(warm.stderr.rsplit("MODULES ", 1)[1]))
    assert "flagkeeper.analysis.analyse" in set(json.loads(cold.stderr.rsplit("MODULES ", 1)[1]))  # the cold run analysed app.py
    assert sorted(loaded & set(NOT_LOADED)) == []
    assert json.loads(warm.stderr.rsplit("DATACLASSES ", 1)[1].split("\n", 1)[0]) == DATACLASSES


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["warm", "cold"])
def test_pyproject_is_parsed_once_a_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: list[str]) -> None:
    """The config search, the nested-project search and the entry points each read pyproject.toml."""
    root = shop(tmp_path / "shop")
    run(CHECK, root)
    parsed: list[str] = []
    original = tomllib.loads

    def counting(text: str, **options: object) -> dict[str, object]:
        parsed.append(text)
        return original(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(tomllib, "loads", counting)
    tomlread._parsed_once.cache_clear()  # as in a new process
    outcome = run([*CHECK, *cache], root)
    assert outcome.exit_code == 1 and parsed.count(PYPROJECT) == 1



EDITS = {
    "add": (["add", "NEW_FLAG", "--owner", "web", "--type", "release"], "[flags.NEW_FLAG]"),
    "extend": (["extend", "FEATURE_NEW_CHECKOUT", "--to", "2026-12-31", "--reason", "launch slipped"], "2026-12-31"),
    "set": (["set", "FEATURE_NEW_CHECKOUT", "--owner", "web"], 'owner = "web"'),
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_registry_edit_loads_the_config_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """The registry's path, the lifetimes and the packs' key-patterns come from one config."""
    root = shop(tmp_path / "shop")
    command, written = EDITS[edit]
    loaded: list[tuple[object, ...]] = []
    load_config = registry_cli.load_config
    monkeypatch.setattr(registry_cli, "load_config", lambda *args: loaded.append(args) or load_config(*args))
    outcome = run(["registry", *command, "--today", "2026-01-01"], root)
    assert outcome.exit_code == 0, outcome.stderr
    assert written in (root / "flags.toml").read_text() and len(loaded) == 1

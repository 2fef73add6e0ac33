"""A run after an edit, with the cache of the run before it, finds exactly what a cold run finds.

The one-file-changed path keeps what it can of the previous run (facts, the import graph); each
edit below changes what the model derives from other files than the one edited (an import, a
constant a guard elsewhere reads, an entry point, a flag read), and the findings must change with
it, as a run without any cache sees them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flagkeeper.analysis.cache import RECENT_RUNS
from flagkeeper.project import entrypoints
from flagkeeper.project.entrypoints import stored
from flagkeeper.project.imports import ImportGraph
from tests.conftest import run, write_tree

# app (the entry point) imports power_peg only under a check of names.PEG, which is a key declared
# off: power_peg is zombie code (FK007); orphan is imported by nothing (FK006).
SHOP = {
    "flagkeeper.toml": 'entry-points = ["app"]\nflags-off = ["power_peg"]\n',
    "flags.toml": (
        '[flags.power_peg]\nowner = "routing"\ntype = "operational"\n\n'
        '[flags.new_router]\nowner = "routing"\ntype = "release"\nexpires = 2026-09-30\n'
    ),
    "names.py": 'PEG = "power_peg"\n',
    "app.py": (
        "import flags\nfrom names import PEG\n\nif flags.is_enabled(PEG):\n    import power_peg\n\n    power_peg.run()\n"
        "import router\n\nrouter.route()\n"
    ),
    "power_peg.py": "def run():\n    pass\n",
    "router.py": 'import flags\n\n\ndef route():\n    if flags.is_enabled("new_router"):\n        pass\n',
    "flags.py": "def is_enabled(key):\n    return False\n",
    "orphan.py": "VALUE = 1\n",
}
# Each edit: the file, its new text, a finding's text that appears (+), goes (-) or stays (=, all findings alike).
EDITS = {
    "an import": ("app.py", SHOP["app.py"] + "import orphan\n", "-module orphan is imported by nothing"),
    "a constant a guard in another file reads": ("names.py", 'PEG = "new_router"\n', "-module power_peg runs only"),
    "an entry point": ("power_peg.py", SHOP["power_peg.py"] + "\nif __name__ == '__main__':\n    run()\n", "-module power_peg runs only"),
    "a flag read": ("router.py", SHOP["router.py"] + '\n\nif flags.is_enabled("unknown_flag"):\n    pass\n', "+flag 'unknown_flag' is read"),
    "a comment only": ("orphan.py", SHOP["orphan.py"] + "# nothing\n", "=module orphan is imported by nothing"),
}


def check(root: Path, *options: str) -> str:
    result = run(["check", ".", "--today", "2026-06-01", "--output-format", "concise", *options], root)
    assert result.exit_code in (0, 1), result.stdout
    return result.stdout


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_run_after_an_edit_finds_what_a_cold_run_finds(tmp_path: Path, edit: str) -> None:
    root = write_tree(tmp_path / "shop", SHOP)
    cached = ("--cache-dir", str(tmp_path / "cache"))
    before = check(root, *cached)
    assert check(root, *cached) == before  # warm: the stored run
    path, text, change = EDITS[edit]
    (root / path).write_text(text)
    after = check(root, *cached)
    assert after == check(root, "--no-cache")
    sign, finding = change[0], change[1:]
    assert (finding in before, finding in after) == {"+": (False, True), "-": (True, False), "=": (True, True)}[sign], (before, after)
    assert (after == before) == (sign == "=")


def test_edits_one_after_another_keep_the_incremental_run_equal_to_a_cold_one(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "shop", SHOP)
    cached = ("--cache-dir", str(tmp_path / "cache"))
    seen = {check(root, *cached)}
    for path, text, _ in EDITS.values():
        (root / path).write_text(text)
        incremental = check(root, *cached)
        assert incremental == check(root, "--no-cache")
        seen.add(incremental)
    assert len(seen) >= 4  # the edits changed the findings as they went


def calls_of(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, record: Callable[..., object] = lambda *args: args) -> list[object]:
    """What `record` says of each call of `owner.name` from here on (by default, its arguments)."""
    calls: list[object] = []
    original = getattr(owner, name)

    def counted(*args: Any) -> Any:
        calls.append(record(*args))
        return original(*args)

    monkeypatch.setattr(owner, name, counted)
    return calls


@pytest.fixture
def graph_builds(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """One item per build of an import graph's edges, from here on."""
    return calls_of(monkeypatch, ImportGraph, "_build", lambda *args: 1)


@pytest.mark.parametrize(("edit", "builds"), [("a comment only", 0), ("a flag read", 0), ("an import", 1), ("a constant a guard in another file reads", 1)])
def test_the_import_graph_is_built_again_only_when_its_inputs_changed(tmp_path: Path, graph_builds: list[object], edit: str, builds: int) -> None:
    root = write_tree(tmp_path / "shop", SHOP)
    cached = ("--cache-dir", str(tmp_path / "cache"))
    check(root, *cached)
    graph_builds.clear()
    path, text, _ = EDITS[edit]
    (root / path).write_text(text)
    assert check(root, *cached) == check(root, "--no-cache")
    assert len(graph_builds) == builds + 1  # the cold run builds its own


@pytest.mark.parametrize(("edit", "finds"), [("a comment only", 0), ("a flag read", 0), ("an import", 1), ("an entry point", 1)])
def test_the_entry_points_are_found_again_only_when_what_the_detectors_read_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str, finds: int
) -> None:
    root = write_tree(tmp_path / "shop", SHOP)
    cached = ("--cache-dir", str(tmp_path / "cache"))
    check(root, *cached)
    found = calls_of(monkeypatch, entrypoints, "find_entry_points")
    path, text, _ = EDITS[edit]
    (root / path).write_text(text)
    assert check(root, *cached) == check(root, "--no-cache")
    assert len(found) == finds + 1  # the cold run finds its own


def test_a_run_after_a_one_file_edit_gathers_what_the_detectors_read_of_that_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "shop", SHOP)
    cached = ("--cache-dir", str(tmp_path / "cache"))
    check(root, *cached)
    gathered = calls_of(monkeypatch, stored, "detector_facts", lambda facts: facts.module)
    path, text, _ = EDITS["a flag read"]
    (root / path).write_text(text)
    assert check(root, *cached) == check(root, "--no-cache")  # the run without a cache gathers through the model
    assert gathered == ["router"]


def test_an_edit_of_setup_cfg_is_seen_by_a_cached_run(tmp_path: Path) -> None:
    # setup.cfg names the only entry point: without it, nothing of the project is known to run.
    root = write_tree(tmp_path / "tool", {
        "setup.cfg": "[options.entry_points]\nconsole_scripts =\n    tool = tool.cli:main\n",
        "tool/__init__.py": "",
        "tool/cli.py": "from tool import core\n\n\ndef main():\n    core.run()\n",
        "tool/core.py": "def run():\n    pass\n",
        "tool/orphan.py": "VALUE = 1\n",
    })  # fmt: skip
    cached = ("--cache-dir", str(tmp_path / "cache"))
    assert "module tool.orphan is imported by nothing" in check(root, *cached)
    (root / "setup.cfg").write_text("[options.entry_points]\nconsole_scripts =\n    tool = tool.core:run\n")
    after = check(root, *cached)
    assert after == check(root, "--no-cache")
    assert "module tool.cli is imported by nothing" in after


def test_the_stored_graph_outlives_more_runs_than_the_store_keeps(tmp_path: Path, graph_builds: list[object]) -> None:
    # Each edit stores a run's findings; the graph, stored once, is kept because each use renews it.
    root = write_tree(tmp_path / "shop", SHOP)
    cached = ("--cache-dir", str(tmp_path / "cache"))
    check(root, *cached)
    for edit in range(RECENT_RUNS + 2):
        (root / "orphan.py").write_text(SHOP["orphan.py"] + f"# edit {edit}\n")
        check(root, *cached)
    assert graph_builds == [1]  # the first run's

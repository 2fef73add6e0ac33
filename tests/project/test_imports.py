"""`flagkeeper graph` resolves imports as Python does: one fixture project per import form.

Each folder under tests/fixtures/imports/ is a small project with a flagkeeper.toml naming its
entry points and an expected.json:

    edges         the exact set of [source, target] module edges
    modules       the exact set of nodes: every .py module of the project
    unreachable   (optional) modules deliberately not reachable from the entry points
    runtime_only  (optional) unreachable modules Python imports all the same, through an import
                  no static graph can see (a computed importlib.import_module argument)
    call          (optional) Python run after importing the entry points, so that imports
                  inside functions and methods execute in the run-time check

The fixture checks at the top hold expected.json to the files and to what Python really imports;
the graph checks below hold `flagkeeper graph` to expected.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from flagkeeper.tomlread import load_toml
from tests.conftest import FIXTURES, run

IMPORT_FIXTURES = sorted(path for path in (FIXTURES / "imports").iterdir() if path.is_dir())

REQUIRED_CASES = {
    "absolute", "from_import", "relative", "reexport", "dynamic", "in_function",
    "type_checking", "namespace", "src_layout", "external", "star", "star_all", "plugins", "package_init",
}  # fmt: skip

Edge = tuple[str, str]


def expected_of(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return data


def expected_edges(folder: Path) -> set[Edge]:
    return {(source, target) for source, target in expected_of(folder)["edges"]}


def expected_modules(folder: Path) -> set[str]:
    return set(expected_of(folder)["modules"])


def expected_unreachable(folder: Path) -> set[str]:
    return set(expected_of(folder).get("unreachable", []))


def entry_points(folder: Path) -> list[str]:
    points: list[str] = load_toml(folder / "flagkeeper.toml")["entry-points"]
    return points


def src_roots(folder: Path) -> list[Path]:
    """The configured source roots (default "." and "src"), as flagkeeper reads them."""
    return [folder / name for name in load_toml(folder / "flagkeeper.toml").get("src", [".", "src"])]


def modules_from_files(folder: Path) -> set[str]:
    """Every .py file's dotted name under the deepest source root holding it."""
    names = set()
    for path in folder.rglob("*.py"):
        base = max((root for root in src_roots(folder) if path.is_relative_to(root)), key=lambda root: len(root.parts))
        parts = list(path.relative_to(base).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.add(".".join(parts))
    return names


def packages_of(module: str) -> set[str]:
    """`a`, `a.b` for `a.b.c`: Python runs them before it."""
    parts = module.split(".")
    return {".".join(parts[:end]) for end in range(1, len(parts))}


def reachable(starts: Iterable[str], edges: set[Edge]) -> set[str]:
    """Modules Python runs from `starts`: those imported, and the packages of each (names of
    namespace packages included, which are no modules)."""
    successors: dict[str, set[str]] = {}
    for source, target in edges:
        successors.setdefault(source, set()).add(target)
    seen = set(starts)
    queue = deque(seen)
    while queue:
        module = queue.popleft()
        for target in (successors.get(module, set()) | packages_of(module)) - seen:
            seen.add(target)
            queue.append(target)
    return seen


def difference(label: str, actual: set[Any], expected: set[Any]) -> str:
    """A readable account of how two sets differ."""
    lines = [f"{label} differ from expected.json:"]
    lines += [f"  missing:    {item}" for item in sorted(expected - actual)]
    lines += [f"  unexpected: {item}" for item in sorted(actual - expected)]
    return "\n".join(lines)


def graph_of(folder: Path) -> dict[str, Any]:
    result = run(["graph", ".", "--format", "json"], folder)
    assert result.exit_code == 0, result.stdout + result.stderr
    data: dict[str, Any] = result.json()
    return data


# --- the fixtures themselves ---------------------------------------------------------------


def test_every_import_form_has_a_fixture() -> None:
    assert REQUIRED_CASES <= {path.name for path in IMPORT_FIXTURES}


@pytest.mark.parametrize("folder", IMPORT_FIXTURES, ids=lambda path: path.name)
def test_fixture_expectations_are_consistent(folder: Path) -> None:
    expected = expected_of(folder)
    modules, edges, unreachable = expected_modules(folder), expected_edges(folder), expected_unreachable(folder)
    assert len(expected["edges"]) == len(edges), "an edge is listed twice"
    assert modules == modules_from_files(folder), difference("modules", modules_from_files(folder), modules)
    assert set(entry_points(folder)) <= modules
    assert {module for edge in edges for module in edge} <= modules
    assert all(source != target for source, target in edges), "a module never imports itself"
    assert unreachable <= modules
    assert set(expected.get("runtime_only", [])) <= unreachable
    assert reachable(entry_points(folder), edges) & modules == modules - unreachable


@pytest.mark.parametrize("folder", IMPORT_FIXTURES, ids=lambda path: path.name)
def test_python_imports_exactly_the_reachable_modules(folder: Path) -> None:
    """Run the entry points in a fresh interpreter (standard library only, no bytecode written)."""
    expected = expected_of(folder)
    roots = [str(root) for root in src_roots(folder) if root.is_dir()]
    code = "\n".join([
        "import json, sys",
        f"sys.path[:0] = {roots!r}",
        *(f"import {entry}" for entry in entry_points(folder)),
        expected.get("call", ""),
        "print()",
        "print(json.dumps(sorted(sys.modules)))",
    ])  # fmt: skip
    outcome = subprocess.run([sys.executable, "-I", "-B", "-c", code], cwd=folder, capture_output=True, text=True, check=False)
    assert outcome.returncode == 0, outcome.stderr
    imported = set(json.loads(outcome.stdout.splitlines()[-1])) & modules_from_files(folder)
    runtime = expected_modules(folder) - expected_unreachable(folder) | set(expected.get("runtime_only", []))
    assert imported == runtime, difference("modules Python imports", imported, runtime)


# --- flagkeeper graph ------------------------------------------------------------------------


@pytest.mark.parametrize("folder", IMPORT_FIXTURES, ids=lambda path: path.name)
def test_graph_has_exactly_the_expected_edges_and_modules(folder: Path) -> None:
    data = graph_of(folder)
    edges = {(edge["source"], edge["target"]) for edge in data["edges"]}
    modules = {node["module"] for node in data["nodes"]}
    assert modules == expected_modules(folder), difference("modules", modules, expected_modules(folder))
    assert edges == expected_edges(folder), difference("edges", edges, expected_edges(folder))


@pytest.mark.parametrize("folder", IMPORT_FIXTURES, ids=lambda path: path.name)
def test_graph_reaches_every_module_but_the_deliberately_unreachable(folder: Path) -> None:
    data = graph_of(folder)
    entries, unreachable = set(entry_points(folder)), expected_unreachable(folder)
    assert data["entry_points"] == entry_points(folder)
    statuses = {node["module"]: node["status"] for node in data["nodes"]}
    wanted = {
        module: "entry-point" if module in entries else "unreachable" if module in unreachable else "reachable"
        for module in expected_modules(folder)
    }  # fmt: skip
    assert set(statuses.items()) == set(wanted.items()), difference("statuses", set(statuses.items()), set(wanted.items()))

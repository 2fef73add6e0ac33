"""The import graph: one node per module of the project, an edge A -> B when A imports B.

An edge carries the flag guards under which A uses B: the checks that enclose every use of
the names A imported from B. Built once on the model with networkx and queried by the
reachability rules (FK006 unreachable, FK007 zombie) and by `flagkeeper graph`.

What it cannot see: imports through `importlib` with a computed name, `sys.modules` tricks,
plugins loaded from entry-point metadata of other distributions, and `exec`.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from flagkeeper.analysis.facts import FileFacts, Guard
from flagkeeper.errors import FlagkeeperError
from flagkeeper.tomlread import parse_toml

TEST_FILE_NAMES = ("test_*.py", "*_test.py", "conftest.py")


@dataclass(frozen=True)
class KeyGuard:
    """A guard with its key resolved (None: the key is dynamic, so it is never dead)."""

    key: str | None
    polarity: bool


@functools.lru_cache(maxsize=65536)
def module_prefixes(target: str) -> tuple[str, ...]:
    """`a.b.c` -> (a, a.b, a.b.c): importing a module runs every package above it first."""
    return tuple(itertools.accumulate(target.split("."), lambda package, name: f"{package}.{name}"))


def is_test_module(facts: FileFacts) -> bool:
    path = Path(facts.path)
    return "tests" in path.parts[:-1] or "test" in path.parts[:-1] or any(path.match(name) for name in TEST_FILE_NAMES)


def build_import_graph(files: list[FileFacts], key_guards: Callable[[str, tuple[Guard, ...]], frozenset[KeyGuard]]) -> nx.DiGraph:
    """Nodes are module names (with `facts`); an edge has `line` and `guards` (a frozenset of
    KeyGuard, empty when some import or use between the two modules is unguarded)."""
    modules = {facts.module for facts in files}
    edges: dict[tuple[str, str], tuple[int, frozenset[KeyGuard]]] = {}
    for facts in files:
        for imported, line, written_guards, _ in facts.imports:
            guards = key_guards(facts.module, written_guards)
            for target in module_prefixes(imported):
                if target == facts.module or target not in modules:
                    continue
                known = edges.get((facts.module, target))
                # Every use must be guarded for the edge to be; the edge's line is its first import.
                edges[facts.module, target] = (line, guards) if known is None else (min(known[0], line), known[1] & guards)
    graph = nx.DiGraph()
    graph.add_nodes_from((facts.module, {"facts": facts}) for facts in files)
    graph.add_edges_from((source, target, {"line": line, "guards": guards}) for (source, target), (line, guards) in edges.items())
    return graph


def entry_targets(configured: Iterable[str], pyproject: Path, text: str | None) -> list[str]:
    """`module` or `module:function` from the config's entry-points and from pyproject.toml's
    [project.scripts], [project.gui-scripts] and [project.entry-points.*] (`text`: its contents,
    None when there is none)."""
    targets = list(configured)
    if text is not None:
        project = parse_toml(text, pyproject).get("project", {})
        tables = [project.get("scripts", {}), project.get("gui-scripts", {}), *project.get("entry-points", {}).values()]
        targets += [value for table in tables if isinstance(table, dict) for value in table.values() if isinstance(value, str)]
    return targets


def find_entry_points(
    graph: nx.DiGraph, targets: list[str], configured: Iterable[str], config_source: Path | None, include_tests: bool
) -> list[str]:
    """Entry modules: configured, console scripts, `__main__` modules, and test files if asked."""
    entries: dict[str, None] = {}
    for name in configured:
        if name.split(":")[0] not in graph:
            raise FlagkeeperError(f"entry-points names '{name}', which is not a module of the project", config_source)
    for target in targets:
        module = target.split(":")[0].strip()
        if module in graph:
            entries[module] = None
    for module, facts in graph.nodes(data="facts"):
        if module.rsplit(".", 1)[-1] == "__main__" or (include_tests and is_test_module(facts)):
            entries[module] = None
    return sorted(entries)


def reachable(graph: nx.DiGraph, entries: list[str], live_edge: Callable[[str, str], bool] | None = None) -> set[str]:
    """Modules reachable from `entries`, following only edges `live_edge(source, target)` accepts."""
    seen: set[str] = set()
    pending = list(entries)
    while pending:
        module = pending.pop()
        if module not in seen:
            seen.add(module)
            pending += [target for target in graph.successors(module) if target not in seen and (live_edge is None or live_edge(module, target))]
    return seen

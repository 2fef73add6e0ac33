"""The import graph: one node per module of the project, an edge A -> B when A imports B.

An edge carries the flag guards under which A uses B: the checks that enclose every use of
the names A imported from B. Built once on the model with networkx and queried by the
reachability rules (FK006 unreachable, FK007 zombie) and by `flagkeeper graph`, only through
the named queries of `ImportGraph`: no caller sees networkx.

What it cannot see: imports through `importlib` with a computed name, `sys.modules` tricks,
plugins loaded from entry-point metadata of other distributions, and `exec`.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import networkx as nx

from flagkeeper.analysis.facts import FileFacts, Guard
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


class ModuleStatus(str, Enum):
    """Where a module stands with respect to the entry points."""

    ENTRY_POINT = "entry-point"
    REACHABLE = "reachable"
    ZOMBIE = "zombie"  # reachable only past a dead flag (FK007)
    UNREACHABLE = "unreachable"  # FK006

    def __str__(self) -> str:  # the value in f-strings, on every Python version
        return self.value


@dataclass(frozen=True)
class ImportEdge:
    """`source` imports `target`, first on `line`; `guards` is empty when some use is unguarded."""

    source: str
    target: str
    line: int
    guards: frozenset[KeyGuard]


class ImportGraph:
    """Named queries over the project's imports; networkx stays behind this class."""

    def __init__(self, files: list[FileFacts], key_guards: Callable[[str, tuple[Guard, ...]], frozenset[KeyGuard]]):
        """Nodes are the modules of `files`; an edge's guards are `key_guards` of the guards written around its uses."""
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
        self._facts = {facts.module: facts for facts in files}
        self._edges = {(source, target): ImportEdge(source, target, line, guards) for (source, target), (line, guards) in edges.items()}
        self._out: dict[str, list[ImportEdge]] = {module: [] for module in self._facts}
        for edge in self._edges.values():
            self._out[edge.source].append(edge)
        self._graph: nx.DiGraph[str] = nx.DiGraph()  # for the path queries
        self._graph.add_nodes_from(self._facts)
        self._graph.add_edges_from(self._edges)

    def facts(self, module: str) -> FileFacts:
        return self._facts[module]

    def edge(self, source: str, target: str) -> ImportEdge:
        return self._edges[source, target]

    def edges(self) -> list[ImportEdge]:
        """Every import edge, in the order the files were read."""
        return list(self._edges.values())

    def has_path(self, source: str, target: str) -> bool:
        return bool(nx.has_path(self._graph, source, target))

    def shortest_path(self, source: str, target: str) -> list[str]:
        path: list[str] = nx.shortest_path(self._graph, source, target)
        return path

    def reachable(self, entries: Iterable[str], live_edge: Callable[[ImportEdge], bool] | None = None) -> set[str]:
        """Modules reachable from `entries`, following only the edges `live_edge` accepts (all when None)."""
        seen: set[str] = set()
        pending = list(entries)
        while pending:
            module = pending.pop()
            if module not in seen:
                seen.add(module)
                pending += [edge.target for edge in self._out[module] if edge.target not in seen and (live_edge is None or live_edge(edge))]
        return seen

    def statuses(self, entries: list[str], live_edge: Callable[[ImportEdge], bool]) -> dict[str, ModuleStatus]:
        """Every module's status: zombies are reachable only through edges `live_edge` rejects."""
        anyhow, live = self.reachable(entries), self.reachable(entries, live_edge)
        status = {}
        for module in self._facts:
            if module in entries:
                status[module] = ModuleStatus.ENTRY_POINT
            elif module in live:
                status[module] = ModuleStatus.REACHABLE
            else:
                status[module] = ModuleStatus.ZOMBIE if module in anyhow else ModuleStatus.UNREACHABLE
        return status


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


def find_entry_points(modules: Mapping[str, FileFacts], targets: list[str], include_tests: bool) -> list[str]:
    """Entry modules: configured, console scripts, `__main__` modules, and test files if asked.

    Only the module names are needed, not the import graph: a check that judges no
    reachability never builds it.
    """
    entries: dict[str, None] = {}
    for target in targets:
        module = target.split(":")[0].strip()
        if module in modules:
            entries[module] = None
    for module, facts in modules.items():
        if module.rsplit(".", 1)[-1] == "__main__" or (include_tests and is_test_module(facts)):
            entries[module] = None
    return sorted(entries)

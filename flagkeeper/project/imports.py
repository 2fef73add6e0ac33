"""The import graph: one node per module of the project, an edge A -> B when A imports B.

An edge carries the flag guards under which A uses B: the checks that enclose every use of
the names A imported from B. Built once on the model with networkx and queried by the
reachability rules (FK006 unreachable, FK007 zombie) and by `flagkeeper graph`, only through
the named queries of `ImportGraph`: no caller sees networkx.

Besides import statements, an edge stands for the other ways a module loads another (see
facts.Link): a string naming a module's dotted path (Django settings, `include("x.urls")`,
`from_object()`, Celery `include=`), the submodules a star import's `__all__` names, and every
module of a package whose folder `pkgutil` searches (plugins), and every module of a package
whose `__init__` imports by a computed name (`__import__(name)`, `import_module(name)`: plugins
chosen by configuration, as Redash's query runners). Python runs a package's `__init__` before
any module inside it, so a reachable module makes its packages reachable.

What it cannot see: imports through `importlib` with a computed name outside a package's
`__init__`, `sys.modules` tricks,
plugins loaded from entry-point metadata of other distributions, and `exec`.
"""

from __future__ import annotations

import fnmatch
import functools
import itertools
import re
from collections.abc import Callable, Iterable
from enum import Enum
from typing import TYPE_CHECKING, Protocol

import msgspec

from flagkeeper.analysis.facts import COMPUTED_LINK, PATH_LINK, PLUGINS_LINK, PYFILE_LINK, STAR_LINK, TASKS_LINK, FileFacts, Guard, Link

if TYPE_CHECKING:
    import networkx as nx

# pytest's and unittest's default patterns (unittest's `test*.py` finds Django's `tests.py`).
TEST_FILE_NAMES = ("test_*.py", "*_test.py", "tests.py", "conftest.py")
TEST_FOLDER_NAMES = ("test", "tests", "*_tests")  # `*_tests`: playwright_tests, functional_tests
# fnmatch's own translation, as fnmatch and PurePosixPath.match use it (case-sensitive on POSIX).
_TEST_FILE = re.compile("|".join(fnmatch.translate(pattern) for pattern in TEST_FILE_NAMES))
_TEST_FOLDER = re.compile("|".join(fnmatch.translate(pattern) for pattern in TEST_FOLDER_NAMES))
_COMPUTED_IMPORTERS = ("__import__", "importlib.import_module")


class KeyGuard(msgspec.Struct, frozen=True):
    """A guard with its key resolved (None: the key is dynamic, so it is never dead)."""

    key: str | None
    polarity: bool


@functools.lru_cache(maxsize=65536)
def module_prefixes(target: str) -> tuple[str, ...]:
    """`a.b.c` -> (a, a.b, a.b.c): importing a module runs every package above it first."""
    return tuple(itertools.accumulate(target.split("."), lambda package, name: f"{package}.{name}"))


def modules_inside(modules: Iterable[str]) -> dict[str, list[str]]:
    """Package -> every module of `modules` inside it, at any depth, in the order of `modules`:
    one pass, where a search of every module per package made the entry points quadratic."""
    inside: dict[str, list[str]] = {}
    for module in modules:
        for package in module_prefixes(module)[:-1]:
            inside.setdefault(package, []).append(module)
    return inside


class _InProject(Protocol):
    @property
    def path(self) -> str: ...  # the project path, POSIX


def is_test_module(facts: _InProject) -> bool:
    """Is the module a test (by its path: its file or a folder of it named as TEST_FILE_NAMES, TEST_FOLDER_NAMES say)?"""
    return _is_test_path(facts.path)


def _is_test_path(path: str) -> bool:
    """On the project path's text (POSIX), with the patterns compiled once: a Path and a pattern
    match per name and per folder were a sixth of a model's reachability rules on saleor."""
    *folders, name = path.split("/")
    return _TEST_FILE.match(name) is not None or any(_TEST_FOLDER.match(folder) for folder in folders)


def computed_import_line(facts: FileFacts) -> int | None:
    """The first line calling `__import__`/`import_module` with a name known only at run time
    (a literal name is an import of its own, on the same line); None when there is none."""
    literal = {line for _, line, _, dynamic in facts.imports if dynamic}
    return min((line for callee, line, _, _ in facts.calls if callee in _COMPUTED_IMPORTERS and line not in literal), default=None)


class ModuleStatus(str, Enum):
    """Where a module stands with respect to the entry points."""

    ENTRY_POINT = "entry-point"
    REACHABLE = "reachable"
    ZOMBIE = "zombie"  # reachable only past a dead flag (FK007)
    UNREACHABLE = "unreachable"  # FK006

    def __str__(self) -> str:  # the value in f-strings, on every Python version
        return self.value


class ImportEdge(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """`source` imports `target`, first on `line`; `guards` is empty when some use is unguarded.
    A Struct: a large project has tens of thousands, made on every run that builds the graph."""

    source: str
    target: str
    line: int
    guards: frozenset[KeyGuard]


GuardResolver = Callable[[str, tuple[Guard, ...]], frozenset[KeyGuard]]  # Project.key_guards


def graph_inputs(files: list[FileFacts], key_guards: GuardResolver) -> bytes:
    """Everything ImportGraph builds its edges from, as bytes: equal bytes, equal edges (so a graph
    kept in the cache under their digest stands for the one this run would build).

    Per file, in order: its module and package-ness, its imports and links as analysed, the line
    of a package's import by computed name, a package's `__all__` (what a star import of it
    loads), and the guards of its guarded imports with their keys resolved: a guard's key can be
    a constant of another file, so a change there changes these bytes too."""
    def resolved(facts: FileFacts) -> list[list[tuple[str, bool, bool]]]:
        guarded = [key_guards(facts.module, written) for _, _, written, _ in facts.imports if written]
        return [sorted((guard.key or "", guard.key is None, guard.polarity) for guard in guards) for guards in guarded]

    inputs = [
        (
            facts.module, facts.is_package, facts.imports, facts.links,
            computed_import_line(facts) if facts.is_package else None,
            facts.string_lists.get("__all__") if facts.is_package else None,
            resolved(facts),
        )
        for facts in files
    ]  # fmt: skip
    return msgspec.msgpack.encode(inputs)


class ImportGraph:
    """Named queries over the project's imports; networkx stays behind this class."""

    def __init__(self, files: list[FileFacts], key_guards: GuardResolver, known_edges: list[ImportEdge] | None = None):
        """Nodes are the modules of `files`; an edge's guards are `key_guards` of the guards written
        around its uses. `known_edges` are the edges of a graph built from the same inputs
        (graph_inputs): then they are taken as they are, and nothing is worked out again."""
        self._facts = {facts.module: facts for facts in files}
        if known_edges is not None:
            self._edges = {(edge.source, edge.target): edge for edge in known_edges}
        else:
            self._edges = self._build(files, key_guards)
        self._out: dict[str, list[ImportEdge]] = {module: [] for module in self._facts}
        for edge in self._edges.values():
            self._out[edge.source].append(edge)
        # The graph never changes once built: path answers are kept (the language server asks the same ones on every keystroke).
        self._paths: dict[tuple[str, str], bool] = {}
        self._routes: dict[tuple[str, str], list[str] | None] = {}

    def _build(self, files: list[FileFacts], key_guards: GuardResolver) -> dict[tuple[str, str], ImportEdge]:
        edges: dict[tuple[str, str], tuple[int, frozenset[KeyGuard]]] = {}
        for facts in files:
            source = facts.module
            found = [
                (target, line, guards)
                for imported, line, written, _ in facts.imports
                for guards in (key_guards(source, written),)  # once per import, not per package of its target
                for target in module_prefixes(imported)
            ]
            unguarded = key_guards(source, ())  # a link or a computed import: no guard
            found += [(target, link.line, unguarded) for link in facts.links for target in self._linked(link)]
            computed = computed_import_line(facts) if facts.is_package else None
            if computed is not None:
                found += [(target, computed, unguarded) for target in self._inside(source)]
            for target, line, guards in found:
                if target == source or target not in self._facts:
                    continue
                known = edges.get((source, target))
                if known is None:
                    edges[source, target] = (line, guards)
                elif line < known[0] or known[1]:  # else nothing changes: an earlier unguarded use is there already
                    # Every use must be guarded for the edge to be; the edge's line is its first import.
                    edges[source, target] = (min(known[0], line), known[1] & guards)
        return {(source, target): ImportEdge(source, target, line, guards) for (source, target), (line, guards) in edges.items()}

    @functools.cached_property
    def _graph(self) -> nx.DiGraph[str]:
        """The edges as networkx sees them, for the path queries; imported and built on the first
        one (a fifth of a second that a run answered from the cache, or with no path query, saves)."""
        import networkx as nx

        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(self._facts)
        graph.add_edges_from(self._edges)
        return graph

    def _linked(self, link: Link) -> list[str]:
        """The modules (and their packages) a link loads; none when its target is not of the project."""
        if link.kind == PLUGINS_LINK:
            return self._inside(link.target)
        # Hints for a finding's confidence, and what the Celery and Flask detectors make entry points: not loads.
        if link.kind in (PATH_LINK, COMPUTED_LINK, TASKS_LINK, PYFILE_LINK):
            return []
        if link.kind == STAR_LINK:
            facts = self._facts.get(link.target)
            exported = facts.string_lists.get("__all__", ()) if facts and facts.is_package else ()
            return [f"{link.target}.{name}" for name in exported]
        # A string: `a.b` names module a.b, `a.b.C` an attribute of it; anything else, nothing.
        owner = link.target if link.target in self._facts else link.target.rpartition(".")[0]
        return list(module_prefixes(owner)) if owner in self._facts else []

    @functools.cached_property
    def _modules_inside(self) -> dict[str, list[str]]:
        return modules_inside(self._facts)

    def _inside(self, package: str) -> list[str]:
        """Every module of the project inside `package`, at any depth."""
        return list(self._modules_inside.get(package, ()))

    def _packages_of(self, module: str) -> list[str]:
        """The packages of the project that Python runs before `module` (`a`, `a.b` for `a.b.c`)."""
        return [package for package in module_prefixes(module)[:-1] if package in self._facts]

    def facts(self, module: str) -> FileFacts:
        return self._facts[module]

    def edge(self, source: str, target: str) -> ImportEdge:
        return self._edges[source, target]

    def edges(self) -> list[ImportEdge]:
        """Every import edge, in the order the files were read."""
        return list(self._edges.values())

    def guarded_imports(self, module: str, key: str) -> list[str]:
        """The modules `module` uses only under a check of flag `key`: code that flag switches."""
        return [edge.target for edge in self._out[module] if any(guard.key == key for guard in edge.guards)]

    def has_path(self, source: str, target: str) -> bool:
        import networkx as nx

        if (source, target) not in self._paths:
            self._paths[source, target] = bool(nx.has_path(self._graph, source, target))
        return self._paths[source, target]

    def shortest_path(self, source: str, target: str) -> list[str]:
        import networkx as nx

        path: list[str] = nx.shortest_path(self._graph, source, target)
        return path

    def route(self, source: str, target: str) -> list[str] | None:
        """A shortest chain of imports from `source` to `target`, or to the nearest module inside
        package `target` (which runs it first) followed by `target`; None when there is none."""
        if (source, target) not in self._routes:
            self._routes[source, target] = self._route(source, target)
        found = self._routes[source, target]
        return None if found is None else list(found)

    def _route(self, source: str, target: str) -> list[str] | None:
        if self.has_path(source, target):
            return self.shortest_path(source, target)
        inside = [module for module in self._facts if module.startswith(f"{target}.") and self.has_path(source, module)]
        routes = [self.shortest_path(source, module) for module in inside]
        return [*min(routes, key=len), target] if routes else None

    def edges_along(self, route: list[str]) -> list[ImportEdge]:
        """The import edges of a route (a step from a module to its package is none)."""
        return [self._edges[step] for step in zip(route, route[1:], strict=False) if step in self._edges]

    def reachable(self, entries: Iterable[str], live_edge: Callable[[ImportEdge], bool] | None = None) -> set[str]:
        """Modules reachable from `entries`, following only the edges `live_edge` accepts (all when None)."""
        seen: set[str] = set()
        pending = list(entries)
        while pending:
            module = pending.pop()
            if module not in seen:
                seen.add(module)
                pending += [edge.target for edge in self._out[module] if edge.target not in seen and (live_edge is None or live_edge(edge))]
                pending += self._packages_of(module)
        return seen

    def statuses(self, entries: list[str], live_edge: Callable[[ImportEdge], bool]) -> dict[str, ModuleStatus]:
        """Every module's status: zombies are reachable only through edges `live_edge` rejects."""
        anyhow, live = self.reachable(entries), self.reachable(entries, live_edge)
        status, entry_points = {}, set(entries)
        for module in self._facts:
            if module in entry_points:
                status[module] = ModuleStatus.ENTRY_POINT
            elif module in live:
                status[module] = ModuleStatus.REACHABLE
            else:
                status[module] = ModuleStatus.ZOMBIE if module in anyhow else ModuleStatus.UNREACHABLE
        return status

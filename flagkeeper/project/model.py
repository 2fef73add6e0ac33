"""The project model: every file's facts joined into one picture the checks query.

Here the cross-file work happens: a key given through a constant (also one imported from
another module, or re-exported by a package) is resolved to its string, and reads are grouped
into the inventory, flag key -> references.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import networkx as nx

from flagkeeper.analysis.discovery import discover
from flagkeeper.analysis.facts import (
    Concat,
    Dynamic,
    FileFacts,
    FlagRef,
    Guard,
    KeyExpr,
    Literal,
    NameRef,
)
from flagkeeper.analysis.packs import Matcher, load_matcher
from flagkeeper.analysis.scan import ScannedFiles, ScanOptions, scan
from flagkeeper.config import Config
from flagkeeper.project.imports import KeyGuard, build_import_graph, entry_targets, find_entry_points, reachable
from flagkeeper.project.textrefs import TextReference, find_text_references, read_text_file
from flagkeeper.registry.model import Registry, load_registry
from flagkeeper.tomlread import read_text

_UNGUARDED: frozenset[KeyGuard] = frozenset()


@dataclass(frozen=True)
class Reference:
    """A flag read with its key resolved; `key` is None when no static value exists (FK009)."""

    key: str | None
    path: Path
    module: str
    read: FlagRef


class KeyResolver:
    """Resolves key expressions through module constants, imports and package re-exports."""

    def __init__(self, files: list[FileFacts]):
        self.modules = {facts.module: facts for facts in files if facts.error is None}

    def resolve(self, module: str, expr: KeyExpr, seen: frozenset[tuple[str, str]] = frozenset()) -> str | None:
        if isinstance(expr, Literal):
            return expr.value
        if isinstance(expr, Concat):
            parts = [self.resolve(module, part, seen) for part in expr.parts]
            return None if any(part is None for part in parts) else "".join(part for part in parts if part is not None)
        if isinstance(expr, NameRef):
            return self._lookup(module, expr.name, seen)
        assert isinstance(expr, Dynamic)
        return None

    def _lookup(self, module: str, name: str, seen: frozenset[tuple[str, str]]) -> str | None:
        facts = self.modules.get(module)
        if facts is None or (module, name) in seen:
            return None
        seen = seen | {(module, name)}
        for candidate in (name, name.removesuffix(".value")):  # `Flags.NEW.value` of a str Enum
            if candidate in facts.constants:
                return self.resolve(module, facts.constants[candidate], seen)
        head, _, rest = name.partition(".")
        target = facts.aliases.get(head)
        if target is None:
            return None
        return self._lookup_qualified(f"{target}.{rest}" if rest else target, seen)

    def _lookup_qualified(self, qualified: str, seen: frozenset[tuple[str, str]]) -> str | None:
        """`pkg.names.PEG` -> constant PEG of module pkg.names (the longest module prefix)."""
        parts = qualified.split(".")
        for split in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:split])
            if module in self.modules:
                return self._lookup(module, ".".join(parts[split:]), seen)
        return None


@dataclass
class Project:
    """Everything one run knows: configuration, registry, rule packs, every file's facts."""

    config: Config
    registry: Registry
    matcher: Matcher
    scanned: ScannedFiles
    text_files: tuple[Path, ...]
    today: dt.date
    include_tests_as_entry_points: bool = False
    executed_lines: dict[str, int] | None = None  # from --coverage: project path -> lines that ran
    fleet: tuple[Path, ...] = ()  # from --fleet: deploy manifests, or folders of them (FK011)

    @cached_property
    def files(self) -> list[FileFacts]:
        return self.scanned.facts

    def fingerprint(self) -> str | None:
        """A name for every input a `check` of this project reads, or None when some input has none
        (no cache, or coverage data or deploy manifests, which are not worth hashing for a cache).

        Each input counts as this run read it, once (a file edited during the run must not name
        findings computed from its old text)."""
        cache = self.scanned.cache
        if cache is None or self.executed_lines is not None or self.fleet:
            return None
        registry = self.registry.text if self.registry.exists else None
        texts = [(self.registry.path, registry), (self.pyproject, self.pyproject_text), *self.text_contents.items()]
        return cache.key(
            *self.scanned.keys, *(f"{path}\0{text is not None}" for path, text in texts), *(text or "" for _, text in texts),
            repr(self.config), self.today.isoformat(), str(self.include_tests_as_entry_points),
        )  # fmt: skip

    @property
    def pyproject(self) -> Path:
        return self.config.root / "pyproject.toml"

    @cached_property
    def pyproject_text(self) -> str | None:
        """The project's pyproject.toml (entry points come from it), read once; None when absent."""
        return read_text(self.pyproject) if self.pyproject.is_file() else None

    @cached_property
    def text_contents(self) -> dict[Path, str]:
        """The non-Python files searched for keys, read once; unreadable or huge ones left out."""
        return {path: text for path in self.text_files if (text := read_text_file(path)) is not None}

    @cached_property
    def resolver(self) -> KeyResolver:
        return KeyResolver(self.files)

    @cached_property
    def references(self) -> list[Reference]:
        """Every flag read, keys resolved; reads a pack's key-pattern rules out are dropped."""
        found = []
        for facts in self.files:
            for read in facts.references:
                key = self.resolver.resolve(facts.module, read.key)
                if key is None and not self.matcher.reports_dynamic_keys(read.pack):
                    continue
                if key is not None and not self.matcher.is_flag_key(read.pack, key):
                    continue
                found.append(Reference(key, self.config.root / facts.path, facts.module, read))
        return found

    @cached_property
    def inventory(self) -> dict[str, list[Reference]]:
        """Flag key -> its reads in Python, keys in sorted order."""
        grouped: dict[str, list[Reference]] = defaultdict(list)
        for reference in self.references:
            if reference.key is not None:
                grouped[reference.key].append(reference)
        return dict(sorted(grouped.items()))

    def text_references(self, keys: list[str]) -> dict[str, list[TextReference]]:
        return find_text_references(self.text_contents.items(), keys)

    @cached_property
    def import_graph(self) -> nx.DiGraph:
        return build_import_graph(self.files, self.key_guards)

    @cached_property
    def entry_targets(self) -> list[str]:
        """`module` or `module:function` from the config and the project's pyproject.toml."""
        return entry_targets(self.config.entry_points, self.pyproject, self.pyproject_text)

    @cached_property
    def entry_points(self) -> list[str]:
        """Entry modules; empty when none is configured or found (reachability cannot be judged)."""
        config = self.config
        return find_entry_points(self.import_graph, self.entry_targets, config.entry_points, config.source, self.include_tests_as_entry_points)

    def stuck_value(self, key: str | None) -> tuple[bool, str] | None:
        """The value a flag can no longer change from, and why; None while it may still go either way.

        Retired, declared-off and expired flags read false (an expired flag declared
        `state = "on"` reads true): code that runs only under the other value is dead.
        """
        if key is None:
            return None
        entry = self.registry.flags.get(key)
        tombstone = self.registry.retired.get(key)
        state = entry.text("state") if entry else None
        if state in ("on", "off"):
            return state == "on", f"declared {state} in {self.registry.path.name}"
        if key in self.config.flags_off:
            return False, "declared off in the configuration"
        if tombstone is not None:
            when = f" on {tombstone.retired}" if tombstone.retired else ""
            return False, f"retired{when}" + (f" ({tombstone.meaning})" if tombstone.meaning else "")
        expiry = entry.expiry(self.config.lifetimes) if entry else None
        if expiry is not None and expiry < self.today:
            return False, f"expired on {expiry}"
        return None

    def key_guards(self, module: str, guards: tuple[Guard, ...]) -> frozenset[KeyGuard]:
        """Guards written in `module`, with their keys resolved."""
        if not guards:  # nearly every import and call
            return _UNGUARDED
        return frozenset(KeyGuard(self.resolver.resolve(module, guard.key), guard.polarity) for guard in guards)

    def is_dead(self, guard: KeyGuard) -> bool:
        stuck = self.stuck_value(guard.key)
        return stuck is not None and stuck[0] != guard.polarity

    def live_edge(self, source: str, target: str) -> bool:
        guards = self.import_graph.get_edge_data(source, target)["guards"]
        return not guards or not any(self.is_dead(guard) for guard in guards)

    @cached_property
    def module_status(self) -> dict[str, str]:
        """entry-point | reachable | zombie (reachable only past a dead flag) | unreachable."""
        graph, entries = self.import_graph, self.entry_points
        anyhow = reachable(graph, entries)
        live = reachable(graph, entries, self.live_edge)
        status = {}
        for module in graph:
            if module in entries:
                status[module] = "entry-point"
            elif module in live:
                status[module] = "reachable"
            else:
                status[module] = "zombie" if module in anyhow else "unreachable"
        return status

    def evidence(self, path: str) -> str:
        """What the coverage data says about a file, for the end of a finding's message."""
        if self.executed_lines is None:
            return ""
        ran = self.executed_lines.get(path, 0)
        if not ran:
            return "; coverage: it never ran in the measured run"
        return f"; coverage: {ran} lines of it ran in the measured run, so check why before deleting"

    def path_to(self, module: str) -> list[str]:
        """A shortest import path from an entry point to `module`."""
        graph = self.import_graph
        paths = [nx.shortest_path(graph, entry, module) for entry in self.entry_points if nx.has_path(graph, entry, module)]
        return min(paths, key=len)


def build_project(
    paths: list[Path], config: Config, today: dt.date, registry_required: bool = False, include_tests: bool = False,
    options: ScanOptions | None = None,
) -> Project:  # fmt: skip
    """Discover, analyse and join the whole project around `paths` (the checks see all of it)."""
    matcher = load_matcher(config)
    registry = load_registry(config.registry, registry_required)
    sources = discover([config.root, *paths], config)
    files = scan(sources.python, config, matcher, options or ScanOptions())
    return Project(config, registry, matcher, files, sources.text, today, include_tests)

"""The project model: every file's facts joined into one picture the checks query.

Here the cross-file work happens: a key given through a constant (also one imported from
another module, or re-exported by a package) is resolved to its string, and reads are grouped
into the inventory, flag key -> references.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

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
    Override,
    Registration,
)
from flagkeeper.analysis.packs import Matcher, load_matcher
from flagkeeper.analysis.scan import ScannedFiles, ScanOptions, scan
from flagkeeper.config import AliasConfig, Config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.registry.model import Registry, load_registry
from flagkeeper.tomlread import read_bytes, read_text

# The views below import what they build on where they are first used: a `check` answered by the
# run cache builds none of them, and should not pay for importing them at every start.
if TYPE_CHECKING:
    from flagkeeper.analysis.cache import Cache
    from flagkeeper.project.callgraph import CallGraph
    from flagkeeper.project.confidence import DeadCodeEvidence
    from flagkeeper.project.fleet import Manifest
    from flagkeeper.project.frontend import FrontendRead
    from flagkeeper.project.imports import ImportEdge, ImportGraph, KeyGuard, ModuleStatus
    from flagkeeper.project.textrefs import TextReference
    from flagkeeper.project.textsearch import TextFiles
    from flagkeeper.registry.lifecycle import Lifecycle
    from flagkeeper.registry.servicestate import ServiceState
    from flagkeeper.registry.sources import RegisteredFlag

_UNGUARDED: frozenset[KeyGuard] = frozenset()


class Reference(msgspec.Struct, frozen=True):
    """A flag read with its key resolved; `key` is None when no static value exists (FK009)."""

    key: str | None
    path: Path
    module: str
    read: FlagRef


class Registered(msgspec.Struct, frozen=True):
    """A flag registration in code with its key resolved; `key` is None when no static value exists (FK009)."""

    key: str | None
    path: Path
    module: str
    registration: Registration


class Overridden(msgspec.Struct, frozen=True):
    """A flag override (a test or settings block setting a flag) with its key resolved; `key` is None when no static value exists."""

    key: str | None
    path: Path
    module: str
    override: Override


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


@dataclass(frozen=True, eq=False)
class Project:
    """Everything one run knows, frozen once built: configuration, registry, rule packs, every
    file's facts, and the run's evidence (coverage data, deploy manifests).

    The expensive views (keys resolved, the import graph, module statuses) are worked out on
    first use, so a run whose rules do not need them never pays for them. Build one with
    `build_project`, and the same project at another revision with `at`.
    """

    config: Config
    registry: Registry
    matcher: Matcher
    scanned: ScannedFiles
    text_files: tuple[Path, ...]
    today: dt.date
    include_tests_as_entry_points: bool = False
    executed_lines: Mapping[str, int] | None = None  # from --coverage: project path -> lines that ran
    fleet: tuple[Manifest, ...] = ()  # from --fleet: the servers' deploy manifests (FK011)
    scripts: ScannedFiles | None = None  # the JavaScript and TypeScript files (project/frontend.py)
    service: ServiceState | None = None  # what the flag service knows (flag-state.toml); None without a state file

    def at(self, files: list[FileFacts], registry: Registry, text_files: tuple[Path, ...] = ()) -> Project:
        """This project with other files and registry (a git revision, or files being edited), read
        with the same configuration and packs; the run's evidence describes this tree only."""
        return Project(
            self.config, registry, self.matcher, ScannedFiles.of(files), text_files, self.today, self.include_tests_as_entry_points,
            service=self.service,  # the service as it is now: a revision is judged against it
        )  # fmt: skip

    @cached_property
    def files(self) -> list[FileFacts]:
        return self.scanned.facts

    @cached_property
    def modules(self) -> dict[str, FileFacts]:
        """Module name -> its facts, for every file (also those that do not parse)."""
        return {facts.module: facts for facts in self.files}

    def fingerprint(self) -> str | None:
        """A name for every input a `check` of this project reads, or None when some input has none
        (no cache, or coverage data or deploy manifests, which are not worth hashing for a cache).

        Each input counts as this run read it, once (a file edited during the run must not name
        findings computed from its old text); the text files searched for keys count by their
        digests (text_keys), so a warm run reads none of them."""
        cache = self.scanned.cache
        if cache is None or self.executed_lines is not None or self.fleet:
            return None
        registry = self.registry.text if self.registry.exists else None
        texts = [
            (self.registry.path, registry), (self.pyproject, self.pyproject_text), (self.config.root / "setup.cfg", self.setup_cfg_text),
            *self.registry_source_texts.items(),
        ]  # fmt: skip
        searched = (f"{path}\0{key}" for path, key in zip(self.text_files, self.scanned.text_keys, strict=True))
        return cache.key(
            *self.scanned.keys, *(f"{path}\0{text is not None}" for path, text in texts), *(text or "" for _, text in texts), *searched,
            repr(self.config), self.today.isoformat(), str(self.include_tests_as_entry_points), repr(self.service),
        )  # fmt: skip

    @property
    def pyproject(self) -> Path:
        return self.config.root / "pyproject.toml"

    @cached_property
    def call_graph(self) -> CallGraph:
        """Who calls what (callgraph.py), built once for every rule that follows call paths (FK010,
        FK013, FK019); imported here, as callgraph.py builds on this module."""
        from flagkeeper.project.callgraph import CallGraph

        return CallGraph(self)

    @cached_property
    def pyproject_text(self) -> str | None:
        """The project's pyproject.toml (entry points come from it), read once; None when absent."""
        return read_text(self.pyproject) if self.pyproject.is_file() else None

    @cached_property
    def setup_cfg_text(self) -> str | None:
        """The project's setup.cfg (its [options.entry_points] are entry points), read once; None
        when absent, or not UTF-8 (not ours to judge: setuptools reports it)."""
        path = self.config.root / "setup.cfg"
        try:
            return read_bytes(path).decode("utf-8-sig") if path.is_file() else None
        except UnicodeDecodeError:
            return None

    @cached_property
    def texts(self) -> TextFiles:
        """The non-Python files searched for keys and module names; with the cache, a search reads
        only those whose digest changed since it last ran (textsearch.py)."""
        from flagkeeper.project.textsearch import TextFiles

        manifests = frozenset(manifest.path.resolve() for manifest in self.fleet)
        scanned = self.scanned
        return TextFiles(self.text_files, self.config.root, scanned.text_keys, scanned.text_bytes, scanned.cache, manifests)

    @cached_property
    def registry_source_texts(self) -> dict[Path, str]:
        """The flag definition files `registry-sources` names, read once."""
        return {path: read_text(path) for path in self.config.registry_sources}

    @cached_property
    def registrations(self) -> list[Registered]:
        """Every flag registration in code, keys resolved as for reads."""
        return [
            Registered(self.resolver.resolve(facts.module, registration.key), self.config.root / facts.path, facts.module, registration)
            for facts in self.files
            for registration in facts.registrations
        ]

    @cached_property
    def registered(self) -> dict[str, RegisteredFlag]:
        """The merged registry: every key flags.toml, code or a registry-source file defines, with its sources."""
        from flagkeeper.registry.sources import CODE, SourceEntry, merge_sources, read_source_file

        code = [
            SourceEntry(found.key, CODE, found.path, found.registration.line, found.registration.fields, found.registration.column)
            for found in self.registrations
            if found.key is not None
        ]
        files = [entry for path, text in self.registry_source_texts.items() for entry in read_source_file(path, text)]
        return merge_sources(self.registry, [*code, *files])

    @cached_property
    def lifecycle(self) -> Lifecycle:
        from flagkeeper.registry.lifecycle import Lifecycle

        return Lifecycle(
            self.registry, self.today, self.config.lifetimes, self.config.flags_off, frozenset(self.registered),
            self.service, self.config.launched_days,
        )  # fmt: skip

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
                if read.registered_only and key not in self.registered:  # `settings.DEBUG` is no flag
                    continue
                found.append(Reference(key, self.config.root / facts.path, facts.module, read))
        return found

    @cached_property
    def overrides(self) -> list[Overridden]:
        """Every flag override in tests and settings, keys resolved; not reads. A `registered-only`
        override of a key nothing registers is no flag's (`override_settings(TIME_ZONE=...)`)."""
        found = []
        for facts in self.files:
            for override in facts.overrides:
                key = self.resolver.resolve(facts.module, override.key)
                if not override.registered_only or key in self.registered:
                    found.append(Overridden(key, self.config.root / facts.path, facts.module, override))
        return found

    @cached_property
    def inventory(self) -> dict[str, list[Reference]]:
        """Flag key -> its reads in Python, keys in sorted order."""
        grouped: dict[str, list[Reference]] = defaultdict(list)
        for reference in self.references:
            if reference.key is not None:
                grouped[reference.key].append(reference)
        return dict(sorted(grouped.items()))

    @cached_property
    def aliases(self) -> AliasConfig:
        """How keys are spelled outside Python: the config's aliases, and those of each pack the
        Python code reads flags through (a shipped pack's convention is no evidence of its SDK:
        every shipped pack is active, and `Res['releasePipelines']` is not a LaunchDarkly read)."""
        return self._with_pack_aliases({reference.read.pack for reference in self.references})

    def _with_pack_aliases(self, used: set[str]) -> AliasConfig:
        """The config's aliases and those of the packs named in `used`."""
        return sum((pack.aliases for pack in self.matcher.packs if pack.name in used), self.config.aliases)

    @cached_property
    def frontend_reads(self) -> list[FrontendRead]:
        """Flag reads in JavaScript and TypeScript, keys resolved across their files (not Python's)
        and joined to the registered, retired and flag-service keys as spelled there."""
        from flagkeeper.project.aliases import key_spellings
        from flagkeeper.project.frontend import frontend_reads, import_names, spelling_index

        files = self.scripts.facts if self.scripts is not None else []
        resolver = KeyResolver(files)
        resolver.modules = import_names(resolver.modules)
        # A frontend read through a pack is evidence of its SDK's conventions, as a Python read is.
        used = {read.pack for facts in files for read in facts.references}
        aliases = self._with_pack_aliases(used | {reference.read.pack for reference in self.references})
        service = list(self.service.flags) if self.service is not None else []  # a frontend reads the service's keys too
        index = spelling_index([*self.registered, *self.registry.retired, *service], lambda key: key_spellings(key, aliases))
        return frontend_reads(files, self.config.root, resolver.resolve, self.matcher.is_flag_key, index)

    @cached_property
    def frontend_inventory(self) -> dict[str, list[FrontendRead]]:
        """Key -> its frontend reads, keys in sorted order."""
        grouped: dict[str, list[FrontendRead]] = defaultdict(list)
        for read in self.frontend_reads:
            grouped[read.key].append(read)
        return dict(sorted(grouped.items()))

    def text_references(self, keys: list[str]) -> dict[str, list[TextReference]]:
        from flagkeeper.project.textrefs import find_text_references

        return find_text_references(self.texts, keys, self.aliases)

    @cached_property
    def import_graph(self) -> ImportGraph:
        """The import graph; its edges from the cache when a run built them from the same inputs
        (graph_inputs: most edits change no import, and a one-file run then builds no edge)."""
        from flagkeeper.project.imports import ImportEdge, ImportGraph, graph_inputs

        cache = self.scanned.cache
        if cache is None:
            return ImportGraph(self.files, self.key_guards)
        key = cache.key("import graph", graph_inputs(self.files, self.key_guards))
        known = cache.run(key, list[ImportEdge])
        graph = ImportGraph(self.files, self.key_guards, known)
        if known is None:
            cache.save_run(key, graph.edges())
        return graph

    @cached_property
    def entry_targets(self) -> list[str]:
        """`module` or `module:function` from the config and the project's pyproject.toml."""
        from flagkeeper.project.entrypoints import entry_targets  # the detectors: only runs that judge reachability load them

        return entry_targets(self.config.entry_points, self.pyproject, self.pyproject_text)

    @cached_property
    def entry_point_reasons(self) -> dict[str, tuple[str, ...]]:
        """Entry module -> why it is one (configured, packaging, frameworks), sorted by module
        (from the cache when a run found them from the same inputs: most edits change none)."""
        from flagkeeper.project.entrypoints import DetectorFacts, ProjectFiles, detector_facts, find_entry_points
        from flagkeeper.project.entrypoints.stored import detector_digests

        def found(gathered: Mapping[str, DetectorFacts]) -> dict[str, tuple[str, ...]]:
            modules = {module: gathered[module] if module in gathered else detector_facts(facts) for module, facts in self.modules.items()}
            files = ProjectFiles(modules, self.config.root, self.pyproject_text, self.setup_cfg_text, self.include_tests_as_entry_points)
            return find_entry_points(files, self.config.entry_points)

        cache, keys = self.scanned.cache, self.scanned.keys
        if cache is None or not keys:
            return found({})
        # The keys of the project's files come first (scripts' after); a module's last file wins, as in self.modules.
        names = {facts.module: name for facts, name in zip(self.files, keys[: len(self.files)], strict=True)}
        digests, gathered = detector_digests(cache, self.modules, names)
        packaging = (str(self.config.root), self.pyproject_text, self.setup_cfg_text, self.include_tests_as_entry_points, self.config.entry_points)
        key = cache.key("entry points", msgspec.msgpack.encode(packaging), digests)
        known = cache.run(key, dict[str, tuple[str, ...]])
        if known is None:
            known = found(gathered)
            cache.save_run(key, known)
        return known

    @cached_property
    def entry_points(self) -> list[str]:
        """Entry modules; empty when none is configured or found (reachability cannot be judged)."""
        return list(self.entry_point_reasons)

    def key_guards(self, module: str, guards: tuple[Guard, ...]) -> frozenset[KeyGuard]:
        """Guards written in `module`, with their keys resolved."""
        if not guards:  # nearly every import and call
            return _UNGUARDED
        from flagkeeper.project.imports import KeyGuard

        return frozenset(KeyGuard(self.resolver.resolve(module, guard.key), guard.polarity) for guard in guards)

    def is_dead(self, guard: KeyGuard) -> bool:
        """Does the code under `guard` never run any more (its flag is stuck at the other value)?"""
        return self.lifecycle.is_dead(guard.key, guard.polarity)

    def live_edge(self, edge: ImportEdge) -> bool:
        return not edge.guards or not any(self.is_dead(guard) for guard in edge.guards)

    @cached_property
    def module_status(self) -> dict[str, ModuleStatus]:
        """entry-point | reachable | zombie (reachable only past a dead flag) | unreachable."""
        return self.import_graph.statuses(self.entry_points, self.live_edge)

    @cached_property
    def dead_code_evidence(self) -> DeadCodeEvidence:
        """How sure each dead-code finding is (FK006, FK007): hints of a way in the graph cannot see."""
        from flagkeeper.project.confidence import DeadCodeEvidence

        return DeadCodeEvidence(self.files, self.module_status, self.texts)

    def evidence(self, path: str) -> str:
        """What the coverage data says about a file, for the end of a finding's message."""
        if self.executed_lines is None:
            return ""
        ran = self.executed_lines.get(path, 0)
        if not ran:
            return "; coverage: it never ran in the measured run"
        return f"; coverage: {ran} lines of it ran in the measured run, so check why before deleting"

    def path_to(self, module: str) -> list[str]:
        """A shortest import path from an entry point to `module` (through a module inside it, for a
        package that nothing imports by name)."""
        routes = [self.import_graph.route(entry, module) for entry in self.entry_points]
        return min((route for route in routes if route is not None), key=len)


class ProjectInputs(msgspec.Struct, frozen=True):
    """What a run reads besides the source tree: the command line's evidence and options."""

    registry_required: bool = False
    include_tests: bool = False
    options: ScanOptions | None = None
    coverage_file: Path | None = None  # a coverage.py data file (--coverage)
    fleet: tuple[Path, ...] = ()  # deploy manifests or folders of them (--fleet)


def build_project(paths: list[Path], config: Config, today: dt.date, inputs: ProjectInputs | None = None) -> Project:
    """Discover, analyse and join the whole project around `paths` (the checks see all of it).

    The configuration is checked against the files when their facts are loaded, before anything
    reads them, whatever rules run. A check whose findings come from the run cache loads no
    facts: the run that stored them checked the same configuration against the same files.
    """
    inputs = inputs or ProjectInputs()
    matcher = load_matcher(config)
    registry = load_registry(config.registry, inputs.registry_required)
    sources = discover([config.root, *paths], config)
    # One scan for both, so one cache holds the facts of both.
    scanned = scan(sources.python + sources.scripts, config, matcher, inputs.options or ScanOptions(), sources.stats)
    texts, text_bytes = text_keys(scanned.cache, sources.text, sources.stats)
    if scanned.cache is not None:
        scanned.cache.save_stamps()  # every file of the run has been looked at
    files = ScannedFiles(scanned.keys, lambda: checked_against(config, scanned.facts[: len(sources.python)]), scanned.cache, texts, text_bytes)
    scripts = ScannedFiles((), lambda: scanned.facts[len(sources.python) :])
    executed, fleet = _evidence(inputs, files)
    return Project(config, registry, matcher, files, sources.text, today, inputs.include_tests, executed, fleet, scripts, _service(config))


def _evidence(inputs: ProjectInputs, files: ScannedFiles) -> tuple[dict[str, int] | None, tuple[Manifest, ...]]:
    """The command line's evidence: coverage data (--coverage) and deploy manifests (--fleet)."""
    if inputs.coverage_file is None and not inputs.fleet:
        return None, ()
    from flagkeeper.project.coverage import load_executed_lines
    from flagkeeper.project.fleet import load_manifests

    executed = load_executed_lines(inputs.coverage_file, [facts.path for facts in files.facts]) if inputs.coverage_file else None
    return executed, tuple(load_manifests([path.resolve() for path in inputs.fleet])) if inputs.fleet else ()


def _service(config: Config) -> ServiceState | None:
    """What the flag service knows (flag-state.toml), or None without a state file."""
    if not config.flag_state_named and not config.flag_state.is_file():
        return None
    from flagkeeper.registry.servicestate import load_state

    return load_state(config.flag_state)


def text_keys(
    cache: Cache | None, paths: tuple[Path, ...], stats: Mapping[str, os.stat_result] | None = None
) -> tuple[tuple[str, ...], dict[Path, bytes]]:
    """What names each text file searched for keys in a run's fingerprint: the digest of its bytes
    (from its stamp when the stamp vouches for it: a warm run reads none), or why it is not
    searched (over the size read_text_file reads, unreadable); and the bytes of those it read,
    which the run then searches (a file is read once). Empty without a cache. `stats`: as for scan."""
    if cache is None or not paths:
        return (), {}
    from flagkeeper.project.textrefs import MAX_TEXT_FILE_BYTES

    keys, read = [], {}
    for path in paths:
        try:
            found = cache.content(path, Path.read_bytes, MAX_TEXT_FILE_BYTES, stats.get(str(path)) if stats else None)
        except OSError:
            keys.append("unreadable")
            continue
        keys.append(found.digest.hex() if found.size <= MAX_TEXT_FILE_BYTES else "too large")
        if found.data is not None:
            read[path] = found.data
    return tuple(keys), read


def checked_against(config: Config, files: list[FileFacts]) -> list[FileFacts]:
    """`files`, once `entry-points` and `critical` are known to name modules and functions of them."""
    from flagkeeper.project.entrypoints import is_glob, matching

    modules = {facts.module for facts in files}
    for name in config.entry_points:
        if is_glob(name):
            if not matching({facts.module: facts for facts in files}, name):
                raise FlagkeeperError(f"entry-points glob '{name}' matches no Python file of the project", config.source)
        elif name.split(":")[0] not in modules:
            raise FlagkeeperError(f"entry-points names '{name}', which is not a module of the project", config.source)
    if config.critical:
        functions = modules | {f"{facts.module}.{function.qualname}" for facts in files for function in facts.functions}
        for name in config.critical:
            if name not in functions:
                raise FlagkeeperError(f"critical names '{name}', which is not a function of the project", config.source)
    return files

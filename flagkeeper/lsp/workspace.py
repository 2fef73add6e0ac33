"""The project as the editor sees it: the files on disk, with the unsaved buffers laid over them.

The project on disk (the base) is built once, through the facts cache, so opening a workspace
whose facts are cached is a warm load. A buffer is analysed alone, in memory (analyse_file,
the same per-file step `check --stdin-filename` uses), and its facts replace those of its file:
the whole-program rules (FK001-FK005, FK007, FK009) then judge the buffer as typed against
every other file as cached, without analysing the project again. A flags.toml buffer replaces
the registry. What the model reads from disk besides the Python files (non-Python text files
for FK005, registry sources, pyproject.toml) is shared with the base, read once.

When the buffers also leave the registry, the code registrations and the key resolution as
they were (a read typed inside a function), the rules that judge each read, file or registry
entry on its own keep the base's findings outside the buffers and judge the buffers alone
(_reusing_base); the other rules run on the whole project, FK007's function pass on the few
functions its guards can gate (kept with the import graph).

A change on disk that the buffers do not show (the config, the registry saved or edited by a
command, a rule pack, a branch switch) calls for `reload`: the base is built again, with the
findings kept from it, and the facts cache makes that cost what a warm `check` costs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from flagkeeper.analysis.analyse import analyse_file
from flagkeeper.analysis.discovery import module_name
from flagkeeper.analysis.facts import FileFacts, KeyExpr
from flagkeeper.analysis.scan import ScannedFiles
from flagkeeper.checks.base import RegistryRule, Rule
from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.checks.runner import run_checks
from flagkeeper.config import Config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import relative_path
from flagkeeper.project.model import KeyResolver, Project, Reference
from flagkeeper.registry.model import Registry, parse_registry

# Views of the model that read files from disk: a buffer does not change them, so the overlay takes the base's.
_DISK_VIEWS = ("texts", "registry_source_texts", "pyproject_text")
# Views built from the files' graph shape (_graph_shape): the overlay takes the base's while no buffer changed it.
_GRAPH_VIEWS = ("import_graph", "entry_targets", "entry_point_reasons", "entry_points", "dead_code_evidence")
# ... and these also from the registry: taken while the registry is the base's too.
_STATUS_VIEWS = ("module_status",)
# Rules whose findings sit at the file, read or registration they come from and depend besides
# only on the registry and on key resolution: while those are the base's, their findings in the
# other files are the base's, and only the buffers are judged again.
_PER_READ = ("FK000", "FK001", "FK002", "FK009")


class _RememberingResolver(KeyResolver):
    """Key resolution that keeps its answers: while no buffer changes a constant or an import
    (_graph_shape), every overlay resolves the same keys of the same files, a fifth of a run."""

    def __init__(self, files: list[FileFacts]):
        super().__init__(files)
        self._answers: dict[tuple[str, KeyExpr], str | None] = {}

    def resolve(self, module: str, expr: KeyExpr, seen: frozenset[tuple[str, str]] = frozenset()) -> str | None:
        if seen:
            return super().resolve(module, expr, seen)
        if (module, expr) not in self._answers:
            self._answers[module, expr] = super().resolve(module, expr)
        return self._answers[module, expr]


def _graph_shape(facts: FileFacts) -> tuple[object, ...]:
    """What of a file's facts the import graph, the entry points and the dead-code evidence are
    built from; the lines of functions and calls left out, which they do not show. Typing a flag
    read or a line inside a function below the imports leaves it as it was, and then the overlay
    reuses the base's graph instead of building it again."""
    return (
        facts.module, facts.is_package, facts.error is None, facts.aliases, facts.constants, facts.imports, facts.links,
        tuple((function.qualname, function.decorated, function.uses) for function in facts.functions),
        frozenset((callee, caller) for callee, _, caller, _ in facts.calls),
        facts.is_script, facts.string_lists, facts.decorators, facts.bases,
    )  # fmt: skip


class Workspace:
    """The base project, the open buffers, and the project and findings with the buffers applied.

    `load` builds the project on disk (the command line's way, with its cache); `rules` are the
    rules the project's config selects. Everything is worked out on first use after a change.
    """

    def __init__(self, load: Callable[[], Project], rules: Callable[[Config], list[Rule]]):
        self._load = load
        self._rules = rules
        self._base: Project | None = None
        self.buffers: dict[Path, str] = {}
        self._facts: dict[Path, FileFacts] = {}  # the analysed Python buffers
        self.errors: dict[Path, FlagkeeperError] = {}  # buffers that cannot be read (a registry that is not TOML)
        self._project: Project | None = None
        self._findings: list[Diagnostic] | None = None
        self._saved: set[Path] = set()  # buffers saved since the base was built: the base is stale once they close
        self._resolver: _RememberingResolver | None = None  # the base's, shared by overlays that keep its graph shape
        self._base_paths: set[str] | None = None  # the base's files' paths, asked for each buffer on every overlay
        self._base_findings: list[Diagnostic] | None = None  # the base's findings of the rules an overlay may reuse
        self._base_references: list[list[Reference]] | None = None  # the base's references of each of its files

    @property
    def base(self) -> Project:
        if self._base is None:
            self._base = self._load()
        return self._base

    @property
    def root(self) -> Path:
        return self.base.config.root

    def reload(self) -> None:
        """Build the project on disk again (the config, the registry or many files changed)."""
        self._base = None
        self._resolver = None
        self._base_paths = None
        self._base_findings = None
        self._base_references = None
        self._facts.clear()
        self._saved.clear()
        self._changed()

    def needs_reload(self, changed: Path) -> bool:
        """Does a change on disk of `changed` make the base stale? Not for an open buffer: the editor's text counts."""
        return changed not in self.buffers

    def saved(self, path: Path) -> None:
        self._saved.add(path)

    def _changed(self) -> None:
        self._project = None
        self._findings = None

    def set_buffer(self, path: Path, text: str) -> None:
        """The editor's text of `path` (opened or changed)."""
        self.buffers[path] = text
        self._facts.pop(path, None)
        self._changed()

    def close_buffer(self, path: Path) -> None:
        """The file as on disk again (read again when the buffer was saved)."""
        self.buffers.pop(path, None)
        self._facts.pop(path, None)
        self.errors.pop(path, None)
        if path in self._saved:
            self.reload()
        self._changed()

    def text(self, path: Path) -> str | None:
        """The text of `path` as the editor has it, else as on disk; None when unreadable."""
        if path in self.buffers:
            return self.buffers[path]
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def is_python(self, path: Path) -> bool:
        """Is `path` a Python file of the project: one it analysed, or a new file under its root
        (not yet on disk when discovery ran)? Excluded files are not."""
        relative = relative_path(path, self.root)
        return path.suffix == ".py" and (relative in self._paths() or (not path.exists() and path.is_relative_to(self.root)))

    def _paths(self) -> set[str]:
        if self._base_paths is None:
            self._base_paths = {facts.path for facts in self.base.files}
        return self._base_paths

    def _buffer_facts(self, path: Path) -> FileFacts:
        if path not in self._facts:
            config = self.base.config
            module, is_package = module_name(path, config)
            self._facts[path] = analyse_file(relative_path(path, config.root), self.buffers[path], module, is_package, self.base.matcher)
        return self._facts[path]

    @property
    def project(self) -> Project:
        """The project with every buffer applied."""
        if self._project is None:
            self._project = self._overlay()
        return self._project

    def _overlay(self) -> Project:
        base = self.base
        python = {relative_path(path, base.config.root): path for path in self.buffers if self.is_python(path)}
        if not python and base.config.registry not in self.buffers:
            return base
        same_graph = True
        files = []
        for facts in base.files:
            if facts.path in python:
                buffer = self._buffer_facts(python.pop(facts.path))
                same_graph = same_graph and _graph_shape(buffer) == _graph_shape(facts)
                facts = buffer
            files.append(facts)
        files += [self._buffer_facts(path) for path in python.values()]  # new files
        registry = self._registry()
        project = dataclasses.replace(base, registry=registry, scanned=ScannedFiles.of(files))
        shared: tuple[str, ...] = _DISK_VIEWS
        if same_graph and len(files) == len(base.files):
            shared += _GRAPH_VIEWS + (_STATUS_VIEWS if registry is base.registry else ())
            if self._resolver is None:
                self._resolver = _RememberingResolver(base.files)
            project.__dict__["resolver"] = self._resolver
        for view in shared:
            project.__dict__[view] = getattr(base, view)  # functools.cached_property keeps its value there
        return project

    def _registry(self) -> Registry:
        """The registry as the editor has it; the one on disk while the buffer is not valid TOML."""
        path = self.base.config.registry
        self.errors.pop(path, None)
        if path not in self.buffers or (self.base.registry.exists and self.buffers[path] == self.base.registry.text):
            return self.base.registry  # an open flags.toml as saved keeps the base's context (_base_context)
        try:
            return parse_registry(self.buffers[path], path)
        except FlagkeeperError as error:
            self.errors[path] = error
            return self.base.registry

    def findings(self) -> list[Diagnostic]:
        """Every finding of the project with the buffers applied, as `check` reports them."""
        if self._findings is None:
            project = self.project
            rules = self._rules(project.config)
            self._findings = self._reusing_base(project, rules) if self._base_context(project) else run_checks(project, rules)
        return self._findings

    def _base_context(self, project: Project) -> bool:
        """Do the buffers leave the base's key resolution, registry and code registrations as they were?"""
        base = self.base
        return project is not base and project.resolver is self._resolver and project.registry is base.registry and project.registered == base.registered

    def _reusing_base(self, project: Project, rules: list[Rule]) -> list[Diagnostic]:
        """The findings when the buffers keep the base's context (_base_context): the registry
        rules' are the base's, the per-read rules' the base's outside the buffers and their own
        for the buffers (judged on a project of the buffers alone, with the context of the whole),
        and only the other rules run on the whole project."""
        reused = [rule for rule in rules if rule.code in _PER_READ or isinstance(rule, RegistryRule)]
        if self._base_findings is None:
            self._base_findings = run_checks(self.base, reused)
        per_read = [rule for rule in reused if rule.code in _PER_READ]
        typed = {facts.path for facts in self._facts.values()}
        buffers = [facts for facts in project.files if facts.path in typed]
        alone = dataclasses.replace(project, scanned=ScannedFiles.of(buffers))
        for view in ("resolver", "registered", "lifecycle", "entry_points"):
            alone.__dict__[view] = getattr(project, view)
        project.__dict__.setdefault("references", self._spliced_references(project, alone.references))
        judged = {project.config.root / facts.path for facts in buffers}
        kept = [finding for finding in self._base_findings if finding.code not in _PER_READ or finding.path not in judged]
        others = [rule for rule in rules if rule not in reused]
        return sorted(run_checks(project, others) + kept + run_checks(alone, per_read))

    def _spliced_references(self, project: Project, typed: list[Reference]) -> list[Reference]:
        """The overlay's references in the base's context: the base's of each file but the
        buffers', theirs (`typed`), in the files' order, as the overlay would resolve them."""
        if self._base_references is None:
            by_path: dict[Path, list[Reference]] = {}
            for reference in self.base.references:
                by_path.setdefault(reference.path, []).append(reference)
            self._base_references = [by_path.get(self.root / facts.path, []) for facts in self.base.files]
        buffers: dict[Path, list[Reference]] = {}
        for reference in typed:
            buffers.setdefault(reference.path, []).append(reference)
        root, names = self.root, {facts.path for facts in self._facts.values()}
        return [
            reference
            for facts, base in zip(project.files, self._base_references, strict=True)
            for reference in (buffers.get(root / facts.path, []) if facts.path in names else base)
        ]

    def findings_in(self, path: Path) -> list[Diagnostic]:
        return [diagnostic for diagnostic in self.findings() if diagnostic.path == path]

"""Every trace of a flag besides its reads, for `flagkeeper remove`: its overrides in tests and
settings (overrides.py), its registrations in code and its defaults-mapping entries
(registrations.py), edited in the files under PATHS in one libcst pass each (traceedit.py); and
the list of what `remove` leaves to a person, each with its file and line:

- frontend reads (JavaScript and TypeScript) and mentions in other text files (templates,
  configs): flagkeeper does not edit them;
- definitions in registry-source files (flagd, OpenFeature manifests, vendor exports);
- reads, overrides and registrations whose key is computed (FK009) and may be this one: their
  code names the key, or a constant holding it, or it is joined from parts found in the key;
- overrides and registrations it could not edit, or outside PATHS.

Runs after the reads are replaced (project.py), on the texts as they are then: a file the
first step changed is analysed again, so every position is current.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flagkeeper.analysis.analyse import analyse_file
from flagkeeper.analysis.facts import Concat, Dynamic, FileFacts, KeyExpr, Literal, NameRef
from flagkeeper.paths import relative_path
from flagkeeper.project.imports import is_test_module
from flagkeeper.project.model import Project
from flagkeeper.registry.sources import CODE, FLAGS_TOML
from flagkeeper.remove.overrides import plan_overrides
from flagkeeper.remove.registrations import plan_registrations
from flagkeeper.remove.traceedit import Edit, Remaining, TraceEdit, apply_edits


@dataclass
class Traces:
    edits: dict[str, TraceEdit]  # path -> its new text
    remaining: list[Remaining]


def _relative(project: Project, path: Path) -> str:
    return relative_path(path, project.config.root)


def _not_done(path: str, key: str, edits: Iterable[Edit]) -> list[Remaining]:
    return [Remaining(path, edit.line, f"this {edit.noun} of '{key}' could not be removed: edit it by hand") for edit in edits]


class _TraceFinder:
    def __init__(self, project: Project, key: str, value: Any, tests: bool):
        self.project, self.key, self.value, self.tests = project, key, value, tests

    def _resolves(self, facts: FileFacts, expr: KeyExpr) -> bool:
        return self.project.resolver.resolve(facts.module, expr) == self.key

    def edit_file(self, facts: FileFacts, text: str) -> tuple[TraceEdit, list[Remaining]]:
        """The file without the key's overrides and registrations, from its current text."""
        fresh = analyse_file(facts.path, text, facts.module, facts.is_package, self.project.matcher)
        registered = self.key in self.project.registered  # a `registered-only` override counts only then
        overrides = [found for found in fresh.overrides if self._resolves(facts, found.key) and (registered or not found.registered_only)]
        registrations = [found for found in fresh.registrations if self._resolves(facts, found.key)]
        tree = ast.parse(text)
        edits, remaining = plan_overrides(facts.path, self.key, overrides, self.value, tree, is_test_module(facts), self.tests)
        edits += plan_registrations(registrations, tree)
        result = apply_edits(text, edits) if edits else TraceEdit(text, {}, [])
        return result, remaining + _not_done(facts.path, self.key, result.not_done)

    def outside(self, path: str) -> list[Remaining]:
        """The traces in a file outside PATHS, which `remove` does not change."""
        project, key = self.project, self.key
        found = [(found.override.line, "override") for found in project.overrides if found.key == key and _relative(project, found.path) == path]
        found += [(found.registration.line, "registration") for found in project.registrations if found.key == key and _relative(project, found.path) == path]
        return [Remaining(path, line, f"{noun} of '{self.key}' in a file this run does not change: edit it by hand") for line, noun in sorted(found)]

    def elsewhere(self) -> list[Remaining]:
        """Frontend reads, mentions in other text files, definitions in registry-source files."""
        found = [
            Remaining(_relative(self.project, read.path), read.read.line, f"{read.language} read of '{read.spelling}': remove it by hand")
            for read in self.project.frontend_inventory.get(self.key, [])
        ]
        listed = {(entry.path, entry.line) for entry in found}
        for mention in self.project.text_references([self.key]).get(self.key, []):
            path = _relative(self.project, mention.path)
            if (path, mention.line) not in listed:
                found.append(Remaining(path, mention.line, f"'{self.key}' is mentioned here: remove it by hand"))
        registered = self.project.registered.get(self.key)
        for source in registered.sources if registered else ():
            if source.source not in (FLAGS_TOML, CODE):
                found.append(Remaining(_relative(self.project, source.path), source.line, f"'{self.key}' is defined here ({source.source}): remove it there"))
        return found

    def _may_be_key(self, expr: KeyExpr, code: str, names: set[str]) -> bool:
        """Could the computed key be this one? Its code names the key or a constant holding it,
        or it is joined from parts that are all in the key."""
        if isinstance(expr, Concat):
            parts = [part.value for part in expr.parts if isinstance(part, Literal)]
            return bool(parts) and all(part in self.key for part in parts)
        if isinstance(expr, (Dynamic, NameRef)):
            return self.key in code or any(name in code for name in names)
        return False

    def dynamic(self, editable: set[str]) -> list[Remaining]:
        """Reads, overrides and registrations under PATHS whose key is computed and may be this one."""
        names = {name.rsplit(".", 1)[-1] for facts in self.project.files for name, expr in facts.constants.items() if self._resolves(facts, expr)}
        project = self.project
        sites = [(found.path, found.read.line, found.read.key, found.read.key_code, "read") for found in project.references if found.key is None]
        sites += [(found.path, found.override.line, found.override.key, found.override.key_code, "override") for found in project.overrides if not found.key]
        sites += [
            (found.path, found.registration.line, found.registration.key, found.registration.key_code, "registration")
            for found in project.registrations if found.key is None
        ]  # fmt: skip
        return [
            Remaining(path, line, f"{noun} with a computed key ({code}) that may be '{self.key}': check it by hand")
            for absolute, line, expr, code, noun in sites
            if (path := _relative(self.project, absolute)) in editable and self._may_be_key(expr, code, names)
        ]


def find_traces(project: Project, key: str, value: Any, texts: Mapping[str, str | None], editable: set[str], tests: bool) -> Traces:
    """The files under `editable` without the key's overrides and registrations (`texts` are
    their current texts), and every trace left to a person, sorted by file and line."""
    finder = _TraceFinder(project, key, value, tests)
    facts_of = {facts.path: facts for facts in project.files}
    paths = {_relative(project, found.path) for found in project.overrides if found.key == key}
    paths |= {_relative(project, found.path) for found in project.registrations if found.key == key}
    edits: dict[str, TraceEdit] = {}
    remaining = finder.elsewhere() + finder.dynamic(editable)
    for path in sorted(paths):
        text = texts.get(path)
        if path not in editable:
            remaining += finder.outside(path)
        elif text is not None and path in facts_of:
            result, left = finder.edit_file(facts_of[path], text)
            remaining += left
            if result.text != text:
                edits[path] = result
    return Traces(edits, sorted(set(remaining), key=lambda entry: (entry.path, entry.line, entry.what)))

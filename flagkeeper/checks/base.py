"""The shape of a rule: a code, a name, why it matters, how to fix it, what it needs, and its own cases.

A rule declares what of the project model it reads (`needs`) and whether a change anywhere can
cause its findings (`whole_program`); the runner derives from that which rules judge
reachability, which `--since` compares whole, and which `registry validate` runs alone.

Its cases are small projects (file name -> content). Every VALID case must give no finding of
the rule, every INVALID case exactly the findings it states; each case is its own test, and the
first of each is the rule's documentation page, so the documentation and the behaviour cannot
drift apart.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import msgspec

from flagkeeper.checks.diagnostic import Diagnostic, Related
from flagkeeper.project.model import Project
from flagkeeper.registry.model import Registry


class Need(enum.Enum):
    """A part of the project model a rule reads."""

    FILES = "the analysed files"
    REGISTRY = "the registry"
    REFERENCES = "flag references in code and text files"
    IMPORT_GRAPH = "the import graph"
    ENTRY_POINTS = "entry points (reachability)"
    CALL_GRAPH = "the call graph"
    FLEET = "deploy manifests"
    SERVICE = "the flag-service state (flag-state.toml)"
    SUPPRESSIONS = "the findings of the other rules and the inline suppressions"


class Case(msgspec.Struct, frozen=True):
    """A small project to run `flagkeeper check` on, and (for an INVALID case) what the rule must say."""

    files: dict[str, str]
    expect: tuple[str, ...] = ()  # every finding of the rule, as `path:line:col: CODE message`
    today: str = "2026-06-01"
    args: tuple[str, ...] = ()  # extra options of `flagkeeper check` the case needs

    def write(self, root: Path) -> Path:
        """Write the project under `root`; an empty flagkeeper.toml pins the project root unless the case has a config."""
        configured = "flagkeeper.toml" in self.files or "pyproject.toml" in self.files
        for name, text in (self.files if configured else {"flagkeeper.toml": "", **self.files}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    summary: ClassVar[str]  # what it finds, one line
    why: ClassVar[str]  # why it matters, one paragraph
    fix: ClassVar[str]  # how to make it go away for the right reason
    measured: ClassVar[str] = ""  # what the rule found on real code bases, for its documentation page
    needs: ClassVar[frozenset[Need]]
    whole_program: ClassVar[bool] = False  # a change anywhere can cause a finding, not only one on its line
    VALID: ClassVar[tuple[Case, ...]]
    INVALID: ClassVar[tuple[Case, ...]]

    def check(self, project: Project) -> Iterator[Diagnostic]:
        raise NotImplementedError

    def report(
        self, path: Path, line: int, column: int, message: str, key: str | None = None, severity: str | None = None,
        related: tuple[Related, ...] = (), flow: tuple[Related, ...] = (), confidence: int | None = None,
    ) -> Diagnostic:  # fmt: skip
        """A finding at the rule's severity, or at `severity` where the rule is less sure; `confidence`
        (percent) for a dead-code finding, whose message says it below 100 (project/confidence.py)."""
        return Diagnostic(
            path, line, column, self.code, message, self.name, severity or self.severity, key, related, flow, confidence=confidence
        )


class RegistryRule(Rule):
    """A rule that needs nothing but the registry: `flagkeeper registry validate` runs it on flags.toml alone."""

    needs = frozenset({Need.REGISTRY})

    def check(self, project: Project) -> Iterator[Diagnostic]:
        return self.check_registry(project.registry)

    def check_registry(self, registry: Registry) -> Iterator[Diagnostic]:
        raise NotImplementedError

"""The shape of a rule: a code, a name, why it matters, how to fix it, and its own two examples.

The examples are small projects (file name -> content). The test suite runs every rule on its
`fires` example (it must report) and its `passes` example (it must not), so the documentation
and the behaviour cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.project.model import Project


@dataclass(frozen=True)
class Example:
    files: dict[str, str]
    today: str = "2026-06-01"
    args: tuple[str, ...] = ()  # extra options of `flagkeeper check` the example needs


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    summary: ClassVar[str]  # what it finds, one line
    why: ClassVar[str]  # why it matters, one paragraph
    fix: ClassVar[str]  # how to make it go away for the right reason
    fires: ClassVar[Example]
    passes: ClassVar[Example]

    def check(self, project: Project) -> Iterator[Diagnostic]:
        raise NotImplementedError

    def report(self, path: Path, line: int, column: int, message: str, key: str | None = None) -> Diagnostic:
        return Diagnostic(path, line, column, self.code, message, self.name, self.severity, key)

"""What every entry-point detector is given and returns, and the few questions they share."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from flagkeeper.analysis.facts import FileFacts
from flagkeeper.project.imports import modules_inside


@dataclass(frozen=True)
class EntryPoint:
    """A module something outside the project's imports runs or loads, and why we think so."""

    module: str
    reason: str
    # A file a tool runs by path (a semgrep sample): alone, it says nothing about how the project
    # is run, so a project with only such entry points is not judged at all.
    by_path: bool = False


@dataclass(frozen=True, eq=False)
class ProjectFiles:
    """What a detector may read: every module's facts, and the project's packaging files."""

    modules: Mapping[str, FileFacts]
    root: Path
    pyproject_text: str | None
    include_tests: bool

    @cached_property
    def imported_roots(self) -> frozenset[str]:
        """The top-level names the project imports (`django`, `celery`): which frameworks it uses."""
        return frozenset({target.partition(".")[0] for facts in self.modules.values() for target, _, _, _ in facts.imports})

    def uses(self, framework: str) -> bool:
        return framework in self.imported_roots

    @cached_property
    def _modules_inside(self) -> dict[str, list[str]]:
        return modules_inside(self.modules)

    def below(self, package: str) -> Iterator[str]:
        """Every module inside `package`, at any depth."""
        return iter(self._modules_inside.get(package, ()))


def creators_of(files: ProjectFiles, factory: str, what: str) -> Iterator[EntryPoint]:
    """Modules that call `factory` (a resolved dotted name such as `flask.Flask`): a server or
    worker loads them by name (`flask --app`, `uvicorn`, `celery -A`), nothing imports them."""
    for module, facts in files.modules.items():
        callers = sorted({f"in {caller}" if caller else "at module level" for callee, _, caller, _ in facts.calls if callee == factory})
        if callers:
            yield EntryPoint(module, f"creates the {what} ({factory}() {', '.join(callers)})")


def server_modules(files: ProjectFiles) -> Iterator[EntryPoint]:
    """Modules named `wsgi` or `asgi`: the names WSGI/ASGI servers are pointed at by convention
    (`gunicorn app.wsgi:app`, often from a shell script or a Dockerfile that no import shows)."""
    for module in files.modules:
        name = module.rpartition(".")[2]
        if name in ("wsgi", "asgi"):
            yield EntryPoint(module, f"a {name.upper()} module: servers load it by name (`{module}:app`)")

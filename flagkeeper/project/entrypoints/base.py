"""What every entry-point detector is given and returns, and the few questions they share."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import msgspec

from flagkeeper.analysis.facts import FileFacts, KeyExpr, Link
from flagkeeper.project.imports import modules_inside


@dataclass(frozen=True)
class EntryPoint:
    """A module something outside the project's imports runs or loads, and why we think so."""

    module: str
    reason: str
    # A file a tool runs by path (a semgrep sample): alone, it says nothing about how the project
    # is run, so a project with only such entry points is not judged at all.
    by_path: bool = False


class DetectorFacts(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """What the detectors read of a module's FileFacts, and nothing else: equal DetectorFacts of
    every module give equal entry points, so a run can take them from the cache (stored.py), and
    a one-file edit, which rarely changes these, runs no detector.

    `calls` and `constants` keep only the callees and names some detector looks for
    (WATCHED_CALLS, WATCHED_CONSTANTS of entrypoints/__init__.py): all of them would cost more
    to gather and hash than running the detectors."""

    path: str
    is_script: bool
    imports: tuple[str, ...]  # the imported modules
    calls: tuple[tuple[str, str | None], ...]  # (callee, caller) of each call of a watched callee
    constants: dict[str, KeyExpr]  # the watched names assigned at module level
    links: tuple[Link, ...]
    string_lists: dict[str, tuple[str, ...]]
    decorators: tuple[str, ...]
    functions: tuple[str, ...]  # the qualnames of the functions defined

    @classmethod
    def of(cls, facts: FileFacts, watched_calls: Collection[str], watched_constants: Collection[str]) -> DetectorFacts:
        return cls(
            facts.path, facts.is_script, tuple(target for target, _, _, _ in facts.imports),
            tuple((callee, caller) for callee, _, caller, _ in facts.calls if callee in watched_calls),
            {name: value for name, value in facts.constants.items() if name in watched_constants},
            facts.links, facts.string_lists, facts.decorators, tuple(function.qualname for function in facts.functions),
        )  # fmt: skip


@dataclass(frozen=True, eq=False)
class ProjectFiles:
    """What a detector may read: every module's DetectorFacts, and the project's packaging files."""

    modules: Mapping[str, DetectorFacts]
    root: Path
    pyproject_text: str | None
    setup_cfg_text: str | None
    include_tests: bool

    @cached_property
    def imported_roots(self) -> frozenset[str]:
        """The top-level names the project imports (`django`, `celery`): which frameworks it uses."""
        return frozenset({target.partition(".")[0] for facts in self.modules.values() for target in facts.imports})

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
        callers = sorted({f"in {caller}" if caller else "at module level" for callee, caller in facts.calls if callee == factory})
        if callers:
            yield EntryPoint(module, f"creates the {what} ({factory}() {', '.join(callers)})")


def server_modules(files: ProjectFiles) -> Iterator[EntryPoint]:
    """Modules named `wsgi` or `asgi`: the names WSGI/ASGI servers are pointed at by convention
    (`gunicorn app.wsgi:app`, often from a shell script or a Dockerfile that no import shows)."""
    for module in files.modules:
        name = module.rpartition(".")[2]
        if name in ("wsgi", "asgi"):
            yield EntryPoint(module, f"a {name.upper()} module: servers load it by name (`{module}:app`)")

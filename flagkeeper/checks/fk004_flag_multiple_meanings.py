"""FK004 flag-multiple-meanings: one key gating unrelated code, or read outside its declared scope."""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import ERROR, Diagnostic, Related
from flagkeeper.paths import relative_path
from flagkeeper.project.model import Project, Reference

_REGISTRY = '[flags.peg_enabled]\nowner = "routing"\ntype = "release"\nexpires = 2026-09-30\n'
_FILES = {
    "flagkeeper.toml": 'entry-points = ["smars.main"]\n',
    "smars/__init__.py": "",
    "smars/main.py": "from smars.rlp import router\nfrom smars.algos import peg\n",
    "smars/rlp/__init__.py": "",
    "smars/rlp/router.py": 'import ldclient\n\ndef route(o):\n    if ldclient.get().variation("peg_enabled", o, False):\n        pass\n',
    "smars/algos/__init__.py": "",
    "smars/algos/peg.py": 'import ldclient\n\ndef work(o):\n    if ldclient.get().variation("peg_enabled", o, False):\n        pass\n',
}


def area(module: str) -> str | None:
    """The subpackage a module lives in (`smars.rlp` for `smars.rlp.router`); None for a top-level
    module or one directly in the top package, which is shared code rather than a part."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) >= 3 else None


def _place(project: Project, reference: Reference) -> str:
    return f"{relative_path(reference.path, project.config.root)}:{reference.read.line}"


def _other_reads(key: str, reference: Reference, others: list[Reference]) -> tuple[Related, ...]:
    """The key's reads other than `reference`, for the finding's related locations."""
    return tuple(
        Related(other.path, other.read.line, other.read.column, f"'{key}' is also read here, in {other.module}")
        for other in others if other != reference
    )  # fmt: skip


class FlagMultipleMeaningsRule(Rule):
    code = "FK004"
    name = "flag-multiple-meanings"
    severity = ERROR
    summary = "One key gates unrelated code: outside its declared `scope`, or in unrelated parts of the project."
    why = (
        "Knight Capital's RLP code and the dormant Power Peg code read the same key: one switch, "
        "two meanings, and which one ran depended on the build a server had. A registry entry may "
        "declare `scope`, the module globs where the flag may be read (`scope = [\"smars.rlp.*\"]`); "
        "a read anywhere else is reported. Without a scope, a key is reported when its reads sit in "
        "different top-level subpackages (such as `smars.rlp` and `smars.algos`; top-level modules "
        "and modules directly in the top package are shared code and not judged) and no import "
        "path joins the reading modules of two of those subpackages, in either direction: code "
        "that does not know of each other shares a switch. "
        "Heuristic: two areas that cooperate through a third module are still called unrelated."
    )
    fix = "Give each meaning its own key; declare the flag's `scope` so a new meaning cannot slip in."
    needs = frozenset({Need.REGISTRY, Need.REFERENCES, Need.IMPORT_GRAPH})
    whole_program = True
    INVALID = (
        Case(
            {**_FILES, "flags.toml": _REGISTRY},
            expect=(
                "smars/algos/peg.py:4:8: FK004 flag 'peg_enabled' gates code in unrelated parts of the project, with no import "
                "path between them (smars.algos: smars/algos/peg.py:4; smars.rlp: smars/rlp/router.py:4): one key, two "
                "meanings? Split it, or declare its scope",
                "smars/rlp/router.py:4:8: FK004 flag 'peg_enabled' gates code in unrelated parts of the project, with no import"
                " path between them (smars.algos: smars/algos/peg.py:4; smars.rlp: smars/rlp/router.py:4): one key, two "
                "meanings? Split it, or declare its scope",
            ),
        ),
        # a declared scope: a read outside it is reported even where an import path joins the parts
        Case(
            {**_FILES, "smars/main.py": "from smars.rlp import router\n", "flags.toml": _REGISTRY + 'scope = ["smars.rlp.*"]\n',
             "smars/rlp/router.py": _FILES["smars/rlp/router.py"] + "from smars.algos import peg\n"},
            expect=(
                "smars/algos/peg.py:4:8: FK004 flag 'peg_enabled' is declared for smars.rlp.* but read here in smars.algos.peg:"
                " in scope at smars/rlp/router.py:4, outside it at smars/algos/peg.py:4",
            ),
        ),
    )
    VALID = (
        Case({**_FILES, "smars/main.py": "from smars.rlp import router\n", "flags.toml": _REGISTRY,
                      "smars/rlp/router.py": _FILES["smars/rlp/router.py"] + "from smars.algos import peg\n"}),
        # a module directly in the top package is shared code, not a part
        Case({**_FILES, "smars/algos/peg.py": "def work(o):\n    pass\n", "flags.toml": _REGISTRY,
              "smars/config.py": 'import ldclient\n\nPEG = ldclient.get().variation("peg_enabled", None, False)\n'}),
        # every read inside the declared scope
        Case({**_FILES, "flags.toml": _REGISTRY + 'scope = ["smars.rlp.*", "smars.algos.*"]\n'}),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for key, references in project.inventory.items():
            entry = project.registry.flags.get(key)
            scope = entry.fields.get("scope") if entry else None
            if isinstance(scope, list) and all(isinstance(glob, str) for glob in scope):
                yield from self._outside_scope(project, key, references, scope)
            else:
                yield from self._unrelated_areas(project, key, references)

    def _meaning(self, project: Project, key: str) -> str:
        tombstone = project.registry.retired.get(key)
        if tombstone is None or tombstone.meaning is None:
            return ""
        return f"; the registry retired this key before, when it meant: {tombstone.meaning}"

    def _outside_scope(self, project: Project, key: str, references: list[Reference], scope: list[str]) -> Iterator[Diagnostic]:
        inside = [ref for ref in references if any(fnmatch.fnmatchcase(ref.module, glob) for glob in scope)]
        outside = [ref for ref in references if ref not in inside]
        for reference in outside:
            message = (
                f"flag '{key}' is declared for {', '.join(scope)} but read here in {reference.module}: "
                f"in scope at {', '.join(_place(project, ref) for ref in inside) or 'nowhere'}, outside it at "
                f"{', '.join(_place(project, ref) for ref in outside)}{self._meaning(project, key)}"
            )
            related = _other_reads(key, reference, references)
            yield self.report(reference.path, reference.read.line, reference.read.column, message, key, related=related)

    def _unrelated_areas(self, project: Project, key: str, references: list[Reference]) -> Iterator[Diagnostic]:
        by_area: dict[str, list[Reference]] = defaultdict(list)
        for reference in references:
            part = area(reference.module)
            if part is not None:
                by_area[part].append(reference)
        graph = project.import_graph
        areas = sorted(by_area)
        unrelated = [
            (first, second)
            for index, first in enumerate(areas) for second in areas[index + 1 :]
            if not any(
                graph.has_path(a.module, b.module) or graph.has_path(b.module, a.module)
                for a in by_area[first] for b in by_area[second]
            )
        ]  # fmt: skip
        if not unrelated:
            return
        first, second = unrelated[0]
        places = "; ".join(f"{name}: {', '.join(_place(project, ref) for ref in by_area[name])}" for name in (first, second))
        message = (
            f"flag '{key}' gates code in unrelated parts of the project, with no import path between them "
            f"({places}): one key, two meanings? Split it, or declare its scope{self._meaning(project, key)}"
        )
        for reference in references:
            if area(reference.module) in (first, second):
                related = _other_reads(key, reference, [*by_area[first], *by_area[second]])
                yield self.report(reference.path, reference.read.line, reference.read.column, message, key, related=related)

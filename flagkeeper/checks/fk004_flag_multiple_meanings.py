"""FK004 flag-multiple-meanings: one key gating unrelated code, or read outside its declared scope."""

from __future__ import annotations

import dataclasses
import fnmatch
from collections import defaultdict
from collections.abc import Iterator

import msgspec

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import ERROR, WARNING, Diagnostic, Related, a_few
from flagkeeper.paths import relative_path
from flagkeeper.project.model import Project, Reference

_REGISTRY = '[flags.peg_enabled]\nowner = "routing"\ntype = "release"\nexpires = 2026-09-30\n'
_RETIRED = '\n[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg"\n'
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


class Evidence(msgspec.Struct, frozen=True):
    """Why a key may have had a second meaning, and how sure that makes the rule."""

    confidence: str  # "high": the registry retired an earlier meaning; "medium": two descriptions
    reason: str


def second_meaning(project: Project, key: str) -> Evidence | None:
    """What the registry says of a key's other meaning: a tombstone, or its sources (flags.toml,
    code, definition files) describing it in two ways. None when it knows of one meaning only."""
    tombstone = project.registry.retired.get(key)
    if tombstone is not None:
        meaning = tombstone.meaning or tombstone.fields.get("description")
        said = f", when it meant: {meaning}" if isinstance(meaning, str) and meaning else ""
        return Evidence("high", f"the registry retired this key before{said}")
    registered = project.registered.get(key)
    described = [value for entry in registered.sources for name, value in entry.fields if name == "description"] if registered else []
    descriptions = list(dict.fromkeys(described))
    if len(descriptions) > 1:
        return Evidence("medium", f"the registry describes it both as '{descriptions[0]}' and as '{descriptions[1]}'")
    return None


class FlagMultipleMeaningsRule(Rule):
    code = "FK004"
    name = "flag-multiple-meanings"
    severity = ERROR
    summary = "One key with two meanings: read outside its declared `scope`, or switching unrelated code with a second meaning on record."
    why = (
        "Knight Capital's RLP code and the dormant Power Peg code read the same key: one switch, "
        "two meanings, and which one ran depended on the build a server had. A registry entry may "
        "declare `scope`, the module globs where the flag may be read (`scope = [\"smars.rlp.*\"]`); "
        "a read anywhere else is reported. Without a scope, a key is reported only on evidence of two "
        "meanings: the registry knows of a second one (a tombstone of the key, with high confidence; "
        "or two different descriptions among its sources, with medium confidence), and the code the "
        "key switches (the modules imported under its check, else the reading module) lies in "
        "different subpackages (such as `smars.rlp` and `smars.algos`; top-level modules and "
        "modules directly in the top package are shared code) with no import path between them in "
        "either direction. A plan flag read all over the project has one meaning and no such "
        "record: it is not reported. Every read is a related location (JSON `related`)."
    )
    fix = "Give each meaning its own key; declare the flag's `scope` so a new meaning cannot slip in."
    needs = frozenset({Need.REGISTRY, Need.REFERENCES, Need.IMPORT_GRAPH})
    whole_program = True
    INVALID = (
        Case(
            {**_FILES, "flags.toml": _REGISTRY + _RETIRED},
            expect=(
                "smars/algos/peg.py:4:8: FK004 flag 'peg_enabled' may mean two things (high confidence): it switches code in "
                "smars.algos (smars/algos/peg.py:4) and in smars.rlp (smars/rlp/router.py:4), with no import path between "
                "them, and the registry retired this key before, when it meant: Power Peg. Split it, or declare its scope",
                "smars/rlp/router.py:4:8: FK004 flag 'peg_enabled' may mean two things (high confidence): it switches code in "
                "smars.algos (smars/algos/peg.py:4) and in smars.rlp (smars/rlp/router.py:4), with no import path between "
                "them, and the registry retired this key before, when it meant: Power Peg. Split it, or declare its scope",
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
        # unrelated parts, but nothing on record of a second meaning: a plan flag read all over
        Case({**_FILES, "flags.toml": _REGISTRY}),
        Case({**_FILES, "smars/main.py": "from smars.rlp import router\n", "flags.toml": _REGISTRY + _RETIRED,
                      "smars/rlp/router.py": _FILES["smars/rlp/router.py"] + "from smars.algos import peg\n"}),
        # a module directly in the top package is shared code, not a part
        Case({**_FILES, "smars/algos/peg.py": "def work(o):\n    pass\n", "flags.toml": _REGISTRY + _RETIRED,
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
            elif (evidence := second_meaning(project, key)) is not None:  # cheap: asked before any import path
                yield from self._unrelated_areas(project, key, references, evidence)

    def _outside_scope(self, project: Project, key: str, references: list[Reference], scope: list[str]) -> Iterator[Diagnostic]:
        inside = [ref for ref in references if any(fnmatch.fnmatchcase(ref.module, glob) for glob in scope)]
        outside = [ref for ref in references if ref not in inside]
        evidence = second_meaning(project, key)
        for reference in outside:
            message = (
                f"flag '{key}' is declared for {a_few(scope)} but read here in {reference.module}: "
                f"in scope at {a_few([_place(project, ref) for ref in inside]) or 'nowhere'}, outside it at "
                f"{a_few([_place(project, ref) for ref in outside])}{f'; {evidence.reason}' if evidence else ''}"
            )
            related = tuple(
                Related(ref.path, ref.read.line, ref.read.column, f"reads '{key}' {'inside' if ref in inside else 'outside'} its scope, in {ref.module}")
                for ref in references if ref != reference
            )  # fmt: skip
            yield self.report(reference.path, reference.read.line, reference.read.column, message, key, related=related)

    def _switched_areas(self, project: Project, key: str, references: list[Reference]) -> dict[str, tuple[list[Reference], set[str]]]:
        """Part of the project -> the reads whose switched code lies there, and those modules."""
        graph = project.import_graph
        areas: dict[str, tuple[list[Reference], set[str]]] = defaultdict(lambda: ([], set()))
        for reference in references:
            for module in graph.guarded_imports(reference.module, key) or [reference.module]:
                part = area(module)
                if part is not None:
                    reads, modules = areas[part]
                    if reference not in reads:
                        reads.append(reference)
                    modules.add(module)
        return dict(sorted(areas.items()))

    def _unrelated_areas(self, project: Project, key: str, references: list[Reference], evidence: Evidence) -> Iterator[Diagnostic]:
        graph = project.import_graph
        areas = self._switched_areas(project, key, references)
        names = list(areas)
        unrelated = next(
            (
                (first, second)
                for index, first in enumerate(names) for second in names[index + 1 :]
                if not any(graph.has_path(a, b) or graph.has_path(b, a) for a in areas[first][1] for b in areas[second][1])
            ),
            None,
        )  # fmt: skip
        if unrelated is None:
            return
        reads = {name: areas[name][0] for name in unrelated}
        parts = " and in ".join(f"{name} ({a_few([_place(project, ref) for ref in reads[name]], 1)})" for name in unrelated)
        message = (
            f"flag '{key}' may mean two things ({evidence.confidence} confidence): it switches code in {parts}, with no import "
            f"path between them, and {evidence.reason}. Split it, or declare its scope"
        )
        related = tuple(
            Related(ref.path, ref.read.line, ref.read.column, f"reads '{key}', switching code in {name}") for name in unrelated for ref in reads[name]
        )
        severity = ERROR if evidence.confidence == "high" else WARNING
        for reference in dict.fromkeys(ref for name in unrelated for ref in reads[name]):
            diagnostic = self.report(reference.path, reference.read.line, reference.read.column, message, key, severity)
            yield dataclasses.replace(diagnostic, related=related)

"""FK007 zombie-code: a module reachable only through a branch whose flag is dead."""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import msgspec

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import ERROR, WARNING, Diagnostic, Related
from flagkeeper.project.confidence import Confidence
from flagkeeper.project.imports import ImportGraph, KeyGuard, ModuleStatus
from flagkeeper.project.model import Project

_APP = (
    "import ldclient\nfrom algos import power_peg\n\n"
    'def route(order):\n    if ldclient.get().variation("peg_enabled", order, False):\n'
    "        power_peg.work(order)\n"
)


class _GuardedFunction(msgspec.Struct, frozen=True):
    """A module-level, undecorated function every reference to which sits under some flag guard:
    only such a function can be a zombie, whichever flags are dead."""

    file: int  # the index of its file in the project's files
    index: int  # its index in that file's functions
    name: str
    references: tuple[frozenset[KeyGuard], ...]  # the guards around each use in its module, then each import of it


# The guarded functions of a project are found from the same facts as its import graph (the
# functions' uses, the imports, the constants that resolve the guards' keys), so they are kept as
# long as the graph is: the language server keeps it while a buffer leaves those facts alone,
# and then judges a keystroke against the few candidates instead of every function.
_GUARDED_BY_GRAPH: weakref.WeakKeyDictionary[ImportGraph, list[_GuardedFunction]] = weakref.WeakKeyDictionary()


def _guarded_functions(project: Project) -> list[_GuardedFunction]:
    if project.import_graph not in _GUARDED_BY_GRAPH:
        _GUARDED_BY_GRAPH[project.import_graph] = _find_guarded_functions(project)
    return _GUARDED_BY_GRAPH[project.import_graph]


def _find_guarded_functions(project: Project) -> list[_GuardedFunction]:
    # The candidates first (every use in their module guarded): only imports of them are worth
    # resolving, a few among the hundred thousand imports of a large project.
    candidates = [
        (file, index, f"{facts.module}.{function.qualname}", facts.module, function.uses)
        for file, facts in enumerate(project.files)
        for index, function in enumerate(facts.functions)
        if "." not in function.qualname and not function.decorated and all(function.uses)
    ]
    names = {name for _, _, name, _, _ in candidates}
    imports: dict[str, list[frozenset[KeyGuard]]] = defaultdict(list)
    for facts in project.files:
        for target, _, guards, _ in facts.imports:
            if target in names:
                imports[target].append(project.key_guards(facts.module, guards))
    found = []
    for file, index, name, module, uses in candidates:
        references = (*(project.key_guards(module, use) for use in uses), *imports.get(name, ()))
        if references and all(references):
            found.append(_GuardedFunction(file, index, name, references))
    return found


class ZombieCodeRule(Rule):
    code = "FK007"
    name = "zombie-code"
    severity = ERROR
    summary = "A module or function that runs only through a branch whose flag is retired, expired, declared off or launched."
    why = (
        "Power Peg was dead from 2003, yet its code stayed reachable behind one flag check. When "
        "the flag was switched on again in 2012 it woke up, and its safeguard had been moved away "
        "in the meantime. A flag that is retired, declared off (`flags-off` in the config), "
        "stuck (`state = \"on\"`/`\"off\"` in the registry) or launched (FK014) can no longer "
        "change, so code that only runs under its other value is dead: delete it with the branch. "
        "A merely expired flag has no final value unless the service serves one: its code is a "
        "warning. An "
        "import counts as guarded when every use of what it imports sits inside the flag's branch. "
        "A module-level function is a zombie when every reference to it sits in a dead branch; "
        "decorated functions and methods are not judged, since frameworks and receivers of "
        "unknown type call them. Heuristic: early returns, flags kept in variables, reads "
        "compared with a value and attributes of a read (`.value`) are not seen as guards: such "
        "code shows as live, never as falsely dead. Confidence as FK006's."
    )
    fix = "Delete the dead branch and the modules only it used (`flagkeeper remove KEY --value false`)."
    needs = frozenset({Need.REGISTRY, Need.IMPORT_GRAPH, Need.ENTRY_POINTS})
    whole_program = True
    INVALID = (
        Case(
            {
                "flagkeeper.toml": 'entry-points = ["app"]\n',
                "app.py": _APP,
                "algos/__init__.py": "",
                "algos/power_peg.py": "def work(order):\n    pass\n",
                "flags.toml": '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg"\n',
            },
            expect=(
                "algos/__init__.py:1:1: FK007 module algos runs only through code guarded by flag 'peg_enabled', which is "
                "retired on 2003-06-30 (Power Peg): app -> algos (app.py:2 uses algos only when the flag is on); delete the "
                "dead branch and this module",
                "algos/power_peg.py:1:1: FK007 module algos.power_peg runs only through code guarded by flag 'peg_enabled', "
                "which is retired on 2003-06-30 (Power Peg): app -> algos.power_peg (app.py:2 uses algos.power_peg only when "
                "the flag is on); delete the dead branch and this module",
            ),
        ),
        # a function used only in the dead branch
        Case(
            {
                "flagkeeper.toml": 'entry-points = ["app"]\n',
                "app.py": (
                    "import ldclient\n\ndef power_peg(order):\n    pass\n\n"
                    'def route(order):\n    if ldclient.get().variation("peg_enabled", order, False):\n        power_peg(order)\n\nroute(1)\n'
                ),
                "flags.toml": '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg"\n',
            },
            expect=(
                "app.py:3:1: FK007 function app.power_peg is used only where flag 'peg_enabled' is on (1 places), and that flag"
                " is retired on 2003-06-30 (Power Peg): delete it with the dead branch",
            ),
        ),
        # a merely expired flag: removable once its final value is decided (a warning)
        Case(
            {
                "flagkeeper.toml": 'entry-points = ["app"]\n',
                "app.py": _APP,
                "algos/__init__.py": "",
                "algos/power_peg.py": "def work(order):\n    pass\n",
                "flags.toml": '[flags.peg_enabled]\nowner = "routing"\ntype = "release"\nexpires = 2026-03-31\n',
            },
            expect=(
                "algos/__init__.py:1:1: FK007 module algos runs only through code guarded by flag 'peg_enabled', which is "
                "expired on 2026-03-31: app -> algos (app.py:2 uses algos only when the flag is on); removable once the flag's "
                "final value is decided: if it stays false, `flagkeeper remove peg_enabled --value false` deletes the branch "
                "and this module",
                "algos/power_peg.py:1:1: FK007 module algos.power_peg runs only through code guarded by flag 'peg_enabled', "
                "which is expired on 2026-03-31: app -> algos.power_peg (app.py:2 uses algos.power_peg only when the flag is "
                "on); removable once the flag's final value is decided: if it stays false, `flagkeeper remove peg_enabled "
                "--value false` deletes the branch and this module",
            ),
        ),
        # the flag service has served false everywhere for months: its value is known
        Case(
            {
                "flagkeeper.toml": 'entry-points = ["app"]\n',
                "app.py": _APP,
                "algos/__init__.py": "",
                "algos/power_peg.py": "def work(order):\n    pass\n",
                "flag-state.toml": (
                    '[service]\nprovider = "launchdarkly"\n\n[flags.peg_enabled.environments.production]\n'
                    "on = false\nserved = false\nserved-since = 2026-01-01T00:00:00Z\n"
                ),
            },
            expect=(
                "algos/__init__.py:1:1: FK007 module algos runs only through code guarded by flag 'peg_enabled', which is "
                "launched (the flag service has served false in every environment since 2026-01-01 (151 days)): app -> algos "
                "(app.py:2 uses algos only when the flag is on); delete the dead branch and this module",
                "algos/power_peg.py:1:1: FK007 module algos.power_peg runs only through code guarded by flag 'peg_enabled', "
                "which is launched (the flag service has served false in every environment since 2026-01-01 (151 days)): app "
                "-> algos.power_peg (app.py:2 uses algos.power_peg only when the flag is on); delete the dead branch and this "
                "module",
            ),
        ),
    )  # fmt: skip
    VALID = (
        Case({
            "flagkeeper.toml": 'entry-points = ["app"]\n',
            "app.py": _APP,
            "algos/__init__.py": "",
            "algos/power_peg.py": "def work(order):\n    pass\n",
            "flags.toml": '[flags.peg_enabled]\nowner = "routing"\ntype = "release"\nexpires = 2026-09-30\n',
        }),
        # decorated functions are not judged: frameworks call them
        Case({
            "flagkeeper.toml": 'entry-points = ["app"]\n',
            "app.py": (
                "import functools\nimport ldclient\n\n@functools.cache\ndef power_peg(order):\n    pass\n\n"
                'def route(order):\n    if ldclient.get().variation("peg_enabled", order, False):\n        power_peg(order)\n\nroute(1)\n'
            ),
            "flags.toml": '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg"\n',
        }),
        # another entry point imports the module without the flag
        Case({
            "flagkeeper.toml": 'entry-points = ["app", "replay"]\n',
            "app.py": _APP,
            "replay.py": "from algos import power_peg\n\npower_peg.work(None)\n",
            "algos/__init__.py": "",
            "algos/power_peg.py": "def work(order):\n    pass\n",
            "flags.toml": '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg"\n',
        }),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        yield from self._zombie_modules(project)
        yield from self._zombie_functions(project)

    def _advice(self, project: Project, guard: KeyGuard, default: str, removed: str, confidence: Confidence) -> str:
        """`default` (a deletion) for dead code, with a request to verify first below 100 % confidence."""
        key = guard.key
        if key in project.registry.retired and key in project.registry.flags:
            return (
                "the key is registered again for a new meaning, so this is dead code of the old meaning or new "
                "code behind a retired key: delete the one, give the other a new key (see FK003)"
            ) + confidence.caveat()
        if not self._decided(project, guard):
            value = "false" if guard.polarity else "true"
            return (
                f"removable once the flag's final value is decided: if it stays {value}, "
                f"`flagkeeper remove {key} --value {value}` deletes {removed}"
            ) + confidence.caveat()
        return confidence.verify_then(default)

    @staticmethod
    def _decided(project: Project, guard: KeyGuard) -> bool:
        stuck = project.lifecycle.stuck_value(guard.key)
        return stuck is None or stuck.decided

    def _finding(
        self, project: Project, path: Path, line: int, message: str, guard: KeyGuard, confidence: Confidence, flow: tuple[Related, ...] = ()
    ) -> Diagnostic:  # fmt: skip
        """An error for dead code; a warning for code a merely expired flag leaves removable."""
        severity = None if self._decided(project, guard) else WARNING
        return self.report(path, line, 1, message, guard.key, severity, flow=flow, confidence=confidence.percent)

    def _zombie_functions(self, project: Project) -> Iterator[Diagnostic]:
        live = (ModuleStatus.ENTRY_POINT, ModuleStatus.REACHABLE)
        for candidate in _guarded_functions(project):
            facts = project.files[candidate.file]  # as it is now: the graph is kept while the files keep their order
            if project.module_status.get(facts.module) not in live:
                continue
            dead = [next((guard for guard in guards if project.is_dead(guard)), None) for guards in candidate.references]
            if None in dead:
                continue
            guard = dead[0]
            assert guard is not None
            function = facts.functions[candidate.index]  # its line as the facts have it now (the shape keeps the order)
            stuck = project.lifecycle.stuck_value(guard.key)
            confidence = project.dead_code_evidence.of_function(candidate.name)
            advice = self._advice(project, guard, "delete it with the dead branch", "it with the branch", confidence)
            message = (
                f"function {candidate.name} is used only where flag '{guard.key}' is {'on' if guard.polarity else 'off'} "
                f"({len(dead)} places), and that flag is {stuck.reason if stuck else 'dead'}: {advice}"
            )
            yield self._finding(project, project.config.root / facts.path, function.line, message, guard, confidence)

    def _zombie_modules(self, project: Project) -> Iterator[Diagnostic]:
        graph = project.import_graph
        for module, status in project.module_status.items():
            if status is not ModuleStatus.ZOMBIE:
                continue
            path = project.path_to(module)
            dead = [
                (edge, guard)
                for edge in graph.edges_along(path)
                for guard in edge.guards if project.is_dead(guard)
            ]  # fmt: skip
            edge, guard = dead[0]
            stuck = project.lifecycle.stuck_value(guard.key)
            reason = stuck.reason if stuck else ""
            facts = graph.facts(module)
            importer = graph.facts(edge.source).path
            confidence = project.dead_code_evidence.of_module(facts)
            advice = self._advice(project, guard, "delete the dead branch and this module", "the branch and this module", confidence)
            message = (
                f"module {module} runs only through code guarded by flag '{guard.key}', which is {reason}: "
                f"{' -> '.join(path)} ({importer}:{edge.line} uses {edge.target} only "
                f"when the flag is {'on' if guard.polarity else 'off'}); {advice}"
            )
            flow = tuple(
                Related(project.config.root / graph.facts(step.source).path, step.line, 1, f"{step.source} imports {step.target}"
                        + (f" only when flag '{guard.key}' is {'on' if guard.polarity else 'off'}" if step == edge else ""))
                for step in graph.edges_along(path)
            )  # fmt: skip
            yield self._finding(project, project.config.root / facts.path, 1, message + project.evidence(facts.path), guard, confidence, flow)

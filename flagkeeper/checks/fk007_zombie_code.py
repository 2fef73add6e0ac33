"""FK007 zombie-code: a module reachable only through a branch whose flag is dead."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Example, Rule
from flagkeeper.diagnostics import ERROR, Diagnostic
from flagkeeper.model import Project

_APP = (
    "import ldclient\nfrom algos import power_peg\n\n"
    'def route(order):\n    if ldclient.get().variation("peg_enabled", order, False):\n'
    "        power_peg.work(order)\n"
)


class ZombieCodeRule(Rule):
    code = "FK007"
    name = "zombie-code"
    severity = ERROR
    summary = "A module that runs only through a branch whose flag is retired, expired or declared off."
    why = (
        "Power Peg was dead from 2003, yet its code stayed reachable behind one flag check. When "
        "the flag was switched on again in 2012 it woke up, and its safeguard had been moved away "
        "in the meantime. A flag that is retired, expired, declared off (`flags-off` in the "
        "config) or stuck (`state = \"on\"`/`\"off\"` in the registry) can no longer change, so "
        "code that only runs under its other value is dead: delete it with the branch. An import "
        "counts as guarded when every use of what it imports sits inside the flag's branch. "
        "Heuristic confidence: guards through early returns and flags stored in variables are not "
        "seen, so such code shows as live, never as falsely dead."
    )
    fix = "Delete the dead branch and the modules only it used (`flagkeeper remove KEY --value false`)."
    fires = Example({
        "flagkeeper.toml": 'entry-points = ["app"]\n',
        "app.py": _APP,
        "algos/__init__.py": "",
        "algos/power_peg.py": "def work(order):\n    pass\n",
        "flags.toml": '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg"\n',
    })  # fmt: skip
    passes = Example({
        "flagkeeper.toml": 'entry-points = ["app"]\n',
        "app.py": _APP,
        "algos/__init__.py": "",
        "algos/power_peg.py": "def work(order):\n    pass\n",
        "flags.toml": '[flags.peg_enabled]\nowner = "routing"\ntype = "release"\nexpires = 2026-09-30\n',
    })  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        graph = project.import_graph
        for module, status in project.module_status.items():
            if status != "zombie":
                continue
            path = project.path_to(module)
            dead = [
                (source, target, guard)
                for source, target in zip(path, path[1:])
                for guard in graph.edges[source, target]["guards"] if project.is_dead(guard)
            ]  # fmt: skip
            source, target, guard = dead[0]
            stuck = project.stuck_value(guard.key)
            reason = stuck[1] if stuck else ""
            facts = graph.nodes[module]["facts"]
            importer = graph.nodes[source]["facts"].path
            advice = "delete the dead branch and this module"
            if guard.key in project.registry.retired and guard.key in project.registry.flags:
                advice = (
                    "the key is registered again for a new meaning, so this is dead code of the old meaning or new "
                    "code behind a retired key: delete the one, give the other a new key (see FK003)"
                )
            message = (
                f"module {module} runs only through code guarded by flag '{guard.key}', which is {reason}: "
                f"{' -> '.join(path)} ({importer}:{graph.edges[source, target]['line']} uses {target} only "
                f"when the flag is {'on' if guard.polarity else 'off'}); {advice}"
            )
            yield self.report(project.config.root / facts.path, 1, 1, message + project.evidence(facts.path), guard.key)

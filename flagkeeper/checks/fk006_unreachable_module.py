"""FK006 unreachable-module: a module that no entry point can import."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import WARNING, Diagnostic
from flagkeeper.project.imports import ModuleStatus, is_test_module
from flagkeeper.project.model import Project


class UnreachableModuleRule(Rule):
    code = "FK006"
    name = "unreachable-module"
    severity = WARNING
    summary = "A module that no entry point can import."
    why = (
        "Code nothing imports is not tested by use, not reviewed with care, and not safe: it is one "
        "import away from running again, as Power Peg was one flag away. Entry points are the "
        "config's `entry-points`, the console scripts and entry points of pyproject.toml, "
        "`__main__` modules, and test files with `--include-tests-as-entry-points`; a module "
        "run as a script must be named in `entry-points` (the finding says when it looks like one). Test files are never reported. What it cannot "
        "see: imports by computed name, plugins loaded through other distributions' metadata."
    )
    fix = "Delete the module, or name it in `entry-points` if it is run on its own."
    needs = frozenset({Need.IMPORT_GRAPH, Need.ENTRY_POINTS})
    whole_program = True
    INVALID = (
        Case(
            {
                "flagkeeper.toml": 'entry-points = ["app"]\n',
                "app.py": "import orders\n\norders.route()\n",
                "orders.py": "def route():\n    pass\n",
                "island_ecn.py": "def connect():\n    pass\n",
            },
            expect=(
                "island_ecn.py:1:1: FK006 module island_ecn is imported by nothing that an entry point (app) reaches: delete it",
            ),
        ),
        # a script must be named in entry-points
        Case(
            {
                "flagkeeper.toml": 'entry-points = ["app"]\n',
                "app.py": "print('start')\n",
                "tools/__init__.py": "",
                "tools/replay.py": "def replay():\n    pass\n\nif __name__ == '__main__':\n    replay()\n",
            },
            expect=(
                "tools/__init__.py:1:1: FK006 module tools is imported by nothing that an entry point (app) reaches: delete it",
                "tools/replay.py:1:1: FK006 module tools.replay is imported by nothing that an entry point (app) reaches: "
                "delete it, or if it is run as a script (it has an `if __name__ == '__main__':` block), add it to entry-points",
            ),
        ),
    )  # fmt: skip
    VALID = (
        Case({
            "flagkeeper.toml": 'entry-points = ["app"]\n',
            "app.py": "import orders\n\norders.route()\n",
            "orders.py": "def route():\n    pass\n",
        }),
        # test files are never reported
        Case({
            "flagkeeper.toml": 'entry-points = ["app"]\n',
            "app.py": "import orders\n",
            "orders.py": "def route():\n    pass\n",
            "tests/test_orders.py": "import orders\n\ndef test_route():\n    orders.route()\n",
        }),
        # no entry points: reachability is not judged
        Case({"app.py": "print('no entry points are declared, so reachability is not judged')\n", "island_ecn.py": "pass\n"}),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        entries = ", ".join(project.entry_points)
        for module, status in project.module_status.items():
            facts = project.modules[module]
            if status is ModuleStatus.UNREACHABLE and not is_test_module(facts):
                message = f"module {module} is imported by nothing that an entry point ({entries}) reaches: delete it"
                if facts.is_script:
                    message += ", or if it is run as a script (it has an `if __name__ == '__main__':` block), add it to entry-points"
                yield self.report(project.config.root / facts.path, 1, 1, message + project.evidence(facts.path))

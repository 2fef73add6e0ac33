"""FK006 unreachable-module: a module that no entry point can import."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import WARNING, Diagnostic, a_few
from flagkeeper.project.imports import ModuleStatus, is_test_module
from flagkeeper.project.model import Project


class UnreachableModuleRule(Rule):
    code = "FK006"
    name = "unreachable-module"
    severity = WARNING
    summary = "A module that no entry point can import."
    why = (
        "Code nothing imports is not tested by use, not reviewed with care, and not safe: it is one "
        "import away from running again, as Power Peg was one flag away. Entry points are found, "
        "not configured: the config's `entry-points` (modules or path globs), packaging (pyproject, "
        "setup.cfg, setup.py), `__main__` modules, scripts outside any package, and what Django, "
        "Celery, Flask, FastAPI and Alembic load by convention; test files with "
        "`--include-tests-as-entry-points`. `flagkeeper graph --entry-points` lists them and why. "
        "Strings naming a module's dotted path, literal `import_module`/`import_string` and "
        "`pkgutil` over a package's `__path__` reach modules too. A script inside a package must "
        "be named in `entry-points`. Test files are never reported. What it cannot see: imports by "
        "computed name, plugins loaded through other distributions' metadata: below 100 % confidence "
        "(a computed import, string or text file may load it: docs/dead-code.md) a message "
        "says verify before deleting; `--min-confidence N` hides those below N."
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
        # Django: settings define INSTALLED_APPS; dotted strings in them are links; apps' conventional modules load
        Case(
            {
            "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_cfg.settings')\n"
            "if __name__ == '__main__':\n    pass\n",
            "site_cfg/__init__.py": "", "site_cfg/settings.py": "INSTALLED_APPS = ['shop']\nMIDDLEWARE = ['shop.middleware.Timing']\n",
            "shop/__init__.py": "", "shop/models.py": "", "shop/admin.py": "", "shop/middleware.py": "class Timing:\n    pass\n",
            "shop/migrations/__init__.py": "", "shop/migrations/0001_initial.py": "", "shop/legacy.py": "",
        }, expect=(
            "shop/legacy.py:1:1: FK006 module shop.legacy is imported by nothing that an entry point (manage, shop, shop.admin and 3 more) reaches: delete it",
        )),
        # confidence below 100 %: something the import graph cannot follow may load the module
        Case({
            "flagkeeper.toml": 'entry-points = ["app"]\n',
            "app.py": "import importlib, sys\n\nimportlib.import_module('plugins.' + sys.argv[1])\n",
            "plugins/__init__.py": "", "plugins/csv_export.py": "",
            "deploy.yaml": "jobs:\n  nightly: python -m tools.replay\n",
            "tools/__init__.py": "import subprocess\n\nsubprocess.run(['python', 'tools/backfill.py'])\n",
            "tools/replay.py": "", "tools/backfill.py": "",
            "extensions/__init__.py": "", "extensions/audit.py": "def setup(app):\n    pass\n",
        }, expect=(
            "extensions/__init__.py:1:1: FK006 module extensions is imported by nothing that an entry point (app) reaches: "
            "looks unused: verify, then delete it (it sits in a folder named extensions, confidence 90%)",
            "extensions/audit.py:1:1: FK006 module extensions.audit is imported by nothing that an entry point (app) reaches: "
            "looks unused: verify, then delete it (it sits in a folder named extensions, confidence 90%)",
            "plugins/__init__.py:1:1: FK006 module plugins is imported by nothing that an entry point (app) reaches: "
            "looks unused: verify, then delete it (an import by computed name at app.py:3 could load it, confidence 60%)",
            "plugins/csv_export.py:1:1: FK006 module plugins.csv_export is imported by nothing that an entry point (app) "
            "reaches: looks unused: verify, then delete it (an import by computed name at app.py:3 could load it, confidence 60%)",
            "tools/__init__.py:1:1: FK006 module tools is imported by nothing that an entry point (app) reaches: "
            "looks unused: verify, then delete it (deploy.yaml:2 names it, confidence 60%)",
            "tools/backfill.py:1:1: FK006 module tools.backfill is imported by nothing that an entry point (app) reaches: "
            "looks unused: verify, then delete it (a string at tools/__init__.py:3 names it, confidence 80%)",
            "tools/replay.py:1:1: FK006 module tools.replay is imported by nothing that an entry point (app) reaches: "
            "looks unused: verify, then delete it (deploy.yaml:2 names it, confidence 60%)",
        )),
    )  # fmt: skip
    VALID = (
        Case({
            "flagkeeper.toml": 'entry-points = ["app"]\n',
            "app.py": "import orders\n\norders.route()\n",
            "orders.py": "def route():\n    pass\n",
        }),
        # a package's __init__ runs before its submodules; a top-level script is an entry point
        Case({
            "flagkeeper.toml": 'entry-points = ["shop.cli"]\n',
            "shop/__init__.py": "", "shop/cli.py": "print('run')\n",
            "backfill.py": "if __name__ == '__main__':\n    print('backfill')\n",
        }),
        # plugins found with pkgutil over a package's __path__
        Case({
            "flagkeeper.toml": 'entry-points = ["app"]\n',
            "app.py": "import pkgutil, importlib, plugins\n"
            "for found in pkgutil.iter_modules(plugins.__path__):\n    importlib.import_module('plugins.' + found.name)\n",
            "plugins/__init__.py": "", "plugins/csv_export.py": "",
        }),
        # test files are never reported
        Case({
            "flagkeeper.toml": 'entry-points = ["app"]\n',
            "app.py": "import orders\n",
            "orders.py": "def route():\n    pass\n",
            "tests/test_orders.py": "import orders\n\ndef test_route():\n    orders.route()\n",
        }),
        # --min-confidence hides findings less sure than it (here 60 %: an import by computed name)
        Case({
            "flagkeeper.toml": 'entry-points = ["app"]\n',
            "app.py": "import importlib, sys\n\nimportlib.import_module(sys.argv[1])\n",
            "report_job.py": "",
        }, args=("--min-confidence", "61")),
        # no entry points: reachability is not judged
        Case({"app.py": "print('no entry points are declared, so reachability is not judged')\n", "island_ecn.py": "pass\n"}),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        entries = a_few(project.entry_points)  # `flagkeeper graph --entry-points` lists them all
        for module, status in project.module_status.items():
            facts = project.modules[module]
            if status is ModuleStatus.UNREACHABLE and not is_test_module(facts):
                confidence = project.dead_code_evidence.of_module(facts)
                message = f"module {module} is imported by nothing that an entry point ({entries}) reaches: {confidence.verify_then('delete it')}"
                if facts.is_script:
                    message += ", or if it is run as a script (it has an `if __name__ == '__main__':` block), add it to entry-points"
                path = project.config.root / facts.path
                yield self.report(path, 1, 1, message + project.evidence(facts.path), confidence=confidence.percent)

"""Reachability: entry points, guarded edges, zombie and unreachable modules, kill-switch paths."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GUARDED_APP, REPO, run

APP = GUARDED_APP
FILES = {
    "flagkeeper.toml": 'entry-points = ["app"]\n',
    "app.py": APP,
    "orders.py": "def slice(order):\n    pass\n",
    "algos/__init__.py": "",
    "algos/power_peg.py": "def work(order):\n    pass\n",
    "island_ecn.py": "def connect():\n    pass\n",
}
ACTIVE = '[flags.peg_enabled]\nowner = "routing"\ntype = "release"\nexpires = 2026-09-30\n'


def statuses(folder: Path, *args: str) -> dict[str, str]:
    data = run(["graph", ".", "--format", "json", "--today", "2026-06-01", *args], folder).json()
    return {node["module"]: node["status"] for node in data["nodes"]}


def test_guarded_edge_carries_the_flag_and_polarity(project) -> None:
    folder = project({**FILES, "flags.toml": ACTIVE})
    edges = {(e["source"], e["target"]): e for e in run(["graph", ".", "--format", "json"], folder).json()["edges"]}
    assert edges["app", "algos.power_peg"]["guards"] == [{"key": "peg_enabled", "polarity": True}]
    assert edges["app", "orders"]["guards"] == [{"key": "peg_enabled", "polarity": False}]
    assert edges["app", "algos.power_peg"]["line"] == 3


def test_active_flag_keeps_both_branches_alive(project) -> None:
    folder = project({**FILES, "flags.toml": ACTIVE})
    assert statuses(folder) == {
        "app": "entry-point", "orders": "reachable", "algos": "reachable", "algos.power_peg": "reachable",
        "island_ecn": "unreachable",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("registry", "config", "dead", "live"),
    [
        ('[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg"\n', "", "algos.power_peg", "orders"),
        (ACTIVE.replace("2026-09-30", "2026-01-31"), "", "algos.power_peg", "orders"),
        (ACTIVE, 'flags-off = ["peg_enabled"]\n', "algos.power_peg", "orders"),
        (ACTIVE + 'state = "off"\n', "", "algos.power_peg", "orders"),
        (ACTIVE.replace("2026-09-30", "2026-01-31") + 'state = "on"\n', "", "orders", "algos.power_peg"),
    ],
    ids=["retired", "expired", "config-off", "state-off", "state-on"],
)
def test_dead_flag_makes_its_branch_a_zombie(project, registry: str, config: str, dead: str, live: str) -> None:
    folder = project({**FILES, "flags.toml": registry, "flagkeeper.toml": 'entry-points = ["app"]\n' + config})
    found = statuses(folder)
    assert found[dead] == "zombie" and found[live] == "reachable"


def test_one_unguarded_use_makes_the_edge_unguarded(project) -> None:
    app = APP + "\ndef audit():\n    return power_peg.work\n"
    folder = project({**FILES, "app.py": app, "flags.toml": '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "x"\n'})
    assert statuses(folder)["algos.power_peg"] == "reachable"


def test_import_inside_the_branch_is_guarded_by_it(project) -> None:
    app = 'import ldclient\n\nif not ldclient.get().variation("legacy_off", None, True):\n    import legacy\n'
    folder = project({"flagkeeper.toml": 'entry-points = ["app"]\nflags-off = ["legacy_off"]\n', "app.py": app, "legacy.py": ""})
    assert statuses(folder)["legacy"] == "reachable"  # `not off` is true: the branch runs
    folder.joinpath("flagkeeper.toml").write_text('entry-points = ["app"]\n')
    folder.joinpath("flags.toml").write_text('[flags.legacy_off]\nowner = "a"\ntype = "release"\nexpires = 2026-01-01\nstate = "on"\n')
    assert statuses(folder)["legacy"] == "zombie"


def test_entry_points_from_pyproject_scripts_and_main_modules(project) -> None:
    folder = project({
        "pyproject.toml": '[project]\nname = "x"\n[project.scripts]\nx = "cli:main"\n[project.entry-points."x.plugins"]\np = "plugin"\n'
        "[tool.flagkeeper]\n",
        "cli.py": "def main():\n    pass\n", "plugin.py": "", "tool/__main__.py": "", "tool/__init__.py": "", "orphan.py": "",
        "tests/test_orphan.py": "import orphan\n",
    })  # fmt: skip
    data = run(["graph", ".", "--format", "json"], folder).json()
    assert data["entry_points"] == ["cli", "plugin", "tool.__main__"]
    found = {node["module"]: node["status"] for node in data["nodes"]}
    # Python runs tool/__init__.py before tool/__main__.py.
    assert found["orphan"] == "unreachable" and found["tool"] == "reachable"
    # Test files are never reported as unreachable, and can count as entry points.
    assert "tests.test_orphan" not in {f["path"] for f in run(["check", ".", "--format", "json"], folder).json()}
    assert statuses(folder, "--include-tests-as-entry-points")["orphan"] == "reachable"


def test_no_entry_points(project) -> None:
    folder = project({"app.py": "import os\n"})
    result = run(["graph", "."], folder)
    assert result.exit_code == 2 and "no entry points" in result.stderr
    result = run(["check", "."], folder)
    assert result.exit_code == 0 and "FK006, FK007 and FK010 were skipped" in result.stderr
    assert "skipped" not in run(["check", ".", "--select", "FK001"], folder).stderr


def test_unknown_entry_point_or_critical_function(project) -> None:
    folder = project({**FILES, "flagkeeper.toml": 'entry-points = ["nope"]\n'})
    result = run(["check", "."], folder)
    assert result.exit_code == 2 and "flagkeeper.toml: entry-points names 'nope'" in result.stderr
    folder.joinpath("flagkeeper.toml").write_text('entry-points = ["app"]\ncritical = ["orders.nope"]\n')
    result = run(["check", "."], folder)
    assert result.exit_code == 2 and "critical names 'orders.nope'" in result.stderr


def test_graph_text_and_dot(project) -> None:
    folder = project({**FILES, "flags.toml": '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "x"\n'})
    text = run(["graph", "."], folder).stdout
    assert text.splitlines()[:2] == [
        "Entry points (1): app",
        "Modules: 5 (2 reachable, 1 unreachable, 2 zombie); import edges: 3",
    ]
    assert "  island_ecn  island_ecn.py" in text and "  algos.power_peg  algos/power_peg.py" in text
    dot = run(["graph", ".", "--format", "dot"], folder).stdout
    assert dot.startswith("digraph imports {") and dot.rstrip().endswith("}")
    assert '"algos.power_peg" [style=filled, fillcolor="#ffb4a2"];' in dot
    assert '"app" -> "algos.power_peg" [label="peg_enabled", style=dashed, color="#c0392b"' in dot
    if shutil.which("dot"):
        rendered = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=True)
        assert "<svg" in rendered.stdout


def test_kill_switch_on_the_path_or_in_a_caller_satisfies_fk010(project) -> None:
    base = {
        "flagkeeper.toml": 'entry-points = ["app"]\ncritical = ["orders.send"]\n',
        "flags.toml": '[flags.halt]\nowner = "ops"\ntype = "kill-switch"\n',
        "orders.py": "def send(order):\n    pass\n\nclass Router:\n    def route(self, order):\n        self._go(order)\n\n"
        "    def _go(self, order):\n        send(order)\n",
    }  # fmt: skip
    unchecked = "from orders import Router\n\ndef main():\n    Router().route(1)\n\nmain()\n"
    folder = project({**base, "app.py": unchecked})
    findings = run(["check", ".", "--select", "FK010", "--format", "json"], folder).json()
    assert [f["message"].split(": ", 1)[1] for f in findings] == [
        "app -> app.main -> orders.Router.route -> orders.Router._go -> orders.send; no kill-switch flag is read anywhere"
    ]
    checked = (
        "import ldclient\nfrom orders import Router\n\ndef main():\n"
        '    if ldclient.get().variation("halt", None, False):\n        return\n    Router().route(1)\n\nmain()\n'
    )
    folder.joinpath("app.py").write_text(checked)
    assert run(["check", ".", "--select", "FK010"], folder).exit_code == 0


def test_flagkeeper_own_graph_has_no_unreachable_module() -> None:
    data = run(["graph", "flagkeeper", "--format", "json"], REPO).json()
    own = {node["module"]: node["status"] for node in data["nodes"] if node["module"].startswith("flagkeeper")}
    assert len(own) > 20 and set(own.values()) <= {"entry-point", "reachable"}


def test_coverage_evidence_from_the_simulator(tmp_path: Path) -> None:
    example = tmp_path / "smars_legacy"
    shutil.copytree(REPO / "examples" / "smars_legacy", example, ignore=shutil.ignore_patterns("__pycache__"))
    data_file = tmp_path / "simulator.coverage"
    subprocess.run(
        [sys.executable, "-m", "coverage", "run", f"--data-file={data_file}", "-m", "smars.simulate", "--minutes", "3"],
        cwd=example, check=True, capture_output=True,
    )  # fmt: skip
    findings = run(["check", ".", "--today", "2012-08-01", "--select", "FK006,FK007", "--coverage", str(data_file), "--format", "json"], example).json()
    evidence = {f["path"]: f["message"].rsplit("; coverage: ", 1)[1] for f in findings}
    assert evidence["smars/venues/island_ecn.py"] == "it never ran in the measured run"
    # On smars-08 Power Peg did run: the zombie finding must say so.
    assert evidence["smars/algos/power_peg.py"].endswith("lines of it ran in the measured run, so check why before deleting")


def test_bad_coverage_file(project) -> None:
    folder = project({**FILES, "not-coverage.db": "hello"})
    result = run(["check", ".", "--coverage", "not-coverage.db"], folder)
    assert result.exit_code == 2 and "not-coverage.db: not a coverage.py data file" in result.stderr
    assert "coverage data file not found" in run(["check", ".", "--coverage", "missing.db"], folder).stderr


def test_graph_json_is_stable(project) -> None:
    folder = project(FILES)
    first = run(["graph", ".", "--format", "json"], folder).stdout
    assert json.loads(first) == json.loads(run(["graph", ".", "--format", "json"], folder).stdout)


FUNCTIONS = {
    "flagkeeper.toml": 'entry-points = ["app"]\nflags-off = ["old_pricing"]\n',
    "app.py": (
        "import ldclient\nfrom pricing import legacy_price, shared\n\n"
        "def _old_rounding(x):\n    return round(x)\n\n"
        "def price(order):\n"
        '    if ldclient.get().variation("old_pricing", order, False):\n'
        "        return _old_rounding(legacy_price(order)) + shared(order)\n"
        "    return shared(order)\n"
    ),
    "pricing.py": "def legacy_price(order):\n    return 1\n\ndef shared(order):\n    return 2\n\ndef unused():\n    return 3\n",
}


def test_functions_used_only_in_a_dead_branch_are_zombies(project) -> None:
    folder = project(FUNCTIONS)
    findings = run(["check", ".", "--select", "FK007", "--format", "json"], folder).json()
    assert [(f["path"], f["line"], f["message"].split(" is used")[0]) for f in findings] == [
        ("app.py", 4, "function app._old_rounding"),
        ("pricing.py", 1, "function pricing.legacy_price"),
    ]
    assert "declared off in the configuration" in findings[0]["message"]


def test_a_live_reference_or_a_decorator_keeps_a_function_alive(project) -> None:
    app = FUNCTIONS["app.py"] + "\nHANDLERS = [_old_rounding]\n"
    pricing = "import functools\n\n@functools.cache\n" + FUNCTIONS["pricing.py"]
    folder = project({**FUNCTIONS, "app.py": app, "pricing.py": pricing})
    assert run(["check", ".", "--select", "FK007"], folder).exit_code == 0

"""The project model: built once, frozen, its expensive parts worked out only for the rules that need them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from flagkeeper.config import load_config
from flagkeeper.project import callgraph, imports, model
from flagkeeper.project.model import build_project
from tests.conftest import REPO, run

SMARS = REPO / "examples/smars_legacy"


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many import graphs and call graphs the run builds."""
    counted = {"import graph": 0, "call graph": 0}

    def counting(name: str, build: type) -> type:
        class Counted(build):
            def __init__(self, *args: object) -> None:
                counted[name] += 1
                super().__init__(*args)

        return Counted

    monkeypatch.setattr(imports, "ImportGraph", counting("import graph", imports.ImportGraph))  # model imports it when first used
    monkeypatch.setattr(callgraph, "CallGraph", counting("call graph", callgraph.CallGraph))
    return counted


def test_a_rule_that_needs_no_graph_builds_none(builds: dict[str, int]) -> None:
    result = run(["check", ".", "--select", "FK001", "--today", "2012-08-01", "--no-cache"], SMARS)
    assert result.exit_code == 1 and "FK001" in result.stdout
    assert builds == {"import graph": 0, "call graph": 0}


def test_reachability_rules_build_the_import_graph_once(builds: dict[str, int]) -> None:
    result = run(["check", ".", "--select", "FK006,FK007,FK010", "--today", "2012-08-01", "--no-cache"], SMARS)
    assert result.exit_code == 1 and "FK007" in result.stdout and "FK010" in result.stdout
    assert builds == {"import graph": 1, "call graph": 1}


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ('entry-points = ["app", "nope"]\n', "flagkeeper.toml: entry-points names 'nope', which is not a module of the project"),
        ('entry-points = ["app"]\ncritical = ["app.nope"]\n', "flagkeeper.toml: critical names 'app.nope', which is not a function of the project"),
    ],
)
def test_configuration_is_checked_whatever_rules_run(project, config: str, error: str) -> None:
    folder = project({"flagkeeper.toml": config, "app.py": "def main():\n    pass\n"})
    for command in (["check", ".", "--select", "FK001"], ["inventory", "."]):
        result = run(command, folder)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == f"flagkeeper: error: {error}\n"


def test_the_model_is_frozen_and_rebuilt_for_other_files(tmp_path) -> None:
    (tmp_path / "flagkeeper.toml").write_text('entry-points = ["app"]\n')
    (tmp_path / "app.py").write_text("import orders\n")
    (tmp_path / "orders.py").write_text("")
    (tmp_path / "island.py").write_text("")
    built = build_project([tmp_path], load_config([tmp_path]), dt.date(2026, 6, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.fleet = ()
    assert built.module_status == {"app": "entry-point", "island": "unreachable", "orders": "reachable"}
    without_orders = built.at([facts for facts in built.files if facts.module != "orders"], built.registry)
    assert without_orders.module_status == {"app": "entry-point", "island": "unreachable"}
    assert (without_orders.config, without_orders.today) == (built.config, built.today)
    assert len(built.module_status) == 3  # the original keeps its own views


def test_a_check_the_run_cache_answers_loads_no_facts(project, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[int] = []
    checked_against = model.checked_against
    monkeypatch.setattr(model, "checked_against", lambda config, files: loaded.append(len(files)) or checked_against(config, files))
    folder = project({"flagkeeper.toml": 'entry-points = ["app"]\ncritical = ["app.main"]\n', "app.py": "def main():\n    pass\n"})
    command = ["check", ".", "--cache-dir", str(tmp_path / "cache")]
    # FK010 warns that nothing calls the critical app.main, the second time from the run cache
    assert [run(command, folder).exit_code for _ in range(2)] == [1, 1]
    assert loaded == [1]  # the configuration was checked once, by the run that stored the findings

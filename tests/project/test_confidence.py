"""The confidence of dead-code findings: what lowers it, how each format shows it, and --min-confidence."""

from __future__ import annotations

import json

from tests.conftest import run

_PROJECT = {
    "flagkeeper.toml": 'entry-points = ["app"]\n',
    "app.py": "import importlib, sys\n\nimportlib.import_module('plugins.' + sys.argv[1])\n",
    "plugins/__init__.py": "",
    "plugins/csv_export.py": "",
    "island_ecn.py": "def connect():\n    pass\n",
}


def _findings(project, files: dict[str, str], *args: str) -> list[dict[str, object]]:
    result = run(["check", ".", "--select", "FK006,FK007", "--format", "json", *args], project(files))
    found: list[dict[str, object]] = result.json()
    return found


def test_json_carries_the_confidence_and_min_confidence_filters(project) -> None:
    found = _findings(project, _PROJECT)
    assert {(f["path"], f["confidence"]) for f in found} == {("plugins/__init__.py", 60), ("plugins/csv_export.py", 60), ("island_ecn.py", 100)}
    assert [f["path"] for f in _findings(project, _PROJECT, "--min-confidence", "61")] == ["island_ecn.py"]
    configured = {**_PROJECT, "flagkeeper.toml": 'entry-points = ["app"]\nmin-confidence = 100\n'}
    assert [f["path"] for f in _findings(project, configured)] == ["island_ecn.py"]
    # the command line wins over the config
    assert len(_findings(project, configured, "--min-confidence", "0")) == 3


def test_sarif_rank_and_text(project) -> None:
    folder = project(_PROJECT)
    sarif = json.loads(run(["check", ".", "--select", "FK006", "--format", "sarif"], folder).stdout)
    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in sarif["runs"][0]["results"]}
    assert results["island_ecn.py"]["rank"] == 100.0 and results["island_ecn.py"]["properties"] == {"confidence": 100}
    assert results["plugins/csv_export.py"]["rank"] == 60.0
    text = run(["check", ".", "--select", "FK006"], folder).stdout
    assert "island_ecn is imported by nothing that an entry point (app) reaches: delete it\n" in text
    assert "plugins.csv_export is imported by nothing that an entry point (app) reaches: looks unused: verify, then delete it" in text
    assert "(an import by computed name at app.py:3 could load it, confidence 60%)" in text


def test_computed_imports_reach_only_their_package_and_the_one_inside(project) -> None:
    files = {
        "flagkeeper.toml": 'entry-points = ["shop.app"]\n',
        "shop/__init__.py": "",
        "shop/app.py": "import importlib\n\ndef load(name):\n    return importlib.import_module(name)\n",
        "shop/old.py": "",
        "shop/handlers/__init__.py": "",
        "shop/handlers/refund.py": "",
        "shop/handlers/deep/__init__.py": "",
        "shop/handlers/deep/x.py": "",
        "billing/__init__.py": "",
        "billing/legacy.py": "",
    }
    found = {f["path"]: f["confidence"] for f in _findings(project, files)}
    assert found == {
        "shop/old.py": 60, "shop/handlers/__init__.py": 60, "shop/handlers/refund.py": 60,
        "shop/handlers/deep/__init__.py": 60, "shop/handlers/deep/x.py": 100,
        "billing/__init__.py": 100, "billing/legacy.py": 100,
    }  # fmt: skip


def test_a_computed_import_in_dead_code_lowers_nothing(project) -> None:
    files = {
        "flagkeeper.toml": 'entry-points = ["app"]\n',
        "app.py": "print('run')\n",
        "loader.py": "import importlib, sys\n\nimportlib.import_module(sys.argv[1])\n",
    }
    assert {f["path"]: f["confidence"] for f in _findings(project, files)} == {"loader.py": 100}


def test_a_string_in_code_nothing_reaches_and_plugin_hooks(project) -> None:
    files = {
        "flagkeeper.toml": 'entry-points = ["app"]\n',
        "app.py": "print('run')\n",
        "old_settings.py": "BACKEND = 'mail.smtp.Backend'\n",
        "mail/__init__.py": "",
        "mail/smtp.py": "class Backend:\n    pass\n",
        "hooks.py": "def register(registry):\n    pass\n",
        # neither a module naming itself nor a test's mock.patch string is a way in
        "audit.py": "import logging\n\nlog = logging.getLogger('audit.trail')\n",
        "tests/test_audit.py": "from unittest import mock\n\n@mock.patch('audit.log')\ndef test_log(log):\n    pass\n",
    }
    found = {f["path"]: (f["confidence"], f["message"]) for f in _findings(project, files)}
    assert found["mail/smtp.py"][0] == 80 and "(a string at old_settings.py:1 names it, confidence 80%)" in found["mail/smtp.py"][1]
    assert found["hooks.py"][0] == 90 and "(it defines register(), a plugin hook, confidence 90%)" in found["hooks.py"][1]
    assert found["old_settings.py"][0] == 100
    assert found["audit.py"][0] == 100


def test_flagkeepers_own_baseline_is_no_evidence(project) -> None:
    folder = project({"flagkeeper.toml": 'entry-points = ["app"]\n', "app.py": "print('run')\n", "island_ecn.py": ""})
    assert run(["check", ".", "--write-baseline", "known.json"], folder).exit_code == 0
    found = run(["check", ".", "--select", "FK006", "--format", "json"], folder).json()
    assert {f["confidence"] for f in found} == {100}


def test_zombie_function_named_in_a_text_file(project) -> None:
    files = {
        "flagkeeper.toml": 'entry-points = ["app"]\n',
        "app.py": (
            "import ldclient\n\ndef power_peg(order):\n    pass\n\n"
            'def route(order):\n    if ldclient.get().variation("peg_enabled", order, False):\n        power_peg(order)\n\nroute(1)\n'
        ),
        "flags.toml": '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg"\n',
        "cron.yaml": "- run: app.power_peg\n",
    }
    (found,) = _findings(project, files)
    assert found["confidence"] == 60
    assert found["message"].endswith("looks unused: verify, then delete it with the dead branch (cron.yaml:1 names it, confidence 60%)")


def test_min_confidence_must_be_a_percentage(project) -> None:
    folder = project({**_PROJECT, "flagkeeper.toml": 'entry-points = ["app"]\nmin-confidence = 101\n'})
    result = run(["check", "."], folder)
    assert result.exit_code == 2 and "'min-confidence' must be a whole percentage from 0 to 100" in result.stderr
    assert run(["check", ".", "--min-confidence", "-1"], project(_PROJECT)).exit_code == 2

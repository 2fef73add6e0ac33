"""A monorepo: each file judged by the config nearest it, as in ruff (tests/fixtures/monorepo).

svc_a has a config and a registry of its own; svc_b has its own registry and extends the root
pyproject.toml, which ignores FK002. Each service reads the other's flag, unregistered there.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run

TODAY = ["--today", "2026-06-01"]
A_EXPIRED = "svc_a/y.py:3:4: FK002 flag 'a-checkout' expired on 2026-02-14"
A_UNREGISTERED = "svc_a/y.py:5:4: FK001 flag 'b-search' is read here but not registered in flags.toml"
B_UNREGISTERED = "svc_b/x.py:5:4: FK001 flag 'a-checkout' is read here but not registered in flags.toml"


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "monorepo", tmp_path / "monorepo"))


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_findings_are_the_same_whatever_the_order_of_the_paths(monorepo: Path, output_format: str) -> None:
    orders = [["svc_a", "svc_b"], ["svc_b", "svc_a"], ["svc_b/x.py", "svc_a/y.py"], ["svc_a/y.py", "svc_b"], ["."], []]
    results = [run(["check", *TODAY, "--output-format", output_format, *paths], monorepo) for paths in orders]
    assert {result.exit_code for result in results} == {1}
    assert len({result.stdout for result in results}) == 1, [result.stdout for result in results]


def test_each_service_is_judged_by_its_own_config_and_registry(monorepo: Path) -> None:
    lines = run(["check", *TODAY, "--output-format", "text", "svc_b", "svc_a"], monorepo).stdout.splitlines()
    # svc_a's registry knows a-checkout (expired: FK002 there); svc_b inherits `ignore = ["FK002"]`.
    assert [line.split(":", 4)[:4] for line in lines[:-1]] == [
        ["svc_a/y.py", "3", "4", " FK002 flag 'a-checkout' expired on 2026-02-14 (107 days ago, owner payments) and is still read here"],
        ["svc_a/y.py", "5", "4", " FK001 flag 'b-search' is read here but not registered in flags.toml"],
        ["svc_b/x.py", "5", "4", " FK001 flag 'a-checkout' is read here but not registered in flags.toml"],
    ]
    assert lines[-1] == "Found 3 findings in 2 files (2 errors, 1 warning)."
    alone = run(["check", *TODAY, "--output-format", "text", "svc_b/x.py"], monorepo).stdout.splitlines()
    assert alone[0].startswith(B_UNREGISTERED) and len(alone) == 2


def test_isolated_ignores_every_config_file(monorepo: Path) -> None:
    configured = run(["check", *TODAY, "--output-format", "text", "svc_b"], monorepo).stdout
    isolated = run(["check", *TODAY, "--output-format", "text", "--isolated", "svc_b"], monorepo).stdout
    assert "FK002" not in configured
    assert "svc_b/x.py:3:4: FK002 flag 'b-search' expired on 2026-02-14" in isolated  # the inherited ignore is gone


def test_config_key_value_overrides_one_setting(monorepo: Path) -> None:
    result = run(["check", *TODAY, "--output-format", "text", "--config", 'ignore = ["FK001", "FK002"]', "svc_a", "svc_b"], monorepo)
    assert (result.exit_code, result.stdout) == (0, "All checks passed (2 Python files).\n")
    isolated = run(["check", *TODAY, "--output-format", "text", "--isolated", "--config", "select=['FK002']", "svc_b"], monorepo)
    assert isolated.exit_code == 1 and "FK001" not in isolated.stdout and "FK002 flag 'b-search'" in isolated.stdout



def test_an_inline_setting_longer_than_a_file_name_is_a_setting(monorepo: Path) -> None:
    long = f"exclude = [{', '.join(repr(f'generated_{n}') for n in range(40))}]"  # over 255 bytes: no file name
    result = run(["check", *TODAY, "--output-format", "text", "--isolated", "--config", long, "--config", "select=['FK002']", "svc_b"], monorepo)
    assert result.exit_code == 1 and "FK002 flag 'b-search'" in result.stdout


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("min-confidence=200", "flagkeeper: error: --config 'min-confidence=200': 'min-confidence' must be a whole percentage from 0 to 100\n"),
        ("colour=1", "flagkeeper: error: --config 'colour=1': unknown configuration key 'colour' (known: src, "),
        ("not-a-file.toml", "flagkeeper: error: --config 'not-a-file.toml' is neither a config file nor KEY = VALUE in TOML syntax"),
    ],
)
def test_a_bad_inline_setting_is_one_line_and_exit_2(monorepo: Path, setting: str, message: str) -> None:
    result = run(["check", "--config", setting, "svc_a"], monorepo)
    assert result.exit_code == 2 and result.stderr.startswith(message) and result.stderr.count("\n") == 1 and result.stdout == ""


def test_show_settings_says_where_each_value_comes_from(monorepo: Path) -> None:
    result = run(["check", "--show-settings", "svc_b/x.py", "--config", "min-confidence=70"], monorepo)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == ["# settings for svc_b/x.py", "# config file: svc_b/flagkeeper.toml", "# project root: svc_b"]
    assert 'registry = "flags.toml"  # svc_b/flagkeeper.toml' in lines
    assert 'ignore = ["FK002"]  # pyproject.toml' in lines  # inherited through `extend`
    assert "min-confidence = 70  # --config" in lines  # the command line wins over the inherited 50
    assert "select = []  # default" in lines
    other = run(["check", "--show-settings", "svc_a"], monorepo).stdout.splitlines()  # svc_a extends nothing
    assert "ignore = []  # default" in other and "min-confidence = 0  # default" in other


def test_show_files_lists_the_files_each_project_analyses(monorepo: Path) -> None:
    (monorepo / "svc_b" / "tests").mkdir()
    (monorepo / "svc_b" / "tests" / "test_x.py").write_text("import x\n")
    result = run(["check", "--show-files", "svc_b/x.py", "svc_a"], monorepo)
    assert (result.exit_code, result.stdout) == (0, "svc_a/y.py\nsvc_b/tests/test_x.py\nsvc_b/x.py\n")  # the whole project around each path
    assert run(["check", "--show-files", "--extend-exclude", "tests", "svc_b"], monorepo).stdout == "svc_b/x.py\n"


def test_extend_that_loops_or_names_nothing_is_an_error(monorepo: Path) -> None:
    (monorepo / "pyproject.toml").write_text('[tool.flagkeeper]\nextend = "svc_b/flagkeeper.toml"\n')
    looped = run(["check", "svc_b"], monorepo)
    assert looped.exit_code == 2
    assert looped.stderr == "flagkeeper: error: pyproject.toml:2: 'extend' names 'svc_b/flagkeeper.toml', which extends this file again\n"
    (monorepo / "svc_b" / "flagkeeper.toml").write_text('extend = "../base.toml"\n')
    missing = run(["check", "svc_b"], monorepo)
    assert missing.stderr == "flagkeeper: error: svc_b/flagkeeper.toml:1: 'extend' names '../base.toml', which does not exist\n"
    (monorepo / "svc_b" / "flagkeeper.toml").write_text('extend = "/etc/passwd"\n')  # only a config file may be read
    assert run(["check", "svc_b"], monorepo).stderr == (
        "flagkeeper: error: svc_b/flagkeeper.toml:1: 'extend' must be the path of a pyproject.toml or flagkeeper.toml\n"
    )


def test_extend_cannot_lead_out_of_the_repository(monorepo: Path, tmp_path: Path) -> None:
    """A config file above the extending one may be inherited (discovery reads those anyway);
    any other file outside the repository may not."""
    subprocess.run(["git", "init", "-q", str(monorepo)], check=True)
    outside = tmp_path / "outside.toml"
    outside.write_text('ignore = ["FK001"]\n')
    (monorepo / "svc_b" / "flagkeeper.toml").write_text(f'extend = "{outside}"\n')
    escaped = run(["check", "svc_b"], monorepo)
    assert escaped.exit_code == 2
    assert escaped.stderr == f"flagkeeper: error: svc_b/flagkeeper.toml:1: 'extend' names '{outside}', which leads outside the repository\n"
    (monorepo / "svc_b" / "flagkeeper.toml").write_text('extend = "../pyproject.toml"\n')
    assert run(["check", "svc_b"], monorepo).exit_code != 2


def test_a_single_project_command_says_so_for_paths_under_two_configs(monorepo: Path) -> None:
    result = run(["graph", "svc_a", "svc_b"], monorepo)
    assert result.exit_code == 2
    assert result.stderr == "flagkeeper: error: the paths lie in 2 projects with configs of their own (svc_a, svc_b): run this command once per project\n"
    inventory = run(["inventory", "--format", "csv", "."], monorepo)  # the root's own project: its config ignores the services' ones
    assert inventory.exit_code == 0 and "a-checkout" in inventory.stdout and "b-search" in inventory.stdout


def test_a_folder_given_takes_in_the_projects_below_it_unless_its_config_excludes_them(monorepo: Path) -> None:
    whole = run(["check", *TODAY, "--output-format", "text", "."], monorepo).stdout
    assert A_EXPIRED in whole and B_UNREGISTERED in whole
    (monorepo / "pyproject.toml").write_text('[tool.flagkeeper]\nignore = ["FK002"]\nexclude = ["svc_a"]\n')
    assert run(["check", "--show-files", "."], monorepo).stdout == "svc_b/x.py\n"
    lines = run(["check", *TODAY, "--output-format", "text", "."], monorepo).stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(B_UNREGISTERED)


def test_a_bad_value_inherited_through_extend_names_the_file_that_holds_it(monorepo: Path) -> None:
    (monorepo / "pyproject.toml").write_text('[tool.flagkeeper]\nignore = ["FK002"]\nmin-confidence = "high"\n')
    result = run(["check", "svc_b"], monorepo)
    assert result.exit_code == 2
    assert result.stderr == "flagkeeper: error: pyproject.toml:3: 'min-confidence' must be a whole percentage from 0 to 100\n"


def test_a_nested_projects_files_are_counted_once(project) -> None:
    root = project({
        "pyproject.toml": '[tool.flagkeeper]\nentry-points = ["app"]\n',
        "flags.toml": "",
        "app.py": "print('no flags here')\n",
        "svc/pyproject.toml": '[tool.flagkeeper]\nentry-points = ["svc"]\n',
        "svc/flags.toml": "",
        "svc/svc.py": "print('nor here')\n",
    })  # fmt: skip
    result = run(["check", *TODAY, "--output-format", "concise", "-v", "."], root)
    assert result.stdout == "All checks passed (2 Python files).\n"
    assert [line for line in result.stderr.splitlines() if "analysed" in line] == [
        "flagkeeper: analysed 1 Python file; registry flags.toml",
        "flagkeeper: analysed 1 Python file; registry svc/flags.toml",
    ]


def test_the_note_on_missing_entry_points_names_the_project(monorepo: Path) -> None:
    notes = [line for line in run(["check", *TODAY, "."], monorepo).stderr.splitlines() if "no entry points" in line]
    assert [note.split(" has no")[0] for note in notes] == [f"flagkeeper: note: project {name}" for name in (".", "svc_a", "svc_b")]

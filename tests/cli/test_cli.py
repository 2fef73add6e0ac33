"""The command line as a user meets it: exit codes, output formats, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run

APP = 'import ldclient\n\nclient = ldclient.get()\n\nif client.variation("new-checkout", ctx, False):\n    pass\n'
REGISTRY = '[flags.new-checkout]\nowner = "payments"\ntype = "release"\nexpires = 2026-09-30\n'


def test_clean_project_exits_0(project) -> None:
    folder = project({"app.py": APP, "flags.toml": REGISTRY})
    result = run(["check", "--today", "2026-06-01"], folder)
    assert (result.exit_code, result.stdout) == (0, "All checks passed (1 Python file).\n")


def test_findings_exit_1_in_ruff_format(project) -> None:
    folder = project({"app.py": APP})
    result = run(["check", "."], folder)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "app.py:5:4: FK001 flag 'new-checkout' is read here but not registered in flags.toml: "
        "register it with an owner, a type and an expiry",
        "Found 1 finding in 1 file (1 error, 0 warnings).",
    ]


def test_json_has_every_field(project) -> None:
    folder = project({"app.py": APP + 'client.variation(name, ctx, False)\n', "flags.toml": REGISTRY + '[flags.gone]\nowner = "x"\ntype = "permission"\n'})
    findings = run(["check", ".", "--format", "json", "--today", "2026-10-01"], folder).json()
    assert {f["code"] for f in findings} == {"FK002", "FK005", "FK009"}
    for finding in findings:
        assert {"code", "name", "message", "path", "line", "column", "severity", "key"} <= set(finding)
        assert finding["severity"] in ("error", "warning") and isinstance(finding["line"], int)


def test_select_and_ignore_by_code_and_prefix(project) -> None:
    folder = project({"app.py": APP + "client.variation(name, ctx, False)\n"})
    codes = lambda *args: {f["code"] for f in run(["check", ".", "--format", "json", *args], folder).json()}  # noqa: E731
    assert codes() == {"FK001", "FK009"}
    assert codes("--select", "FK009") == {"FK009"}
    assert codes("--ignore", "FK009") == {"FK001"}
    assert codes("--select", "FK00", "--ignore", "FK001,FK000") == {"FK009"}


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_code_exits_2(project, option: str) -> None:
    result = run(["check", ".", option, "FK999"], project({"app.py": APP}))
    assert result.exit_code == 2
    assert "unknown rule code 'FK999'" in result.stderr and "Traceback" not in result.stderr


def test_missing_path_exits_2(project) -> None:
    result = run(["check", "no/such/dir"], project({"app.py": APP}))
    assert result.exit_code == 2 and "no/such/dir: no such file or folder" in result.stderr


def test_missing_path_outside_any_project_fails_before_walking_anything(tmp_path: Path) -> None:
    # Without a config the root is the missing path's parent, here `/`: it must not be walked.
    result = run(["check", "/no-such-flagkeeper-folder/app.py"], tmp_path)
    assert result.exit_code == 2 and "/no-such-flagkeeper-folder/app.py: no such file or folder" in result.stderr


def test_syntax_error_is_fk000_and_the_run_goes_on(project) -> None:
    folder = project({"broken.py": "def broken(:\n    pass\n", "app.py": APP})
    findings = run(["check", ".", "--format", "json"], folder).json()
    assert [(f["code"], f["path"], f["line"]) for f in findings] == [("FK001", "app.py", 5), ("FK000", "broken.py", 1)]


def test_undecodable_file_exits_2_naming_file_and_line(project) -> None:
    folder = project({"app.py": APP})
    (folder / "latin.py").write_bytes(b"x = 1\ny = '\xe9t\xe9'\n")
    result = run(["check", "."], folder)
    assert result.exit_code == 2
    assert "latin.py:2: cannot decode as utf-8" in result.stderr


def test_declared_encoding_is_honoured(project) -> None:
    folder = project({"app.py": APP, "flags.toml": REGISTRY})
    (folder / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\ny = '\xe9t\xe9'\n")
    assert run(["check", ".", "--today", "2026-06-01"], folder).exit_code == 0


def test_unreadable_file_exits_2(project, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = project({"app.py": APP, "secret.py": "x = 1\n"})
    original = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "secret.py":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = run(["check", "."], folder)
    assert result.exit_code == 2 and "secret.py: cannot read: Permission denied" in result.stderr


def test_bad_today_and_format_are_usage_errors(project) -> None:
    folder = project({"app.py": APP})
    assert run(["check", "--today", "yesterday"], folder).exit_code == 2
    assert run(["check", "--format", "xml"], folder).exit_code == 2


def test_findings_reported_only_under_the_given_paths(project) -> None:
    folder = project({
        "pkg/__init__.py": "", "pkg/names.py": 'NEW = "new-checkout"\n',
        "pkg/app.py": "import ldclient\nfrom pkg.names import NEW\nldclient.get().variation(NEW, ctx, False)\n",
        "other/app.py": APP,
    })  # fmt: skip
    # The constant lives in a file outside the path checked: the whole project is analysed.
    findings = run(["check", "pkg/app.py", "--format", "json"], folder).json()
    assert [(f["code"], f["path"], f["key"]) for f in findings] == [("FK001", "pkg/app.py", "new-checkout")]


def test_version_and_help() -> None:
    assert run(["--version"], REPO).stdout.startswith("flagkeeper, version ")
    help_text = run(["check", "--help"], REPO).stdout
    for option in ("--select", "--ignore", "--output-format", "--today", "--registry", "--config"):
        assert option in help_text


def test_flagkeeper_checks_its_own_source_clean() -> None:
    result = run(["check", "flagkeeper"], REPO)
    assert result.exit_code == 0, result.stdout


def test_json_output_is_valid_for_no_findings(project) -> None:
    folder = project({"app.py": "x = 1\n"})
    assert json.loads(run(["check", ".", "--format", "json"], folder).stdout) == []


def test_bad_code_in_config_names_the_config_file(project) -> None:
    folder = project({"app.py": APP, "flagkeeper.toml": 'select = ["FK7"]\n'})
    result = run(["check", "."], folder)
    assert result.exit_code == 2
    assert result.stderr.startswith("flagkeeper: error: flagkeeper.toml: unknown rule code 'FK7' in select")


def test_the_console_script_leaves_fast_with_all_its_output(tmp_path: Path) -> None:
    """`python -m flagkeeper` ends a check with os._exit (no teardown): nothing may be lost."""
    smars = REPO / "examples" / "smars_legacy"
    args = ["check", str(smars), "--today", "2012-08-01", "--format", "json", "--cache-dir", str(tmp_path / "cache")]
    in_process = run(args, tmp_path)
    with (tmp_path / "out.json").open("w") as out:
        console = subprocess.run([sys.executable, "-m", "flagkeeper", *args], cwd=tmp_path, stdout=out, stderr=subprocess.PIPE, text=True)
    assert console.returncode == in_process.exit_code == 1
    assert (tmp_path / "out.json").read_text() == in_process.stdout and len(in_process.json()) == 18


def test_a_scanned_files_own_syntax_warnings_are_not_printed(tmp_path: Path) -> None:
    """Python warns when it compiles `1()` (and, from 3.12, "\\d"): the file's business, not the run's."""
    (tmp_path / "app.py").write_text(
        'import ldclient\n\n\ndef f():\n    if ldclient.get().variation("beta", None, False):\n        return 1()\n    return "\\d"\n'
    )
    (tmp_path / "flags.toml").write_text('[flags.beta]\nowner = "a"\ntype = "release"\ndescription = "b"\n')
    for args in (["check", ".", "--no-cache"], ["remove", "beta=true"]):
        result = subprocess.run([sys.executable, "-m", "flagkeeper", *args], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode in (0, 1), result.stderr
        assert "Warning" not in result.stderr, args

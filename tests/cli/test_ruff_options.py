"""The options a ruff user types, each used as that user would (docs/cli.md maps them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run, write_tree

APP = 'import ldclient\n\nclient = ldclient.get()\n\nif client.variation("new-checkout", ctx, False):\n    pass\n'
REGISTRY = '[flags.new-checkout]\nowner = "payments"\ntype = "release"\nexpires = 2026-09-30\n'
FINDING = "app.py:5:4: FK001 flag 'new-checkout' is read here but not registered in flags.toml: register it with an owner, a type and an expiry"


def test_output_format_and_its_old_name(project) -> None:
    folder = project({"app.py": APP})
    new = run(["check", "--output-format", "json"], folder)
    old = run(["check", "--format", "json"], folder)
    assert new.json()[0]["code"] == "FK001" and new.stdout == old.stdout
    assert "--output-format" in run(["check", "--help"], folder).stdout and "--format" not in run(["check", "--help"], folder).stdout  # hidden


def test_concise_shows_the_severity(project) -> None:
    folder = project({"app.py": APP})
    assert run(["check", "--output-format", "concise"], folder).stdout.splitlines()[0] == FINDING.replace("FK001 ", "FK001 [error] ")


def test_full_shows_a_code_frame_and_help(project) -> None:
    folder = project({"app.py": APP})
    lines = run(["check", "--output-format", "full"], folder).stdout.splitlines()
    assert lines[0] == "app.py:5:4: FK001 [error] unregistered-flag"
    assert lines[4:6] == ["  4 | ", '  5 | if client.variation("new-checkout", ctx, False):']  # the line before, and the finding's
    assert "    |    ^^^^^^^^^^^^^^^^" in lines  # under `client.variation`
    assert any(line.startswith("  = help: Register the key") for line in lines)
    assert lines[-1] == "Found 1 finding in 1 file (1 error, 0 warnings)."


def test_json_lines_is_one_record_per_line(project) -> None:
    folder = project({"app.py": APP + 'client.variation("other", ctx, False)\n'})
    lines = run(["check", "--output-format", "json-lines"], folder).stdout.splitlines()
    assert [json.loads(line)["key"] for line in lines] == ["new-checkout", "other"]


def test_rdjson_is_reviewdogs_format(project) -> None:
    folder = project({"app.py": APP})
    document = run(["check", "--output-format", "rdjson"], folder).json()
    [finding] = document["diagnostics"]
    assert document["source"]["name"] == "flagkeeper"
    assert finding["location"] == {"path": "app.py", "range": {"start": {"line": 5, "column": 4}}}
    assert finding["severity"] == "ERROR" and finding["code"]["url"].endswith("/docs/rules/FK001.md")


@pytest.mark.parametrize("option", ["-o", "--output-file"])
def test_output_file(project, option: str) -> None:
    folder = project({"app.py": APP})
    result = run(["check", option, "findings.txt"], folder)
    assert (result.exit_code, result.stdout) == (1, "")
    assert (folder / "findings.txt").read_text(encoding="utf-8").splitlines()[0] == FINDING


@pytest.mark.parametrize("option", ["-o", "--output-file", "--output"])
def test_output_file_of_report_and_fingerprint(project, option: str) -> None:
    folder = project({"app.py": APP, "flags.toml": REGISTRY})
    assert run(["report", "--today", "2026-06-01", option, "report.md"], folder).exit_code == 0
    assert run(["fingerprint", option, "fingerprint.json"], folder).exit_code == 0
    assert (folder / "report.md").read_text(encoding="utf-8").startswith("#")
    assert "new-checkout" in (folder / "fingerprint.json").read_text(encoding="utf-8")


def test_extend_select_adds_to_the_configured_selection(project) -> None:
    folder = project({"app.py": APP, "flagkeeper.toml": 'select = ["FK002"]\n'})
    assert run(["check"], folder).exit_code == 0
    assert run(["check", "--extend-select", "FK001"], folder).stdout.startswith(FINDING)
    (folder / "flagkeeper.toml").write_text('select = ["FK002"]\nextend-select = ["FK001"]\n', encoding="utf-8")
    assert run(["check"], folder).exit_code == 1


def test_extend_ignore_from_the_command_line_and_the_config(project) -> None:
    folder = project({"app.py": APP})
    assert run(["check", "--extend-ignore", "FK001"], folder).exit_code == 0
    (folder / "flagkeeper.toml").write_text('extend-ignore = ["FK00"]\n', encoding="utf-8")
    assert run(["check"], folder).exit_code == 0
    (folder / "flagkeeper.toml").write_text('extend-ignore = ["FK999"]\n', encoding="utf-8")
    assert run(["check"], folder).stderr.startswith("flagkeeper: error: flagkeeper.toml: unknown rule code 'FK999' in extend-ignore")


def test_exclude_replaces_and_extend_exclude_adds(project) -> None:
    folder = project({"app.py": APP, "legacy/old.py": APP, "flagkeeper.toml": 'exclude = ["legacy"]\n'})
    assert run(["check", "--output-format", "json"], folder).json()[0]["path"] == "app.py"
    paths = {finding["path"] for finding in run(["check", "--output-format", "json", "--exclude", "nothing"], folder).json()}
    assert paths == {"app.py", "legacy/old.py"}
    assert run(["check", "--extend-exclude", "app.py"], folder).exit_code == 0


def test_force_exclude_applies_to_files_named_on_the_command_line(project) -> None:
    folder = project({"app.py": APP, "legacy/old.py": APP, "flagkeeper.toml": 'exclude = ["legacy"]\n'})
    assert run(["check", "legacy/old.py"], folder).exit_code == 1  # named, so read
    assert run(["check", "--force-exclude", "--", "legacy/old.py"], folder).stdout == "All checks passed (1 Python file).\n"
    (folder / "flagkeeper.toml").write_text('exclude = ["legacy"]\nforce-exclude = true\n', encoding="utf-8")
    assert run(["check", "legacy/old.py"], folder).exit_code == 0


def test_globs_have_gitignore_semantics(project) -> None:
    files = {"migrations/a.py": APP, "pkg/migrations/b.py": APP, "legacy/c.py": APP, "legacy/deep/d.py": APP}
    folder = project({**files, "flagkeeper.toml": 'exclude = ["**/migrations", "legacy/*.py"]\n'})
    assert [finding["path"] for finding in run(["check", "--output-format", "json"], folder).json()] == ["legacy/deep/d.py"]


def test_per_file_ignores_have_gitignore_semantics(project) -> None:
    folder = project({"migrations/a.py": APP, "legacy/c.py": APP, "legacy/deep/d.py": APP,
                      "flagkeeper.toml": '[per-file-ignores]\n"**/migrations" = ["FK001"]\n"legacy/*.py" = ["FK001"]\n'})  # fmt: skip
    assert [finding["path"] for finding in run(["check", "--output-format", "json"], folder).json()] == ["legacy/deep/d.py"]


def test_hidden_folders_are_not_analysed(project) -> None:
    folder = project({"app.py": "", ".venv/lib/x.py": APP, ".claude/hook.py": APP, ".semgrep/rule.py": APP})
    assert run(["check"], folder).stdout == "All checks passed (1 Python file).\n"


def test_exit_zero(project) -> None:
    folder = project({"app.py": APP})
    result = run(["check", "--exit-zero"], folder)
    assert (result.exit_code, result.stdout.splitlines()[0]) == (0, FINDING)


def test_quiet_prints_only_the_findings(project) -> None:
    folder = project({"app.py": APP})
    assert run(["check", "-q"], folder).stdout == FINDING + "\n"
    assert run(["check", "--quiet", "--no-cache"], project({"app.py": ""})).stdout == ""


def test_silent_prints_nothing(project) -> None:
    folder = project({"app.py": APP})
    result = run(["check", "-s"], folder)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")


def test_verbose_says_what_the_run_used(project) -> None:
    folder = project({"app.py": APP})
    result = run(["check", "-v"], folder)
    assert "flagkeeper: config: flagkeeper.toml; project root ." in result.stderr
    assert "flagkeeper: rules run: FK000, FK001" in result.stderr and "rules skipped (no entry points): FK006, FK007, FK010" in result.stderr


@pytest.mark.parametrize(
    ("args", "environment", "styled"),
    [
        (["--color", "always"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": ""}, True),  # an empty NO_COLOR does not count (no-color.org)
        ([], {}, False),  # not a terminal
    ],
)
def test_color(project, monkeypatch: pytest.MonkeyPatch, args: list[str], environment: dict[str, str], styled: bool) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    folder = project({"app.py": APP})
    assert ("\x1b[" in run(["check", *args], folder).stdout) is styled


def test_short_version_option(project) -> None:
    from flagkeeper import __version__

    assert run(["-V"], project({})).stdout == f"flagkeeper, version {__version__}\n"


def test_clean_removes_the_cache_and_nothing_else(project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLAGKEEPER_CACHE_DIR")
    folder = project({"app.py": APP})
    run(["check"], folder)
    assert (folder / ".flagkeeper_cache" / "CACHEDIR.TAG").is_file()
    assert run(["clean"], folder).stdout == "Removed the cache .flagkeeper_cache\n"
    assert not (folder / ".flagkeeper_cache").exists()
    assert run(["clean"], folder).stdout == "No cache at .flagkeeper_cache\n"
    precious = write_tree(tmp_path / "precious", {"notes.txt": "keep"})
    result = run(["clean", "--cache-dir", str(precious)], folder)
    assert result.exit_code == 2 and "no flagkeeper CACHEDIR.TAG" in result.stderr and (precious / "notes.txt").exists()
    (folder / ".flagkeeper_cache").symlink_to(precious)
    result = run(["clean"], folder)
    assert result.exit_code == 2 and "it is a symbolic link" in result.stderr and (precious / "notes.txt").exists()


def test_bare_noqa_suppresses_every_finding_on_its_line(project) -> None:
    folder = project({"app.py": APP.replace("False):", "False):  # noqa")})
    assert run(["check"], folder).exit_code == 0
    unused = project({"app.py": APP.replace("False):", "False):  # noqa") + "x = 1  # noqa\n"})
    result = run(["check", "--warn-unused-ignores"], unused)
    assert result.stdout.splitlines()[0] == "app.py:7:1: FK100 unused suppression: there is no flagkeeper finding here to ignore; remove it"
    assert run(["check"], project({"app.py": APP.replace("False):", "False):  # noqa: E501")})).exit_code == 1  # flake8's, not ours


def test_file_names_after_double_dash_as_pre_commit_passes_them(project) -> None:
    folder = project({"app.py": APP, "--output-file=app.py": ""})
    result = run(["check", "--", "--output-file=app.py", "app.py"], folder)
    assert result.exit_code == 1 and (folder / "app.py").read_text(encoding="utf-8") == APP


@pytest.mark.parametrize("option", ["--version", "-V"])
def test_version_loads_no_command(option: str) -> None:
    """`flagkeeper --version` answers without importing the commands (a third of a second of CPU)."""
    from flagkeeper import __version__

    shown = subprocess.run([sys.executable, "-X", "importtime", "-m", "flagkeeper", option], capture_output=True, text=True, check=True)
    assert shown.stdout == f"flagkeeper, version {__version__}\n"
    assert "flagkeeper.cli.main" not in shown.stderr and "click" not in shown.stderr


def test_a_registry_given_alone_reports_what_its_change_brought_everywhere(project) -> None:
    folder = project({"app.py": APP, "old.py": APP.replace("new-checkout", "old-debt"), "flags.toml": REGISTRY})
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "-q", "-m", "x"]):
        subprocess.run(["git", *command], cwd=folder, check=True, capture_output=True)
    assert run(["check", "--today", "2026-06-01", "--", "flags.toml"], folder).exit_code == 0  # old-debt was there before
    (folder / "flags.toml").write_text("", encoding="utf-8")
    result = run(["check", "--today", "2026-06-01", "--", "flags.toml"], folder)
    assert result.exit_code == 1 and result.stdout.splitlines() == [FINDING, "Found 1 finding in 1 file (1 error, 0 warnings)."]


def test_expiry_grace_days_warns_then_fails(project) -> None:
    registry = REGISTRY.replace("2026-09-30", "2026-05-20")
    folder = project({"app.py": APP, "flags.toml": registry, "flagkeeper.toml": "expiry-grace-days = 30\n"})
    during = run(["check", "--today", "2026-06-01", "--fail-on", "error", "--output-format", "concise"], folder)
    assert during.exit_code == 0 and "FK002 [warning]" in during.stdout and "18 days of grace left" in during.stdout
    after = run(["check", "--today", "2026-07-01", "--fail-on", "error", "--output-format", "concise"], folder)
    assert after.exit_code == 1 and "FK002 [error]" in after.stdout


def test_stdin_filename_lints_an_editor_buffer(project) -> None:
    folder = project({"app.py": APP, "flags.toml": REGISTRY})
    buffer = APP.replace("new-checkout", "unsaved-key")

    def lint(*args: str, text: str = buffer) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "flagkeeper", "check", "--today", "2026-06-01", *args], cwd=folder, input=text, capture_output=True, text=True, check=False
        )

    shown = lint("--stdin-filename", "app.py", "-")
    assert shown.returncode == 1 and shown.stdout.splitlines()[0].startswith("app.py:5:4: FK001 flag 'unsaved-key' is read here")
    assert lint("--stdin-filename", "app.py", "-", text=APP).returncode == 0  # the buffer, not the file on disk
    assert lint("--stdin-filename", "new.py", "-").stdout.startswith("new.py:5:4: FK001 flag 'unsaved-key'")  # not saved yet
    assert lint("--stdin-filename", "app.py", "other.py").stderr == "flagkeeper: error: with --stdin-filename, give `-` (standard input) as the only path\n"


def test_a_project_pack_given_alone_reports_what_it_brought_everywhere(project) -> None:
    """A pack named by extend-rule-packs, as by rule-packs: staged alone, it widens the run (pre-commit)."""
    folder = project({
        "flagkeeper.toml": 'extend-rule-packs = ["house.toml"]\n',
        "house.toml": '[pack]\nname = "house"\ndescription = "in-house"\n[[read]]\ncall = "house.off"\nkey = { position = 0 }\n',
        "app.py": 'import house\n\nhouse.on("dark")\n',
        "flags.toml": "",
    })  # fmt: skip
    assert run(["check", "--", "house.toml"], folder).exit_code == 0
    (folder / "house.toml").write_text((folder / "house.toml").read_text().replace("house.off", "house.on"))
    result = run(["check", "--output-format", "concise", "--", "house.toml"], folder)
    assert result.exit_code == 1 and result.stdout.startswith("app.py:3:1: FK001")

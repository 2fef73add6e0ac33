"""The GitHub Action (action.yml): its structure, and its shell step (.github/action/run.sh) run as GitHub runs it.

The script gets the variables a runner sets (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH with a small
event, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, ...) in a git repository with a base and a head commit,
offline: the flagkeeper it runs is the one installed in this environment.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import REPO
from tests.history.test_history import REGISTRY, Repo, read

ACTION = REPO / "action.yml"
SCRIPT = REPO / ".github" / "action" / "run.sh"
INPUTS = {"paths", "args", "python-version", "sarif", "fail-on"}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """Base: an old unregistered flag and a registered one nobody reads; head: a new unregistered flag."""
    repo = Repo(tmp_path / "repo")
    old_debt = {"legacy.py": read("old_flag"), "flags.toml": REGISTRY.format(key="unused", description="x")}
    repo.base = repo.commit({**old_debt, "flagkeeper.toml": 'entry-points = ["app", "legacy"]\n'}, "old debt")
    repo.commit({"app.py": "x = 1\n" + read("new_flag")}, "new flag")
    return repo


def run_action(checkout: Path, event_name: str, event: dict[str, object], **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    """Run the script in `checkout` as the action's check step; the result, what it wrote to GITHUB_OUTPUT, and the step summary."""
    runner = checkout.parent / "runner"
    runner.mkdir(exist_ok=True)
    (runner / "event.json").write_text(json.dumps(event), encoding="utf-8")
    for name in ("output", "summary"):
        (runner / name).write_text("", encoding="utf-8")
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("GITHUB_", "RUNNER_", "FLAGKEEPER_"))}
    environment |= {
        "FLAGKEEPER_CACHE_DIR": os.environ["FLAGKEEPER_CACHE_DIR"],
        "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(runner / "event.json"), "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_OUTPUT": str(runner / "output"), "GITHUB_STEP_SUMMARY": str(runner / "summary"), "GITHUB_REF": "refs/heads/main",
        "RUNNER_TEMP": str(runner), "FLAGKEEPER": str(Path(sys.executable).parent / "flagkeeper"), "FLAGKEEPER_PYTHON": sys.executable,
    }  # fmt: skip
    environment |= {"FLAGKEEPER_" + name.upper(): value for name, value in inputs.items()}
    result = subprocess.run(["bash", str(SCRIPT)], cwd=checkout, env=environment, capture_output=True, text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in (runner / "output").read_text(encoding="utf-8").splitlines())
    return result, outputs, (runner / "summary").read_text(encoding="utf-8")


def pull_request(base: str) -> dict[str, object]:
    return {"pull_request": {"number": 7, "base": {"sha": base, "ref": "main"}}, "repository": {"default_branch": "main"}}


PUSH = {"ref": "refs/heads/main", "repository": {"default_branch": "main"}}


def annotations(stdout: str) -> list[tuple[str, str]]:
    """(file, title) of each annotation the script printed."""
    return re.findall(r"^::(?:error|warning) file=([^,]+),line=\d+,col=\d+,title=(\w+)", stdout, re.MULTILINE)


def test_pull_request_reports_only_what_the_head_brought(repo: Repo) -> None:
    result, outputs, summary = run_action(repo.folder, "pull_request", pull_request(repo.base))
    assert result.returncode == 1, result.stderr
    assert annotations(result.stdout) == [("app.py", "FK001")], result.stdout
    assert "new_flag" in result.stdout and "old_flag" not in result.stdout
    assert outputs == {"sarif-file": "", "exit-code": "1"}
    assert summary == f"**flagkeeper**: 1 finding in what the pull request brought since {repo.base[:12]} (exit code 1).\n"


def test_pull_request_in_a_shallow_checkout_fetches_the_base(repo: Repo, tmp_path: Path) -> None:
    """actions/checkout's default fetch-depth 1 lacks the base commit: the script fetches it (one commit) from origin."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.folder}", str(clone)], check=True)

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=clone, capture_output=True, text=True)

    assert git("cat-file", "-e", f"{repo.base}^{{commit}}").returncode != 0
    result, _, _ = run_action(clone, "pull_request", pull_request(repo.base))
    assert (result.returncode, annotations(result.stdout)) == (1, [("app.py", "FK001")]), result.stderr
    assert git("rev-parse", "--is-shallow-repository").stdout == "true\n"  # one commit more, not the whole history


def test_pull_request_without_new_findings_passes(repo: Repo) -> None:
    head = repo.git("rev-parse", "HEAD")
    result, outputs, _ = run_action(repo.folder, "pull_request", pull_request(head))
    assert (result.returncode, annotations(result.stdout), outputs["exit-code"]) == (0, [], "0")


def test_push_to_the_default_branch_writes_valid_sarif_for_the_upload(repo: Repo) -> None:
    result, outputs, summary = run_action(repo.folder, "push", PUSH)
    assert result.returncode == 1, result.stderr
    sarif_file = Path(outputs["sarif-file"])
    assert sarif_file == repo.folder.parent / "runner" / "flagkeeper.sarif"  # in RUNNER_TEMP, where the upload step reads it
    sarif = json.loads(sarif_file.read_text(encoding="utf-8"))
    jsonschema.validate(sarif, json.loads((REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")))
    findings = {(result["ruleId"], result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for result in sarif["runs"][0]["results"]}
    assert findings == {("FK001", "app.py"), ("FK001", "legacy.py"), ("FK005", "flags.toml")}  # everything, not only the last commit's
    assert summary == "**flagkeeper**: 3 findings in the whole project, uploaded as SARIF (exit code 1).\n"


def test_push_elsewhere_or_without_sarif_annotates(repo: Repo) -> None:
    for event, inputs in ((PUSH, {"sarif": "false"}), ({"repository": {"default_branch": "trunk"}}, {})):
        result, outputs, _ = run_action(repo.folder, "push", event, **inputs)
        assert outputs["sarif-file"] == "" and not (repo.folder.parent / "runner" / "flagkeeper.sarif").exists()
        assert sorted(annotations(result.stdout)) == [("app.py", "FK001"), ("flags.toml", "FK005"), ("legacy.py", "FK001")]


def test_inputs_reach_flagkeeper(repo: Repo) -> None:
    result, _, _ = run_action(repo.folder, "push", PUSH, sarif="false", paths="legacy.py\napp.py", args="--select FK001 --fail-on error")
    assert (result.returncode, annotations(result.stdout)) == (1, [("app.py", "FK001"), ("legacy.py", "FK001")])
    result, _, _ = run_action(repo.folder, "push", PUSH, sarif="false", paths="legacy.py", args="--select FK005")
    assert (result.returncode, annotations(result.stdout)) == (0, [])
    result, _, _ = run_action(repo.folder, "push", PUSH, sarif="false", args="--exit-zero")
    assert result.returncode == 0 and len(annotations(result.stdout)) == 3


@pytest.mark.parametrize(
    ("event_name", "event", "inputs", "message"),
    [
        ("push", PUSH, {"fail_on": "fatal"}, "action input fail-on: expected error or warning, got 'fatal'"),
        ("push", PUSH, {"sarif": "yes"}, "action input sarif: expected true or false, got 'yes'"),
        ("pull_request", {"pull_request": {}}, {}, "a pull_request event without pull_request.base.sha"),
        ("pull_request", pull_request("0" * 40), {}, f"the pull request's base commit {'0' * 40} is not in the checkout and could not be fetched"),
        ("push", PUSH, {"args": "--since no-such-rev"}, "unknown revision 'no-such-rev'"),
    ],
)  # fmt: skip
def test_bad_inputs_are_one_line_and_exit_2(repo: Repo, event_name: str, event: dict[str, object], inputs: dict[str, str], message: str) -> None:
    result, outputs, summary = run_action(repo.folder, event_name, event, **inputs)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("flagkeeper: error: ") and message in result.stderr
    assert summary == "" and outputs.get("sarif-file", "") == ""  # nothing to upload


def test_an_event_file_that_is_not_json_is_one_line(repo: Repo) -> None:
    runner = repo.folder.parent / "runner"
    runner.mkdir()
    (runner / "event.json").write_text("{not json", encoding="utf-8")
    environment = {**os.environ, "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(runner / "event.json")}
    result = subprocess.run(["bash", str(SCRIPT)], cwd=repo.folder, env=environment, capture_output=True, text=True)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "not a GitHub event" in result.stderr


def test_action_yml_structure() -> None:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(action)
    assert set(action["inputs"]) == INPUTS and all(spec["description"] for spec in action["inputs"].values())
    assert all("${{ steps.check.outputs." in spec["value"] for spec in action["outputs"].values())
    runs = action["runs"]
    assert runs["using"] == "composite"
    steps = runs["steps"]
    for step in steps:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step["shell"] == "bash", step
            assert "${{" not in step["run"], "inputs reach shell code through env, never pasted into it"
    check = next(step for step in steps if step.get("id") == "check")
    assert check["run"] == 'bash "$GITHUB_ACTION_PATH/.github/action/run.sh"' and SCRIPT.is_file()
    assert {name for name in INPUTS - {"python-version"} if f"${{{{ inputs.{name} }}}}" in check["env"].values()} == INPUTS - {"python-version"}
    install = next(step for step in steps if "pip install" in step.get("run", ""))
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ steps.check.outputs.sarif-file }}" and "!cancelled()" in upload["if"]
    assert steps.index(install) < steps.index(check) < steps.index(upload)


def test_docs_show_the_actions_inputs_and_this_repository() -> None:
    """docs/github-actions.md lists every input with its default, and its workflows use the repository of [project.urls]."""
    docs = (REPO / "docs" / "github-actions.md").read_text(encoding="utf-8")
    inputs = yaml.safe_load(ACTION.read_text(encoding="utf-8"))["inputs"]
    table = docs.split("### Inputs", 1)[1].split("###", 1)[0]
    documented = dict(re.findall(r"^\| `([\w-]+)` \| *`?([^|`]*?)`? *\|", table, re.MULTILINE))
    assert set(documented) == set(inputs)
    assert all(documented[name] == spec["default"] for name, spec in inputs.items() if spec["default"])
    homepage = re.search(r'^Homepage = "(.+)"$', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)
    assert homepage is not None and homepage.group(1).startswith("https://github.com/")
    workflows = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", docs, re.DOTALL)]
    steps = [step for workflow in workflows if "jobs" in workflow for job in workflow["jobs"].values() for step in job["steps"]]
    assert homepage.group(1).removeprefix("https://github.com/") + "@v0.1.0" in {step.get("uses") for step in steps}
    assert f"git+{homepage.group(1)}@" in docs

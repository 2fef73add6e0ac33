"""A checkout cannot make flagkeeper read files outside it: links out of the root are not followed,
and a path in the config that leads out of the root is an error (the command line may name any)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run, write_tree

SECRET_READ = 'import ldclient\nldclient.get().variation("secret-key", None, False)\n'


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    write_tree(folder, {"secret.py": SECRET_READ, "flags.toml": '[flags.secret-key]\nowner = "them"\ntype = "release"\n'})
    return folder


@pytest.mark.parametrize("in_git", [False, True])
def test_links_out_of_the_root_are_not_followed(tmp_path: Path, outside: Path, in_git: bool) -> None:
    project = write_tree(tmp_path / "project", {"app.py": "", "pkg/inner.py": SECRET_READ.replace("secret-key", "inner-key")})
    (project / "stolen.py").symlink_to(outside / "secret.py")
    (project / "stolen_folder").symlink_to(outside)
    (project / "alias.py").symlink_to(project / "pkg" / "inner.py")  # inside to inside: a file of the project
    if in_git:
        os.system(f"git -C {project} init -q")  # noqa: S605 - test setup, fixed arguments
    keys = {entry["key"] for entry in run(["inventory", "--format", "json"], project).json()["flags"]}
    assert keys == {"inner-key"}


@pytest.mark.parametrize(
    "setting",
    ['registry = "../home/flags.toml"', 'baseline = "../home/flags.toml"', 'rule-packs = ["../home/flags.toml"]', 'extend-rule-packs = ["../home/flags.toml"]'],
)
def test_a_config_path_out_of_the_root_is_an_error(tmp_path: Path, outside: Path, setting: str) -> None:
    project = write_tree(tmp_path / "project", {"flagkeeper.toml": f"# project\n{setting}\n", "app.py": ""})
    result = run(["check"], project)
    key, value = setting.split(" = ")
    assert result.exit_code == 2
    shown = value.strip('["]')
    assert result.stderr.strip() == (
        f"flagkeeper: error: flagkeeper.toml:2: '{key}' names '{shown}', which leads outside the project root (only a path given on the command line may be)"
    )


def test_a_registry_link_out_of_the_root_is_an_error_and_the_command_line_may_name_any(tmp_path: Path, outside: Path) -> None:
    project = write_tree(tmp_path / "project", {"flagkeeper.toml": "", "app.py": SECRET_READ})
    (project / "flags.toml").symlink_to(outside / "flags.toml")
    refused = run(["registry", "add", "k", "--owner", "o", "--type", "release"], project)
    assert refused.exit_code == 2 and "'registry' names 'flags.toml', which leads outside the project root" in refused.stderr
    assert "[flags.k]" not in (outside / "flags.toml").read_text()
    (project / "flags.toml").unlink()
    given = run(["check", "--registry", str(outside / "flags.toml"), "--format", "json"], project)
    assert (given.exit_code, given.json()) == (0, [])  # secret-key is registered there: no FK001


def test_an_unreadable_folder_stops_the_walk_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = write_tree(tmp_path / "project", {"app.py": "", "locked/inside.py": SECRET_READ})
    real_scandir = os.scandir

    def scandir(path: object) -> object:  # chmod 000 does not stop root, who runs the tests in CI
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    result = run(["check"], project)
    assert (result.exit_code, result.stderr.strip()) == (2, "flagkeeper: error: locked: cannot read folder: Permission denied")


def test_a_flag_state_link_out_of_the_root_is_an_error(tmp_path: Path, outside: Path) -> None:
    (outside / "flag-state.toml").write_text('[service]\nprovider = "flagd"\n')
    project = write_tree(tmp_path / "project", {"flagkeeper.toml": "", "app.py": SECRET_READ})
    (project / "flag-state.toml").symlink_to(outside / "flag-state.toml")
    refused = run(["check"], project)
    assert refused.exit_code == 2 and "'flag-state' names 'flag-state.toml', which leads outside the project root" in refused.stderr

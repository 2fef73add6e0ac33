"""Configuration: found by walking up, validated strictly, overridden by the command line."""

from __future__ import annotations

from pathlib import Path

from flagkeeper.config import DEFAULT_LIFETIMES, load_config
from tests.conftest import run, write_tree

APP = 'import ldclient\nldclient.get().variation("new-checkout", ctx, False)\n'
REGISTRY = '[flags.new-checkout]\nowner = "payments"\ntype = "operational"\n'


def test_pyproject_found_by_walking_up(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": '[tool.flagkeeper]\nregistry = "meta/flags.toml"\n', "pkg/deep/app.py": APP})
    config = load_config([tmp_path / "pkg" / "deep"])
    assert config.root == tmp_path.resolve()
    assert config.registry == tmp_path.resolve() / "meta" / "flags.toml"


def test_pyproject_without_section_is_passed_over(tmp_path: Path) -> None:
    write_tree(tmp_path, {"flagkeeper.toml": 'ignore = ["FK005"]\n', "sub/pyproject.toml": "[project]\nname='x'\n"})
    assert load_config([tmp_path / "sub"]).ignore == ("FK005",)


def test_flagkeeper_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {"flagkeeper.toml": 'select = ["FK001"]\n', "pyproject.toml": '[tool.flagkeeper]\nselect = ["FK002"]\n'})
    assert load_config([tmp_path]).select == ("FK001",)


def test_defaults_without_any_config(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    config = load_config([tmp_path / "app.py"])
    assert config.source is None and config.root == tmp_path.resolve()
    assert config.lifetimes == DEFAULT_LIFETIMES


def test_lifetimes_are_configurable(tmp_path: Path) -> None:
    write_tree(tmp_path, {"flagkeeper.toml": '[lifetimes]\nrelease = 90\npermission = "permanent"\n'})
    config = load_config([tmp_path])
    assert config.lifetimes["release"] == 90 and config.lifetimes["operational"] == 7


def test_unknown_key_names_key_file_and_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n\n[tool.flagkeeper]\nregistry = "flags.toml"\nregistyr = "x"\n'})
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2
    assert "pyproject.toml:6: unknown configuration key 'registyr'" in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_value_type_is_an_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"flagkeeper.toml": 'exclude = "tests"\n'})
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2 and "flagkeeper.toml:1: 'exclude' must be a list of glob patterns" in result.stderr


def test_malformed_config_toml(tmp_path: Path) -> None:
    write_tree(tmp_path, {"flagkeeper.toml": 'select = ["FK001"\n'})
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2 and "flagkeeper.toml:" in result.stderr and "invalid TOML" in result.stderr


def test_bad_key_pattern_and_lifetimes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"flagkeeper.toml": '[key-patterns]\nenv = "(unclosed"\n'})
    assert "invalid regular expression" in run(["check", "."], tmp_path).stderr
    (tmp_path / "flagkeeper.toml").write_text("[lifetimes]\nrelease = -3\n")
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2 and "'lifetimes' must be" in result.stderr


def test_command_line_registry_overrides_config(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "other.toml": REGISTRY, "flags.toml": ""})
    assert run(["check", "."], tmp_path).exit_code == 1
    assert run(["check", ".", "--registry", "other.toml"], tmp_path).exit_code == 0


def test_explicit_config_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "flags.toml": REGISTRY, "ci/strict.toml": 'select = ["FK001"]\nregistry = "../flags.toml"\n'})
    result = run(["check", ".", "--config", "ci/strict.toml"], tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_config_select_and_ignore_apply(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "flagkeeper.toml": 'ignore = ["FK001"]\n'})
    assert run(["check", "."], tmp_path).exit_code == 0
    assert run(["check", ".", "--select", "FK001"], tmp_path).exit_code == 1


def test_excludes_and_src_layout(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "flagkeeper.toml": 'exclude = ["legacy", "gen/*.py"]\n',
        "src/pkg/__init__.py": "", "src/pkg/app.py": APP, "legacy/old.py": APP, "gen/made.py": APP, "flags.toml": REGISTRY,
    })  # fmt: skip
    result = run(["inventory", ".", "--format", "json"], tmp_path)
    paths = {ref["path"] for flag in result.json()["flags"] for ref in flag["references"]}
    assert paths == {"src/pkg/app.py"}
    # A folder named on the command line is entered even though an exclude matches it.
    assert run(["check", "legacy", "--select", "FK001"], tmp_path).exit_code == 0
    assert "legacy/old.py" in run(["inventory", "legacy", "--format", "csv"], tmp_path).stdout


def test_per_file_ignores(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "flagkeeper.toml": '[per-file-ignores]\n"legacy/*.py" = ["FK001"]\n"flags.toml" = ["FK00"]\n',
        "legacy/old.py": APP, "app.py": APP, "flags.toml": '[flags.x]\ntype = "release"\n',
    })  # fmt: skip
    findings = run(["check", ".", "--format", "json"], tmp_path).json()
    assert [(f["code"], f["path"]) for f in findings] == [("FK001", "app.py")]
    (tmp_path / "flagkeeper.toml").write_text('[per-file-ignores]\n"*.py" = ["FK42"]\n')
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2 and "unknown rule code 'FK42' in per-file-ignores" in result.stderr

"""Rule packs: shipped ones load, project packs are added by path, malformed packs are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagkeeper.analysis.packs import (
    load_matcher,
    load_pack,
    shipped_pack_names,
    shipped_packs_dir,
)
from flagkeeper.config import Config
from flagkeeper.errors import FlagkeeperError
from tests.conftest import run, write_tree

SHIPPED = ["django-waffle", "env", "flagsmith", "generic", "growthbook", "launchdarkly", "openfeature", "posthog", "statsig", "unleash"]


def test_every_design_pack_ships_and_loads() -> None:
    assert shipped_pack_names() == SHIPPED
    for name in SHIPPED:
        pack = load_pack(shipped_packs_dir() / f"{name}.toml")
        assert pack.name == name and pack.reads and pack.description


def test_rule_packs_narrows_the_shipped_list(tmp_path: Path) -> None:
    matcher = load_matcher(Config(root=tmp_path, rule_packs=("env",)))
    assert [pack.name for pack in matcher.packs] == ["env"]


def test_extend_rule_packs_adds_to_what_rule_packs_selects(tmp_path: Path) -> None:
    # as extend-select to select: names add to the narrowed list; with no rule-packs every shipped pack stays
    write_tree(tmp_path, {
        "flagkeeper.toml": 'rule-packs = ["env"]\nextend-rule-packs = ["django-waffle", "house.toml", "env"]\n',
        "house.toml": '[pack]\nname = "house"\ndescription = "in-house"\n[[read]]\ncall = "house.on"\nkey = { position = 0 }\n',
        "app.py": 'import os, waffle, house\nos.getenv("FEATURE_X")\nwaffle.switch_is_active("banner")\nhouse.on("dark")\n'
                  'ldclient.get().variation("y", c, 0)\n',
    })  # fmt: skip
    flags = run(["inventory", ".", "--format", "json"], tmp_path).json()["flags"]
    assert [(flag["key"], flag["references"][0]["pack"]) for flag in flags] == [("FEATURE_X", "env"), ("banner", "django-waffle"), ("dark", "house")]
    matcher = load_matcher(Config(root=tmp_path, extend_rule_packs=("house.toml",)))
    assert [pack.name for pack in matcher.packs] == [*SHIPPED, "house"]
    (tmp_path / "flagkeeper.toml").write_text('extend-rule-packs = ["waffle"]\n')
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2 and "unknown rule pack 'waffle'" in result.stderr


def test_project_pack_added_by_path(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "flagkeeper.toml": 'rule-packs = ["house.toml"]\n',
        "house.toml": '[pack]\nname = "house-client"\ndescription = "in-house"\n[[read]]\ncall = "house.flags.on"\nkey = { position = 0 }\n',
        "house/__init__.py": "", "house/flags.py": "def on(key):\n    return False\n",
        "app.py": 'from house import flags\nif flags.on("dark-mode"):\n    pass\n',
    })  # fmt: skip
    result = run(["inventory", ".", "--format", "json"], tmp_path)
    assert [(flag["key"], flag["references"][0]["pack"]) for flag in result.json()["flags"]] == [("dark-mode", "house-client")]
    matcher = load_matcher(Config(root=tmp_path, rule_packs=("house.toml",)))
    assert len(matcher.packs) == len(SHIPPED) + 1


def test_key_pattern_override(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "flagkeeper.toml": '[key-patterns]\nenv = "^MYAPP_"\n',
        "app.py": 'import os\nos.getenv("MYAPP_NEW_UI")\nos.getenv("FEATURE_X")\n',
    })  # fmt: skip
    keys = [flag["key"] for flag in run(["inventory", ".", "--format", "json"], tmp_path).json()["flags"]]
    assert keys == ["MYAPP_NEW_UI"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[read]]\ncall = "x.y"\nkey = { position = 0 }\n', "missing [pack] table"),
        ('[pack]\nname = "a b"\ndescription = "d"\n[[read]]\ncall = "x"\nkey = {position = 0}\n', "needs a 'name'"),
        ('[pack]\nname = "bad"\n[[read]]\ncall = "x"\nkey = {position = 0}\n', "needs a 'description'"),
        ('[pack]\nname = "bad"\ndescription = "d"\n', "at least one [[read]], [[register]] or [[override]]"),
        ('[pack]\nname = "bad"\ndescription = "d"\n[[read]]\ncall = "x"\n', "needs 'key'"),
        ('[pack]\nname = "bad"\ndescription = "d"\n[[read]]\ncall = "x"\nsubscript = "y"\n', "exactly one of"),
        ('[pack]\nname = "bad"\ndescription = "d"\n[[read]]\nmapping = "x y"\n', "is not a mapping expression"),
        ('[pack]\nname = "bad"\ndescription = "d"\n[[read]]\nmapping = "flags()"\nkey = { position = 0 }\n', "no 'key' or 'default'"),
        ('[pack]\nname = "bad"\ndescription = "d"\n[[read]]\ncall = "x y"\nkey = {position = 0}\n', "not a dotted name"),
        ('[pack]\nname = "bad"\ndescription = "d"\n[[read]]\ncall = "x"\nkey = {position = -1}\n', "whole number"),
        ('[pack]\nname = "bad"\ndescription = "d"\n[[read]]\ncall = "x"\nkey = {name = 1}\n', "'position' and/or 'keyword'"),
        ('[pack]\nname = "bad"\ndescription = "d"\n[[read]]\ncall = "x"\nkey = {keyword = "a b"}\n', "parameter name"),
        ('[pack]\nname = "bad"\ndescription = "d"\ncolour = 1\n', "unknown field 'colour'"),
        ('[pack]\nname = "bad"\ndescription = "d"\n[[read]]\ncall = "x"\nkey = {position = 0}\nwhen = 1\n', "unknown field 'when'"),
        ('[pack]\nname = "bad"\ndescription = "d"\nkey-pattern = "("\n[[read]]\ncall = "x"\nkey = {position = 0}\n', "not a regular expression"),
        ('[pack]\nname = "bad"\ndescription = "d"\nfallback = "yes"\n[[read]]\ncall = "x"\nkey = {position = 0}\n', "true or false"),
        ('[pack]\nname = "bad"\ndescription = "d"\n[extra]\n[[read]]\ncall = "x"\nkey = {position = 0}\n', "unknown table 'extra'"),
        ('[pack\nname = "bad"\n', "invalid TOML"),
    ],
)
def test_malformed_pack_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    write_tree(tmp_path, {"bad.toml": text, "flagkeeper.toml": 'rule-packs = ["bad.toml"]\n', "app.py": ""})
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr and "bad.toml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_and_missing_packs(tmp_path: Path) -> None:
    write_tree(tmp_path, {"flagkeeper.toml": 'rule-packs = ["launchdarkley"]\n'})
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2 and "unknown rule pack 'launchdarkley'" in result.stderr
    (tmp_path / "flagkeeper.toml").write_text('rule-packs = ["missing.toml"]\n')
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2 and "missing.toml: file not found" in result.stderr
    (tmp_path / "flagkeeper.toml").write_text('[key-patterns]\nnope = "x"\n')
    assert "not an active rule pack" in run(["check", "."], tmp_path).stderr


def test_pack_errors_raise_flagkeeper_error(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"p.toml": '[pack]\nname = "p"\ndescription = "d"\n[[read]]\ncall = 3\n'}) / "p.toml"
    with pytest.raises(FlagkeeperError, match="not a dotted name"):
        load_pack(path)


def test_keyword_list_and_fall_through_to_the_pack_that_finds_the_key(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "flagkeeper.toml": 'rule-packs = ["flagsmith", "growthbook", "multi.toml"]\n',
        "multi.toml": '[pack]\nname = "multi"\ndescription = "d"\n[[read]]\ncall = "*.gate_on"\nkey = { position = 1, keyword = ["name", "gate"] }\n',
        "app.py": 'gb.get_feature_value(key="price-test", fallback=1)\nflags.get_feature_value("banner")\nsdk.gate_on(user, gate="beta")\n',
    })  # fmt: skip
    flags = run(["inventory", ".", "--format", "json"], tmp_path).json()["flags"]
    assert [(flag["key"], flag["references"][0]["pack"]) for flag in flags] == [
        ("banner", "flagsmith"), ("beta", "multi"), ("price-test", "growthbook"),
    ]  # fmt: skip


def test_a_project_pack_is_tried_before_the_shipped_ones(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "flagkeeper.toml": 'rule-packs = ["house.toml"]\n',
        "house.toml": '[pack]\nname = "house"\ndescription = "in-house"\n[[read]]\ncall = "*.is_feature_enabled"\nkey = { position = 1 }\n',
        "app.py": 'if features.is_feature_enabled(request, "dark-mode"):\n    pass\n',
    })  # fmt: skip
    flags = run(["inventory", ".", "--format", "json"], tmp_path).json()["flags"]
    # flagsmith's *.is_feature_enabled takes the key first and would read `request`
    assert [(flag["key"], flag["references"][0]["pack"]) for flag in flags] == [("dark-mode", "house")]

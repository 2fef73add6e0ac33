"""The merged registry: flags.toml, code registrations and registry-sources files, each entry with its sources."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run, write_tree

PACK = """\
[pack]
name = "house"
description = "in-house flags"

[[register]]
call = "features.register"
key = { position = 0 }
owner = { keyword = "owner" }
"""

FLAGD = """\
{
  "flags": {
    "dark-mode": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                  "metadata": {"owner": "web-from-flagd"}},
    "search-v2": {"state": "DISABLED", "variants": {"on": true}, "defaultVariant": "on"}
  }
}
"""

MANIFEST = '{"flags": {"greeting": {"flagType": "string", "defaultValue": "hi", "description": "Greets"}}}\n'


def project(tmp_path: Path, config: str = "") -> Path:
    return write_tree(tmp_path, {
        "flagkeeper.toml": 'rule-packs = ["house.toml"]\nregistry-sources = ["deploy/flags.flagd.json", "flags.json"]\n' + config,
        "house.toml": PACK,
        "deploy/flags.flagd.json": FLAGD,
        "flags.json": MANIFEST,
        "features.py": 'def register(key, owner=None): ...\n\nregister("dark-mode", owner="web-from-code")\nregister("beta")\n',
        "flags.toml": '[flags.dark-mode]\nowner = "web"\ntype = "permission"\n',
    })  # fmt: skip


def test_inventory_lists_every_source_and_flags_toml_wins(tmp_path: Path) -> None:
    flags = {flag["key"]: flag for flag in run(["inventory", ".", "--format", "json"], project(tmp_path)).json()["flags"]}
    assert sorted(flags) == ["beta", "dark-mode", "greeting", "search-v2"]
    assert flags["dark-mode"]["owner"] == "web"  # flags.toml over code over the flagd file
    assert flags["dark-mode"]["sources"] == [
        {"source": "flags.toml", "path": "flags.toml", "line": 1},
        {"source": "code", "path": "features.py", "line": 3},
        {"source": "flagd", "path": "deploy/flags.flagd.json", "line": 3},
    ]
    assert flags["greeting"]["sources"] == [{"source": "openfeature", "path": "flags.json", "line": 1}]
    assert {key: flag["status"] for key, flag in flags.items()} == dict.fromkeys(flags, "active")


def test_registry_list_shows_sources(tmp_path: Path) -> None:
    folder = project(tmp_path)
    records = {record["key"]: record["sources"] for record in run(["registry", "list", "--format", "json"], folder).json()}
    assert records == {"beta": ["code"], "dark-mode": ["code", "flagd", "flags.toml"], "greeting": ["openfeature"], "search-v2": ["flagd"]}
    table = run(["registry", "list"], folder).stdout.splitlines()
    assert table[1].split() == ["beta", "active", "-", "-", "-", "0", "code"]


def test_check_fk005_on_every_source_and_require_registry_entry(tmp_path: Path) -> None:
    folder = project(tmp_path)
    codes = sorted((f["code"], f["key"]) for f in run(["check", ".", "--format", "json"], folder).json())
    # nothing reads any of them; a flagd or manifest file naming a key is not a read
    assert codes == [("FK005", "beta"), ("FK005", "dark-mode"), ("FK005", "greeting"), ("FK005", "search-v2")]
    strict = project(tmp_path, "require-registry-entry = true\n")
    fk008 = sorted(f["key"] for f in run(["check", ".", "--format", "json", "--select", "FK008"], strict).json())
    assert fk008 == ["beta", "greeting", "search-v2"]


def test_a_malformed_registry_source_is_one_error_line(tmp_path: Path) -> None:
    folder = project(tmp_path)
    (folder / "flags.json").write_text('{"toggles": []}\n', encoding="utf-8")
    result = run(["check", "."], folder)
    assert result.exit_code == 2
    assert result.stderr == "flagkeeper: error: flags.json: not a flag definition file of a known format (flagd, openfeature, unleash, launchdarkly)\n"


def test_registry_sources_must_stay_inside_the_project(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "app", {"flagkeeper.toml": 'registry-sources = ["../flags.json"]\n', "app.py": ""})
    result = run(["check", "."], folder)
    assert result.exit_code == 2 and "'registry-sources' names '../flags.json', which leads outside the project root" in result.stderr


def test_fk005_counts_lookups_of_a_registry_mapping_as_reads(tmp_path: Path) -> None:
    # Redash's organisation settings: the defaults dict is the registry and is read by subscript.
    folder = write_tree(tmp_path, {
        "flagkeeper.toml": 'rule-packs = ["house.toml"]\n',
        "house.toml": '[pack]\nname = "house"\ndescription = "defaults"\n\n[[register]]\nassign = "org.defaults.DEFAULTS"\n',
        "org/__init__.py": "",
        "org/defaults.py": 'DEFAULTS = {"jwt_login": False, "saml_login": False, "unused": True}\n\n\ndef setting(name):\n    return DEFAULTS[name]\n',
        "org/auth.py": 'from org.defaults import DEFAULTS as org_settings\n\nif org_settings["jwt_login"]:\n    pass\n',
        "org/saml.py": 'from org import defaults\n\nenabled = defaults.DEFAULTS.get("saml_login", False)\n',
    })  # fmt: skip
    findings = run(["check", ".", "--select", "FK005,FK009", "--output-format", "json"], folder).json()
    # the accessor's lookup by a variable is not FK009: the dict is a registry, not a read form
    assert [(f["code"], f["key"], f["path"], f["line"]) for f in findings] == [("FK005", "unused", "org/defaults.py", 1)]


def test_a_merge_is_kept_only_for_the_same_registry_and_sources() -> None:
    from flagkeeper.registry.model import parse_registry
    from flagkeeper.registry.sources import CODE, SourceEntry, merge_sources

    text = '[flags.rlp_routing]\nowner = "routing"\ntype = "release"\nexpires = 2026-09-30\n'
    registry = parse_registry(text, Path("flags.toml"))
    code = [SourceEntry("dark_pool", CODE, Path("app.py"), 3)]
    merged = merge_sources(registry, code)
    assert merge_sources(registry, list(code)) is merged  # the language server's keystroke: nothing changed
    assert list(merge_sources(registry, [])) == ["rlp_routing"]  # another registration set
    edited = parse_registry(text.replace('owner = "routing"', 'owner = "equities"'), Path("flags.toml"))  # flags.toml edited: read again
    assert merge_sources(edited, code)["rlp_routing"].field("owner") == "equities"

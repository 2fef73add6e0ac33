"""Text references: keys in frontends and other text files, spelled as the aliases say, and
never in files that define flags (registries, exports, deploy manifests)."""

from __future__ import annotations

import pytest

from flagkeeper.config import ALIAS_CASES, AliasConfig
from flagkeeper.project.aliases import key_spellings, spell
from tests.conftest import run

ENTRY = '[flags.{key}]\nowner = "web"\ntype = "permission"\n'


def registry(*keys: str) -> str:
    return "\n".join(ENTRY.format(key=f'"{key}"' if ":" in key else key) for key in keys)


def unused(folder, *args: str) -> list[str]:
    findings = run(["check", ".", "--select", "FK005", "--today", "2026-06-01", "--format", "json", *args], folder).json()
    return sorted(finding["key"] for finding in findings)


def text_places(folder) -> dict[str, list[tuple[str, int, str | None]]]:
    flags = run(["inventory", ".", "--format", "json"], folder).json()["flags"]
    return {
        flag["key"]: [(ref["path"], ref["line"], ref.get("alias")) for ref in flag["references"] if ref["kind"] == "text"]
        for flag in flags
    }


@pytest.mark.parametrize(
    ("case", "spelled"),
    [("camelCase", "newCheckout"), ("PascalCase", "NewCheckout"), ("snake_case", "new_checkout"),
     ("UPPER_SNAKE", "NEW_CHECKOUT"), ("kebab-case", "new-checkout"), ("dot.case", "new.checkout")],
)  # fmt: skip
def test_each_case_transform(case: str, spelled: str) -> None:
    assert spell(case, "new-checkout") == spelled
    assert spell(case, "NEW_CHECKOUT") == spelled
    assert spell(case, "newCheckout") == spelled


def test_every_configurable_case_has_a_transform() -> None:
    assert [spell(case, "a-b") for case in ALIAS_CASES] == ["aB", "AB", "a_b", "A_B", "a-b", "a.b"]


def test_spellings_name_their_alias() -> None:
    aliases = AliasConfig(strip_prefixes=("organizations:", "projects:"), cases=("camelCase", "kebab-case"))
    assert dict(key_spellings("organizations:ddm-ui", aliases)) == {
        "organizations:ddm-ui": "exact",
        "ddm-ui": "strip organizations:",
        "organizationsDdmUi": "camelCase",
        "organizations-ddm-ui": "kebab-case",
        "ddmUi": "strip organizations: + camelCase",
    }
    assert dict(key_spellings("dark", AliasConfig())) == {"dark": "exact"}


CONFIG = """
[aliases]
strip-prefixes = ["organizations:"]
cases = ["camelCase"]
patterns = { "web/*.ts" = "hasFlag\\\\({key}\\\\)" }
"""
WEB = (
    "if (org.features.includes('ddm-ui')) { show(); }\n"
    'const checkout = flags["newCheckout"];\n'
    "const bareWord = 1;  // a variable of that name reads no flag\n"
    "if (hasFlag(patternOne)) { show(); }\n"
)


def test_aliases_count_only_in_a_flag_reading_context(project) -> None:
    keys = ("organizations:ddm-ui", "new-checkout", "bare-word", "pattern-one", "unused")
    folder = project({"flagkeeper.toml": CONFIG, "flags.toml": registry(*keys), "app.py": "print(1)\n", "web/app.ts": WEB})
    assert unused(folder) == ["bare-word", "unused"]
    places = text_places(folder)
    # `org.features.includes(...)` is a TypeScript read of the generic pack: the line is listed once, as that read.
    assert places["organizations:ddm-ui"] == []
    flags = {flag["key"]: flag for flag in run(["inventory", ".", "--format", "json"], folder).json()["flags"]}
    assert [(ref["kind"], ref["line"], ref["alias"]) for ref in flags["organizations:ddm-ui"]["references"]] == [
        ("typescript", 1, "strip organizations:")
    ]
    assert places["new-checkout"] == [("web/app.ts", 2, "camelCase")]
    assert places["pattern-one"] == [("web/app.ts", 4, "pattern web/*.ts, camelCase")]
    table = run(["inventory", "."], folder).stdout
    assert "web/app.ts:2:25  (text, alias camelCase)" in table


def test_a_pattern_applies_only_to_its_glob(project) -> None:
    folder = project({
        "flagkeeper.toml": CONFIG, "flags.toml": registry("pattern-one"), "app.py": "print(1)\n",
        "other/app.ts": "if (hasFlag(patternOne)) { show(); }\n",
    })  # fmt: skip
    assert unused(folder) == ["pattern-one"]


def test_without_aliases_only_the_key_counts(project) -> None:
    folder = project({"flags.toml": registry("organizations:ddm-ui"), "app.py": "print(1)\n", "web/app.ts": WEB})
    assert unused(folder) == ["organizations:ddm-ui"]


def test_a_pack_spells_keys_for_its_sdk_once_the_code_uses_it(project) -> None:
    """The shipped LaunchDarkly pack says its React SDK camel-cases keys: that counts where the
    Python code reads a flag through LaunchDarkly, not merely because the pack is active."""
    uses_launchdarkly = 'import ldclient\n\nON = ldclient.get().variation("dark", None, False)\n'
    folder = project({"flags.toml": registry("new-checkout", "dark"), "app.py": uses_launchdarkly, "web/app.ts": WEB})
    assert unused(folder) == []
    folder = project({"flags.toml": registry("new-checkout"), "app.py": "print(1)\n", "web/app.ts": WEB})
    assert unused(folder) == ["new-checkout"]


@pytest.mark.parametrize(
    ("aliases", "error"),
    [
        ('cases = ["Title Case"]', "'aliases' 'cases' must be a list of camelCase, PascalCase"),
        ('patterns = { "*.ts" = "hasFlag" }', "'aliases' patterns.'*.ts' must hold {key} once"),
        ('patterns = { "*.ts" = "(a+)+{key}" }', "'aliases' patterns.'*.ts': invalid regular expression: a repeated part"),
        ('strip-prefixes = [""]', "'aliases' 'strip-prefixes' must be a list of non-empty strings"),
        ("colour = 1", "'aliases' must be a table of strip-prefixes, cases and patterns"),
    ],
)
def test_bad_aliases_are_one_line_errors(project, aliases: str, error: str) -> None:
    folder = project({"flagkeeper.toml": f"[aliases]\n{aliases}\n", "app.py": "print(1)\n"})
    result = run(["check", "."], folder)
    assert result.exit_code == 2
    assert result.stderr.startswith("flagkeeper: error: ") and error in result.stderr
    assert "flagkeeper.toml:1:" in result.stderr and result.stderr.count("\n") == 1


# --- files that define flags are never references ----------------------------------------------


def test_the_projects_flags_toml_is_not_a_reference_when_registry_points_elsewhere(project) -> None:
    folder = project({"flags.toml": registry("dark"), "registries/main.toml": registry("dark"), "app.py": "print(1)\n"})
    assert unused(folder, "--registry", "registries/main.toml") == ["dark"]


def test_a_registry_anywhere_is_not_a_reference(project) -> None:
    folder = project({"flags.toml": registry("dark"), "old/registry.toml": registry("dark") + '\n[retired.x]\nretired = 2020-01-01\n',
                      "app.py": "print(1)\n"})  # fmt: skip
    assert unused(folder) == ["dark"]


def test_registry_sources_and_vendor_exports_are_not_references(project) -> None:
    flagd = '{"flags": {"dark": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}}}\n'
    unleash = '{"version": 1, "features": [{"name": "dark", "type": "release"}]}\n'
    launchdarkly = '{"items": [{"key": "dark", "variations": []}]}\n'
    flagsmith = '{"api_key": "k", "feature_states": [{"feature": {"name": "dark"}, "enabled": true}]}\n'
    folder = project({
        "flagkeeper.toml": 'registry-sources = ["defs/flags.flagd.json"]\n', "flags.toml": registry("dark"),
        "defs/flags.flagd.json": flagd, "exports/unleash.json": unleash, "exports/ld.json": launchdarkly,
        "exports/environment.json": flagsmith, "app.py": "print(1)\n",
    })  # fmt: skip
    assert unused(folder) == ["dark"]


def test_deploy_manifests_are_not_references(project) -> None:
    manifest = 'server = "s1"\nbuild = "1"\ncode = "abc"\nenabled = ["dark"]\n'
    folder = project({"flags.toml": registry("dark"), "deploy/s1.toml": manifest, "deploy/s2.json": '{"server": "s2", "enabled": ["dark"]}',
                      "app.py": "print(1)\n"})  # fmt: skip
    assert unused(folder) == ["dark"]


def test_a_fleet_manifest_with_its_flags_table_is_not_a_reference(project) -> None:
    """The layout project/fleet.py reads (SMARS's deploy/servers/*.toml): `enabled` and the meanings under [flags]."""
    manifest = 'server = "s1"\nbuild = "1"\ncode-fingerprint = "abc"\n\n[flags]\nenabled = ["dark"]\ndark = ["app.legacy"]\n'
    folder = project({"flags.toml": registry("dark"), "deploy/servers/s1.toml": manifest, "app.py": "print(1)\n"})
    assert unused(folder) == ["dark"]


def test_generated_flag_docs_can_be_excluded(project) -> None:
    files = {"flags.toml": registry("dark"), "docs/flags.html": "<td>dark</td>\n", "app.py": "print(1)\n"}
    assert unused(project(files)) == []
    files["flagkeeper.toml"] = 'text-references-exclude = ["docs/flags.*"]\n'
    assert unused(project(files)) == ["dark"]


def test_a_config_json_that_reads_a_flag_still_counts(project) -> None:
    folder = project({"flags.toml": registry("dark"), "web/settings.json": '{"theme": {"flag": "dark"}}\n', "app.py": "print(1)\n"})
    assert unused(folder) == []


def test_a_text_file_is_read_as_text_mode_reads_it(tmp_path) -> None:
    """read_text_file decodes bytes in one call; the text equals what Python's text mode gives
    (UTF-8, bad bytes replaced, universal newlines), and a file over the limit is not read."""
    from flagkeeper.project.textrefs import MAX_TEXT_FILE_BYTES, read_text_file

    samples = [b"a\r\nb\rc\n", b"caf\xc3\xa9 \xff\xfe end\r", b"\xef\xbb\xbfbom\r\r\n\n", b"cut \xe2\x82", b""]
    for index, data in enumerate(samples):
        path = tmp_path / f"f{index}.js"
        path.write_bytes(data)
        assert read_text_file(path) == path.read_text(encoding="utf-8", errors="replace")
    (tmp_path / "big.js").write_bytes(b"x" * (MAX_TEXT_FILE_BYTES + 1))
    (tmp_path / "limit.js").write_bytes(b"x" * MAX_TEXT_FILE_BYTES)
    assert read_text_file(tmp_path / "big.js") is None and read_text_file(tmp_path / "missing.js") is None
    assert read_text_file(tmp_path / "limit.js") == "x" * MAX_TEXT_FILE_BYTES

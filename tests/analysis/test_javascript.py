"""Flag reads in JavaScript and TypeScript (analysis/javascript.py, the packs' typescript reads)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from flagkeeper.analysis.javascript import analyse_script, script_module_name
from flagkeeper.analysis.packs import load_matcher, load_pack
from flagkeeper.config import load_config
from flagkeeper.errors import FlagkeeperError
from tests.conftest import REPO, run, write_tree

SDK_READS = """\
import { useFlags, useLDClient } from "launchdarkly-react-client-sdk";

export function Checkout() {
  const { newCheckout, "dark-mode": dark, promo = false } = useFlags();
  const flags = useFlags();
  const banner = flags.topBanner || flags["side-banner"];
  const ld = useLDClient()?.variation("ld-key", false);
  const of = useBooleanFlagValue("of-hook", false) && client.getStringValue("of-client", "x");
  const un = useFlag("unleash-hook") || unleash.isEnabled("unleash-client");
  const ph = useFeatureFlagEnabled("ph-hook") || posthog.isFeatureEnabled("ph-client");
  const gb = useFeatureIsOn("gb-hook");
  const fs = flagsmith.hasFeature("fs-has") ? flagsmith.getValue("fs-value") : null;
  const org = organization.features.includes("org-feature");
  const no = form.getValue("email") || list.includes("x") || useFlag();
  return <div>{useFlags().inJsx}</div>;
}
"""


def _reads(files: dict[str, str], tmp_path: Path, name: str) -> list[tuple[str, str, str, int, int]]:
    root = write_tree(tmp_path / "p", {"flagkeeper.toml": "", **files})
    matcher = load_matcher(load_config([root]))
    facts = analyse_script(name, files[name], *script_module_name(name), matcher.script_reads)
    assert facts.error is None
    return [(getattr(ref.key, "value", ref.key_code), ref.pack, ref.call, ref.line, ref.column) for ref in facts.references]


def test_every_shipped_sdk_read_is_found_with_its_pack_call_and_place(tmp_path: Path) -> None:
    found = _reads({"web/Checkout.tsx": SDK_READS}, tmp_path, "web/Checkout.tsx")
    assert found == [
        ("newCheckout", "launchdarkly", "useFlags()", 4, 11),
        ("dark-mode", "launchdarkly", "useFlags()", 4, 24),
        ("promo", "launchdarkly", "useFlags()", 4, 43),
        ("topBanner", "launchdarkly", "useFlags()", 6, 24),
        ("side-banner", "launchdarkly", "useFlags()", 6, 43),
        ("ld-key", "launchdarkly", "useLDClient().variation", 7, 14),
        ("of-hook", "openfeature", "useBooleanFlagValue", 8, 14),
        ("of-client", "openfeature", "client.getStringValue", 8, 55),
        ("unleash-hook", "unleash", "useFlag", 9, 14),
        ("unleash-client", "unleash", "unleash.isEnabled", 9, 41),
        ("ph-hook", "posthog", "useFeatureFlagEnabled", 10, 14),
        ("ph-client", "posthog", "posthog.isFeatureEnabled", 10, 50),
        ("gb-hook", "growthbook", "useFeatureIsOn", 11, 14),
        ("fs-has", "flagsmith", "flagsmith.hasFeature", 12, 14),
        ("fs-value", "flagsmith", "flagsmith.getValue", 12, 47),
        ("org-feature", "generic", "organization.features.includes", 13, 15),
        ("inJsx", "launchdarkly", "useFlags()", 15, 27),
    ]


def test_plain_javascript_is_read_with_its_own_grammar(tmp_path: Path) -> None:
    source = "const on = posthog.isFeatureEnabled('js-key');\nmodule.exports = { on };\n"
    assert _reads({"web/a.js": source}, tmp_path, "web/a.js") == [("js-key", "posthog", "posthog.isFeatureEnabled", 1, 12)]


def test_a_file_with_syntax_errors_still_gives_the_reads_it_holds(tmp_path: Path) -> None:
    source = "const x = {{{ ;\nconst on = useFlag('after-the-error');\n"
    assert [read[0] for read in _reads({"web/a.ts": source}, tmp_path, "web/a.ts")] == ["after-the-error"]


ENUM_PROJECT = {
    "flags.toml": (
        '[flags.dark-mode]\nowner = "ui"\ntype = "operational"\n\n[flags.new-nav]\nowner = "ui"\ntype = "operational"\n\n'
        '[flags.beta-search]\nowner = "ui"\ntype = "operational"\n\n[flags.nothing-reads-me]\nowner = "ui"\ntype = "operational"\n'
    ),
    "app.py": "print('backend')\n",
    # The values live in one file, read through the enum in another: only resolution joins them.
    "web/src/flags/index.ts": (
        "export enum FeatureFlag {\n  DarkMode = 'dark' + '-mode',\n}\n"
        "export const FLAGS = Object.freeze({ nav: { NEW: `new-nav` } });\n"
        "export { SEARCH as BETA } from '../search-key';\n"
    ),
    "web/src/search-key.ts": "export const SEARCH = 'beta-search';\n",
    "web/src/App.tsx": (
        "import { FeatureFlag, FLAGS, BETA } from './flags';\nimport * as keys from 'src/flags';\n\n"
        "useFlag(FeatureFlag.DarkMode);\nuseFlag(keys.FLAGS.nav.NEW);\nuseFlag(BETA);\nuseFlag(someVariable);\n"
    ),
}


def test_keys_in_enums_and_object_literals_resolve_across_files(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"flagkeeper.toml": "", **ENUM_PROJECT})
    data = run(["inventory", ".", "--format", "json"], root).json()
    reads = {flag["key"]: [(ref["kind"], ref["path"], ref["line"]) for ref in flag["references"]] for flag in data["flags"]}
    assert reads["dark-mode"] == [("typescript", "web/src/App.tsx", 4)]  # 'dark' + '-mode': no text reference
    assert reads["new-nav"] == [("typescript", "web/src/App.tsx", 5), ("text", "web/src/flags/index.ts", 4)]
    assert reads["beta-search"] == [("typescript", "web/src/App.tsx", 6), ("text", "web/src/search-key.ts", 1)]
    findings = run(["check", ".", "--format", "json", "--select", "FK005"], root).json()
    assert [finding["key"] for finding in findings] == ["nothing-reads-me"]


def test_a_minified_bundle_is_searched_as_text_but_not_parsed(tmp_path: Path) -> None:
    registry = '[flags.in-bundle]\nowner = "ui"\ntype = "operational"\n\n[flags.by-hand]\nowner = "ui"\ntype = "operational"\n'
    statements = ["var a=1;"] * 1100 + ["useFlag('in-bundle');"]  # over MINIFIED_MIN_BYTES on one line
    by_hand = "useFlag('by-hand');\n" + "\n".join(statements) + "\n"
    svg_logo = f"useFlag('in-bundle');\nexport const Logo = () => <path d='{'M0 0L1 1' * 200}' />;\n"  # small: parsed
    files = {"flags.toml": registry, "app.py": "", "web/vendor.min.js": "".join(statements) + "\n", "web/app.js": by_hand, "web/Logo.tsx": svg_logo}
    root = write_tree(tmp_path / "p", files)
    data = run(["inventory", ".", "--format", "json"], root).json()
    reads = {flag["key"]: [(ref["kind"], ref["path"]) for ref in flag["references"]] for flag in data["flags"]}
    # The bundle's read is not parsed (its lines average over MINIFIED_LINE_LENGTH characters);
    # the same statements a line each are.
    assert ("javascript", "web/app.js") in reads["by-hand"] and ("javascript", "web/app.js") in reads["in-bundle"]
    assert ("text", "web/vendor.min.js") in reads["in-bundle"] and ("javascript", "web/vendor.min.js") not in reads["in-bundle"]
    assert ("typescript", "web/Logo.tsx") in reads["in-bundle"]
    root = write_tree(tmp_path / "q", {**files, "web/app.js": "useFlag('by-hand');\n"})
    # Its text still counts as a use of the key for FK005.
    assert run(["check", ".", "--format", "json", "--select", "FK005"], root).json() == []


def test_typescript_reads_are_validated(tmp_path: Path) -> None:
    header = '[pack]\nname = "house"\ndescription = "d"\n'
    bad = {
        'language = "rust"\ncall = "f"\nkey = { position = 0 }\n': "'language' must be \"python\" or \"typescript\"",
        'language = "typescript"\ncall = "f"\nkey = { keyword = "k" }\n': "JavaScript has no keyword arguments",
        'language = "typescript"\nmapping = "app.flags"\n': "'app.flags' is not a call like useFlags() or *.allFlags(), or a name",
        'language = "typescript"\nsubscript = "flags"\n': "a typescript [[read]] has 'call' or 'mapping'",
    }
    for body, message in bad.items():
        path = tmp_path / "house.toml"
        path.write_text(header + "[[read]]\n" + body)
        with pytest.raises(FlagkeeperError, match=re.escape(message)):
            load_pack(path)


def test_hostile_scripts_neither_crash_nor_hang(tmp_path: Path) -> None:
    # Spread over lines: on one line they would be taken for minified bundles and never parsed.
    nested = "const x = " + "[\n" * 100_000 + "]\n" * 100_000 + ";\nuseFlag('after-nesting');\n"
    chain = "useFlag(" + " +\n".join(["'a'"] * 20_000) + ");\n"
    root = write_tree(
        tmp_path / "p",
        {"flagkeeper.toml": "max-file-size = 0.5\n", "app.py": "", "web/nested.js": nested, "web/chain.ts": chain, "web/huge.js": "//" + "x" * 600_000},
    )
    result = run(["inventory", ".", "--format", "json"], root)
    assert result.exit_code == 0
    assert "flagkeeper: note: web/huge.js: not read as javascript (file is 0.6 MB, above max-file-size 0.5 MB)" in result.stderr
    keys = {flag["key"] for flag in result.json()["flags"]}
    assert "after-nesting" in keys and not any(key.startswith("aa") for key in keys)


def test_a_project_without_scripts_never_loads_tree_sitter(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"flagkeeper.toml": "", "app.py": "import ldclient\nldclient.get().variation('k', None, False)\n"})
    probe = (
        "import sys; from flagkeeper.cli.main import main\n"
        "try:\n    main(['check', '.', '--no-cache'])\nexcept SystemExit:\n    pass\n"
        "print('LOADED' if 'tree_sitter' in sys.modules else 'NOT LOADED')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=False, env={"PYTHONPATH": str(REPO)})
    assert result.stdout.strip().endswith("NOT LOADED"), result.stdout + result.stderr


def test_a_project_pack_names_a_mapping_variable(tmp_path: Path) -> None:
    pack = '[pack]\nname = "house"\ndescription = "settings the backend sends"\n\n[[read]]\nlanguage = "typescript"\nmapping = "clientConfig"\n'
    source = 'import { clientConfig } from "@/services/auth";\nconst a = clientConfig.showBeta;\nconst { newMenu } = clientConfig;\nother.showBeta;\n'
    files = {"flagkeeper.toml": 'rule-packs = ["house.toml"]\n', "house.toml": pack, "web/a.js": source}
    assert _reads(files, tmp_path, "web/a.js") == [("showBeta", "house", "clientConfig", 2, 24), ("newMenu", "house", "clientConfig", 3, 9)]

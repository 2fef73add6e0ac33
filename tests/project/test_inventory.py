"""`flagkeeper inventory`: every key, its registry status, owner, expiry and every reference."""

from __future__ import annotations

import csv
import io

from tests.conftest import run

FILES = {
    "app.py": (
        'import ldclient\nfrom flag_names import DARK\n\nclient = ldclient.get()\n\n'
        'def render():\n    if client.variation(DARK, ctx, False):\n        return "dark"\n'
        '    return client.variation("layout-" + theme, ctx, "grid")\n'
    ),
    "flag_names.py": 'DARK = "dark-mode"\n',
    "web/app.ts": 'const onboarding = flags.isOn("new-onboarding");\nconst other = "new-onboarding-v2";\n',
    "templates/base.html": '{% if flag("new-onboarding") %}<p>hi</p>{% endif %}\n',
    "flags.toml": (
        '[flags.dark-mode]\nowner = "web"\ntype = "permission"\n\n'
        '[flags.new-onboarding]\nowner = "growth"\ntype = "release"\nexpires = 2026-03-01\n\n'
        '[retired.old-layout]\nretired = 2020-01-01\nmeaning = "the 2019 layout"\n'
    ),
}


def test_json_lists_python_and_text_references(project) -> None:
    folder = project(FILES)
    data = run(["inventory", ".", "--format", "json", "--today", "2026-06-01"], folder).json()
    flags = {flag["key"]: flag for flag in data["flags"]}
    assert list(flags) == ["dark-mode", "new-onboarding", "old-layout"]
    assert flags["dark-mode"]["status"] == "active" and flags["dark-mode"]["owner"] == "web"
    assert flags["dark-mode"]["references"] == [{
        "kind": "python", "path": "app.py", "line": 7, "column": 8, "pack": "launchdarkly",
        "call": "client.variation", "function": "render", "guard": "if", "polarity": True,
    }]  # fmt: skip
    assert flags["new-onboarding"]["status"] == "expired" and flags["new-onboarding"]["expires"] == "2026-03-01"
    # The whole word only: "new-onboarding-v2" is another key. `flags.isOn(...)` is GrowthBook's
    # JavaScript read, so web/app.ts:1 is listed as the read it is, with its SDK.
    assert [(ref["kind"], ref["path"], ref["line"]) for ref in flags["new-onboarding"]["references"]] == [
        ("text", "templates/base.html", 1), ("typescript", "web/app.ts", 1),
    ]  # fmt: skip
    assert flags["new-onboarding"]["references"][1] == {
        "kind": "typescript", "path": "web/app.ts", "line": 1, "column": 20, "pack": "growthbook", "call": "flags.isOn",
    }  # fmt: skip
    assert flags["old-layout"]["status"] == "retired" and flags["old-layout"]["references"] == []
    assert [(ref["path"], ref["line"]) for ref in data["dynamic"]] == [("app.py", 9)]


def test_text_reads_keep_a_flag_from_being_unused(project) -> None:
    folder = project(FILES)
    findings = run(["check", ".", "--format", "json", "--today", "2026-01-01"], folder).json()
    assert not [f for f in findings if f["code"] == "FK005"]
    (folder / "web" / "app.ts").unlink()
    (folder / "templates" / "base.html").unlink()
    findings = run(["check", ".", "--format", "json", "--today", "2026-01-01"], folder).json()
    assert [(f["code"], f["key"]) for f in findings if f["code"] == "FK005"] == [("FK005", "new-onboarding")]


def test_csv_has_one_row_per_reference(project) -> None:
    folder = project(FILES)
    rows = list(csv.DictReader(io.StringIO(run(["inventory", ".", "--format", "csv"], folder).stdout)))
    assert [(row["key"], row["kind"], row["path"]) for row in rows] == [
        ("dark-mode", "python", "app.py"),
        ("new-onboarding", "text", "templates/base.html"),
        ("new-onboarding", "typescript", "web/app.ts"),
        ("old-layout", "", ""),
        ("", "python", "app.py"),
    ]
    assert rows[-1]["status"] == "dynamic"


def test_table_shows_keys_and_references(project) -> None:
    folder = project(FILES)
    table = run(["inventory", ".", "--today", "2026-06-01"], folder).stdout
    lines = table.splitlines()
    assert lines[0].split() == ["KEY", "STATUS", "OWNER", "TYPE", "EXPIRES", "READS", "SOURCES"]
    assert lines[1].split() == ["dark-mode", "active", "web", "permission", "-", "1", "flags.toml"]
    assert "    app.py:7:8  client.variation  in render  [if]" in lines
    assert "1 reads with a key that cannot be resolved statically (FK009):" in table

"""FK004: one key, two meanings — by declared scope, or by unrelated parts of the project."""

from __future__ import annotations

import shutil

from tests.conftest import FIXTURES, REPO, run

READ = 'import ldclient\n\ndef go(o):\n    if ldclient.get().variation("rlp", o, False):\n        pass\n'
TREE = {
    "flagkeeper.toml": 'entry-points = ["shop.main"]\n',
    "shop/__init__.py": "", "shop/main.py": "from shop.rlp import router\nfrom shop.legacy import peg\n",
    "shop/rlp/__init__.py": "", "shop/rlp/router.py": READ, "shop/rlp/eligibility.py": READ,
    "shop/legacy/__init__.py": "", "shop/legacy/peg.py": READ,
}  # fmt: skip
RETIRED = '\n[retired.rlp]\nretired = 2003-06-30\nmeaning = "Power Peg"\n'
REGISTRY = '[flags.rlp]\nowner = "routing"\ntype = "release"\nexpires = 2026-09-30\n'


def fk004(folder) -> list[tuple[str, int]]:
    findings = run(["check", ".", "--select", "FK004", "--today", "2026-06-01", "--format", "json"], folder).json()
    return [(f["path"], f["line"]) for f in findings]


def test_read_outside_the_declared_scope(project) -> None:
    folder = project({**TREE, "flags.toml": REGISTRY + 'scope = ["shop.rlp.*"]\n'})
    findings = run(["check", ".", "--select", "FK004", "--format", "json"], folder).json()
    assert [(f["path"], f["line"]) for f in findings] == [("shop/legacy/peg.py", 4)]
    assert findings[0]["message"] == (
        "flag 'rlp' is declared for shop.rlp.* but read here in shop.legacy.peg: in scope at "
        "shop/rlp/eligibility.py:4, shop/rlp/router.py:4, outside it at shop/legacy/peg.py:4"
    )


def test_reads_inside_the_scope_are_fine(project) -> None:
    folder = project({**TREE, "flags.toml": REGISTRY + 'scope = ["shop.rlp.*", "shop.legacy.peg"]\n'})
    assert fk004(folder) == []


def test_unrelated_areas_without_a_second_meaning_are_fine(project) -> None:
    folder = project({**TREE, "flags.toml": REGISTRY})
    assert fk004(folder) == []


def test_unrelated_areas_with_a_retired_meaning(project) -> None:
    folder = project({**TREE, "flags.toml": REGISTRY + RETIRED})
    findings = run(["check", ".", "--select", "FK004", "--format", "json"], folder).json()
    assert [(f["path"], f["line"], f["severity"]) for f in findings] == [
        ("shop/legacy/peg.py", 4, "error"), ("shop/rlp/eligibility.py", 4, "error"), ("shop/rlp/router.py", 4, "error"),
    ]  # fmt: skip
    assert findings[0]["message"] == (
        "flag 'rlp' may mean two things (high confidence): it switches code in shop.legacy (shop/legacy/peg.py:4) and in "
        "shop.rlp (shop/rlp/eligibility.py:4 and 1 more), with no import path between them, and the registry retired this "
        "key before, when it meant: Power Peg. Split it, or declare its scope"
    )
    assert [(r["path"], r["line"], r["message"]) for r in findings[0]["related"]] == [
        ("shop/legacy/peg.py", 4, "reads 'rlp', switching code in shop.legacy"),
        ("shop/rlp/eligibility.py", 4, "reads 'rlp', switching code in shop.rlp"),
        ("shop/rlp/router.py", 4, "reads 'rlp', switching code in shop.rlp"),
    ]
    sarif = run(["check", ".", "--select", "FK004", "--format", "sarif"], folder).json()
    related = sarif["runs"][0]["results"][0]["relatedLocations"]
    assert [(r["physicalLocation"]["artifactLocation"]["uri"], r["message"]["text"]) for r in related][0] == (
        "shop/legacy/peg.py", "reads 'rlp', switching code in shop.legacy",
    )


def test_the_switched_code_is_what_counts(project) -> None:
    """SMARS's shape: the router imports the RLP part, but what its check switches on is Power Peg."""
    router = (
        "from shop.rlp import router as rlp\nimport ldclient\n\ndef go(o):\n"
        "    if ldclient.get().variation(\"rlp\", o, False):\n        from shop.legacy import peg\n        peg.run(o)\n"
    )
    files = {**TREE, "shop/main.py": "from shop.routing import router\n", "shop/routing/__init__.py": "", "shop/routing/router.py": router,
             "shop/legacy/peg.py": "def run(o):\n    pass\n", "flags.toml": REGISTRY + RETIRED}  # fmt: skip
    assert fk004(project(files)) == [("shop/rlp/eligibility.py", 4), ("shop/rlp/router.py", 4), ("shop/routing/router.py", 5)]


def test_a_plan_flag_read_in_five_parts_is_one_meaning_and_a_second_description_is_two() -> None:
    findings = run(["check", ".", "--select", "FK004", "--today", "2026-06-01", "--format", "json"], FIXTURES / "meanings").json()
    assert [(f["path"], f["key"], f["severity"]) for f in findings] == [
        ("shop/orders/sync.py", "bulk-export", "warning"), ("shop/reports/views.py", "bulk-export", "warning"),
    ]  # fmt: skip
    assert "(medium confidence): it switches code in shop.erp (shop/orders/sync.py:5) and in shop.reports" in findings[0]["message"]
    assert "describes it both as 'Export orders as CSV for the finance team' and as 'Push every order" in findings[0]["message"]


def test_smars_repurposed_key_fires_also_without_its_scope(tmp_path) -> None:
    folder = tmp_path / "smars"
    shutil.copytree(REPO / "examples" / "smars_legacy", folder)
    registry = folder / "flags.toml"
    registry.write_text(registry.read_text().replace('scope = ["smars.rlp.*"]', ""))
    findings = run(["check", ".", "--select", "FK004", "--format", "json"], folder).json()
    assert {(f["path"], f["line"]) for f in findings} == {("smars/routing/router.py", 67), ("smars/rlp/rlp_router.py", 31)}
    assert "(high confidence): it switches code in smars.algos (smars/routing/router.py:67) and in smars.rlp" in findings[0]["message"]


def test_areas_joined_by_an_import_are_related(project) -> None:
    folder = project({**TREE, "flags.toml": REGISTRY + RETIRED, "shop/rlp/router.py": READ + "from shop.legacy import peg\n"})
    assert fk004(folder) == []


def test_retired_meaning_is_named(project) -> None:
    registry = REGISTRY + 'scope = ["shop.rlp.*"]\n\n[retired.rlp]\nretired = 2003-06-30\nmeaning = "Power Peg"\n'
    folder = project({**TREE, "flags.toml": registry})
    (finding,) = run(["check", ".", "--select", "FK004", "--format", "json"], folder).json()
    assert finding["message"].endswith("the registry retired this key before, when it meant: Power Peg")


def test_malformed_scope_is_fk008(project) -> None:
    folder = project({**TREE, "flags.toml": REGISTRY + 'scope = "shop.rlp.*"\n'})
    findings = run(["check", ".", "--select", "FK008", "--format", "json"], folder).json()
    assert [f["message"] for f in findings] == ["[flags.rlp] 'scope' must be a list of module globs, like [\"smars.rlp.*\"]"]

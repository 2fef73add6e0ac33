"""FK004: one key, two meanings — by declared scope, or by unrelated parts of the project."""

from __future__ import annotations

from tests.conftest import run

READ = 'import ldclient\n\ndef go(o):\n    if ldclient.get().variation("rlp", o, False):\n        pass\n'
TREE = {
    "flagkeeper.toml": 'entry-points = ["shop.main"]\n',
    "shop/__init__.py": "", "shop/main.py": "from shop.rlp import router\nfrom shop.legacy import peg\n",
    "shop/rlp/__init__.py": "", "shop/rlp/router.py": READ, "shop/rlp/eligibility.py": READ,
    "shop/legacy/__init__.py": "", "shop/legacy/peg.py": READ,
}  # fmt: skip
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


def test_unrelated_areas_without_scope(project) -> None:
    folder = project({**TREE, "flags.toml": REGISTRY})
    assert fk004(folder) == [("shop/legacy/peg.py", 4), ("shop/rlp/eligibility.py", 4), ("shop/rlp/router.py", 4)]
    message = run(["check", ".", "--select", "FK004", "--format", "json"], folder).json()[0]["message"]
    assert "(shop.legacy: shop/legacy/peg.py:4; shop.rlp: shop/rlp/eligibility.py:4, shop/rlp/router.py:4)" in message


def test_areas_joined_by_an_import_are_related(project) -> None:
    folder = project({**TREE, "flags.toml": REGISTRY, "shop/rlp/router.py": READ + "from shop.legacy import peg\n"})
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

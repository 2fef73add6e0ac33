"""No finding's message lists more than a few items: the full lists go to JSON `related` and
to `flagkeeper graph --entry-points`. A 946-entry-point Django app once made each FK006
message 40 KB long."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, run

MAX_MESSAGE = 600  # characters; the longest message of the fixtures is SMARS's FK010 call chain

PROJECTS = sorted(
    {path.parent for pattern in ("*/flagkeeper.toml", "*/*/flagkeeper.toml", "*/pyproject.toml", "*/*/pyproject.toml") for path in FIXTURES.glob(pattern)}
)


@pytest.mark.parametrize("folder", [REPO / "examples" / "smars_legacy", *PROJECTS], ids=lambda path: path.name)
def test_every_message_of_the_fixtures_is_short(folder: Path) -> None:
    findings = run(["check", ".", "--today", "2026-06-01", "--format", "json"], folder).json()
    assert all(len(finding["message"]) <= MAX_MESSAGE for finding in findings), max(findings, key=lambda f: len(f["message"]))


READ = 'import ldclient\n\ndef go(o):\n    if ldclient.get().variation("rlp", o, False):\n        pass\n'


def wide_project(width: int) -> dict[str, str]:
    """`width` entry points, and `width` readers of one key in each of two parts and outside its scope."""
    files = {
        "flagkeeper.toml": f"entry-points = {[f'shop.entry{n}' for n in range(width)]}\n".replace("'", '"'),
        "flags.toml": '[flags.rlp]\nowner = "o"\ntype = "permission"\nscope = ["shop.rlp.*"]\n',
        "shop/__init__.py": "", "shop/rlp/__init__.py": "", "shop/legacy/__init__.py": "", "shop/island.py": "pass\n",
    }  # fmt: skip
    for n in range(width):
        files[f"shop/entry{n}.py"] = f"from shop.rlp import r{n}\nfrom shop.legacy import l{n}\n"
        files[f"shop/rlp/r{n}.py"] = READ
        files[f"shop/legacy/l{n}.py"] = READ
    return files


def test_message_length_does_not_grow_with_the_project(project) -> None:
    def messages(width: int) -> dict[str, int]:
        findings = run(["check", ".", "--select", "FK004,FK006", "--format", "json"], project(wide_project(width))).json()
        return {finding["code"]: len(finding["message"]) for finding in findings}

    narrow, wide = messages(5), messages(40)
    assert set(wide) == {"FK004", "FK006"}
    assert all(wide[code] - narrow[code] <= 4 for code in wide)  # the counts' digits, nothing more
    assert max(wide.values()) <= MAX_MESSAGE

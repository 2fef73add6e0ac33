"""Overrides (`[[override]]`): tests and settings that set a flag, recorded apart from reads with
the value they set and the lines they apply to."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagkeeper.analysis.analyse import analyse_file
from flagkeeper.analysis.cache import decode_facts, encode
from flagkeeper.analysis.facts import Dynamic, FileFacts, Literal, NameRef
from flagkeeper.analysis.packs import Matcher, load_pack, shipped_packs_dir
from flagkeeper.errors import FlagkeeperError
from tests.conftest import run, write_tree

PACK = """
[pack]
name = "house"
description = "in-house test helpers"

[[override]]
call = "app.testing.override_flags"
keywords-are-keys = true

[[override]]
call = "*.feature"
receiver = "self"
key = { position = 0 }

[[override]]
call = "app.testing.with_feature"
key = { position = 0 }
value = { position = 1, keyword = "enabled" }
"""

TESTS = """\
from app.testing import override_flags, with_feature
from app.keys import SEARCH


@override_flags(NEW_UI=True, DARK_MODE="off")
class TestPages:
    def test_home(self):
        with self.feature({"org:a": True, "org:b": False}):
            pass
        self.feature(["org:c", SEARCH])
        self.feature(*more)
        other.feature("org:not-self")

    @with_feature("org:d", enabled=False)
    def test_settings(self):
        pass


with_feature(flag_for(user))
"""


def facts(tmp_path: Path, source: str = TESTS, text: str = PACK) -> FileFacts:
    (tmp_path / "house.toml").write_text(text, encoding="utf-8")
    return analyse_file("tests/test_pages.py", source, "tests.test_pages", False, Matcher([load_pack(tmp_path / "house.toml")]))


def test_every_override_form_with_its_value_and_lines(tmp_path: Path) -> None:
    found = [(o.key, o.line, o.value, o.form, o.first, o.last, o.function) for o in facts(tmp_path).overrides]
    assert found == [
        # keyword names are keys; the class decorator applies to the whole class
        (Literal("NEW_UI"), 5, "True", "decorator", 5, 16, "TestPages"),
        (Literal("DARK_MODE"), 5, "'off'", "decorator", 5, 16, "TestPages"),
        # a dict literal: each key with its value; a `with` applies to its statement
        (Literal("org:a"), 8, "True", "with", 8, 9, "TestPages.test_home"),
        (Literal("org:b"), 8, "False", "with", 8, 9, "TestPages.test_home"),
        # a list of keys; a plain call applies to the rest of the function
        (Literal("org:c"), 10, None, "call", 10, 12, "TestPages.test_home"),
        (NameRef("SEARCH"), 10, None, "call", 10, 12, "TestPages.test_home"),
        (Dynamic("*more"), 11, None, "call", 11, 12, "TestPages.test_home"),
        # `other.feature` is not on self; the value comes from the keyword the pack names
        (Literal("org:d"), 14, "False", "decorator", 14, 16, "TestPages.test_settings"),
        (Dynamic("flag_for(user)"), 19, None, "call", 19, 19, None),
    ]
    assert facts(tmp_path).references == ()  # overrides are not reads


def test_overrides_round_trip_through_the_cache(tmp_path: Path) -> None:
    found = facts(tmp_path)
    assert found.overrides and decode_facts(encode(found)) == found


def test_waffle_testutils_are_overrides() -> None:
    source = (
        "from waffle.testutils import override_flag, override_sample, override_switch\n\n"
        '@override_switch("maintenance", active=False)\n'
        "def test_a():\n"
        '    with override_flag("new-checkout", True), override_sample("beta", active=50.0):\n'
        "        pass\n"
    )
    matcher = Matcher([load_pack(shipped_packs_dir() / "django-waffle.toml")])
    found = analyse_file("t.py", source, "t", False, matcher).overrides
    assert [(o.key, o.value, o.form, o.call) for o in found] == [
        (Literal("maintenance"), "False", "decorator", "override_switch"),
        (Literal("new-checkout"), "True", "with", "override_flag"),
        (Literal("beta"), "50.0", "with", "override_sample"),
    ]


def test_statsig_testing_helpers_are_overrides() -> None:
    source = (
        "from statsig import statsig\n\n"
        'statsig.override_gate("new_checkout", True)\n'
        'statsig.override_config("pricing", {"tier": 2})\n'
        'statsig.check_gate(user, "new_checkout")\n'
    )
    found = analyse_file("t.py", source, "t", False, Matcher([load_pack(shipped_packs_dir() / "statsig.toml")]))
    assert [(o.key, o.value) for o in found.overrides] == [(Literal("new_checkout"), "True"), (Literal("pricing"), None)]
    assert [ref.key for ref in found.references] == [Literal("new_checkout")]


def test_an_override_is_not_a_read_and_a_stale_one_is_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "flagkeeper.toml": 'rule-packs = ["django-waffle"]\n',
        "flags.toml": '[flags.new-checkout]\nowner = "payments"\ntype = "operational"\n',
        "tests/test_checkout.py": (
            "from waffle.testutils import override_flag\n\n"
            '@override_flag("new-checkout", active=True)\n@override_flag("new-chekout", active=True)\ndef test_a():\n    pass\n'
        ),
    })  # fmt: skip
    result = run(["check", ".", "--format", "json"], tmp_path)
    assert sorted((f["code"], f["key"], f["line"]) for f in result.json()) == [
        ("FK005", "new-checkout", 1),  # only a test overrides it: nothing reads it
        ("FK012", "new-chekout", 4),  # the typo
    ]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ('call = "x.set"\n', "needs exactly one of 'key' and 'keywords-are-keys = true'"),
        ('call = "x.set"\nkey = { position = 0 }\nkeywords-are-keys = true\n', "needs exactly one of 'key'"),
        ('call = "x.set"\nkeywords-are-keys = true\nvalue = { position = 0 }\n', "no 'value'"),
        ('call = "x.set"\nkeywords-are-keys = "yes"\n', "'keywords-are-keys' must be true or false"),
        ('key = { position = 0 }\n', "needs a 'call'"),
        ('call = "x.set"\nkey = { position = 0 }\nreceiver = "a b"\n', "'receiver' must be a dotted name"),
        ('call = "x.set"\nkey = { position = 0 }\nwhen = 1\n', "unknown field 'when' in [[override]]"),
    ],
)
def test_malformed_override_entries(tmp_path: Path, override: str, message: str) -> None:
    with pytest.raises(FlagkeeperError) as caught:
        facts(tmp_path, text='[pack]\nname = "h"\ndescription = "d"\n[[override]]\n' + override)
    assert message in caught.value.message
    assert caught.value.path == tmp_path / "house.toml"

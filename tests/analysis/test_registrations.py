"""Code registrations: what a pack's `[[register]]` entries find in one file, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagkeeper.analysis.analyse import analyse_file
from flagkeeper.analysis.cache import decode_facts, encode
from flagkeeper.analysis.facts import Dynamic, Literal, NameRef, Registration
from flagkeeper.analysis.packs import Matcher, load_pack
from flagkeeper.errors import FlagkeeperError

PACK = """\
[pack]
name = "house"
description = "in-house flag registrations"

[[register]]
call = "*.add"
receiver = "app.features.manager"
key = { position = 0 }
type = { position = 2, keyword = "kind" }
owner = { keyword = "owner" }

[[register]]
assign = "app.settings.DEFAULT_FEATURE_FLAGS"
comment-fields = '@lifecycle:\\s*(?P<type>[\\w-]+)'
"""

CALLS = """\
from app.features import manager

LATER = ("org:c", "org:d")

manager.add("org:a", Feature, "release", owner="growth")
for name in ["org:b", KEY]:
    manager.add(name, Feature)
for name in LATER:
    manager.add(name, Feature)
for name, kind in [("org:e", "operational")]:
    manager.add(name, Feature, kind)
for name in load():
    manager.add(name, Feature)
for kind in ["a", "b"]:
    manager.add("org:f", kind)
cache.add("org:not-a-flag")
manager.add(*names)
"""

MAPPING = """\
DEFAULT_FEATURE_FLAGS = {
    # Lets admins export every report at once.
    # @lifecycle: testing
    "BULK_EXPORT": False,
    "DARK_MODE": True,
    **PLUGIN_FLAGS,
}
OTHER = {"NOT_A_FLAG": 1}
"""


def matcher(tmp_path: Path, text: str = PACK) -> Matcher:
    (tmp_path / "house.toml").write_text(text, encoding="utf-8")
    return Matcher([load_pack(tmp_path / "house.toml")])


def registrations(tmp_path: Path, source: str, module: str) -> tuple[Registration, ...]:
    return analyse_file("x.py", source, module, False, matcher(tmp_path)).registrations


def test_registration_calls_also_in_loops_over_literals(tmp_path: Path) -> None:
    found = [(r.key, r.line, r.column, r.fields) for r in registrations(tmp_path, CALLS, "app.bootstrap")]
    assert found == [
        (Literal("org:a"), 5, 1, (("type", "release"), ("owner", "growth"))),
        # a loop over a list literal registers each element; a name in it resolves in the model
        (Literal("org:b"), 7, 5, ()),
        (NameRef("KEY"), 7, 5, ()),
        # a loop over a module-level tuple
        (Literal("org:c"), 9, 5, ()),
        (Literal("org:d"), 9, 5, ()),
        # tuples unpacked into the key and a field
        (Literal("org:e"), 11, 5, (("type", "operational"),)),
        # a loop over anything else: the loop variable, which no constant binds (FK009)
        (NameRef("name"), 13, 5, ()),
        # a loop whose variable is not the key: one registration
        (Literal("org:f"), 15, 5, ()),
        # `cache.add` is not on the receiver the pack names; `*names` hides the key
        (Dynamic("*names"), 17, 1, ()),
    ]


def test_the_receiver_may_be_a_name_of_the_module_itself(tmp_path: Path) -> None:
    source = 'manager = Manager()\nmanager.add("org:a", F)\n'
    assert [r.key for r in registrations(tmp_path, source, "app.features")] == [Literal("org:a")]
    assert registrations(tmp_path, source, "app.other") == ()


def test_registry_mapping_with_comments(tmp_path: Path) -> None:
    found = [(r.key, r.line, r.fields) for r in registrations(tmp_path, MAPPING, "app.settings")]
    assert found == [
        (Literal("BULK_EXPORT"), 4, (("default", "False"), ("description", "Lets admins export every report at once."), ("type", "testing"))),
        (Literal("DARK_MODE"), 5, (("default", "True"),)),
    ]
    # the same name in another module is not the registry
    assert registrations(tmp_path, MAPPING, "app.other") == ()


def test_the_registry_mapping_is_read_where_it_is_looked_up(tmp_path: Path) -> None:
    # Redash subscripts its organisation settings' defaults dict: those lookups are reads.
    source = """\
from app.settings import DEFAULT_FEATURE_FLAGS as defaults
from app import settings

if defaults["BULK_EXPORT"]:
    pass
dark = settings.DEFAULT_FEATURE_FLAGS.get("DARK_MODE", False)
other = settings.OTHER["NOT_A_FLAG"]
"""
    facts = analyse_file("x.py", source, "app.views", False, matcher(tmp_path))
    found = [(ref.key, ref.call, ref.line, ref.guard) for ref in facts.references]
    assert found == [
        (Literal("BULK_EXPORT"), "defaults[...]", 4, "if"),
        (Literal("DARK_MODE"), "settings.DEFAULT_FEATURE_FLAGS.get", 6, None),
    ]


def test_registrations_round_trip_through_the_cache(tmp_path: Path) -> None:
    for source, module in ((CALLS, "app.bootstrap"), (MAPPING, "app.settings")):
        facts = analyse_file("x.py", source, module, False, matcher(tmp_path))
        assert facts.registrations
        assert decode_facts(encode(facts)) == facts


@pytest.mark.parametrize(
    ("register", "message"),
    [
        ('call = "x.add"\n', "[[register]] 'x.add' needs 'key'"),
        ('call = "x.add"\nassign = "m.X"\nkey = { position = 0 }\n', "exactly one of 'call' and 'assign'"),
        ('assign = "m.X"\nkey = { position = 0 }\n', "'key' is for calls"),
        ('call = "x.add"\nkey = { position = 0 }\ncomment-fields = "(?P<type>x)"\n', "'comment-fields' is for 'assign'"),
        ('assign = "m.X"\ncomment-fields = "(?P<team>x)"\n', "named groups among type, owner"),
        ('call = "x.add"\nkey = { position = 0 }\nreceiver = "a b"\n', "'receiver' must be a dotted name"),
        ('call = "x.add"\nkey = { position = 0 }\nteam = { position = 1 }\n', "unknown field 'team' in [[register]]"),
    ],
)
def test_malformed_register_entries(tmp_path: Path, register: str, message: str) -> None:
    with pytest.raises(FlagkeeperError) as caught:
        matcher(tmp_path, '[pack]\nname = "h"\ndescription = "d"\n[[register]]\n' + register)
    assert message in caught.value.message
    assert caught.value.path == tmp_path / "house.toml"

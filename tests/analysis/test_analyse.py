"""Per-file analysis: which reads are found, where, under which guard, and with which key."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagkeeper.analysis.analyse import analyse_file
from flagkeeper.analysis.facts import Concat, Dynamic, FileFacts, Literal, NameRef
from flagkeeper.analysis.packs import Matcher, load_matcher, load_pack
from flagkeeper.config import Config
from tests.conftest import REPO

MATCHER = load_matcher(Config(root=REPO))


def facts_of(source: str, module: str = "app", is_package: bool = False) -> FileFacts:
    return analyse_file("app.py", source, module, is_package, MATCHER)


def test_guards_and_polarity() -> None:
    source = '''\
import ldclient
client = ldclient.get()

def route(order):
    if client.variation("a", ctx, False) and not client.variation("b", ctx, False):
        pass
    elif client.variation("c", ctx, False):
        pass
    size = 1 if client.variation("d", ctx, False) else 2
    while client.variation("e", ctx, False):
        break
    client.variation("f", ctx, False) and order.send()
    client.variation("g", ctx, False) or order.hold()
    if client.variation("h", ctx, "x") == "on":
        pass
    ready = [o for o in order.children if client.variation("i", ctx, False)]
    client.variation("j", ctx, False)
'''
    found = {ref.key.value: (ref.guard, ref.polarity) for ref in facts_of(source).references if isinstance(ref.key, Literal)}
    assert found == {
        "a": ("if", True), "b": ("if", False), "c": ("elif", True), "d": ("ternary", True),
        "e": ("while", True), "f": ("and", True), "g": ("or", False), "h": ("if", None),
        "i": ("if", True), "j": (None, None),
    }  # fmt: skip


def test_reference_position_function_call_and_default() -> None:
    source = 'import ldclient\n\nclass Router:\n    def route(self):\n        return ldclient.get().variation(\n            "a", ctx, default=True)\n'
    (ref,) = facts_of(source).references
    assert (ref.line, ref.column, ref.function, ref.call, ref.default, ref.pack) == (
        5, 16, "Router.route", "ldclient.get().variation", "True", "launchdarkly",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"new-checkout"', Literal("new-checkout")),
        ("NEW_CHECKOUT", NameRef("NEW_CHECKOUT")),
        ("names.NEW_CHECKOUT", NameRef("names.NEW_CHECKOUT")),
        ("Flags.NEW.value", NameRef("Flags.NEW.value")),
        ('PREFIX + "checkout"', Concat((NameRef("PREFIX"), Literal("checkout")))),
        ('f"{PREFIX}checkout"', Concat((NameRef("PREFIX"), Literal("checkout")))),
        ('"a" "b"', Literal("ab")),
        ('"venue_" + venue.lower()', Dynamic("'venue_' + venue.lower()")),
        ('f"{x!r}"', Dynamic("f'{x!r}'")),
        ("keys[0]", Dynamic("keys[0]")),
    ],
)
def test_key_expressions(expression: str, expected: object) -> None:
    (ref,) = facts_of(f"import ldclient\nldclient.get().variation({expression}, ctx, False)\n").references
    assert ref.key == expected
    assert ref.key_code == expression


def test_callee_resolved_through_imports() -> None:
    source = (
        "from os import getenv as read_env\nimport os as operating_system\n"
        'read_env("FEATURE_A")\noperating_system.environ["FEATURE_B"]\noperating_system.environ.get("FEATURE_C")\n'
        'operating_system.environ["FEATURE_D"] = "1"\nread_env("HOME")\n'
    )
    keys = [ref.key for ref in facts_of(source).references]
    assert keys == [Literal("FEATURE_A"), Literal("FEATURE_B"), Literal("FEATURE_C")]


def test_relative_imports_resolve_against_the_module() -> None:
    source = "from . import names\nfrom ..flags import client as flags\nfrom .names import PEG\nimport a.b.c\nimport x.y as z\n"
    facts = facts_of(source, module="smars.rlp.router")
    assert facts.aliases == {
        "names": "smars.rlp.names", "flags": "smars.flags.client", "PEG": "smars.rlp.names.PEG", "a": "a", "z": "x.y",
    }  # fmt: skip
    assert facts.imports[0] == ("smars.rlp.names", 1, (), False)
    assert facts_of("from . import names\n", module="smars", is_package=True).aliases == {"names": "smars.names"}


def test_module_constants_and_class_attributes() -> None:
    source = 'PEG = "peg_enabled"\nPREFIX: str = "svc_"\nJOINED = PREFIX + "x"\nCOUNT = 3\nclass Flags:\n    NEW = "new"\ndef f():\n    LOCAL = "no"\n'
    assert facts_of(source).constants == {
        "PEG": Literal("peg_enabled"), "PREFIX": Literal("svc_"),
        "JOINED": Concat((NameRef("PREFIX"), Literal("x"))), "Flags.NEW": Literal("new"),
    }  # fmt: skip


def test_syntax_error_is_recorded_not_raised() -> None:
    facts = facts_of("def broken(:\n    pass\n")
    assert facts.error is not None and facts.error.line == 1 and facts.references == ()


def test_reads_through_a_relative_import_of_a_pattern_package(tmp_path: Path) -> None:
    """`from . import flags` in package `housekeeping` reads `housekeeping.flags.on`, a name the
    file's text never spells out."""
    pack = tmp_path / "house.toml"
    pack.write_text('[pack]\nname = "house"\ndescription = "d"\n[[read]]\ncall = "housekeeping.flags.on"\nkey = { position = 0 }\n')
    matcher = Matcher([load_pack(pack)])
    source = 'from . import flags\nflags.on("dark-mode")\n'
    facts = analyse_file("housekeeping/views.py", source, "housekeeping.views", False, matcher)
    assert [ref.key for ref in facts.references] == [Literal("dark-mode")]
    assert analyse_file("shop/views.py", source, "shop.views", False, matcher).references == ()


def test_an_aliased_callee_is_matched_by_what_it_imports() -> None:
    source = "from ldclient import get as client_of\nfrom os import getenv as env\nclient_of().variation('a', c, False)\nenv('FEATURE_B')\n"
    assert [ref.key for ref in facts_of(source).references] == [Literal("a"), Literal("FEATURE_B")]


def _python_files() -> list[Path]:
    roots = [REPO / "flagkeeper", REPO / "tests", REPO / "examples", REPO / "benchmarks"]
    return sorted(path for root in roots if root.is_dir() for path in root.rglob("*.py"))


def test_last_name_shortcut_changes_no_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cheap path (a call whose last name ends no pattern is no read) must equal the full match."""
    sources = {path: path.read_text(encoding="utf-8") for path in _python_files()}
    fast = {path: analyse_file(path.name, text, path.stem, False, MATCHER) for path, text in sources.items()}
    monkeypatch.setattr(Matcher, "ends_a_pattern", lambda self, name: True)
    full = {path: analyse_file(path.name, text, path.stem, False, MATCHER) for path, text in sources.items()}
    assert len(sources) > 20 and sum(len(facts.references) for facts in fast.values()) > 20
    assert fast == full


def test_a_list_or_tuple_of_keys_is_one_read_per_element() -> None:
    source = (
        'import ldclient\nclient = ldclient.get()\n'
        'if client.variation(["new-search", KEY, *more], ctx, False):\n    pass\n'
        'client.variation(("a",), ctx, False)\n'
    )
    references = facts_of(source).references
    assert [(ref.key, ref.key_code, ref.line) for ref in references] == [
        (Literal("new-search"), '"new-search"', 3), (NameRef("KEY"), "KEY", 3), (Dynamic("*more"), "*more", 3), (Literal("a"), '"a"', 5),
    ]  # fmt: skip
    # a check of several keys may mean any or all of them: it guards nothing
    assert facts_of(source).branches == ()


MAPPING_PACK = """\
[pack]
name = "settings-flags"
description = "flags read from mappings"

[[read]]
mapping = "app.flags.get_flags()"

[[read]]
mapping = 'django.conf.settings.CONFIG["FEATURE_FLAGS"]'
"""


def test_reads_of_a_flags_mapping(tmp_path: Path) -> None:
    (tmp_path / "pack.toml").write_text(MAPPING_PACK, encoding="utf-8")
    matcher = Matcher([load_pack(tmp_path / "pack.toml")])
    source = """\
from app.flags import get_flags
from django.conf import settings

if get_flags()["NEW_SEARCH"]:
    pass
if "DARK_MODE" not in get_flags():
    pass
enabled = settings.CONFIG["FEATURE_FLAGS"].get("BULK_EXPORT", False)
other = settings.CONFIG["OTHER"].get("NOT_A_FLAG")
cached = {}["NOT_A_FLAG_EITHER"]
"""
    facts = analyse_file("app.py", source, "app.views", False, matcher)
    found = [(ref.key, ref.call, ref.line, ref.guard, ref.polarity, ref.default) for ref in facts.references]
    assert found == [
        (Literal("NEW_SEARCH"), "get_flags()[...]", 4, "if", True, None),
        (Literal("DARK_MODE"), "not in get_flags()", 6, "if", False, None),  # the body runs when the flag is off
        (Literal("BULK_EXPORT"), 'settings.CONFIG["FEATURE_FLAGS"].get', 8, None, None, "False"),
    ]
    assert [(branch.guards[0].key, branch.guards[0].polarity) for branch in facts.branches] == [
        (Literal("NEW_SEARCH"), True), (Literal("DARK_MODE"), False),
    ]  # fmt: skip

"""`[[read]] attribute-of`: flags kept as attributes of a settings object (`settings.FLAG`),
counted only for registered keys when `registered-only` says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagkeeper.analysis.analyse import analyse_file
from flagkeeper.analysis.facts import Literal
from flagkeeper.analysis.packs import Matcher, load_pack
from flagkeeper.errors import FlagkeeperError
from tests.conftest import run, write_tree

PACK = """
[pack]
name = "settings"
description = "Django settings flags, registered by get_bool_from_env in shop/settings.py"

[[read]]
attribute-of = "django.conf.settings"
registered-only = true

[[register]]
call = "shop.settings.get_bool_from_env"
key = { position = 0 }
default = { position = 1 }

[[override]]
call = "django.test.override_settings"
keywords-are-keys = true
registered-only = true
"""

SETTINGS = """\
import os


def get_bool_from_env(name, default_value):
    return os.environ.get(name, str(default_value)).lower() == "true"


DEBUG_TOOLBAR = False
ENABLE_SSL: bool = get_bool_from_env("ENABLE_SSL", False)
PLAYGROUND_ENABLED = get_bool_from_env("PLAYGROUND_ENABLED", True)
TELEMETRY = get_bool_from_env("TELEMETRY", True)
"""

VIEWS = """\
from django.conf import settings as conf


def index(request):
    if conf.PLAYGROUND_ENABLED and not conf.DEBUG_TOOLBAR:
        return "playground"
    scheme = "https" if conf.ENABLE_SSL else "http"
    conf.ENABLE_SSL = True  # a store, not a read
    return scheme + conf.SECRET_KEY
"""


def test_attribute_reads_are_resolved_through_imports_and_guard_like_calls(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text(PACK, encoding="utf-8")
    reads = analyse_file("shop/views.py", VIEWS, "shop.views", False, Matcher([load_pack(tmp_path / "p.toml")])).references
    # per file every `conf.NAME` load is a candidate; the model keeps registered keys only
    assert [(r.key, r.call, r.line, r.guard, r.polarity, r.registered_only) for r in reads] == [
        (Literal("PLAYGROUND_ENABLED"), "conf.PLAYGROUND_ENABLED", 5, "if", True, True),
        (Literal("DEBUG_TOOLBAR"), "conf.DEBUG_TOOLBAR", 5, "if", False, True),
        (Literal("ENABLE_SSL"), "conf.ENABLE_SSL", 7, "ternary", True, True),
        (Literal("SECRET_KEY"), "conf.SECRET_KEY", 9, None, None, True),
    ]


def test_only_registered_settings_are_flag_reads(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "flagkeeper.toml": 'rule-packs = ["settings.toml"]\n',
        "settings.toml": PACK,
        "shop/__init__.py": "",
        "shop/settings.py": SETTINGS,
        "shop/views.py": VIEWS,
        "tests/test_views.py": (
            "from django.test import override_settings\n\n\n"
            '@override_settings(PLAYGROUND_ENABLED=False, TIME_ZONE="UTC")\ndef test_index():\n    pass\n'
        ),
    })  # fmt: skip
    flags = run(["inventory", ".", "--format", "json"], tmp_path).json()["flags"]
    # TIME_ZONE is overridden too, but is no flag: a registered-only override counts for registered keys only
    assert [(flag["key"], [ref["line"] for ref in flag["references"]], [o["value"] for o in flag["overrides"]]) for flag in flags] == [
        ("ENABLE_SSL", [7], []),
        ("PLAYGROUND_ENABLED", [5], ["False"]),
        ("TELEMETRY", [], []),
    ]
    findings = run(["check", ".", "--format", "json"], tmp_path).json()
    # DEBUG_TOOLBAR and SECRET_KEY are plain settings: no FK001; TELEMETRY is registered and unread
    assert [(f["code"], f["key"]) for f in findings] == [("FK005", "TELEMETRY")]


@pytest.mark.parametrize(
    ("read", "message"),
    [
        ('attribute-of = "django.conf.settings()"\n', "not a dotted name like django.conf.settings"),
        ('attribute-of = "django.conf.settings"\nkey = { position = 0 }\n', "takes its key from the attribute's name"),
        ('attribute-of = "django.conf.settings"\nregistered-only = 1\n', "'registered-only' must be true or false"),
        ('call = "x.on"\nkey = { position = 0 }\nregistered-only = true\n', "'registered-only' is for an 'attribute-of' [[read]]"),
        ('call = "x.on"\nattribute-of = "x"\n', "exactly one of 'call', 'subscript', 'mapping' and 'attribute-of'"),
    ],
)
def test_malformed_attribute_reads(tmp_path: Path, read: str, message: str) -> None:
    (tmp_path / "p.toml").write_text('[pack]\nname = "h"\ndescription = "d"\n[[read]]\n' + read, encoding="utf-8")
    with pytest.raises(FlagkeeperError) as caught:
        load_pack(tmp_path / "p.toml")
    assert message in caught.value.message

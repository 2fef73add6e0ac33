"""`flagkeeper remove` takes away every trace of a flag, not only its reads: its overrides in
tests and settings, its registration in code, its entry in a defaults mapping, and (with
--registry-retire) its registry entry, which becomes a tombstone; what it cannot take away (a
frontend read) is listed, with its file and line, as remaining work."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import run, write_tree

PACK = """\
[pack]
name = "shop"
description = "The shop's own flag helpers"

[[read]]
call = "shop.features.is_active"
key = { position = 0 }

[[register]]
call = "*.add"
receiver = "shop.features.manager"
key = { position = 0 }

[[register]]
assign = "shop.settings.DEFAULT_FLAGS"

[[override]]
call = "*.feature"
receiver = "self"
key = { position = 0 }

[[override]]
call = "django.test.override_settings"
key = { keyword = "FLAGS" }

[[read]]
language = "typescript"
call = "*.isActive"
key = { position = 0 }
"""

SHOP = {
    "flagkeeper.toml": 'extend-rule-packs = ["shop_pack.toml"]\n',
    "shop_pack.toml": PACK,
    "flags.toml": """\
[flags.new_flow]
owner = "checkout"
type = "release"
description = "The new checkout flow"

[flags.gift_cards]
owner = "checkout"
type = "release"
description = "Gift cards at checkout"
""",
    "shop/__init__.py": "",
    "shop/features.py": '''\
"""The shop's flags."""


class FeatureManager:
    def __init__(self):
        self.defaults = {}

    def add(self, key, default=False):
        self.defaults[key] = default


manager = FeatureManager()
manager.add("new_flow", default=False)
manager.add("gift_cards", default=True)


def is_active(key):
    return manager.defaults.get(key, False)
''',
    "shop/settings.py": """\
DEFAULT_FLAGS = {
    # The new checkout flow, behind a flag until it is proven.
    "new_flow": False,
    "gift_cards": True,  # on for everyone
}
""",
    "shop/checkout.py": """\
from shop.features import is_active


def total(cart):
    if is_active("new_flow"):
        return sum(cart) * 0.9
    return sum(cart)
""",
    "shop/tests/__init__.py": "",
    "shop/tests/test_checkout.py": """\
from django.test import TestCase, override_settings
from waffle.testutils import override_flag

from shop.checkout import total


class CheckoutTests(TestCase):
    def test_plain_total(self):
        self.assertEqual(total([1, 2]), 3)

    @override_flag("new_flow", active=True)
    def test_new_flow_discounts(self):
        self.assertEqual(total([10]), 9)

    @override_flag("new_flow", active=False)
    def test_old_flow_total(self):
        self.assertEqual(total([10]), 10)

    @override_settings(FLAGS={"new_flow": True, "gift_cards": True})
    def test_settings_turn_the_new_flow_on(self):
        self.assertEqual(total([20]), 18)

    @override_settings(FLAGS={"new_flow": False, "gift_cards": True})
    def test_settings_keep_the_old_flow(self):
        self.assertEqual(total([20]), 20)

    def test_feature_helper(self):
        with self.feature("new_flow"):
            self.assertEqual(total([10]), 9)
""",
    "web/src/checkout.ts": """\
import { flags } from "./flags";

export function discount(): number {
  return flags.isActive("new_flow") ? 0.9 : 1;
}
""",
}


def _python_files(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8") for path in sorted(root.rglob("*.py"))}


def test_every_python_trace_goes_and_the_frontend_read_is_left_as_work(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "shop", SHOP)
    result = run(["remove", "new_flow", "--value", "false", "--tests", "--registry-retire", "--write"], root)
    assert result.exit_code == 0, result.stderr

    files = _python_files(root)
    assert [path for path, text in files.items() if re.search(r"new_flow", text)] == []  # no Python trace remains
    for path, text in files.items():
        compile(text, path, "exec")  # every changed file compiles
    assert files["shop/settings.py"] == 'DEFAULT_FLAGS = {\n    "gift_cards": True,  # on for everyone\n}\n'
    assert 'manager.add("gift_cards", default=True)\n' in files["shop/features.py"]
    tests = files["shop/tests/test_checkout.py"]
    assert "def test_old_flow_total(self):\n        self.assertEqual(total([10]), 10)" in tests  # kept, without its override
    assert '@override_settings(FLAGS={"gift_cards": True})\n    def test_settings_keep_the_old_flow' in tests
    for gone in ("test_new_flow_discounts", "test_settings_turn_the_new_flow_on", "test_feature_helper", "override_flag"):
        assert gone not in tests
    assert "def test_plain_total" in tests

    registry = (root / "flags.toml").read_text(encoding="utf-8")
    assert "[retired.new_flow]" in registry and "[flags.new_flow]" not in registry
    assert 'meaning = "The new checkout flow"' in registry

    assert "web/src/checkout.ts" in (root / "web/src/checkout.ts").as_posix()
    assert (root / "web/src/checkout.ts").read_text(encoding="utf-8") == SHOP["web/src/checkout.ts"]
    remaining = result.stderr.split("remaining work")[1]
    assert "web/src/checkout.ts:4: typescript read of 'new_flow': remove it by hand" in remaining


def test_without_tests_the_tests_of_the_gone_state_are_listed_and_json_has_the_plan(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "shop", SHOP)
    result = run(["remove", "new_flow", "--value", "false", "--format", "json"], root)
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    plan = json.loads(result.stdout)
    assert (plan["flags"], plan["written"]) == ([{"key": "new_flow", "value": False}], False)
    changed = {change["path"]: change["removed"] for change in plan["changes"]}
    assert changed["shop/tests/test_checkout.py"] == {"override": 2}  # the decorators of the kept state
    assert changed["shop/settings.py"] == {"default": 1} and changed["shop/features.py"] == {"registration": 1}
    assert '-    @override_flag("new_flow", active=False)\n' in next(c["diff"] for c in plan["changes"] if c["path"].endswith("test_checkout.py"))
    assert [(entry["path"], entry["line"]) for entry in plan["remaining"]] == [
        ("shop/tests/test_checkout.py", 11),
        ("shop/tests/test_checkout.py", 19),
        ("shop/tests/test_checkout.py", 28),
        ("web/src/checkout.ts", 4),
        ("flags.toml", 1),  # last: --registry-retire would take it
    ]
    assert plan["remaining"][0]["what"] == (
        "test CheckoutTests.test_new_flow_discounts runs with 'new_flow' set to True, a state that is gone: delete it (--tests does)"
    )
    assert (root / "shop/settings.py").read_text(encoding="utf-8") == SHOP["shop/settings.py"]  # nothing written


def test_what_cannot_be_edited_is_listed_with_file_and_line(tmp_path: Path) -> None:
    files = dict(SHOP)
    files["shop/features.py"] += 'NEW_FLOW = manager.add("new_flow")\n'  # held by a name other code may use
    files["shop/tests/test_odd.py"] = """\
from waffle.testutils import override_flag

from shop.features import is_active


@override_flag("new_flow", active="yes")
def test_odd_value():
    assert is_active("new" + "_" + SUFFIX) is not None


def helper(prefix):
    return is_active(prefix + "_flow")
"""
    root = write_tree(tmp_path / "shop", files)
    result = run(["remove", "new_flow", "--value", "false", "--tests", "--format", "json"], root)
    remaining = {(entry["path"], entry["line"]): entry["what"] for entry in json.loads(result.stdout)["remaining"]}
    assert remaining[("shop/features.py", 19)] == "this registration of 'new_flow' could not be removed: edit it by hand"
    assert remaining[("shop/tests/test_odd.py", 6)] == ("override_flag() sets 'new_flow' to 'yes', not a value like False in test_odd_value: edit it by hand")
    assert remaining[("shop/tests/test_odd.py", 12)] == "read with a computed key (prefix + \"_flow\") that may be 'new_flow': check it by hand"
    assert remaining[("shop/tests/test_odd.py", 8)] == 'read with a computed key ("new" + "_" + SUFFIX) that may be \'new_flow\': check it by hand'


def test_a_flag_registered_only_in_code_gets_its_tombstone_in_a_new_registry(tmp_path: Path) -> None:
    files = {path: text for path, text in SHOP.items() if path != "flags.toml"}
    root = write_tree(tmp_path / "shop", files)
    result = run(["remove", "new_flow", "--value", "false", "--tests", "--registry-retire", "--write", "--today", "2026-12-01"], root)
    assert result.exit_code == 0, result.stderr
    registry = (root / "flags.toml").read_text(encoding="utf-8")
    assert registry.startswith('[retired.new_flow]\nretired = 2026-12-01\nmeaning = "The new checkout flow, behind a flag until it is proven."\n')
    assert result.stderr.endswith(
        "remaining work (1): traces flagkeeper did not remove\n  web/src/checkout.ts:4: typescript read of 'new_flow': remove it by hand\n"
    )

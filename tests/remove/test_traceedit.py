"""The edits that take a flag's overrides and registrations out of one file (remove/traceedit.py):
before and after, and the edits that find nothing to change."""

from __future__ import annotations

import pytest

from flagkeeper.remove.traceedit import DropCall, DropDefinition, DropEntry, Edit, apply_edits

CASES = {
    "a with block is unindented when its only item goes": (
        "def test_x(self):\n    # set up\n    with self.feature('x'):\n        a()\n        b()\n    c()\n",
        [DropCall(3, "self.feature", "'x'", "override")],
        "def test_x(self):\n    # set up\n    a()\n    b()\n    c()\n",
    ),
    "one item of several goes from a with": (
        "def test_x(self):\n    with mock.patch('y'), override_flag('x', True):\n        a()\n",
        [DropCall(2, "override_flag", "'x'", "override")],
        "def test_x(self):\n    with mock.patch('y'):\n        a()\n",
    ),
    "a keyword of a call that sets several flags": (
        "@override_flags(NEW_UI=True, x=False)\ndef test_x():\n    pass\n",
        [DropCall(1, "override_flags", "x", "override")],
        "@override_flags(NEW_UI=True)\ndef test_x():\n    pass\n",
    ),
    "the dict argument goes when it had only the key": (
        "@override_settings(DEBUG=True, FLAGS={'x': True})\ndef test_x():\n    pass\n",
        [DropCall(1, "override_settings", "'x'", "override")],
        "@override_settings(DEBUG=True)\ndef test_x():\n    pass\n",
    ),
    "an element of a list of keys": (
        "def test_x(self):\n    self.feature(['a', 'x', 'b'])\n",
        [DropCall(2, "self.feature", "'x'", "override")],
        "def test_x(self):\n    self.feature(['a', 'b'])\n",
    ),
    "a loop over a literal keeps its other keys": (
        "for key in [\n    'x',  # the new flow\n    'y',\n]:\n    manager.add(key)\n",
        [DropEntry("", 1, "'x'", "registration")],
        "for key in [\n    'y',\n]:\n    manager.add(key)\n",
    ),
    "a loop goes with its last key": (
        "setup()\n\nfor key, kind in [('x', 'release')]:\n    manager.add(key, kind)\nmore()\n",
        [DropEntry("", 3, "'x'", "registration")],
        "setup()\n\nmore()\n",
    ),
    "a module-level tuple stays a tuple": (
        "RELEASES = ('y', 'x')\nfor key in RELEASES:\n    manager.add(key)\n",
        [DropEntry("RELEASES", 2, "'x'", "registration")],
        "RELEASES = ('y',)\nfor key in RELEASES:\n    manager.add(key)\n",
    ),
    "the last entry of a mapping without a trailing comma": (
        "FLAGS = {'a': True, 'x': False}\n",
        [DropEntry("FLAGS", 1, "'x'", "default")],
        "FLAGS = {'a': True}\n",
    ),
    "a test method, not its namesake in another class": (
        "class A:\n    def test_x(self):\n        pass\n\n    def test_y(self):\n        pass\n\n\nclass B:\n    def test_x(self):\n        pass\n",
        [DropDefinition("A.test_x", 2)],
        "class A:\n    def test_y(self):\n        pass\n\n\nclass B:\n    def test_x(self):\n        pass\n",
    ),
}


@pytest.mark.parametrize("before, edits, after", CASES.values(), ids=CASES.keys())
def test_edit(before: str, edits: list[Edit], after: str) -> None:
    result = apply_edits(before, edits)
    assert result.text == after
    assert result.not_done == []


def test_a_call_held_by_a_name_is_not_edited() -> None:
    source = "NEW_FLOW = manager.add('x')\nwith override_flag('x', True) as flag:\n    use(flag)\n"
    edits: list[Edit] = [DropCall(1, "manager.add", "'x'", "registration"), DropCall(2, "override_flag", "'x'", "override")]
    result = apply_edits(source, edits)
    assert result.text == source
    assert result.not_done == edits

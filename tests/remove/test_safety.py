"""`flagkeeper remove --write` never leaves broken or half-written code: results that would not
compile or would change behaviour are refused per file, encodings and line endings are kept,
and a failed write leaves every file (and the registry) as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run
from tests.remove.test_remove import APP, REGISTRY, smars  # noqa: F401 (a fixture)

GENERATOR = """\
import flags


def items(cart):
    if flags.is_enabled("new_flow"):
        yield from cart
    return


async def stream(cart):
    if flags.is_enabled("new_flow"):
        yield cart
"""

NONLOCAL = """\
import flags


def outer():
    if flags.is_enabled("new_flow"):
        count = 0

    def middle():
        def inner():
            nonlocal count
            count += 1
        return inner
    return middle
"""


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file but the analysis cache and the registry's lock file (which stays after any edit)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
        if path.is_file() and ".flagkeeper_cache" not in path.parts and not path.name.endswith(".lock")
    }  # fmt: skip


@pytest.mark.parametrize(
    ("source", "value", "reason"),
    [
        (GENERATOR, "false", "app.py:4: cannot remove 'new_flow' here: items() would no longer be a generator"),
        (GENERATOR.replace("yield from cart", "yield from cart\n    yield 0"), "false", "app.py:11: cannot remove 'new_flow' here: stream()"),
        (NONLOCAL, "false", "app.py: the result would not compile (no binding for nonlocal 'count' found, line 7)"),
        # one of several keys of a call: replacing the call would change what the other keys decide
        ('import flags\n\n\ndef items(cart):\n    if flags.is_enabled(["new_flow", "old_flow"]):\n        return cart\n    return []\n',
         "false", 'app.py:5: the read of "new_flow" shares its call with other keys: edit it by hand'),
    ],
)
def test_a_file_that_cannot_be_changed_safely_is_refused(project, source: str, value: str, reason: str) -> None:
    folder = project({"flags.toml": REGISTRY, "app.py": source, "other.py": APP})
    result = run(["remove", "new_flow", "--value", value, "--write", "--registry-retire"], folder)
    assert result.exit_code == 2
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("flagkeeper: error:")]
    assert reason in error and error.endswith("; the file is left unchanged")
    assert (folder / "app.py").read_text(encoding="utf-8") == source
    assert (folder / "other.py").read_text(encoding="utf-8") == "def checkout(cart):\n    return cart\n"  # the rest is done
    assert (folder / "flags.toml").read_text(encoding="utf-8") == REGISTRY  # still read: not retired
    assert "the registry entry of 'new_flow' stays" in result.stderr


def test_a_generator_that_keeps_a_yield_is_changed(project) -> None:
    source = 'import flags\n\n\ndef items(cart):\n    if flags.is_enabled("new_flow"):\n        yield 0\n    yield from cart\n'
    folder = project({"app.py": source})
    assert run(["remove", "new_flow", "--value", "false", "--write"], folder).exit_code == 0
    assert (folder / "app.py").read_text(encoding="utf-8") == "def items(cart):\n    yield from cart\n"


LATIN_1 = '# -*- coding: latin-1 -*-\nimport flags\n\nGREETING = "héllo"\n\nif flags.is_enabled("new_flow"):\n    print("café")\n'


def test_a_latin_1_file_is_written_back_in_latin_1(project) -> None:
    folder = project({})
    (folder / "app.py").write_bytes(LATIN_1.encode("latin-1"))
    shown = run(["remove", "new_flow", "--value", "true"], folder)
    assert shown.exit_code == 1 and '-    print("café")\n+print("café")\n' in shown.stdout
    assert run(["remove", "new_flow", "--value", "true", "--write"], folder).exit_code == 0
    expected = '# -*- coding: latin-1 -*-\nGREETING = "héllo"\n\nprint("café")\n'
    assert (folder / "app.py").read_bytes() == expected.encode("latin-1")


def test_a_value_the_encoding_cannot_hold_is_refused(project) -> None:
    folder = project({})
    source = LATIN_1.replace("if flags", "mode = flags").replace(':\n    print("café")', "")
    (folder / "app.py").write_bytes(source.encode("latin-1"))
    result = run(["remove", "new_flow", "--value", '"€"', "--write"], folder)
    assert result.exit_code == 2 and "cannot remove 'new_flow' here: the value cannot be written in latin-1" in result.stderr
    assert (folder / "app.py").read_bytes() == source.encode("latin-1")


def test_bom_and_crlf_are_kept(project) -> None:
    folder = project({})
    (folder / "app.py").write_bytes(b"\xef\xbb\xbf" + APP.replace("\n", "\r\n").encode())
    assert run(["remove", "new_flow", "--value", "true", "--write"], folder).exit_code == 0
    assert (folder / "app.py").read_bytes() == b"\xef\xbb\xbfdef checkout(cart):\r\n    return cart * 2\r\n"


def crash_on_call(monkeypatch: pytest.MonkeyPatch, folder: Path, number: int) -> None:
    """os.replace onto a file of the project at `folder` fails on its `number`th call (a full
    disk), and only then; the analysis cache's writes do not count."""
    real, calls = os.replace, []

    def replace(source: str | Path, target: str | Path) -> None:
        counts = Path(target).is_relative_to(folder) and ".flagkeeper_cache" not in Path(target).parts
        calls.extend([target] if counts else [])
        if counts and len(calls) == number:
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("failing", [1, 2, 3])  # the first file, the second, the registry
def test_a_failed_write_changes_nothing(project, monkeypatch: pytest.MonkeyPatch, failing: int) -> None:
    folder = project({"flags.toml": REGISTRY, "shop/app.py": APP, "shop/cart.py": APP})
    before = files_of(folder)
    crash_on_call(monkeypatch, folder, failing)
    result = run(["remove", "new_flow", "--value", "true", "--write", "--registry-retire"], folder)
    assert result.exit_code == 2
    assert result.stderr.startswith("flagkeeper: error: ") and result.stderr.endswith("No space left on device; no file was changed\n")
    assert result.stderr.count("\n") == 1
    assert files_of(folder) == before  # also: no temporary file or backup left behind


def test_deleted_modules_come_back_when_a_write_fails(smars: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    before = files_of(smars)
    crash_on_call(monkeypatch, smars, 3)
    result = run(["remove", "peg_enabled", "--value", "false", "--write", "--delete-modules"], smars)
    assert result.exit_code == 2 and "no file was changed" in result.stderr
    assert files_of(smars) == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_changes_nothing(project) -> None:
    folder = project({"flags.toml": REGISTRY, "a/app.py": APP, "b/app.py": APP})
    before = files_of(folder)
    (folder / "b").chmod(0o555)
    try:
        result = run(["remove", "new_flow", "--value", "true", "--write"], folder)
    finally:
        (folder / "b").chmod(0o755)
    assert result.exit_code == 2 and "b/app.py: cannot write: Permission denied; no file was changed" in result.stderr
    assert files_of(folder) == before


def test_a_linked_file_is_not_written_through(project) -> None:
    folder = project({"app.py": APP, "real/shop.py": APP})
    (folder / "shop.py").symlink_to(folder / "real" / "shop.py")
    result = run(["remove", "new_flow", "--value", "true", "--write"], folder)
    assert result.exit_code == 2 and "shop.py: is a symbolic link; flagkeeper does not write through links; no file was changed" in result.stderr
    assert (folder / "app.py").read_text(encoding="utf-8") == APP and (folder / "real" / "shop.py").read_text(encoding="utf-8") == APP

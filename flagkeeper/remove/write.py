"""Applying a removal all or nothing: every new text is staged in a temporary file beside its
target first, then the targets are replaced one by one with a backup of each; when a write
fails (a read-only folder, a full disk) the files already replaced are restored from their
backups, so the project is as it was. The registry is edited last, inside the same
transaction: if that fails, the files go back too.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from flagkeeper.errors import FlagkeeperError
from flagkeeper.remove.project import FileChange


@dataclass
class _Swap:
    """One target: its staged new bytes (None: it is deleted) and, once replaced, its backup."""

    target: Path
    staged: Path | None
    backup: Path | None = None


def _refuse_links(path: Path) -> None:
    """A link is neither written through (its target may lie anywhere) nor replaced by a file."""
    if path.is_symlink():
        raise FlagkeeperError("is a symbolic link; flagkeeper does not write through links", path)


def _stage(target: Path, data: bytes) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".flagkeeper-new", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, target.stat().st_mode & 0o7777)  # mkstemp's 0600 would hide it from others
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _back_up(target: Path) -> Path:
    """A second name for the old file (a hard link; a copy where links are not supported)."""
    backup = target.with_name(f".{target.name}.{secrets.token_hex(4)}.flagkeeper-old")
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


def _replace(swap: _Swap) -> None:
    backup = _back_up(swap.target)
    try:
        if swap.staged is None:
            swap.target.unlink()
        else:
            os.replace(swap.staged, swap.target)
    except BaseException:
        _discard([backup])
        raise
    swap.backup = backup


def _restore(done: Sequence[_Swap]) -> list[Path]:
    """Put every replaced file back; the backups that could not be put back."""
    stuck = []
    for swap in reversed(done):
        try:
            assert swap.backup is not None
            os.replace(swap.backup, swap.target)
        except OSError:
            stuck.append(swap.backup or swap.target)
    return stuck


def _discard(paths: Sequence[Path | None]) -> None:
    for path in paths:
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def _remove_empty_folders(deleted: Sequence[Path], root: Path) -> None:
    for path in deleted:
        folder = path.parent
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # a package folder left empty
            folder = folder.parent


def apply_changes(changes: Sequence[FileChange], root: Path, then: Callable[[], object] | None = None) -> None:
    """Write every change, then run `then` (the registry edit); all of it or none of it."""
    swaps: list[_Swap] = []
    done: list[_Swap] = []
    current = root
    try:
        for change in changes:
            current = change.path
            _refuse_links(change.path)
            swaps.append(_Swap(change.path, None if change.after is None else _stage(change.path, change.new_bytes())))
        for swap in swaps:
            current = swap.target
            _replace(swap)
            done.append(swap)
        if then is not None:
            then()
    except (OSError, FlagkeeperError) as error:
        stuck = _restore(done)
        _discard([swap.staged for swap in swaps if swap not in done])
        why = error.message if isinstance(error, FlagkeeperError) else f"cannot write: {error.strerror or error}"
        where = error.path if isinstance(error, FlagkeeperError) and error.path is not None else current
        if stuck:
            raise FlagkeeperError(f"{why}; could not restore {', '.join(map(str, stuck))}: the old text is there", where) from None
        raise FlagkeeperError(f"{why}; no file was changed", where) from None
    _discard([swap.backup for swap in swaps])
    _remove_empty_folders([change.path for change in changes if change.after is None], root)

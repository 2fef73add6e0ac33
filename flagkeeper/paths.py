"""Paths as flagkeeper shows and writes them: relative to a root, relative to the working folder, atomically replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from flagkeeper.errors import FlagkeeperError


def inside_root(path: Path, root: Path) -> str | None:
    """`path` relative to `root` in POSIX form, or None when it lies outside.

    On strings: pathlib's relative_to costs a tenth of a second per 10,000 calls, and a run
    makes a few for every file.
    """
    text, base = str(path), str(root)
    if text == base:
        return "."
    prefix = base if base.endswith(os.sep) else base + os.sep
    return text[len(prefix) :].replace(os.sep, "/") if text.startswith(prefix) else None


def relative_path(path: Path, root: Path) -> str:
    """`path` relative to `root` in POSIX form; absolute when it lies outside."""
    inside = inside_root(path, root)
    return path.as_posix() if inside is None else inside


def require_utf8_name(path: Path) -> Path:
    """`path`, when its name is valid UTF-8: every output format writes names as UTF-8, and a
    name the file system decoded with surrogates (os.fsdecode) cannot be written."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise FlagkeeperError("the file name is not valid UTF-8: rename the file, or exclude it", path) from None
    return path


def display_path(path: Path) -> str:
    """Relative to the working folder when below it (as ruff prints), else absolute; always `/`."""
    try:
        return Path(os.path.relpath(path)).as_posix() if path.is_relative_to(Path.cwd()) else path.as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def repository_root(start: Path) -> Path:
    """The nearest folder at or above `start` with a `.git` (a folder, or a file in a worktree), else `start`."""
    return next((folder for folder in (start, *start.parents) if (folder / ".git").exists()), start)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomically(path: Path, text: str) -> None:
    """Replace `path` with a file holding `text`: written beside it, then renamed over it.

    A reader sees the old file or the new one, never half of one, and a failure leaves no
    temporary file. A symbolic link at `path` is replaced, never written through: the output
    path may come from a hostile checkout, and its link may point at a shell rc file.
    """
    import tempfile  # with shutil and the compressors it imports: only commands that write a file load it

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        # The file keeps its mode (not a link's, nor its target's); a new one gets what open() would give it (mkstemp's is 0600).
        existing = os.lstat(path).st_mode if os.path.lexists(path) else 0
        os.chmod(temporary, existing & 0o777 if stat.S_ISREG(existing) else 0o666 & ~_current_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
        folder = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def write_output(path: Path, text: str, what: str) -> None:
    """write_text_atomically for a file the user asked for; failing (no such folder, disk full) is a FlagkeeperError."""
    try:
        write_text_atomically(path, text)
    except OSError as error:
        raise FlagkeeperError(f"cannot write {what}: {error.strerror or error}", path) from None

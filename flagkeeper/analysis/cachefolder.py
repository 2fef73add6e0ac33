"""The files of the cache folder, which may be hostile (see cache.py): folders and files opened
only when they are ours and never through a link, read only when regular, written whole (a new
temporary file renamed over the name), deleted only when regular files."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

# What tools look for to leave a cache folder alone: git (.gitignore) and backup tools (CACHEDIR.TAG).
MARKERS = {
    ".gitignore": "# Created by flagkeeper\n*\n",
    "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n# This is a cache folder created by flagkeeper.\n",
}
_NO_LINKS = os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | _NO_LINKS
# O_NONBLOCK: opening a FIFO planted in the folder must not hang the run; it is then refused as not a file.
_READ = os.O_RDONLY | os.O_NONBLOCK | _NO_LINKS
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_LINKS


def usable_folder(folder: Path) -> bool:
    """May the cache live in `folder`? Not when it is a link or someone else's (one warning line)."""
    try:
        found = os.lstat(folder)
    except FileNotFoundError:
        return True  # created on the first write, by us
    except OSError as exc:
        return _refuse(folder, exc.strerror or str(exc))
    if stat.S_ISLNK(found.st_mode):
        return _refuse(folder, "it is a symbolic link")
    if not stat.S_ISDIR(found.st_mode):
        return _refuse(folder, "it is not a folder")
    if found.st_uid != os.getuid():
        return _refuse(folder, "it belongs to another user")
    if _tracked_by_git(folder):
        return _refuse(folder, "git tracks files in it, and a cache is never committed")
    return True


def _tracked_by_git(folder: Path) -> bool:
    """Does the repository hold files of `folder`? Entries committed there are the repository's
    word on its own findings (whoever can compute a key can forge one), so they are not used."""
    try:
        result = subprocess.run(["git", "ls-files", "-z", "--cached", "--", "."], cwd=folder, capture_output=True, check=False)
    except OSError:
        return False  # no git: nothing can be committed
    return result.returncode == 0 and bool(result.stdout)


def _refuse(folder: Path, why: str) -> bool:
    sys.stderr.write(f"flagkeeper: warning: not using the cache in {folder}: {why}\n")
    return False


def _open_owned(path: str, parent: int | None = None, create: bool = False) -> int | None:
    """A descriptor of our folder `path` (in `parent`), never through a link; None if not ours."""
    try:
        if create:
            with contextlib.suppress(FileExistsError):
                os.mkdir(path, 0o777, dir_fd=parent)
        descriptor = os.open(path, _FOLDER, dir_fd=parent)
    except OSError:
        return None
    if os.fstat(descriptor).st_uid != os.getuid():
        os.close(descriptor)
        return None
    return descriptor


@contextlib.contextmanager
def owned_folder(path: str, parent: int | None = None, create: bool = False) -> Iterator[int | None]:
    descriptor = _open_owned(path, parent, create)
    try:
        yield descriptor
    finally:
        if descriptor is not None:
            os.close(descriptor)


def read(folder: int, name: str) -> bytes | None:
    """The bytes of the regular file `name`, or None (missing, a link, a device, unreadable)."""
    return read_with_stat(folder, name)[0]


def read_with_stat(folder: int, name: str) -> tuple[bytes | None, os.stat_result | None]:
    """read, with the stat of the file it read."""
    try:
        descriptor = os.open(name, _READ, dir_fd=folder)
    except OSError:
        return None, None
    try:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode) or found.st_uid != os.getuid():
            return None, None
        with open(descriptor, "rb", closefd=False) as stream:
            return stream.read(), found
    except OSError:
        return None, None
    finally:
        os.close(descriptor)


def write(folder: int, name: str, data: bytes) -> os.stat_result:
    """Replace `name` in `folder` whole: a new temporary file, then a rename (which replaces a
    link named `name`, never the file it points to). The stat of the file written."""
    temporary = f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"  # os.urandom: `secrets` costs its imports at every start
    descriptor = os.open(temporary, _CREATE, 0o666, dir_fd=folder)
    try:
        with open(descriptor, "wb", closefd=False) as stream:
            stream.write(data)
        written = os.fstat(descriptor)  # a rename keeps size, time and inode
        os.close(descriptor)
        descriptor = -1
        os.rename(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)  # on POSIX it replaces `name` atomically
        return written
    finally:
        if descriptor >= 0:
            os.close(descriptor)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary, dir_fd=folder)


def remove_file(folder: int, name: str) -> None:
    """Delete `name` if it is a regular file of ours (a link, a folder or another's file stays)."""
    with contextlib.suppress(OSError):
        found = os.stat(name, dir_fd=folder, follow_symlinks=False)
        if stat.S_ISREG(found.st_mode) and found.st_uid == os.getuid():
            os.unlink(name, dir_fd=folder)


def mark(folder: int) -> None:
    """Write the markers that are missing; an existing name (even a dangling link) is left alone."""
    for marker, text in MARKERS.items():
        with contextlib.suppress(OSError):
            descriptor = os.open(marker, _CREATE, 0o666, dir_fd=folder)
            with open(descriptor, "w", encoding="utf-8") as stream:
                stream.write(text)

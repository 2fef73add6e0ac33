"""Edit flags.toml safely: every comment and untouched line survives, and a failed edit loses nothing.

An edit takes an exclusive lock (a lock file beside the registry, held with flock, so a crashed
writer never leaves it locked), reads the file under the lock, changes a tomlkit document,
writes a temporary file in the same folder, fsyncs it and renames it over the registry, and
removes the lock file. Two commands editing at once run one after the other; a crash or an
error at any point leaves either the old file or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable, Table

from flagkeeper.config import FLAG_TYPES
from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import write_text_atomically
from flagkeeper.registry.lifecycle import default_expiry
from flagkeeper.registry.model import FlagEntry, Tombstone, entry_line, parse_registry
from flagkeeper.registry.validate import EditRules

MAX_EXTENSIONS = 5  # the history an entry keeps of its extensions


def _lock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # the lock goes with the descriptor, also when the process dies


def _is_current(handle: IO[bytes], path: Path) -> bool:
    """Is the open lock file still the one at `path` (not removed by the edit that held it)?"""
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except FileNotFoundError:
        return False


@contextlib.contextmanager
def _locked(registry: Path) -> Iterator[None]:
    """Hold the lock file beside the registry, and remove it afterwards: no stray file is left.

    An edit that waited on a lock file its holder then removed holds a lock nobody else sees:
    it opens the new file and locks again, so two edits never run at once."""
    lock_path = registry.with_name(registry.name + ".lock")
    while True:
        handle = open(lock_path, "a+b")
        try:
            _lock(handle)
        except BaseException:
            handle.close()
            raise
        if _is_current(handle, lock_path):
            break
        handle.close()
    try:
        yield
    finally:
        with contextlib.suppress(OSError):  # removed while held; Windows keeps an open file
            lock_path.unlink()
        handle.close()


def _refuse_read_only(path: Path) -> None:
    """A registry without write permission is left alone. The mode bits are checked as well as
    access(): root may write anything, but a file someone made read-only is not to be replaced."""
    if path.is_file() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        raise FlagkeeperError("the registry is read-only: make it writable to edit it", path)


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files an edit killed midway left beside the registry (only ours, by their name;
    called under the lock, so no edit of ours is writing one now)."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        if stale.is_symlink() or stale.is_file():
            stale.unlink(missing_ok=True)


def edit_registry(path: Path, change: Callable[[str], str], create: bool = False) -> None:
    """Apply `change` (old text -> new text) under the lock; any error leaves the file as it was.

    A linked registry is edited (and locked) at its target, so the link stays a link. `change`
    sees "\n" line ends and no byte order mark; the file keeps its own.
    """
    path = path.resolve()
    if not path.is_file() and not create:
        raise FlagkeeperError("registry not found (create it with `flagkeeper init`)", path)
    _refuse_read_only(path)
    with _locked(path):
        _remove_stale_temporaries(path)
        raw = read_text_keeping_ends(path) if path.is_file() else ""
        bom = "\ufeff" if raw.startswith("\ufeff") else ""
        crlf = "\r\n" in raw
        text = raw.removeprefix(bom).replace("\r\n", "\n")
        parse_registry(text, path)  # the same clear error as `check` for a malformed file
        new = change(text)
        write_text_atomically(path, bom + (new.replace("\n", "\r\n") if crlf else new))


def read_text_keeping_ends(path: Path) -> str:
    """The registry's text as stored: line ends untranslated; an unreadable file is one clear line."""
    try:
        with open(path, encoding="utf-8", newline="") as file:
            return file.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise FlagkeeperError(f"cannot read: {exc}", path) from None


def entries(text: str, path: Path) -> tuple[dict[str, FlagEntry], dict[str, Tombstone]]:
    registry = parse_registry(text, path)
    return registry.flags, registry.retired


def render_table(table: str, key: str, fields: dict[str, Any]) -> list[str]:
    """`[table.key]` and its fields as TOML lines, quoted and escaped by tomlkit."""
    document = tomlkit.document()
    entry = tomlkit.table()
    for name, value in fields.items():
        if value is not None:
            entry.add(name, value)
    section = tomlkit.table(is_super_table=True)
    section.add(key, entry)
    document.add(table, section)
    return tomlkit.dumps(document).strip("\n").splitlines()


_MULTILINE_STRING = re.compile(r'"""[\s\S]*?"""(?!")|\'\'\'[\s\S]*?\'\'\'(?!\')')


def _string_lines(text: str) -> set[int]:
    """Indexes of the lines that begin inside a multi-line string: text there, not a header or comment."""
    inside: set[int] = set()
    for match in _MULTILINE_STRING.finditer(text):
        first = text.count("\n", 0, match.start())
        inside.update(range(first + 1, first + 1 + match.group().count("\n")))
    return inside


def _span(lines: list[str], table: str, key: str) -> tuple[int, int] | None:
    """Lines [start, end) of `[table.key]`: its header to its last field, not the comments that follow."""
    text = "\n".join(lines)
    strings = _string_lines(text)
    start = entry_line(text, table, key) - 1
    if not lines[start].lstrip().startswith("["):
        return None  # an inline `key = {...}` entry under `[table]`
    end = start + 1
    for index in range(start + 1, len(lines)):
        stripped = lines[index].lstrip()
        if index in strings:
            end = index + 1
        elif stripped.startswith("["):
            break
        elif stripped and not stripped.startswith("#"):
            end = index + 1
    return start, end


def _comments(lines: list[str], start: int, end: int) -> list[str]:
    """The comment lines among lines [start, end), outside multi-line strings."""
    strings = _string_lines("\n".join(lines))
    return [lines[index] for index in range(start, end) if index not in strings and lines[index].lstrip().startswith("#")]


def _insert_table(lines: list[str], table: str, keys: list[str], rendered: list[str]) -> list[str]:
    """Put a rendered table after the last `[table.*]` of the file (or at its end), one blank line apart."""
    spans = [span for key in keys if (span := _span(lines, table, key))]
    at = max(end for _, end in spans) if spans else len(lines)
    after = lines[at:]
    block = ([""] if at and lines[at - 1].strip() else []) + rendered + ([""] if after and after[0].strip() else [])
    return lines[:at] + block + after


def _checked(text: str, path: Path, expect: Callable[[dict[str, FlagEntry], dict[str, Tombstone]], bool]) -> str:
    flags, retired = entries(text, path)
    if not expect(flags, retired):
        raise FlagkeeperError("the edit did not give the expected registry; the file is unchanged", path)
    return text


def _tombstone_text(tombstone: Tombstone) -> str:
    when = f"retired on {tombstone.retired}" if tombstone.retired else "retired"
    meaning = f"; it meant: {tombstone.meaning}" if tombstone.meaning else ""
    return f"'{tombstone.key}' was {when}{meaning}"


@dataclass(frozen=True)
class NewFlag:
    key: str
    owner: str | None
    type: str | None  # None only for an import whose source does not say: FK008 then asks for it
    created: dt.date | None
    expires: dt.date | None = None
    description: str | None = None
    scope: tuple[str, ...] = ()


def _document(text: str, path: Path) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except TOMLKitError as error:
        raise FlagkeeperError(f"invalid TOML: {error}", path) from None


def _flag_table(document: tomlkit.TOMLDocument, key: str, path: Path) -> Table | InlineTable:
    """`[flags.KEY]`, or `KEY = {...}` under `[flags]`."""
    table = document["flags"][key]
    if not isinstance(table, (Table, InlineTable)):
        raise FlagkeeperError(f"flags.{key} is not a table", path)
    return table


def _set_field(table: Table | InlineTable, name: str, value: Any, after: str | None = None) -> None:
    """Set a field in place, or add it after the field `after` (default: the last field, so before
    the comments that trail the table); an empty or inline table gets it at its end."""
    fields = [key.key for key, _ in table.value.body if key is not None]
    if name in table or not fields or isinstance(table, InlineTable):
        table[name] = value
    else:
        table.value._insert_after(after if after in fields else fields[-1], name, value)


# Each edit below is a pure function, old registry text -> new text, so that several can run
# in one locked, atomic write (`registry import` does).


def add_entry(text: str, path: Path, flag: NewFlag) -> str:
    """Add `[flags.KEY]` after the last flag entry; a registered or retired key is refused."""
    if flag.type is not None and flag.type not in FLAG_TYPES:
        raise FlagkeeperError(f"unknown type '{flag.type}' (one of {', '.join(FLAG_TYPES)})")
    flags, retired = entries(text, path)
    if flag.key in retired:
        raise FlagkeeperError(
            f"refusing to register {_tombstone_text(retired[flag.key])}. A retired key may never be used again: choose a new key",
            path, retired[flag.key].line,
        )  # fmt: skip
    if flag.key in flags:
        raise FlagkeeperError(f"'{flag.key}' is already registered", path, flags[flag.key].line)
    fields: dict[str, Any] = {
        "owner": flag.owner, "type": flag.type, "created": flag.created, "expires": flag.expires,
        "description": flag.description, "scope": list(flag.scope) or None,
    }  # fmt: skip
    lines = _insert_table(text.splitlines(), "flags", list(flags), render_table("flags", flag.key, fields))
    return _checked("\n".join(lines) + "\n", path, lambda new, _: flag.key in new and set(flags) < set(new))


def fill_entry(text: str, path: Path, key: str, fields: dict[str, Any]) -> str:
    """Add the `fields` a registered flag lacks; fields it has are never overwritten."""
    document = _document(text, path)
    table = _flag_table(document, key, path)
    for name, value in fields.items():
        if value is not None and name not in table:
            _set_field(table, name, value)
    return _checked(tomlkit.dumps(document), path, lambda new, _: key in new)


def set_entry(text: str, path: Path, key: str, fields: dict[str, Any], rules: EditRules, lifetimes: Mapping[str, int | None]) -> str:
    """Set fields of a registered flag (owner, type, expires, description), overwriting what it has.

    A type given to an entry with no `expires` writes one out from the type's lifetime, counted
    from `created`, as `registry add` does: FK008 wants release and experiment flags to say when they go."""
    flags, _ = entries(text, path)
    if key not in flags:
        raise FlagkeeperError(f"'{key}' is not a registered flag (register it with `flagkeeper registry add`)", path)
    if fields.get("type") is not None and fields["type"] not in FLAG_TYPES:
        raise FlagkeeperError(f"unknown type '{fields['type']}' (one of {', '.join(FLAG_TYPES)})")
    entry = flags[key]
    wanted = {name: value for name, value in fields.items() if value is not None}
    if "type" in wanted and "expires" not in wanted and entry.expires is None:
        wanted["expires"] = default_expiry(wanted["type"], entry.created or rules.today, lifetimes)
    rules.check(key, entry.created, wanted.get("expires"), where=path, line=entry.line)
    document = _document(text, path)
    table = _flag_table(document, key, path)
    for name, value in wanted.items():
        if value is not None:
            _set_field(table, name, value, after="type" if name == "expires" else None)
    return _checked(tomlkit.dumps(document), path, lambda new, _: all(new[key].fields.get(name) == value for name, value in wanted.items() if value))


def extend_entry(text: str, path: Path, key: str, to: dt.date, reason: str, rules: EditRules) -> str:
    """Move a flag's expiry to `to`, keeping the last extensions (date, from, to, reason) in the entry."""
    flags, _ = entries(text, path)
    if key not in flags:
        raise FlagkeeperError(f"'{key}' is not a registered flag", path)
    rules.check(key, flags[key].created, to, previous=flags[key].expires, where=path, line=flags[key].line)
    document = _document(text, path)
    table = _flag_table(document, key, path)
    record = tomlkit.inline_table()
    record.update({"date": rules.today, "from": flags[key].expires or "none", "to": to, "reason": reason})
    history = table.get("extensions")
    if not isinstance(history, list):
        history = tomlkit.array()
        history.multiline(isinstance(table, Table))  # an inline table stays on one line
    history.append(record)
    while len(history) > MAX_EXTENSIONS:
        history.pop(0)
    _set_field(table, "expires", to)
    _set_field(table, "extensions", history, after="expires")
    return _checked(tomlkit.dumps(document), path, lambda new, _: new[key].expires == to)


def retire_entry(text: str, path: Path, key: str, meaning: str, today: dt.date, last_commit: str | None) -> str:
    """Move `[flags.KEY]` (if any) to a `[retired.KEY]` tombstone saying what the key meant and when it went."""
    flags, retired = entries(text, path)
    if key in retired:
        raise FlagkeeperError(f"{_tombstone_text(retired[key])}: it is retired already", path, retired[key].line)
    fields: dict[str, Any] = {"retired": today, "meaning": meaning, "last-commit": last_commit}
    lines = text.splitlines()
    comments: list[str] = []  # the retired table's own comments go with its tombstone
    if key in flags:
        kept = ("owner", "type", "created", "description")
        fields.update({name: flags[key].fields[name] for name in kept if name in flags[key].fields})
        span = _span(lines, "flags", key)
        if span is None:
            raise FlagkeeperError(f"'{key}' is written inline under [flags]; give it its own [flags.{key}] table first", path, flags[key].line)
        start, end = span
        comments = _comments(lines, start, end)
        if (start == 0 or not lines[start - 1].strip()) and end < len(lines) and not lines[end].strip():
            end += 1  # one blank line goes with the table (the one below it, at the top of the file)
        del lines[start:end]
    lines = _insert_table(lines, "retired", list(retired), render_table("retired", key, fields) + comments)
    return _checked("\n".join(lines) + "\n", path, lambda new, old: key in old and key not in new)


def add_flag(path: Path, flag: NewFlag, rules: EditRules) -> None:
    def change(text: str) -> str:
        rules.check(flag.key, flag.created, flag.expires, where=path)
        return add_entry(text, path, flag)

    edit_registry(path, change, create=True)


def set_flag(path: Path, key: str, fields: dict[str, Any], rules: EditRules, lifetimes: Mapping[str, int | None]) -> None:
    edit_registry(path, lambda text: set_entry(text, path, key, fields, rules, lifetimes))


def extend_flag(path: Path, key: str, to: dt.date, reason: str, rules: EditRules) -> None:
    edit_registry(path, lambda text: extend_entry(text, path, key, to, reason, rules))


def retire_flag(path: Path, key: str, meaning: str, today: dt.date, last_commit: str | None) -> None:
    edit_registry(path, lambda text: retire_entry(text, path, key, meaning, today, last_commit), create=True)


def last_commit_reading(root: Path, key: str) -> str | None:
    """The last commit whose Python code contained the key, when `root` is in a git repository."""
    # The key is data: glued to -S and given with -e, never an argument git could read as an option.
    command = ["git", "log", "-1", "--format=%H %cs", f"-S{key}", "--", "*.py"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not result.stdout.strip():
        return None
    commit, date = result.stdout.split()
    # The commit that last changed how often the key appears removed it, unless code still has it.
    still_read = subprocess.run(["git", "grep", "-q", "-F", "-e", key, "HEAD", "--", "*.py"], cwd=root, check=False).returncode == 0
    if still_read:
        head = subprocess.run(["git", "log", "-1", "--format=%H %cs"], cwd=root, capture_output=True, text=True, check=False)
        commit, date = head.stdout.split()
        return f"{commit[:12]} ({date})"
    parent = subprocess.run(["git", "log", "-1", "--format=%H %cs", f"{commit}^"], cwd=root, capture_output=True, text=True, check=False)
    if parent.returncode == 0 and parent.stdout.strip():
        commit, date = parent.stdout.split()
    return f"{commit[:12]} ({date})"

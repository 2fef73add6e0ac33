"""The code actions' edits: each a change of whole texts, turned into the few line edits an
editor previews and applies (a WorkspaceEdit), never written by the server itself.

- register: the `registry add` edit of flags.toml (registry/edit.py `add_entry`), owner from
  CODEOWNERS when every file reading the key has the same one, type release, the type's lifetime;
- extend: the `registry extend` edit, by the flag type's lifetime from today (or from its expiry, if later);
- remove: `flagkeeper remove KEY --value true|false` (remove/project.py `plan_removal`), the
  same changes its `--diff` prints;
- suppress: `# noqa: FKnnn` at the end of the finding's line, or the code added to the noqa there.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flagkeeper.analysis.suppressions import noqa_codes_end
from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import relative_path
from flagkeeper.project.model import Project
from flagkeeper.registry.codeowners import load_codeowners
from flagkeeper.registry.edit import NewFlag, add_entry, extend_entry
from flagkeeper.registry.lifecycle import default_expiry, lifetime_days
from flagkeeper.registry.validate import EditRules, key_patterns

NEW_FLAG_TYPE = "release"
EXTENSION_DAYS = 30  # for a type the configuration gives no lifetime
EXTENSION_REASON = "extended from the editor"


@dataclass(frozen=True)
class TextEdit:
    """Replace the text from `start` to `end` (0-based line, character) with `text`."""

    start: tuple[int, int]
    end: tuple[int, int]
    text: str


@dataclass(frozen=True)
class FileEdit:
    """A file's text before (None: the file does not exist yet) and after."""

    path: Path
    before: str | None
    after: str

    def edits(self) -> list[TextEdit]:
        return text_edits(self.before or "", self.after)


def _position(lines: list[str], index: int) -> tuple[int, int]:
    """Where line `index` of `lines` starts; past the last line, the end of the text."""
    if index < len(lines) or not lines or lines[-1].endswith(("\n", "\r")):
        return index, 0
    return len(lines) - 1, len(lines[-1])


def text_edits(before: str, after: str) -> list[TextEdit]:
    """The line edits that turn `before` into `after` (difflib's opcodes over lines)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        TextEdit(_position(old, first), _position(old, last), "".join(new[start:end]))
        for tag, first, last, start, end in matcher.get_opcodes()
        if tag != "equal"
    ]


def register_edit(project: Project, key: str, registry_text: str | None) -> FileEdit:
    """flags.toml with KEY added as `registry add` adds it; an error says why it cannot be."""
    config, today = project.config, project.today
    readers = [relative_path(found.path, config.root) for found in project.inventory.get(key, [])]
    owners = load_codeowners(config.root)
    owner = owners.sole_owner(readers) if owners and readers else None
    flag = NewFlag(key, owner, NEW_FLAG_TYPE, today, default_expiry(NEW_FLAG_TYPE, today, config.lifetimes))
    EditRules(today, False, key_patterns(project.matcher.packs)).check(key, flag.created, flag.expires, where=config.registry)
    return FileEdit(config.registry, registry_text, add_entry(registry_text or "", config.registry, flag))


def extend_edit(project: Project, key: str, registry_text: str) -> FileEdit:
    """flags.toml with KEY's expiry moved on by its type's lifetime, from today or its expiry if later."""
    entry = project.registry.flags.get(key)
    current = project.lifecycle.expiry(key)
    if entry is None or current is None:
        raise FlagkeeperError(f"'{key}' has no expiry in {project.registry.path.name} to extend")
    days = lifetime_days(entry.type, project.config.lifetimes) or EXTENSION_DAYS
    to = max(project.today, current) + dt.timedelta(days=days)
    rules = EditRules(project.today, False, key_patterns(project.matcher.packs))
    return FileEdit(project.registry.path, registry_text, extend_entry(registry_text, project.registry.path, key, to, EXTENSION_REASON, rules))


def removal_edits(project: Project, key: str, value: Any) -> list[FileEdit]:
    """What `flagkeeper remove KEY --value VALUE` changes in the project (modules are not deleted);
    an error names the first file it would leave unchanged."""
    from flagkeeper.remove.project import plan_removal  # libcst: paid when a removal is asked for, not at startup

    plan = plan_removal(project, {key: value}, [project.config.root])
    if plan.errors:
        raise FlagkeeperError(plan.errors[0])
    return [FileEdit(change.path, change.before, change.after) for change in plan.changes if change.after is not None]


def suppress_edit(path: Path, text: str, line: int, code: str) -> FileEdit:
    """`text` with `# noqa: CODE` on `line` (1-based): added to a noqa comment there, else at the line's end."""
    lines = text.splitlines(keepends=True)
    current = lines[line - 1]
    body = current.rstrip("\r\n")
    end = noqa_codes_end(body)
    if end is not None:
        body = body[:end] + f", {code}" + body[end:]
    else:
        body = f"{body}  # noqa: {code}"
    lines[line - 1] = body + current[len(current.rstrip("\r\n")) :]
    return FileEdit(path, text, "".join(lines))

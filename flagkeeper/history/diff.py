"""Flag history across revisions: `flagkeeper diff` and `flagkeeper check --since`.

A revision's inventory is read with today's configuration and rule packs; only the code and the
registry come from the revision, so a difference is a difference in the code, never in how it
was read. Reads in non-Python text files are not compared.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.checks.runner import WHOLE_PROGRAM_CODES
from flagkeeper.project.inventory import FlagState, flag_states
from flagkeeper.project.model import Project
from flagkeeper.project.revisions import Repository


@dataclass(frozen=True)
class Change:
    key: str
    kind: str  # added | extinct | moved | repurposed
    detail: str


def _names(modules: frozenset[str]) -> str:
    return ", ".join(sorted(modules)) or "nothing"


def compare(before: dict[str, FlagState], after: dict[str, FlagState], gaps: dict[str, str]) -> list[Change]:
    """What happened to each key between two states; `gaps` says where a key vanished for a while."""
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old is None or new is None:
            kind = "added" if old is None else "extinct"
            state = new or old
            assert state is not None
            changes.append(Change(key, kind, f"read in {_names(state.modules)}"))
            continue
        if old.modules and new.modules and not old.modules & new.modules:
            changes.append(Change(key, "repurposed", f"reads moved entirely: {_names(old.modules)} -> {_names(new.modules)}"))
        elif old.modules != new.modules:
            changes.append(Change(key, "moved", f"{_names(old.modules)} -> {_names(new.modules)}"))
        for field, label in (("description", "description"), ("type", "type")):
            was, now = getattr(old, field), getattr(new, field)
            if was != now and old.modules & new.modules:
                changes.append(Change(key, "repurposed", f"{label} changed while reads remained: {was!r} -> {now!r}"))
        if key in gaps:
            changes.append(Change(key, "repurposed", gaps[key]))
    return changes


def vanished_keys(commits: list[str], keys: set[str], state_at: Callable[[str], dict[str, FlagState]]) -> dict[str, str]:
    """Keys read at both ends that no code read at some commit in between: where they went and came back."""
    gaps: dict[str, str] = {}
    gone: dict[str, str] = {}
    for commit in commits:
        read = {key for key, state in state_at(commit).items() if state.modules}
        for key in keys - set(gaps):
            if key not in read and key not in gone:
                gone[key] = commit
            elif key in read and key in gone:
                gaps[key] = f"no code read it from {gone.pop(key)[:12]}; it came back in {commit[:12]}"
    for key, commit in gone.items():  # gone until the working tree brought it back
        gaps[key] = f"no code read it from {commit[:12]}; it came back in the working tree"
    return gaps


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


def changed_lines(repository: Repository, commit: str) -> dict[Path, set[int]]:
    """Lines of the working tree added or changed since `commit`; untracked files count whole."""
    changed: dict[Path, set[int]] = {}
    folder = repository.top / repository.prefix
    # Bytes, not text: a file's content or name need not be UTF-8. Names come unquoted.
    diff = subprocess.run(
        ["git", "-c", "core.quotePath=false", "diff", "-U0", "--no-color", "--no-ext-diff", commit, "--", "."],
        cwd=folder, capture_output=True, check=False,
    ).stdout.decode("utf-8", errors="surrogateescape")  # as os.fsdecode decodes names  # fmt: skip
    for section in diff.split("\ndiff --git "):
        target = re.search(r"^\+\+\+ b/(.+)$", section, re.MULTILINE)
        if target is None:
            continue
        lines = changed.setdefault(repository.top / target.group(1), set())
        for start, count in _HUNK.findall(section):
            lines.update(range(int(start), int(start) + (int(count) if count else 1)))
    untracked = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "-z"], cwd=folder, capture_output=True, check=False
    ).stdout
    for name in filter(None, untracked.split(b"\0")):
        path = folder / os.fsdecode(name)
        with contextlib.suppress(OSError):  # a dangling link or a file gone meanwhile has no lines
            changed[path] = set(range(1, len(path.read_bytes().splitlines()) + 2))
    return changed


def since(
    project: Project, revision: str, diagnostics: list[Diagnostic], run: Callable[[Project], list[Diagnostic]],
    every_rule: bool = False,
) -> list[Diagnostic]:
    """Only the findings a change since `revision` brought: on changed lines, or new whole-program ones.

    `every_rule` judges every finding as a whole-program one (new unless the revision had it):
    after a change to the registry or the config, a finding on an unchanged line may be new."""
    repository = Repository.of(project.config.root)
    commit = repository.commit(revision)
    files, registry = repository.snapshot(commit, project.config, project.matcher)
    before = project.at(files, registry)

    def judged_whole(code: str) -> bool:
        return every_rule or code in WHOLE_PROGRAM_CODES

    old = {(d.code, d.path, d.key) for d in run(before) if judged_whole(d.code)}
    lines = changed_lines(repository, commit)
    return [
        d for d in diagnostics
        if ((d.code, d.path, d.key) not in old if judged_whole(d.code) else d.line in lines.get(d.path.resolve(), ()))
    ]  # fmt: skip


def diff_revisions(project: Project, base: str, head: str | None) -> tuple[str, str, list[Change]]:
    """Changes from revision `base` to revision `head` (None: the working tree)."""
    repository = Repository.of(project.config.root)
    base_commit = repository.commit(base)
    head_commit = repository.commit(head) if head is not None else None
    cache: dict[str, dict[str, FlagState]] = {}

    def state_at(commit: str) -> dict[str, FlagState]:
        if commit not in cache:
            files, registry = repository.snapshot(commit, project.config, project.matcher)
            cache[commit] = flag_states(project.at(files, registry))
        return cache[commit]

    before = state_at(base_commit)
    after = state_at(head_commit) if head_commit else flag_states(project)
    between = repository.commits_between(base_commit, head_commit or "HEAD")
    keys = {key for key in set(before) & set(after) if before[key].modules and after[key].modules}
    gaps = vanished_keys(between, keys, state_at) if keys and between else {}
    return base_commit[:12], head_commit[:12] if head_commit else "working tree", compare(before, after, gaps)


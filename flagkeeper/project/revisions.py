"""Read a project as it was at a git revision, straight from git's objects.

Nothing is checked out and the working tree and index are never touched: files are listed
with `git ls-tree` and read with one `git cat-file --batch` process. Per-file facts are cached
by blob id, so reading many revisions analyses each distinct file content once.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from flagkeeper.analysis.analyse import analyse_file
from flagkeeper.analysis.discovery import excludes, matches_glob, module_name
from flagkeeper.analysis.facts import FileFacts
from flagkeeper.analysis.packs import Matcher
from flagkeeper.analysis.scan import decode_source
from flagkeeper.config import Config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import require_utf8_name
from flagkeeper.registry.model import Registry, parse_registry


def _git(folder: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=folder, input=data, capture_output=True, check=False)
    except OSError as exc:
        raise FlagkeeperError(f"cannot run git: {exc.strerror}") from None
    if result.returncode != 0:
        raise FlagkeeperError(result.stderr.decode(errors="replace").strip().splitlines()[-1] if result.stderr else "git failed", folder)
    return result.stdout


@dataclass
class Repository:
    """The git repository holding a project root; the root's path inside it."""

    top: Path
    prefix: str  # the project root relative to the top, "" or "sub/dir/"
    blob_facts: dict[tuple[str, str], FileFacts] = field(default_factory=dict)

    @classmethod
    def of(cls, root: Path) -> Repository:
        try:
            top = _git(root, "rev-parse", "--show-toplevel").decode().strip()
        except FlagkeeperError:
            raise FlagkeeperError("not a git repository (diff and --since read git history)", root) from None
        prefix = root.resolve().relative_to(Path(top).resolve()).as_posix()
        return cls(Path(top), "" if prefix == "." else prefix + "/")

    def commit(self, revision: str) -> str:
        """The full id of `revision`; an unknown one is a clear error, with a hint in a shallow clone."""
        if revision.startswith("-"):  # an option to git, never a revision
            raise FlagkeeperError(f"unknown revision '{revision}'", self.top)
        try:
            return _git(self.top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
        except FlagkeeperError:
            shallow = _git(self.top, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
            hint = " (this is a shallow clone: fetch the history with `git fetch --unshallow`)" if shallow else ""
            raise FlagkeeperError(f"unknown revision '{revision}'{hint}", self.top) from None

    def commits_between(self, base: str, head: str) -> list[str]:
        """Commits after `base` up to and including `head`, oldest first."""
        return _git(self.top, "rev-list", "--reverse", "--first-parent", f"{base}..{head}").decode().split()

    def last_commit_by(self, moment: str) -> str | None:
        """The last commit of HEAD's first-parent line made before `moment` (ISO 8601), None when there is none."""
        found = _git(self.top, "rev-list", "-1", "--first-parent", f"--before={moment}", "HEAD").decode().strip()
        return found or None

    def tree(self, commit: str) -> dict[str, str]:
        """Project-relative path -> blob id of every file under the project root at `commit`."""
        listing = _git(self.top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", self.prefix or ".")
        files = {}
        for entry in listing.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            kind, blob = meta.split()[1:3]
            path = os.fsdecode(name)  # a non-UTF-8 name keeps its bytes, as the working tree's listing does
            if kind == b"blob" and path.startswith(self.prefix):
                files[path[len(self.prefix) :]] = blob.decode()
        return files

    def read_blobs(self, blobs: list[str]) -> dict[str, bytes]:
        """Contents of many blobs through one `git cat-file --batch`."""
        if not blobs:
            return {}
        output = _git(self.top, "cat-file", "--batch", data=("\n".join(blobs) + "\n").encode())
        contents, offset = {}, 0
        for blob in blobs:
            header_end = output.index(b"\n", offset)
            size = int(output[offset:header_end].split()[2])
            contents[blob] = output[header_end + 1 : header_end + 1 + size]
            offset = header_end + 1 + size + 1
        return contents

    def snapshot(self, commit: str, config: Config, matcher: Matcher) -> tuple[list[FileFacts], Registry]:
        """The facts of every Python file of the project, and its registry, at `commit`."""
        tree = self.tree(commit)
        excluded = excludes(config)
        python = {path: blob for path, blob in tree.items() if path.endswith(".py") and not matches_glob(path, excluded)}
        registry_path = config.registry.resolve().relative_to(config.root.resolve()).as_posix()
        wanted = [blob for path, blob in python.items() if (path, blob) not in self.blob_facts]
        if registry_path in tree:
            wanted.append(tree[registry_path])
        contents = self.read_blobs(wanted)
        for path, blob in python.items():
            if (path, blob) not in self.blob_facts:
                require_utf8_name(Path(f"{commit[:12]}:{self.prefix}{path}"))
                module, is_package = module_name(config.root / PurePosixPath(path), config)
                source = decode_source(contents[blob], Path(f"{commit[:12]}:{self.prefix}{path}"))
                self.blob_facts[path, blob] = analyse_file(path, source, module, is_package, matcher)
        registry_text = contents[tree[registry_path]].decode("utf-8", errors="replace") if registry_path in tree else None
        registry = parse_registry(registry_text, config.registry) if registry_text is not None else Registry(config.registry, exists=False)
        return [self.blob_facts[path, blob] for path, blob in sorted(python.items())], registry

"""Discover the files of a run: Python sources to analyse, and other text files that may read a flag.

Inside a git work tree the listing comes from `git ls-files` (tracked and untracked files that
.gitignore does not hide), so ignored build output and virtual environments never count.
Elsewhere the folders are walked; a folder that cannot be read stops the run with one line (as
a missing path does) rather than being skipped: "All checks passed" must mean all files were read.
Config `exclude` globs and the default excludes apply in both, with .gitignore's semantics
(the pathspec library): a pattern without a slash matches at any depth, one with a slash is
anchored at the project root, `*` stays within a folder, `**/` spans any number, and a pattern
that matches a folder excludes everything below it. Hidden folders (`.git`, `.venv`, `.tox`...)
below a path given are never entered, as in ruff.

Links: a walk never enters a linked folder, and a linked file counts only when its target lies
inside the project root (a link within the project is a file of the project; a link out of it,
say to ~/.ssh or /etc, is not, and is skipped). A path named on the command line is read as given, unless `force-exclude` is on
and an exclude matches it (pre-commit names files one by one, and must not bring back what
the configuration excludes).
"""

from __future__ import annotations

import functools
import os
import re
import stat
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import msgspec

from flagkeeper.config import Config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import inside_root, relative_path, require_utf8_name

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".venv", "venv", "__pycache__", "node_modules", "site-packages",
    ".tox", ".nox", ".eggs", "*.egg-info", "build", "dist", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".flagkeeper_cache",
)  # fmt: skip

# Frontends, templates and configuration that may read a flag by its key (FK005 counts them).
TEXT_SUFFIXES = frozenset(
    ".js .jsx .mjs .cjs .ts .tsx .vue .svelte .html .htm .jinja .jinja2 .j2 .djhtml .hbs .mustache "
    ".erb .yaml .yml .json .toml .ini .cfg .conf .env .properties .tf .go .java .kt .rb .php .cs .mts .cts".split()
)


# JavaScript and TypeScript, read syntactically as well (analysis/javascript.py): suffix -> language.
SCRIPT_SUFFIXES = {
    **dict.fromkeys((".ts", ".tsx", ".mts", ".cts"), "typescript"),
    **dict.fromkeys((".js", ".jsx", ".mjs", ".cjs"), "javascript"),
}
_WANTED = TEXT_SUFFIXES | {".py"}


class SourceFiles(msgspec.Struct, frozen=True):
    python: tuple[Path, ...]
    text: tuple[Path, ...]  # includes the scripts: their keys are searched as text too

    @property
    def scripts(self) -> tuple[Path, ...]:
        return tuple(path for path in self.text if path.suffix in SCRIPT_SUFFIXES)


@functools.lru_cache(maxsize=256)
def _glob_matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """A matcher of a set of gitignore patterns: one regex for all (one match per path, not one per
    pattern), unless a `!` pattern makes their order matter."""
    if all(_PLAIN.fullmatch(pattern) for pattern in patterns):  # the default excludes, and most configs'
        combined = re.compile(f"^(?:.+/)?(?:{'|'.join(map(_plain_name, patterns))})(?:/|$)" if patterns else r"(?!)")
        return lambda path: combined.match(path) is not None
    import pathspec  # a tenth of a second to import: only runs with other patterns pay for it

    spec = pathspec.GitIgnoreSpec.from_lines(patterns)
    if any(not pattern.include for pattern in spec.patterns if pattern.include is not None):
        return spec.match_file
    regexes = [_UNNAMED.sub("(?:", pattern.regex.pattern) for pattern in spec.patterns if pattern.include and pattern.regex is not None]
    combined = re.compile("|".join(f"(?:{regex})" for regex in regexes) or r"(?!)")
    return lambda path: combined.match(path) is not None


_UNNAMED = re.compile(r"\(\?P<\w+>")  # pathspec names a group in each regex; joined, the names would clash
# A name without a slash, bracket, escape or `**` (`build`, `.venv`, `*.egg-info`): in gitignore it
# matches that name at any depth, `*` and `?` within it, and everything below a folder it names.
# pathspec's regex for one is `^(?:.+/)?NAME(?:/|$)`; the names share one prefix and suffix here,
# which compiles and matches a few times faster than one regex per pattern joined.
_PLAIN = re.compile(r"(?!\.+$)(?!.*\*\*)[\w.*?-]+")


def _plain_name(pattern: str) -> str:
    """The regex of a plain pattern's name, as pathspec writes it (tests/analysis/test_discovery.py compares them)."""
    return "".join({"*": "[^/]*", "?": "[^/]"}.get(char) or re.escape(char) for char in pattern)


def matches_glob(relative: str, patterns: Iterable[str]) -> bool:
    """Does a gitignore pattern match the path (relative to the project root, `/`-separated) or a folder above it?"""
    return _glob_matcher(tuple(patterns))(relative)


def _hidden(name: str) -> bool:
    return name.startswith(".") and name not in (".", "..")


def _git_listing(folder: Path) -> list[str] | None:
    """The names git lists under `folder`, relative to it; None outside a git work tree."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=folder, capture_output=True, check=False,
        )  # fmt: skip
    except OSError:
        return None
    if result.returncode != 0:
        return None
    return [os.fsdecode(name) for name in result.stdout.split(b"\0") if name]


def _suffix(name: str) -> str:
    """Path(name).suffix, on the string: most listed files are neither Python nor text, and
    are passed over before a Path is made for them."""
    last = name.rpartition("/")[2]
    dot = last.rfind(".")
    return last[dot:] if 0 < dot < len(last) - 1 else ""


def _unreadable(error: OSError) -> None:
    raise FlagkeeperError(f"cannot read folder: {error.strerror}", error.filename)


def _walk(folder: Path, excluded: tuple[str, ...], root: Path) -> list[Path]:
    found = []
    for current, folders, files in os.walk(folder, onerror=_unreadable):
        here = Path(current)
        folders[:] = sorted(name for name in folders if not _hidden(name) and not matches_glob(relative_path(here / name, root) + "/", excluded))
        found += [here / name for name in sorted(files)]
    return found


def _project_file(path: Path, root: Path) -> Path | None:
    """The resolved path of a regular file, or of a link to one inside `root`; None for anything
    else. One lstat for the common case: the listing's folders are real ones below a resolved
    folder (neither git nor the walk enters a linked folder), so a file that is no link is its
    own resolved path."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:  # gone since the listing
        return None
    if not stat.S_ISLNK(mode):
        return path if stat.S_ISREG(mode) else None
    target = path.resolve()
    return target if inside_root(target, root) is not None and target.is_file() else None


def _names_keys_only(path: Path, config: Config) -> bool:
    """Is `path` excluded from text references by `text-references-exclude` (generated flag docs)?"""
    return bool(config.text_references_exclude) and matches_glob(relative_path(path, config.root), config.text_references_exclude)


def discover(paths: list[Path], config: Config) -> SourceFiles:
    """The Python and text files under `paths`; a missing path is an error."""
    python: dict[Path, None] = {}
    text: dict[Path, None] = {}
    # The registry's own files and the project's rule packs name keys; they do not read them (FK005).
    packs = list(config.project_packs)
    # The project's own flags.toml is one of them also when --registry names another file.
    registries = [config.registry, config.root / "flags.toml", *config.registry_sources]
    skip_text = {path.resolve() for path in [*registries, *packs]}
    skip_text |= {config.source.resolve()} if config.source else set()
    # Before any walk, and naming what the user gave: without a config the root is a missing
    # path's parent (even `/`), which must not be walked for nothing.
    missing = next((given for given in paths if not given.exists() and given != config.root), None)
    if missing is not None:
        raise FlagkeeperError("no such file or folder", missing)
    patterns = DEFAULT_EXCLUDES + config.exclude + config.extend_exclude
    for given in dict.fromkeys(path.resolve() for path in paths):  # the root is often also a path given
        inherited = relative_path(given, config.root)
        if config.force_exclude and inside_root(given, config.root) is not None and matches_glob(inherited, patterns):
            continue
        if given.is_file():
            (python if given.suffix == ".py" else text)[given] = None
            continue
        # A folder named on the command line is entered even when an exclude matches it or a parent.
        excluded = patterns
        if inherited != "." and matches_glob(inherited + "/", patterns):  # one pattern set compiled, not one per pattern
            excluded = tuple(pattern for pattern in patterns if not matches_glob(inherited + "/", (pattern,)))
        root = config.root.resolve()
        listing = _git_listing(given)
        if listing is None:
            candidates = [path for path in _walk(given, excluded, config.root) if path.suffix in _WANTED]
        else:  # in Path order: by parts
            candidates = [given / name for name in sorted(listing, key=lambda name: name.split("/")) if _suffix(name) in _WANTED]
        for path in candidates:
            below = inside_root(path, given) or ""
            if any(_hidden(part) for part in below.split("/")[:-1]):
                continue
            if matches_glob(relative_path(path, config.root), excluded) or (resolved := _project_file(path, root)) is None:
                continue
            if path.suffix == ".py":
                python[require_utf8_name(path)] = None
            elif path.suffix in TEXT_SUFFIXES and resolved not in skip_text and not _names_keys_only(path, config):
                text[require_utf8_name(path)] = None
    return SourceFiles(tuple(python), tuple(text))


def module_name(path: Path, config: Config) -> tuple[str, bool]:
    """The dotted module name of a file under the deepest `src` root holding it, and if it is a package."""
    inside = [relative for relative in (inside_root(path, root) for root in config.src) if relative is not None]
    # The deepest root leaves the shortest relative path.
    relative = min(inside, key=len) if inside else inside_root(path, config.root)
    parts = relative.removesuffix(path.suffix).split("/") if relative is not None else [path.stem]
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package

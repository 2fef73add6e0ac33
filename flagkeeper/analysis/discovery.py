"""Discover the files of a run: Python sources to analyse, and other text files that may read a flag.

Inside a git work tree the listing comes from `git ls-files` (tracked and untracked files that
.gitignore does not hide), so ignored build output and virtual environments never count; one
command lists a folder once (one_listing_per_folder), and the search for nested projects reads
the same listing.
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

import contextlib
import contextvars
import functools
import os
import re
import stat
import subprocess
from collections.abc import Callable, Iterable, Iterator
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
_WANTED_ENDINGS = tuple(_WANTED)  # str.endswith passes over most names before _suffix looks at them


class SourceFiles(msgspec.Struct, frozen=True):
    python: tuple[Path, ...]
    text: tuple[Path, ...]  # includes the scripts: their keys are searched as text too
    # The stat discovery took of each file that is no link (str(path) -> stat): the cache's
    # stamps compare against it rather than taking a second one.
    stats: dict[str, os.stat_result] = msgspec.field(default_factory=dict)

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


def excludes(config: Config) -> tuple[str, ...]:
    """The exclude patterns of a project: the defaults, `exclude` (which --exclude replaces) and `extend-exclude`."""
    return DEFAULT_EXCLUDES + config.exclude + config.extend_exclude


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
    return [name for name in os.fsdecode(result.stdout).split("\0") if name]


# The listings of the command running now, when it asked for one per folder: git's by folder,
# a walk's by folder, excludes and root (a walk enters no excluded folder).
_LISTINGS: contextvars.ContextVar[dict[object, list[str] | None] | None] = contextvars.ContextVar("listings", default=None)


@contextlib.contextmanager
def one_listing_per_folder() -> Iterator[None]:
    """Within it, each folder is listed once: the search for nested projects and the discovery of
    every project's files share one `git ls-files` (or one walk). Outside it (a language server
    that runs for hours), every discovery lists again, and sees files added meanwhile."""
    token = _LISTINGS.set({})
    try:
        yield
    finally:
        _LISTINGS.reset(token)


def _remembered(key: object, make: Callable[[], list[str] | None]) -> list[str] | None:
    listings = _LISTINGS.get()
    if listings is None:
        return make()
    if key not in listings:
        listings[key] = make()
    return listings[key]


def listed_names(folder: Path, excluded: tuple[str, ...], root: Path, wanted: tuple[str, ...] = ("",)) -> list[str]:
    """The files below `folder` whose names end with one of `wanted`, relative to it
    (`/`-separated): git's listing in Path order, or outside a git work tree a walk (in its order)
    that enters no hidden, excluded or linked folder."""
    listing = _remembered(folder, lambda: _git_listing(folder))
    if listing is None:
        walked = _remembered((folder, excluded, root), lambda: _walk(folder, excluded, root)) or []
        return [name for name in walked if name.endswith(wanted)]
    # By parts, as Path sorts: "/" (NUL here, which no name holds) sorts before any other character.
    return sorted((name for name in listing if name.endswith(wanted)), key=lambda name: name.replace("/", "\0"))


def nested_config_folders(folder: Path, excluded: tuple[str, ...], root: Path) -> list[Path]:
    """The folders below `folder` that hold a pyproject.toml or a flagkeeper.toml, neither hidden
    nor excluded: from the listing discovery makes (no walk of its own inside a git work tree)."""
    prefix = _prefix(folder, root)
    match = _glob_matcher(excluded)
    found = []
    for name in listed_names(folder, excluded, root, ("/pyproject.toml", "/flagkeeper.toml")):
        below = name.rpartition("/")[0]
        if below and not _in_hidden_folder(name) and not match(f"{prefix}{below}/"):
            found.append(folder / below)
    return list(dict.fromkeys(found))


def _prefix(folder: Path, root: Path) -> str:
    """What turns a name listed under `folder` into its path relative to `root` (as relative_path gives it)."""
    inherited = relative_path(folder, root)
    return "" if inherited == "." else inherited + "/"


def _in_hidden_folder(name: str) -> bool:
    """Does a listed name lie in a hidden folder (`.git`, `.venv`)? Its last part is the file's own."""
    folders = name.rpartition("/")[0]
    return folders.startswith(".") or "/." in folders


def _suffix(name: str) -> str:
    """Path(name).suffix, on the string: most listed files are neither Python nor text, and
    are passed over before a Path is made for them."""
    last = name.rpartition("/")[2]
    dot = last.rfind(".")
    return last[dot:] if 0 < dot < len(last) - 1 else ""


def _unreadable(error: OSError) -> None:
    raise FlagkeeperError(f"cannot read folder: {error.strerror}", error.filename)


def _walk(folder: Path, excluded: tuple[str, ...], root: Path) -> list[str]:
    found = []
    for current, folders, files in os.walk(folder, onerror=_unreadable):
        here = Path(current)
        folders[:] = sorted(name for name in folders if not _hidden(name) and not matches_glob(relative_path(here / name, root) + "/", excluded))
        below = inside_root(here, folder)
        found += [name if below == "." else f"{below}/{name}" for name in sorted(files)]
    return found


def _project_file(name: str, root: Path) -> tuple[Path, os.stat_result | None] | None:
    """The resolved path of a regular file with its stat, or of a link to one inside `root`
    (without: the link's stat is not its target's); None for anything else. One lstat for the
    common case: the listing's folders are real ones below a resolved folder (neither git nor the
    walk enters a linked folder), so a file that is no link is its own resolved path."""
    try:
        found = os.lstat(name)
    except OSError:  # gone since the listing
        return None
    if not stat.S_ISLNK(found.st_mode):
        return (Path(name), found) if stat.S_ISREG(found.st_mode) else None
    target = Path(name).resolve()
    return (target, None) if inside_root(target, root) is not None and target.is_file() else None


def discover(paths: list[Path], config: Config) -> SourceFiles:
    """The Python and text files under `paths`; a missing path is an error."""
    # The registry's own files and the project's rule packs name keys; they do not read them (FK005).
    packs = list(config.project_packs)
    # The project's own flags.toml is one of them also when --registry names another file.
    registries = [config.registry, config.root / "flags.toml", *config.registry_sources]
    skip_text = {str(path.resolve()) for path in [*registries, *packs]}
    skip_text |= {str(config.source.resolve())} if config.source else set()
    # Before any walk, and naming what the user gave: without a config the root is a missing
    # path's parent (even `/`), which must not be walked for nothing.
    missing = next((given for given in paths if not given.exists() and given != config.root), None)
    if missing is not None:
        raise FlagkeeperError("no such file or folder", missing)
    found = _Found(skip_text, config)
    patterns = excludes(config)
    for given in dict.fromkeys(path.resolve() for path in paths):  # the root is often also a path given
        inherited = relative_path(given, config.root)
        if config.force_exclude and inside_root(given, config.root) is not None and matches_glob(inherited, patterns):
            continue
        if given.is_file():  # read as given, whatever its suffix
            (found.python if given.suffix == ".py" else found.text)[given] = None
            continue
        # A folder named on the command line is entered even when an exclude matches it or a parent.
        excluded = patterns
        if inherited != "." and matches_glob(inherited + "/", patterns):  # one pattern set compiled, not one per pattern
            excluded = tuple(pattern for pattern in patterns if not matches_glob(inherited + "/", (pattern,)))
        found.add_listed(given, excluded)
    return SourceFiles(tuple(found.python), tuple(found.text), found.stats)


class _Found:
    """The files a discovery keeps, in the order found; on strings, as a large repository lists
    thousands of files that are neither Python nor text, or excluded."""

    def __init__(self, skip_text: set[str], config: Config):
        self.python: dict[Path, None] = {}
        self.text: dict[Path, None] = {}
        self.stats: dict[str, os.stat_result] = {}
        self.skip_text = skip_text
        self.config = config
        self.keys_only = _glob_matcher(config.text_references_exclude) if config.text_references_exclude else None

    def add_listed(self, folder: Path, excluded: tuple[str, ...]) -> None:
        """The wanted files that `folder`'s listing holds, neither in a hidden folder nor excluded."""
        base, prefix, match = os.path.join(folder, ""), _prefix(folder, self.config.root), _glob_matcher(excluded)
        root = self.config.root.resolve()
        for name in listed_names(folder, excluded, self.config.root, _WANTED_ENDINGS):
            suffix = _suffix(name)
            if suffix not in _WANTED or _in_hidden_folder(name) or match(prefix + name):
                continue
            project_file = _project_file(base + name, root)
            if project_file is not None:
                self._add(base + name, suffix, *project_file, prefix + name)

    def _add(self, listed: str, suffix: str, resolved: Path, found: os.stat_result | None, relative: str) -> None:
        """Keep the `listed` file (`relative` to the project root), with its stat when it is no link."""
        path = resolved if found is not None else Path(listed)  # a link keeps the name it was listed by
        if suffix == ".py":
            self.python[require_utf8_name(path)] = None
        elif suffix in TEXT_SUFFIXES and str(resolved) not in self.skip_text and not (self.keys_only and self.keys_only(relative)):
            self.text[require_utf8_name(path)] = None  # (text-references-exclude: generated flag docs name keys, read none)
        else:
            return
        if found is not None:
            self.stats[listed] = found


def module_name(path: Path, config: Config) -> tuple[str, bool]:
    """The dotted module name of a file under the deepest `src` root holding it, and if it is a package."""
    text = str(path)
    # On strings, each root's prefix made once: a warm run names every file's module.
    inside = [text[len(prefix) :] for prefix in _folder_prefixes(config.src) if text.startswith(prefix)]
    # The deepest root leaves the shortest relative path.
    relative = min(inside, key=len).replace(os.sep, "/") if inside else inside_root(path, config.root)
    suffix = _suffix(text)
    parts = relative.removesuffix(suffix).split("/") if relative is not None else [path.stem]
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


@functools.lru_cache(maxsize=64)
def _folder_prefixes(folders: tuple[Path, ...]) -> tuple[str, ...]:
    """What the paths of the files below each folder start with (its path and a separator)."""
    return tuple(os.path.join(folder, "") for folder in folders)

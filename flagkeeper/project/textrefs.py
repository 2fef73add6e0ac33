"""Find flag keys in non-Python text files: frontends, templates and configs read flags too.

A plain text search, one compiled pattern per kind of match, so it costs a few passes per file.
A key counts where it stands as a whole word (not inside a longer identifier such as
`old_key_v2`). Its other spellings (project/aliases.py) are bare names that could be any word
(`newCheckout`), so they count only in a flag-reading context: as the whole of a string literal
(`'ddm-ui'`), or where a configured pattern (`hasFeature\\('{key}'\\)`) puts a key.

Files that define flags rather than read them (registries, vendor exports, deploy manifests)
are never searched: see `defines_flags`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from flagkeeper.config import KEY_PLACEHOLDER, AliasConfig
from flagkeeper.errors import FlagkeeperError
from flagkeeper.project.aliases import EXACT, spellings_of
from flagkeeper.registry.exports import detect_format
from flagkeeper.tomlread import parse_json, parse_toml

if TYPE_CHECKING:
    from flagkeeper.project.textsearch import TextFiles

# Bundled or generated files this large are not where a team reads a flag by hand.
MAX_TEXT_FILE_BYTES = 4 * 1024 * 1024


class TextReference(msgspec.Struct, frozen=True):
    key: str
    path: Path
    line: int
    column: int
    alias: str | None = None  # the alias that spelled the key here; None for the key as written


class TextMatch(msgspec.Struct, frozen=True, array_like=True):
    """One thing a search of text files (textsearch.py) found in a file: the text matched (a key,
    a module's dotted name or path), where, and the search's note on it (the alias that spelled a key)."""

    text: str
    line: int
    column: int
    note: str | None = None


def read_text_file(path: Path) -> str | None:
    """The text searched for keys in `path`; None for a file too large or unreadable."""
    # Bytes decoded in one call: no stat beside the read, no text layer decoding chunk by chunk
    # (thousands of text files in a real frontend made those a tenth of a cold run).
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_TEXT_FILE_BYTES + 1)
    except OSError:
        return None  # an unreadable asset cannot read a flag; Python sources are read strictly
    return None if len(data) > MAX_TEXT_FILE_BYTES else decoded_text(data)


def decoded_text(data: bytes) -> str:
    """`data` as read_text_file reads a file: UTF-8 with bad bytes replaced, universal newlines."""
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def defines_flags(path: Path, text: str) -> bool:
    """Is this a file that names keys to define them, whatever its path: a flagkeeper registry
    (TOML of only [flags.*] and [retired.*]) or flag-service state file, a deploy manifest (TOML or JSON with `server` and
    `enabled`), or a vendor export or flag definition file (flagd, OpenFeature, Unleash,
    LaunchDarkly JSON, a Flagsmith environment document)? Cheap text tests first: most text files are none of these."""
    if path.suffix == ".toml" and ("[flags." in text or "[retired." in text or "enabled" in text):
        try:
            data = parse_toml(text, path)
        except FlagkeeperError:  # not TOML: then not a registry either
            return False
        registry = bool(data) and set(data) <= {"flags", "retired"}
        service_state = "flags" in data and set(data) <= {"service", "flags"}  # flag-state.toml (`flagkeeper pull`)
        return registry or service_state or _is_deploy_manifest(data)
    hints = ('"flags"', '"features"', '"items"', '"server"', '"feature_states"')
    if path.suffix == ".json" and text.lstrip().startswith("{") and any(word in text for word in hints):
        try:
            data = parse_json(text, path)
        except FlagkeeperError:
            return False
        if not isinstance(data, dict):
            return False
        # A Flagsmith environment document (what its SDKs' offline mode and local evaluation read).
        flagsmith = isinstance(data.get("feature_states"), list) and "api_key" in data
        return detect_format(data) is not None or _is_deploy_manifest(data) or flagsmith
    return False


def _is_deploy_manifest(data: dict[str, Any]) -> bool:
    """A server's deploy manifest: `server` with its enabled flags, at the top or in `[flags]` as
    project/fleet.py reads them."""
    flags = data.get("flags")
    return "server" in data and ("enabled" in data or (isinstance(flags, dict) and "enabled" in flags))


def positions(text: str, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
    """The line and column (from 1) of each offset of `text`, counting newlines once over the
    text, not once per offset."""
    found, line, counted = {}, 1, 0
    for offset in sorted(set(offsets)):
        line += text.count("\n", counted, offset)
        found[offset], counted = (line, offset - text.rfind("\n", 0, offset)), offset
    return found


def _alternation(words: Iterable[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=lambda word: (-len(word), word))))


class _Search:
    """The compiled patterns of one search: keys as words, other spellings as string literals,
    and the configured patterns by file glob."""

    def __init__(self, keys: list[str], aliases: AliasConfig):
        self.spellings = spellings_of(keys, aliases)
        self.words = re.compile(r"(?<![\w.-])(" + _alternation(keys) + r")(?![\w-]|\.\w)")
        quoted = [spelling for spelling, meanings in self.spellings.items() if any(alias != EXACT for _, alias in meanings)]
        self.quoted = re.compile(r"""(['"`])(""" + _alternation(quoted) + r")\1") if quoted else None
        every = "(?P<fk_key>" + _alternation(self.spellings) + ")"
        self.patterns = [(glob, re.compile(pattern.replace(KEY_PLACEHOLDER, every))) for glob, pattern in aliases.patterns]

    def matches(self, relative: str, text: str) -> list[TextMatch]:
        """Every reference in one file's text (its path relative to the root), the first found
        at a place winning."""
        first: dict[tuple[int, str], str | None] = {}
        for offset, key, alias in self._matches(relative, text):
            first.setdefault((offset, key), alias)
        at = positions(text, (offset for offset, _ in first))
        return [TextMatch(key, *at[offset], alias) for (offset, key), alias in first.items()]

    def _matches(self, relative: str, text: str) -> Iterator[tuple[int, str, str | None]]:
        """(offset, key, alias) of every reference in one file's text."""
        for match in self.words.finditer(text):
            yield match.start(1), match.group(1), None
        for glob, regex in self.patterns:
            if fnmatch.fnmatchcase(relative, glob):
                for match in regex.finditer(text):
                    for key, alias in self.spellings[match.group("fk_key")]:
                        yield match.start("fk_key"), key, f"pattern {glob}" if alias == EXACT else f"pattern {glob}, {alias}"
        if self.quoted is not None:
            for match in self.quoted.finditer(text):
                for key, alias in self.spellings[match.group(2)]:
                    if alias != EXACT:
                        yield match.start(2), key, alias


def find_text_references(texts: TextFiles, keys: Iterable[str], aliases: AliasConfig) -> dict[str, list[TextReference]]:
    """Every reference to each key in the project's text files, in file order; the aliases'
    pattern globs match paths relative to the root. Stored per file under its digest with the
    keys and the aliases, which decide the rest (textsearch.py)."""
    wanted = sorted(set(keys))
    found: dict[str, list[TextReference]] = {key: [] for key in wanted}
    if not wanted:
        return found
    search = _Search(wanted, aliases)
    for path, matches in texts.search("key references", [repr(aliases), *wanted], search.matches):
        for match in matches:
            found[match.text].append(TextReference(match.text, path, match.line, match.column, match.note))
    for references in found.values():
        references.sort(key=lambda reference: (str(reference.path), reference.line, reference.column))
    return found

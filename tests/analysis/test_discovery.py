"""Excludes: plain names (the defaults, `build`, `*.egg-info`) are matched without pathspec, exactly as pathspec would."""

from __future__ import annotations

import pathspec
from hypothesis import given
from hypothesis import strategies as st

from flagkeeper.analysis import discovery
from flagkeeper.analysis.discovery import DEFAULT_EXCLUDES, matches_glob

NAMES = st.text(alphabet="ab.*?-_é", min_size=1, max_size=5)
PATHS = st.builds(
    lambda parts, folder: "/".join(parts) + ("/" if folder else ""),
    st.lists(st.text(alphabet="ab.-_é", min_size=1, max_size=4), min_size=1, max_size=4),
    st.booleans(),
)


def pathspec_matches(path: str, patterns: list[str]) -> bool:
    """What matches_glob answered when it always asked pathspec (the regexes of its gitignore patterns, joined)."""
    regexes = [pattern.regex for pattern in pathspec.GitIgnoreSpec.from_lines(patterns).patterns if pattern.include and pattern.regex]
    return any(regex.match(path) for regex in regexes)


@given(st.lists(NAMES, min_size=1, max_size=3), st.lists(PATHS, min_size=1, max_size=10))
def test_a_plain_name_matches_as_pathspec_says(names: list[str], paths: list[str]) -> None:
    plain = [name for name in names if discovery._PLAIN.fullmatch(name)]
    for path in paths:
        assert matches_glob(path, plain) == pathspec_matches(path, plain), (plain, path)


def test_which_patterns_are_plain() -> None:
    assert all(discovery._PLAIN.fullmatch(pattern) for pattern in DEFAULT_EXCLUDES)
    # A slash anchors, `**` spans folders, `!` re-includes, brackets are classes, `#` comments: pathspec's.
    assert not any(discovery._PLAIN.fullmatch(pattern) for pattern in ("tests/fixtures", "**", "a**", "!keep", "[ab]", "#x", ".", "..", "a b"))
    assert matches_glob("pkg/build/x.py", ("build",)) and matches_glob("shop.egg-info/", ("*.egg-info",))
    assert not matches_glob("rebuild/x.py", ("build",)) and matches_glob("a/bc/x.py", ("b?",)) and not matches_glob("a/bcd/x.py", ("b?",))

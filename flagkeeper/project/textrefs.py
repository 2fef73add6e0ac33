"""Find flag keys in non-Python text files: frontends, templates and configs read flags too.

A plain text search, one compiled pattern for all keys, so it costs one pass per file. A key
counts where it stands as a whole word (not inside a longer identifier such as `old_key_v2`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Bundled or generated files this large are not where a team reads a flag by hand.
MAX_TEXT_FILE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class TextReference:
    key: str
    path: Path
    line: int
    column: int


def read_text_file(path: Path) -> str | None:
    """The text searched for keys in `path`; None for a file too large or unreadable."""
    try:
        if path.stat().st_size > MAX_TEXT_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None  # an unreadable asset cannot read a flag; Python sources are read strictly


def find_text_references(texts: Iterable[tuple[Path, str]], keys: Iterable[str]) -> dict[str, list[TextReference]]:
    """Every whole-word occurrence of each key in `texts` (path, text as read_text_file read it)."""
    wanted = sorted(set(keys), key=lambda key: (-len(key), key))
    found: dict[str, list[TextReference]] = {key: [] for key in wanted}
    if not wanted:
        return found
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, wanted)) + r")(?![\w-]|\.\w)")
    for path, text in texts:
        for match in pattern.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            line = text.count("\n", 0, match.start()) + 1
            found[match.group(1)].append(TextReference(match.group(1), path, line, match.start() - line_start + 1))
    return found

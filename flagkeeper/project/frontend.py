"""Frontend reads: flag reads in JavaScript and TypeScript files (analysis/javascript.py), their
keys resolved across files and joined to the keys the registry knows.

They count for FK005 (a registered key that only the frontend reads is in use) and FK003 (a
retired key read again in the frontend), and the inventory lists them. The other rules stay
Python's: a frontend read of a key the registry does not know is not FK001, since frontends read
keys their flag service serves.

A frontend may spell a key differently (`organizations:ddm-ui` read as `ddm-ui`, `new-checkout`
as `newCheckout`): `spelling_index` is where a project's spellings of its keys join in.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import msgspec

from flagkeeper.analysis.facts import FileFacts, FlagRef, KeyExpr

# key -> {spelling: the name of the alias that spells it so} (project/aliases.py: key_spellings).
Spellings = Callable[[str], Mapping[str, str]]
Resolve = Callable[[str, KeyExpr], "str | None"]


class FrontendRead(msgspec.Struct, frozen=True):
    """A read in a frontend file. `key` is the known key it reads, or its own spelling when no
    known key matches; `alias` names the alias that matched (None: spelled as registered)."""

    key: str
    spelling: str
    alias: str | None
    path: Path
    module: str
    language: str
    read: FlagRef


def spelling_index(keys: Iterable[str], spellings: Spellings | None = None) -> dict[str, tuple[str, str | None]]:
    """Spelling -> (key, alias): every key as itself, and the other spellings `spellings` gives
    it. A key's own spelling always wins; of two keys spelled alike by aliases, the first."""
    keys = list(keys)
    index: dict[str, tuple[str, str | None]] = {}
    if spellings is not None:
        for key in keys:
            for spelling, alias in spellings(key).items():
                index.setdefault(spelling, (key, alias))
    index.update((key, (key, None)) for key in keys)
    return index


def import_names(modules: Mapping[str, FileFacts]) -> dict[str, FileFacts]:
    """The modules by every name an import may give them: their path (`web/src/flags`), and the
    ends of it that name one file only (`src/flags`, for `import ... from "src/flags"` through a
    bundler's base folder). A bare last part (`flags`) is left out: packages are named so."""
    by_end: dict[str, list[str]] = {}
    for module in modules:
        parts = module.split("/")
        for start in range(1, len(parts) - 1):
            by_end.setdefault("/".join(parts[start:]), []).append(module)
    ends = {end: modules[found[0]] for end, found in by_end.items() if len(found) == 1 and end not in modules}
    return {**ends, **modules}


def frontend_reads(
    files: Iterable[FileFacts], root: Path, resolve: Resolve, is_flag_key: Callable[[str, str], bool], index: Mapping[str, tuple[str, str | None]]
) -> list[FrontendRead]:
    """Every frontend read with a static key (a pack's key-pattern may rule a key out), joined
    to the known keys through `index` (see spelling_index)."""
    found = []
    for facts in files:
        if facts.error is not None:  # one line, not FK000: the frontend is not what flagkeeper lints
            sys.stderr.write(f"flagkeeper: note: {facts.path}: not read as {facts.language} ({facts.error.message}); its keys are searched as text only\n")
        for read in facts.references:
            spelling = resolve(facts.module, read.key)
            if spelling is None or not is_flag_key(read.pack, spelling):
                continue
            key, alias = index.get(spelling, (spelling, None))
            found.append(FrontendRead(key, spelling, alias, root / facts.path, facts.module, facts.language, read))
    return found

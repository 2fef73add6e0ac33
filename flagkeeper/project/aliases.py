"""How a flag key is spelled outside Python: the spellings its aliases give it.

A frontend rarely writes a key as the backend registers it: Python registers
`organizations:ddm-ui` and TypeScript asks `features.includes('ddm-ui')`; LaunchDarkly's React
SDK turns `new-checkout` into `newCheckout`. The config's and the active packs' `[aliases]`
tables (config.AliasConfig) say which prefixes a frontend drops and which case transforms it
applies; `key_spellings` turns one key into every spelling that counts as it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from flagkeeper.config import AliasConfig

EXACT = "exact"  # the alias name of the key as written

# Words of a key: runs of capitals that are not a word's start (`HTTP` in `HTTPServer`), a
# capitalised or lower-case run, or digits; everything else (`-`, `_`, `.`, `:`) separates.
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

_CASES: dict[str, Callable[[list[str]], str]] = {
    "camelCase": lambda words: words[0].lower() + "".join(word.capitalize() for word in words[1:]),
    "PascalCase": lambda words: "".join(word.capitalize() for word in words),
    "snake_case": lambda words: "_".join(word.lower() for word in words),
    "UPPER_SNAKE": lambda words: "_".join(word.upper() for word in words),
    "kebab-case": lambda words: "-".join(word.lower() for word in words),
    "dot.case": lambda words: ".".join(word.lower() for word in words),
}


def spell(case: str, text: str) -> str:
    """`text` in one of config.ALIAS_CASES: spell("camelCase", "new-checkout") == "newCheckout"."""
    words = _WORD.findall(text)
    return _CASES[case](words) if words else text


def key_spellings(key: str, aliases: AliasConfig) -> Mapping[str, str]:
    """Every spelling of `key` that counts as it, mapped to the alias that produced it.

    The key itself comes first, as EXACT. Each prefix of `aliases.strip_prefixes` that the key
    starts with gives the rest (`organizations:ddm-ui` -> `ddm-ui`, alias "strip organizations:");
    each case of `aliases.cases` then spells the key and every stripped form (`ddmUi`, alias
    "strip organizations: + camelCase"). Where two aliases give one spelling, the first named
    wins: the key before stripped forms, a stripped form before a case transform.

    >>> dict(key_spellings("new-checkout", AliasConfig(cases=("camelCase", "kebab-case"))))
    {'new-checkout': 'exact', 'newCheckout': 'camelCase'}
    """
    stems = {key: EXACT}
    for prefix in aliases.strip_prefixes:
        if key.startswith(prefix) and len(key) > len(prefix):
            stems.setdefault(key[len(prefix) :], f"strip {prefix}")
    spellings = dict(stems)
    for stem, via in stems.items():
        for case in aliases.cases:
            spellings.setdefault(spell(case, stem), case if via == EXACT else f"{via} + {case}")
    return spellings


def spellings_of(keys: Iterable[str], aliases: AliasConfig) -> dict[str, list[tuple[str, str]]]:
    """Spelling -> the (key, alias) pairs it stands for: two keys may share one (`a:x`, `b:x` without prefix)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for key in keys:
        for spelling, alias in key_spellings(key, aliases).items():
            found.setdefault(spelling, []).append((key, alias))
    return found

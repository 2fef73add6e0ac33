"""FK009 dynamic-flag-key: a flag read or registration whose key cannot be resolved statically."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import WARNING, Diagnostic
from flagkeeper.project.model import Project

_REGISTRY = '[flags.venue_arca_enabled]\nowner = "routing"\ntype = "operational"\n'
_PACK = '[pack]\nname = "house"\ndescription = "in-house flags"\n[[register]]\ncall = "features.register"\nkey = { position = 0 }\n'


class DynamicFlagKeyRule(Rule):
    code = "FK009"
    name = "dynamic-flag-key"
    severity = WARNING
    summary = "A flag read whose key is built at run time and cannot be resolved statically."
    why = (
        "flagkeeper cannot tell which flag such a read touches, so it cannot check the key against "
        "the registry, find its other reads, or see that an 'unused' flag is in fact read here. "
        "Literal keys, module constants (also imported ones), class attributes and `+` or f-string "
        "joins of those resolve; anything else is reported, never guessed."
    )
    fix = "Pass a string literal or a module-level constant; map run-time values to constant keys in a dict."
    needs = frozenset({Need.REFERENCES})
    INVALID = (
        Case(
            {
                "app.py": 'import ldclient\n\ndef route(venue):\n    return ldclient.get().variation("venue_" + venue + "_enabled", ctx, False)\n',
                "flags.toml": _REGISTRY,
            },
            expect=(
                'app.py:4:12: FK009 the flag key passed to ldclient.get().variation cannot be resolved statically: `"venue_" + '
                'venue + "_enabled"`; use a string literal or a module-level constant',
            ),
        ),
        # an f-string of a run-time value
        Case(
            {
                "app.py": 'import ldclient\n\ndef route(venue):\n    return ldclient.get().variation(f"venue_{venue}_enabled", ctx, False)\n',
                "flags.toml": _REGISTRY,
            },
            expect=(
                "app.py:4:12: FK009 the flag key passed to ldclient.get().variation cannot be resolved statically: "
                '`f"venue_{venue}_enabled"`; use a string literal or a module-level constant',
            ),
        ),
        # a registration in a loop over something that is not a literal list
        Case(
            {
                "flagkeeper.toml": 'rule-packs = ["house.toml"]\n', "house.toml": _PACK,
                "features.py": "def register(key): ...\n",
                "app.py": "import features\n\nfor key in load_keys():\n    features.register(key)\n",
            },
            expect=(
                "app.py:4:5: FK009 the flag key registered here cannot be resolved statically: `key`; use a string "
                "literal or a module-level constant",
            ),
        ),
        # a list of keys: one read per element, and only the element that does not resolve is reported
        Case(
            {
                "flagkeeper.toml": 'rule-packs = ["house.toml"]\n',
                "house.toml": '[pack]\nname = "house"\ndescription = "d"\n[[read]]\ncall = "features.require_flags"\nkey = { position = 0 }\n',
                "features.py": "def require_flags(keys): ...\n",
                "app.py": (
                    'from features import require_flags\n\nVENUE = "arca"\n\n'
                    '@require_flags(["venue_arca_enabled", f"venue_{VENUE}_enabled", venue_flag()])\ndef route():\n    pass\n'
                ),
                "flags.toml": _REGISTRY,
            },
            expect=(
                "app.py:5:2: FK009 the flag key passed to require_flags cannot be resolved statically: `venue_flag()`; use a "
                "string literal or a module-level constant",
            ),
        ),
    )  # fmt: skip
    VALID = (
        Case({
            "app.py": (
                'import ldclient\n\nVENUE = "arca"\n\ndef route():\n'
                '    return ldclient.get().variation("venue_" + VENUE + "_enabled", ctx, False)\n'
            ),
            "flags.toml": _REGISTRY,
        }),
        # an f-string of an imported constant resolves
        Case({
            "venues.py": 'VENUE = "arca"\n',
            "app.py": (
                'import ldclient\nfrom venues import VENUE\n\ndef route():\n'
                '    return ldclient.get().variation(f"venue_{VENUE}_enabled", ctx, False)\n'
            ),
            "flags.toml": _REGISTRY,
        }),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for reference in project.references:
            if reference.key is None:
                read = reference.read
                yield self._unresolved(reference.path, read.line, read.column, f"passed to {read.call}", read.key_code)
        for registered in project.registrations:
            if registered.key is None:
                registration = registered.registration
                yield self._unresolved(registered.path, registration.line, registration.column, "registered here", registration.key_code)

    def _unresolved(self, path: Path, line: int, column: int, where: str, code: str) -> Diagnostic:
        message = f"the flag key {where} cannot be resolved statically: `{code}`; use a string literal or a module-level constant"
        return self.report(path, line, column, message)

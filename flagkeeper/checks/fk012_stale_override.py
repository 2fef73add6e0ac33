"""FK012 stale-override: a test or settings block overrides a flag that no registry source knows."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import WARNING, Diagnostic
from flagkeeper.project.model import Project
from flagkeeper.registry.lifecycle import FlagStatus

_REGISTRY = '[flags.new-checkout]\nowner = "payments"\ntype = "release"\nexpires = 2026-12-31\n'
_TEST = (
    "from waffle.testutils import override_flag, override_switch\n\n\n"
    '@override_flag("new-checkout", active=True)\n'
    "def test_checkout(client):\n"
    '    with override_switch("old-checkout", active=False):\n'
    "        client.get('/checkout')\n"
)


class StaleOverrideRule(Rule):
    code = "FK012"
    name = "stale-override"
    severity = WARNING
    summary = "A test or settings block overrides a flag key that no registry source registers, or that was retired."
    why = (
        "An override (`@override_flag(\"x\", active=True)`, `with self.feature(\"x\"):`) sets a flag for a "
        "test; once the flag is gone, the test still passes while it exercises a state that cannot happen "
        "any more, and the override keeps the dead key alive in searches and reviews. A typo in the key "
        "makes the test run with the real value and prove nothing. Overrides are not reads: they do not "
        "keep a registered flag from FK005, and an unregistered key here is not FK001."
    )
    fix = "Delete the override (and the test of the gone state), or fix the key's spelling."
    needs = frozenset({Need.REGISTRY, Need.REFERENCES})
    INVALID = (
        Case(
            {"flags.toml": _REGISTRY, "tests/test_checkout.py": _TEST},
            expect=(
                "tests/test_checkout.py:6:10: FK012 flag 'old-checkout' is overridden here but no registry source "
                "registers it: delete the override, or fix the key",
            ),
        ),
        # a retired key, overridden by keyword name through a project pack
        Case(
            {
                "flagkeeper.toml": 'rule-packs = ["house.toml"]\n',
                "house.toml": (
                    '[pack]\nname = "house"\ndescription = "in-house test helper"\n'
                    '[[override]]\ncall = "app.testing.override_flags"\nkeywords-are-keys = true\n'
                ),
                "flags.toml": '[retired.PEG]\nretired = 2003-06-30\nmeaning = "Power Peg"\n',
                "app/__init__.py": "",
                "app/testing.py": "def override_flags(**flags): ...\n",
                "tests/test_router.py": "from app.testing import override_flags\n\n\n@override_flags(PEG=True)\ndef test_peg(): ...\n",
            },
            expect=(
                "tests/test_router.py:4:2: FK012 flag 'PEG' is overridden here but was retired on 2003-06-30 (it meant: "
                "Power Peg): delete the override",
            ),
        ),
    )  # fmt: skip
    VALID = (
        Case({"flags.toml": _REGISTRY + '\n[flags.old-checkout]\nowner = "payments"\ntype = "operational"\n', "tests/test_checkout.py": _TEST}),
        # registered by a data migration's create call that the project's pack describes
        Case({
            "flagkeeper.toml": 'rule-packs = ["house.toml"]\n',
            "house.toml": (
                '[pack]\nname = "house"\ndescription = "flags created in migrations"\n'
                '[[register]]\ncall = "*.get_or_create"\nkey = { keyword = "name" }\n'
            ),
            "migrations/0002_flags.py": 'def forwards(apps, schema_editor):\n    Switch = apps.get_model("waffle", "Switch")\n'
                                        '    Switch.objects.get_or_create(name="old-checkout")\n'
                                        '    Switch.objects.get_or_create(name="new-checkout")\n',
            "tests/test_checkout.py": _TEST,
        }),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for overridden in project.overrides:
            key = overridden.key
            if key is None:
                continue
            status = project.lifecycle.status(key)
            if status is FlagStatus.UNREGISTERED:
                message = f"flag '{key}' is overridden here but no registry source registers it: delete the override, or fix the key"
            elif status is FlagStatus.RETIRED:
                tombstone = project.registry.retired[key]
                when = f" on {tombstone.retired}" if tombstone.retired else ""
                meaning = f" (it meant: {tombstone.meaning})" if tombstone.meaning else ""
                message = f"flag '{key}' is overridden here but was retired{when}{meaning}: delete the override"
            else:
                continue
            override = overridden.override
            yield self.report(overridden.path, override.line, override.column, message, key)

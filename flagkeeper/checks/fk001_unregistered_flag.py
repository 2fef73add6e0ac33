"""FK001 unregistered-flag: a key read in code that the registry does not know."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.project.model import Project
from flagkeeper.registry.lifecycle import FlagStatus


class UnregisteredFlagRule(Rule):
    code = "FK001"
    name = "unregistered-flag"
    severity = ERROR
    summary = "A flag key read in code and absent from the registry."
    why = (
        "A flag nobody registered has no owner and no expiry: nobody will remove it, and nobody "
        "notices when its key is reused for something else. Knight Capital's repurposed flag was "
        "exactly such an unowned key."
    )
    fix = "Register the key in flags.toml with an owner, a type and (for release and experiment flags) an expiry."
    needs = frozenset({Need.REGISTRY, Need.REFERENCES})
    INVALID = (
        Case(
            {
                "app.py": 'import ldclient\n\nif ldclient.get().variation("new-checkout", ctx, False):\n    pass\n',
            },
            expect=(
                "app.py:3:4: FK001 flag 'new-checkout' is read here but not registered in flags.toml: register it with an "
                "owner, a type and an expiry",
            ),
        ),
        # the key comes through an imported constant; a near-miss spelling is registered
        Case(
            {
                "keys.py": 'CHECKOUT = "new-checkout"\n',
                "app.py": 'import ldclient\nfrom keys import CHECKOUT\n\nif ldclient.get().variation(CHECKOUT, ctx, False):\n    pass\n',
                "flags.toml": '[flags.new_checkout]\nowner = "payments"\ntype = "operational"\n',
            },
            expect=(
                "app.py:4:4: FK001 flag 'new-checkout' is read here but not registered in flags.toml: register it with an "
                "owner, a type and an expiry",
            ),
        ),
    )  # fmt: skip
    VALID = (
        Case({
            "app.py": 'import ldclient\n\nif ldclient.get().variation("new-checkout", ctx, False):\n    pass\n',
            "flags.toml": '[flags.new-checkout]\nowner = "payments"\ntype = "release"\nexpires = 2026-12-31\n',
        }),
        # registered in code, by a registry mapping the project's pack names
        Case({
            "flagkeeper.toml": 'rule-packs = ["house.toml"]\n',
            "house.toml": (
                '[pack]\nname = "house"\ndescription = "settings flags"\n'
                '[[register]]\nassign = "settings.DEFAULT_FEATURE_FLAGS"\n'
            ),
            "settings.py": 'DEFAULT_FEATURE_FLAGS = {\n    # the new checkout page\n    "new-checkout": False,\n}\n',
            "app.py": 'import ldclient\n\nif ldclient.get().variation("new-checkout", ctx, False):\n    pass\n',
        }),
        # a retired key is FK003's finding, not FK001's
        Case({
            "app.py": 'import ldclient\n\nif ldclient.get().variation("peg_enabled", ctx, False):\n    pass\n',
            "flags.toml": '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg"\n',
        }),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        registry = project.registry
        for reference in project.references:
            if reference.key is not None and project.lifecycle.status(reference.key) is FlagStatus.UNREGISTERED:
                message = (
                    f"flag '{reference.key}' is read here but not registered in {registry.path.name}: "
                    "register it with an owner, a type and an expiry"
                )
                yield self.report(reference.path, reference.read.line, reference.read.column, message, reference.key)

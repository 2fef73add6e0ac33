"""FK001 unregistered-flag: a key read in code that the registry does not know."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Example, Rule
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
    fires = Example({
        "app.py": 'import ldclient\n\nif ldclient.get().variation("new-checkout", ctx, False):\n    pass\n',
    })  # fmt: skip
    passes = Example({
        "app.py": 'import ldclient\n\nif ldclient.get().variation("new-checkout", ctx, False):\n    pass\n',
        "flags.toml": '[flags.new-checkout]\nowner = "payments"\ntype = "release"\nexpires = 2026-12-31\n',
    })  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        registry = project.registry
        for reference in project.references:
            if reference.key is not None and project.lifecycle.status(reference.key) is FlagStatus.UNREGISTERED:
                message = (
                    f"flag '{reference.key}' is read here but not registered in {registry.path.name}: "
                    "register it with an owner, a type and an expiry"
                )
                yield self.report(reference.path, reference.read.line, reference.read.column, message, reference.key)

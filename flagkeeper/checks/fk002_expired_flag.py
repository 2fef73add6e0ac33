"""FK002 expired-flag: a key still read in code after its expiry date."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Example, Rule
from flagkeeper.checks.diagnostic import WARNING, Diagnostic
from flagkeeper.project.model import Project

_REGISTRY = '[flags.new-checkout]\nowner = "payments"\ntype = "release"\ncreated = 2026-01-10\nexpires = {expires}\n'
_APP = 'import ldclient\n\nif ldclient.get().variation("new-checkout", ctx, False):\n    pass\n'


class ExpiredFlagRule(Rule):
    code = "FK002"
    name = "expired-flag"
    severity = WARNING
    summary = "A flag key still read in code after its expiry date."
    why = (
        "A release or experiment flag is meant to be removed once it has done its job. Every "
        "month it stays, both branches must keep working and the dead one gets less tested, "
        "like Power Peg after 2003. The expiry is `expires`, or `created` plus the type's default "
        "lifetime (release and experiment 40 days, operational 7, configurable under `lifetimes`)."
    )
    fix = "Remove the flag and its dead branch, or extend the expiry in the registry with a reason."
    fires = Example({"app.py": _APP, "flags.toml": _REGISTRY.format(expires="2026-03-31")}, today="2026-06-01")
    passes = Example({"app.py": _APP, "flags.toml": _REGISTRY.format(expires="2026-09-30")}, today="2026-06-01")

    def check(self, project: Project) -> Iterator[Diagnostic]:
        lifecycle = project.lifecycle
        for key, references in project.inventory.items():
            entry = project.registry.flags.get(key)
            expiry = lifecycle.expiry(key)
            if entry is None or expiry is None or not lifecycle.is_expired(key):
                continue
            days = (project.today - expiry).days
            basis = lifecycle.lifetime_basis(entry)
            owner = f"owner {entry.owner}" if entry.owner else "no owner"
            message = (
                f"flag '{key}' expired on {expiry}{basis} ({days} days ago, {owner}) and is still read here: "
                "remove the flag or extend its expiry"
            )
            for reference in references:
                yield self.report(reference.path, reference.read.line, reference.read.column, message, key)

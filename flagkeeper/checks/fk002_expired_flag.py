"""FK002 expired-flag: a key still read in code after its expiry date."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import ERROR, WARNING, Diagnostic
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
        "lifetime (release and experiment 40 days, operational 7, configurable under `lifetimes`). "
        "With `expiry-grace-days = N` in the config, the finding is a warning for N days after the "
        "expiry and an error from then on: with `--fail-on error`, a commit is blocked only once the "
        "grace is over."
    )
    fix = "Remove the flag and its dead branch, or extend the expiry in the registry with a reason."
    needs = frozenset({Need.REGISTRY, Need.REFERENCES})
    INVALID = (
        Case(
            {"app.py": _APP, "flags.toml": _REGISTRY.format(expires="2026-03-31")},
            today="2026-06-01",
            expect=(
                "app.py:3:4: FK002 flag 'new-checkout' expired on 2026-03-31 (62 days ago, owner payments) and is still read "
                "here: remove the flag or extend its expiry",
            ),
        ),
        # no `expires`: created plus the release lifetime (40 days); every read is reported
        Case(
            {
                "app.py": _APP,
                "jobs.py": 'import ldclient\n\ndef nightly():\n    return ldclient.get().variation("new-checkout", None, False)\n',
                "flags.toml": '[flags.new-checkout]\ntype = "release"\ncreated = 2026-01-10\n',
            },
            expect=(
                "app.py:3:4: FK002 flag 'new-checkout' expired on 2026-02-19, 40 days after it was created (102 days ago, no "
                "owner) and is still read here: remove the flag or extend its expiry",
                "jobs.py:4:12: FK002 flag 'new-checkout' expired on 2026-02-19, 40 days after it was created (102 days ago, no "
                "owner) and is still read here: remove the flag or extend its expiry",
            ),
        ),
        # expiry-grace-days: a warning (here) during the grace, an error after it
        Case(
            {"app.py": _APP, "flags.toml": _REGISTRY.format(expires="2026-05-20"), "flagkeeper.toml": "expiry-grace-days = 30\n"},
            today="2026-06-01",
            expect=(
                "app.py:3:4: FK002 flag 'new-checkout' expired on 2026-05-20 (12 days ago, owner payments) and is still read "
                "here: remove the flag or extend its expiry; 18 days of grace left before this is an error",
            ),
        ),
    )
    VALID = (
        Case({"app.py": _APP, "flags.toml": _REGISTRY.format(expires="2026-09-30")}, today="2026-06-01"),
        # a flag expires after its expiry day
        Case({"app.py": _APP, "flags.toml": _REGISTRY.format(expires="2026-06-01")}, today="2026-06-01"),
        # a kill switch is permanent
        Case({"app.py": _APP, "flags.toml": '[flags.new-checkout]\nowner = "sre"\ntype = "kill-switch"\ncreated = 2019-01-10\n'}),
    )

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
            grace = project.config.expiry_grace_days
            severity = None if grace is None else (WARNING if days <= grace else ERROR)
            if grace is not None and days <= grace:
                message += f"; {grace - days} days of grace left before this is an error"
            for reference in references:
                yield self.report(reference.path, reference.read.line, reference.read.column, message, key, severity)

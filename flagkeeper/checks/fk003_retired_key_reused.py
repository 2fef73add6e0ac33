"""FK003 retired-key-reused: a key the registry retired appears in code again."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.project.model import Project

_TOMBSTONE = '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg: re-peg child orders until filled"\n'


class RetiredKeyReusedRule(Rule):
    code = "FK003"
    name = "retired-key-reused"
    severity = ERROR
    summary = "A key that the registry retired is read in code again: a repurposed identifier."
    why = (
        "On 1 August 2012 Knight Capital's new RLP code reused the flag that had once switched on "
        "Power Peg. On the one server still running old code, switching the flag on woke Power Peg "
        "and lost $460 million in 45 minutes. A retired key keeps its old meaning wherever old code, "
        "old configuration or an old server survives, so it must never mean something new."
    )
    fix = "Give the new behaviour a new key; keep the tombstone so the old key stays unusable."
    needs = frozenset({Need.REGISTRY, Need.REFERENCES})
    INVALID = (
        Case(
            {
                "app.py": 'import ldclient\n\nif ldclient.get().variation("peg_enabled", ctx, False):\n    pass\n',
                "flags.toml": _TOMBSTONE,
            },
            expect=(
                "app.py:3:4: FK003 flag key 'peg_enabled' was retired on 2003-06-30 and is read again here; it used to mean: "
                "Power Peg: re-peg child orders until filled. A retired key must never be reused: give the new behaviour a new "
                "key",
            ),
        ),
        # read through a constant, registered again, and the tombstone names only the last commit
        Case(
            {
                "app.py": 'import ldclient\n\nPEG = "peg_enabled"\n\ndef route(order):\n    return ldclient.get().variation(PEG, order, False)\n',
                "flags.toml": '[retired.peg_enabled]\nlast-commit = "8f3c2a1"\n\n[flags.peg_enabled]\nowner = "rlp"\ntype = "release"\nexpires = 2026-09-30\n',
            },
            expect=(
                "app.py:6:12: FK003 flag key 'peg_enabled' was retired (last read in commit 8f3c2a1) and is read again here. A "
                "retired key must never be reused: give the new behaviour a new key",
            ),
        ),
        # read again in the frontend, through an enum member imported from another file
        Case(
            {
                "flags.toml": _TOMBSTONE,
                "web/flags.ts": 'export enum Flag {\n  Peg = "peg_enabled",\n}\n',
                "web/router.tsx": 'import { Flag } from "./flags";\n\nconst on = posthog.isFeatureEnabled(Flag.Peg);\n',
            },
            expect=(
                "web/router.tsx:3:12: FK003 flag key 'peg_enabled' was retired on 2003-06-30 and is read again here; it used to "
                "mean: Power Peg: re-peg child orders until filled. A retired key must never be reused: give the new behaviour a "
                "new key",
            ),
        ),
    )  # fmt: skip
    VALID = (
        Case({
            "app.py": 'import ldclient\n\nif ldclient.get().variation("rlp_routing", ctx, False):\n    pass\n',
            "flags.toml": _TOMBSTONE + '\n[flags.rlp_routing]\nowner = "routing"\ntype = "release"\nexpires = 2026-09-30\n',
        }),
        # the retired key in a comment and in a string that no flag call reads
        Case({
            "app.py": '# peg_enabled was Power Peg\nLOG_TAG = "peg_enabled"\nprint(LOG_TAG)\n',
            "flags.toml": _TOMBSTONE,
        }),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        reads = [(found.key, found.path, found.read) for found in project.references]
        reads += [(found.key, found.path, found.read) for found in project.frontend_reads]
        for key, path, read in reads:
            tombstone = project.registry.retired.get(key or "")
            if tombstone is None:
                continue
            when = f" on {tombstone.retired}" if tombstone.retired else ""
            meaning = f"; it used to mean: {tombstone.meaning}" if tombstone.meaning else ""
            last = tombstone.fields.get("last-commit")
            history = f" (last read in commit {last})" if isinstance(last, str) else ""
            message = (
                f"flag key '{key}' was retired{when}{history} and is read again here{meaning}. "
                "A retired key must never be reused: give the new behaviour a new key"
            )
            yield self.report(path, read.line, read.column, message, key)

"""FK017 retired-key-in-service: a key the registry retired that the flag service still defines, or has again."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.checks.service import STATE_HEADER, service_name, state_flag
from flagkeeper.project.model import Project

_TOMBSTONE = '[retired.peg-enabled]\nretired = 2003-06-30\nmeaning = "Power Peg: re-peg child orders until filled"\n'
_OFF = "on = false\nserved = false\n"


class RetiredKeyInServiceRule(Rule):
    code = "FK017"
    name = "retired-key-in-service"
    severity = ERROR
    summary = "A key that the registry retired is still defined in the flag service (not archived), or was created there again."
    why = (
        "A tombstone in flags.toml keeps a retired key out of the code, but the switch lives in the "
        "flag service. While the service still has the flag, anyone can turn it on, and every old "
        "server, branch or build that still reads the key runs its old meaning; a flag created again "
        "under the old key is Knight Capital's repurposed Power Peg flag exactly. Archived in the "
        "service, the key stays taken and nobody can switch it: that is what a retired key should be."
    )
    fix = "Archive the flag in the service; a new feature gets a new key. Then `flagkeeper pull` again."
    needs = frozenset({Need.REGISTRY, Need.SERVICE})
    INVALID = (
        Case(
            {
                "app.py": "print('Power Peg is gone from the code')\n",
                "flags.toml": _TOMBSTONE,
                "flag-state.toml": STATE_HEADER + state_flag("peg-enabled", {"production": _OFF}, "created = 2001-02-01T00:00:00Z\n"),
            },
            expect=(
                "flag-state.toml:5:1: FK017 flag key 'peg-enabled' was retired on 2003-06-30 (Power Peg: re-peg child orders "
                "until filled), but the flag service (launchdarkly) still defines it: archive it there, so that nobody can "
                "switch the old meaning on",
            ),
        ),
        # created again in the service, years after the key was retired: a repurposed key
        Case(
            {
                "app.py": "print('the RLP code reads its flag elsewhere')\n",
                "flags.toml": _TOMBSTONE,
                "flag-state.toml": STATE_HEADER + state_flag("peg-enabled", {"production": _OFF}, "created = 2012-06-01T00:00:00Z\n"),
            },
            expect=(
                "flag-state.toml:5:1: FK017 flag key 'peg-enabled' was retired on 2003-06-30 (Power Peg: re-peg child orders "
                "until filled), and the flag service (launchdarkly) has it again, created on 2012-06-01: a retired key must "
                "never mean something new; give the new flag a new key and archive this one",
            ),
        ),
    )  # fmt: skip
    VALID = (
        # archived in the service: the key stays taken and nobody can switch it
        Case({
            "app.py": "print('Power Peg is gone')\n",
            "flags.toml": _TOMBSTONE,
            "flag-state.toml": STATE_HEADER + state_flag("peg-enabled", {"production": _OFF}, "archived = true\n"),
        }),
        # deleted from the service altogether
        Case({
            "app.py": "print('Power Peg is gone')\n",
            "flags.toml": _TOMBSTONE,
            "flag-state.toml": STATE_HEADER + state_flag("rlp-routing", {"production": _OFF}),
        }),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        state = project.service
        if state is None:
            return
        for key, tombstone in project.registry.retired.items():
            flag = state.flags.get(key)
            if flag is None or flag.archived:
                continue
            when = f" on {tombstone.retired}" if tombstone.retired else ""
            meaning = f" ({tombstone.meaning})" if tombstone.meaning else ""
            created = flag.created.date() if flag.created else None
            if created is not None and tombstone.retired is not None and created > tombstone.retired:
                message = (
                    f"flag key '{key}' was retired{when}{meaning}, and {service_name(state)} has it again, created on {created}: "
                    "a retired key must never mean something new; give the new flag a new key and archive this one"
                )
            else:
                message = (
                    f"flag key '{key}' was retired{when}{meaning}, but {service_name(state)} still defines it: "
                    "archive it there, so that nobody can switch the old meaning on"
                )
            yield self.report(state.path or project.config.flag_state, flag.line, 1, message, key)

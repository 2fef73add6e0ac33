"""FK016 unread-service-flag: the flag service defines a flag that no code reads."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import WARNING, Diagnostic
from flagkeeper.checks.service import STATE_HEADER, service_name, state_flag
from flagkeeper.project.model import Project

_APP = 'import ldclient\n\nif ldclient.get().variation("new-checkout", None, False):\n    pass\n'
_ON = "on = true\n"
_STATE = STATE_HEADER + state_flag("new-checkout", {"production": _ON}) + state_flag("old-search", {"production": _ON})


class UnreadServiceFlagRule(Rule):
    code = "FK016"
    name = "unread-service-flag"
    severity = WARNING
    summary = "The flag service defines a flag (not archived) that nothing reads, in Python or in other text files."
    why = (
        "A flag left in the service after its code is gone still shows on the dashboard as a switch "
        "that does something. Someone will flip it, or reuse its key for something new while an old "
        "server or branch still reads it. Archiving it keeps the key taken and says it is done. "
        "Reads in frontends, templates and configs count, as for FK005 (a key found as a whole word, "
        "in the spellings the SDKs use); reads through keys built at run time (FK009) cannot be seen. "
        "A key the registry retired is FK017's."
    )
    fix = "Archive the flag in the service (then `flagkeeper pull` again); if code should read it, the read is missing."
    needs = frozenset({Need.REFERENCES, Need.SERVICE})
    whole_program = True
    INVALID = (
        Case(
            {"app.py": _APP, "flag-state.toml": _STATE},
            expect=(
                "flag-state.toml:10:1: FK016 flag 'old-search' is defined in the flag service (launchdarkly), but nothing reads "
                "it, in Python or in other text files: archive it there",
            ),
        ),
        # the frontend reads one flag (camelCased by the React SDK); nothing reads the other
        Case(
            {
                "app.py": "print('no flags here')\n",
                "web/Checkout.tsx": "const { newCheckout } = useFlags();\n",
                "flag-state.toml": _STATE,
            },
            expect=(
                "flag-state.toml:10:1: FK016 flag 'old-search' is defined in the flag service (launchdarkly), but nothing reads "
                "it, in Python or in other text files: archive it there",
            ),
        ),
    )  # fmt: skip
    VALID = (
        # the unread flag is archived already
        Case({
            "app.py": _APP,
            "flag-state.toml": STATE_HEADER + state_flag("new-checkout", {"production": _ON})
            + state_flag("old-search", {"production": _ON}, "archived = true\n"),
        }),
        # read in a template
        Case({"app.py": _APP, "templates/search.html": "{% if flags['old-search'] %}new{% endif %}\n", "flag-state.toml": _STATE}),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        state = project.service
        if state is None:
            return
        unread = [
            key for key, flag in state.flags.items()
            if not flag.archived and key not in project.registry.retired
            and key not in project.inventory and key not in project.frontend_inventory
        ]  # fmt: skip
        text_reads = project.text_references(unread)
        for key in unread:
            if text_reads[key]:
                continue
            message = f"flag '{key}' is defined in {service_name(state)}, but nothing reads it, in Python or in other text files: archive it there"
            yield self.report(state.path or project.config.flag_state, state.flags[key].line, 1, message, key)

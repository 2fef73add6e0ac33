"""FK018 default-differs-from-served: the default a read falls back to is not what the service serves."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import WARNING, Diagnostic
from flagkeeper.checks.service import STATE_HEADER, service_name, service_reads, state_flag
from flagkeeper.project.model import Project
from flagkeeper.registry.served import code_default, same_value, served_everywhere

_APP = (
    "import ldclient\n\n"
    "def send(order):\n"
    '    if ldclient.get().variation("halt-orders", order, True):\n'
    '        return "halted"\n'
    '    return "sent"\n'
)
_OFF = "on = false\nserved = false\nserved-since = 2026-01-01T00:00:00Z\n"
_KILL_SWITCH = '[flags.halt-orders]\nowner = "trading"\ntype = "kill-switch"\n'
_HALT = STATE_HEADER + state_flag("halt-orders", {"production": _OFF, "staging": _OFF})
_COLOUR = "import ldclient\n\ndef theme(ctx):\n    return ldclient.get().variation(\"button-colour\", ctx, 'grey')\n"


class DefaultDiffersFromServedRule(Rule):
    code = "FK018"
    name = "default-differs-from-served"
    severity = WARNING
    summary = "A flag read's default in code differs from the one value the flag service serves in every environment."
    why = (
        "When the service cannot be reached, the SDK is not initialised yet, or the key is "
        "mistyped, a read returns the default written in the code. If that is not what the service "
        "serves, an outage quietly flips the code to its other branch for everyone: a kill switch "
        "defaulting to true halts all trading when the service is down, a launched feature vanishes. "
        "Judged only where the service serves one value in every environment and the default is a "
        "literal (`False`, `\"grey\"`, `3`); a flag launched for `launched-days` is FK014's (remove "
        "it instead)."
    )
    fix = "Make the code's default the value the service serves, or change what the service serves."
    needs = frozenset({Need.REGISTRY, Need.REFERENCES, Need.SERVICE})
    INVALID = (
        Case(
            {"app.py": _APP, "flags.toml": _KILL_SWITCH, "flag-state.toml": _HALT},
            expect=(
                "app.py:4:8: FK018 flag 'halt-orders' defaults to True here, but the flag service (launchdarkly) serves false "
                "in every environment: whenever the service cannot be reached this code runs as if the flag were True; make "
                "the default False",
            ),
        ),
        # a string variation, served for 2 days (not yet launched)
        Case(
            {
                "app.py": _COLOUR,
                "flag-state.toml": STATE_HEADER
                + state_flag("button-colour", {"production": 'on = true\nserved = "blue"\nserved-since = 2026-05-30T00:00:00Z\n'}),
            },
            expect=(
                "app.py:4:12: FK018 flag 'button-colour' defaults to 'grey' here, but the flag service (launchdarkly) serves "
                "\"blue\" in every environment: whenever the service cannot be reached this code runs as if the flag were "
                "'grey'; make the default 'blue'",
            ),
        ),
    )  # fmt: skip
    VALID = (
        Case({"app.py": _APP.replace("order, True)", "order, False)"), "flags.toml": _KILL_SWITCH, "flag-state.toml": _HALT}),
        # launched for months: FK014 says remove it, which settles the default too
        Case({"app.py": _APP, "flag-state.toml": _HALT}),
        # a default that is not a literal cannot be compared
        Case({"app.py": _APP.replace("order, True)", "order, SAFE)"), "flags.toml": _KILL_SWITCH, "flag-state.toml": _HALT}),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for state, reference in service_reads(project):
            read = reference.read
            served = served_everywhere(state, reference.key)
            known, default = code_default(read.default)
            if served is None or not known or same_value(default, served.value) or project.lifecycle.launched(served.key):
                continue
            message = (
                f"flag '{served.key}' defaults to {read.default} here, but {service_name(state)} serves {served.shown} in every "
                f"environment: whenever the service cannot be reached this code runs as if the flag were {read.default}; "
                f"make the default {served.value!r}"
            )
            yield self.report(reference.path, read.line, read.column, message, served.key)

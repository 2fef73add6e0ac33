"""FK015 unknown-to-service: code reads a key the flag service does not define, or has archived."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import ERROR, WARNING, Diagnostic
from flagkeeper.checks.service import STATE_HEADER, service_name, service_reads, state_flag
from flagkeeper.project.model import Project
from flagkeeper.registry.served import code_default, remove_command

_APP = (
    "import ldclient\n\n"
    "def route(order):\n"
    '    if ldclient.get().variation("rlp-routing", order, False):\n'
    '        return "rlp"\n'
    '    return "default"\n'
)
_ON = "on = true\nserved = true\n"
_DEFINED = STATE_HEADER + state_flag("rlp-routing", {"production": _ON})
_ARCHIVED = STATE_HEADER + state_flag("rlp-routing", {"production": _ON}, "archived = true\narchived-at = 2026-03-02T10:00:00Z\n")
_CONSEQUENCE = (
    "every evaluation silently returns the code's default, and whoever creates the key there "
    "switches this code on, whatever they mean by it: "
)


class UnknownToServiceRule(Rule):
    code = "FK015"
    name = "unknown-to-service"
    severity = ERROR
    summary = "Code reads a flag key that the flag service does not define (a warning) or has archived (an error)."
    why = (
        "An SDK asked for a key its service does not know returns the default written in the code, "
        "without an error. The code looks flagged and is not: nobody can switch it. Worse, the key "
        "is free: whoever creates a flag of that name in the service, for whatever purpose, switches "
        "this code on. That is how Knight Capital's repurposed flag woke Power Peg. An archived flag "
        "is the same, and its read is left-over code. A key not yet created is common while a "
        "feature is built, so it is a warning; an archived one is an error. Reads through another "
        "vendor's SDK, environment variables and django-waffle are not judged (they ask no service "
        "or another one); reads of a retired key are FK003's."
    )
    fix = "Create the flag in the service (or restore it), or delete the read: `flagkeeper remove KEY --value DEFAULT`."
    needs = frozenset({Need.REGISTRY, Need.REFERENCES, Need.SERVICE})
    INVALID = (
        Case(
            {"app.py": _APP, "flag-state.toml": STATE_HEADER + state_flag("new-checkout", {"production": _ON})},
            expect=(
                "app.py:4:8: FK015 flag 'rlp-routing' is read here, but the flag service (launchdarkly) does not define it: "
                + _CONSEQUENCE + "create the flag there, or delete the read",
            ),
        ),
        Case(
            {"app.py": _APP, "flag-state.toml": _ARCHIVED},
            expect=(
                "app.py:4:8: FK015 flag 'rlp-routing' is read here, but the flag service (launchdarkly) archived it on "
                "2026-03-02: " + _CONSEQUENCE + "delete the read (`flagkeeper remove rlp-routing --value false` keeps what "
                "the code's default gives), or restore the flag",
            ),
        ),
    )  # fmt: skip
    VALID = (
        Case({"app.py": _APP, "flag-state.toml": _DEFINED}),
        # an environment variable and another vendor's SDK ask no LaunchDarkly service
        Case({
            "app.py": (
                "import os\n\nfrom UnleashClient import UnleashClient\n\nclient = UnleashClient('url', 'app')\n"
                'if os.getenv("FEATURE_DEBUG"):\n    pass\nif client.is_enabled("rlp-routing-u"):\n    pass\n'
            ),
            "flag-state.toml": _DEFINED,
        }),
        # no state file: nothing is known about the service
        Case({"app.py": _APP}),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for state, reference in service_reads(project, through_its_sdk=True):
            key, read = reference.key, reference.read
            flag = state.flags.get(key or "")
            if flag is not None and not flag.archived:
                continue
            if flag is None:
                message = (
                    f"flag '{key}' is read here, but {service_name(state)} does not define it: "
                    f"{_CONSEQUENCE}create the flag there, or delete the read"
                )
                yield self.report(reference.path, read.line, read.column, message, key, WARNING)
                continue
            when = f" on {flag.archived_at.date()}" if flag.archived_at else ""
            known, default = code_default(read.default)
            command = remove_command(flag.key, default) if known else None
            keep = f" (`{command}` keeps what the code's default gives)" if command else ""
            message = (
                f"flag '{key}' is read here, but {service_name(state)} archived it{when}: "
                f"{_CONSEQUENCE}delete the read{keep}, or restore the flag"
            )
            yield self.report(reference.path, read.line, read.column, message, key)

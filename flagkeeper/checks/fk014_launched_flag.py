"""FK014 launched-flag: the flag service serves one value everywhere, and code still reads the flag."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import WARNING, Diagnostic
from flagkeeper.checks.service import STATE_HEADER, service_reads, state_flag
from flagkeeper.project.model import Project
from flagkeeper.registry.served import remove_command

_APP = (
    "import ldclient\n\n"
    "def checkout(ctx):\n"
    '    if ldclient.get().variation("new-checkout", ctx, False):\n'
    '        return "new"\n'
    '    return "old"\n'
)
_SERVED_TRUE = "on = true\nserved = true\nserved-since = 2026-05-01T09:00:00Z\n"
_LAUNCHED = STATE_HEADER + state_flag("new-checkout", {"production": _SERVED_TRUE, "staging": _SERVED_TRUE})
_THEME = (
    "import ldclient\n\n"
    "def theme(ctx):\n"
    '    return ldclient.get().variation("button-colour", ctx, "grey")\n'
)
_SERVED_BLUE = 'on = true\nserved = "blue"\nserved-since = 2026-04-01T00:00:00Z\n'


class LaunchedFlagRule(Rule):
    code = "FK014"
    name = "launched-flag"
    severity = WARNING
    summary = "The flag service has served one value in every environment for `launched-days` (7), and code still reads the flag."
    why = (
        "A flag served as one value to everyone, everywhere, for a week has done its job: "
        "LaunchDarkly calls it launched, other vendors fully rolled out or stale. The vendor cannot "
        "see the code: the other branch is dead weight nobody tests, and the flag is one switch "
        "away from waking it. flagkeeper can: the value to keep is the one the service serves "
        "(from flag-state.toml, which `flagkeeper pull` writes), not a guess. A kill-switch or "
        "permission flag (a type that lives forever in flags.toml) serves one value as its normal "
        "life and is not judged; nor are reads of environment variables or django-waffle. With `launched-days` in the config the week becomes another span."
    )
    fix = "Run the suggested `flagkeeper remove KEY --value VALUE`, then archive the flag in the service."
    needs = frozenset({Need.REGISTRY, Need.REFERENCES, Need.SERVICE})
    INVALID = (
        Case(
            {"app.py": _APP, "flag-state.toml": _LAUNCHED},
            expect=(
                "app.py:4:8: FK014 flag 'new-checkout' is launched: the flag service has served true in every environment since "
                "2026-05-01 (31 days), and code still reads it: remove it with `flagkeeper remove new-checkout --value true`",
            ),
        ),
        # a multivariate flag: the served string is the value to keep
        Case(
            {"app.py": _THEME, "flag-state.toml": STATE_HEADER + state_flag("button-colour", {"production": _SERVED_BLUE})},
            expect=(
                "app.py:4:12: FK014 flag 'button-colour' is launched: the flag service has served \"blue\" in every environment "
                "since 2026-04-01 (61 days), and code still reads it: remove it with `flagkeeper remove button-colour --value "
                "'\"blue\"'`",
            ),
        ),
    )  # fmt: skip
    VALID = (
        # served true everywhere for 3 days only: it may still be rolled back
        Case({"app.py": _APP, "flag-state.toml": _LAUNCHED}, today="2026-05-04"),
        # production is mid-rollout: no single value is served there
        Case({
            "app.py": _APP,
            "flag-state.toml": STATE_HEADER + state_flag("new-checkout", {"production": "on = true\n", "staging": _SERVED_TRUE}),
        }),
        # a kill switch serves false for good: that is its normal life
        Case({
            "app.py": _APP,
            "flag-state.toml": _LAUNCHED,
            "flags.toml": '[flags.new-checkout]\nowner = "payments"\ntype = "kill-switch"\n',
        }),
        # no state file: nothing is known about the service
        Case({"app.py": _APP}),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for _, reference in service_reads(project):
            launched = project.lifecycle.launched(reference.key)
            if launched is None:
                continue
            command = remove_command(launched.key, launched.value)
            fix = f"remove it with `{command}`" if command else f"delete its reads by hand, keeping the code for {launched.shown}"
            message = (
                f"flag '{launched.key}' is launched: the flag service has {launched.describe(project.today)}, "
                f"and code still reads it: {fix}"
            )
            yield self.report(reference.path, reference.read.line, reference.read.column, message, launched.key)

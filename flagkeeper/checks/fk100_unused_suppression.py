"""FK100 unused-suppression: an inline suppression that suppresses nothing (with --warn-unused-ignores)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flagkeeper.analysis.facts import Suppression
from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import WARNING, Diagnostic
from flagkeeper.checks.suppress import Placed
from flagkeeper.project.model import Project

_APP = 'import ldclient\n\nif ldclient.get().variation("new-checkout", ctx, False):  # flagkeeper: ignore[FK001]\n    pass\n'


class UnusedSuppressionRule(Rule):
    code = "FK100"
    name = "unused-suppression"
    severity = WARNING
    summary = "A `# flagkeeper: ignore[...]` or `# noqa: FK...` comment that suppresses nothing (with `--warn-unused-ignores`)."
    why = (
        "A suppression outlives the finding it silenced: the flag gets registered, the line moves. "
        "Left behind, it will silence the next, different finding on that line without anyone "
        "deciding to. Only suppressions for rules that ran are judged."
    )
    fix = "Delete the comment, or the codes in it that no longer apply."
    needs = frozenset({Need.SUPPRESSIONS})
    INVALID = (
        Case(
            {"app.py": _APP, "flags.toml": '[flags.new-checkout]\nowner = "web"\ntype = "permission"\n'},
            args=("--warn-unused-ignores",),
            expect=(
                "app.py:3:1: FK100 unused suppression: there is no FK001 finding here to ignore; remove it",
            ),
        ),
        # a blanket suppression, and a `noqa` for a rule that found nothing
        Case(
            {"app.py": "import ldclient  # flagkeeper: ignore\n\nprint(ldclient)  # noqa: FK009\n"},
            args=("--warn-unused-ignores",),
            expect=(
                "app.py:1:1: FK100 unused suppression: there is no flagkeeper finding here to ignore; remove it",
                "app.py:3:1: FK100 unused suppression: there is no FK009 finding here to ignore; remove it",
            ),
        ),
    )
    VALID = (
        Case({"app.py": _APP}, args=("--warn-unused-ignores",)),
        # only suppressions for rules that ran are judged (FK006 needs entry points)
        Case({"app.py": "print('no entry points: FK006 does not run')  # noqa: FK006\n"}, args=("--warn-unused-ignores",)),
        # without --warn-unused-ignores nothing is judged
        Case({"app.py": "print('not judged without the option')  # flagkeeper: ignore[FK001]\n"}),
    )

    def check(self, project: Project) -> Iterator[Diagnostic]:
        # FK100 judges the findings of the other rules: the runner calls `unused` once they are in.
        return iter(())

    def unused(self, by_path: dict[Path, tuple[Suppression, ...]], used: set[Placed], ran: set[str]) -> Iterator[Diagnostic]:
        """A finding for every suppression that covered nothing; only the codes of rules that ran are judged."""
        for path, suppressions in by_path.items():
            for suppression in suppressions:
                judged = [code for code in suppression.codes if code in ran] if suppression.codes else ["flagkeeper"]
                if (path, suppression) not in used and judged:
                    message = f"unused suppression: there is no {', '.join(judged)} finding here to ignore; remove it"
                    yield self.report(path, suppression.first, 1, message)

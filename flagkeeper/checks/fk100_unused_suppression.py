"""FK100 unused-suppression: an inline suppression that suppresses nothing (with --warn-unused-ignores)."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Example, Rule
from flagkeeper.checks.diagnostic import WARNING, Diagnostic
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
    fires = Example({"app.py": _APP, "flags.toml": '[flags.new-checkout]\nowner = "web"\ntype = "permission"\n'}, args=("--warn-unused-ignores",))
    passes = Example({"app.py": _APP}, args=("--warn-unused-ignores",))

    def check(self, project: Project) -> Iterator[Diagnostic]:
        # The suppression step of run_checks reports FK100: only it sees what the other rules found.
        return iter(())

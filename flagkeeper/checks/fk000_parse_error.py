"""FK000 parse-error: a Python file that cannot be parsed."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.project.model import Project


class ParseErrorRule(Rule):
    code = "FK000"
    name = "parse-error"
    severity = ERROR
    summary = "A Python file that cannot be parsed."
    why = (
        "flagkeeper cannot see the flag reads or imports of a file it cannot parse, so every other "
        "rule is blind there. The run goes on with the other files."
    )
    fix = "Fix the syntax error (the message names the line), or exclude the file in the config."
    needs = frozenset({Need.FILES})
    INVALID = (
        Case(
            {"app.py": "def broken(:\n    pass\n"},
            expect=(
                "app.py:1:12: FK000 cannot parse this file: invalid syntax; flag reads in it are not checked",
            ),
        ),
        # the other files are still analysed
        Case(
            {"pkg/__init__.py": "", "pkg/jobs.py": "def run():\n    if True\n        pass\n", "app.py": "print('fine')\n"},
            expect=(
                "pkg/jobs.py:2:12: FK000 cannot parse this file: expected ':'; flag reads in it are not checked",
            ),
        ),
    )
    VALID = (
        Case({"app.py": "def fine():\n    pass\n"}),
        # a match statement parses; files other than Python are not parsed
        Case({"app.py": "match command:\n    case \"stop\":\n        pass\n", "web/app.ts": "if (flags.on( {\n"}),
    )

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for facts in project.files:
            if facts.error is not None:
                message = f"cannot parse this file: {facts.error.message}; flag reads in it are not checked"
                yield self.report(project.config.root / facts.path, facts.error.line, facts.error.column, message)

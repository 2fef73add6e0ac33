"""FK000 parse-error: a Python file that cannot be parsed."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Example, Rule
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
    fires = Example({"app.py": "def broken(:\n    pass\n"})
    passes = Example({"app.py": "def fine():\n    pass\n"})

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for facts in project.files:
            if facts.error is not None:
                message = f"cannot parse this file: {facts.error.message}; flag reads in it are not checked"
                yield self.report(project.config.root / facts.path, facts.error.line, facts.error.column, message)

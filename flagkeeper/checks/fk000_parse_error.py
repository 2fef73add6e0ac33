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
        "rule is blind there. The run goes on with the other files. Syntax newer than the Python "
        "that runs flagkeeper is read where it can be: type parameters and `type` statements "
        "(Python 3.12) and `except A, B:` (3.14) are not parse errors on older interpreters."
    )
    fix = (
        "Fix the syntax error (the message names the line), or exclude the file in the config. If the "
        "file is valid for a newer Python than the one running flagkeeper, run flagkeeper with that one."
    )
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
        # Python 3.12's type parameters and 3.14's unparenthesised exception lists, on any interpreter
        Case({
            "app.py": "type ID = int\n\n\ndef first[T](items: list[T]) -> T:\n"
            "    try:\n        return items[0]\n    except IndexError, TypeError:\n        raise\n"
        }),
        # a match statement parses; files other than Python are not parsed
        Case({"app.py": "match command:\n    case \"stop\":\n        pass\n", "web/app.ts": "if (flags.on( {\n"}),
    )

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for facts in project.files:
            if facts.error is not None:
                message = f"cannot parse this file: {facts.error.message}; flag reads in it are not checked"
                yield self.report(project.config.root / facts.path, facts.error.line, facts.error.column, message)

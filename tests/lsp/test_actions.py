"""The suppress action writes a comment that analysis/suppressions.py reads as suppressing the finding."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flagkeeper.analysis.suppressions import find_suppressions
from flagkeeper.lsp.actions import suppress_edit

READ = 'if ldclient.get().variation("dark_pool", ctx, False):'


@pytest.mark.parametrize(
    ("line", "suppressed"),
    [
        (READ, f"{READ}  # noqa: FK001"),
        # another tool's noqa on the line: our code joins its list
        (f"{READ}  # noqa: E501", f"{READ}  # noqa: E501, FK001"),
        # written in lower case, as ruff accepts it too
        (f"{READ}  # NOQA: fk002  (expiry extended)", f"{READ}  # NOQA: fk002, FK001  (expiry extended)"),
    ],
)
def test_suppress_adds_the_code_to_the_lines_noqa(line: str, suppressed: str) -> None:
    text = f"import ldclient\n\n{line}\n    pass\n"
    after = suppress_edit(Path("app.py"), text, 3, "FK001").after
    assert after == f"import ldclient\n\n{suppressed}\n    pass\n"
    [suppression] = find_suppressions(after, ast.parse(after))
    assert suppression.first == 3 and "FK001" in suppression.codes

"""Inline suppressions: `# flagkeeper: ignore[FK001]`, `# flagkeeper: ignore`, `# noqa: FK001`.

A suppression covers its own line; written on the first line of a statement, it covers the
statement (for `if`, `def` and the other compound statements, their header only, not the body).
A bare `# noqa` suppresses every finding on its line, as in ruff; `# noqa` naming only other
tools' codes (`# noqa: E501`) is left to those tools.
"""

from __future__ import annotations

import ast
import io
import re
from collections.abc import Iterator

from flagkeeper.analysis.facts import Suppression

_COMMENT = re.compile(  # the one definition of a suppression comment (lsp/actions.py adds codes to its noqa form)
    r"#\s*(?:flagkeeper:\s*ignore(?:\[(?P<ours>[^\]]*)\])?|noqa\b(?:\s*:\s*(?P<noqa>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?)",
    re.IGNORECASE,
)
_CODE = re.compile(r"FK\d{3}", re.IGNORECASE)


def _parse(comment: str) -> tuple[str, ...] | None:
    """The codes a comment suppresses (() for all, as a bare `# noqa` does), or None when it is not a flagkeeper suppression."""
    match = _COMMENT.search(comment)
    return None if match is None else _codes(match)


def _codes(match: re.Match[str]) -> tuple[str, ...] | None:
    if match.group("noqa") is not None:
        codes = tuple(code.upper() for code in _CODE.findall(match.group("noqa")))
        return codes or None  # a noqa naming only other tools' codes is theirs
    return tuple(code.upper() for code in _CODE.findall(match.group("ours") or ""))


def noqa_codes_end(line: str) -> int | None:
    """Where the codes of a `# noqa: CODE, ...` comment on `line` end (any tool's codes), to add one
    there; None when the line has none."""
    return next((match.end("noqa") for match in _COMMENT.finditer(line) if match.group("noqa") is not None), None)


def _may_suppress(source: str) -> bool:
    """Could a comment in `source` suppress one of our findings? Real code carries noqa comments
    for other tools on many lines; only text that could suppress something of ours is worth
    tokenizing. A comment is a line's tail, so a comment that suppresses is also a match in the
    whole text that suppresses: this never misses one."""
    return "#" in source and any(_codes(match) is not None for match in _COMMENT.finditer(source))


def find_suppressions(source: str, tree: ast.Module | None = None) -> tuple[Suppression, ...]:
    """Suppressions in real comments of `source` (Python when `tree` is given, else TOML-like text)."""
    if not _may_suppress(source):
        return ()
    comments: list[tuple[int, str]]
    if tree is None:
        comments = [(number, line) for number, line in enumerate(source.splitlines(), start=1) if "#" in line]
    else:  # only comment tokens: the marker inside a string literal is not a suppression
        import tokenize  # here: the registry's suppressions, read on every run, need no tokenizer

        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        comments = [(token.start[0], token.string) for token in tokens if token.type == tokenize.COMMENT]
    extent = _statement_extents(tree) if tree is not None else {}
    found = []
    for line, comment in comments:
        codes = _parse(comment)
        if codes is not None:
            found.append(Suppression(line, extent.get(line, line), codes))
    return tuple(found)


def _statement_extents(tree: ast.Module) -> dict[int, int]:
    """First line -> last line of each statement's own lines (a compound statement's header)."""
    extents: dict[int, int] = {}
    for node in _statements(tree.body):
        if node.end_lineno is None:
            continue
        body = getattr(node, "body", None)
        last = body[0].lineno - 1 if isinstance(body, list) and body and isinstance(body[0], ast.stmt) else node.end_lineno
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.decorator_list:
            continue  # a decorator's line is not the statement's first
        extents[node.lineno] = max(extents.get(node.lineno, node.lineno), max(last, node.lineno))
    return extents


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement in `body`, nested ones too, without visiting expressions: a statement
    only ever stands in another's body, orelse, finalbody, or a handler's or case's body."""
    pending = list(body)
    while pending:
        node = pending.pop()
        yield node
        for name in ("body", "orelse", "finalbody"):
            nested = getattr(node, name, None)
            if isinstance(nested, list):
                pending.extend(nested)
        for clause in (*getattr(node, "handlers", ()), *getattr(node, "cases", ())):
            pending.extend(clause.body)

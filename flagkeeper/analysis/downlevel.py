"""Rewrite the syntax newer Pythons accept into what this interpreter's `ast` parses, for analysis only.

Real projects move to new syntax before their linters' interpreters do: saleor uses Python 3.12's
type parameters (`def f[T](x)`, `class C[K]:`, `type ID = int`), kitsune Python 3.14's
unparenthesised `except A, B:`. Without this, each such file is an FK000 and its imports are
unknown, so the modules only it imports look unreachable (false FK006). None of these forms
changes which names a module imports, reads or calls, so dropping type parameters, turning a
`type` statement into an assignment and parenthesising the exception list keeps every fact.

The rewrite works on tokens and keeps every line where it was (a deleted span that crossed lines
leaves backslash continuations), so the facts' line numbers are the file's own. It is never
written anywhere; what cannot be rewritten stays an FK000.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Sequence

_Position = tuple[int, int]
_Edit = tuple[_Position, _Position, str]
_OPENING, _CLOSING = "([{", ")]}"
_STATEMENT_STARTS = (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL)


def _significant(source: str) -> list[tokenize.TokenInfo] | None:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    return [token for token in tokens if token.type not in (tokenize.COMMENT, tokenize.ENCODING)]


def _closing(tokens: Sequence[tokenize.TokenInfo], start: int) -> int | None:
    """The index of the bracket closing the one at `start`."""
    depth = 0
    for index in range(start, len(tokens)):
        text = tokens[index].string
        if tokens[index].type == tokenize.OP and text in _OPENING:
            depth += 1
        elif tokens[index].type == tokenize.OP and text in _CLOSING:
            depth -= 1
            if depth == 0:
                return index
    return None


def _type_parameters(tokens: Sequence[tokenize.TokenInfo], name: int) -> list[_Edit]:
    """`[T, K: int]` after the name at `name`, deleted."""
    if name + 1 >= len(tokens) or tokens[name + 1].string != "[":
        return []
    end = _closing(tokens, name + 1)
    return [] if end is None else [(tokens[name + 1].start, tokens[end].end, "")]


def _exception_list(tokens: Sequence[tokenize.TokenInfo], start: int) -> list[_Edit]:
    """`except A, B:` (Python 3.14) parenthesised; a list with `as` or already in brackets is left alone."""
    depth, commas = 0, 0
    for index in range(start, len(tokens)):
        token = tokens[index]
        if token.type != tokenize.OP and not (token.type == tokenize.NAME and token.string == "as"):
            continue
        if token.string in _OPENING:
            depth += 1
        elif token.string in _CLOSING:
            depth -= 1
        elif depth == 0 and token.string == ",":
            commas += 1
        elif depth == 0 and token.string in (":", "as"):
            if token.string == ":" and commas:
                return [(tokens[start].start, tokens[start].start, "("), (token.start, token.start, ")")]
            return []
    return []


def _opens_alias(tokens: Sequence[tokenize.TokenInfo], index: int) -> bool:
    """`type NAME` followed by `=` or `[`: a type alias, not a call or use of a name `type`."""
    return index < len(tokens) and tokens[index].string in ("=", "[")


def _edits(tokens: Sequence[tokenize.TokenInfo]) -> list[_Edit]:
    edits: list[_Edit] = []
    for index, token in enumerate(tokens[:-1]):
        following = tokens[index + 1]
        if token.type != tokenize.NAME:
            continue
        at_statement_start = index == 0 or tokens[index - 1].type in _STATEMENT_STARTS or tokens[index - 1].string == ";"
        if token.string in ("def", "class") and following.type == tokenize.NAME:
            edits += _type_parameters(tokens, index + 1)
        elif token.string == "type" and at_statement_start and following.type == tokenize.NAME and _opens_alias(tokens, index + 2):
            edits.append((token.start, following.start, ""))
            edits += _type_parameters(tokens, index + 1)
        elif token.string == "except" and at_statement_start:
            edits += _exception_list(tokens, index + 2 if following.string == "*" else index + 1)
    return edits


def _apply(source: str, edits: list[_Edit]) -> str:
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position: _Position) -> int:
        return offsets[position[0] - 1] + position[1]

    text = source
    for start, end, replacement in sorted(edits, key=lambda edit: offset(edit[0]), reverse=True):
        removed = text[offset(start) : offset(end)]
        # A deleted span that crossed lines leaves continuations, so later lines keep their numbers.
        text = text[: offset(start)] + replacement + "\\\n" * removed.count("\n") + text[offset(end) :]
    return text


def downlevel(source: str) -> str | None:
    """The source with newer syntax rewritten, or None when there is nothing this module rewrites."""
    tokens = _significant(source)
    if tokens is None:
        return None
    edits = _edits(tokens)
    return _apply(source, edits) if edits else None

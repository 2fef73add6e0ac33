"""Dropping one element from a comma-separated sequence in libcst (a dict or list literal, a
call's arguments, a `with` statement's items) so that the rest reads as if it had never been
there: the comment lines above the dropped element and the comment at the end of its line go
with it, every other line keeps its own comment, and a sequence spread over lines stays so.

Used by `flagkeeper remove` for the traces of a flag that sit inside a larger statement:
`{"new_flow": False, ...}` in a defaults mapping, `"new_flow"` in a list of registered keys,
`FLAGS={...}` beside other settings in `override_settings(...)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import libcst as cst

Item = TypeVar("Item", bound=cst.CSTNode)  # an element with a `comma`: DictElement, Element, Arg, WithItem


def comma_of(item: cst.CSTNode) -> cst.Comma | cst.MaybeSentinel:
    comma: cst.Comma | cst.MaybeSentinel = getattr(item, "comma")  # noqa: B009 - every element type has one, no common base says so
    return comma


def _withcomma_of(item: Item, comma: cst.Comma | cst.MaybeSentinel) -> Item:
    return item.with_changes(comma=comma)


def _aftercomma_of(item: cst.CSTNode) -> cst.BaseParenthesizableWhitespace | None:
    comma = comma_of(item)
    return comma.whitespace_after if isinstance(comma, cst.Comma) else None


def _joined(before: cst.BaseParenthesizableWhitespace, after: cst.BaseParenthesizableWhitespace | None) -> cst.BaseParenthesizableWhitespace:
    """The whitespace in front of the element after the dropped one: its own line break and the
    comments above it (`after`), with the end of the line that stays (`before`'s first line)."""
    if isinstance(before, cst.ParenthesizedWhitespace) and isinstance(after, cst.ParenthesizedWhitespace):
        return after.with_changes(first_line=before.first_line)
    return before


def drop_element(items: Sequence[Item], index: int, opening: cst.BaseParenthesizableWhitespace) -> tuple[list[Item], cst.BaseParenthesizableWhitespace]:
    """`items` without `items[index]`, and the new whitespace after the opening bracket
    (`opening` is the old one: `Dict.lbrace.whitespace_after`, `Call.whitespace_before_args`)."""
    kept = list(items)
    dropped = kept.pop(index)
    after = _aftercomma_of(dropped)
    if index == 0:
        return kept, _joined(opening, after) if kept else opening
    previous = kept[index - 1]
    before = _aftercomma_of(previous)
    assert before is not None  # an element with one after it has a comma
    if after is not None:  # not the last, or the last with a trailing comma: the comma stays
        kept[index - 1] = _withcomma_of(previous, cst.ensure_type(comma_of(previous), cst.Comma).with_changes(whitespace_after=_joined(before, after)))
    else:  # the last without a trailing comma: so is the one before it now
        kept[index - 1] = _withcomma_of(previous, cst.MaybeSentinel.DEFAULT)
    return kept, opening

"""Escaping text from the scanned repository for each output format.

Flag keys, file names, owners and descriptions come from the checkout, which may be hostile (a
pull request in CI). Every renderer passes such text through the function here for its format,
so a key cannot write lines of its own, reach the terminal with control sequences, add
attributes to a graph, break an XML report or run as a spreadsheet formula.
"""

from __future__ import annotations

import re


def printable(text: str) -> str:
    """`text` with every character str.isprintable() refuses written as repr writes it (`\\n`, `\\x1b`, `\\u202e`).

    That is control characters (C0, DEL, C1), line and paragraph separators, format characters
    such as bidirectional overrides, lone surrogates (a file name that is not UTF-8) and
    unassigned code points; a space is printable.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


# Characters XML 1.0 cannot carry at all, even escaped (and lone surrogates, which UTF-8 cannot).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` with the characters XML forbids replaced by U+FFFD; ElementTree escapes the rest."""
    return _NOT_XML.sub("\ufffd", text)


def dot_string(text: str) -> str:
    """A quoted Graphviz ID: a quote or backslash in `text` cannot end the string or add attributes."""
    return '"' + printable(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


# Cells a spreadsheet would read as a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: a leading formula character gets a `'` before it."""
    if not isinstance(value, str):
        return value
    return "'" + printable(value) if value.startswith(_FORMULA_START) else printable(value)


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as @actions/core's escapeData does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value, escaped as @actions/core's escapeProperty does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")

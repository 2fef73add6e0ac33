"""FileFacts: everything the per-file analysis learns about one file, as plain immutable data.

These are the only things that cross from per-file analysis to the project model, so they must
be cheap to cache and compare: frozen dataclasses of strings, numbers and tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Literal:
    """A key written as a string."""

    value: str


@dataclass(frozen=True)
class NameRef:
    """A key given by a name: a module constant, an imported one, or `Class.ATTR` (dotted)."""

    name: str


@dataclass(frozen=True)
class Concat:
    """Keys joined with `+` or an f-string; resolvable when every part is."""

    parts: tuple[KeyExpr, ...]


@dataclass(frozen=True)
class Dynamic:
    """A key computed at run time: only its source code is known."""

    code: str


KeyExpr = Literal | NameRef | Concat | Dynamic


@dataclass(frozen=True)
class FlagRef:
    """One read of a flag in Python code.

    `guard` names the construct whose test the read is (if, elif, while, ternary, and, or) and
    `polarity` says whether the guarded code runs when the flag reads true (True), false
    (False), or the read is compared with something else (None).
    """

    key: KeyExpr
    key_code: str
    pack: str
    call: str
    line: int
    column: int
    function: str | None = None
    guard: str | None = None
    polarity: bool | None = None
    default: str | None = None


@dataclass(frozen=True)
class Guard:
    """A flag check around code: the code runs only when the flag reads `polarity`."""

    key: KeyExpr
    polarity: bool


@dataclass(frozen=True)
class Branch:
    """Lines `first`..`last` that run only under `guards` (the body of `if flag:` and the like)."""

    guards: tuple[Guard, ...]
    first: int
    last: int


# Imports and calls are plain tuples, not dataclasses: a large project has hundreds of thousands
# of them, and the cache loads tuples five times faster.
#
# One imported name: (target, line, guards, dynamic). `import a.b` -> target `a.b`; `from pkg
# import x` -> `pkg.x`; relative imports resolved. `guards` are the flag checks enclosing every
# use of the name in this file (empty: some use is unguarded). `dynamic` marks importlib/__import__.
Import = tuple[str, int, tuple[Guard, ...], bool]
# A call of a named function: (callee, line, caller, guards). `callee` is dotted, its first name
# resolved through the imports; `caller` is the qualname around the call (None at module level).
Call = tuple[str, int, str | None, tuple[Guard, ...]]


@dataclass(frozen=True)
class Function:
    """A function or method; `uses` are the guards around each reference to a module-level
    function's name in its own module (calls and any other use)."""

    qualname: str
    line: int
    decorated: bool = False
    uses: tuple[tuple[Guard, ...], ...] = ()


@dataclass(frozen=True)
class Suppression:
    """Codes suppressed (empty: every code) on lines `first`..`last`; the comment is on `first`."""

    first: int
    last: int
    codes: tuple[str, ...]

    def covers(self, line: int, code: str) -> bool:
        return self.first <= line <= self.last and (not self.codes or code in self.codes)


@dataclass(frozen=True)
class ParseError:
    message: str
    line: int
    column: int


@dataclass(frozen=True)
class FileFacts:
    path: str
    module: str
    is_package: bool
    aliases: dict[str, str] = field(default_factory=dict)
    constants: dict[str, KeyExpr] = field(default_factory=dict)
    imports: tuple[Import, ...] = ()
    references: tuple[FlagRef, ...] = ()
    functions: tuple[Function, ...] = ()
    calls: tuple[Call, ...] = ()
    is_script: bool = False  # has `if __name__ == "__main__":`, so it runs as an entry point
    suppressions: tuple[Suppression, ...] = ()
    branches: tuple[Branch, ...] = ()
    lines: int = 0
    error: ParseError | None = None

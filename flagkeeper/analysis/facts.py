"""FileFacts: everything the per-file analysis learns about one file, as plain immutable data.

These are the only things that cross from per-file analysis to the project model, so they must
be cheap to cache and compare: frozen records of strings, numbers and tuples. They are msgspec
Structs so that the cache and the worker processes move them as MessagePack, a data-only
format decoded against these types (a cache entry is untrusted input: it may come from the
scanned repository). Encoded as arrays, not maps, and untracked by the cyclic collector: a
large project has hundreds of thousands of them, and they never form cycles.
"""

from __future__ import annotations

import msgspec


class _Record(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """The base of every record below."""


class _KeyRecord(_Record, frozen=True, tag=True):
    """A key expression: tagged, so a decoder tells the kinds of KeyExpr apart."""


class Literal(_KeyRecord, frozen=True):
    """A key written as a string."""

    value: str


class NameRef(_KeyRecord, frozen=True):
    """A key given by a name: a module constant, an imported one, or `Class.ATTR` (dotted)."""

    name: str


class Concat(_KeyRecord, frozen=True):
    """Keys joined with `+` or an f-string; resolvable when every part is."""

    parts: tuple[KeyExpr, ...]


class Dynamic(_KeyRecord, frozen=True):
    """A key computed at run time: only its source code is known."""

    code: str


KeyExpr = Literal | NameRef | Concat | Dynamic


class _KeySite(_Record, frozen=True):
    """Where a pack's call names a flag key: the key, its source, the pack and call, the place."""

    key: KeyExpr
    key_code: str
    pack: str
    call: str
    line: int
    column: int


class FlagRef(_KeySite, frozen=True):
    """One read of a flag in Python code.

    `guard` names the construct whose test the read is (if, elif, while, ternary, and, or) and
    `polarity` says whether the guarded code runs when the flag reads true (True), false
    (False), or the read is compared with something else (None).
    """

    function: str | None = None
    guard: str | None = None
    polarity: bool | None = None
    default: str | None = None
    registered_only: bool = False  # an `attribute-of` read that counts only for a registered key


class Guard(_Record, frozen=True):
    """A flag check around code: the code runs only when the flag reads `polarity`."""

    key: KeyExpr
    polarity: bool


class Branch(_Record, frozen=True):
    """Lines `first`..`last` that run only under `guards` (the body of `if flag:` and the like)."""

    guards: tuple[Guard, ...]
    first: int
    last: int


# Imports and calls are plain tuples, not records: a large project has hundreds of thousands
# of them, and the cache loads tuples five times faster.
#
# One imported name: (target, line, guards, dynamic). `import a.b` -> target `a.b`; `from pkg
# import x` -> `pkg.x`; relative imports resolved. `guards` are the flag checks enclosing every
# use of the name in this file (empty: some use is unguarded). `dynamic` marks importlib/__import__.
Import = tuple[str, int, tuple[Guard, ...], bool]
# A call of a named function: (callee, line, caller, guards). `callee` is dotted, its first name
# resolved through the imports; `caller` is the qualname around the call (None at module level).
Call = tuple[str, int, str | None, tuple[Guard, ...]]


class Function(_Record, frozen=True):
    """A function or method; `uses` are the guards around each reference to a module-level
    function's name in its own module (calls and any other use)."""

    qualname: str
    line: int
    decorated: bool = False
    uses: tuple[tuple[Guard, ...], ...] = ()


class Suppression(_Record, frozen=True):
    """Codes suppressed (empty: every code) on lines `first`..`last`; the comment is on `first`."""

    first: int
    last: int
    codes: tuple[str, ...]

    def covers(self, line: int, code: str) -> bool:
        return self.first <= line <= self.last and (not self.codes or code in self.codes)


class ParseError(_Record, frozen=True):
    message: str
    line: int
    column: int


class Registration(_Record, frozen=True):
    """A flag registered in code by a pack's `[[register]]`: a registration call (one per element
    when the call sits in a `for` loop over a literal list) or a key of a registry mapping.

    `fields` are registry fields the code gives (type, owner, description, expires, default):
    a string argument's value, or the source of any other expression.
    """

    key: KeyExpr
    key_code: str
    pack: str
    line: int
    column: int
    fields: tuple[tuple[str, str], ...] = ()


class Override(_KeySite, frozen=True):
    """A flag set by a test or a settings block (a pack's `[[override]]`): not a read.

    `value` is the source of the value it is set to when that is a literal (`True`, `"on"`),
    else None. `form` says how it applies: "decorator" to the function or class on lines
    `first`..`last` (decorators included), "with" to the `with` statement on those lines, "call"
    from the call to the end of the enclosing function (its lines; the module's at module level).
    `function` is the qualname of that function or class. What `flagkeeper remove` needs to
    know which value a test runs under, and what to delete with the override.
    """

    value: str | None
    form: str
    first: int
    last: int
    function: str | None = None
    registered_only: bool = False  # counts only for a registered key (`override_settings(DEBUG=True)`)


DECORATOR_OVERRIDE, WITH_OVERRIDE, CALL_OVERRIDE = "decorator", "with", "call"


class Link(_Record, frozen=True):
    """A way this file may load `target` that is not an import statement, by `kind`:
    STRING_LINK, a string constant naming a dotted path (`"shop.middleware.Timing"`,
    `"app.main:app"`; settings, `include()`, `from_object()`, Celery `include=` all use them);
    STAR_LINK, `from target import *` (which also imports the submodules its `__all__` names);
    PLUGINS_LINK, `pkgutil.iter_modules`/`walk_packages` over the package `target`'s `__path__`.
    Two kinds only lower a dead-code finding's confidence, never load anything: PATH_LINK, a string
    naming a Python file (`"tools/replay.py"`); COMPUTED_LINK, an import by computed name
    (`import_module("plugins." + name)`, `__import__(name)`, `pkgutil` over a folder not known),
    whose `target` is the package it searches: the name's literal prefix, else this module's package."""

    target: str
    line: int
    kind: str


STRING_LINK, STAR_LINK, PLUGINS_LINK = "string", "star", "plugins"
PATH_LINK, COMPUTED_LINK = "path", "computed"
# Read by the entry-point detectors (analysis/frameworkcalls.py): a module Celery's
# `autodiscover_tasks` imports (`pkg.tasks`), a file Flask's `config.from_pyfile` runs.
TASKS_LINK, PYFILE_LINK = "celery-tasks", "pyfile"


class FileFacts(_Record, frozen=True):
    path: str
    module: str
    is_package: bool
    aliases: dict[str, str] = msgspec.field(default_factory=dict)
    constants: dict[str, KeyExpr] = msgspec.field(default_factory=dict)
    imports: tuple[Import, ...] = ()
    references: tuple[FlagRef, ...] = ()
    functions: tuple[Function, ...] = ()
    calls: tuple[Call, ...] = ()
    is_script: bool = False  # has `if __name__ == "__main__":`, so it runs as an entry point
    suppressions: tuple[Suppression, ...] = ()
    branches: tuple[Branch, ...] = ()
    lines: int = 0
    error: ParseError | None = None
    registrations: tuple[Registration, ...] = ()
    # For the entry-point detectors (project/entrypoints/): see Link; module-level `NAME = [...]`
    # lists of strings (`__all__`, INSTALLED_APPS, CELERY_IMPORTS); every decorator's dotted name.
    links: tuple[Link, ...] = ()
    string_lists: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)
    decorators: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()
    # "python", or "typescript"/"javascript" for a frontend file (analysis/javascript.py): its
    # references are frontend reads, its module name is its path without the suffix.
    language: str = "python"
    # For the call graph (FK010): each class's bases as written, first names resolved through the imports.
    bases: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)
    handlers: tuple[Handler, ...] = ()  # `except` clauses and error branches (FK013, FK019)
    raisers: tuple[str, ...] = ()  # qualnames of functions whose body has a `raise` statement of its own (FK013)
    # (line, column) of each flag read through a details API (`get_boolean_details`, `variation_detail`)
    # whose error code and reason the code never looks at (FK019 silent-flag-fallback)
    unchecked_details: tuple[tuple[int, int], ...] = ()
    # For `flagkeeper remove`: every name the file reads (names, attribute names, identifiers in
    # strings that are not docstrings), sorted, one string joined by spaces: as a tuple of
    # strings they would cost every warm run a tenth of its time to decode.
    names: str = ""


class Handler(_Record, frozen=True):
    """An `except` clause or an error branch, for the alert-only-handler rule (FK013), on lines
    `line`..`last`; an `except` clause also for the silent-flag-fallback rule (FK019).

    `caught` is the source of the clause's exception type (empty for a bare `except:`);
    `calls` the callee of each statement of the body that is a bare call, resolved through the
    imports as Call's are; `plain` says every statement is such a call (or `pass`, or an
    assignment without a call); `stops` says the body raises, returns, breaks or continues
    somewhere, or calls a function of this file whose body raises (a nested `fail()`).
    `test` is an error branch's `if` test (`not ok`, `result.error`; empty for a clause): its
    lines run to the end of the `if` statement, `else` included. `tried` are the lines of a
    clause's `try` body; `fallback` the source of a body that calls and raises nothing
    (`return default`, `pass`), else empty."""

    function: str | None
    line: int
    column: int
    last: int
    caught: str
    calls: tuple[str, ...]
    plain: bool
    stops: bool
    test: str = ""
    tried: tuple[int, int] = (0, 0)
    fallback: str = ""

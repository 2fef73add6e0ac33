"""How sure a dead-code finding (FK006, FK007) is, as vulture says it: a percentage and why.

The import graph sees imports, literal dynamic imports and strings that name a module; it cannot
see an import by computed name, a script started by a Procfile, or a plugin a framework finds by
itself. Nothing here changes what is reachable: it only says how likely such a way in is.

    100  nothing hints at a way in the graph cannot see: delete it
     90  it looks like a plugin: it sits in a `plugins`/`extensions`/`addons` folder, or defines
         a module-level `setup()` or `register()` (the hooks plugin loaders call)
     80  a Python string names it: its dotted path in code nothing reaches, or its file
         (`"tools/replay.py"`, as `runpy` or `subprocess` take it)
     60  something outside the graph may load it: an import by computed name
         (`import_module("plugins." + name)`, `__import__(name)`, `pkgutil` over a folder it
         cannot name) in a reached module of its package or the package above, or a non-Python
         file (configuration, CI, a template) names its dotted path or its file

The lowest applicable level wins, with the first hint found as the reason. A text file that
names FK006 or FK007 is taken for a flagkeeper baseline or report, which names what it found. Text is searched for
tokens holding a dot (`a.b`, `a.b.C`, `a.b:app`, `a/b.py`): a top-level module named alone
(`python -m tool`) is not seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cached_property, partial
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import msgspec

from flagkeeper.analysis.facts import COMPUTED_LINK, PATH_LINK, STRING_LINK, FileFacts
from flagkeeper.paths import relative_path
from flagkeeper.project.imports import ModuleStatus, is_test_module

# The search of text files is imported where it runs: a warm `check` loads this module (its
# findings name confidences) but searches nothing.
if TYPE_CHECKING:
    from flagkeeper.project.textrefs import TextMatch
    from flagkeeper.project.textsearch import TextFiles

CERTAIN, PLUGIN_LIKE, NAMED_IN_PYTHON, LOADED_FROM_OUTSIDE = 100, 90, 80, 60
PLUGIN_FOLDERS = frozenset({"plugins", "plugin", "extensions", "addons"})
PLUGIN_HOOKS = frozenset({"setup", "register"})
# A computed name reaches a module of the package it searches, or of a package right inside it.
_COMPUTED_DEPTH = 2
# The rest of a token from where a project's top-level name starts it: `shop.legacy:app`, `shop/x.py`.
_TOKEN = re.compile(r"[\w/-]+(?:\.[\w/-]+)*(?::\w+)?")
_NOT_A_START = frozenset("_-.")
_OWN_CODES = ("FK006", "FK007")  # after these a name continues a longer one (`x.shop.y`, `my_shop.y`)


class Confidence(msgspec.Struct, frozen=True):
    percent: int
    reason: str = ""  # the hint that lowered it, "" at 100

    @property
    def certain(self) -> bool:
        return self.percent == CERTAIN

    def verify_then(self, action: str) -> str:
        """`action` ("delete it") when certain; else a request to verify first, with the reason."""
        return action if self.certain else f"looks unused: verify, then {action} ({self.reason}, confidence {self.percent}%)"

    def caveat(self) -> str:
        """For advice that deletes nothing yet: nothing when certain, else the reason to verify first."""
        return "" if self.certain else f" (verify first: {self.reason}, confidence {self.percent}%)"


class _Spot(msgspec.Struct, frozen=True):
    path: str  # relative to the project root
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class _Names:
    """Where dotted names and Python file paths are first written, for lookups by module or name."""

    def __init__(self) -> None:
        self.spots: dict[str, _Spot] = {}

    def add_dotted(self, name: str, spot: _Spot) -> None:
        # `a.b.C` names module a.b as much as `a.b` does; `a.b:app` too.
        name = name.partition(":")[0]
        self.spots.setdefault(name, spot)
        self.spots.setdefault(name.rpartition(".")[0], spot)

    def add_path(self, path: str, spot: _Spot) -> None:
        # `src/app/x.py`, `./app/x.py` and `app/x.py` all name the file of module app.x.
        parts = PurePosixPath(path).parts
        for start in range(len(parts)):
            self.spots.setdefault("/".join(parts[start:]), spot)

    def naming(self, module: str, is_package: bool) -> _Spot | None:
        as_path = module.replace(".", "/") + ("/__init__.py" if is_package else ".py")
        return self.spots.get(module) or self.spots.get(as_path)


class DeadCodeEvidence:
    """The confidence of each dead-code finding of one project; indexes built on first use."""

    def __init__(self, files: Iterable[FileFacts], statuses: Mapping[str, ModuleStatus], texts: TextFiles):
        self._files = list(files)
        self._statuses = statuses
        self._texts = texts

    def of_module(self, facts: FileFacts) -> Confidence:
        module = facts.module
        computed = self._computed_import(module)
        if computed is not None:
            return Confidence(LOADED_FROM_OUTSIDE, f"an import by computed name at {computed} could load it")
        spot = self._text_names.naming(module, facts.is_package)
        if spot is not None:
            return Confidence(LOADED_FROM_OUTSIDE, f"{spot} names it")
        spot = self._python_names.naming(module, facts.is_package)
        if spot is not None:
            return Confidence(NAMED_IN_PYTHON, f"a string at {spot} names it")
        folders = PLUGIN_FOLDERS.intersection(PurePosixPath(facts.path).parts[:-1])
        if folders:
            return Confidence(PLUGIN_LIKE, f"it sits in a folder named {min(folders)}")
        hooks = sorted(PLUGIN_HOOKS.intersection(function.qualname for function in facts.functions))
        if hooks:
            return Confidence(PLUGIN_LIKE, f"it defines {hooks[0]}(), a plugin hook")
        return Confidence(CERTAIN)

    def of_function(self, dotted: str) -> Confidence:
        """A module-level function `module.name`: a string or text file naming it may call it."""
        spot = self._text_names.spots.get(dotted)
        if spot is not None:
            return Confidence(LOADED_FROM_OUTSIDE, f"{spot} names it")
        spot = self._python_names.spots.get(dotted)
        if spot is not None:
            return Confidence(NAMED_IN_PYTHON, f"a string at {spot} names it")
        return Confidence(CERTAIN)

    def _computed_import(self, module: str) -> _Spot | None:
        for package, spot in self._computed_imports.items():
            if module == package:  # importing any module inside runs the package first
                return spot
            inside = module.removeprefix(f"{package}.") if package else module
            if inside != module or not package:
                if inside.count(".") < _COMPUTED_DEPTH:
                    return spot
        return None

    @cached_property
    def _computed_imports(self) -> dict[str, _Spot]:
        """Package searched -> the first import by computed name over it, in a module that runs."""
        found: dict[str, _Spot] = {}
        for facts in self._files:
            if self._statuses.get(facts.module) in (ModuleStatus.ENTRY_POINT, ModuleStatus.REACHABLE):
                for link in facts.links:
                    if link.kind == COMPUTED_LINK:
                        found.setdefault(link.target, _Spot(facts.path, link.line))
        return found

    @cached_property
    def _python_names(self) -> _Names:
        """Strings of the project's code, but not of tests (they are no entry points either), nor a
        module's strings naming itself (`logging.getLogger("shop.legacy")` in shop/legacy.py)."""
        names = _Names()
        for facts in self._files:
            named = [link for link in facts.links if link.kind in (STRING_LINK, PATH_LINK)]
            if not named or is_test_module(facts):  # the cheap test first: most files have no such string
                continue
            for link in named:
                if link.kind == STRING_LINK and facts.module not in (link.target, link.target.rpartition(".")[0]):
                    names.add_dotted(link.target, _Spot(facts.path, link.line))
                elif link.kind == PATH_LINK:
                    names.add_path(link.target, _Spot(facts.path, link.line))
        return names

    @cached_property
    def _text_names(self) -> _Names:
        """Tokens of the text files that start with a top-level name of the project and a dot or
        a slash, stored per file under its digest with the names searched for (textsearch.py)."""
        names = _Names()
        heads = {facts.module.partition(".")[0] for facts in self._files} - {""}
        needles = [head + separator for head in sorted(heads) for separator in "./"]
        for path, matches in self._texts.search("module names", needles, partial(_names_in_text, needles)):
            shown = relative_path(path, self._texts.root)
            for match in matches:
                add = names.add_path if match.text.endswith(".py") else names.add_dotted
                add(match.text, _Spot(shown, match.line))
        return names


def _names_in_text(needles: list[str], relative: str, text: str) -> list[TextMatch]:
    """The tokens of one text file that start with a needle (found with `str.find`, many times
    faster than a pattern over every word), each at its first place, needle by needle."""
    from flagkeeper.project.textrefs import TextMatch, positions

    if any(code in text for code in _OWN_CODES):
        return []  # a baseline or report of flagkeeper's own lists the modules it found
    first: dict[str, int] = {}
    for needle in needles:
        start = text.find(needle)
        while start != -1:
            before = text[start - 1] if start else " "
            if not (before.isalnum() or before in _NOT_A_START):
                token = _TOKEN.match(text, start)
                assert token is not None  # the needle itself matches
                first.setdefault(token.group(), start)
            start = text.find(needle, start + 1)
    at = positions(text, first.values())
    return [TextMatch(token, *at[start]) for token, start in first.items()]

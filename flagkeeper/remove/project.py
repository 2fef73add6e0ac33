"""`flagkeeper remove` across a project: which files change, and what becomes dead because of it.

`plan_removal` runs these stages over one `_Removal`, for any number of flags at once:

1. `replace_reads`: the analysis knows every read of each key (`project.inventory`, constants
   and imports resolved); each file that reads one goes through `remove_reads` (source.py),
   each read becoming its flag's value. Then each key's overrides in tests and settings and its
   registrations in code (traces.py); what cannot be removed is listed as remaining work.
2. `clean_up`, to a fixed point: imports the change left unused, module constants that only
   held a key, private functions and methods that only the deleted code used (and what they
   alone used), and with `tests`, the test functions that exercise deleted code or switch a
   flag to a value it no longer takes.
3. `unreachable_modules`: the project model is rebuilt in memory from the new texts, and the
   modules an entry point reached before and reaches no longer are listed (and, with
   `delete_modules`, deleted, and the clean-up runs again).

Planned from the facts (index.py): what each file uses, defines and imports is known from the
cached per-file analysis, so only the files that change, and those that define something the
change may have left unused, are read and parsed. A changed file is analysed again, and its
new facts replace the old ones in the counts.

Uses are judged by name, over the whole project: a name used anywhere, even in a string,
keeps its definition. That is conservative, never wrong in the other direction; a file that
looks names up by a computed name (`getattr(self, "_" + kind)`, `globals()[name]`) keeps its
private functions.

Every new text must compile (in the file's own encoding) before it is accepted (`accept`); a
file whose result would not, or that a step refuses (source.py), is left as it was with a
one-line error.
"""

from __future__ import annotations

import ast
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst

from flagkeeper.analysis.analyse import analyse_file
from flagkeeper.analysis.facts import FileFacts
from flagkeeper.errors import FlagkeeperError
from flagkeeper.project.imports import is_test_module
from flagkeeper.project.model import Project
from flagkeeper.remove.bridge import ReadSpot, RemovalError
from flagkeeper.remove.index import NameUses, ProjectTexts, uses_of
from flagkeeper.remove.prune import Doomed
from flagkeeper.remove.source import Refusal, remove_definitions, remove_reads
from flagkeeper.remove.traceedit import Remaining
from flagkeeper.remove.traces import find_traces
from flagkeeper.remove.usage import computed_lookup, definitions, import_bindings, is_private, names_in

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class FileChange:
    """One file's text before and after (None: the file is deleted), what was removed, and the
    encoding it is written back in (the one it was read in: `utf-8-sig` keeps a BOM)."""

    path: Path
    shown: str
    before: str
    after: str | None
    counts: Counter[str] = field(default_factory=Counter)
    encoding: str = "utf-8"

    def new_bytes(self) -> bytes:
        assert self.after is not None
        return self.after.encode(self.encoding)


def _failing_stage(text: str) -> str:
    """'parse', or 'compile' for a text that parses but breaks a rule of scopes (`nonlocal x` with no x)."""
    try:
        ast.parse(text)
    except SyntaxError:
        return "parse"
    return "compile"


@dataclass
class RemovalPlan:
    changes: list[FileChange]
    unreachable: list[str]  # modules an entry point reached before and no longer does
    deleted: list[str]
    errors: list[str]  # one line each; those files are left as they were
    notes: list[str]
    remaining: list[Remaining] = field(default_factory=list)  # traces left to a person (traces.py)


def _under(root: Path, files: Iterable[str], paths: list[Path]) -> set[str]:
    """The files under one of `paths` (resolved); all of them when the root is (discovery
    follows no link out of the root), without resolving each."""
    if any(root.resolve().is_relative_to(given) for given in paths):
        return set(files)
    return {path for path in files if any((root / path).resolve().is_relative_to(given) for given in paths)}


def _quoted(keys: list[str]) -> str:
    return ", ".join(f"'{key}'" for key in keys)


class _Removal:
    """The state of one run: the facts of every file as it is now, the texts of those that
    changed, and how many files use each name."""

    def __init__(self, project: Project, flags: Mapping[str, Any], paths: list[Path], tests: bool):
        self.project, self.flags, self.tests = project, dict(flags), tests
        root = project.config.root
        self.facts = {facts.path: facts for facts in project.files if facts.error is None}  # as they were
        self.current: dict[str, FileFacts | None] = {}  # the facts of each changed file now (None: deleted)
        self.editable = _under(root, self.facts, paths)
        self.texts = ProjectTexts(root, self.facts)
        self.is_test = {path: is_test_module(facts) for path, facts in self.facts.items()}
        self.uses = NameUses()
        self.definers: dict[str, set[str]] = defaultdict(set)  # private function name -> files defining one
        self.importers: dict[str, set[str]] = defaultdict(set)  # import target -> files importing it
        for path, facts in self.facts.items():
            self.uses.add(uses_of(facts), self.is_test[path])
            for function in facts.functions:
                self.definers[function.qualname.rpartition(".")[2]].add(path)
            for target, *_ in facts.imports:
                self.importers[target].add(path)
        self.uses_before = self.uses.copy()
        self.lost: set[str] = set()  # names some changed file used before and uses no longer
        self.trees: dict[str, ast.Module] = {}  # of the current texts, parsed when needed
        self._names: dict[str, frozenset[str]] = {}
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.errors: list[str] = []
        self.notes: list[str] = []
        self.frozen: set[str] = set()  # files an error left as they were
        self.gone: dict[str, set[str]] = defaultdict(set)  # names deleted, per file
        self.key_names: dict[str, set[str]] = defaultdict(set)  # a constant's name -> the keys it holds
        self.constant_files: set[str] = set()  # files that define such a constant
        for path, facts in self.facts.items():
            for name, expr in facts.constants.items():
                key = project.resolver.resolve(facts.module, expr)
                if key in self.flags:
                    self.key_names[name.rsplit(".", 1)[-1]].add(key)
                    self.constant_files.add(path)
        self.switch_candidates = self._may_switch_flags() if tests else set()

    # -- the current state -----------------------------------------------------------------------
    def now(self, path: str) -> FileFacts | None:
        """The facts of the file as it is now (None: deleted)."""
        return self.current[path] if path in self.current else self.facts[path]

    def names(self, path: str) -> frozenset[str]:
        """The names the file reads now (FileFacts.names); none for a deleted file."""
        if path not in self._names:
            now = self.now(path)
            self._names[path] = frozenset(now.names.split()) if now is not None else frozenset()
        return self._names[path]

    def tree(self, path: str) -> ast.Module:
        if path not in self.trees:
            text = self.texts[path]
            assert text is not None
            self.trees[path] = ast.parse(text)
        return self.trees[path]

    def accept(self, path: str, text: str | None, counts: Mapping[str, int], what: str) -> bool:
        """Take `text` as the file's new text (None: delete it) if it compiles; else leave the file
        as it was, with an error. `what` names the change for the error (`remove 'new_flow'`)."""
        if text is not None and not self._compiles(path, text, what):
            return False
        self._replace(path, text)
        self.counts[path].update({noun: count for noun, count in counts.items() if count})
        return True

    def _replace(self, path: str, text: str | None) -> None:
        """Make `text` the file's current text, and its facts and uses the current ones."""
        before = self.facts[path]
        old = self.now(path)
        if text is not None and text == self.texts.original(path):
            new: FileFacts | None = before
            self.current.pop(path, None)
            self.texts.changed.pop(path, None)
        else:
            new = None if text is None else analyse_file(path, text, before.module, before.is_package, self.project.matcher)
            self.current[path] = new
            self.texts.changed[path] = text
        old_uses = uses_of(old) if old is not None else frozenset()
        new_uses = uses_of(new) if new is not None else frozenset()
        self.uses.add(old_uses - new_uses, self.is_test[path], -1)
        self.uses.add(new_uses - old_uses, self.is_test[path])
        self.lost |= old_uses - new_uses
        self.trees.pop(path, None)
        self._names.pop(path, None)

    def _fail(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        self.errors.append(f"{where}: {message}; the file is left unchanged")
        self.frozen.add(path)
        if path in self.current:
            self._replace(path, self.texts.original(path))
            self.counts[path].clear()

    def _compiles(self, path: str, text: str, what: str) -> bool:
        """Does the new text compile, encoded as the file is? (Compiling runs nothing; unlike
        `ast.parse` it also catches a `nonlocal` left without its binding.)"""
        try:
            compile(text.encode(self.texts.encoding(path)), path, "exec", dont_inherit=True)
        except UnicodeEncodeError as error:
            self._fail(path, f"cannot {what} here: the value cannot be written in {error.encoding}")
            return False
        except SyntaxError as error:
            self._fail(path, f"the result would not {_failing_stage(text)} ({error.msg}, line {error.lineno})")
            return False
        return True

    # -- stage 1: the reads ------------------------------------------------------------------------
    def replace_reads(self) -> None:
        spots: dict[str, list[ReadSpot]] = defaultdict(list)
        keys: dict[str, list[str]] = defaultdict(list)
        root = self.project.config.root
        for key, value in self.flags.items():
            for reference in self.project.inventory.get(key, []):
                path = reference.path.relative_to(root).as_posix()
                if path in self.editable:
                    read = reference.read
                    spots[path].append(ReadSpot(read.line, read.column, read.key_code, value))
                    keys[path] += [key] if key not in keys[path] else []
        for path, found in sorted(spots.items()):
            what = f"remove {_quoted(keys[path])}"
            try:
                removal = remove_reads(self.texts.original(path), found)
            except Refusal as error:
                self._fail(path, f"cannot {what} here: {error.message}", error.line)
                continue
            except RemovalError as error:
                self._fail(path, error.message, error.line)
                continue
            except cst.ParserSyntaxError as error:
                self._fail(path, f"libcst cannot parse it ({error.message})", error.raw_line)
                continue
            self.accept(path, removal.text, removal.counts, what)

    # -- stage 2: what nothing uses any more -------------------------------------------------------
    def _importers(self, target: str) -> set[str]:
        """The files that import `target` now."""
        unchanged = {path for path in self.importers.get(target, ()) if path not in self.current}
        changed = {path for path, facts in self.current.items() if facts is not None and any(found[0] == target for found in facts.imports)}
        return unchanged | changed

    def _reexported(self, path: str, name: str) -> bool:
        """Does another module import `name` from this one (`from pkg import name`), or import this
        one and use an attribute of that name (`app.flags` in a test)?"""
        module = self.facts[path].module
        if self._importers(f"{module}.{name}") - {path}:
            return True
        return any(name in self.names(other) for other in self._importers(module) - {path})

    def _doomed(self, path: str, deleted_modules: set[str]) -> Doomed:
        before, now = self.facts[path], self.now(path)
        assert now is not None
        imports: set[str] = set()
        if path in self.current:  # an unchanged file uses what it used
            used_before, used_now = set(before.names.split()), self.names(path)
            imports = {
                name for name in import_bindings(self.tree(path))
                if name in used_before and name not in used_now and not self._reexported(path, name)
            }  # fmt: skip
        constants = {
            name for name, expr in now.constants.items()
            if name in self.key_names and self.project.resolver.resolve(now.module, expr) in self.flags
            and self.uses_before(name) and not self.uses(name)
        }  # fmt: skip
        functions = {
            name for function in now.functions
            if is_private(name := function.qualname.rpartition(".")[2]) and not function.decorated
            and self.uses_before(name, self.tests) and not self.uses(name, self.tests)
        }  # fmt: skip
        if functions:
            lookup = computed_lookup(self.tree(path)) and computed_lookup(ast.parse(self.texts.original(path)))
            if lookup:  # a lookup the removal deleted reaches nothing any more
                note = f"{path}:{lookup[0]}: private functions are kept: {lookup[1]} with a computed name may reach them"
                self.notes += [note] if note not in self.notes else []
                functions = set()
        tests = self._doomed_tests(path, deleted_modules) if self.tests and self.is_test[path] else set()
        return Doomed(frozenset(imports), frozenset(constants), frozenset(functions), frozenset(tests))

    def _gone(self, path: str, deleted_modules: set[str], deleted: set[str]) -> set[str]:
        """What a test in this file may use of what this run deleted: the functions and constants
        (`deleted`), and the names it imports deleted modules under."""
        now = self.now(path)
        modules = {
            local for local, target in (now.aliases.items() if now else ())
            if any(target == module or target.startswith(module + ".") for module in deleted_modules)
        }  # fmt: skip
        return deleted | modules

    def _doomed_tests(self, path: str, deleted_modules: set[str]) -> set[str]:
        """Tests that use what this run deleted, or that switch a flag to a value it no longer takes."""
        gone = self._gone(path, deleted_modules, set().union(*self.gone.values()))
        if not gone & self.names(path) and path not in self.switch_candidates:
            return set()
        return {
            node.name for node in definitions(self.tree(path))
            if node.name.startswith("test") and (names_in(node) & gone or self._switches_flag(node))
        }  # fmt: skip

    def _may_switch_flags(self) -> set[str]:
        """The test files that may set a flag: they name a constant holding its key, or every word
        of the key is among their names (a key with no word may be in any of them)."""
        words = [set(_WORD.findall(key)) for key in self.flags]
        tests = (path for path, test in self.is_test.items() if test)
        return {path for path in tests if self.names(path) & self.key_names.keys() or any(key_words <= self.names(path) for key_words in words)}

    def _keys_of(self, node: ast.expr) -> set[str]:
        """The keys an expression stands for: a key written out, or a constant holding one."""
        if isinstance(node, ast.Constant):
            return {node.value} if isinstance(node.value, str) and node.value in self.flags else set()
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        return self.key_names.get(name, set()) if name else set()

    def _other_value(self, node: ast.expr, key: str) -> bool:
        """A literal of the flag's kind (a bool for a boolean flag) other than the value it keeps."""
        value = self.flags[key]
        return isinstance(node, ast.Constant) and type(node.value) is type(value) and node.value != value

    def _switches_flag(self, test: ast.AST) -> bool:
        """Does the test set a flag to another value: `set_flag(KEY, True)`, `{KEY: True}`?"""
        for node in ast.walk(test):
            if isinstance(node, ast.Call):
                arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
                keys = set().union(*map(self._keys_of, arguments))
                if any(self._other_value(argument, key) for key in keys for argument in arguments):
                    return True
            elif isinstance(node, ast.Dict):
                pairs = [(key, value) for key, value in zip(node.keys, node.values, strict=True) if key is not None]
                if any(self._other_value(value, flag) for key, value in pairs for flag in self._keys_of(key)):
                    return True
        return False

    def _candidates(self, deleted_modules: set[str]) -> set[str]:
        """The files where something may have become unused: those that changed, those that define
        a key constant or a private function some changed file stopped using, and with `tests`
        the test files that use what was deleted or may switch a flag."""
        found = {path for path, facts in self.current.items() if facts is not None} | self.constant_files
        found |= {path for name in self.lost if is_private(name) for path in self.definers.get(name, ())}
        if self.tests:
            deleted = set().union(*self.gone.values())
            found |= self.switch_candidates
            if deleted or deleted_modules:
                found |= {path for path, test in self.is_test.items() if test and self._gone(path, deleted_modules, deleted) & self.names(path)}
        return {path for path in found & self.editable - self.frozen if self.now(path) is not None}

    def clean_up(self, deleted_modules: set[str]) -> None:
        """Delete what nothing uses any more, until nothing more goes."""
        changed = True
        while changed:
            changed = False
            for path in sorted(self._candidates(deleted_modules)):
                doomed = self._doomed(path, deleted_modules)
                if not any((doomed.imports, doomed.constants, doomed.functions, doomed.tests)):
                    continue
                text = self.texts[path]
                assert text is not None
                removal = remove_definitions(text, doomed)
                if removal.text != text and self.accept(path, removal.text, removal.counts, "delete what it no longer uses"):
                    self.gone[path] |= doomed.functions | doomed.constants
                    changed = True

    # -- stage 3: reachability ---------------------------------------------------------------------
    def current_project(self) -> Project:
        """The project model of the current texts, built in memory."""
        files = [self.current.get(facts.path) if facts.path in self.current else facts for facts in self.project.files]
        old = self.project
        return old.at([facts for facts in files if facts is not None], old.registry, old.text_files)

    def newly_unreachable(self) -> list[str]:
        before = self.project.module_status
        after = self.current_project().module_status
        return sorted(
            module for module, status in after.items()
            if status == "unreachable" and before.get(module, "unreachable") != "unreachable"
        )  # fmt: skip

    def changes(self) -> list[FileChange]:
        root = self.project.config.root
        found = []
        for path in sorted(self.current):
            after = self.texts[path]
            counts = self.counts[path] if after is not None else Counter({"module": 1})
            found.append(FileChange(root / path, path, self.texts.original(path), after, counts, self.texts.encoding(path)))
        return found


def known_keys(project: Project, keys: list[str]) -> list[str]:
    """Those of `keys` that are read, registered, retired, or the value of a module constant."""
    registry = project.registry
    known = {key for key in keys if key in project.inventory or key in registry.flags or key in registry.retired}
    if len(known) < len(keys):
        constants = {project.resolver.resolve(facts.module, expr) for facts in project.files for expr in facts.constants.values()}
        known |= {key for key in keys if key in constants}
    return [key for key in keys if key in known]


def plan_removal(project: Project, flags: Mapping[str, Any], paths: list[Path], tests: bool = False, delete_modules: bool = False) -> RemovalPlan:
    """Every change `flagkeeper remove KEY=VALUE ...` makes to the files under `paths`: `flags`
    maps each key to the value it keeps for good."""
    known = known_keys(project, list(flags))
    unknown = [key for key in flags if key not in known]
    if unknown:
        raise FlagkeeperError(f"unknown flag key {_quoted(unknown)}: no code reads it and the registry does not list it")
    run = _Removal(project, flags, paths, tests)
    run.replace_reads()
    remaining: list[Remaining] = []
    for key, value in flags.items():  # overrides in tests and settings, registrations in code
        traces = find_traces(project, key, value, run.texts, run.editable - run.frozen, tests)
        remaining += traces.remaining
        for path, edit in traces.edits.items():
            run.accept(path, edit.text, edit.counts, f"remove the traces of '{key}'")
    notes: list[str] = []
    deleted_modules: set[str] = set()
    unreachable: list[str] = []
    by_module = {facts.module: path for path, facts in run.facts.items()}
    while True:
        run.clean_up(deleted_modules)
        if not project.entry_points:
            notes.append("no entry points, so modules that became unreachable cannot be judged (set entry-points in the config)")
            break
        found = [module for module in run.newly_unreachable() if by_module.get(module) in run.editable]
        unreachable = sorted(set(unreachable) | set(found))
        fresh = set(found) - deleted_modules if delete_modules else set()
        if not fresh:
            break
        deleted_modules |= fresh
        for module in fresh:
            run.accept(by_module[module], None, {}, "delete the module")
    return RemovalPlan(run.changes(), unreachable, sorted(deleted_modules), run.errors, run.notes + notes, remaining)

"""`flagkeeper remove` across a project: which files change, and what becomes dead because of it.

The analysis already knows every read of the key (`project.inventory`, constants and imports
resolved); each file that reads it goes through `remove_reads` (source.py). Then, to a fixed
point: imports the change left unused, module constants that only held the key, private
functions and methods that only the deleted code used (and what they alone used), and with
`tests`, the test functions that exercise deleted code or switch the flag to the other value.
The project model is then rebuilt in memory from the new texts, and the modules an entry point
reached before and reaches no longer are listed (and, with `delete_modules`, deleted).

Uses are judged by name, over the whole project: a name used anywhere, even in a string,
keeps its definition. That is conservative, never wrong in the other direction; a file that
looks names up by a computed name (`getattr(self, "_" + kind)`, `globals()[name]`) keeps its
private functions.

Every new text must compile (in the file's own encoding) before it is accepted; a file whose
result would not, or that a step refuses (source.py), is left as it was with a one-line error.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst

from flagkeeper.analysis.analyse import analyse_file
from flagkeeper.analysis.facts import FileFacts
from flagkeeper.analysis.scan import decode_source
from flagkeeper.errors import FlagkeeperError
from flagkeeper.project.imports import is_test_module
from flagkeeper.project.model import Project
from flagkeeper.remove.bridge import ReadSpot, RemovalError
from flagkeeper.remove.prune import Doomed
from flagkeeper.remove.source import Refusal, remove_definitions, remove_reads
from flagkeeper.remove.traceedit import Remaining
from flagkeeper.remove.traces import find_traces
from flagkeeper.remove.usage import Usage, definitions, import_bindings, is_private, names_in


def parse_value(text: str) -> Any:
    """`--value`: true or false, or a Python literal (a string in quotes, a number, None)."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = ...
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise FlagkeeperError(f"--value must be true, false or a Python literal such as '\"blue\"' or 3, not {text}")


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


def _read(path: Path) -> tuple[str, str]:
    """A source file's text, line endings untouched, and its encoding (PEP 263 cookie or BOM)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FlagkeeperError(f"cannot read: {error.strerror or error}", path) from None
    text = decode_source(data, path)  # a bad cookie or bad bytes are an error here, once
    return text, tokenize.detect_encoding(io.BytesIO(data).readline)[0]


@dataclass
class RemovalPlan:
    changes: list[FileChange]
    unreachable: list[str]  # modules an entry point reached before and no longer does
    deleted: list[str]
    errors: list[str]  # one line each; those files are left as they were
    notes: list[str]
    remaining: list[Remaining] = field(default_factory=list)  # traces left to a person (traces.py)


class _Removal:
    """The state of one run: every file's current text and the names it uses."""

    def __init__(self, project: Project, key: str, value: Any, paths: list[Path], tests: bool):
        self.project, self.key, self.value, self.tests = project, key, value, tests
        root = project.config.root
        self.facts = {facts.path: facts for facts in project.files if facts.error is None}
        self.editable = {path for path in self.facts if any((root / path).resolve().is_relative_to(given) for given in paths)}
        read = {path: _read(root / path) for path in self.facts}
        self.before = {path: text for path, (text, _) in read.items()}
        self.encodings = {path: encoding for path, (_, encoding) in read.items()}
        self.texts: dict[str, str | None] = dict(self.before)
        self.trees = {path: ast.parse(text) for path, text in self.before.items()}
        self.usage_before = {path: Usage.of(tree) for path, tree in self.trees.items()}
        self.usage = dict(self.usage_before)
        self.counts: dict[str, Counter[str]] = {path: Counter() for path in self.facts}
        self.errors: list[str] = []
        self.notes: list[str] = []
        self.frozen: set[str] = set()  # files an error left as they were
        self.gone: dict[str, set[str]] = {path: set() for path in self.facts}  # names deleted, per file
        self.key_names = {
            name.rsplit(".", 1)[-1] for facts in self.facts.values() for name, expr in facts.constants.items()
            if project.resolver.resolve(facts.module, expr) == key
        }  # fmt: skip

    def _set(self, path: str, text: str, counts: dict[str, int]) -> None:
        self.texts[path] = text
        self.trees[path] = ast.parse(text)
        self.usage[path] = Usage.of(self.trees[path])
        self.counts[path].update({noun: count for noun, count in counts.items() if count})

    def _fail(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        self.errors.append(f"{where}: {message}; the file is left unchanged")
        self.frozen.add(path)
        if self.texts[path] != self.before[path]:
            self._set(path, self.before[path], {})
            self.counts[path].clear()

    def _compiles(self, path: str, text: str) -> bool:
        """Does the new text compile, encoded as the file is? (Compiling runs nothing; unlike
        `ast.parse` it also catches a `nonlocal` left without its binding.)"""
        try:
            compile(text.encode(self.encodings[path]), path, "exec", dont_inherit=True)
        except UnicodeEncodeError as error:
            self._fail(path, f"cannot remove '{self.key}' here: the value cannot be written in {error.encoding}")
            return False
        except SyntaxError as error:
            self._fail(path, f"the result would not {_failing_stage(text)} ({error.msg}, line {error.lineno})")
            return False
        return True

    def replace_reads(self) -> None:
        spots: dict[str, list[ReadSpot]] = {}
        root = self.project.config.root
        for reference in self.project.inventory.get(self.key, []):
            path = reference.path.relative_to(root).as_posix()
            if path in self.editable:
                spots.setdefault(path, []).append(ReadSpot(reference.read.line, reference.read.column, reference.read.key_code))
        for path, found in sorted(spots.items()):
            try:
                removal = remove_reads(self.before[path], found, self.value)
            except Refusal as error:
                self._fail(path, f"cannot remove '{self.key}' here: {error.message}", error.line)
                continue
            except RemovalError as error:
                self._fail(path, error.message, error.line)
                continue
            except cst.ParserSyntaxError as error:
                self._fail(path, f"libcst cannot parse it ({error.message})", error.raw_line)
                continue
            if self._compiles(path, removal.text):
                self._set(path, removal.text, removal.counts)

    # -- what nothing uses any more ------------------------------------------------------------
    def _project_uses(self, name: str, skip_tests: bool) -> int:
        return sum(
            usage.loads[name] + usage.imported[name] for path, usage in self.usage.items()
            if self.texts[path] is not None and not (skip_tests and is_test_module(self.facts[path]))
        )  # fmt: skip

    def _used_before(self, name: str, skip_tests: bool) -> int:
        return sum(
            usage.loads[name] + usage.imported[name] for path, usage in self.usage_before.items()
            if not (skip_tests and is_test_module(self.facts[path]))
        )  # fmt: skip

    def _reexported(self, path: str, name: str) -> bool:
        """Does another module import `name` from this one (`from pkg import name`), or import this
        one and use an attribute of that name (`app.flags` in a test)?"""
        module = self.facts[path].module
        for other, facts in self.facts.items():
            if other == path or self.texts[other] is None:
                continue
            targets = {target for target, *_ in facts.imports}
            if f"{module}.{name}" in targets or (module in targets and self.usage[other].loads[name]):
                return True
        return False

    def _doomed(self, path: str, deleted_modules: set[str]) -> Doomed:
        tree, usage, before = self.trees[path], self.usage[path], self.usage_before[path]
        imports = {name for name in import_bindings(tree) if before.loads[name] and not usage.loads[name] and not self._reexported(path, name)}
        facts = self.facts[path]
        constants = {
            name for name in self.key_names & set(facts.constants)
            if self.project.resolver.resolve(facts.module, facts.constants[name]) == self.key
            and self._used_before(name, False) and not self._project_uses(name, False)
        }  # fmt: skip
        functions = {
            node.name for node in definitions(tree)
            if is_private(node.name) and not node.decorator_list
            and self._used_before(node.name, self.tests) and not self._project_uses(node.name, self.tests)
        }  # fmt: skip
        lookup = usage.lookup and before.lookup  # a lookup the removal deleted reaches nothing any more
        if functions and lookup:
            note = f"{path}:{lookup[0]}: private functions are kept: {lookup[1]} with a computed name may reach them"
            self.notes += [note] if note not in self.notes else []
            functions = set()
        tests = self._doomed_tests(path, deleted_modules) if self.tests and is_test_module(facts) else set()
        return Doomed(frozenset(imports), frozenset(constants), frozenset(functions), frozenset(tests))

    def _doomed_tests(self, path: str, deleted_modules: set[str]) -> set[str]:
        """Tests that use what this run deleted, or that switch the flag to the value it no longer takes."""
        gone = set().union(*self.gone.values()) | {
            local for local, target in self.facts[path].aliases.items()
            if any(target == module or target.startswith(module + ".") for module in deleted_modules)
        }  # fmt: skip
        doomed = set()
        for node in definitions(self.trees[path]):
            if node.name.startswith("test") and (names_in(node) & gone or self._switches_flag(node)):
                doomed.add(node.name)
        return doomed

    def _is_key(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return node.value == self.key
        return (isinstance(node, ast.Name) and node.id in self.key_names) or (isinstance(node, ast.Attribute) and node.attr in self.key_names)

    def _other_value(self, node: ast.expr) -> bool:
        """A literal of the flag's kind (a bool for a boolean flag) other than the value it keeps."""
        return isinstance(node, ast.Constant) and type(node.value) is type(self.value) and node.value != self.value

    def _switches_flag(self, test: ast.AST) -> bool:
        """Does the test set the flag to another value: `set_flag(KEY, True)`, `{KEY: True}`?"""
        for node in ast.walk(test):
            if isinstance(node, ast.Call):
                arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
                if any(self._is_key(argument) for argument in arguments) and any(self._other_value(argument) for argument in arguments):
                    return True
            elif isinstance(node, ast.Dict):
                if any(key is not None and self._is_key(key) and self._other_value(value) for key, value in zip(node.keys, node.values, strict=True)):
                    return True
        return False

    def clean_up(self, deleted_modules: set[str]) -> None:
        """Delete what nothing uses any more, until nothing more goes."""
        changed = True
        while changed:
            changed = False
            for path in sorted(self.editable - self.frozen):
                text = self.texts[path]
                if text is None:
                    continue
                doomed = self._doomed(path, deleted_modules)
                if not any((doomed.imports, doomed.constants, doomed.functions, doomed.tests)):
                    continue
                removal = remove_definitions(text, doomed)
                if removal.text != text and self._compiles(path, removal.text):
                    self.gone[path] |= doomed.functions | doomed.constants
                    self._set(path, removal.text, removal.counts)
                    changed = True

    # -- reachability --------------------------------------------------------------------------
    def current_project(self) -> Project:
        """The project model of the current texts, built in memory."""
        files: list[FileFacts] = []
        matcher = self.project.matcher
        for facts in self.project.files:
            if facts.path not in self.texts:
                files.append(facts)  # it did not parse: as it was
                continue
            text = self.texts[facts.path]
            if text is None:
                continue  # deleted
            files.append(facts if text == self.before[facts.path] else analyse_file(facts.path, text, facts.module, facts.is_package, matcher))
        old = self.project
        return old.at(files, old.registry, old.text_files)

    def newly_unreachable(self) -> list[str]:
        before = self.project.module_status
        after = self.current_project().module_status
        return sorted(
            module for module, status in after.items()
            if status == "unreachable" and before.get(module, "unreachable") != "unreachable"
        )  # fmt: skip


def known_key(project: Project, key: str) -> bool:
    """Is the key read, registered, retired, or the value of a module constant?"""
    registry = project.registry
    if key in project.inventory or key in registry.flags or key in registry.retired:
        return True
    return any(project.resolver.resolve(facts.module, expr) == key for facts in project.files for expr in facts.constants.values())


def plan_removal(project: Project, key: str, value: Any, paths: list[Path], tests: bool = False, delete_modules: bool = False) -> RemovalPlan:
    """Every change `flagkeeper remove KEY --value VALUE` makes to the files under `paths`."""
    if not known_key(project, key):
        raise FlagkeeperError(f"unknown flag key '{key}': no code reads it and the registry does not list it")
    run = _Removal(project, key, value, paths, tests)
    run.replace_reads()
    traces = find_traces(project, key, value, run.texts, run.editable - run.frozen, tests)  # overrides, registrations
    for path, edit in traces.edits.items():
        if run._compiles(path, edit.text):
            run._set(path, edit.text, edit.counts)
    notes: list[str] = []
    deleted_modules: set[str] = set()
    unreachable: list[str] = []
    while True:
        run.clean_up(deleted_modules)
        if not project.entry_points:
            notes.append("no entry points, so modules that became unreachable cannot be judged (set entry-points in the config)")
            break
        by_module = {facts.module: path for path, facts in run.facts.items()}
        found = [module for module in run.newly_unreachable() if by_module.get(module) in run.editable]
        unreachable = sorted(set(unreachable) | set(found))
        fresh = set(found) - deleted_modules if delete_modules else set()
        if not fresh:
            break
        deleted_modules |= fresh
        for module in fresh:
            run.texts[by_module[module]] = None
    changes = []
    for path in sorted(run.facts):
        after = run.texts[path]
        if after != run.before[path]:
            counts = run.counts[path] if after is not None else Counter({"module": 1})
            changes.append(FileChange(project.config.root / path, path, run.before[path], after, counts, run.encodings[path]))
    return RemovalPlan(changes, unreachable, sorted(deleted_modules), run.errors, run.notes + notes, traces.remaining)

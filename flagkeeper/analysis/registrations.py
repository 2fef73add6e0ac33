"""Flags registered in one file's code, as the packs' `[[register]]` entries describe them.

Two forms: a registration call (`manager.add("org:feature-x", ...)`, also inside a `for` loop
over a list or tuple literal, or over a module-level name bound to one, where it registers
every element), and a registry mapping (`DEFAULT_FEATURE_FLAGS = {"FEATURE_X": False}`), whose
keys are flags, whose values are their defaults and whose comments describe them.

Keys are recorded as written (KeyExpr): the project model resolves them across modules as it
does for reads. Uses the calls and loops of the file's one walk (structure.py), and its module
body for mappings: no walk of its own.
"""

from __future__ import annotations

import ast
import io
import re
from collections.abc import Callable, Iterator
from typing import TypeVar

from flagkeeper.analysis.facts import Dynamic, Registration
from flagkeeper.analysis.flagreads import find_arg
from flagkeeper.analysis.packs import Matcher, OverridePattern, RegisterPattern
from flagkeeper.analysis.structure import Structure, callee_last_name, callee_names, key_expr

_Bindings = dict[str, ast.expr]  # loop variable -> the element it stands for in one iteration


def _field_value(node: ast.expr) -> str:
    """A string argument's value, or any other expression's source."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ast.unparse(node)


def _module_literals(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level `NAME = <literal>` (and `NAME: T = <literal>`): lists, tuples and dicts."""
    found: dict[str, ast.expr] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        if isinstance(value, (ast.List, ast.Tuple, ast.Dict)):
            found.update((target.id, value) for target in targets if isinstance(target, ast.Name))
    return found


def _iterations(loop: ast.For, literals: dict[str, ast.expr]) -> list[_Bindings] | None:
    """What the loop variables stand for in each iteration; None when the elements are not literal."""
    elements = literals.get(loop.iter.id) if isinstance(loop.iter, ast.Name) else loop.iter
    if not isinstance(elements, (ast.List, ast.Tuple)):
        return None
    if isinstance(loop.target, ast.Name):
        return [{loop.target.id: element} for element in elements.elts]
    names = [target.id if isinstance(target, ast.Name) else None for target in getattr(loop.target, "elts", [])]
    if not names:
        return None
    iterations = []
    for element in elements.elts:  # `for key, kind in [("a", A), ...]`
        if not isinstance(element, (ast.Tuple, ast.List)) or len(element.elts) != len(names):
            return None
        iterations.append({name: value for name, value in zip(names, element.elts, strict=True) if name})
    return iterations


def _inside(node: ast.AST, loop: ast.For) -> bool:
    first, last = loop.body[0], loop.body[-1]
    start = (first.lineno, first.col_offset)
    end = (last.end_lineno or last.lineno, last.end_col_offset or 0)
    return start <= (node.lineno, node.col_offset) < end  # type: ignore[attr-defined]


_CallPattern = TypeVar("_CallPattern", RegisterPattern, OverridePattern)


def first_call_pattern(
    names: tuple[str, ...], candidates: Callable[[str], Iterator[_CallPattern]], applies: Callable[[_CallPattern], bool]
) -> _CallPattern | None:
    """The first pattern (of `[[register]]` or `[[override]]`) matching one of the names the callee
    stands for, called on the `receiver` it names (if any), that `applies` to the call."""
    for name in names:
        receiver = name.rpartition(".")[0]
        for pattern in candidates(name):
            if pattern.receiver in (None, receiver) and applies(pattern):
                return pattern
    return None


class _CallRegistrations:
    def __init__(self, structure: Structure, module: str, matcher: Matcher, literals: dict[str, ast.expr]):
        self.structure = structure
        self.module = module
        self.matcher = matcher
        self.literals = literals

    def _matches(self, call: ast.Call) -> RegisterPattern | None:
        if not self.matcher.registers_calls_named(callee_last_name(call.func, self.structure.aliases)):
            return None  # nearly every call: ruled out by a dict lookup
        return first_call_pattern(
            callee_names(call.func, self.structure.aliases, self.module), self.matcher.registrations,
            lambda register: find_arg(call, register.key) is not None,
        )  # fmt: skip

    def _bindings(self, call: ast.Call, key: ast.expr) -> list[_Bindings]:
        """One binding per iteration of the innermost literal loop around the call whose variable
        is the key, else one empty one (the call registers once)."""
        if isinstance(key, ast.Name):
            for loop in reversed([loop for loop in self.structure.literal_loops if _inside(call, loop)]):
                iterations = _iterations(loop, self.literals)
                if iterations and key.id in iterations[0]:
                    return iterations
        return [{}]

    def found(self) -> Iterator[Registration]:
        for node, _scope in self.structure.sites:
            register = self._matches(node) if isinstance(node, ast.Call) else None
            if register is None:
                continue
            assert isinstance(node, ast.Call)
            key_arg = find_arg(node, register.key)
            assert key_arg is not None
            for bindings in self._bindings(node, key_arg[0]):
                yield self._registration(node, register, key_arg, bindings)

    def _registration(self, call: ast.Call, register: RegisterPattern, key_arg: tuple[ast.expr, str], bindings: _Bindings) -> Registration:
        def bound(node: ast.expr) -> ast.expr:
            return bindings.get(node.id, node) if isinstance(node, ast.Name) else node

        value, star = key_arg
        key = bound(value)
        fields = []
        for name, spec in register.fields:
            argument = find_arg(call, spec)
            if argument is not None and not argument[1]:
                fields.append((name, _field_value(bound(argument[0]))))
        key_code = star + ast.unparse(key)
        expr = Dynamic(key_code) if star else key_expr(key)  # `*args` hides which element is the key
        return Registration(expr, key_code, register.pack, call.lineno, call.col_offset + 1, tuple(fields))


def _comment_above(lines: list[str], line: int) -> list[str]:
    """The comment lines right above `line` (1-based), top to bottom, without their `#`."""
    found: list[str] = []
    index = line - 2
    while index >= 0 and lines[index].lstrip().startswith("#"):
        found.insert(0, lines[index].strip().lstrip("#").strip())
        index -= 1
    return found


def _comment_fields(comment: list[str], pattern: re.Pattern[str] | None) -> list[tuple[str, str]]:
    """The description (the lines the pattern does not lift from) and the fields it lifts."""
    lifted: dict[str, str] = {}
    described = []
    for text in comment:
        match = pattern.search(text) if pattern else None
        if match is None:
            described.append(text)
            continue
        lifted.update((name, value) for name, value in match.groupdict().items() if value)
    description = " ".join(part for part in described if part)
    return ([("description", description)] if description else []) + sorted(lifted.items())


def _mapping_registrations(tree: ast.Module, source: str, module: str, matcher: Matcher) -> Iterator[Registration]:
    assigns = matcher.registry_assigns(module)
    if not assigns:
        return
    literals = _module_literals(tree)
    lines = io.StringIO(source, newline="").readlines()
    for name, register in assigns.items():
        mapping = literals.get(name)
        if not isinstance(mapping, ast.Dict):
            continue
        for key, value in zip(mapping.keys, mapping.values, strict=True):
            if key is None:  # `**OTHER`: its keys are registered where OTHER is
                continue
            fields = [("default", ast.unparse(value)), *_comment_fields(_comment_above(lines, key.lineno), register.comment_fields)]
            yield Registration(key_expr(key), ast.unparse(key), register.pack, key.lineno, key.col_offset + 1, tuple(fields))


def find_registrations(tree: ast.Module, structure: Structure, source: str, module: str, matcher: Matcher) -> tuple[Registration, ...]:
    """Every flag the file registers, in source order."""
    if not matcher.registers_flags:
        return ()
    literals = _module_literals(tree) if structure.literal_loops else {}
    found = [*_CallRegistrations(structure, module, matcher, literals).found(), *_mapping_registrations(tree, source, module, matcher)]
    return tuple(sorted(found, key=lambda registration: (registration.line, registration.column)))

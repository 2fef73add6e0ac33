"""Flag overrides of one file, as the packs' `[[override]]` entries describe them: tests and
settings blocks that set a flag (`@override_flag("x", active=True)`, `with self.feature({"x":
True}):`, `@override_flags(X=True)`). An override names a key but does not read it: FK005 does
not count it, and FK012 reports one whose key nothing registers.

Each override records the value it sets when that is a literal, and the lines it applies to (the
decorated test, the `with` statement, or the rest of the enclosing function): what removing a
flag needs to know which tests run with it on. Uses the calls and spans of the file's one walk
(structure.py): no walk of its own.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flagkeeper.analysis.facts import CALL_OVERRIDE, DECORATOR_OVERRIDE, WITH_OVERRIDE, Dynamic, KeyExpr, Literal, Override
from flagkeeper.analysis.flagreads import find_arg
from flagkeeper.analysis.packs import Matcher, OverridePattern
from flagkeeper.analysis.registrations import first_call_pattern
from flagkeeper.analysis.structure import Structure, callee_last_name, callee_names, key_expr

_Key = tuple[KeyExpr, str, str | None]  # a key, its source, the literal value it is set to


def _literal(node: ast.expr) -> str | None:
    """The source of a literal value (`True`, `"on"`, `-1`, `None`), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return ast.unparse(node) if isinstance(node.operand, ast.Constant) else None
    return ast.unparse(node) if isinstance(node, ast.Constant) else None


class _OverrideFinder:
    def __init__(self, structure: Structure, module: str, matcher: Matcher, lines: int):
        self.structure = structure
        self.module = module
        self.matcher = matcher
        self.lines = lines

    def _matches(self, call: ast.Call) -> OverridePattern | None:
        if not self.matcher.overrides_calls_named(callee_last_name(call.func, self.structure.aliases)):
            return None  # nearly every call: ruled out by a dict lookup
        return first_call_pattern(
            callee_names(call.func, self.structure.aliases, self.module), self.matcher.overrides,
            lambda override: override.keywords_are_keys or find_arg(call, override.key) is not None,
        )  # fmt: skip

    def _keys(self, call: ast.Call, override: OverridePattern) -> list[_Key]:
        """Each key the call overrides: its keyword names, the elements of a list, the keys of a
        dict literal (each with its value), or the one key argument."""
        if override.keywords_are_keys:
            return [(Literal(keyword.arg), keyword.arg, _literal(keyword.value)) for keyword in call.keywords if keyword.arg is not None]
        found = find_arg(call, override.key)
        assert found is not None
        argument, star = found
        if star:  # `*args` hides which argument is the key
            return [(Dynamic(star + ast.unparse(argument)), star + ast.unparse(argument), None)]
        if isinstance(argument, ast.Dict):
            return [(key_expr(key), ast.unparse(key), _literal(value)) for key, value in zip(argument.keys, argument.values, strict=True) if key]
        value_arg = find_arg(call, override.value)
        value = _literal(value_arg[0]) if value_arg is not None and not value_arg[1] else None
        elements = argument.elts if isinstance(argument, (ast.List, ast.Tuple)) else [argument]
        return [
            (Dynamic(ast.unparse(element)) if isinstance(element, ast.Starred) else key_expr(element), ast.unparse(element), value)
            for element in elements
        ]

    def _applies_to(self, call: ast.Call, scope: str | None) -> tuple[str, int, int]:
        """How the override applies, and the lines it covers."""
        spans = self.structure.scope_spans
        if id(call) in self.structure.decorator_ids and scope in spans:
            return DECORATOR_OVERRIDE, *spans[scope]
        if id(call) in self.structure.with_spans:
            return WITH_OVERRIDE, *self.structure.with_spans[id(call)]
        return CALL_OVERRIDE, call.lineno, spans[scope][1] if scope in spans else self.lines

    def found(self) -> Iterator[Override]:
        for node, scope in self.structure.sites:
            override = self._matches(node) if isinstance(node, ast.Call) else None
            if override is None:
                continue
            assert isinstance(node, ast.Call)
            form, first, last = self._applies_to(node, scope)
            call = ast.unparse(node.func)
            for key, key_code, value in self._keys(node, override):
                yield Override(
                    key, key_code, override.pack, call, node.lineno, node.col_offset + 1, value, form, first, last, scope, override.registered_only
                )


def find_overrides(structure: Structure, module: str, matcher: Matcher, lines: int) -> tuple[Override, ...]:
    """Every flag override in the file, in source order."""
    if not matcher.overrides_flags:
        return ()
    return tuple(_OverrideFinder(structure, module, matcher, lines).found())

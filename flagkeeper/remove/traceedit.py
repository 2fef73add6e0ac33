"""The edits that remove a flag's traces from one file (overrides.py and registrations.py plan
them), applied in one libcst pass that keeps the layout of what stays (layout.py).

- `DropCall`: take the key out of the call at a line: the whole call when the key is its
  argument (or it has no other key left), else the key's element of a dict or list argument, or
  its keyword. A whole call goes with what holds it: a decorator, a `with` item (the body is
  unindented when it was the only one), a statement of its own. A call anywhere else stays.
- `DropEntry`: the key's element of the literal a module-level `NAME = {...}` / `[...]` is bound
  to, or of the literal a `for` loop runs over (the loop goes with its last element).
- `DropDefinition`: a function or class by qualname (a test that runs with the flag in the
  state it no longer takes).

An edit that finds nothing to change is returned as not done: the caller lists it as remaining
work rather than guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from flagkeeper.remove.bridge import same_expression
from flagkeeper.remove.elements import Item, comma_of, drop_element
from flagkeeper.remove.prune import BlockKeeper
from flagkeeper.remove.simplify import block_statements, code_of


@dataclass(frozen=True)
class DropCall:
    line: int
    call: str  # the callee as written
    key_code: str
    noun: str  # what it counts as: "override", "registration"


@dataclass(frozen=True)
class DropEntry:
    owner: str  # the module-level NAME bound to the literal, or "" for the literal of the `for` at `line`
    line: int
    key_code: str
    noun: str


@dataclass(frozen=True)
class DropDefinition:
    qualname: str
    line: int
    noun: str = "test"


Edit = DropCall | DropEntry | DropDefinition

_Container = cst.Dict | cst.List | cst.Tuple | cst.Set


def _holds_key(element: cst.CSTNode, key_code: str) -> bool:
    """A dict entry whose key is the key, an element that is the key, or a tuple or list holding
    it (`("org:beta", "permission")` in a loop that unpacks the key and its fields)."""
    if isinstance(element, cst.DictElement):
        return same_expression(code_of(element.key), key_code)
    if not isinstance(element, cst.Element):
        return False
    value = element.value
    if isinstance(value, (cst.Tuple, cst.List)):
        return any(isinstance(inner, cst.Element) and same_expression(code_of(inner.value), key_code) for inner in value.elements)
    return same_expression(code_of(value), key_code)


def without_key(container: _Container, key_code: str) -> _Container | None:
    """The literal without the key's element; None when it holds no such element."""
    index = next((index for index, element in enumerate(container.elements) if _holds_key(element, key_code)), None)
    if index is None:
        return None
    if isinstance(container, (cst.Dict, cst.Set)):
        elements, space = drop_element(container.elements, index, container.lbrace.whitespace_after)
        return container.with_changes(elements=elements, lbrace=container.lbrace.with_changes(whitespace_after=space))
    if isinstance(container, cst.List):
        elements, space = drop_element(container.elements, index, container.lbracket.whitespace_after)
        return container.with_changes(elements=elements, lbracket=container.lbracket.with_changes(whitespace_after=space))
    if not container.lpar:  # `for key in "a", "b":`
        elements, _ = drop_element(container.elements, index, cst.SimpleWhitespace(""))
        return container.with_changes(elements=_still_a_tuple(elements))
    paren = container.lpar[0]
    elements, space = drop_element(container.elements, index, paren.whitespace_after)
    return container.with_changes(elements=_still_a_tuple(elements), lpar=[paren.with_changes(whitespace_after=space), *container.lpar[1:]])


def _still_a_tuple(elements: list[Item]) -> list[Item]:
    """A tuple left with one element keeps a comma after it: `("a",)`."""
    if len(elements) == 1 and not isinstance(comma_of(elements[0]), cst.Comma):
        return [elements[0].with_changes(comma=cst.Comma())]
    return elements


def _without_argument(call: cst.Call, index: int) -> cst.Call | None:
    if len(call.args) == 1:
        return None
    args, space = drop_element(call.args, index, call.whitespace_before_args)
    return call.with_changes(args=args, whitespace_before_args=space)


def without_call_key(call: cst.Call, key_code: str) -> cst.Call | None | bool:
    """The call without the key: None when the whole call goes, False when the key is not in it."""
    if any(same_expression(code_of(arg.value), key_code) and not arg.star for arg in call.args):
        return None
    for index, arg in enumerate(call.args):
        if isinstance(arg.value, (cst.Dict, cst.List, cst.Tuple, cst.Set)):
            trimmed = without_key(arg.value, key_code)
            if trimmed is not None:
                if not trimmed.elements:  # `FLAGS={}` would set the setting: the argument goes
                    return _without_argument(call, index)
                return call.with_changes(args=[*call.args[:index], arg.with_changes(value=trimmed), *call.args[index + 1 :]])
        if arg.keyword is not None and arg.keyword.value == key_code:
            return _without_argument(call, index)
    return False


class _TraceEditor(BlockKeeper):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, edits: Sequence[Edit]):
        super().__init__()
        self.calls = [edit for edit in edits if isinstance(edit, DropCall)]
        self.entries = [edit for edit in edits if isinstance(edit, DropEntry)]
        self.definitions = {edit.qualname: edit for edit in edits if isinstance(edit, DropDefinition)}
        self.done: set[Edit] = set()
        # id of a call that goes as a whole -> the call (held, so that its id is not reused) and its edit
        self.whole: dict[int, tuple[cst.Call, DropCall]] = {}
        self.scopes: list[str] = []  # the classes and functions around the node

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def _gone(self, node: cst.BaseExpression) -> bool:
        """Is `node` a call that goes as a whole? Then its edit is done."""
        call, edit = self.whole.get(id(node), (None, None))
        if call is not node or edit is None:
            return False
        self.done.add(edit)
        return True

    # -- calls ---------------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        mine = [edit for edit in self.calls if edit.line == self._line(original_node) and same_expression(code_of(original_node.func), edit.call)]
        for edit in mine:
            result = without_call_key(updated_node, edit.key_code)
            if result is None:
                self.whole[id(updated_node)] = (updated_node, edit)
                return updated_node
            if result is not False:
                assert isinstance(result, cst.Call)
                self.done.add(edit)
                updated_node = result
        return updated_node

    def leave_Decorator(self, original_node: cst.Decorator, updated_node: cst.Decorator) -> cst.Decorator | cst.RemovalSentinel:
        return cst.RemoveFromParent() if self._gone(updated_node.decorator) else updated_node

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        items = list(updated_node.items)
        for index in reversed(range(len(items))):
            if items[index].asname is None and self._gone(items[index].item):
                if len(items) == 1:
                    return cst.FlattenSentinel(block_statements(updated_node.body, updated_node.leading_lines))
                items, _ = drop_element(items, index, cst.SimpleWhitespace(""))
        return updated_node.with_changes(items=items)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        body = updated_node.body
        if len(body) == 1 and isinstance(body[0], cst.Expr) and self._gone(body[0].value):
            return cst.RemoveFromParent()
        if len(body) == 1 and isinstance(body[0], (cst.Assign, cst.AnnAssign)) and not self.scopes:
            return updated_node.with_changes(body=[self._module_literal(body[0])])
        return updated_node

    # -- literals --------------------------------------------------------------------------------
    def _module_literal(self, assign: cst.Assign | cst.AnnAssign) -> cst.Assign | cst.AnnAssign:
        targets = [target.target for target in assign.targets] if isinstance(assign, cst.Assign) else [assign.target]
        names = {target.value for target in targets if isinstance(target, cst.Name)}
        value = assign.value
        for edit in self.entries:
            if edit.owner in names and isinstance(value, (cst.Dict, cst.List, cst.Tuple, cst.Set)):
                trimmed = without_key(value, edit.key_code)
                if trimmed is not None:
                    self.done.add(edit)
                    value = trimmed
        return assign.with_changes(value=value)

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For | cst.RemovalSentinel:
        line = self._line(original_node)
        for edit in self.entries:
            iterated = updated_node.iter
            if edit.owner or edit.line != line or not isinstance(iterated, (cst.List, cst.Tuple)):
                continue
            trimmed = without_key(iterated, edit.key_code)
            if trimmed is not None:
                self.done.add(edit)
                if not trimmed.elements:
                    return cst.RemoveFromParent()
                updated_node = updated_node.with_changes(iter=trimmed)
        return updated_node

    # -- definitions -----------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(node.name.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(node.name.value)

    def _leave_definition(self, updated_node: cst.FunctionDef | cst.ClassDef) -> cst.FunctionDef | cst.ClassDef | cst.RemovalSentinel:
        edit = self.definitions.get(".".join(self.scopes))
        self.scopes.pop()
        if edit is None:
            return updated_node
        self.done.add(edit)
        return cst.RemoveFromParent()

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef | cst.FunctionDef | cst.RemovalSentinel:
        return self._leave_definition(updated_node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef | cst.ClassDef | cst.RemovalSentinel:
        return self._leave_definition(updated_node)


@dataclass
class TraceEdit:
    """One file's new text, what went (counted by noun), and the edits that found nothing to change."""

    text: str
    counts: dict[str, int]
    not_done: list[Edit]


def apply_edits(source: str, edits: Sequence[Edit]) -> TraceEdit:
    """`source` with every edit it can take; a file libcst cannot parse takes none."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return TraceEdit(source, {}, list(edits))
    editor = _TraceEditor(edits)
    changed = MetadataWrapper(module, unsafe_skip_copy=True).visit(editor)
    counts: dict[str, int] = {}
    for edit in editor.done:
        counts[edit.noun] = counts.get(edit.noun, 0) + 1
    return TraceEdit(changed.code, counts, [edit for edit in edits if edit not in editor.done])


@dataclass(frozen=True)
class Remaining:
    """A trace of the flag that `remove` did not take away: for the user, with its place."""

    path: str  # relative to the project root
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"

"""The call graph, built only as far as the kill-switch rule (FK010) needs.

Nodes are functions `(module, qualname)` and the top-level code of each module
`(module, None)`. Edges are calls: names resolved through the file's imports and through
packages that re-export them (`pkg.func` imported by pkg from `pkg.impl`), module attributes
(`import pkg.mod; pkg.mod.func()`, `from pkg import mod; mod.func()`), functions of the same
module; `self.method()`/`cls.method()` to the method of the class or, depth first in the order
written, of its bases (resolved through imports: MRO-ish), `super().method()` to the bases'; a
class's (maybe inherited) `__init__` for a call of the class, `Class(...).method()` likewise;
and, for a method called on a receiver whose type is unknown (`session.router.tick()`), every
project method of that name, or when more than `MAX_NAMESAKES` define it (a generic name such
as `get`), those in the caller's module and the modules it imports. Importing a module runs its
top level, so an import is an edge between top levels too. Each edge carries the flag guards
around the call.

It cannot see calls through variables holding functions, `getattr`, callbacks registered with
a framework, or a generic method of a receiver whose class the caller does not import.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator

import msgspec

from flagkeeper.analysis.facts import FileFacts
from flagkeeper.project.imports import KeyGuard, module_prefixes
from flagkeeper.project.model import Project

Node = tuple[str, "str | None"]
MAX_NAMESAKES = 8
_MAX_REEXPORTS = 5  # `pkg.x` -> `pkg.sub.x` -> ...: a chain longer than this is a cycle


def node_name(node: Node) -> str:
    module, qualname = node
    return module if qualname is None else f"{module}.{qualname}"


class _Resolver:
    def __init__(self, files: list[FileFacts]):
        self.exact: dict[str, Node] = {}
        self.methods: dict[str, list[Node]] = defaultdict(list)
        self.modules = {facts.module: facts for facts in files}
        self.classes: dict[str, tuple[str, tuple[str, ...]]] = {}  # class -> its module, its bases as written
        self._imported: dict[str, frozenset[str]] = {}
        for facts in files:
            for function in facts.functions:
                node = (facts.module, function.qualname)
                self.exact[node_name(node)] = node
                if "." in function.qualname:
                    self.methods[function.qualname.rsplit(".", 1)[-1]].append(node)
            for cls, bases in facts.bases.items():
                self.classes[f"{facts.module}.{cls}"] = (facts.module, bases)

    def targets(self, callee: str, facts: FileFacts, caller: str | None) -> list[Node]:
        head, _, rest = callee.partition(".")
        if head in ("self", "cls", "super()") and caller and "." in caller and rest and "." not in rest:
            own_class = f"{facts.module}.{caller.rsplit('.', 1)[0]}"
            found = self._in_bases(own_class, rest) if head == "super()" else self._in_hierarchy(own_class, rest)
            if found:
                return [found]
        for name in (callee, f"{facts.module}.{callee}", self._reexported(callee)):
            if name in self.exact:
                return [self.exact[name]]
            if name in self.classes:  # constructing a class runs its (maybe inherited) __init__
                constructor = self._in_hierarchy(name, "__init__")
                return [constructor] if constructor else []
        constructed = self._method_of_new_instance(callee, facts)
        if constructed is not None:
            return [constructed]
        method = callee.rsplit(".", 1)[-1]
        namesakes = self.methods.get(method, []) if "." in callee else []
        if len(namesakes) <= MAX_NAMESAKES:
            return namesakes
        # A generic name (`get`, `run`): the receiver's class is most likely of a module the caller imports.
        imported = self._imported_by(facts)
        return [node for node in namesakes if node[0] in imported]

    def _imported_by(self, facts: FileFacts) -> frozenset[str]:
        """The modules `facts` imports (and their packages), and its own."""
        if facts.module not in self._imported:
            found = {prefix for target, _, _, _ in facts.imports for prefix in module_prefixes(target)}
            self._imported[facts.module] = frozenset({*found, facts.module})
        return self._imported[facts.module]

    def _reexported(self, dotted: str) -> str:
        """`pkg.func` -> `pkg.impl.func` when package pkg imports func from pkg.impl (a re-export);
        followed a few steps, the name itself when nothing is re-exported."""
        for _ in range(_MAX_REEXPORTS):
            parts = dotted.split(".")
            split = next((split for split in range(len(parts) - 1, 0, -1) if ".".join(parts[:split]) in self.modules), 0)
            target = self.modules[".".join(parts[:split])].aliases.get(parts[split]) if split else None
            if target is None:
                break
            dotted = ".".join([target, *parts[split + 1 :]])
        return dotted

    def _class(self, name: str, module: str) -> str | None:
        """The class a base or constructor name written in `module` means, when the project has it."""
        return next((found for found in (name, f"{module}.{name}", self._reexported(name)) if found in self.classes), None)

    def _in_hierarchy(self, cls: str, method: str, seen: frozenset[str] = frozenset()) -> Node | None:
        """`method` of class `cls` or, depth first in the order written, of its bases (MRO-ish)."""
        return self.exact.get(f"{cls}.{method}") or self._in_bases(cls, method, seen | {cls})

    def _in_bases(self, cls: str, method: str, seen: frozenset[str] = frozenset()) -> Node | None:
        module, bases = self.classes.get(cls, ("", ()))
        for base in bases:
            found = self._class(base, module)
            if found and found not in seen:
                node = self._in_hierarchy(found, method, seen | {cls})
                if node:
                    return node
        return None

    def _method_of_new_instance(self, callee: str, facts: FileFacts) -> Node | None:
        """`Router(...).route()`: the method of the class just constructed (or of its bases)."""
        name, separator, method = callee.rpartition("().")
        if not separator or "(" in name or "(" in method or "." in method:
            return None
        cls = self._class(name, facts.module)
        return self._in_hierarchy(cls, method) if cls else None


def _caller_node(facts: FileFacts, caller: str | None, functions: set[str]) -> Node:
    """The innermost enclosing function (class bodies run with their module)."""
    while caller and caller not in functions:
        caller = caller.rsplit(".", 1)[0] if "." in caller else None
    return facts.module, caller


class Call(msgspec.Struct, frozen=True):
    """A call from one node to another (or an import, between top levels), with its flag guards."""

    target: Node
    line: int
    guards: frozenset[KeyGuard]


class CallGraph:
    """Named queries over the calls between the project's functions (a breadth-first search is all
    FK010 asks of it, so it is kept as plain adjacency: node -> target -> the call)."""

    def __init__(self, project: Project):
        self._calls: dict[Node, dict[Node, Call]] = {}
        resolver = _Resolver(project.files)
        for facts in project.files:
            self._calls[facts.module, None] = {}
            self._calls.update(((facts.module, function.qualname), {}) for function in facts.functions)
        for facts in project.files:
            functions = {function.qualname for function in facts.functions}
            for callee, line, caller, guards in facts.calls:
                source = _caller_node(facts, caller, functions)
                for target in resolver.targets(callee, facts, caller):
                    if target != source:  # a later call of the same target replaces the earlier one
                        self._calls[source][target] = Call(target, line, project.key_guards(facts.module, guards))
        for edge in project.import_graph.edges():
            self._calls[edge.source, None][edge.target, None] = Call((edge.target, None), edge.line, edge.guards)
        self._by_name = {node_name(node): node for node in self._calls}
        self._entries = list(self._entry_nodes(project))

    def _entry_nodes(self, project: Project) -> Iterator[Node]:
        """The top level of each entry module (`python -m` runs it), and each `module:function` that a
        console script or the config names."""
        for module in project.entry_points:
            yield (module, None)
        for target in project.entry_targets:
            module, _, function = target.partition(":")
            if function and (module, function.strip()) in self._calls:
                yield (module, function.strip())

    @property
    def entries(self) -> list[Node]:
        return self._entries

    def find(self, name: str) -> Node | None:
        """The node of a dotted name (`pkg.mod.Class.method`, or a module for its top level)."""
        return self._by_name.get(name)

    @functools.cache  # noqa: B019 (one graph per run, queried once per critical function)
    def reached(self) -> frozenset[Node]:
        """Every node some call path from an entry reaches, guards or not."""
        seen = set(self._entries)
        pending = list(seen)
        while pending:
            fresh = [target for target in self._calls[pending.pop()] if target not in seen]
            seen.update(fresh)
            pending += fresh
        return frozenset(seen)

    def calls_from(self, node: Node) -> list[Call]:
        return list(self._calls[node].values())

    @property
    def nodes(self) -> list[Node]:
        return list(self._calls)

    @staticmethod
    def enclosing(facts: FileFacts, qualname: str | None) -> Node:
        """The node of the code at `qualname` of a file: its innermost enclosing function."""
        return _caller_node(facts, qualname, {function.qualname for function in facts.functions})

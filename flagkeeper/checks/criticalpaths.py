"""Call paths from the entry points through a point of the code to a `critical` function, on the
call graph: what FK013 (an alarm that cannot stop the path) and FK019 (a flag read that fails
silently on it) call "on a critical path"."""

from __future__ import annotations

from collections import deque

from flagkeeper.checks.diagnostic import Related
from flagkeeper.project.callgraph import CallGraph, Node, node_name
from flagkeeper.project.model import Project


class CriticalPaths:
    """The project's `critical` functions found in the call graph, and the ways to them."""

    def __init__(self, project: Project, graph: CallGraph):
        self.project = project
        self.graph = graph
        self.critical = {node: name for name in project.config.critical if (node := graph.find(name)) is not None}
        self._callers: dict[Node, list[Node]] = {}
        for node in graph.nodes:
            for call in graph.calls_from(node):
                self._callers.setdefault(call.target, []).append(node)
        self._toward = self._next_steps()
        self._parents = self._shortest_tree()

    def after(self, node: Node, line: int) -> list[Node] | None:
        """entry -> ... -> `node` -> ... -> a critical function, leaving `node` by a call after `line`
        (its whole body when `node` is critical); None when `node` goes on to no critical call. The
        path starts at `node` when no entry reaches it (a framework callback, a view)."""
        if node in self.critical:
            rest = [node]
        else:
            later = sorted(
                (call.line, node_name(call.target), call.target)
                for call in self.graph.calls_from(node)
                if call.line > line and call.target in self._toward
            )
            if not later:
                return None
            rest = [node, later[0][2]]
            while rest[-1] not in self.critical:
                rest.append(self._toward[rest[-1]])
        return [*self._before(node), *rest]

    def through_caller(self, node: Node, line: int) -> tuple[Node, list[Node]] | None:
        """The function that goes on to a critical call and its path (`after`): `node` itself, or
        else a caller that goes on after calling `node` (a helper that reads a flag for the
        function that decides)."""
        if (path := self.after(node, line)) is not None:
            return node, path
        for caller in sorted(self._callers.get(node, ()), key=node_name):
            call_line = next(call.line for call in self.graph.calls_from(caller) if call.target == node)
            if (path := self.after(caller, call_line)) is not None:
                return caller, path
        return None

    def related(self, target: Node) -> Related:
        """Where the critical function at the end of a path is defined."""
        module, qualname = target
        facts = self.project.modules[module]
        line = next(function.line for function in facts.functions if function.qualname == qualname)
        return Related(self.project.config.root / facts.path, line, 1, f"critical function {self.critical[target]}")

    def _before(self, node: Node) -> list[Node]:
        before: list[Node] = []
        step = self._parents.get(node)
        while step is not None:
            before.append(step)
            step = self._parents[step]
        return before[::-1]

    def _shortest_tree(self) -> dict[Node, Node | None]:
        """Every node reached from an entry, with the node before it on a shortest path (BFS)."""
        parents: dict[Node, Node | None] = dict.fromkeys(self.graph.entries)
        queue = deque(self.graph.entries)
        while queue:
            node = queue.popleft()
            for call in self.graph.calls_from(node):
                if call.target not in parents:
                    parents[call.target] = node
                    queue.append(call.target)
        return parents

    def _next_steps(self) -> dict[Node, Node]:
        """Every node that can reach a critical function, with its next step on a shortest way there
        (a critical function maps to itself)."""
        toward = {node: node for node in self.critical}
        queue = deque(self.critical)
        while queue:
            node = queue.popleft()
            for caller in self._callers.get(node, ()):
                if caller not in toward:
                    toward[caller] = node
                    queue.append(caller)
        return toward

"""FK010 missing-kill-switch: a critical function reachable without passing a kill-switch check."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import ERROR, WARNING, Diagnostic, Related, a_chain, a_few
from flagkeeper.project.callgraph import MAX_NAMESAKES, CallGraph, Node, node_name
from flagkeeper.project.imports import ModuleStatus
from flagkeeper.project.model import Project

_REGISTRY = '[flags.halt_trading]\nowner = "trading-ops"\ntype = "kill-switch"\n'
_SEND = "def send_child_order(order):\n    pass\n"


_HALTED = 'import ldclient\n\ndef halted():\n    return ldclient.get().variation("halt_trading", None, False)\n'


def _orders(app: str, more: dict[str, str] | None = None, registry: str | None = _REGISTRY) -> dict[str, str]:
    """A project whose entry point is app.py and whose critical function is orders.send_child_order."""
    config = 'entry-points = ["app"]\ncritical = ["orders.send_child_order"]\n'
    flags = {"flags.toml": registry} if registry is not None else {}
    return {"flagkeeper.toml": config, **flags, "orders.py": _SEND, "app.py": app, **(more or {})}


# More classes with a `send` method than the call graph follows by name alone.
_NAMESAKES = {f"venue{number}.py": "class Venue:\n    def send(self):\n        pass\n" for number in range(MAX_NAMESAKES + 1)}

_IMPORTED = (ModuleStatus.ENTRY_POINT, ModuleStatus.REACHABLE, ModuleStatus.ZOMBIE)


class MissingKillSwitchRule(Rule):
    code = "FK010"
    name = "missing-kill-switch"
    severity = ERROR
    summary = "A `critical` function reachable from an entry point without passing a kill-switch check."
    why = (
        "Knight Capital had no kill switch: for 45 minutes nobody could stop one server sending "
        "child orders. Every path from an entry point to a function listed under `critical` must "
        "pass a check of a `kill-switch` flag: a call inside such a flag's branch, or a function "
        "that reads one (it covers everything it calls). The call graph follows calls resolved "
        "through imports and re-exports, `self.`/`cls.`/`super().` methods through the class's "
        "bases, class construction, and methods of receivers of unknown type by name (for a name "
        f"defined in over {MAX_NAMESAKES} places, those of the modules the caller imports): it may "
        "find a path that cannot happen, and cannot see calls through variables, `getattr` or "
        "framework callbacks. "
        "It never passes silently: a critical function in a module the entry points import, that "
        "no call path it resolves reaches, is reported as a warning (its kill switch cannot be "
        "verified); one in a module nothing imports is FK006's."
    )
    fix = "Check a kill-switch flag on the path, e.g. `if flags.enabled(HALT): return` before sending."
    needs = frozenset({Need.REGISTRY, Need.REFERENCES, Need.IMPORT_GRAPH, Need.ENTRY_POINTS, Need.CALL_GRAPH})
    whole_program = True
    INVALID = (
        Case(
            _orders("import orders\n\ndef main():\n    orders.send_child_order(1)\n\nmain()\n", {"admin.py": _HALTED}),
            expect=(
                "orders.py:1:1: FK010 critical function orders.send_child_order is reachable from entry point app without a "
                "kill-switch check: app -> app.main -> orders.send_child_order; kill-switch flags are read only in admin.halted",
            ),
        ),
        # a path through a method, and no kill-switch flag at all
        Case(
            _orders("import orders\n\nclass Router:\n    def route(self):\n        orders.send_child_order(1)\n\nRouter().route()\n", registry=None),
            expect=(
                "orders.py:1:1: FK010 critical function orders.send_child_order is reachable from entry point app without a "
                "kill-switch check: app -> app.Router.route -> orders.send_child_order; no kill-switch flag is read anywhere",
            ),
        ),
        # the module is imported, but no call path the graph resolves reaches the function
        Case(
            _orders("import orders\n\nhandlers = {'send': orders.send_child_order}\nhandlers['send'](1)\n"),
            expect=(
                "orders.py:1:1: FK010 critical function orders.send_child_order is in a module the entry points import "
                "(app -> orders), but no call path that flagkeeper resolves reaches it, so no kill switch on its paths can "
                "be verified: calls through variables, `getattr`, framework callbacks, and methods whose name is defined in "
                f"more than {MAX_NAMESAKES} places called on a receiver whose class the caller does not import, are not followed",
            ),
        ),
        # self.send() is the method of a base's base in another module, though `send` is defined in many places
        Case(
            _orders(
                "from mid import Mid\n\nclass Child(Mid):\n    def run(self):\n        self.send()\n\nChild().run()\n",
                {
                    "mid.py": "from base import Sender\n\nclass Mid(Sender):\n    pass\n",
                    "base.py": "import orders\n\nclass Sender:\n    def send(self):\n        orders.send_child_order(1)\n",
                    **_NAMESAKES,
                },
                registry=None,
            ),
            expect=(
                "orders.py:1:1: FK010 critical function orders.send_child_order is reachable from entry point app without a "
                "kill-switch check: app -> app.Child.run -> base.Sender.send -> orders.send_child_order; no kill-switch flag "
                "is read anywhere",
            ),
        ),
        # a generic method name on a receiver of unknown type: the candidates of the modules the caller imports
        Case(
            _orders(
                "import routers\n\ndef main(router):\n    router.send()\n\nmain(routers.Direct())\n",
                {"routers.py": "import orders\n\nclass Direct:\n    def send(self):\n        orders.send_child_order(1)\n", **_NAMESAKES},
                registry=None,
            ),
            expect=(
                "orders.py:1:1: FK010 critical function orders.send_child_order is reachable from entry point app without a "
                "kill-switch check: app -> app.main -> routers.Direct.send -> orders.send_child_order; no kill-switch flag "
                "is read anywhere",
            ),
        ),
        # a function a package re-exports, called through the package
        Case(
            _orders(
                "import pkg\n\npkg.send_now()\n",
                {
                    "pkg/__init__.py": "from pkg.impl import send_now\n",
                    "pkg/impl.py": "from orders import send_child_order\n\ndef send_now():\n    send_child_order(2)\n",
                },
                registry=None,
            ),
            expect=(
                "orders.py:1:1: FK010 critical function orders.send_child_order is reachable from entry point app without a "
                "kill-switch check: app -> pkg.impl.send_now -> orders.send_child_order; no kill-switch flag is read anywhere",
            ),
        ),
    )  # fmt: skip
    VALID = (
        Case(_orders(
            "import ldclient\nimport orders\n\ndef main():\n"
            '    if not ldclient.get().variation("halt_trading", None, False):\n        orders.send_child_order(1)\n\nmain()\n'
        )),
        # a function that reads the kill switch covers everything it calls
        Case(_orders(
            "import ldclient\nimport orders\n\ndef main():\n"
            '    if ldclient.get().variation("halt_trading", None, False):\n        return\n    orders.send_child_order(1)\n\nmain()\n'
        )),
        # super().method() and an inherited __init__ resolved through the class hierarchy: the base checks the switch
        Case(_orders(
            "from base import Sender\n\nclass Child(Sender):\n    def send(self):\n        super().send()\n\nChild().send()\n",
            {"base.py": "import ldclient\nimport orders\n\nclass Sender:\n    def send(self):\n"
             '        if not ldclient.get().variation("halt_trading", None, False):\n            orders.send_child_order(1)\n'},
        )),
        # a critical function in a module no entry point imports (FK006 reports the module)
        Case(_orders("print('nothing sends orders')\n")),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        if not project.config.critical:
            return
        graph = project.call_graph
        kill_switches = project.lifecycle.kill_switches
        checking = {
            (reference.module, reference.read.function) for reference in project.references if reference.key in kill_switches
        }  # fmt: skip
        for critical in project.config.critical:
            target = graph.find(critical)
            if target is None:  # the configuration is checked up front; a past revision may lack the function
                continue
            module, qualname = target
            facts = project.modules[module]
            line = next(function.line for function in facts.functions if function.qualname == qualname)
            path = _unchecked_path(graph, target, checking, kill_switches)
            if path is None:
                if target not in graph.reached() and project.module_status.get(module) in _IMPORTED:
                    yield self._unverifiable(project, critical, module, line)
                continue
            where = sorted(node_name(node) for node in checking if node[1] is not None)
            checked = f"kill-switch flags are read only in {a_few(where)}" if where else "no kill-switch flag is read anywhere"
            message = (
                f"critical function {critical} is reachable from entry point {node_name(path[0])} without a "
                f"kill-switch check: {a_chain([node_name(node) for node in path])}; {checked}"
            )
            yield self.report(project.config.root / facts.path, line, 1, message, flow=_call_flow(project, graph, path))

    def _unverifiable(self, project: Project, critical: str, module: str, line: int) -> Diagnostic:
        message = (
            f"critical function {critical} is in a module the entry points import ({a_chain(project.path_to(module))}), "
            "but no call path that flagkeeper resolves reaches it, so no kill switch on its paths can be verified: calls "
            "through variables, `getattr`, framework callbacks, and methods whose name is defined in more than "
            f"{MAX_NAMESAKES} places called on a receiver whose class the caller does not import, are not followed"
        )
        return self.report(project.config.root / project.modules[module].path, line, 1, message, severity=WARNING)


def _call_flow(project: Project, graph: CallGraph, path: list[Node]) -> tuple[Related, ...]:
    """Each call of `path` at its place in the caller's file, for the finding's flow."""
    steps = []
    for caller, callee in zip(path, path[1:], strict=False):
        call = next(call for call in graph.calls_from(caller) if call.target == callee)
        steps.append(Related(project.config.root / project.modules[caller[0]].path, call.line, 1, f"{node_name(caller)} calls {node_name(callee)}"))
    return tuple(steps)


def _unchecked_path(graph: CallGraph, target: Node, checking: set[Node], kill_switches: frozenset[str]) -> list[Node] | None:
    """A shortest call path from an entry to `target` that passes no kill-switch check (BFS)."""
    parent: dict[Node, Node] = {}
    seen = set(graph.entries)
    queue = deque(graph.entries)
    while queue:
        node = queue.popleft()
        if node == target:
            path = [node]
            while path[-1] in parent:
                path.append(parent[path[-1]])
            return path[::-1]
        if node in checking:
            continue  # a function that reads a kill switch covers everything it calls
        for call in graph.calls_from(node):
            if call.target not in seen and not any(guard.key in kill_switches for guard in call.guards):
                seen.add(call.target)
                parent[call.target] = node
                queue.append(call.target)
    return None

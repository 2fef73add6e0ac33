"""FK019 silent-flag-fallback: a flag evaluation that fails and falls back to the code's default
without a signal: a details read whose error is never checked on a critical path, or a wrapper
around a flag client whose `except` clause returns a fallback and says nothing."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.analysis.facts import FileFacts, Handler
from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.criticalpaths import CriticalPaths
from flagkeeper.checks.diagnostic import WARNING, Diagnostic, a_chain
from flagkeeper.project.callgraph import CallGraph, node_name
from flagkeeper.project.model import Project, Reference

_CONFIG = 'entry-points = ["app"]\ncritical = ["orders.send_child_order"]\n'
_REGISTRY = '[flags.rlp_routing]\nowner = "equities-routing"\ntype = "release"\nexpires = 2026-12-31\n'
_SEND = "def send_child_order(order):\n    pass\n"


def _routing(read: str, helpers: str = "") -> dict[str, str]:
    """A project whose entry point app.py routes an order: `read` (lines of `route`, an OpenFeature
    read among them) decides, then the order is sent (orders.send_child_order is critical)."""
    body = "".join(f"    {line}\n" for line in read.splitlines())
    app = (
        "from openfeature import api\nimport orders\n\nclient = api.get_client()\n\n\n"
        f"def route(order):\n{body}    orders.send_child_order(order)\n\n\n{helpers}route(1)\n"
    )
    return {"flagkeeper.toml": _CONFIG, "flags.toml": _REGISTRY, "orders.py": _SEND, "app.py": app}


def _wrapper(handler: str, tried: str = 'return ldclient.get().variation(key, None, default)') -> dict[str, str]:
    """A project with flags.py, a wrapper around the LaunchDarkly client whose failure `handler` handles."""
    body = "".join(f"        {line}\n" for line in handler.splitlines())
    flags = (
        "import logging\n\nimport ldclient\n\nlog = logging.getLogger(__name__)\n\n\n"
        f"def flag_on(key, default=False):\n    try:\n        {tried}\n    except Exception:\n{body}"
    )
    return {"flags.py": flags}


_UNCHECKED = (
    "app.py:8:{column}: FK019 flag 'rlp_routing' is read with client.get_boolean_details in {reader} and its error code and "
    "reason are never checked: a failed evaluation (flag not found, provider not ready) gives the default (False) as if "
    "it were served, and app.route goes on to critical function orders.send_child_order "
    "(app -> app.route -> orders.send_child_order): check `error_code` or `reason` and decide what a failure means "
    "on this path: stop it, or fall back on purpose and count it"
)
_SILENT = (
    "flags.py:11:5: FK019 `except Exception` in flags.flag_on catches a failed read of a flag with key `key` "
    "(ldclient.get().variation, line 10) and falls back without a signal (`{fallback}`): no log, no metric, no raise, "
    "so every caller gets the fallback as if the flag service had served it: log or count the failure, and let it "
    "raise where a caller must stop"
)


class SilentFlagFallbackRule(Rule):
    code = "FK019"
    name = "silent-flag-fallback"
    severity = WARNING
    summary = "A flag evaluation that fails and falls back to the code's default without a signal."
    why = (
        "A flag SDK that cannot evaluate a flag (flag not found, provider not ready) returns the "
        "default the code passed, and nobody knows what the program is serving. Two shapes hide "
        "that. A details read (OpenFeature's `get_boolean_details` and siblings, LaunchDarkly's "
        "`variation_detail`) whose `error_code` and `reason` are never looked at, only `.value`, "
        "on a path to a `critical` function (the read's function, or a caller it returns to, "
        "goes on to a critical call). And a wrapper around a flag client whose `except` clause "
        "around the read calls and raises nothing (`return default`, `pass`): reported on any "
        "path, because a wrapper is called from everywhere (a kill switch read through it then "
        "silently never trips) and its key is a parameter, so the call graph cannot tell which "
        "flags pass through it. Not reported: details passed on, returned or stored (they may be "
        "checked there); a clause that logs, counts or raises (FK013 judges whether that stops a path)."
    )
    measured = (
        "The same runs as FK013's (its page has the command and the `critical` lists), and "
        "`--select FK019` without `critical` on wagtail and saleor. *Silent clauses* are `except` "
        "clauses that call and raise nothing; *around a read*, clauses whose `try` holds a flag read "
        "(both counted over the whole repository, tests included).\n\n"
        "| code base | Python flag reads | details reads unchecked | silent clauses | around a read | findings |\n"
        "|---|---|---|---|---|---|\n"
        "| kitsune (django-waffle) | 11 | 0 | 122 | 0 | 0 |\n"
        "| flagsmith (api, OpenFeature) | 16 | 0 | 58 | 0 | 0 |\n"
        "| redash | 2 | 0 | 97 | 0 | 0 |\n"
        "| wagtail | 1 | 0 | 186 | 0 | 0 |\n"
        "| saleor (environment variables) | 5 | 0 | 114 | 3 (none silent: they write and exit) | 0 |\n"
        "| flagkeeper | 0 | 0 | 30 | 0 | 0 |\n\n"
        "Nothing to judge: none of these applications reads flags through a details API (flagsmith "
        "reads `get_boolean_value`), and none wraps a flag read in a `try` (kitsune's flags are "
        "read mostly in templates; its 11 Python reads are bare `waffle.switch_is_active`). The "
        "rule is quiet where flags are read plainly. A public code search (`variation(flag_key, "
        "context, default)`, `.get_boolean_details(`) found five wrappers with a `try` around the "
        "read: four log before they fall back (not reported), one returns `False` from `except "
        "Exception` without a word (reported, rightly: its `reason == \"ERROR\"` check also "
        "returns `False` silently). Precision "
        "on a code base with real findings is not measured yet."
    )
    fix = (
        "Check the details' `error_code` (or `reason`) and decide what a failure means on this path; in a wrapper, "
        "log or count the failure before falling back, and let it raise where a caller must stop."
    )
    # Entry points start the paths when there are any; without them a path starts at the read's function.
    needs = frozenset({Need.REGISTRY, Need.REFERENCES, Need.IMPORT_GRAPH, Need.CALL_GRAPH})
    whole_program = True
    INVALID = (
        Case(_routing('if client.get_boolean_details("rlp_routing", False).value:\n    pass'), expect=(_UNCHECKED.format(column=8, reader="app.route"),)),
        # the details assigned and only their value read, in a helper the deciding function calls
        Case(
            _routing(
                "rlp = rlp_on()",
                helpers='def rlp_on():\n    details = client.get_boolean_details("rlp_routing", False)\n    return details.value\n\n\n',
            ),
            expect=(_UNCHECKED.format(column=15, reader="app.rlp_on").replace(":8:", ":13:"),),
        ),
        Case(_wrapper("return default"), expect=(_SILENT.format(fallback="return default"),)),
        Case(_wrapper("pass"), expect=(_SILENT.format(fallback="pass"),)),
    )  # fmt: skip
    VALID = (
        Case(_routing('details = client.get_boolean_details("rlp_routing", False)\nif details.error_code:\n    return\nrlp = details.value')),
        # the details passed on: checked, or not, elsewhere
        Case(_routing('rlp = decide(client.get_boolean_details("rlp_routing", False))')),
        # unchecked, but no critical function follows the read
        Case(
            {
                **_routing('rlp = client.get_boolean_details("rlp_routing", False).value', helpers="def audit(order):\n    pass\n\n\n"),
                "flagkeeper.toml": _CONFIG.replace("orders.send_child_order", "app.audit"),
            }
        ),
        # a wrapper that logs, or raises, before it falls back: a signal
        Case(_wrapper("log.warning('flag %s not evaluated', key)\nreturn default")),
        Case(_wrapper("raise")),
        # a silent fallback around something that is no flag read
        Case(_wrapper("return default", tried="return CACHE[key]")),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        reads: dict[str, list[Reference]] = {}
        for reference in project.references:
            reads.setdefault(reference.module, []).append(reference)
        # The call graph only for a project with critical functions and a details read to judge.
        judged = project.config.critical and any(facts.unchecked_details for facts in project.files)
        graph = project.call_graph if judged else None
        paths = CriticalPaths(project, graph) if graph is not None else None
        for facts in project.files:
            own = reads.get(facts.module, [])
            if graph is not None and paths is not None and facts.unchecked_details:
                yield from self._unchecked_details(facts, own, graph, paths)
            for handler in facts.handlers:
                if not handler.fallback:
                    continue
                caught = [ref for ref in own if ref.read.function == handler.function and handler.tried[0] <= ref.read.line <= handler.tried[1]]
                if caught:
                    yield self._silent(project, facts, handler, caught[0])

    def _unchecked_details(self, facts: FileFacts, reads: list[Reference], graph: CallGraph, paths: CriticalPaths) -> Iterator[Diagnostic]:
        unchecked = set(facts.unchecked_details)
        for reference in reads:
            read = reference.read
            if (read.line, read.column) not in unchecked:
                continue
            node = graph.enclosing(facts, read.function)
            found = paths.through_caller(node, read.line)
            if found is None:
                continue
            goes_on, path = found
            message = (
                f"{_flag(reference)} is read with {read.call} in {node_name(node)} and its error code and reason are never "
                f"checked: a failed evaluation (flag not found, provider not ready) gives {_default(read.default)} as if "
                f"it were served, and {node_name(goes_on)} goes on to critical function {paths.critical[path[-1]]} "
                f"({a_chain([node_name(step) for step in path])}): check `error_code` or `reason` and decide what a failure "
                "means on this path: stop it, or fall back on purpose and count it"
            )
            yield self.report(reference.path, read.line, read.column, message, key=reference.key, related=(paths.related(path[-1]),))

    def _silent(self, project: Project, facts: FileFacts, handler: Handler, reference: Reference) -> Diagnostic:
        caught = f"except {handler.caught}" if handler.caught else "except"
        where = f"{facts.module}.{handler.function}" if handler.function else facts.module
        read = reference.read
        message = (
            f"`{caught}` in {where} catches a failed read of {_flag(reference)} ({read.call}, line {read.line}) and falls "
            f"back without a signal (`{handler.fallback}`): no log, no metric, no raise, so every caller gets the fallback "
            "as if the flag service had served it: log or count the failure, and let it raise where a caller must stop"
        )
        return self.report(project.config.root / facts.path, handler.line, handler.column, message, key=reference.key)


def _flag(reference: Reference) -> str:
    return f"flag '{reference.key}'" if reference.key is not None else f"a flag with key `{reference.read.key_code}`"


def _default(code: str | None) -> str:
    return f"the default ({code})" if code is not None else "the SDK's default"

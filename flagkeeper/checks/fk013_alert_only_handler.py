"""FK013 alert-only-handler: an `except` clause on a critical path that only alerts and carries on."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator

from flagkeeper.analysis.facts import FileFacts, Handler
from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.criticalpaths import CriticalPaths
from flagkeeper.checks.diagnostic import WARNING, Diagnostic, a_chain, a_few
from flagkeeper.project.callgraph import CallGraph, Node, node_name
from flagkeeper.project.model import Project

# Matched against the callee (imports resolved, `self.logger.error`), ignoring case; `alert-calls`
# and `halt-calls` in the config add to these.
DEFAULT_ALERT_CALLS = (
    "print", "logging.*", "warnings.warn", "traceback.print_exc",
    "*log*.debug", "*log*.info", "*log*.warning", "*log*.warn", "*log*.error", "*log*.exception",
    "*log*.critical", "*log*.fatal", "*log*.log",
    "smtplib.*", "*.sendmail", "*.send_message", "*mail*",
    "sentry_sdk.capture_*", "*.capture_exception", "*.capture_message",
    "slack_sdk.*", "*slack*.*", "*.chat_postmessage", "pdpyras.*", "*pagerduty*", "*statsd*.incr*",
)  # fmt: skip
DEFAULT_HALT_CALLS = ("sys.exit", "os._exit", "os.abort", "exit", "quit")

_CONFIG = 'entry-points = ["app"]\ncritical = ["orders.send_child_order"]\n'
_SEND = "def send_child_order(order):\n    pass\n"
_REGISTRY = '[flags.halt_trading]\nowner = "trading-ops"\ntype = "kill-switch"\n'


_EXCEPT = "    try:\n        check(order)\n    except ValueError:\n"
_IF_NOT_OK = "    ok = check(order)\n    if not ok:\n"  # an error branch


def _app(handler: str, more: dict[str, str] | None = None, imports: str = "", catch: str = _EXCEPT) -> dict[str, str]:
    """A project whose entry point app.py checks an order, handles the failure with `handler` (in
    an `except` clause, or the branch `catch` opens), then sends the order (orders.send_child_order
    is critical)."""
    body = "".join(f"        {line}\n" for line in handler.splitlines())
    app = (
        f"{imports}import logging\nimport orders\n\nlog = logging.getLogger(__name__)\n\n\n"
        f"def route(order):\n{catch}{body}    orders.send_child_order(order)\n\n\ndef check(order):\n    pass\n\n\nroute(1)\n"
    )
    return {"flagkeeper.toml": _CONFIG, "flags.toml": _REGISTRY, "orders.py": _SEND, "app.py": app, **(more or {})}


_FIRES = (
    "app.py:10:5: FK013 `{what}` in app.route only alerts ({calls}) and carries on to critical "
    "function orders.send_child_order (app -> app.route -> orders.send_child_order): a handler on this path "
    "must stop it (raise, return) or trip a kill switch; an alert, a page included, does not stop it"
)
_NOTIFY = "import logging\nimport smtplib\n\ndef notify_ops(text):\n    logging.error(text)\n    smtplib.SMTP('mail').sendmail('smars', 'ops', text)\n"
_TRIP = 'import ldclient\n\ndef trip_kill_switch():\n    ldclient.get().variation("halt_trading", None, True)\n'
_OPS_ALERTS = {"flagkeeper.toml": _CONFIG + 'alert-calls = ["ops.*"]\nhalt-calls = ["ops.halt"]\n'}


class AlertOnlyHandlerRule(Rule):
    code = "FK013"
    name = "alert-only-handler"
    severity = WARNING
    summary = "An `except` clause or error branch on a path to a `critical` function that only logs, prints or mails, and carries on."
    why = (
        'Before the open on 1 August 2012 SMARS sent 97 "Power Peg disabled" e-mails to a list; '
        "nobody read them as alarms, and the order path went on. A handler (an `except` clause, or an "
        "error branch: an `if` right after `ok = call(...)` testing `not ok`, `not result.ok`, "
        "`result.error`, `err is not None` and the like) on the way to a `critical` "
        "function (or inside one) whose body only calls alert sinks (logging, `warnings.warn`, print, "
        "mail, Sentry, Slack, PagerDuty; `alert-calls` adds more) and then reaches the critical call "
        "(on a later line of its function) is an alarm that cannot stop anything. Not reported: a "
        "handler that raises, returns, breaks or continues, calls a halt function (`sys.exit`, "
        "`halt-calls`), reads or sets a kill-switch flag or calls a function that does, or calls a "
        "function that raises (a nested `fail()`). The path is FK010's call graph, with its limits; "
        "a function no entry point reaches (a view, a task) starts its own path."
    )
    measured = (
        "`flagkeeper check --select FK013` with a `critical` list chosen by hand for each code base "
        "(tests and migrations excluded). `except` clauses counted by the "
        "per-file analysis; *alert-only* means the body only calls alert sinks and nothing stops.\n\n"
        "| code base | `critical` | clauses | alert-only | findings | judged |\n"
        "|---|---|---|---|---|---|\n"
        "| saleor | checkout completion, `create_fulfillments`, payment `process_payment`/`capture`/`refund` | 628 | 45 | 0 | - |\n"
        "| saleor | 40 functions: all public ones of `saleor.order.actions`, the payment gateway's actions | 628 | 45 | 1 | 0 of 1 right |\n"
        "| wagtail | publishing a revision, deleting and moving a page | 435 | 6 | 0 | - |\n"
        "| flagsmith (api) | rebuilding and writing the environment document, webhooks, SSE updates | 211 | 17 | 0 | - |\n"
        "| redash | `enqueue_query`, `QueryExecutor.run` | 307 | 45 | 0 | - |\n"
        "| flagkeeper | `paths.write_text_atomically`, `registry.edit.edit_registry` | 92 | 0 | 0 | - |\n\n"
        "The one finding (saleor's `transaction_release_funds_for_checkout_task`) logs a failed "
        "cancellation and goes on to refund the *next* transaction of a batch: the later critical call "
        "is for another item, and going on is intended, so it is a false positive. The handlers that "
        "were close and rightly not reported catch the failure of the critical call itself (saleor's "
        "checkout task and Stripe webhook: the call is inside the `try`, nothing follows), or record "
        "the error in an `if` to raise it later (redash's `QueryExecutor.run`). The rule is quiet on "
        "these code bases: its reach is the call graph's, which does not follow Celery's `.delay()` "
        "(in flagsmith only 7 functions reach a critical one) nor take framework callbacks as entry "
        "points, and its test is strict (a body of alert calls only, one level of wrappers).\n\n"
        "**Error branches** (`if not ok:` after `ok = call()`), measured again with them, tests, "
        "migrations and `playwright_tests` excluded:\n\n"
        "```\nflagkeeper check PATH --isolated --select FK013,FK019 -j 1 --today 2026-12-01 \\\n"
        "  --extend-exclude 'tests,test_*.py,*_tests.py,tests.py,migrations,conftest.py,playwright_tests' \\\n"
        "  --config 'critical = [...]'\n```\n\n"
        "| code base | `critical` | clauses (alert-only) | error branches (alert-only) | findings |\n"
        "|---|---|---|---|---|\n"
        "| kitsune | `users.utils.deactivate_user`, `anonymize_user`, `delete_user_pipeline`, "
        "`sumo.email_utils.send_messages`, `search.es_utils.index_objects_bulk` | 256 (13) | 0 | 0 |\n"
        "| flagsmith (api) | as above (six functions) | 210 (17) | 1 (0) | 0 |\n"
        "| redash | as above | 304 (45) | 36 (0) | 0 |\n"
        "| saleor, wagtail | (branches counted only) | - | 12 (0), 0 | - |\n"
        "| flagkeeper | as above | 102 (0) | 0 | 0 |\n\n"
        "Every branch looked at is an error branch (saleor's 12: `error = check_for_duplicates(...)` "
        "then `if error:` raise or record it; redash's 36: 31 `if error is not None:` after "
        "`data, error = self.run_query(...)`, `if not resp.ok: return`), and none only alerts: "
        "these code bases raise, return or hand the error to a function that raises. A first "
        "version took `if not name:` for any name; kitsune's 37 such tests (`not ids`, `not created`, "
        "`not index`) ask whether something is there, not whether a call failed, so a bare name "
        "must now say success (`ok`, `sent`, `success`). Before `playwright_tests` was excluded, "
        "kitsune gave one finding, a false positive: a test helper that prints, reaching "
        "`send_messages` through a method called `execute` that the call graph resolves by name."
    )
    fix = "Stop the path in the handler (raise or return) or trip the kill switch: an alert, a page included, lets it carry on."
    # Entry points start the paths when there are any; without them a path starts at the handler's
    # function, so the rule is not one that a project without entry points skips.
    needs = frozenset({Need.REGISTRY, Need.REFERENCES, Need.IMPORT_GRAPH, Need.CALL_GRAPH})
    whole_program = True
    INVALID = (
        Case(_app("log.error('order check failed')"), expect=(_FIRES.format(what="except ValueError", calls="log.error"),)),
        # a print, a message assembled first, and a function of the project that only logs and mails
        Case(
            _app("text = 'check failed'\nprint(text)\nnotify_ops(text)", {"ops.py": _NOTIFY}, imports="from ops import notify_ops\n"),
            expect=(_FIRES.format(what="except ValueError", calls="print, ops.notify_ops").replace(":10:5:", ":11:5:"),),
        ),
        # an error branch: a result just assigned from a call, tested for failure, only logged
        Case(
            _app("log.error('order check failed')", catch=_IF_NOT_OK),
            expect=(_FIRES.format(what="if not ok", calls="log.error").replace(":10:5:", ":9:5:"),),
        ),
        Case(
            _app("log.warning('check failed: %s', err)", catch="    value, err = check(order)\n    if err is not None:\n"),
            expect=(_FIRES.format(what="if err is not None", calls="log.warning").replace(":10:5:", ":9:5:"),),
        ),
    )  # fmt: skip
    VALID = (
        Case(_app("log.error('order check failed')\nraise")),
        Case(_app("log.error('order check failed')\nreturn")),
        # a re-raise inside a nested function called from the handler
        Case(_app("def fail():\n    log.error('order check failed')\n    raise RuntimeError('stop')\nfail()")),
        # trips the kill switch: a function that reads or sets a kill-switch flag stops the path
        Case(_app("ops.mail('check failed')\nops.trip_kill_switch()", {"ops.py": _TRIP, **_OPS_ALERTS}, imports="import ops\n")),
        # a configured halt function
        Case(_app("ops.mail('check failed')\nops.halt()", _OPS_ALERTS, imports="import ops\n")),
        Case(_app("log.error('order check failed')\nsys.exit(1)", imports="import sys\n")),
        # error branches that stop: log-and-return, raise, the kill switch
        Case(_app("log.error('order check failed')\nreturn", catch=_IF_NOT_OK)),
        Case(_app("raise RuntimeError('order check failed')", catch=_IF_NOT_OK)),
        Case(_app("ops.mail('check failed')\nops.trip_kill_switch()", {"ops.py": _TRIP, **_OPS_ALERTS}, imports="import ops\n", catch=_IF_NOT_OK)),
        # an `if not` on a result assigned two statements before: not recognised as an error branch
        Case(_app("log.info('no order')", catch="    ok = bool(order)\n    log.info('routing')\n    if not ok:\n")),
        # the same handler on a path that reaches no critical function
        Case({**_app("log.error('order check failed')"), "flagkeeper.toml": _CONFIG.replace("orders.send_child_order", "app.check")}),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        if not project.config.critical:
            return
        graph = project.call_graph
        paths = CriticalPaths(project, graph)
        calls = _Calls(project, graph)
        for facts in project.files:
            for handler in facts.handlers:
                if handler.stops or not handler.plain or not calls.only_alert(facts, handler):
                    continue
                node = graph.enclosing(facts, handler.function)
                path = paths.after(node, handler.last)
                if path is not None:
                    yield self._finding(project, facts, handler, node, path, paths)

    def _finding(self, project: Project, facts: FileFacts, handler: Handler, node: Node, path: list[Node], paths: CriticalPaths) -> Diagnostic:
        if handler.test:
            what = f"if {handler.test}"
        else:
            what = f"except {handler.caught}" if handler.caught else "except"
        target = path[-1]
        message = (
            f"`{what}` in {node_name(node)} only alerts ({a_few(list(dict.fromkeys(handler.calls)))}) "
            f"and carries on to critical function {paths.critical[target]} ({a_chain([node_name(node) for node in path])}): "
            "a handler on this path must stop it (raise, return) or trip a kill switch; an alert, a page included, does not stop it"
        )
        return self.report(project.config.root / facts.path, handler.line, handler.column, message, related=(paths.related(target),))


class _Calls:
    """What a handler's calls do: alert (an alert-calls pattern, or a project function whose own
    calls all alert: a `notify_ops()` wrapper, one level deep), or stop (a halt-calls pattern, a
    project function that raises or reads a kill-switch flag, or a kill-switch read in the handler)."""

    def __init__(self, project: Project, graph: CallGraph):
        self.graph = graph
        self.alerts = DEFAULT_ALERT_CALLS + project.config.alert_calls
        self.halts = DEFAULT_HALT_CALLS + project.config.halt_calls
        kill_switches = project.lifecycle.kill_switches
        self.tripping = {(ref.module, ref.read.line) for ref in project.references if ref.key in kill_switches}
        self.stopping = {(ref.module, ref.read.function) for ref in project.references if ref.key in kill_switches}
        self.stopping |= {(facts.module, qualname) for facts in project.files for qualname in facts.raisers}
        self.own_calls: dict[Node, list[str]] = {}
        for facts in project.files:
            for callee, _, caller, _ in facts.calls:
                self.own_calls.setdefault((facts.module, caller), []).append(callee)

    def only_alert(self, facts: FileFacts, handler: Handler) -> bool:
        if not handler.calls or any((facts.module, line) in self.tripping for line in range(handler.line, handler.last + 1)):
            return False
        targets = [self._resolve(facts, handler, callee) for callee in handler.calls]
        if any(_matches(callee, self.halts) or target in self.stopping for callee, target in zip(handler.calls, targets, strict=True)):
            return False
        return all(_matches(callee, self.alerts) or self._wrapper(target) for callee, target in zip(handler.calls, targets, strict=True))

    def _wrapper(self, node: Node | None) -> bool:
        own = self.own_calls.get(node, []) if node is not None else []
        return bool(own) and all(_matches(callee, self.alerts) for callee in own)

    def _resolve(self, facts: FileFacts, handler: Handler, callee: str) -> Node | None:
        """The project function a handler's call names: the callee as resolved, a function of the
        module, one nested in the handler's function, or `self.method` of its class."""
        scope = handler.function or ""
        names = [callee, f"{facts.module}.{callee}", f"{facts.module}.{scope}.{callee}"]
        head, _, rest = callee.partition(".")
        if head in ("self", "cls") and "." in scope:
            names.append(f"{facts.module}.{scope.rsplit('.', 1)[0]}.{rest}")
        return next((node for name in names if (node := self.graph.find(name)) is not None), None)


def _matches(callee: str, patterns: Iterable[str]) -> bool:
    name = callee.lower()
    return any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in patterns)

"""The `except` clauses the per-file analysis records for FK013: span, calls, and whether they stop."""

from __future__ import annotations

from flagkeeper.analysis.facts import Handler
from tests.analysis.test_analyse import facts_of

SOURCE = """\
import logging
from smars.ops import mailer

log = logging.getLogger(__name__)


class Router:
    def route(self, order):
        def fail():
            raise RuntimeError("stop")

        try:
            check(order)
        except (KeyError, ValueError) as exc:
            message = "check failed"
            log.error(message)
            mailer.send(message)
        try:
            check(order)
        except Exception:
            logging.warning("check failed")
            fail()
        for line in order:
            try:
                check(line)
            except OSError:
                if line.optional:
                    continue
        try:
            check(order)
        except:
            self.notify(build_message(order))
            cleanup()


def stop():
    log.critical("halting")
    raise SystemExit(1)
"""


def test_each_clause_is_recorded_with_its_calls_and_whether_it_stops() -> None:
    facts = facts_of(SOURCE)
    assert facts.handlers == (
        Handler("Router.route", 14, 9, 17, "(KeyError, ValueError)", ("log.error", "smars.ops.mailer.send"), plain=True, stops=False),
        Handler("Router.route", 20, 9, 22, "Exception", ("logging.warning", "fail"), plain=True, stops=True),
        Handler("Router.route", 26, 13, 28, "OSError", (), plain=False, stops=True),
        Handler("Router.route", 31, 9, 33, "", ("self.notify", "cleanup"), plain=True, stops=False),
    )
    assert facts.raisers == ("Router.route.fail", "stop")


def test_a_raise_in_a_nested_function_defined_in_the_handler_stops_it() -> None:
    source = "try:\n    go()\nexcept ValueError:\n    def fail():\n        raise\n    print('no')\n    fail()\n"
    (handler,) = facts_of(source).handlers
    assert handler.stops and not handler.plain and handler.function is None


def test_a_raise_inside_a_lambda_or_nested_def_of_the_body_is_not_the_handler_stopping() -> None:
    source = "try:\n    go()\nexcept ValueError:\n    def later():\n        raise\n    print('no')\n"
    (handler,) = facts_of(source).handlers
    assert not handler.stops and handler.calls == ("print",)

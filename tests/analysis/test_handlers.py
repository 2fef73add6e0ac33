"""The `except` clauses and error branches the per-file analysis records for FK013 and FK019:
span, calls, whether they stop, and whether a clause falls back silently."""

from __future__ import annotations

import pytest

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
        Handler("Router.route", 14, 9, 17, "(KeyError, ValueError)", ("log.error", "smars.ops.mailer.send"), plain=True, stops=False, tried=(13, 13)),
        Handler("Router.route", 20, 9, 22, "Exception", ("logging.warning", "fail"), plain=True, stops=True, tried=(19, 19)),
        Handler("Router.route", 26, 13, 28, "OSError", (), plain=False, stops=True, tried=(25, 25)),
        Handler("Router.route", 31, 9, 33, "", ("self.notify", "cleanup"), plain=True, stops=False, tried=(30, 30)),
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


BRANCHES = """\
async def route(order):
    ok = check(order)
    if not ok:
        log.error("check failed")
    result = await client.send(order)
    if result.error:
        mailer.send("send failed")
    else:
        archive(result)
    value, err = fetch(order)
    if err is not None:
        return
    status: Status = lookup(order)
    if not status.success:
        pass
    sent = mailer.send(order)
    if not sent:
        log.error("not sent")
"""


def test_an_error_branch_tests_a_name_just_assigned_from_a_call_for_failure() -> None:
    assert facts_of(BRANCHES).handlers == (
        Handler("route", 3, 5, 4, "", ("log.error",), plain=True, stops=False, test="not ok"),
        Handler("route", 6, 5, 9, "", ("mailer.send",), plain=True, stops=False, test="result.error"),  # to the end of its else
        Handler("route", 11, 5, 12, "", (), plain=False, stops=True, test="err is not None"),
        Handler("route", 14, 5, 15, "", (), plain=True, stops=False, test="not status.success"),
        Handler("route", 17, 5, 18, "", ("log.error",), plain=True, stops=False, test="not sent"),
    )


@pytest.mark.parametrize(
    "source",
    [
        "ok = True\nif not ok:\n    log.error('x')\n",  # not assigned from a call
        "ok = check()\nlog.info('checked')\nif not ok:\n    log.error('x')\n",  # not just before
        "user = get_user()\nif not user.is_admin:\n    log.error('x')\n",  # not a failure attribute
        "result = send()\nif result.ok:\n    log.error('x')\n",  # success, not failure
        "value = fetch()\nif value is not None:\n    log.info('x')\n",  # a name that does not say error
        "value = fetch()\nif value:\n    log.info('x')\n",
        "user = find_user()\nif not user:\n    log.info('x')\n",  # something absent, not a failed call
        "obj, created = get_or_create()\nif not created:\n    log.info('x')\n",
        "err = fetch()\nif other:\n    log.info('x')\n",  # another name
    ],
)
def test_other_ifs_are_not_error_branches(source: str) -> None:
    assert facts_of(source).handlers == ()


def test_a_clause_that_calls_and_raises_nothing_is_a_silent_fallback() -> None:
    source = (
        "def on(key, default):\n    try:\n        return client.variation(key, ctx, default)\n"
        "    except Exception:\n        return default\n"
        "    try:\n        go()\n    except KeyError:\n        pass\n"
        "    try:\n        go()\n    except KeyError:\n        return log(default)\n"
        "    try:\n        go()\n    except KeyError:\n        raise\n"
    )
    assert [(h.tried, h.fallback) for h in facts_of(source).handlers] == [((3, 3), "return default"), ((7, 7), "pass"), ((11, 11), ""), ((15, 15), "")]

"""The send path: every child order SMARS sends leaves through send_child_order().

The slicer, the RLP router, the Knight Match ping and Power Peg all call it. It stamps the
order, hands it to the venue link and returns the execution report; it does not decide
whether an order should go. That is the caller's business (see smars.risk).
"""

from smars.orders.state import OrderState
from smars.venues import VENUES

SIDES = ("B", "S", "SS")


class BadChildOrder(ValueError):
    pass


def send_child_order(child, link, now):
    """Send `child` to its venue over `link` at session time `now`.

    `link` is anything with submit(child, now) -> ExecReport: the venue gateway, or the
    simulated exchange. Returns that report.
    """
    if child.venue not in VENUES:
        raise BadChildOrder(f"{child.child_id}: unknown venue {child.venue!r}")
    if child.side not in SIDES or child.quantity <= 0:
        raise BadChildOrder(f"{child.child_id}: {child.side} {child.quantity}")
    child.sent_at = now
    child.state = OrderState.NEW
    return link.submit(child, now)

"""Routes eligible retail parent orders to the NYSE RLP.

The order goes to RLP (venue NYRL) as one IOC child for all of its leaves, priced one RPI
increment better than the best quote. Whatever RLP does not fill is handed back to the
router's slicer, so the customer is never left waiting on RLP.

Switched on per server by peg_enabled. The key was free: Power Peg, which it used to switch
on, was retired in 2003 and has been off everywhere since (SMR-8127 review notes).
"""

from smars.config import settings
from smars.flags import client as flags
from smars.flags.names import PEG_ENABLED
from smars.orders.child import IOC, RLP, ChildOrder
from smars.risk import checks
from smars.rlp import eligibility
from smars.routing.child_orders import send_child_order

RLP_VENUE = "NYRL"


class RlpRouter:
    def __init__(self, router) -> None:
        self.router = router
        self.sent = 0
        self.filled_shares = 0
        self.passed_on = 0

    def accept(self, parent, now: int) -> bool:
        """Take `parent` for the RLP. False means the caller routes it as usual."""
        if flags.enabled(PEG_ENABLED) and eligibility.is_eligible(parent, now):
            return self._route(parent, now)
        return False

    def _route(self, parent, now: int) -> bool:
        router = self.router
        quote = router.quotes.quote(parent.symbol, now)
        if checks.check_parent(parent, quote, router.limits) is not None:
            return False          # let the slicer reject it with the usual message
        improvement = settings.RLP_PRICE_IMPROVEMENT
        if parent.is_buy:
            px = quote.ask_px4 - improvement
            if parent.limit_px4 is not None:
                px = min(px, parent.limit_px4)
        else:
            px = quote.bid_px4 + improvement
            if parent.limit_px4 is not None:
                px = max(px, parent.limit_px4)
        child = ChildOrder(router.ids.next(), parent.order_id, parent.symbol, parent.side,
                           parent.leaves_qty, px, RLP_VENUE, IOC, RLP)
        if checks.check_child(child, parent, router.limits) is not None:
            return False
        report = send_child_order(child, router.link, now)
        self.sent += 1
        parent.child_count += 1
        router.book_report(parent, report)
        self.filled_shares += report.filled_qty
        if report.rejected:
            router.book.reject(parent, f"RLP: {report.reason}")
            return True
        if router.cum.check(parent):
            self.passed_on += 1
            router.work_on_slicer(parent, now + settings.STANDARD_SLICE_INTERVAL)
        return True

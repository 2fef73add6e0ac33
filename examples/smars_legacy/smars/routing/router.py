"""The router: takes parent orders and works them with child orders.

    retail parent order  --RLP build, peg_enabled on, eligible-->  RLP, remainder to the slicer
                         --pre-RLP build, peg_enabled on-------->  Power Peg (legacy branch)
                         --otherwise------------------------->  the slicer
    other parent order   ----------------------------------->  the slicer

The slicer (route_standard / _work_standard) is the path with the checks: risk limits
before the first child, the cumulative-quantity check before every slice, venue selection,
the Knight Match ping for institutional orders.
"""

from smars.algos import power_peg
from smars.config import build, settings, symbols
from smars.flags import client as flags
from smars.flags import names
from smars.orders.child import DARK, IOC, ChildOrder
from smars.orders.cumulative import CumulativeTracker
from smars.risk import checks
from smars.rlp.rlp_router import RlpRouter
from smars.routing import odd_lots, slicing, venues
from smars.routing.child_orders import send_child_order
from smars.util.clock import MARKET_OPEN

DARK_VENUE = "KMTC"


class Router:
    def __init__(self, session) -> None:
        self.server = session.server
        self.link = session.link
        self.quotes = session.quotes
        self.book = session.book
        self.limits = session.limits
        self.ids = session.child_ids
        self.mailer = session.mailer
        self.cum = CumulativeTracker()
        self._working = []          # parents on the slicer
        self._next_work = {}        # parent id -> session second of its next slice
        self._pegs = []             # PowerPeg, on builds without the RLP component
        self._peg_cursor = 0
        self._rlp = RlpRouter(self) if build.has_component(build.RLP) else None
        self.rejects = 0

    @property
    def rlp_installed(self) -> bool:
        return self._rlp is not None

    @property
    def pegs_active(self) -> int:
        return len(self._pegs)

    # --- intake -------------------------------------------------------------------------

    def route(self, parent, now: int) -> None:
        """Start working a parent order that the session has booked."""
        if parent.retail:
            self._route_retail(parent, now)
        else:
            self.route_standard(parent, now)

    def _route_retail(self, parent, now: int) -> None:
        if self._rlp is not None:
            # SMR-8127: RLP replaces Power Peg on builds that carry it.
            if self._rlp.accept(parent, now):
                return
        elif flags.enabled(names.PEG_ENABLED):
            # Builds without the RLP component: Power Peg. Kept until every server runs
            # 2012.07.27 (then delete this branch, SMR-8140).
            peg = power_peg.PowerPeg(parent, self.link, self.quotes, self.ids, self.mailer)
            peg.start(now)
            self._pegs.append(peg)
            return
        self.route_standard(parent, now)

    def route_standard(self, parent, now: int) -> None:
        """The slicer: risk-check the parent, then slice it from the next second on."""
        quote = self.quotes.quote(parent.symbol, now)
        problem = checks.check_parent(parent, quote, self.limits)
        if problem is not None:
            self.book.reject(parent, problem)
            return
        self.work_on_slicer(parent, now)

    def work_on_slicer(self, parent, when: int) -> None:
        self._working.append(parent)
        self._next_work[parent.order_id] = max(when, MARKET_OPEN)

    # --- the clock ----------------------------------------------------------------------

    def tick(self, now: int) -> None:
        """Called once a second by the session."""
        if self._working:
            self._tick_slicer(now)
        if self._pegs:
            self._tick_pegs(now)

    def _tick_slicer(self, now: int) -> None:
        still_working = []
        for parent in self._working:
            if self._next_work[parent.order_id] > now:
                still_working.append(parent)
            elif self._work_standard(parent, now):
                still_working.append(parent)
            else:
                del self._next_work[parent.order_id]
        self._working = still_working

    def _tick_pegs(self, now: int) -> None:
        # Power Peg services its pegs round robin, at most PEG_BURST_CAP a second.
        pegs = self._pegs
        count = len(pegs)
        start = self._peg_cursor % count
        sent = 0
        for i in range(count):
            sent += pegs[(start + i) % count].work(now)
            if sent >= settings.PEG_BURST_CAP:
                self._peg_cursor = start + i + 1
                break
        if any(not peg.active for peg in pegs):
            self._pegs = [peg for peg in pegs if peg.active]

    # --- the slicer -----------------------------------------------------------------------

    def _work_standard(self, parent, now: int) -> bool:
        """Send the next slice of `parent`. False once it needs no more work."""
        if not self.cum.check(parent):                 # SMR-2291: the cumulative check
            return False
        quote = self.quotes.quote(parent.symbol, now)
        if not slicing.marketable(parent, quote):
            self._next_work[parent.order_id] = now + settings.PASSIVE_RECHECK_INTERVAL
            return True
        if not parent.retail and "dark" not in parent.tags:
            if flags.enabled(names.DARK_POOL_IOC):
                parent.tags["dark"] = now
                self._ping_dark(parent, quote, now)
                if not self.cum.check(parent):
                    return False
        security = symbols.lookup(parent.symbol)
        qty = slicing.next_slice_qty(parent, self.cum.leaves(parent), quote)
        if odd_lots.is_odd_lot(qty):
            venue = odd_lots.odd_lot_venue(security)
        else:
            venue = venues.select_lit(security, parent)
        if venue is None:
            self.book.reject(parent, "no venue switched on")
            return False
        px = venues.limit_price(parent, quote, venue, security)
        child = ChildOrder(self.ids.next(), parent.order_id, parent.symbol, parent.side,
                           qty, px, venue.code)
        problem = checks.check_child(child, parent, self.limits)
        if problem is not None:
            self.book.reject(parent, problem)
            return False
        report = send_child_order(child, self.link, now)
        parent.child_count += 1
        self.book_report(parent, report)
        if report.rejected:
            self.book.reject(parent, report.reason)
            return False
        self._next_work[parent.order_id] = now + settings.STANDARD_SLICE_INTERVAL
        return not parent.state.terminal

    def _ping_dark(self, parent, quote, now: int) -> None:
        """One IOC to Knight Match at the midpoint before going to lit venues."""
        child = ChildOrder(self.ids.next(), parent.order_id, parent.symbol, parent.side,
                           min(self.cum.leaves(parent), settings.MAX_CHILD_SHARES),
                           quote.mid_px4, DARK_VENUE, IOC, DARK)
        if checks.check_child(child, parent, self.limits) is not None:
            return
        report = send_child_order(child, self.link, now)
        parent.child_count += 1
        self.book_report(parent, report)

    def book_report(self, parent, report) -> None:
        """Record an execution report's fills against the parent's cumulative quantity."""
        for fill in report.fills:
            self.cum.record_fill(parent, fill.qty, fill.px4)
        if report.rejected:
            self.rejects += 1

    # --- housekeeping -------------------------------------------------------------------

    def cancel_all(self, reason: str) -> int:
        """Cancel every parent the router is working (admin console `halt`)."""
        canceled = self.book.cancel_all(reason)
        self._working = []
        self._next_work.clear()
        return canceled

    def describe(self) -> str:
        rlp = "RLP installed" if self._rlp is not None else "no RLP component"
        return f"{rlp}; {len(self._working)} on the slicer, {len(self._pegs)} pegged"

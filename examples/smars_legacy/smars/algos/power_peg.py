"""Power Peg.

Works a parent order by pegging a child order to the far side of the quote and re-pegging it
every second until the parent order is filled. Written for the retail desk's larger orders.

History
    2002-09  SMR-0412  written (retail desk)
    2003-06  SMR-1187  discontinued: the retail desk moved to the slicer. Left in place behind
                       peg_enabled (switched off everywhere) in case the desk wanted it back.
    2005-04  SMR-2291  cumqty consolidation: cumulative quantity moved to
                       smars.orders.cumulative and is now updated and checked by the router on
                       the slicing path (Router._work_standard), before it slices. The
                       per-algorithm counters were removed; see PowerPeg._on_report.
                       Power Peg was switched off, so it was not re-tested.
    2006-11  SMR-3310  ISLD -> INET in _PEG_VENUES (Island adapter retired)
"""

from smars.config import settings
from smars.orders.child import IOC, PEG, ChildOrder
from smars.routing.child_orders import send_child_order
from smars.util.clock import MARKET_OPEN, fmt_hms

# Where Power Peg sends, by listing. Power Peg predates venue selection.
_PEG_VENUES = {"N": "NYSE", "A": "NYSE", "P": "ARCA", "Q": "INET"}

_LISTING = {}    # symbol -> listing code, filled lazily from the security master


def _listing(symbol: str) -> str:
    if symbol not in _LISTING:
        from smars.config.symbols import lookup
        _LISTING[symbol] = lookup(symbol).listing
    return _LISTING[symbol]


class CumQtyMissing(RuntimeError):
    """Power Peg found no cumulative-quantity hook: nothing counts its fills."""


class PowerPeg:
    """One pegged parent order.

    start() once, then work() every second. work() sends a child order for the parent's
    leaves at the far touch (buy at the offer, sell at the bid) and returns how many child
    orders it sent.
    """

    def __init__(self, parent, link, quotes, ids, mailer, interval=settings.PEG_INTERVAL):
        self.parent = parent
        self.link = link
        self.quotes = quotes
        self.ids = ids
        self.mailer = mailer
        self.interval = interval
        self.venue = _PEG_VENUES.get(_listing(parent.symbol), "NYSE")
        self.active = False
        self.next_peg = 0
        self.children_sent = 0
        self.disabled_reason = ""
        # Shares this peg knows are done. Until SMR-2291 the cumqty hook kept it current;
        # leaves below are computed from it.
        self._done_qty = 0
        self._cumqty_hook = None    # removed by SMR-2291; nothing re-registers it
        self._last_fill_at = None

    def start(self, now: int) -> None:
        """Start pegging: the first child goes out now, or at the open (BNET takes no pegs before it)."""
        try:
            self._check_cumqty()
        except CumQtyMissing as exc:
            # SMR-1187: tell the ops list, as for any BNET reject. It is an e-mail to a
            # distribution list, not an alert: the peg carries on.
            self.mailer.send(
                "BNET reject: SMARS Power Peg disabled",
                f"{fmt_hms(now)} {self.parent.order_id} {self.parent.symbol}: {exc}",
                now,
            )
        self.active = True
        self.next_peg = max(now, MARKET_OPEN)
        self.work(now)

    def _check_cumqty(self) -> None:
        """Before SMR-2291 the peg registered here with its own cumulative-quantity counter."""
        if self._cumqty_hook is None:
            raise CumQtyMissing("no cumulative-quantity hook for pegged orders since SMR-2291")

    def work(self, now: int) -> int:
        if not self.active or now < self.next_peg:
            return 0
        self.next_peg = now + self.interval
        leaves = self.parent.quantity - self._done_qty
        if leaves <= 0:
            self.active = False
            return 0
        quote = self.quotes.quote(self.parent.symbol, now)
        px = quote.ask_px4 if self.parent.side == "B" else quote.bid_px4
        child = ChildOrder(self.ids.next(), self.parent.order_id, self.parent.symbol,
                           self.parent.side, leaves, px, self.venue, IOC, PEG)
        report = send_child_order(child, self.link, now)
        self.children_sent += 1
        self.parent.child_count += 1
        self._on_report(report, now)
        return 1

    def _on_report(self, report, now: int) -> None:
        if report.rejected:
            self._disable(now, f"Power Peg disabled: {report.reason}")
            return
        if report.fills:
            self._last_fill_at = now
        # cumqty: moved to smars.orders.cumulative (SMR-2291). The router updates it for
        # the orders it slices.

    def _disable(self, now: int, reason: str) -> None:
        self.active = False
        self.disabled_reason = reason
        self.mailer.send(
            f"BNET reject: SMARS {reason}",
            f"{fmt_hms(now)} {self.parent.order_id} {self.parent.side} "
            f"{self.parent.quantity} {self.parent.symbol}: {reason}",
            now,
        )

    def __repr__(self) -> str:
        state = "active" if self.active else "off"
        return f"<PowerPeg {self.parent.order_id} {self.venue} {state} sent={self.children_sent}>"

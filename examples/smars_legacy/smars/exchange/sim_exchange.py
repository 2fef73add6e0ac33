"""The simulated venues.

`SimExchange.submit(child, now)` plays every venue SMARS routes to. A marketable child order
takes liquidity up to a random displayed size at the touch; a non-marketable one is
cancelled back (everything here is IOC). The NYSE RLP venue fills against hidden retail
price-improvement interest some of the time. Every fill is also sent to the drop copy, the
way the real venues' drop-copy sessions fed the back office whatever the router thought.
"""

from smars.orders.state import OrderState
from smars.util.clock import MARKET_CLOSE, MARKET_OPEN

ACK = "ACK"
FILLED = "FILLED"
PARTIAL = "PARTIAL"
CANCELED = "CANCELED"       # IOC remainder
REJECTED = "REJECTED"

RLP_VENUE = "NYRL"
RLP_FILL_RATE = 0.6


class Fill:
    __slots__ = ("qty", "px4", "venue")

    def __init__(self, qty: int, px4: int, venue: str) -> None:
        self.qty = qty
        self.px4 = px4
        self.venue = venue


class ExecReport:
    """What comes back for one child order: its fills and how it ended."""

    __slots__ = ("child", "status", "fills", "reason")

    def __init__(self, child, status: str, fills=(), reason: str = "") -> None:
        self.child = child
        self.status = status
        self.fills = fills
        self.reason = reason

    @property
    def filled_qty(self) -> int:
        return sum(f.qty for f in self.fills)

    @property
    def rejected(self) -> bool:
        return self.status == REJECTED


class SimExchange:
    def __init__(self, quotes, rng, drop_copy=None, open_at: int = MARKET_OPEN) -> None:
        self.quotes = quotes
        self._rng = rng
        self._drop_copy = drop_copy
        self.open_at = open_at
        self.orders_received = 0
        self.executions = 0
        self.shares = 0
        self.by_venue = {}

    def submit(self, child, now: int) -> ExecReport:
        self.orders_received += 1
        self.by_venue[child.venue] = self.by_venue.get(child.venue, 0) + 1
        if not self.open_at <= now < MARKET_CLOSE:
            return ExecReport(child, REJECTED, reason="market closed")
        if child.quantity <= 0:
            return ExecReport(child, REJECTED, reason="bad quantity")
        quote = self.quotes.quote(child.symbol, now)
        if child.venue == RLP_VENUE:
            fill = self._match_rlp(child, quote)
        else:
            fill = self._match_lit(child, quote)
        if fill is None:
            return ExecReport(child, CANCELED)
        self.executions += 1
        self.shares += fill.qty
        child.filled_qty += fill.qty
        if self._drop_copy is not None:
            self._drop_copy(child, fill)
        status = FILLED if child.filled_qty >= child.quantity else PARTIAL
        child.state = OrderState.FILLED if status == FILLED else OrderState.CANCELED
        return ExecReport(child, status, (fill,))

    def _match_lit(self, child, quote):
        buy = child.side == "B"
        touch = quote.ask_px4 if buy else quote.bid_px4
        limit = child.limit_px4
        if limit is not None and (limit < touch if buy else limit > touch):
            return None
        # displayed size at the touch, plus whatever refills before our IOC arrives
        available = quote.ask_size if buy else quote.bid_size
        available += 100 * int(self._rng.random() * 10)
        return Fill(min(child.quantity, available), touch, child.venue)

    def _match_rlp(self, child, quote):
        # RLP: retail orders trade against hidden Retail Price Improvement interest at
        # better than the NBBO, when there is any.
        if self._rng.random() >= RLP_FILL_RATE:
            return None
        px = child.limit_px4 if child.limit_px4 is not None else quote.mid_px4
        size = 100 * (1 + int(self._rng.random() * 40))
        return Fill(min(child.quantity, size), px, child.venue)

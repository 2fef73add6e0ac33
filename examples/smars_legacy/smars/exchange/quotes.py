"""Quote model: a random walk of the midpoint per symbol, advanced lazily on request."""

import math
from typing import NamedTuple

from smars.util.prices import PX4, round_to_tick, tick_size, to_px4

VOLATILITY_PER_SQRT_SECOND = 0.00025    # about 1.3% per 45 minutes


class Quote(NamedTuple):
    bid_px4: int
    ask_px4: int
    bid_size: int
    ask_size: int

    @property
    def mid_px4(self) -> int:
        return (self.bid_px4 + self.ask_px4) // 2


class QuoteBook:
    def __init__(self, rng, universe) -> None:
        self._rng = rng
        self._mid = {sec.symbol: float(sec.ref_price) for sec in universe}
        self._at = {}             # symbol -> session second of the last update
        self._cache = {}          # symbol -> Quote at that second

    def quote(self, symbol: str, now: int) -> Quote:
        if self._at.get(symbol) == now:
            return self._cache[symbol]
        last = self._at.get(symbol)
        mid = self._mid[symbol]
        if last is not None and now > last:
            step = VOLATILITY_PER_SQRT_SECOND * math.sqrt(min(now - last, 900))
            mid = max(0.05, mid * (1.0 + self._rng.gauss(0.0, step)))
            self._mid[symbol] = mid
        q = self._make(mid)
        self._at[symbol] = now
        self._cache[symbol] = q
        return q

    def _make(self, mid: float) -> Quote:
        mid_px4 = to_px4(mid)
        tick = tick_size(mid_px4)
        # one tick wide below $20, two above; wider for the very cheap names
        width = tick * (1 if mid < 20 else 2) if mid >= 1 else 5 * tick
        bid = round_to_tick(mid_px4 - width // 2, "B")
        ask = max(bid + tick, round_to_tick(mid_px4 + width // 2, "S"))
        size = 100 * (3 + int(self._rng.random() * 28))      # 300 to 3,000 shares
        return Quote(bid, ask, size, size)

    def mark(self, symbol: str) -> int:
        """Last midpoint in px4, for marking positions."""
        return int(self._mid[symbol] * PX4)

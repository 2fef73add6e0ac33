"""The firm's position, from the drop copy.

Every execution a venue reports is booked here against its parent order, whatever the router
thinks happened. Shares executed beyond a parent order's quantity belong to nobody but the
firm: that is the position this module reports. A router that works its orders correctly
leaves it at zero.
"""

from smars.util.prices import PX4


class PositionKeeper:
    def __init__(self, parents) -> None:
        self._parents = parents               # a ParentBook
        self._executed = {}                   # parent id -> shares executed
        self.by_symbol = {}                   # symbol -> [excess shares, excess px4 notional]
        self.executions = 0
        self.shares = 0

    def on_fill(self, child, fill) -> None:
        """Drop-copy callback: one execution of one child order."""
        self.executions += 1
        self.shares += fill.qty
        before = self._executed.get(child.parent_id, 0)
        after = before + fill.qty
        self._executed[child.parent_id] = after
        parent = self._parents.get(child.parent_id)
        if parent is None:
            return
        excess = max(0, after - parent.quantity) - max(0, before - parent.quantity)
        if excess:
            row = self.by_symbol.setdefault(child.symbol, [0, 0])
            signed = excess * parent.sign
            row[0] += signed
            row[1] += signed * fill.px4

    def executed(self, parent_id: str) -> int:
        return self._executed.get(parent_id, 0)

    def net_value(self) -> float:
        """Dollar value of the firm's unintended position, long minus short, at cost."""
        return sum(row[1] for row in self.by_symbol.values()) / PX4

    def long_value(self) -> float:
        return sum(row[1] for row in self.by_symbol.values() if row[1] > 0) / PX4

    def short_value(self) -> float:
        return -sum(row[1] for row in self.by_symbol.values() if row[1] < 0) / PX4

    def symbols(self) -> tuple:
        longs = sum(1 for row in self.by_symbol.values() if row[0] > 0)
        shorts = sum(1 for row in self.by_symbol.values() if row[0] < 0)
        return longs, shorts

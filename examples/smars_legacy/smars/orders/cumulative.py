"""Cumulative quantity: how much of a parent order is done, and whether to keep working it.

Moved here in 2005 (SMR-2291, "cumqty consolidation"). Before that every algorithm kept its
own cumulative count and checked it before re-sending; now the router records each fill
here and calls check() before it slices the next child order (Router._work_standard), so the
algorithms do not have to.

    tracker.record_fill(parent, qty, px4)      on every execution report for the parent
    tracker.check(parent)                      False once the parent is filled or dead
"""

from smars.orders.state import OrderState, move


class CumulativeTracker:
    def __init__(self) -> None:
        self.fills_recorded = 0
        self.parents_completed = 0

    def record_fill(self, parent, qty: int, px4: int) -> None:
        """Add an execution to the parent's cumulative quantity and move its state."""
        if qty <= 0:
            return
        self.fills_recorded += 1
        parent.cum_qty += qty
        parent.cum_notional_px4 += qty * px4
        if parent.state.terminal:
            return       # a late fill after a cancel: the drop copy books it
        if parent.cum_qty >= parent.quantity:
            move(parent, OrderState.FILLED)
            self.parents_completed += 1
        else:
            move(parent, OrderState.PARTIALLY_FILLED)

    def check(self, parent) -> bool:
        """True while the parent may take another child order."""
        if parent.state.terminal:
            return False
        if parent.cum_qty >= parent.quantity:
            # Filled but the state was not moved (a fill booked before SMR-2291 code
            # paths were merged). Close it here rather than overfill.
            move(parent, OrderState.FILLED)
            self.parents_completed += 1
            return False
        return True

    @staticmethod
    def leaves(parent) -> int:
        return max(0, parent.quantity - parent.cum_qty)

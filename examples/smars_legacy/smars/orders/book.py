"""The parent order book: every parent order the session has accepted, by id."""

from smars.orders.state import OrderState, move


class ParentBook:
    def __init__(self) -> None:
        self._orders = {}
        self.rejected = 0

    def add(self, parent) -> None:
        if parent.order_id in self._orders:
            raise ValueError(f"duplicate parent order id {parent.order_id}")
        self._orders[parent.order_id] = parent
        if parent.state is OrderState.PENDING_NEW:
            move(parent, OrderState.NEW)

    def get(self, order_id: str):
        return self._orders.get(order_id)

    def reject(self, parent, reason: str) -> None:
        parent.reject_reason = reason
        if not parent.state.terminal:
            move(parent, OrderState.REJECTED if parent.cum_qty == 0 else OrderState.CANCELED)
        self.rejected += 1

    def cancel_all(self, reason: str) -> int:
        """Cancel every working parent. Returns how many were canceled."""
        count = 0
        for parent in self._orders.values():
            if not parent.state.terminal:
                parent.reject_reason = reason
                move(parent, OrderState.CANCELED)
                count += 1
        return count

    def working(self):
        return [p for p in self._orders.values() if not p.state.terminal]

    def __len__(self) -> int:
        return len(self._orders)

    def __iter__(self):
        return iter(self._orders.values())

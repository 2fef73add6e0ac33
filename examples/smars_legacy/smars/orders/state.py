"""Order states and the transitions SMARS allows between them.

The names are the FIX OrdStatus values the order-management system expects back, minus the
ones SMARS never reports (Calculated, Accepted for bidding).
"""

from enum import Enum


class OrderState(str, Enum):
    PENDING_NEW = "A"
    NEW = "0"
    PARTIALLY_FILLED = "1"
    FILLED = "2"
    DONE_FOR_DAY = "3"
    CANCELED = "4"
    REJECTED = "8"
    EXPIRED = "C"

    @property
    def terminal(self) -> bool:
        return self in _TERMINAL


_TERMINAL = frozenset(
    {OrderState.FILLED, OrderState.CANCELED, OrderState.REJECTED, OrderState.EXPIRED,
     OrderState.DONE_FOR_DAY}
)

_ALLOWED = {
    OrderState.PENDING_NEW: {OrderState.NEW, OrderState.REJECTED, OrderState.PARTIALLY_FILLED,
                             OrderState.FILLED, OrderState.CANCELED, OrderState.EXPIRED},
    OrderState.NEW: {OrderState.PARTIALLY_FILLED, OrderState.FILLED, OrderState.CANCELED,
                     OrderState.REJECTED, OrderState.DONE_FOR_DAY, OrderState.EXPIRED},
    OrderState.PARTIALLY_FILLED: {OrderState.PARTIALLY_FILLED, OrderState.FILLED,
                                  OrderState.CANCELED, OrderState.DONE_FOR_DAY,
                                  OrderState.EXPIRED},
}


class IllegalTransition(Exception):
    pass


def can_move(old: OrderState, new: OrderState) -> bool:
    return new in _ALLOWED.get(old, ())


def move(order, new: OrderState) -> None:
    """Set order.state to `new`, or raise IllegalTransition.

    A terminal order stays terminal: late fills on a canceled order are booked by the
    drop copy (smars.risk.position), never by changing the order's state.
    """
    old = order.state
    if old is new and new is OrderState.PARTIALLY_FILLED:
        return
    if not can_move(old, new):
        raise IllegalTransition(f"{order.order_id}: {old.name} -> {new.name}")
    order.state = new

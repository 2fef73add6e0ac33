"""Parent orders: what a client (or the retail-broker link) asked SMARS to do."""

from dataclasses import dataclass, field

from smars.orders.state import OrderState

BUY = "B"
SELL = "S"
SELL_SHORT = "SS"

SIDE_SIGN = {BUY: 1, SELL: -1, SELL_SHORT: -1}


@dataclass(eq=False)
class ParentOrder:
    order_id: str
    symbol: str
    side: str
    quantity: int
    limit_px4: int | None          # None: market order
    account: str
    retail: bool
    received: int                  # session time, seconds since midnight
    state: OrderState = OrderState.PENDING_NEW
    cum_qty: int = 0               # maintained by smars.orders.cumulative
    cum_notional_px4: int = 0
    child_count: int = 0
    reject_reason: str = ""
    tags: dict = field(default_factory=dict)

    @property
    def leaves_qty(self) -> int:
        return max(0, self.quantity - self.cum_qty)

    @property
    def avg_px4(self) -> int:
        return self.cum_notional_px4 // self.cum_qty if self.cum_qty else 0

    @property
    def sign(self) -> int:
        return SIDE_SIGN[self.side]

    @property
    def is_buy(self) -> bool:
        return self.side == BUY

    @property
    def is_market(self) -> bool:
        return self.limit_px4 is None

    def __repr__(self) -> str:
        px = "MKT" if self.limit_px4 is None else self.limit_px4
        return (f"<Parent {self.order_id} {self.side} {self.quantity} {self.symbol} @{px} "
                f"{self.state.name} cum={self.cum_qty}>")

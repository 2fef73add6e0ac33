"""Child orders: what SMARS sends to a venue to work a parent order."""

from dataclasses import dataclass

from smars.orders.state import OrderState

IOC = "3"      # FIX TimeInForce values
DAY = "0"

# Who created the child order; shows in the drop copy and in ops mail.
STANDARD = "STD"
RLP = "RLP"
DARK = "DRK"
PEG = "PEG"


@dataclass(eq=False, slots=True)
class ChildOrder:
    child_id: str
    parent_id: str
    symbol: str
    side: str
    quantity: int
    limit_px4: int | None
    venue: str
    tif: str = IOC
    strategy: str = STANDARD
    sent_at: int = -1
    filled_qty: int = 0
    state: OrderState = OrderState.PENDING_NEW


class ChildIds:
    """Child order ids: server number, then a sequence. 'S08-000000123'."""

    def __init__(self, server: str):
        self._prefix = "S" + server[-2:] + "-"
        self._seq = 0

    def next(self) -> str:
        self._seq += 1
        return f"{self._prefix}{self._seq:09d}"

    @property
    def issued(self) -> int:
        return self._seq

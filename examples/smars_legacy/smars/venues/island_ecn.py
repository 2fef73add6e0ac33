"""Island ECN adapter (OUCH 1.0 over SoupTCP).

Enters, cancels and tracks SMARS child orders on Island. Island merged into Instinet's INET
in 2002 and the book moved to Nasdaq in 2005; this adapter carried INET traffic until the
FIX gateway cutover in November 2006 (SMR-3310), when the venue code ISLD became INET.

Message layouts are from the Island OUCH 1.0 specification: fixed-width ASCII fields,
numbers right-justified and zero-padded, alphas left-justified and space-padded.
"""

from dataclasses import dataclass

from smars.util.prices import PX4

FIRM = "KNGT"

# Outbound
ENTER_ORDER = "O"
CANCEL_ORDER = "X"
# Inbound
ACCEPTED = "A"
CANCELED = "C"
EXECUTED = "E"
REJECTED = "J"

_REJECT_REASONS = {
    "T": "test mode",
    "H": "halted",
    "Z": "shares exceed safety threshold",
    "S": "invalid stock",
    "D": "invalid display type",
    "C": "Island closed",
}


class OuchError(ValueError):
    pass


def _num(value: int, width: int) -> str:
    text = str(int(value))
    if len(text) > width:
        raise OuchError(f"{value} does not fit in {width} digits")
    return text.rjust(width, "0")


def _alpha(value: str, width: int) -> str:
    if len(value) > width:
        raise OuchError(f"{value!r} does not fit in {width} characters")
    return value.ljust(width)


def encode_enter_order(token: str, side: str, shares: int, symbol: str, px4: int,
                       tif_seconds: int = 0, display: str = "Y") -> str:
    """Enter Order message. tif_seconds 0 is immediate-or-cancel, 99999 is market hours."""
    if side not in ("B", "S", "T"):          # T: sell short
        raise OuchError(f"bad side {side!r}")
    # Island prices: 6 whole digits and 4 decimals, no point
    return "".join((
        ENTER_ORDER, _alpha(token, 14), side, _num(shares, 6), _alpha(symbol, 6),
        _num(px4, 10), _num(tif_seconds, 5), _alpha(FIRM, 4), display,
    ))


def encode_cancel(token: str, shares: int = 0) -> str:
    """Cancel Order: reduce the order to `shares` (0 cancels it)."""
    return CANCEL_ORDER + _alpha(token, 14) + _num(shares, 6)


@dataclass
class IslandOrder:
    token: str
    side: str
    shares: int
    symbol: str
    px4: int
    executed: int = 0
    open: bool = True


class IslandSession:
    """Order state for one SoupTCP session. Feed it every inbound message."""

    def __init__(self, send) -> None:
        self._send = send          # callable taking an encoded message
        self._orders = {}
        self._seq = 0
        self.rejects = []

    def next_token(self) -> str:
        self._seq += 1
        return f"SM{self._seq:012d}"

    def enter(self, side: str, shares: int, symbol: str, px4: int, ioc: bool = True) -> str:
        token = self.next_token()
        self._orders[token] = IslandOrder(token, side, shares, symbol, px4)
        self._send(encode_enter_order(token, side, shares, symbol, px4, 0 if ioc else 99999))
        return token

    def cancel(self, token: str) -> None:
        if token in self._orders and self._orders[token].open:
            self._send(encode_cancel(token))

    def on_message(self, msg: str) -> None:
        kind, token = msg[:1], msg[1:15].strip()
        order = self._orders.get(token)
        if order is None:
            return                      # someone else's token: Island echoes all firm traffic
        if kind == EXECUTED:
            order.executed += int(msg[15:21])
            if order.executed >= order.shares:
                order.open = False
        elif kind == CANCELED:
            order.open = False
        elif kind == REJECTED:
            order.open = False
            self.rejects.append((token, _REJECT_REASONS.get(msg[15:16], "unknown")))

    def open_orders(self) -> list:
        return [o for o in self._orders.values() if o.open]


def decode_price(field: str) -> float:
    return int(field) / PX4

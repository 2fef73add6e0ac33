"""Prices.

SMARS has carried prices as integers in ten-thousandths of a dollar ("px4") since the
decimalisation work of 2001: 12.34 dollars is 123400. Floats are only for display and for
the quote model. Never compare float prices on the order path.
"""

PX4 = 10_000            # px4 units per dollar
CENT = 100              # one cent in px4
SUB_PENNY_TICK = 1      # Reg NMS Rule 612: sub-dollar stocks may quote in 0.0001
PENNY_TICK = CENT       # everything at or above 1.00 quotes in whole cents


def to_px4(dollars: float) -> int:
    """Dollars (float or str) to px4, rounded half away from zero."""
    value = float(dollars) * PX4
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def to_dollars(px4: int) -> float:
    return px4 / PX4


def tick_size(px4: int) -> int:
    """The minimum quoting increment at this price."""
    return PENNY_TICK if px4 >= PX4 else SUB_PENNY_TICK


def round_to_tick(px4: int, side: str) -> int:
    """Round a price to a valid tick, toward the passive side.

    Buys round down and sells round up, so that rounding never makes an order more
    aggressive than the trader asked for.
    """
    tick = tick_size(px4)
    rem = px4 % tick
    if rem == 0:
        return px4
    if side == "B":
        return px4 - rem
    return px4 - rem + tick


def fmt_px4(px4: int | None) -> str:
    """12.3400 style, or MKT for a market order."""
    if px4 is None:
        return "MKT"
    return f"{px4 // PX4}.{px4 % PX4:04d}"


def fmt_dollars(amount: float, signed: bool = False) -> str:
    """Whole dollars with thousands separators: $1,234,567 or -$1,234,567."""
    whole = int(round(amount))
    text = f"${abs(whole):,}"
    if whole < 0:
        return "-" + text
    if signed and whole > 0:
        return "+" + text
    return text

"""Session time.

Session time is an int: seconds since midnight, New York time, on the trade date. The router
was written when the servers ran a one-second timer, and everything that schedules work
still does so in whole seconds.
"""

PRE_OPEN = 8 * 3600                 # 08:00:00, retail-broker links come up
MARKET_OPEN = 9 * 3600 + 30 * 60    # 09:30:00
MARKET_CLOSE = 16 * 3600            # 16:00:00


def hms(hours: int, minutes: int = 0, seconds: int = 0) -> int:
    return hours * 3600 + minutes * 60 + seconds


def fmt_hms(secs: int) -> str:
    """34200 -> '09:30:00'."""
    secs = int(secs)
    return f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"


def fmt_hm(secs: int) -> str:
    """34200 -> '09:30'."""
    return fmt_hms(secs)[:5]


def parse_hms(text: str) -> int:
    """'09:30' or '09:30:15' -> seconds since midnight."""
    parts = [int(p) for p in text.strip().split(":")]
    if len(parts) == 2:
        parts.append(0)
    if len(parts) != 3 or not (0 <= parts[0] < 24 and 0 <= parts[1] < 60 and 0 <= parts[2] < 60):
        raise ValueError(f"not a time of day: {text!r}")
    return hms(*parts)


def market_is_open(now: int) -> bool:
    return MARKET_OPEN <= now < MARKET_CLOSE


def minute_of_session(now: int) -> int:
    """Whole minutes since the open (negative before it)."""
    return (now - MARKET_OPEN) // 60

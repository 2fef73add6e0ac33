"""Parent order flow: what the retail-broker and OMS links deliver to a server.

Two sources:

    orders_for(server, seed, until)   a deterministic morning of parent orders for one server,
                                      in the mix Knight's retail and institutional flow had
    read_orders(path)                 a replay file, one parent order per line (see below)

Replay file format (comma separated, '#' comments):

    09:31:04,08-000001,BAC,B,500,MKT,RTL004,R
    time     order id  sym side qty limit account R(etail)|I(nstitutional)
"""

import random

from smars.config import symbols
from smars.orders.parent import BUY, SELL, SELL_SHORT, ParentOrder
from smars.util.clock import MARKET_OPEN, PRE_OPEN, parse_hms
from smars.util.prices import to_px4

# Retail parent orders a minute per server, 08:00 to 09:30: with the default seed the stale
# server gets 97 before the open, one "Power Peg disabled" e-mail each, as in the SEC's record.
PRE_OPEN_RATE = 1.14
SESSION_RATE = 4.7          # parent orders a minute per server after the open
RETAIL_SHARE = 0.9

_RETAIL_SIZES = (100, 200, 300, 400, 500, 700, 1000, 1500, 2000, 3000, 5000)
_RETAIL_WEIGHTS = (20, 12, 9, 6, 14, 4, 14, 5, 8, 4, 4)


def orders_for(server: str, seed: int, until: int, start: int = PRE_OPEN) -> list:
    """Parent orders for `server` arriving in [start, until), in arrival order."""
    rng = random.Random(f"{seed}/{server}/feed")
    orders = []
    now = float(start)
    seq = 0
    while True:
        before_open = now < MARKET_OPEN
        now += rng.expovariate((PRE_OPEN_RATE if before_open else SESSION_RATE) / 60.0)
        if before_open and now >= MARKET_OPEN:
            now = float(MARKET_OPEN)        # the session rate starts at the open
            continue
        if int(now) >= until:
            break
        seq += 1
        retail = now < MARKET_OPEN or rng.random() < RETAIL_SHARE
        orders.append(_make_order(rng, server, seq, int(now), retail))
    return orders


def _make_order(rng, server: str, seq: int, at: int, retail: bool) -> ParentOrder:
    security = rng.choice(symbols.UNIVERSE)
    roll = rng.random()
    side = BUY if roll < 0.5 else SELL if roll < 0.96 or retail else SELL_SHORT
    if retail:
        qty = rng.choices(_RETAIL_SIZES, _RETAIL_WEIGHTS)[0]
        if rng.random() < 0.12:
            qty += rng.randrange(1, 100)            # odd lots: retail sends plenty
        account = f"RTL{rng.randrange(1, 21):03d}"
    else:
        qty = 100 * rng.randrange(5, 61)
        account = f"INS{rng.randrange(1, 41):03d}"
    limit = None
    if rng.random() < 0.45:
        # limits a little through the reference price, a few resting below it
        through = rng.choice((0.004, 0.006, 0.01, 0.01, -0.005))
        factor = 1 + through if side == BUY else 1 - through
        limit = to_px4(round(security.ref_price * factor, 2 if security.ref_price >= 1 else 4))
    return ParentOrder(f"{server[-2:]}-{seq:06d}", security.symbol, side, qty, limit,
                       account, retail, at)


def read_orders(path: str) -> list:
    """Parent orders from a replay file, in file order."""
    orders = []
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            fields = [f.strip() for f in line.split(",")]
            if len(fields) != 8:
                raise ValueError(f"{path}:{lineno}: expected 8 fields, got {len(fields)}")
            at, order_id, symbol, side, qty, limit, account, kind = fields
            symbols.lookup(symbol)
            if side not in (BUY, SELL, SELL_SHORT):
                raise ValueError(f"{path}:{lineno}: side must be B, S or SS")
            orders.append(ParentOrder(
                order_id, symbol, side, int(qty),
                None if limit.upper() == "MKT" else to_px4(limit),
                account, kind.upper() == "R", parse_hms(at),
            ))
    return orders

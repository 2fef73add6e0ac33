"""Venues SMARS routes to.

The table below is the routing view of each venue: its code on the order path, its MIC, what
kind of book it is, and the per-share fee for taking liquidity. The connection adapters that
used to live next to this table were replaced by the FIX gateway in 2006 (SMR-3310); one of
them is still in this package.
"""

from dataclasses import dataclass

LIT = "lit"
DARK = "dark"
RETAIL = "retail"


@dataclass(frozen=True)
class Venue:
    code: str
    name: str
    mic: str
    kind: str
    take_fee_px4: int       # per share, in px4: 30 = $0.0030


VENUES = {
    "NYSE": Venue("NYSE", "New York Stock Exchange", "XNYS", LIT, 21),
    "ARCA": Venue("ARCA", "NYSE Arca", "ARCX", LIT, 30),
    "INET": Venue("INET", "Nasdaq (INET)", "XNAS", LIT, 30),
    "BATS": Venue("BATS", "BATS BZX", "BATS", LIT, 29),
    "EDGX": Venue("EDGX", "Direct Edge EDGX", "EDGX", LIT, 30),
    "KMTC": Venue("KMTC", "Knight Match", "KNMX", DARK, 10),
    "NYRL": Venue("NYRL", "NYSE Retail Liquidity Program", "XNYS", RETAIL, 0),
}

# Order the slicer tries lit venues in, before fees are compared.
LIT_PREFERENCE = ("NYSE", "ARCA", "INET", "BATS", "EDGX")

# The listing market's own book, per listing code.
PRIMARY = {"N": "NYSE", "A": "NYSE", "P": "ARCA", "Q": "INET"}


def get(code: str) -> Venue:
    try:
        return VENUES[code]
    except KeyError:
        raise KeyError(f"unknown venue code {code!r}") from None

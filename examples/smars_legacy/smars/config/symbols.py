"""Security master (the part SMARS needs): listing market and a reference price.

Listing codes follow the CTA/UTP convention the feeds used: N = NYSE, A = NYSE MKT (Amex),
P = NYSE Arca, Q = Nasdaq. Reference prices are approximate closes for 31 July 2012 and are
only where the quote model starts.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Security:
    symbol: str
    listing: str
    ref_price: float

    @property
    def nyse_listed(self) -> bool:
        return self.listing in ("N", "A")


_RAW = """
A N 36.40  AA N 8.48  ABT N 66.40  AIG N 31.10  AMD N 4.07  AMR N 0.72  AXP N 57.70
BA N 74.00  BAC N 7.34  BBY N 18.10  BHI N 46.20  BP N 39.90  BSX N 5.42  C N 27.13
CAT N 84.20  CHK N 18.80  COP N 54.40  CVX N 109.50  DAL N 9.80  DD N 49.70  DIS N 49.20
DOW N 28.80  EMC N 26.20  EXC N 39.10  F N 9.24  FCX N 33.70  GE N 20.75  GLW N 11.40
GM N 19.70  GS N 100.90  HAL N 33.10  HD N 52.20  HPQ N 18.24  IBM N 195.90  JCP N 22.50
JNJ N 69.20  JPM N 36.00  KO N 80.80  LOW N 25.40  MCD N 89.40  MMM N 91.20  MRK N 44.20
MS N 13.70  NOK N 2.34  NYX N 25.30  PFE N 24.00  PG N 64.50  RAD N 1.20  RIG N 48.90
S N 3.72  SLB N 71.20  T N 37.90  TWX N 38.50  UNH N 51.10  USB N 33.60  UTX N 74.40
VZ N 45.10  WFC N 33.80  WMT N 74.40  X N 20.80  XOM N 86.90  BTU N 22.70  VALE N 18.70
CLF N 40.80  NBR N 13.90  TM N 77.00  OKE N 44.20  AGQ P 37.80  SPY P 137.70  EEM P 39.50
IWM P 78.50  XLF P 14.40  GLD P 156.50  NGD A 2.87  UEC A 2.01  AAPL Q 610.80  MSFT Q 29.47
INTC Q 26.70  CSCO Q 15.95  ORCL Q 30.20  QCOM Q 59.70  DELL Q 11.90  YHOO Q 15.80
AMZN Q 233.30  GOOG Q 632.30  FB Q 21.71  ZNGA Q 3.18  SIRI Q 2.11  NFLX Q 56.20
"""

UNIVERSE = tuple(
    Security(sym, listing, float(px))
    for sym, listing, px in zip(*[iter(_RAW.split())] * 3)
)

BY_SYMBOL = {sec.symbol: sec for sec in UNIVERSE}


def lookup(symbol: str) -> Security:
    try:
        return BY_SYMBOL[symbol]
    except KeyError:
        raise KeyError(f"{symbol}: not in the security master") from None

"""Odd lots: the part of an order that is not a multiple of the 100-share round lot.

Odd lots do not count toward the displayed quote and many books handled them separately, so
SMARS has always routed them on their own. History:

    2004        odd lots to the listing market, one child per odd lot
    2008-02     legacy_odd_lot_router: route odd lots by the table below (Arca for NYSE
                names) during the NYSE odd-lot system migration
    2010-11     odd_lot_sweep: send the odd lot along with the first round-lot slice as one
                mixed-lot order, instead of last, on its own
"""

from smars.config import settings
from smars.flags import client as flags
from smars.venues import PRIMARY, VENUES

# 2008 NYSE odd-lot migration table (SMR-4390). Meant to be removed when NYSE finished.
_LEGACY_ODD_LOT_VENUES = {"N": "ARCA", "A": "ARCA", "P": "ARCA", "Q": "INET"}


def split(quantity: int) -> tuple:
    """(round-lot shares, odd-lot shares)."""
    odd = quantity % settings.ROUND_LOT
    return quantity - odd, odd


def is_odd_lot(quantity: int) -> bool:
    return 0 < quantity < settings.ROUND_LOT


def odd_lot_venue(security):
    """The venue for a child order smaller than a round lot."""
    if flags.enabled("legacy_odd_lot_router"):
        return VENUES[_LEGACY_ODD_LOT_VENUES.get(security.listing, "ARCA")]
    if flags.enabled("odd_lot_sweep"):
        # with the sweep on, a lone odd lot is a leftover: send it where the round lots went
        return VENUES[PRIMARY.get(security.listing, "ARCA")]
    return VENUES["ARCA"]

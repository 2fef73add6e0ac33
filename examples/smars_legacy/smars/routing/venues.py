"""Venue selection and child-order pricing for the slicer.

Which lit venue gets the next slice: the listing market for NYSE names (its opening and
closing books have the size), otherwise the cheapest venue to take from among those that are
switched on. Each venue can be switched off per server with a `venue_<code>_enabled` flag in
the deploy manifest; they are on unless a manifest says otherwise.
"""

from smars.config import settings
from smars.flags import client as flags
from smars.flags import names
from smars.util.prices import round_to_tick
from smars.venues import LIT_PREFERENCE, PRIMARY, VENUES

# NYSE Liquidity Replenishment Points: NYSE slows the market when a stock trades through
# one. Modelled as a band around the reference price; NYSE published the real points daily.
LRP_BAND_BPS = 100


def lit_candidates(security) -> list:
    """Lit venues the slicer may use for this security, in preference order."""
    candidates = []
    for venue_code in LIT_PREFERENCE:
        if venue_code == "INET" and not flags.enabled(names.INET_ROUTING):
            continue
        if not flags.enabled("venue_" + venue_code.lower() + "_enabled", True):
            continue
        candidates.append(VENUES[venue_code])
    return candidates


def select_lit(security, parent=None):
    """The venue for the next round-lot slice, or None when every venue is switched off."""
    candidates = lit_candidates(security)
    if not candidates:
        return None
    primary = PRIMARY.get(security.listing)
    if security.nyse_listed:
        for venue in candidates:
            if venue.code == primary:
                return venue
    return min(candidates, key=lambda v: (v.take_fee_px4, LIT_PREFERENCE.index(v.code)))


def lrp_band(security, ref_px4: int) -> tuple:
    width = max(1, ref_px4 * LRP_BAND_BPS // 10_000)
    return ref_px4 - width, ref_px4 + width


def limit_price(parent, quote, venue, security):
    """Limit price for a child order: the parent's limit, or a collar through the touch."""
    if parent.limit_px4 is not None:
        px = parent.limit_px4
    else:
        # market orders go out as marketable limits, never as market orders (SMR-2602)
        touch = quote.ask_px4 if parent.is_buy else quote.bid_px4
        collar = max(1, touch * settings.MARKETABLE_COLLAR_BPS // 10_000)
        px = touch + collar if parent.is_buy else touch - collar
    if venue.code == "NYSE" and flags.enabled("nyse_lrp_cap"):
        # do not send NYSE an order that would trade through the LRP and slow the book
        low, high = lrp_band(security, quote.mid_px4)
        touch = quote.ask_px4 if parent.is_buy else quote.bid_px4
        px = max(min(px, high), touch) if parent.is_buy else min(max(px, low), touch)
    return round_to_tick(px, "B" if parent.is_buy else "S")

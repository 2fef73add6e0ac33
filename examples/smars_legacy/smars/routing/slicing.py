"""The slicer: how big the next child order of a parent order is.

A parent order is worked in slices no bigger than what the touch displays (so one child does
not walk the book) and no bigger than MAX_CHILD_SHARES. Written in 2005 with the cumulative
quantity consolidation (SMR-2291); the caller does the cumulative check before asking here.
"""

from smars.config import settings
from smars.flags import client as flags
from smars.routing import odd_lots


def marketable(parent, quote) -> bool:
    """Would a child at the parent's limit take liquidity right now?"""
    if parent.limit_px4 is None:
        return True
    if parent.is_buy:
        return parent.limit_px4 >= quote.ask_px4
    return parent.limit_px4 <= quote.bid_px4


def displayed_size(parent, quote) -> int:
    return quote.ask_size if parent.is_buy else quote.bid_size


def next_slice_qty(parent, leaves: int, quote) -> int:
    """Shares for the next child order of `parent`, given `leaves` still to do."""
    if leaves <= 0:
        return 0
    clip = min(settings.MAX_CHILD_SHARES, max(settings.ROUND_LOT, displayed_size(parent, quote)))
    round_qty, odd = odd_lots.split(leaves)
    if round_qty == 0:
        return odd                                  # only an odd lot left
    slice_qty = min(round_qty, clip - clip % settings.ROUND_LOT)
    if odd and flags.enabled("odd_lot_sweep"):
        # SMR-6021 (2010): sweep the odd lot with the first slice as a mixed lot
        if parent.child_count == 0 and slice_qty + odd <= settings.MAX_CHILD_SHARES:
            return slice_qty + odd
    return slice_qty


def slices_needed(quantity: int, clip: int) -> int:
    """How many children a parent of `quantity` needs at `clip` shares each, odd lot apart."""
    round_qty, odd = odd_lots.split(quantity)
    clip = max(settings.ROUND_LOT, clip - clip % settings.ROUND_LOT)
    return -(-round_qty // clip) + (1 if odd else 0)

"""Which retail parent orders may go to the RLP.

NYSE rules 107C (phase 1): retail orders from a Retail Member Organization, in NYSE-listed
securities, during the core session. SMARS adds its own size limit and leaves short sales
out until compliance signs off on the marking.
"""

from smars.config import settings, symbols
from smars.util.clock import market_is_open


def ineligible_reason(parent, now: int):
    """None if `parent` may go to the RLP now, else why not."""
    if not parent.retail:
        return "not a retail order"
    if parent.side == "SS":
        return "short sales not enabled for RLP"
    if not market_is_open(now):
        return "RLP trades in the core session only"
    if parent.quantity > settings.RLP_MAX_SHARES:
        return f"over the {settings.RLP_MAX_SHARES:,} share RLP size"
    try:
        security = symbols.lookup(parent.symbol)
    except KeyError:
        return "unknown symbol"
    if not security.nyse_listed:
        return "not NYSE-listed"
    return None


def is_eligible(parent, now: int) -> bool:
    return ineligible_reason(parent, now) is None

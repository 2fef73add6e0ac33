"""Pre-trade checks. Each returns None when the order may go, else the reason it may not."""

from smars.util.prices import PX4


def check_parent(parent, quote, limits):
    if parent.quantity <= 0:
        return "quantity must be positive"
    if parent.quantity > limits.max_parent_shares:
        return f"quantity {parent.quantity:,} over the {limits.max_parent_shares:,} share limit"
    ref_px4 = parent.limit_px4 if parent.limit_px4 is not None else quote.mid_px4
    notional = parent.quantity * ref_px4 / PX4
    if notional > limits.max_parent_notional:
        return f"notional ${notional:,.0f} over the ${limits.max_parent_notional:,} limit"
    if parent.limit_px4 is not None and quote.mid_px4 > 0:
        deviation_bps = abs(parent.limit_px4 - quote.mid_px4) * 10_000 // quote.mid_px4
        if deviation_bps > limits.max_price_deviation_bps:
            return f"limit price {deviation_bps} bps away from the quote"
    return None


def check_child(child, parent, limits):
    if child.quantity > limits.max_child_shares:
        return f"child of {child.quantity:,} shares over the {limits.max_child_shares:,} limit"
    if child.limit_px4 is not None:
        notional = child.quantity * child.limit_px4 / PX4
        if notional > limits.max_child_notional:
            return f"child notional ${notional:,.0f} over the limit"
    # never send more than the parent has left: this is the overfill check
    if child.quantity > parent.quantity - parent.cum_qty:
        return "child quantity exceeds the parent's leaves"
    return None

"""Risk limits. One set per session; the numbers come from smars.config.settings."""

from dataclasses import dataclass

from smars.config import settings


@dataclass(frozen=True)
class Limits:
    max_parent_shares: int = settings.MAX_PARENT_SHARES
    max_parent_notional: int = settings.MAX_PARENT_NOTIONAL
    max_price_deviation_bps: int = settings.MAX_PRICE_DEVIATION_BPS
    max_child_shares: int = settings.MAX_CHILD_SHARES
    max_child_notional: int = settings.MAX_CHILD_NOTIONAL

    def describe(self) -> str:
        return (f"parent <= {self.max_parent_shares:,} sh / ${self.max_parent_notional:,}; "
                f"child <= {self.max_child_shares:,} sh / ${self.max_child_notional:,}; "
                f"limit within {self.max_price_deviation_bps} bps of the mid")


DEFAULT_LIMITS = Limits()

"""SMARS: the equities order router.

SMARS takes parent orders from the order-management and retail-broker links, works each one
by sending child orders to trading venues, and books the executions that come back.

    smars.main       start one server session (the production entry point)
    smars.simulate   replay a morning of parent orders across the eight servers

This package is the showcase example for flagkeeper: a model of the router as it stood on
1 August 2012. See the README one directory up for what is taken from the SEC record and
what is invented.
"""

__version__ = "2012.07.27"

# Trade date the example replays. Kept here because half the code base wants it.
TRADE_DATE = "2012-08-01"

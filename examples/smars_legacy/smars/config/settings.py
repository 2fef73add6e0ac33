"""Static router settings.

These lived in smars.ini until 2007 and were moved into code when the ini loader was
retired (SMR-4102). Per-server differences belong in the deploy manifest, not here.
"""

SERVERS = tuple(f"smars-{n:02d}" for n in range(1, 9))

ROUND_LOT = 100
MAX_CHILD_SHARES = 2_000            # largest single child order the slicer sends
STANDARD_SLICE_INTERVAL = 1         # seconds between slices of one parent order
PASSIVE_RECHECK_INTERVAL = 5        # seconds before re-checking a non-marketable parent
MARKETABLE_COLLAR_BPS = 50          # market orders go out as limits this far through the touch

# Risk limits (smars.risk.limits). Per parent order unless noted.
MAX_PARENT_SHARES = 250_000
MAX_PARENT_NOTIONAL = 10_000_000    # dollars
MAX_PRICE_DEVIATION_BPS = 1_000     # limit price vs. the quote midpoint
MAX_CHILD_NOTIONAL = 1_000_000      # dollars

# NYSE Retail Liquidity Program (smars.rlp)
RLP_MAX_SHARES = 10_000
RLP_PRICE_IMPROVEMENT = 10          # px4: $0.0010, the minimum RPI improvement

# Power Peg (smars.algos.power_peg). Re-peg once a second.
PEG_INTERVAL = 1
# Simulation scale, not Knight's: the router services at most this many pegged orders a
# second per server. The real SMARS sent orders far faster (see the README).
PEG_BURST_CAP = 40

# Ops mail (smars.ops.mailer)
OPS_MAIL_TO = "smars-ops@knight.example"

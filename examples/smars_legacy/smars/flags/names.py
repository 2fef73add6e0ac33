"""Flag keys.

New code takes its key from here so that a typo is an ImportError, not a flag that is
silently off. Older code (odd lots, NYSE collars) still spells its keys out; leave it.
"""

# Originally Power Peg's switch (2002). Re-used by the RLP release in 2012 (SMR-8127):
# on an RLP build it routes eligible retail orders to the NYSE Retail Liquidity Program.
PEG_ENABLED = "peg_enabled"

# Halts the session from the admin console (smars.admin.console).
SMARS_KILL_SWITCH = "smars_kill_switch"

# Route to Nasdaq INET. Switched off for a week after the Facebook IPO on 18 May 2012.
INET_ROUTING = "inet_routing"

# Ping Knight Match with an IOC before routing institutional slices to lit venues.
DARK_POOL_IOC = "dark_pool_ioc"

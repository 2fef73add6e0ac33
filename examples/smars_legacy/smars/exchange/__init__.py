"""A simulated exchange: quotes, and fills for the child orders SMARS sends.

Stands in for the venue connections (NYSE, Arca, INET, BATS, EDGX, Knight Match and the
NYSE RLP) in the fleet simulator and in a stand-alone session. It is deliberately simple:
every child order is immediate-or-cancel against a quote whose displayed size is random.
"""

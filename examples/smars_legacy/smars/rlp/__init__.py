"""NYSE Retail Liquidity Program (RLP), from the 2012.07.27 build (SMR-8127).

NYSE's RLP, live from 1 August 2012, lets retail orders trade against hidden Retail Price
Improvement (RPI) interest at better than the best quote. SMARS sends eligible retail parent
orders there first as an immediate-or-cancel child, then works what is left on the slicer.
"""

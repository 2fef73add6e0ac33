"""Trading algorithms that work a whole parent order by themselves.

Most of what used to live here moved into the slicing router in 2005 (SMR-2291, see
smars.routing.slicing). What is left is imported by the router where it is used.
"""

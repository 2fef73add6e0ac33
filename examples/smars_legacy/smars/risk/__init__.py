"""Pre-trade risk checks and the firm's position from the drop copy.

The checks run on the slicing path (Router._route_standard / _work_standard) and on the RLP
path, before a child order is sent. They were added in 2005 with the slicer (SMR-2291);
code older than that sends through smars.routing.child_orders.send_child_order directly.
"""

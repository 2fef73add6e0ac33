"""Routing: the router, the slicer, venue selection, odd lots, and the send path."""

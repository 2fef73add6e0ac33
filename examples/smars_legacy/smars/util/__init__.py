"""Small helpers shared by every SMARS package: prices and session time."""

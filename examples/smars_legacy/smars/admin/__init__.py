"""The operator's admin console for a running SMARS session."""

"""The command line (click only): options in, one call into a stage, one renderer, an exit code."""

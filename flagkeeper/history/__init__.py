"""Flag history across git revisions: `flagkeeper diff` and `check --since`."""

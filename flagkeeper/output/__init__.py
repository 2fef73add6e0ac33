"""Stage 5: output formats for findings (one module per --format), the baseline and the rule documentation. Formats plain records only."""

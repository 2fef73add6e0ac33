"""`flagkeeper report`: the quarterly flag-cleanup report (data, then Markdown, JSON and HTML renderings)."""

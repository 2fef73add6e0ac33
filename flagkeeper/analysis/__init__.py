"""Stages 1-2, per file: discovery, rule packs, the one `ast` walk, flag reads, suppressions, FileFacts,
the cache and the worker pool. Nothing here knows about any other file."""

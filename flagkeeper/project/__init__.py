"""Stage 3: the frozen project model built once per run: resolved keys, the import graph, the call graph, text references, coverage."""

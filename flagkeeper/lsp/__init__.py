"""`flagkeeper server`: the language server (diagnostics, hover, code actions, definitions).

workspace.py holds the project with the editor's unsaved buffers laid over it, keys.py finds
the flag key under the cursor and describes it, actions.py computes the edits of the code
actions, and server.py speaks the Language Server Protocol (pygls) over standard input and
output. Only server.py imports pygls and lsprotocol.
"""

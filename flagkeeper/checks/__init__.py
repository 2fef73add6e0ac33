"""Stage 4: the checks, one rule per module (fkNNN_name.py), and the runner that selects and applies them."""

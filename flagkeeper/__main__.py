"""`python -m flagkeeper` runs the command line."""

from flagkeeper.cli import run

run()

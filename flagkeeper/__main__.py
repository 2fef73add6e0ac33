"""`python -m flagkeeper` runs the command line."""

from flagkeeper.cli.entry import run

run()

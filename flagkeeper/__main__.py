"""`python -m flagkeeper` runs the command line."""

from flagkeeper.cli.main import run

run()

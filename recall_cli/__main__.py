"""`python -m recall_cli` runs the CLI."""

from .cli import run

run()

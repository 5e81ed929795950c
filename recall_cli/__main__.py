"""`python -m recall_cli` runs the CLI."""

from .cli.main import run

run()

"""Benchmark commands."""

from __future__ import annotations

import typer

bench_app = typer.Typer(help="Benchmarks: retrieval quality and speed.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")

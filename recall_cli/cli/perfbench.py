"""`recall bench perf` (speed and memory on synthetic corpora) and `recall bench ask` (time to first token)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..errors import UsageError
from .bench import bench_app
from .common import echo_json


def register(app: typer.Typer) -> None:
    """The command hangs off the `bench` group, registered at import."""


@bench_app.command("perf")
def perf(
    sizes: str = typer.Option("10000,100000", "--sizes", help="Corpus sizes, comma-separated."),
    max_events: int = typer.Option(None, "--max", help="Also run this size (e.g. 1000000)."),
    queries: int = typer.Option(50, "--queries", help="Search queries per size."),
    workdir: Path = typer.Option(None, "--workdir", help="Keep the corpora here and reuse them on the next run "
                                 "(default: a temp dir)."),
    fresh: bool = typer.Option(False, "--fresh", help="With --workdir: store and embed the corpora again."),
    no_hook: bool = typer.Option(False, "--no-hook", help="Skip the shell hook measurement."),
    spool: int = typer.Option(5000, "--spool", help="Hook records to time `recall ingest` on (0 skips)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Ingest rate, search latency (in-process, daemon, CLI), peak memory and shell hook cost."""
    from ..bench.perf import format_report, run_perf

    try:
        counts = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise UsageError(f"--sizes must be numbers, got '{sizes}'") from None
    if max_events:
        counts.append(max_events)
    if not counts or min(counts) < 100:
        raise UsageError("each corpus size must be at least 100")
    if queries < 1:
        raise UsageError("--queries must be at least 1")
    if spool < 0:
        raise UsageError("--spool must be 0 or more")
    report = run_perf(sorted(set(counts)), queries, workdir,
                      progress=lambda msg: print(msg, file=sys.stderr, flush=True), hook=not no_hook,
                      spool_records=spool, reuse=not fresh)
    if as_json:
        echo_json(report.to_dict())
    else:
        typer.echo(format_report(report))


@bench_app.command("ask")
def ask_bench(
    model: Path = typer.Option(None, "--model", help="A GGUF to use instead of the configured LLM."),
    rounds: int = typer.Option(3, "--rounds", help="Warm questions after the cold one (1-5)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Time to first token of `recall ask`, cold and warm (same prompt prefix), in one process and across processes."""
    from ..bench.ttft import format_ttft, run_ttft

    if not 1 <= rounds <= 5:
        raise UsageError("--rounds must be from 1 to 5")
    if model is not None and not model.expanduser().is_file():
        raise UsageError(f"no GGUF file at {model}")
    report = run_ttft(model, rounds, progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    if as_json:
        echo_json(report.to_dict())
    else:
        typer.echo(format_ttft(report))

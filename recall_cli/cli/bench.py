"""Benchmark commands: `recall bench locomo`, `recall bench beam` (and `perf`, in perfbench.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from ..errors import UsageError
from ..render import require_positive
from .common import echo_json

T = TypeVar("T")

bench_app = typer.Typer(help="Benchmarks: retrieval quality and speed.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")


@bench_app.command("locomo")
def locomo(
    file: Path = typer.Argument(..., help="A LoCoMo JSON file (list of conversations)."),
    conversations: str = typer.Option(None, "--conversations", "-c", help="Only these sample ids, comma-separated."),
    limit: int = typer.Option(None, "--limit", "-n", help="At most this many questions per conversation."),
    ks: str = typer.Option("5,10,25", "--k", help="Cut-offs for recall@k, comma-separated."),
    qa: bool = typer.Option(False, "--qa", help="Also answer every question with the LLM and score token F1."),
    consolidate: bool = typer.Option(False, "--consolidate", help="Consolidate first; memories join the search."),
    no_llm_consolidation: bool = typer.Option(False, "--no-llm-consolidation",
                                              help="With --consolidate: only the zero-LLM path."),
    model: Path = typer.Option(None, "--model", help="A GGUF to use instead of the configured LLM."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary (and per-question rows) as JSON."),
) -> None:
    """Turn-level evidence recall@k per category, QA F1, search latency and ingest rate on LoCoMo."""
    from ..bench.locomo import format_summary, load_samples, run_conversation, summarize
    from ..bench.runner import make_answerer, make_preparer, shared_models

    cutoffs = _cutoffs(ks)
    require_positive("--limit", limit)
    samples = _only(load_samples(file), conversations, lambda s: str(s.get("sample_id")), "conversation", file)
    embedder, llm = shared_models(model, need_llm=qa or (consolidate and not no_llm_consolidation))
    answerer = make_answerer(llm) if qa else None
    preparer = make_preparer(llm if not no_llm_consolidation else None) if consolidate else None
    results = []
    for index, sample in enumerate(samples, start=1):
        print(f"[{index}/{len(samples)}] {sample.get('sample_id')}", file=sys.stderr, flush=True)
        results.append(run_conversation(sample, embedder=embedder, ks=cutoffs, limit=limit, answerer=answerer,
                                        prepare=preparer))
    _report(summarize(results, cutoffs), results, format_summary, cutoffs, as_json)


@bench_app.command("beam")
def beam(
    folder: Path = typer.Argument(..., help="BEAM chats: a track folder (100K) or one chat folder (100K/3)."),
    chats: str = typer.Option(None, "--chats", "-c", help="Only these chat folders (names, comma-separated)."),
    limit: int = typer.Option(None, "--limit", "-n", help="At most this many questions per chat."),
    ks: str = typer.Option("5,10,25", "--k", help="Cut-offs for recall@k, comma-separated."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary (and per-question rows) as JSON."),
) -> None:
    """Message-level evidence recall@k per ability, no-result counts and search latency on BEAM."""
    from ..bench.beam import chat_dirs, format_summary, run_chat, summarize
    from ..bench.runner import shared_models

    cutoffs = _cutoffs(ks)
    require_positive("--limit", limit)
    folders = _only(chat_dirs(folder), chats, lambda f: f.name, "chat", folder)
    embedder, _ = shared_models(None, need_llm=False)
    results = []
    for index, chat in enumerate(folders, start=1):
        print(f"[{index}/{len(folders)}] {chat.name}", file=sys.stderr, flush=True)
        results.append(run_chat(chat, embedder=embedder, ks=cutoffs, limit=limit))
    _report(summarize(results, cutoffs), results, format_summary, cutoffs, as_json)


def _only(items: list[T], names: str | None, name_of: Callable[[T], str], what: str, where: Path) -> list[T]:
    """The items a comma-separated --conversations/--chats names (all without it); a name that
    is not there is a UsageError."""
    if not names:
        return items
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = sorted(set(wanted) - {name_of(item) for item in items})
    if unknown:
        raise UsageError(f"no {what} {', '.join(unknown)} in {where}")
    return [item for item in items if name_of(item) in wanted]


def _report(summary: dict[str, Any], results: list[Any], format_summary: Callable[[dict[str, Any], list[int]], str],
            cutoffs: list[int], as_json: bool) -> None:
    """A benchmark's summary as text, or as JSON with every question's row."""
    if as_json:
        summary["questions"] = [q.__dict__ for r in results for q in r.questions]
        echo_json(summary)
    else:
        typer.echo(format_summary(summary, cutoffs))


def _cutoffs(ks: str) -> list[int]:
    """The --k option as sorted distinct cut-offs (UsageError when it is not numbers from 1)."""
    try:
        cutoffs = sorted({int(k) for k in ks.split(",") if k.strip()})
    except ValueError:
        raise UsageError(f"--k must be numbers, got '{ks}'") from None
    if not cutoffs or cutoffs[0] < 1:
        raise UsageError("--k values must be at least 1")
    return cutoffs

"""`recall ask` and `recall chat`: answers with citations from the local LLM."""

from __future__ import annotations

import sys

import typer

from ..timeutil import short
from .common import echo_json, parse_when, require_positive, service


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
    app.command("chat")(chat)


def _print_evidence(answer, heading: bool = True) -> None:
    from .render import table_lines

    if not answer.evidence:
        typer.echo("No evidence found.")
        return
    if heading:
        typer.echo("Evidence:")
    rows = [(h.ref, short(h.ts), h.actor or "", h.snippet or h.text) for h in answer.evidence]
    for line in table_lines(rows, ("id", "date", "speaker", "text")):
        typer.echo(line)


def _answer_one(question: str, *, no_llm: bool, as_json: bool, limit: int, now: str | None) -> int:
    svc = service()
    streamed = not as_json and not no_llm

    def on_token(piece: str) -> None:
        sys.stdout.write(piece)
        sys.stdout.flush()

    try:
        answer = svc.ask(question, use_llm=not no_llm, limit=limit, reference=parse_when(now),
                         on_token=on_token if streamed else None)
    except KeyboardInterrupt:
        sys.stdout.write("\n")
        typer.echo("Stopped.", err=True)
        return 130
    if as_json:
        echo_json(answer.to_dict())
        return 0
    if no_llm:
        _print_evidence(answer, heading=False)
        return 0
    sys.stdout.write("\n")
    if answer.citations:
        typer.echo("Sources: " + ", ".join(f"[{c}]" for c in answer.citations))
    return 0


def ask(
    question: list[str] = typer.Argument(None, help="The question."),
    no_llm: bool = typer.Option(False, "--no-llm", help="Print the ranked evidence instead of an answer."),
    interactive: bool = typer.Option(False, "--interactive", "-i", help="Keep the model warm; ask follow-ups."),
    limit: int = typer.Option(8, "--limit", "-n", help="Evidence items given to the model."),
    now_: str = typer.Option(None, "--now", help="Reference time for phrases like 'last week'."),
    as_json: bool = typer.Option(False, "--json", help="Answer, citations, evidence and timings as JSON."),
) -> None:
    """Answer a question from memory, citing evidence ids; says so when it does not know."""
    require_positive("--limit", limit)
    if interactive:
        _loop(no_llm=no_llm, as_json=as_json, limit=limit, now=now_, first=" ".join(question or []))
        return
    code = _answer_one(" ".join(question or []), no_llm=no_llm, as_json=as_json, limit=limit, now=now_)
    if code:
        raise typer.Exit(code)


def chat(
    no_llm: bool = typer.Option(False, "--no-llm", help="Print the ranked evidence instead of answers."),
    limit: int = typer.Option(8, "--limit", "-n", help="Evidence items given to the model."),
    as_json: bool = typer.Option(False, "--json", help="One JSON answer per question."),
) -> None:
    """Ask questions one per line (stdin or the terminal); the model stays warm between them."""
    require_positive("--limit", limit)
    _loop(no_llm=no_llm, as_json=as_json, limit=limit, now=None, first="")


def _loop(*, no_llm: bool, as_json: bool, limit: int, now: str | None, first: str) -> None:
    tty = sys.stdin is not None and sys.stdin.isatty()
    if first.strip():
        _answer_one(first, no_llm=no_llm, as_json=as_json, limit=limit, now=now)
    while True:
        if tty:
            sys.stdout.write("ask> ")
            sys.stdout.flush()
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            break
        if not line:
            break
        if not line.strip():
            continue
        if line.strip() in {"exit", "quit", ":q"}:
            break
        if _answer_one(line.strip(), no_llm=no_llm, as_json=as_json, limit=limit, now=now) == 130:
            continue

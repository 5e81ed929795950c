"""`recall ask` and `recall chat`: answers with citations from the local LLM.

The answer is printed once it has been checked against the evidence (an answer the
evidence does not support is never shown), then its sources are listed. `--no-llm` prints
the ranked, dated evidence instead and never touches the model (so it works when the GGUF
is missing or broken). `recall chat` / `recall ask -i` reads one question per line from
stdin, keeping the model and its evaluated prompt prefix warm between them.

With `recall serve` running, questions go to the daemon, whose model and prompt prefix are
already loaded; the answer comes back over the socket and prints exactly as it would here.
A daemon that does not answer in time leaves the question to this process, which says so.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import typer

from ..errors import ModelError, RecallError
from ..render import parse_when, require_positive
from ..timeutil import short
from .capture import TextFirstCommand
from .common import echo_json, service

if TYPE_CHECKING:
    from ..llm.ask import Answer
    from ..models import Hit
    from ..serve.client import DaemonClient

SOURCES_SHOWN = 5
CLOSEST_SHOWN = 3
# what asks for help in a chat: no question (read as one, "/help" after a question was taken for
# its follow-up and answered from memory)
HELP_WORDS = frozenset({"help", "/help", ":help", "?", "/?", "h"})
CHAT_HELP = ("One question per line; a short follow-up (\"and Anna?\", \"who teaches it?\") is read with the "
             "question before it. quit, exit, Ctrl-D or (at a terminal) an empty line ends the chat.")


def register(app: typer.Typer) -> None:
    app.command("ask", cls=TextFirstCommand)(ask)
    app.command("chat")(chat)


def _rows(hits: list[Hit]) -> list[tuple[str, ...]]:
    # a watched file's paragraph is a note of the user's, whose account edited it: "file", not "root"
    return [(f"[{h.ref}]", short(h.ts), (h.actor if h.source != "file" else None)
             or (h.source if h.owner == "event" else f"memory:{h.kind}"),
             " ".join((h.text or "").split())) for h in hits]


def _print_rows(hits: list[Hit], indent: str = "") -> None:
    from ..render import table_lines

    for line in table_lines(_rows(hits), ("id", "date", "who", "text"))[1:]:
        typer.echo(indent + line)


def _print_evidence(answer: Answer) -> None:
    from ..render import table_lines

    if not answer.evidence:
        typer.echo("No evidence found.")
        return
    rows = [(h.ref, short(h.ts), h.source if h.owner == "event" else f"memory:{h.kind}", h.actor or "",
             " ".join((h.text or "").split())) for h in answer.evidence]
    for line in table_lines(rows, ("id", "date", "source", "speaker", "text")):
        typer.echo(line)


class _Session:
    """One process's asking: the service, its LLM (warm after the first answer), the history."""

    def __init__(self, *, no_llm: bool, as_json: bool, limit: int | None, now: str | None,
                 chat: bool = False) -> None:
        self.no_llm, self.as_json, self.limit, self.chat = no_llm, as_json, limit, chat
        self.reference = parse_when(now)
        self.svc = service()
        self.history: list[tuple[str, str]] = []
        self.daemon = _daemon()
        self.told = False  # that the model could not load: once a session

    def warm_up(self) -> None:
        """Load the model and its prefix before the first question (interactive use); the
        daemon's are loaded already."""
        if self.no_llm or self.daemon is not None:
            return
        typer.echo("Loading the model…", err=True)
        try:
            self.svc.warm_up_llm()
        except ModelError:
            pass  # the evidence can still answer; the first answer says why the model did not load

    def _ask(self, question: str, on_token: Any, printed: list[str]) -> Answer:
        """The daemon's answer while it answers, else this process's (the same Answer)."""
        kwargs: dict[str, Any] = {"use_llm": not self.no_llm, "limit": self.limit, "reference": self.reference,
                                  "history": self.history if self.chat else ()}
        if self.daemon is not None:
            try:
                return self.daemon.ask(question, on_token=on_token, **kwargs)
            except OSError as exc:
                if printed:  # half an answer is on the screen: do not print a second one after it
                    raise
                typer.echo(f"recall: {exc}; working here instead (`recall serve --status`)", err=True)
                self.daemon = None
        return self.svc.ask(question, on_token=on_token, **kwargs)

    def answer(self, question: str) -> int:
        from ..llm.ask import ABSTAIN

        streamed = not self.as_json and not self.no_llm
        printed: list[str] = []

        def on_token(piece: str) -> None:
            if not printed:
                piece = piece.lstrip()
            printed.append(piece)
            sys.stdout.write(piece)
            sys.stdout.flush()

        try:
            answer = self._ask(question, on_token if streamed else None, printed)
        except KeyboardInterrupt:
            if printed:
                sys.stdout.write("\n")
                sys.stdout.flush()
            typer.echo("Stopped.", err=True)
            return 130
        if answer.model_problem and not self.told:
            self.told = True
            typer.echo(f"recall: the model could not load, so the evidence answers: {answer.model_problem}", err=True)
        if self.chat and answer.text:
            self.history.append((answer.question, answer.text))
        if self.as_json:
            data = answer.to_dict()
            if self.chat:  # one answer per line
                typer.echo(json.dumps(data, ensure_ascii=False, default=str))
            else:
                echo_json(data)
            return 0
        if self.no_llm:
            _print_evidence(answer)
            return 0
        shown = "".join(printed).strip()
        if printed:
            sys.stdout.write("\n")
        elif answer.text:  # the daemon sent no token (an older one): print the answer whole
            typer.echo(answer.text)
            shown = answer.text
        if answer.abstained:
            if shown != ABSTAIN:
                typer.echo(ABSTAIN)
            closest = answer.evidence[:CLOSEST_SHOWN]
            if closest:
                typer.echo("Closest evidence:")
                _print_rows(closest, "  ")
        elif answer.citations:
            if answer.generated is not None:
                typer.echo("Sources (the evidence's own words: the model's answer was not in it):")
            elif answer.citations_inferred:
                typer.echo("Sources (inferred: the model cited nothing):")
            else:
                typer.echo("Sources:")
            _print_rows(answer.cited[:SOURCES_SHOWN], "  ")
        else:
            typer.echo("(no source cited; the best evidence:)")
            _print_rows(answer.evidence[:CLOSEST_SHOWN], "  ")
        return 0

    def loop(self, first: str = "") -> None:
        tty = sys.stdin is not None and sys.stdin.isatty()
        if tty:
            self.warm_up()
            typer.echo("Ask a question (help for more; empty line or Ctrl-D to quit).", err=True)
        if first.strip():
            self.answer(first)
        failed = 0
        while True:
            if tty:
                sys.stdout.write("ask> ")
                sys.stdout.flush()
            try:
                line = sys.stdin.readline()
            except KeyboardInterrupt:
                sys.stdout.write("\n")
                break
            if not line or (tty and not line.strip()):
                break
            question = line.strip()
            if not question:
                continue
            if question in {"exit", "quit", ":q", "/exit", "/quit"}:
                break
            if question.lower() in HELP_WORDS:
                typer.echo(CHAT_HELP, err=True)  # on stderr: a --json chat's stdout stays one answer a line
                continue
            echo = not tty and not self.as_json  # piped questions: each answer under its question
            if echo:
                typer.echo(f"ask> {question}")
            try:
                self.answer(question)  # Ctrl-C stops this answer, not the session
            except RecallError as exc:  # one bad question (too long, say) ends only itself
                failed = exc.exit_code
                typer.echo(f"Error: {exc.message}", err=True)
                if self.as_json:
                    typer.echo(json.dumps({"question": question[:200], "error": exc.message}, ensure_ascii=False))
            if tty or echo:
                typer.echo("")
        if failed and not tty:
            raise typer.Exit(failed)  # a pipe's caller learns that a question was refused


def _daemon() -> DaemonClient | None:
    """A client of `recall serve` when it answers on this home, else None."""
    from ..serve.client import remote

    return remote(on_unresponsive=lambda why: typer.echo(
        f"recall: {why}; working here instead (`recall serve --status`)", err=True))


def ask(
    question: list[str] = typer.Argument(None, help="The question (the rest of the command line)."),
    no_llm: bool = typer.Option(False, "--no-llm", help="Print the ranked, dated evidence; never load the model."),
    interactive: bool = typer.Option(False, "--interactive", "-i",
                                     help="Then keep asking (one question per line); the model stays warm."),
    limit: int = typer.Option(None, "--limit", "-n", help="Evidence items retrieved (default: config ask.evidence)."),
    now_: str = typer.Option(None, "--now", help="Reference time for phrases like 'last week' (default: now)."),
    as_json: bool = typer.Option(False, "--json", help="Answer, citations, evidence and timings as JSON."),
) -> None:
    """Answer a question from memory, citing evidence ids like \\[12] or \\[m3]; says "Not mentioned" when the
    evidence does not hold the answer."""
    require_positive("--limit", limit)
    text = " ".join(question or [])
    session = _Session(no_llm=no_llm, as_json=as_json, limit=limit, now=now_, chat=interactive)
    if interactive:
        session.loop(first=text)
        return
    code = session.answer(text)
    if code:
        raise typer.Exit(code)


def chat(
    no_llm: bool = typer.Option(False, "--no-llm", help="Print the ranked evidence instead of answers."),
    limit: int = typer.Option(None, "--limit", "-n", help="Evidence items retrieved (default: config ask.evidence)."),
    now_: str = typer.Option(None, "--now", help="Reference time for phrases like 'last week' (default: now)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON answer per line."),
) -> None:
    """Ask questions one per line (from the terminal or stdin); the model stays warm between them and a short
    follow-up is read together with the previous question."""
    require_positive("--limit", limit)
    _Session(no_llm=no_llm, as_json=as_json, limit=limit, now=now_, chat=True).loop()

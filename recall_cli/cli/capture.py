"""Capture commands: add, import."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..errors import InputError, UsageError
from ..render import parse_when
from .common import backend, echo_json, progress, service

FORMAT_HELP = "auto, jsonl, markdown, chatgpt, claude, locomo, longmemeval, beam (or a plugin's)"


def register(app: typer.Typer) -> None:
    app.command("add")(add)
    app.command("import")(import_cmd)


def add(
    text: list[str] = typer.Argument(None, help="The text to remember; read from stdin when omitted or '-'."),
    source: str = typer.Option("note", "--source", "-s", help="Where it came from (note, chat, shell, ...)."),
    time: str = typer.Option(None, "--time", "-t", help="When it happened (ISO date/time or 'yesterday')."),
    tag: list[str] = typer.Option(None, "--tag", help="A tag; repeat for several."),
    speaker: str = typer.Option(None, "--speaker", help="Who said or wrote it."),
    as_json: bool = typer.Option(False, "--json", help="Print the stored event as JSON."),
) -> None:
    """Remember a piece of text."""
    if not text or text == ["-"]:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("nothing to add: give TEXT or pipe it on stdin")
        raw = sys.stdin.buffer.read()
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"stdin is not UTF-8 (invalid byte at offset {exc.start})") from None
        if "\x00" in body:
            raise InputError("stdin is binary (NUL byte), not text")
    else:
        body = " ".join(text)
    ts = parse_when(time)
    event = backend().add(body, source=source, ts=ts, tags=tag or [], actor=speaker)
    if as_json:
        echo_json(event.to_dict())
    elif event.meta.get("duplicate"):
        typer.echo(f"Already remembered as {event.id}.")
    else:
        redacted = event.meta.get("redacted")
        typer.echo(f"Remembered {event.id}" + (f" (secrets replaced: {', '.join(redacted)})." if redacted else "."))


def import_cmd(
    file: Path = typer.Argument(..., help="The file to import."),
    fmt: str = typer.Option("auto", "--format", "-f", help=f"Format: {FORMAT_HELP}."),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Import a chat export, notes or a benchmark file; re-importing adds nothing."""
    svc = service()
    with progress(f"Embedding {file.name}") as update:
        report = svc.import_file(file, fmt, progress=update)
    if as_json:
        echo_json(report.to_dict())
    else:
        typer.echo(report.summary())
    if report.skipped:
        first = report.skipped[0]
        more = f" (and {len(report.skipped) - 1} more)" if len(report.skipped) > 1 else ""
        raise InputError(f"{first.reason}{more}", str(file), first.position)

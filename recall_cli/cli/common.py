"""Shared CLI plumbing: the service, JSON output, tables and progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

import typer

if TYPE_CHECKING:  # the service loads lazily: `recall --help` must not import the store and models
    from ..config import Config
    from ..models import Event, SearchResult
    from ..serve.client import DaemonClient
    from ..service import Recall

_factory: Callable[[], Recall] | None = None
_service: Recall | None = None


class Backend(Protocol):
    """What `recall add` and `recall search` call: the daemon's client or the service (same calls)."""

    def search(self, query: str, *, limit: int | None = None, since: float | None = None,
               until: float | None = None, sources: Sequence[str] | None = None,
               reference: float | None = None, time_phrases: bool = True) -> SearchResult: ...

    def add(self, text: str, *, source: str = "note", ts: float | None = None, tags: Sequence[str] = (),
            actor: str | None = None) -> Event: ...


def set_service_factory(factory: Callable[[], Recall] | None) -> None:
    """Tests swap in a service with a fake embedder; None restores the default."""
    global _factory, _service
    _factory = factory
    if _service is not None:
        _service.close()
    _service = None


def service() -> Recall:
    """The process's Recall service, opened on first use."""
    global _service
    if _service is None:
        if _factory is not None:
            _service = _factory()
        else:
            from ..service import Recall

            _service = Recall()
        _service.backlog_notice = _backlog_notice
        _service.notice = lambda message: typer.echo(f"recall: {message}", err=True)
    return _service


def _backlog_notice(missing: int) -> None:
    typer.echo(f"recall: embedding {missing:,} items stored without a vector first (an import that was "
               "stopped?); this happens once", err=True)


def backend() -> Backend:
    """The daemon when `recall serve` answers, else the in-process service (same calls). A
    daemon that stops answering mid-call is left for the service, and the user is told."""
    if _factory is None:
        from ..serve.client import remote

        client = remote(on_unresponsive=_working_here)
        if client is not None:
            return _Fallback(client)
    return service()


def _working_here(why: str) -> None:
    typer.echo(f"recall: {why}; working here instead (`recall serve --status`)", err=True)


class _Fallback:
    """The daemon's client, falling back to the in-process service when a call times out or
    the connection breaks (an add is safe to repeat: the time is fixed before the first try,
    so the event's content hash is the same and a second store is a no-op)."""

    def __init__(self, client: DaemonClient) -> None:
        self.client = client

    def search(self, query: str, **kwargs: Any) -> SearchResult:
        try:
            return self.client.search(query, **kwargs)
        except OSError as exc:
            _working_here(str(exc))
            return service().search(query, **kwargs)

    def add(self, text: str, **kwargs: Any) -> Event:
        if kwargs.get("ts") is None:
            from ..timeutil import now

            kwargs["ts"] = now()
        try:
            return self.client.add(text, **kwargs)
        except OSError as exc:
            _working_here(str(exc))
            return service().add(text, **kwargs)


def close_service() -> None:
    """Close the process's service (its SQLite connection) if one was opened."""
    global _service
    if _service is not None:
        _service.close()
        _service = None


def stdin_text() -> str:
    """All of stdin as text (UTF-8, or UTF-16 with its byte-order mark, as a file is read), or
    a one-line error naming what it is instead (Latin-1, binary)."""
    from ..errors import InputError
    from ..importers.base import CONVERT, decode_text, is_utf16

    raw = sys.stdin.buffer.read()
    try:
        body = decode_text(raw)
    except UnicodeDecodeError as exc:
        if is_utf16(raw[:8192]):
            raise InputError(f"stdin is not valid UTF-16 text (at byte {exc.start})") from None
        raise InputError(f"stdin is not UTF-8 (invalid byte at offset {exc.start}); "
                         "if it is Latin-1, " + CONVERT.format("LATIN1")) from None
    if "\x00" in body:
        raise InputError("stdin is binary (NUL byte), not text")
    return body


def confirm(what: str, question: str) -> None:
    """Ask ``question`` before a change that cannot be undone; without a terminal to ask on,
    refuse with what it ``would`` do, so a script or pipe never destroys data unasked."""
    from ..errors import UsageError

    if sys.stdin is None or not sys.stdin.isatty():
        raise UsageError(f"would {what}; pass --yes to confirm without a terminal")
    typer.confirm(question, abort=True)


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON (dates and other objects as their str())."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> None:
    """Print aligned columns; the last column is cut to the terminal width."""
    from ..render import table_lines

    for line in table_lines(rows, headers):
        typer.echo(line)


@contextmanager
def progress(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (only on a terminal), with the rate per second and the time
    left; yields update(done, total)."""
    if not enabled or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), Rate(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)  # (0: not known, as while a file is read)

        yield update


def daemon_note(cfg: Config, key: str) -> None:
    """A running daemon read its settings when it started (it follows only watch.dirs): say so,
    or a new sync.dir would never be synced through and nothing would tell."""
    from ..serve.daemon import status
    from ..serve.protocol import NOT_IN_OUTPUT

    if key != "watch.dirs" and not key.startswith("tui.") and status(cfg)["answering"]:
        meanwhile = "" if key.startswith(NOT_IN_OUTPUT) else "; until then commands work in-process, slower"
        typer.echo("note: recall serve is running and reads settings when it starts: restart it to use this "
                   f"(recall serve stop, then recall serve --detach){meanwhile}", err=True)

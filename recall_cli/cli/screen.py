"""`recall screen watch` and `recall screen status`: focus spans of the active window."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

import typer

from ..errors import UsageError
from ..render import plural
from .common import echo_json, service

if TYPE_CHECKING:
    from ..capture.ingest import IngestReport
    from ..capture.screen import ScreenWatcher
    from ..service import Recall

# what signal.signal returns: the previous handler (a function, SIG_DFL/SIG_IGN, or None)
SignalHandler = Callable[[int, FrameType | None], Any] | int | None


def register(app: typer.Typer) -> None:
    screen = typer.Typer(name="screen", no_args_is_help=True,
                         help="Record which window is active: application, title, start and duration.")
    screen.command("watch")(watch)
    screen.command("status")(status)
    app.add_typer(screen, name="screen")


def _describe(record: dict[str, Any]) -> str:
    stamp = time.strftime("%H:%M:%S", time.localtime(record["ts_start"]))
    meta = record.get("meta", {})
    if record["kind"] == "ocr":
        return f"{stamp} {meta.get('app')}: read {meta.get('chars', 0)} characters of text"
    return f"{stamp} {record['text']} ({meta.get('duration_s', 0):.0f} s)"


def watch(
    once: bool = typer.Option(False, "--once", help="Record the active window for --seconds, store it and exit "
                                                    "(for cron and tests)."),
    seconds: float = typer.Option(None, "--seconds", help="How long --once watches (default: screen.min_seconds)."),
    no_ingest: bool = typer.Option(False, "--no-ingest", help="Leave the records in the spool."),
    as_json: bool = typer.Option(False, "--json", help="Print records as JSON lines."),
) -> None:
    """Record focus spans of the active window until Ctrl-C.

    `recall serve` does the same when screen.enabled is on. Spans shorter than
    screen.min_seconds, excluded applications (screen.exclude_apps) and titles
    (screen.exclude_titles) are not recorded; secrets in titles are redacted."""
    from ..capture.screen import ScreenWatcher

    if seconds is not None and not once:
        raise UsageError("--seconds goes with --once")
    if seconds is not None and seconds <= 0:
        raise UsageError("--seconds must be more than 0")
    svc = None if no_ingest else service()
    config = service().config
    shown: list[dict[str, Any]] = []

    def show(records: list[dict[str, Any]]) -> None:
        shown.extend(records)
        if once:
            return
        for record in records:
            typer.echo(json.dumps(record, ensure_ascii=False) if as_json else _describe(record))

    watcher = ScreenWatcher.from_config(config, plugins=service().plugins, on_records=show)
    try:
        watcher.acquire()
    except Exception:
        watcher.source.close()
        raise
    previous = _stop_on_sigterm()
    try:
        if once:
            duration = seconds if seconds is not None else max(watcher.min_seconds, watcher.poll_seconds)
            _watch_for(watcher, duration)
        else:
            watcher.poll_once()
            span = watcher.current_span
            now = ("nothing focused" if span is None else "an excluded window" if span["excluded"]
                   else f"{span['app']}: {span['title']}")
            typer.echo(f"Watching the active window on {watcher.source.describe()}; now: {now} "
                       "(Ctrl-C to stop).", err=True)
            _watch_forever(watcher, svc)
    except KeyboardInterrupt:
        pass  # Ctrl-C or SIGTERM: the span in progress is still recorded below
    finally:
        watcher.stop()
        watcher.release()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    ingested = None
    if svc is not None:
        ingested = svc.ingest_spool()
    if once:
        _report_once(watcher, shown, ingested, as_json)
    else:
        typer.echo("Stopped.", err=True)


def _stop_on_sigterm() -> SignalHandler:
    """SIGTERM (kill, systemd) ends the watch like Ctrl-C, so the last span is kept."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, stop)


def _watch_for(watcher: ScreenWatcher, duration: float) -> None:
    end = time.monotonic() + duration
    while True:
        watcher.poll_once()
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(watcher.poll_seconds, left))


def _watch_forever(watcher: ScreenWatcher, svc: Recall | None) -> None:
    while True:
        records = watcher.poll_once()
        if svc is not None and records:
            svc.ingest_spool()
        time.sleep(watcher.poll_seconds)


def _report_once(watcher: ScreenWatcher, records: list[dict[str, Any]], ingested: IngestReport | None,
                 as_json: bool) -> None:
    if as_json:
        echo_json({"records": records, "stats": watcher.stats.__dict__,
                   "ingest": ingested.to_dict() if ingested else None})
        return
    spans = [r for r in records if r["kind"] == "focus"]
    for record in records:
        typer.echo(_describe(record))
    line = f"Recorded {plural(len(spans), 'focus span')}"
    skipped = []
    if watcher.stats.excluded:
        skipped.append(f"{watcher.stats.excluded} excluded")
    if watcher.stats.short:
        skipped.append(f"{watcher.stats.short} shorter than {watcher.min_seconds:g} s")
    if skipped:
        line += f" ({', '.join(skipped)} not recorded)"
    if ingested is not None:
        line += f"; ingested {plural(ingested.inserted, 'event')}"
    else:
        line += f"; {plural(len(records), 'record')} left in the spool"
    typer.echo(line + ".")
    if watcher.stats.last_error:
        typer.echo(f"Warning: {watcher.stats.last_error}", err=True)


def status(
    as_json: bool = typer.Option(False, "--json", help="Print the status as JSON."),
) -> None:
    """Show the window source, the active window and what is excluded.

    Says whether the active window would be recorded, and whether OCR is on."""
    from ..capture.filters import parse_list
    from ..capture.screen import Exclusions, ScreenSourceError, detect_source
    from ..capture.secrets import redact
    from ..serve.client import screen_recorded

    svc = service()
    config = svc.config
    info: dict[str, Any] = {
        "enabled": config.get("screen.enabled"),
        "poll_seconds": config.get("screen.poll_seconds"),
        "min_seconds": config.get("screen.min_seconds"),
        "exclude_apps": parse_list(config.get("screen.exclude_apps")),
        "exclude_titles": parse_list(config.get("screen.exclude_titles")),
        "ocr": config.get("screen.ocr"),
        "ocr_plugin": bool(svc.plugins.pm.hook.screen_text.get_hookimpls()),
        "source": None, "error": None, "active": None,
    }
    try:
        source = detect_source()
    except ScreenSourceError as exc:
        info["error"] = exc.message
    else:
        try:
            info["source"] = source.describe()
            window = source.current()
            if window is not None:
                reason = Exclusions.from_config(config).reason(window)
                info["active"] = ({"excluded": reason} if reason else
                                  {"app": window.app, "title": redact(window.title).text, "excluded": None})
        except ScreenSourceError as exc:
            info["error"] = exc.message
        finally:
            source.close()
    if os.environ.get("WAYLAND_DISPLAY") and info["source"]:
        info["source"] += "; Wayland session: only X11 (XWayland) windows are seen"
    info["recording"] = screen_recorded(config) if info["enabled"] else False
    if as_json:
        echo_json(info)
        return
    if not info["enabled"]:
        daemon = "off (`recall config set screen.enabled true`)"
    elif info["recording"] is True:
        daemon = "on (recall serve records)"
    else:
        daemon = f"enabled, but nothing records: {info['recording']}"
    typer.echo(f"Screen capture in the daemon: {daemon}")
    typer.echo(f"Source: {info['source'] or 'none: ' + str(info['error'])}")
    active = info["active"]
    if active is None:
        typer.echo("Active window: none" if info["source"] else "Active window: unknown")
    elif active["excluded"]:
        typer.echo(f"Active window: excluded by {active['excluded']} (not recorded)")
    else:
        typer.echo(f"Active window: {active['app']}: {active['title']}")
    typer.echo(f"Polls every {info['poll_seconds']:g} s; spans shorter than {info['min_seconds']:g} s are dropped")
    typer.echo(f"Excluded applications: {', '.join(info['exclude_apps']) or '(none)'}")
    typer.echo(f"Excluded titles containing: {', '.join(info['exclude_titles']) or '(none)'}")
    if info["ocr"]:
        plugin = ("recall-ocr installed" if info["ocr_plugin"]
                  else "no OCR plugin installed: pip install plugins/recall-ocr")
        typer.echo(f"OCR: on ({plugin})")
    else:
        typer.echo("OCR: off")
    if info["error"] and info["source"]:
        typer.echo(f"Warning: {info['error']}", err=True)

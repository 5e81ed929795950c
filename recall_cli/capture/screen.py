"""The screen watcher: focus spans of the active window become spool records.

A ``WindowSource`` says which window is active now (``current()``): ``X11Source`` (ctypes on
libX11, see screen_x11), ``MacSource`` and ``WindowsSource`` (see screen_platforms);
``detect_source()`` picks one for this machine.

``ScreenWatcher`` polls the source every ``screen.poll_seconds``. A focus span is the time one
window (same window, application and title) stays active; when the active window changes,
or on ``flush()``/``stop()``, the finished span becomes one record (source "screen", kind
"focus", actor = application, text "<app>: <title>", ts_start/ts_end, meta app, title,
duration_s, window, span) if it lasted at least ``screen.min_seconds``; a title that changes
before then (a terminal showing each command) continues the span under the new title. A gap
between polls much longer than the poll interval (the machine slept) ends the span at the
last poll that saw it.

Exclusions (``screen.exclude_apps``, ``screen.exclude_titles``) are checked on the raw
window: an excluded span leaves no trace at all, not even its application's name. Titles
pass through the secret table before they are stored.

With ``screen.ocr`` on, a plugin implementing the ``screen_text`` hook (the first-party
``recall-ocr``) reads the window's text once the span has lasted ``min_seconds`` and then
every ``OCR_INTERVAL`` seconds while it lasts; new text becomes a record of kind "ocr" with
the same ``span`` id in its meta.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import RecallError
from . import spool
from .filters import parse_list
from .secrets import redact

if TYPE_CHECKING:  # capture sits below the service: its types only
    from ..config import Config
    from ..plugins.manager import Plugins
    from ..service import Recall

log = logging.getLogger("recall.screen")

DEFAULT_EXCLUDE_APPS = ("keepassxc", "keepass", "1password", "bitwarden", "lastpass", "seahorse",
                        "gnome-keyring", "enpass", "dashlane", "pass")
DEFAULT_EXCLUDE_TITLES = ("private browsing", "incognito", "inprivate", "password", "1password", "bitwarden")
OCR_INTERVAL = 60.0
# A gap between two polls longer than this many poll intervals (at least 60 s) means the
# machine slept or the watcher stalled: the span ends at the last poll that saw it.
GAP_POLLS = 5

Sink = Callable[[list[dict[str, Any]]], Any]
OcrFunction = Callable[["WindowInfo"], "str | None"]


class ScreenSourceError(RecallError):
    """No way to read the active window here (no display, no libX11, no permission)."""


class ScreenBusyError(RecallError):
    """Another screen watcher (recall screen watch or recall serve) runs for this RECALL_HOME."""


@dataclass(frozen=True)
class WindowInfo:
    """The active window as a source sees it."""

    app: str  # X11: the WM_CLASS class; macOS: the application name; Windows: the process name
    title: str
    pid: int | None = None
    window: str | None = None  # the platform's window id (X11: hex)
    instance: str | None = None  # X11: the WM_CLASS instance name
    process: str | None = None  # the process name, when known
    platform: str = ""
    display: str | None = None

    def key(self) -> tuple[str | None, str, str]:
        return self.window, self.app, self.title


class WindowSource(Protocol):
    """Where the active window comes from."""

    name: str

    def current(self) -> WindowInfo | None:
        """The active window now, or None when nothing is focused."""

    def describe(self) -> str:
        """One line for `recall screen status`."""

    def close(self) -> None:
        """Release the connection (the next current() may reopen it)."""


def detect_source(*, platform: str | None = None, environ: dict[str, str] | None = None) -> WindowSource:
    """The window source for this machine; ScreenSourceError (one line) when none works."""
    platform = platform or sys.platform
    env = os.environ if environ is None else environ
    if platform == "darwin":
        from .screen_platforms import MacSource

        return MacSource()
    if platform == "win32":
        from .screen_platforms import WindowsSource

        return WindowsSource()
    display = env.get("DISPLAY", "")
    if display:
        from .screen_x11 import X11Source

        return X11Source(display)
    if env.get("WAYLAND_DISPLAY"):
        raise ScreenSourceError("Wayland does not let programs read the active window: log in to an X11 "
                                "session, or set DISPLAY to see XWayland windows")
    raise ScreenSourceError("no X display: set DISPLAY or run under X11")


# -- exclusions -----------------------------------------------------------------------------
def _matcher(pattern: str, *, substring: bool) -> Callable[[str], bool]:
    if pattern.startswith("re:"):
        try:
            regex = re.compile(pattern[3:], re.IGNORECASE)
        except re.error:  # a broken pattern must not stop capture: match it literally
            regex = re.compile(re.escape(pattern[3:]), re.IGNORECASE)
        return lambda value: regex.search(value) is not None
    folded = pattern.casefold()
    if any(ch in folded for ch in "*?["):
        return lambda value: fnmatch.fnmatchcase(value.casefold(), folded)
    if substring:
        return lambda value: folded in value.casefold()
    return lambda value: value.casefold() == folded


class Exclusions:
    """Which windows are never recorded.

    An app pattern matches the application (WM_CLASS class), the instance name or the
    process name exactly (case-insensitive; ``.exe`` ignored), or as a glob when it has
    ``*?[``; a title pattern matches anywhere in the title (case-insensitive), as a glob over
    the whole title when it has ``*?[``; ``re:REGEX`` is a regular expression for both."""

    def __init__(self, apps: Sequence[str] = DEFAULT_EXCLUDE_APPS,
                 titles: Sequence[str] = DEFAULT_EXCLUDE_TITLES) -> None:
        self.apps = [a for a in apps if a.strip()]
        self.titles = [t for t in titles if t.strip()]
        self._apps = [(a, _matcher(a, substring=False)) for a in self.apps]
        self._titles = [(t, _matcher(t, substring=True)) for t in self.titles]

    @classmethod
    def from_config(cls, config: Config) -> Exclusions:
        """The exclusions of ``screen.exclude_apps`` and ``screen.exclude_titles``."""
        return cls(parse_list(config.get("screen.exclude_apps")), parse_list(config.get("screen.exclude_titles")))

    def reason(self, window: WindowInfo) -> str | None:
        """Why a window is not recorded ("app 'keepassxc'", "title 'incognito'"), or None."""
        names = [n for n in (window.app, window.instance, window.process) if n]
        names += [n[:-4] for n in names if n.lower().endswith(".exe")]
        for pattern, match in self._apps:
            if any(match(name) for name in names):
                return f"app '{pattern}'"
        for pattern, match in self._titles:
            if window.title and match(window.title):
                return f"title '{pattern}'"
        return None


# -- the watcher ------------------------------------------------------------------------------
@dataclass
class _Span:
    window: WindowInfo
    start: float
    last_seen: float
    excluded: str | None
    id: str = field(default_factory=lambda: os.urandom(8).hex())
    ocr_at: float | None = None


@dataclass
class ScreenStats:
    polls: int = 0
    spans: int = 0
    excluded: int = 0
    short: int = 0
    ocr: int = 0
    errors: int = 0
    last_error: str | None = None


class ScreenWatcher:
    """Poll a window source and record focus spans; see the module docstring."""

    def __init__(self, source: WindowSource, *, home: str | os.PathLike[str], sink: Sink | None = None,
                 poll_seconds: float = 2.0, min_seconds: float = 5.0, exclusions: Exclusions | None = None,
                 clock: Callable[[], float] = time.time, ocr: OcrFunction | None = None,
                 ocr_interval: float = OCR_INTERVAL,
                 on_records: Callable[[list[dict[str, Any]]], Any] | None = None) -> None:
        self.source = source
        self.home = Path(home)
        self.sink: Sink = sink or (lambda records: spool.append(self.home, records))
        self.poll_seconds = max(0.05, float(poll_seconds))
        self.min_seconds = max(0.0, float(min_seconds))
        self.exclusions = exclusions or Exclusions()
        self.clock = clock
        self.ocr = ocr
        self.ocr_interval = ocr_interval
        self.on_records = on_records
        self.stats = ScreenStats()
        self.gap_limit = max(60.0, GAP_POLLS * self.poll_seconds)
        self._span: _Span | None = None
        self._unsent: list[dict[str, Any]] = []
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_fd: int | None = None
        self._logged: set[str] = set()

    @classmethod
    def from_config(cls, config: Config, source: WindowSource | None = None, *, plugins: Plugins | None = None,
                    **kwargs: Any) -> ScreenWatcher:
        """A watcher with the ``screen.*`` settings (OCR through ``plugins`` when ``screen.ocr`` is on)."""
        if config.get("screen.ocr") and plugins is not None and "ocr" not in kwargs:
            kwargs["ocr"] = ocr_from_plugins(plugins, config.home)
        return cls(source or detect_source(), home=config.home, poll_seconds=config.get("screen.poll_seconds"),
                   min_seconds=config.get("screen.min_seconds"), exclusions=Exclusions.from_config(config),
                   **kwargs)

    @property
    def current_span(self) -> dict[str, Any] | None:
        """The span in progress (app and title only when it is not excluded)."""
        span = self._span
        if span is None:
            return None
        if span.excluded:
            return {"excluded": True, "start": span.start}
        return {"app": span.window.app, "title": redact(span.window.title).text, "start": span.start,
                "excluded": False}

    # -- records -------------------------------------------------------------------------------
    def _focus_record(self, span: _Span, end: float) -> dict[str, Any]:
        window = span.window
        title = redact(window.title)
        meta: dict[str, Any] = {"app": window.app, "title": title.text, "duration_s": round(end - span.start, 3),
                                "window": window.window, "span": span.id}
        for name in ("instance", "process", "pid", "platform"):
            value = getattr(window, name)
            if value:
                meta[name] = value
        if title.names:
            meta["redacted"] = title.names
        text = f"{window.app}: {title.text}" if title.text.strip() else window.app
        return spool.make_record(source="screen", kind="focus", text=text, ts_start=span.start, ts_end=end,
                                 actor=window.app, meta=meta)

    def _finish(self, span: _Span, end: float, out: list[dict[str, Any]]) -> None:
        if span.excluded:
            self.stats.excluded += 1
            return
        if end - span.start < self.min_seconds:
            self.stats.short += 1
            return
        self.stats.spans += 1
        out.append(self._focus_record(span, end))

    def _read_text(self, span: _Span, now: float, out: list[dict[str, Any]]) -> None:
        if self.ocr is None or span.excluded or now - span.start < self.min_seconds:
            return
        if span.ocr_at is not None and now - span.ocr_at < self.ocr_interval:
            return
        span.ocr_at = now
        try:
            text = self.ocr(span.window)
        except Exception as exc:  # noqa: BLE001 - OCR is optional; never stop the watcher
            self._error(f"OCR failed: {type(exc).__name__}: {exc}")
            return
        if not text or not text.strip():
            return
        body = redact(text.strip())
        window = span.window
        meta: dict[str, Any] = {"app": window.app, "title": redact(window.title).text, "window": window.window,
                                "span": span.id, "chars": len(body.text)}
        if body.names:
            meta["redacted"] = body.names
        self.stats.ocr += 1
        out.append(spool.make_record(source="screen", kind="ocr", text=body.text, ts_start=now,
                                     actor=window.app, meta=meta))

    def _emit(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send records (and any a failing sink left behind) to the sink."""
        pending = self._unsent + records
        if not pending:
            return records
        try:
            self.sink(pending)
        except Exception:
            self._unsent = pending[-1000:]  # kept for the next poll; bounded if the disk stays full
            raise
        self._unsent = []
        if self.on_records is not None:
            self.on_records(pending)
        return pending

    def _error(self, message: str) -> None:
        self.stats.errors += 1
        if message not in self._logged:  # each distinct problem once, not every poll
            if len(self._logged) > 100:
                self._logged.clear()
            self._logged.add(message)
            log.warning("screen watcher: %s", message)
        self.stats.last_error = message

    # -- polling ---------------------------------------------------------------------------------
    def poll_once(self) -> list[dict[str, Any]]:
        """Look at the active window once; returns the records this poll produced."""
        with self._lock:
            now = self.clock()
            self.stats.polls += 1
            out: list[dict[str, Any]] = []
            span = self._span
            if span is not None and now - span.last_seen > self.gap_limit:
                self._finish(span, span.last_seen, out)  # slept or stalled: end at the last sighting
                span = self._span = None
            try:
                window = self.source.current()
            except ScreenSourceError as exc:
                self._error(exc.message)
                window = None
                if span is not None:
                    self._finish(span, span.last_seen, out)
                    span = self._span = None
            else:
                self.stats.last_error = None
            if span is not None and window is not None and self._retitled(span, window, now):
                span.window = window  # a title that changed quickly folds into the next one
            elif span is not None and (window is None or window.key() != span.window.key()):
                self._finish(span, now, out)
                span = self._span = None
            if window is not None:
                if span is None:
                    span = self._span = _Span(window, now, now, self.exclusions.reason(window))
                else:
                    span.last_seen = now
                self._read_text(span, now, out)
            return self._emit(out)

    def _retitled(self, span: _Span, window: WindowInfo, now: float) -> bool:
        """The same window with a new title before its span counted (a terminal showing each
        command, a page still loading): the span goes on under the new title instead of
        leaving a trail of too-short spans that would all be dropped."""
        return (window.window is not None and window.window == span.window.window and window.app == span.window.app
                and window.title != span.window.title and now - span.start < self.min_seconds
                and not span.excluded and self.exclusions.reason(window) is None)

    def flush(self) -> list[dict[str, Any]]:
        """End the span in progress now and record it (stop() calls this)."""
        with self._lock:
            out: list[dict[str, Any]] = []
            span, self._span = self._span, None
            if span is not None:
                now = self.clock()
                self._finish(span, span.last_seen if now - span.last_seen > self.gap_limit else now, out)
            return self._emit(out)

    # -- one watcher per RECALL_HOME ----------------------------------------------------------------
    def acquire(self) -> None:
        if self._lock_fd is not None:
            return
        directory = self.home / "screen"
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory / "lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        if spool.fcntl is not None:
            try:
                spool.fcntl.flock(fd, spool.fcntl.LOCK_EX | spool.fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise ScreenBusyError("another screen watcher is running for this RECALL_HOME "
                                      "(recall screen watch or recall serve)") from None
        self._lock_fd = fd

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- running in a thread (the daemon) -------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception as exc:  # noqa: BLE001 - the watcher must keep running
                self._error(f"{type(exc).__name__}: {exc}")
            self._stop.wait(self.poll_seconds)

    def start(self) -> None:
        """Poll in a background thread until stop()."""
        if self._thread is not None:
            return
        self.acquire()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="recall-screen", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Stop polling and record the span in progress; returns the records flushed."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        try:
            return self.flush()
        except Exception as exc:  # noqa: BLE001 - stopping must finish
            self._error(f"{type(exc).__name__}: {exc}")
            return []
        finally:
            self.source.close()
            self.release()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def __enter__(self) -> ScreenWatcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- OCR through plugins, and the daemon's entry point ------------------------------------------
def ocr_from_plugins(plugins: Plugins, home: str | os.PathLike[str]) -> OcrFunction | None:
    """A function asking every ``screen_text`` plugin for the window's text, or None (with a
    warning) when no installed plugin implements the hook."""
    if not plugins.pm.hook.screen_text.get_hookimpls():
        log.warning("screen.ocr is on but no plugin reads screen text: install plugins/recall-ocr")
        return None
    home_path = Path(home)

    def read(window: WindowInfo) -> str | None:
        for _name, text in plugins.call_each("screen_text", window=window, home=home_path):
            if isinstance(text, str) and text.strip():
                return text
        return None

    return read


def screen_watcher_from_config(svc: Recall) -> ScreenWatcher | None:
    """The daemon's screen watcher, or None when ``screen.enabled`` is off.

    Raises ScreenSourceError when it is on but no window source works here."""
    config = svc.config
    if not config.get("screen.enabled"):
        return None
    return ScreenWatcher.from_config(config, plugins=svc.plugins)

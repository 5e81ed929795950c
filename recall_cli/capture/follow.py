"""Following a watched folder live: watchdog's events, debounced, read in batches.

``FileWatcher`` (watch.py) knows what a scan reads; this mixin feeds it what changed. A
watched folder that is replaced (cloned again, restored from a backup, deleted and made
anew) keeps an inotify watch on the old one, which hears nothing more: every ROOT_CHECK
seconds each folder's identity is compared with the one watched, and a new folder is
watched and scanned, so the watcher never goes deaf without a word.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from ..errors import RecallError

if TYPE_CHECKING:
    from .watch import WatchReport

ROOT_CHECK = 2.0  # seconds between looks at whether a watched folder was replaced


def _identity(path: str) -> tuple[int, int] | None:
    """The folder's device and inode, None when it is not (or no longer) there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if os.path.isdir(path) else None


class Following:
    """Mixin for FileWatcher: follow changes with a watchdog observer (see the module doc)."""

    if TYPE_CHECKING:
        dirs: list[str]
        state: dict[str, dict[str, Any]]
        debounce: float
        on_flush: Callable[[WatchReport], Any] | None
        _lock: threading.RLock
        _cond: threading.Condition
        _pending: dict[str, float]
        _pending_dirs: dict[str, float]
        _moves: list[tuple[str, str]]
        _observer: Any
        _worker: threading.Thread | None
        _stopping: bool

        def wanted(self, path: str) -> bool: ...
        def scan_once(self) -> WatchReport: ...
        def _process_batch(self, files: list[str], dirs: list[str],
                           moves: list[tuple[str, str]]) -> WatchReport: ...
        def _acquire(self) -> None: ...
        def _release(self) -> None: ...

    def _queue(self, path: str, *, directory: bool = False) -> None:
        due = time.monotonic() + self.debounce
        with self._cond:
            (self._pending_dirs if directory else self._pending)[path] = due
            self._cond.notify()

    def on_event(self, event: Any) -> None:
        """A watchdog event (public so tests and the daemon can feed events directly)."""
        kind = getattr(event, "event_type", "")
        if kind in ("opened", "closed_no_write"):
            return
        src = os.fsdecode(event.src_path)
        dest = os.fsdecode(getattr(event, "dest_path", "") or "")
        if event.is_directory:
            if kind in ("deleted", "moved", "created"):
                self._queue(src, directory=True)
                if dest:
                    self._queue(dest, directory=True)
            return
        if kind == "moved" and dest:
            with self._cond:
                self._moves.append((src, dest))
            self._queue(dest)
            self._queue(src)
            return
        if self.wanted(src) or src in self.state:
            self._queue(src)

    def _run(self) -> None:
        next_check = time.monotonic() + ROOT_CHECK
        while True:
            with self._cond:
                while not self._stopping:
                    now = time.monotonic()
                    dues = list(self._pending.values()) + list(self._pending_dirs.values())
                    due = min(dues) if dues else math.inf
                    if due <= now or next_check <= now:
                        break
                    self._cond.wait(min(due, next_check) - now)
                if self._stopping:
                    return
                now = time.monotonic()
                files = [p for p, due in self._pending.items() if due <= now]
                dirs = [p for p, due in self._pending_dirs.items() if due <= now]
                for p in files:
                    del self._pending[p]
                for p in dirs:
                    del self._pending_dirs[p]
                moves, self._moves = self._moves, []
            if next_check <= time.monotonic():
                # (outside the condition: scheduling waits for the observer, which may be
                # handing us an event and waiting for the condition)
                next_check = time.monotonic() + ROOT_CHECK
                self._follow_roots()
            if not (files or dirs or moves):
                continue
            try:
                report = self._process_batch(files, dirs, moves)
            except Exception as exc:  # noqa: BLE001 - the watcher must keep running
                report = self._report(f"{type(exc).__name__}: {exc}")
            self._flush(report)

    def _report(self, error: str) -> WatchReport:
        from .watch import WatchReport

        return WatchReport(errors=[error])

    def _flush(self, report: WatchReport) -> None:
        if self.on_flush is not None and (report.records or report.errors or report.files_seen):
            try:
                self.on_flush(report)
            except Exception:  # noqa: BLE001 - a failing callback must not stop watching
                pass

    def _follow_roots(self) -> None:
        """Watch again each folder that was replaced since it was watched, and scan it; say
        so when one is gone (it is watched again when it comes back)."""
        observer = self._observer
        if observer is None:  # (stopping)
            return
        for root in self.dirs:
            ident = _identity(root)
            if ident == self._root_ids.get(root):
                continue
            self._root_ids[root] = ident
            old = self._watches.pop(root, None)
            if old is not None:
                try:
                    observer.unschedule(old)
                except Exception:  # noqa: BLE001 - its inotify watch went with the old folder
                    pass
            if ident is None:
                self._flush(self._report(f"{root}: no longer there; watching it again when it is back"))
                continue
            try:
                self._watches[root] = observer.schedule(self._handler, root, recursive=True)
            except OSError as exc:
                self._flush(self._report(f"{root}: cannot watch it again: {exc.strerror or exc}"))
                continue
            self._queue(root, directory=True)

    def start(self) -> WatchReport:
        """Start following changes; returns the initial scan's report."""
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:
            raise RecallError("following changes needs the watchdog package (pip install watchdog); "
                              "`recall watch --once` works without it") from None

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                watcher.on_event(event)

        self._acquire()
        self._stopping = False
        try:
            observer = Observer()
            self._handler = Handler()
            self._watches: dict[str, Any] = {}
            self._root_ids: dict[str, tuple[int, int] | None] = {}
            for directory in self.dirs:
                self._root_ids[directory] = _identity(directory)
                self._watches[directory] = observer.schedule(self._handler, directory, recursive=True)
            observer.start()  # watches are in place when this returns
        except Exception:
            self._release()
            raise
        self._observer = observer
        self._worker = threading.Thread(target=self._run, name="recall-watch", daemon=True)
        self._worker.start()
        return self.scan_once()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop following changes (pending debounced files are read first)."""
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout)
            self._observer = None
        with self._cond:
            files, dirs, moves = list(self._pending), list(self._pending_dirs), self._moves
            self._pending, self._pending_dirs, self._moves = {}, {}, []
            self._stopping = True
            self._cond.notify_all()
        if self._worker is not None:
            self._worker.join(timeout)
            self._worker = None
        if files or dirs or moves:
            try:
                self._process_batch(files, dirs, moves)
            except Exception:  # noqa: BLE001 - the next scan picks these up
                pass
        self._release()

    @property
    def running(self) -> bool:
        return self._observer is not None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

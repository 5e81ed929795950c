"""The spool: JSON lines under ``$RECALL_HOME/spool/`` that `recall ingest` moves into the store.

Standard library only (the shell hook's record path imports this module).

Writers (the shell recorder, the file watcher) append to ``events.jsonl``: each call opens
it with O_APPEND and writes whole lines in a single ``write``, so concurrent shells never
interleave. The ingester renames ``events.jsonl`` to ``ingesting-<ns>.jsonl`` before reading
it. A writer holds a shared ``flock`` on the file while it writes and checks, under the
lock, that the file it opened is still ``events.jsonl``; the ingester takes an exclusive
lock on the renamed file once, after the rename, so every write that started before the
rename has finished before the ingester reads, and every later write goes to a new file.

A spool record is one event::

    {"v": 1, "id": "<record id>", "source": "shell", "kind": "command", "text": "...",
     "ts_start": 1700000000.123, "ts_end": ..., "actor": "...", "session": "...",
     "meta": {...}, "redacted": true}

``redacted`` says the writer already ran the secret table over ``text``.
"""

from __future__ import annotations

import json
import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: the record path does not import typing or pathlib
    from collections.abc import Iterable, Mapping
    from pathlib import Path
    from typing import Any

try:  # POSIX; elsewhere writes are still single O_APPEND writes, without the rotation barrier
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

SPOOL_DIR = "spool"
SPOOL_FILE = "events.jsonl"
INGESTING_PREFIX = "ingesting-"
QUARANTINE_FILE = "quarantine.jsonl"
RECORD_VERSION = 1
# One write per chunk: big batches (a first scan of a notes folder) are split.
MAX_WRITE = 1 << 20


def spool_dir(home: str | os.PathLike[str]) -> Path:
    from pathlib import Path

    return Path(home) / SPOOL_DIR


def spool_path(home: str | os.PathLike[str]) -> Path:
    return spool_dir(home) / SPOOL_FILE


def new_record_id() -> str:
    return os.urandom(16).hex()


def make_record(*, source: str, kind: str, text: str, ts_start: float, ts_end: float | None = None,
                actor: str | None = None, session: str | None = None,
                meta: Mapping[str, Any] | None = None, redacted: bool = True,
                record_id: str | None = None) -> dict[str, Any]:
    """A spool record in the shape `recall ingest` reads."""
    return {
        "v": RECORD_VERSION, "id": record_id or new_record_id(), "source": source, "kind": kind,
        "text": text, "ts_start": ts_start, "ts_end": ts_end, "actor": actor, "session": session,
        "meta": dict(meta or {}), "redacted": redacted,
    }


def encode(record: Mapping[str, Any]) -> bytes:
    """One JSON line; text that is not valid Unicode (lone surrogates) becomes '?'."""
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
    return line.encode("utf-8", "replace") + b"\n"


def _open_current(path: str) -> int:
    """Open events.jsonl for appending, holding a shared lock, and make sure it is still the
    live spool file (an ingest may have renamed it between our open and our lock)."""
    for _ in range(50):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        if fcntl is None:
            return fd
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            current = os.stat(path)
            mine = os.fstat(fd)
            if (current.st_ino, current.st_dev) == (mine.st_ino, mine.st_dev):
                return fd
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise OSError(f"{path}: the spool file keeps being rotated; giving up")


def private_dir(home: str | os.PathLike[str]) -> str:
    """The spool directory, made if missing, and RECALL_HOME with it, both 0700: makedirs
    gives only the last directory its mode, and the shell hook's first record may be what
    creates the home."""
    os.makedirs(home, mode=0o700, exist_ok=True)
    directory = os.path.join(os.fspath(home), SPOOL_DIR)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    return directory


def append(home: str | os.PathLike[str], records: Iterable[Mapping[str, Any]]) -> int:
    """Append records to the spool; returns how many were written."""
    lines = [encode(r) for r in records]
    if not lines:
        return 0
    directory = private_dir(home)
    chunks: list[bytes] = []
    current: list[bytes] = []
    size = 0
    for line in lines:
        if current and size + len(line) > MAX_WRITE:
            chunks.append(b"".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line)
    chunks.append(b"".join(current))
    fd = _open_current(os.path.join(directory, SPOOL_FILE))
    try:
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                written = os.write(fd, view)
                view = view[written:]
    finally:
        os.close(fd)  # closing releases the lock
    return len(lines)


def rotate(home: str | os.PathLike[str], stamp_ns: int) -> Path | None:
    """Rename the live spool file for ingesting and wait for writers still inside it."""
    directory = spool_dir(home)
    live = directory / SPOOL_FILE
    target = directory / f"{INGESTING_PREFIX}{stamp_ns}.jsonl"
    try:
        if live.stat().st_size == 0:
            return None
        os.rename(live, target)
    except FileNotFoundError:
        return None
    if fcntl is not None:
        try:
            fd = os.open(target, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # the barrier: returns once in-flight writes end
        finally:
            os.close(fd)
    return target


def pending_files(home: str | os.PathLike[str]) -> list[Path]:
    """Files being ingested (leftovers of an interrupted ingest first), oldest first."""
    directory = spool_dir(home)
    if not directory.is_dir():
        return []

    def stamp(path: Path) -> int:
        try:
            return int(path.stem[len(INGESTING_PREFIX):])
        except ValueError:
            return 0

    return sorted(directory.glob(f"{INGESTING_PREFIX}*.jsonl"), key=lambda p: (stamp(p), p.name))


"""`recall ingest`: move spool records (shell hook, file watcher) into the store.

Crash safety, step by step:

1. ``spool/events.jsonl`` is renamed to ``spool/ingesting-<ns>.jsonl`` (atomic), after which
   writers start a fresh file (see capture.spool for the writers' side of the handshake).
2. Each ``ingesting-*`` file (leftovers of an interrupted run first) is read in batches;
   each batch is one transaction. After it commits, the byte offset reached is saved next to
   the file (``ingesting-<ns>.offset``), then the batch is embedded.
3. The file is deleted only after its last batch committed.

A crash anywhere re-reads at most one batch, which adds nothing: events are deduplicated by
content hash. A garbled, truncated or invalid line goes to ``spool/quarantine.jsonl`` (with
the file, line and reason) and is counted; it never blocks the rest.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import Event
from . import spool
from .secrets import redact

if TYPE_CHECKING:
    from ..service import Recall
    from ..store.events import InsertResult

READ_BACKLOG = 1 << 20  # bytes of spool a search stores before it reads (about 3,000 commands)
_told: list[int] = []  # the backlog line is printed once a process
MAX_LINE = 4 * 1024 * 1024
MAX_TEXT = 1024 * 1024
# ts_start must be a plausible UNIX time: 1970 .. 2200
MAX_TS = 7258118400.0
# Tests set this to pause (until killed) right after the Nth batch commits.
PAUSE_ENV = "RECALL_INGEST_TEST_PAUSE_AFTER"
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Quarantined:
    file: str
    line: int
    error: str


@dataclass
class IngestReport:
    files: int = 0
    records: int = 0
    inserted: int = 0
    duplicates: int = 0
    filtered: int = 0
    held: dict[str, int] = field(default_factory=dict)  # kept out by a filter plugin that failed: why -> count
    quarantined: int = 0
    missing_files: int = 0
    embedded: int = 0
    batches: int = 0
    seconds: float = 0.0
    quarantine_path: str = ""
    event_ids: list[int] = field(default_factory=list)
    problems: list[Quarantined] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["events_per_second"] = round(self.records / self.seconds, 1) if self.seconds > 0 else None
        return data

    def summary(self) -> str:
        if self.records == 0 and self.quarantined == 0:
            return "Nothing to ingest: the spool is empty."
        line = (f"Ingested {self.inserted} event{'s' if self.inserted != 1 else ''} from the spool; "
                f"{self.duplicates} already known")
        if self.filtered:
            line += f", {self.filtered} dropped by plugins"
        if self.held:
            line += f", {sum(self.held.values())} held back, not stored: {'; '.join(self.held)}"
        if self.quarantined:
            line += f", {self.quarantined} quarantined to {self.quarantine_path}"
        return line + "."


class BadRecord(ValueError):
    pass


def _valid_text(value: str) -> str:
    """Text SQLite can store: lone surrogates become U+FFFD, NULs go."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = _SURROGATE.sub("\ufffd", value)
    return value.replace("\x00", "")


def _time(value: Any, name: str) -> float:
    """A plausible UNIX time in seconds; BadRecord says what is wrong with anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRecord(f"{name} must be a number of UNIX seconds, got {value!r}"[:200])
    value = float(value)
    if not math.isfinite(value) or not 0 <= value <= MAX_TS:
        raise BadRecord(f"{name} {value!r} is not a plausible time")
    return value


def _optional_time(value: Any, name: str) -> float | None:
    return None if value is None else _time(value, name)


def _optional_str(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{name} must be a string")
    return _valid_text(value) or None


def record_to_event(record: Any, *, check_text: bool = True) -> Event:
    """A spool record (see capture.spool) as an Event; BadRecord says what is wrong.

    ``check_text=False`` skips the lone-surrogate repair: the caller knows the JSON line has
    no ``\\udXXX`` escape, the only way one can arrive from valid UTF-8 bytes."""
    if not isinstance(record, dict):
        raise BadRecord("not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadRecord("no text")
    source = record.get("source")
    kind = record.get("kind")
    if not isinstance(source, str) or not source or not isinstance(kind, str) or not kind:
        raise BadRecord("source and kind must be non-empty strings")
    ts_start = _time(record.get("ts_start"), "ts_start")
    ts_end = _optional_time(record.get("ts_end"), "ts_end")
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        raise BadRecord("meta must be an object")
    meta = dict(meta)
    text = _valid_text(text) if check_text else text.replace("\x00", "")
    if not record.get("redacted"):
        # written by something that did not run the secret table: run it now
        redaction = redact(text)
        text = redaction.text
        if redaction.names:
            meta["redacted"] = sorted(set(meta.get("redacted") or []) | set(redaction.names))
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
        meta["truncated"] = True
    if record.get("id") is not None:
        meta["record_id"] = str(record["id"])
    if check_text:
        encoded = json.dumps(meta, ensure_ascii=False, default=str)
        try:
            encoded.encode("utf-8")
        except UnicodeEncodeError:
            meta = json.loads(_SURROGATE.sub("\ufffd", encoded))
    return Event(text=text, ts_start=ts_start, ts_end=ts_end, source=_valid_text(source),
                 kind=_valid_text(kind), actor=_optional_str(record.get("actor"), "actor"),
                 session=_optional_str(record.get("session"), "session"), meta=meta)


class SpoolIngester:
    """Moves everything in one RECALL_HOME's spool into its store."""

    def __init__(self, svc: Recall, *, batch_size: int | None = None, embed: bool = True,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.svc = svc
        self.home = Path(svc.config.home)
        self.batch_size = max(1, int(batch_size or svc.config.get("ingest.batch_size")))
        self.embed = embed
        self.progress = progress
        self.report = IngestReport(quarantine_path=str(spool.spool_dir(self.home) / spool.QUARANTINE_FILE))
        pause = os.environ.get(PAUSE_ENV, "")
        self._pause_after = int(pause) if pause.isdigit() else 0

    # -- the whole run --------------------------------------------------------------------
    def run(self) -> IngestReport:
        started = time.perf_counter()
        directory = spool.spool_dir(self.home)
        if not directory.is_dir():
            return self.report
        with _exclusive(directory / "ingest.lock"):
            spool.rotate(self.home, time.time_ns())
            sizes = {path: _size(path) for path in spool.pending_files(self.home)}
            total = sum(sizes.values())
            done = 0
            for path, size in sizes.items():
                self._ingest_file(path)
                done += size
                if self.progress:
                    self.progress(min(done, total), total)
        self.report.seconds = time.perf_counter() - started
        return self.report

    # -- one file ---------------------------------------------------------------------------
    def _ingest_file(self, path: Path) -> None:
        offset_path = path.with_suffix(".offset")
        offset, lineno = _read_offset(offset_path)
        try:
            fh = open(path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:  # deleted under us (another ingest, or a user)
            self.report.missing_files += 1
            _unlink(offset_path)
            return
        self.report.files += 1
        batch: list[tuple[Event, int]] = []
        bad: list[dict[str, Any]] = []
        try:
            fh.seek(offset)
            position = offset
            while True:
                raw = fh.readline(MAX_LINE + 1)
                if not raw:
                    break
                lineno += 1
                position += len(raw)
                if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                    while True:  # skip the rest of an absurdly long line
                        rest = fh.readline(MAX_LINE)
                        position += len(rest)
                        if not rest or rest.endswith(b"\n"):
                            break
                    bad.append(self._quarantine_entry(path, lineno, raw[:65536], "line longer than 4 MiB"))
                    continue
                if not raw.strip():
                    continue
                try:
                    event = record_to_event(json.loads(raw), check_text=b"\\ud" in raw.lower())
                except (ValueError, RecursionError) as exc:
                    reason = str(exc) if isinstance(exc, BadRecord) else f"not valid JSON ({exc})"
                    if not raw.endswith(b"\n"):
                        reason = f"truncated line at end of file: {reason}"
                    bad.append(self._quarantine_entry(path, lineno, raw, reason))
                    continue
                batch.append((event, lineno))
                if len(batch) >= self.batch_size:
                    self._flush(path, batch, bad, position, lineno)
                    batch, bad = [], []
            self._flush(path, batch, bad, position, lineno)
        finally:
            fh.close()
        _unlink(path)
        _unlink(offset_path)

    def _flush(self, path: Path, batch: list[tuple[Event, int]], bad: list[dict[str, Any]],
               position: int, lineno: int) -> None:
        if not batch and not bad:
            return
        inserted, duplicates, failed = self._insert(batch)
        self.report.records += len(batch)
        self.report.inserted += len(inserted)
        self.report.duplicates += duplicates
        self.report.event_ids.extend(inserted)
        self.report.batches += 1
        if self._pause_after and self.report.batches == self._pause_after:
            _pause_for_tests(spool.spool_dir(self.home))
        for event, line, error in failed:
            bad.append(self._quarantine_entry(path, line, json.dumps(event.to_dict(), default=str).encode(),
                                              f"the store refused it: {error}"))
        if bad:
            _append_lines(Path(self.report.quarantine_path), bad)
            self.report.quarantined += len(bad)
            self.report.problems.extend(Quarantined(b["file"], b["line"], b["error"]) for b in bad)
        _write_offset(path.with_suffix(".offset"), position, lineno)
        if self.embed and inserted:
            # every event still without a vector, not only this batch's: a killed run is completed
            self.report.embedded += self.svc.embed_pending()

    def _insert(self, batch: list[tuple[Event, int]]) -> tuple[list[int], int, list[tuple[Event, int, str]]]:
        """One transaction for the batch; if the store refuses it, one event at a time so a
        single bad event cannot hold back the others."""
        if not batch:
            return [], 0, []
        try:
            stored = self.svc.store_events([event for event, _line in batch])
            self._count_dropped(stored)
            return list(stored.inserted), stored.known, []
        except Exception:  # noqa: BLE001 - retried one by one below
            pass
        inserted: list[int] = []
        duplicates = 0
        failed: list[tuple[Event, int, str]] = []
        for event, line in batch:
            try:
                stored = self.svc.store_events([event])
            except Exception as exc:  # noqa: BLE001 - reported in the quarantine
                failed.append((event, line, f"{type(exc).__name__}: {exc}"))
                continue
            self._count_dropped(stored)
            inserted.extend(stored.inserted)
            duplicates += stored.known
        return inserted, duplicates, failed

    def _count_dropped(self, stored: InsertResult) -> None:
        self.report.filtered += stored.filtered
        for why, count in stored.held.items():
            self.report.held[why] = self.report.held.get(why, 0) + count

    def _quarantine_entry(self, path: Path, line: int, raw: bytes, error: str) -> dict[str, Any]:
        text = raw.decode("utf-8", "replace").rstrip("\n")
        return {"time": time.time(), "file": path.name, "line": line, "error": error,
                "raw": redact(_valid_text(text[:65536])).text}


def waiting(home: str | os.PathLike[str]) -> int:
    """Bytes of records in the spool that no ingest has stored yet (two stats, no reads)."""
    directory = spool.spool_dir(home)
    return _size(directory / spool.SPOOL_FILE) + sum(_size(p) for p in spool.pending_files(home)) \
        if directory.is_dir() else 0


def before_reading(svc: Recall) -> IngestReport | None:
    """A search's first step: store what the spool holds, so a command typed a moment ago is
    found without `recall ingest` or the daemon. A backlog over READ_BACKLOG is left to
    `recall ingest` (with its progress bar), and one line on stderr says so."""
    size = waiting(svc.config.home)
    if size == 0:
        return None
    if size > READ_BACKLOG:
        if not _told:
            _told.append(size)
            print(f"recall: {size / 1e6:.1f} MB of recorded commands and file changes wait in the spool; "
                  "`recall ingest` stores them (`recall serve` keeps doing it)", file=sys.stderr)
        return None
    try:
        report = ingest(svc)
        for why, count in report.held.items():  # fail closed, but never silently
            print(f"recall: {why}: {count} recorded event{'s' if count != 1 else ''} held back, not stored",
                  file=sys.stderr)
        return report
    except Exception as exc:  # noqa: BLE001 - disk full, store locked: the search still runs, on what is stored
        logging.getLogger(__name__).warning("could not store the spool before a search: %s", exc)
        return None


def ingest(svc: Recall, *, batch_size: int | None = None, embed: bool = True,
           progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Move the spool into the store; see the module docstring for the guarantees."""
    return SpoolIngester(svc, batch_size=batch_size, embed=embed, progress=progress).run()


# -- small file helpers ---------------------------------------------------------------------
class _exclusive:
    """An exclusive flock on a lock file: one ingest at a time per RECALL_HOME."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> _exclusive:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        if spool.fcntl is not None:
            spool.fcntl.flock(self.fd, spool.fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _read_offset(path: Path) -> tuple[int, int]:
    try:
        offset, lineno = path.read_text(encoding="ascii").split()
        return int(offset), int(lineno)
    except (FileNotFoundError, ValueError):
        return 0, 0


def _write_offset(path: Path, offset: int, lineno: int) -> None:
    tmp = path.with_suffix(".offset.tmp")
    tmp.write_text(f"{offset} {lineno}\n", encoding="ascii")
    os.replace(tmp, path)


def _append_lines(path: Path, entries: list[dict[str, Any]]) -> None:
    data = b"".join(json.dumps(e, ensure_ascii=False).encode("utf-8", "replace") + b"\n" for e in entries)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def _pause_for_tests(directory: Path) -> None:
    (directory / "paused").write_text(str(os.getpid()), encoding="ascii")
    while True:  # the test kills us here with SIGKILL
        time.sleep(3600)

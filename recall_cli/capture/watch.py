"""The file watcher: new or changed paragraphs of text files become spool records.

``FileWatcher`` is what `recall watch` runs and what the daemon runs in-process:
``scan_once()`` compares every matching file with what was seen before; ``start()`` does
that once and then follows a watchdog observer, reading a file only after it has been quiet
for ``debounce_ms``; ``stop()`` ends it. Records go to a ``sink`` (by default the spool, so
`recall ingest` moves them into the store with the shell's records).

Files are cut into paragraphs and dated exactly as `recall import` cuts and dates a note
(``note_blocks``: paragraph, list and code blocks under their headings; headings and front
matter are not paragraphs; the nearest dated heading, the front matter's date, else the
file's modification time). For each file the watcher keeps the hashes of its paragraphs
(``$RECALL_HOME/watch/state.json``), so only paragraphs whose text is new to the file become
events (kind "paragraph", meta path/line_start/line_end/heading); an edited paragraph is new
text, a moved one is not. That state is checked against the store first on every full
scan (``held``): a paragraph the store does not hold (a backup was restored) is read again.
An edit that takes paragraphs out of a file gives one event of
kind "edited" naming their hashes (meta "gone"), so search ranks those paragraphs' events
after the file's current text and ask leaves them out. A file that disappears gives one
event of kind "deleted".
Hidden directories, ignored ones such as node_modules, binary files (a NUL byte, or not UTF-8) and
files over ``max_file_bytes`` are skipped (a file read before keeps its paragraphs in the state, so the
next good read compares with them). A file that changes while it is read is read again later; one
deleted under us is a deletion. Secrets are redacted before the sink.
"""

from __future__ import annotations

import fnmatch
import json
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, RecallError
from ..home import account_name
from ..importers.base import binary_at, decode_text
from ..importers.markdown import is_markdown_export, named_time, normalized_lines, note_blocks, paragraph_hash
from ..importers.org import is_org
from . import spool
from .filters import expand_path, parse_list
from .follow import Following
from .secrets import redact

if TYPE_CHECKING:
    from ..config import Config

DEFAULT_GLOBS = ("*.md", "*.txt", "*.org", "*.rst")
DEFAULT_IGNORE_DIRS = (".git", "node_modules", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox",
                       ".cache")
STATE_VERSION = 1
_READ_RETRIES = 3

Sink = Callable[[list[dict[str, Any]]], Any]


@dataclass
class Held:
    """What the store holds of notes' paragraphs (see ``FileWatcher``'s ``held``)."""

    by_session: dict[str, set[str]]  # a watched file's path, or an imported note's name: paragraph hashes
    forgotten: set[str] = field(default_factory=set)  # hashes of paragraphs the user forgot
    imported: dict[str, set[str]] = field(default_factory=dict)  # an imported note's path: paragraph hashes

    def holds(self, path: str, digest: str) -> bool:
        return digest in self.forgotten or digest in self.by_session.get(path, ()) \
            or digest in self.by_session.get(os.path.basename(path), ())


class WatchBusyError(RecallError):
    """Another watcher (recall watch or recall serve) holds this RECALL_HOME's watch lock."""


@dataclass
class WatchReport:
    """What one scan or one debounced batch did."""

    files_seen: int = 0
    files_read: int = 0
    paragraphs: int = 0
    edited: int = 0
    deleted: int = 0
    renamed: int = 0
    skipped_binary: int = 0
    skipped_large: int = 0
    skipped_other: int = 0  # links to elsewhere, recall's own Markdown exports
    retried: int = 0
    records: int = 0
    errors: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def add(self, other: WatchReport) -> None:
        for name in ("files_seen", "files_read", "paragraphs", "edited", "deleted", "renamed", "skipped_binary",
                     "skipped_large", "skipped_other", "retried", "records"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)
        self.paths.extend(other.paths)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FileWatcher(Following):
    """Watch directories for text changes; see the module docstring."""

    def __init__(self, dirs: Sequence[str | os.PathLike[str]], *, home: str | os.PathLike[str],
                 sink: Sink | None = None, globs: Sequence[str] = DEFAULT_GLOBS,
                 ignore_dirs: Sequence[str] = DEFAULT_IGNORE_DIRS, debounce_ms: int = 500,
                 max_file_bytes: int = 1 << 20,
                 on_flush: Callable[[WatchReport], Any] | None = None,
                 held: Callable[[], Held] | None = None, explicit: bool = False) -> None:
        self.home = Path(home)
        self.held = held
        self._held: Held | None = None  # what the store held at this scan's start
        self.explicit = explicit  # over folders named on the command line, not following watch.dirs
        self.dirs = [expand_path(str(d)) for d in dirs]
        for directory in self.dirs:
            if not os.path.isdir(directory):
                what = "not a directory" if os.path.exists(directory) else "no such directory"
                raise InputError(f"cannot watch {directory}: {what}")
        self.sink: Sink = sink or (lambda records: spool.append(self.home, records))
        self.globs = list(globs) or list(DEFAULT_GLOBS)
        self.ignore_dirs = list(ignore_dirs)
        self.debounce = max(0, debounce_ms) / 1000.0
        self.max_file_bytes = max_file_bytes
        self.on_flush = on_flush
        self.actor = account_name()
        self.state_path = self.home / "watch" / "state.json"
        self.state: dict[str, dict[str, Any]] = {}
        self._lock = threading.RLock()  # one scan or batch at a time
        self._cond = threading.Condition()
        self._pending: dict[str, float] = {}  # file path -> due time
        self._pending_dirs: dict[str, float] = {}
        self._moves: list[tuple[str, str]] = []
        self._observer: Any = None
        self._worker: threading.Thread | None = None
        self._stopping = False
        self._lock_fd: int | None = None

    @classmethod
    def from_config(cls, config: Config, dirs: Sequence[str] | None = None, **kwargs: Any) -> FileWatcher:
        """A watcher with the ``watch.*`` settings, over ``dirs`` or else ``watch.dirs``."""
        chosen = list(dirs) if dirs else parse_list(config.get("watch.dirs"))
        return cls(chosen, home=config.home, globs=parse_list(config.get("watch.globs")),
                   ignore_dirs=parse_list(config.get("watch.ignore_dirs")),
                   debounce_ms=config.get("watch.debounce_ms"),
                   max_file_bytes=config.get("watch.max_file_bytes"), **kwargs)

    # -- what is watched ------------------------------------------------------------------
    def wanted(self, path: str) -> bool:
        """A file the watcher reads: matches a glob, not in an ignored directory."""
        name = os.path.basename(path)
        if name.startswith((".#", ".~lock.")) or name.endswith("~"):
            return False  # editor lock and backup files
        if not any(fnmatch.fnmatch(name, glob) for glob in self.globs):
            return False
        root = self._root_of(path)
        if root is None:
            return False
        parts = os.path.relpath(os.path.dirname(path), root).split(os.sep)
        return not any(self._ignored_dir(part) for part in parts if part not in ("", "."))

    def _ignored_dir(self, name: str) -> bool:
        # hidden folders (.obsidian, .trash) hold an app's state, not notes: `import` skips them too
        return name.startswith(".") or any(fnmatch.fnmatch(name, glob) for glob in self.ignore_dirs)

    def _root_of(self, path: str) -> str | None:
        for root in self.dirs:
            if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
                return root
        return None

    def _outside_link(self, path: str) -> str | None:
        """Where ``path`` leads when a symbolic link takes it out of every watched folder."""
        real = os.path.realpath(path)
        if real == os.path.abspath(path):
            return None
        roots = [os.path.realpath(root) for root in self.dirs]
        return None if any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots) else real

    def _inner_link(self, path: str) -> bool:
        """Whether a symbolic link on the way from its watched folder leads ``path`` to another
        place inside the watched folders: a second name for a file read where it lies."""
        root = self._root_of(path)
        if root is None:
            return False
        return os.path.realpath(path) != os.path.join(os.path.realpath(root), os.path.relpath(path, root)) \
            and self._outside_link(path) is None

    def _walk(self, directory: str) -> Iterable[str]:
        for current, dirnames, filenames in os.walk(directory, onerror=lambda exc: None):
            dirnames[:] = sorted(d for d in dirnames if not self._ignored_dir(d))
            for name in sorted(filenames):
                path = os.path.join(current, name)
                if self.wanted(path):
                    yield path

    # -- state ----------------------------------------------------------------------------
    def _load_state(self) -> None:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            files = data.get("files", {}) if isinstance(data, dict) else {}
            self.state = {k: v for k, v in files.items() if isinstance(v, dict)}
        except (FileNotFoundError, ValueError, OSError):
            self.state = {}

    def _save_state(self) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"version": STATE_VERSION, "files": self.state}), encoding="utf-8")
        os.replace(tmp, self.state_path)

    def _check_with_store(self) -> None:
        """Forget having seen the paragraphs the store does not hold, so the scan reads them
        again: the state is the watcher's memory, the store is the truth, and a restored
        backup, or a store deleted and made anew, lacks what was watched since (the state
        still listing it, the text would never come back). Paragraphs still in the spool
        count as held (read before the store: what an ingest moves meanwhile is in the store)."""
        if self.held is None:
            return
        spooled = self._spooled()
        held = self._held = self.held()
        for path, entry in self.state.items():
            hashes = entry.get("h") or []
            kept = [h for h in hashes if (path, h) in spooled or held.holds(path, h)]
            if len(kept) < len(hashes):
                entry["h"] = kept
                entry.pop("m", None)  # so the quick unchanged check reads the file again

    def _spooled(self) -> set[tuple[str, str]]:
        """(path, paragraph hash) of the watched paragraphs waiting in the spool."""
        found: set[tuple[str, str]] = set()
        for path in [spool.spool_path(self.home), *spool.pending_files(self.home)]:
            try:
                lines = path.read_bytes().splitlines()
            except OSError:
                continue  # ingested and deleted meanwhile: then it is in the store
            for line in lines:
                try:
                    record = json.loads(line)
                    meta = record["meta"]
                    if record.get("kind") == "paragraph" and record.get("source") == "file":
                        found.add((str(meta["path"]), str(meta["paragraph"])))
                except (ValueError, TypeError, KeyError):
                    continue  # not a watched paragraph; a garbled line is ingest's to quarantine
        return found

    def _acquire(self) -> None:
        """One watcher per RECALL_HOME: the state file is not shared."""
        if self._lock_fd is not None:
            return
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.state_path.parent / "lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        if spool.fcntl is not None:
            try:
                spool.fcntl.flock(fd, spool.fcntl.LOCK_EX | spool.fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise WatchBusyError("another watcher is running for this RECALL_HOME "
                                     "(recall watch or recall serve)") from None
        self._lock_fd = fd
        try:  # who holds it, for `recall watch --add/--remove` to tell (see running_watcher)
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps({"pid": os.getpid(), "dirs": self.dirs, "explicit": self.explicit}).encode())
        except OSError:
            pass  # (a full disk: only that note is missing)
        self._load_state()

    def _release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- reading files --------------------------------------------------------------------
    def _read(self, path: str, report: WatchReport) -> tuple[str, os.stat_result | None, str]:
        """("text", stat, text) | ("skip", stat, "") for binary or oversize files |
        ("gone", None, "") | ("busy", None, "") when it keeps changing or cannot be read."""
        outside = self._outside_link(path)
        if outside is not None:  # ~/notes/ssh.txt -> ~/.ssh/config: not a note the user keeps here
            report.skipped_other += 1
            report.errors.append(f"{path}: skipped, a link to {outside}, outside the watched folders")
            try:
                return "skip", os.stat(path), ""
            except OSError:
                return "gone", None, ""
        for _attempt in range(_READ_RETRIES):
            try:
                before = os.stat(path)
                if not stat.S_ISREG(before.st_mode):
                    return "busy", None, ""
                if before.st_size > self.max_file_bytes:
                    report.skipped_large += 1
                    report.errors.append(f"{path}: skipped, {before.st_size:,} bytes is over watch.max_file_bytes "
                                         f"({self.max_file_bytes:,}); `recall import` stores it in parts")
                    return "skip", before, ""
                with open(path, "rb") as fh:
                    data = fh.read(self.max_file_bytes + 1)
                after = os.stat(path)
            except FileNotFoundError:
                return "gone", None, ""
            except OSError as exc:
                report.errors.append(f"{path}: {exc.strerror or exc}")
                return "busy", None, ""
            if (before.st_mtime_ns, before.st_size) != (after.st_mtime_ns, after.st_size) \
                    or len(data) != after.st_size:
                report.retried += 1
                continue  # written while we read: read it again
            if binary_at(data[:8192]) != -1:  # UTF-16 (Notepad's "Unicode") holds NULs and is text
                report.skipped_binary += 1
                report.errors.append(f"{path}: skipped, binary (not text)")
                return "skip", after, ""
            try:
                text = decode_text(data)
            except UnicodeDecodeError as exc:
                report.skipped_binary += 1
                report.errors.append(f"{path}: skipped, not UTF-8 text (byte {exc.start}); convert it, "
                                     f"e.g. iconv -f latin1 -t utf-8")
                return "skip", after, ""
            if is_markdown_export(text):  # (`recall import` refuses it too: every event is in it)
                report.skipped_other += 1
                report.errors.append(f"{path}: skipped, a recall Markdown export (for reading; its events are "
                                     "stored already)")
                return "skip", after, ""
            return "text", after, text
        # still changing: keep the old state; the next event (or scan) reads it again
        with self._cond:
            self._pending.setdefault(path, time.monotonic() + self.debounce)
        return "busy", None, ""

    def _process_file(self, path: str, now: float, records: list[dict[str, Any]],
                      report: WatchReport) -> None:
        if self._inner_link(path):
            # garden-link.md -> garden.md, or a path through a folder link ("up" -> ..) that a
            # live rename walked: what it leads to is read under its own name, once
            self.state.pop(path, None)
            return
        known = self.state.get(path)
        try:
            quick = os.stat(path)
        except FileNotFoundError:
            quick = None
        report.files_seen += quick is not None  # a deleted file is counted as a deletion only
        if quick is not None and known and known.get("m") == quick.st_mtime_ns and known.get("s") == quick.st_size:
            return  # unchanged since last seen (or skipped as binary or too big)
        outcome, info, text = self._read(path, report) if quick is not None else ("gone", None, "")
        if outcome == "gone":
            if known is not None and (known.get("h") or not known.get("skip")):
                records.append(spool.make_record(
                    source="file", kind="deleted", text=f"Deleted {path}", ts_start=now,
                    actor=self.actor, session=path,
                    meta={"path": path, "paragraphs": len(known.get("h", []))}))
                report.deleted += 1
                report.paths.append(path)
            self.state.pop(path, None)
            return
        if outcome == "skip" and info is not None:
            # remembered so it is not read again until it changes; its text never counted. A skip
            # is no deletion: the paragraphs last read are kept, so the next good read marks
            # those an edit took out meanwhile (a file that grew too big, then was cut back)
            self.state[path] = {"m": info.st_mtime_ns, "s": info.st_size, "h": known.get("h", []) if known else [],
                                "skip": True}
            return
        if outcome != "text" or info is None:
            return
        report.files_read += 1
        if known is None and self._held is not None and self._held.imported.get(path):
            # a note imported before it was watched: what the import stored is what the file
            # said then, so an edit made in between is an edit (and its paragraphs no news)
            known = {"h": sorted(self._held.imported[path])}
        seen = set(known.get("h", [])) if known else set()
        hashes: list[str] = []
        mtime = info.st_mtime_ns / 1e9
        added = 0
        for block in note_blocks(normalized_lines(text.split("\n")), named_time(Path(path), mtime), Path(path).stem,
                                 org=is_org(Path(path))):
            digest = paragraph_hash(block.text)
            hashes.append(digest)
            if digest in seen:
                continue
            seen.add(digest)
            redaction = redact(block.text)
            meta: dict[str, Any] = {"path": path, "line_start": block.line_start, "line_end": block.line_end,
                                    "paragraph": digest}
            if block.heading:
                meta["heading"] = block.heading
            if redaction.names:
                meta["redacted"] = redaction.names
            records.append(spool.make_record(source="file", kind="paragraph", text=redaction.text,
                                             ts_start=block.ts, actor=self.actor, session=path, meta=meta))
            added += 1
        report.paragraphs += added
        current = set(hashes)
        gone = [h for h in dict.fromkeys(known.get("h", [])) if h not in current] if known else []
        if gone:
            # what the file no longer says: search and ask rank those paragraphs' events after
            # the file's current text (an edited date or place is not still the answer); no
            # session, so it is no neighbour of the paragraphs, lifted by their scores
            records.append(spool.make_record(
                source="file", kind="edited", ts_start=mtime, actor=self.actor, session=None,
                text=f"Edited {path}: {len(gone)} paragraph{'s' if len(gone) != 1 else ''} changed or removed",
                meta={"path": path, "gone": gone}))
            report.edited += 1
        if added or gone:
            report.paths.append(path)
        self.state[path] = {"m": info.st_mtime_ns, "s": info.st_size, "h": hashes}

    def _moved(self, src: str, dest: str, now: float) -> dict[str, Any]:
        """The record of a file renamed: the store shows its paragraphs at ``dest`` from then on."""
        return spool.make_record(source="file", kind="moved", text=f"Renamed {src} to {dest}", ts_start=now,
                                 actor=self.actor, meta={"path": dest, "from": src})

    def _fold_renames(self, records: list[dict[str, Any]], report: WatchReport, before: dict[str, Any],
                      now: float) -> list[dict[str, Any]]:
        """A file gone and a new one holding the same paragraphs, seen in one pass (a rename
        that no move event told of, as in a scan): one "moved" record, not a deletion and its
        paragraphs again."""
        gone = {r["meta"]["path"]: r for r in records if r["kind"] == "deleted"}
        added: dict[str, list[dict[str, Any]]] = {}
        for r in records:
            if r["kind"] == "paragraph" and r["meta"]["path"] not in before:
                added.setdefault(r["meta"]["path"], []).append(r)
        for dest, paragraphs in added.items():
            hashes = {r["meta"]["paragraph"] for r in paragraphs}
            src = next((p for p in gone if set(before.get(p, {}).get("h", [])) == hashes), None)
            if src is None:
                continue
            dropped = {id(r) for r in paragraphs} | {id(gone.pop(src))}
            records = [r for r in records if id(r) not in dropped] + [self._moved(src, dest, now)]
            report.paragraphs -= len(paragraphs)
            report.deleted -= 1
            report.renamed += 1
        return records

    def _commit(self, records: list[dict[str, Any]], report: WatchReport, before: dict[str, Any]) -> None:
        """Records to the sink, then the state; a failing sink leaves the state as it was."""
        if records:
            try:
                self.sink(records)
            except Exception:
                self.state = before
                raise
            report.records += len(records)
        self._save_state()

    # -- one pass ------------------------------------------------------------------------
    def scan_once(self) -> WatchReport:
        """Compare every matching file under the watched directories with the saved state."""
        own_lock = self._lock_fd is None
        self._acquire()
        try:
            with self._lock:
                report = WatchReport()
                self._check_with_store()
                before = {k: dict(v) for k, v in self.state.items()}
                records: list[dict[str, Any]] = []
                now = time.time()
                found: set[str] = set()
                for directory in self.dirs:
                    for path in self._walk(directory):
                        if path in found:  # (a folder inside another one watched)
                            continue
                        found.add(path)
                        self._process_file(path, now, records, report)
                for path in sorted(self.state):
                    if path not in found and self._root_of(path) is not None:
                        self._process_file(path, now, records, report)
                records = self._fold_renames(records, report, before, now)
                self._commit(records, report, before)
                return report
        finally:
            if own_lock:
                self._release()

    def _process_batch(self, files: list[str], dirs: list[str], moves: list[tuple[str, str]]) -> WatchReport:
        with self._lock:
            report = WatchReport()
            before = {k: dict(v) for k, v in self.state.items()}
            records: list[dict[str, Any]] = []
            now = time.time()
            todo: dict[str, None] = {}
            for src, dest in moves:  # a rename keeps what we knew about the file, and says so
                if src in self.state and dest not in self.state and self.wanted(dest):
                    self.state[dest] = self.state.pop(src)
                    if self.state[dest].get("h") or not self.state[dest].get("skip"):
                        records.append(self._moved(src, dest, now))
                        report.renamed += 1
                        report.paths.append(dest)
                todo[src] = None
                todo[dest] = None
            for directory in dirs:
                prefix = directory.rstrip(os.sep) + os.sep
                for path in list(self.state):
                    if path.startswith(prefix):
                        todo[path] = None
                if os.path.isdir(directory):
                    for path in self._walk(directory):
                        todo[path] = None
            for path in files:
                todo[path] = None
            for path in todo:
                if self.wanted(path) or path in self.state:
                    self._process_file(path, now, records, report)
            records = self._fold_renames(records, report, before, now)
            self._commit(records, report, before)
            return report


def running_watcher(home: str | os.PathLike[str]) -> dict[str, Any] | None:
    """What the watcher running for ``home`` (`recall watch` or `recall serve`) holds its lock
    with: {"pid", "dirs", "explicit"}, explicit when it watches folders named on its command
    line rather than watch.dirs. None when no watcher runs (its lock is free), or where file
    locks are not available."""
    if spool.fcntl is None:
        return None
    try:
        fd = os.open(Path(home) / "watch" / "lock", os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None  # no watcher ever ran here
    try:
        try:
            spool.fcntl.flock(fd, spool.fcntl.LOCK_SH | spool.fcntl.LOCK_NB)
        except OSError:
            data = os.read(fd, 1 << 16)  # held: a watcher runs
        else:
            return None  # (closing the file lets go of the lock at once)
    finally:
        os.close(fd)
    try:
        note = json.loads(data)
    except ValueError:
        return {}  # (written by a version that left no note, or being written)
    return note if isinstance(note, dict) else {}

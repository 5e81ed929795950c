"""Opening the store: one SQLite file, WAL, busy timeout, foreign keys, migrations."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypedDict

from sqlite_utils import Database

from ..errors import RecallError
from ..home import PRIVATE_FILE, create_private_file, lock_file, make_private_dir
from . import shell_history
from .embeddings import EmbeddingQueries
from .episodes import EpisodeQueries
from .files import FileQueries
from .migrations import apply_migrations, build_migrations, pending_migrations, schema_sql
from .shell_history import Query as ShellQuery
from .sync import SyncQueries
from .timeline import TimelineQueries

BUSY_TIMEOUT_MS = 10_000


class StoreHealth(TypedDict):
    integrity: str
    journal: str
    pending_migrations: list[str]


class Store(SyncQueries, EmbeddingQueries, EpisodeQueries, TimelineQueries, FileQueries):
    """The SQLite source of truth. Every write method is one transaction; the connection is
    private to this package (a test keeps SQL out of every other module)."""

    def __init__(self, db: Database, path: Path | None, in_use: int | None = None) -> None:
        self._db = db
        self.path = path
        self._in_use = in_use  # a shared lock on the file while open (see hold_in_use)

    # -- settings and counters ------------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def put_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self._db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                             "SET value = excluded.value", [key, value])

    def drop_settings(self, prefix: str) -> None:
        """Remove every setting whose key starts with ``prefix``."""
        with self.transaction():
            self._db.execute("DELETE FROM settings WHERE substr(key, 1, ?) = ?", [len(prefix), prefix])

    def increment_counter(self, key: str) -> None:
        """Add one to an integer kept in the settings table."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE "
                "SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)", [key])

    def counters(self, prefix: str) -> dict[str, int]:
        """Integer settings whose key starts with ``prefix``, by the rest of the key."""
        out: dict[str, int] = {}
        for key, value in self._db.execute("SELECT key, value FROM settings WHERE key LIKE ?",
                                           [prefix.replace("%", "") + "%"]):
            try:
                out[key[len(prefix):]] = int(value)
            except (TypeError, ValueError):
                continue
        return out

    def count_redacted_events(self) -> int:
        """Events that had secrets replaced before they were stored."""
        return self._db.execute("SELECT count(*) FROM events WHERE json_extract(meta, '$.redacted') IS NOT NULL"
                                ).fetchone()[0]

    def shell_commands(self, query: ShellQuery, spool_dir: str | None = None) -> list[dict[str, object]]:
        """Shell history (see store/shell_history.py), the spool's unsaved commands included."""
        return shell_history.commands(self._db.conn, query, spool_dir)

    def shell_directories(self, spool_dir: str | None = None) -> list[str]:
        """Every directory a shell command ran in, the spool's included."""
        return shell_history.directories(self._db.conn, spool_dir)

    def shell_stats(self) -> dict[str, object]:
        return shell_history.stats(self._db.conn)

    # -- health ---------------------------------------------------------------------------
    def health(self) -> StoreHealth:
        """Integrity check, journal mode and pending migrations (for `recall doctor`)."""
        return {
            "integrity": self._db.execute("PRAGMA quick_check").fetchone()[0],
            "journal": self._db.execute("PRAGMA journal_mode").fetchone()[0],
            "pending_migrations": [m.name for m in build_migrations().pending(self._db)],
        }

    def data_version(self) -> tuple[int, int]:
        """Changes when this connection or another process writes to the store."""
        return self._db.execute("PRAGMA data_version").fetchone()[0], self._db.conn.total_changes

    def schema(self) -> str:
        """The canonical schema dump of this store (as in schema/recall.sql)."""
        return schema_sql(self._db)

    def close(self) -> None:
        self._db.close()
        if self._in_use is not None:
            os.close(self._in_use)
            self._in_use = None


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection with the pragmas recall relies on."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # deleted rows are overwritten with zeros, not left in free pages: a forget leaves no copy
    conn.execute("PRAGMA secure_delete = ON")
    return conn


@contextmanager
def _migration_lock(path: Path | str) -> Iterator[None]:
    """Hold the store's migration lock (a file beside it) while the block runs."""
    if str(path) == ":memory:":
        yield
        return
    fd = lock_file(Path(path).with_name(Path(path).name + ".lock"))  # waits for the other process's migration
    assert fd is not None
    try:
        yield
    finally:
        os.close(fd)


def open_store(path: Path | str, *, migrate: bool = True) -> Store:
    """Open (creating if needed) the store at ``path`` and apply pending migrations."""
    if str(path) != ":memory:":
        path = Path(path)
        make_private_dir(path.parent)
        # created 0600 before SQLite opens it: the -wal and -shm files take the database's mode
        create_private_file(path)
        for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if part.exists() and part.stat().st_mode & 0o077:
                part.chmod(PRIVATE_FILE)
    in_use = hold_in_use(Path(path)) if str(path) != ":memory:" else None
    try:
        conn = connect(path)
        db = Database(conn)
        if migrate and pending_migrations(db):
            # two commands opening a new home at once both saw the tables missing and both
            # created them ("table episodes already exists", the note not stored): one at a time
            with _migration_lock(path):
                apply_migrations(db)
    except sqlite3.DatabaseError as exc:
        if in_use is not None:
            os.close(in_use)
        raise RecallError(f"cannot open store {path}: {exc}{_damaged_hint(exc, path)}{_read_only_hint(path)}") \
            from None
    return Store(db, None if str(path) == ":memory:" else Path(path), in_use)


def _read_only_hint(path: Path | str) -> str:
    """Why SQLite could not open a store in a folder nothing can be written to: it writes its
    journal beside the file even to read."""
    folder = Path(path).parent
    if str(path) == ":memory:" or os.access(folder, os.W_OK):
        return ""
    return f" ({folder} is read-only: recall writes its journal and locks beside the store even to read it)"


def _damaged_hint(exc: sqlite3.DatabaseError, path: Path | str) -> str:
    """What to do about a store file that is damaged: restore a backup (the stores earlier
    restores replaced are named, as they are backups too)."""
    if not any(word in str(exc) for word in ("malformed", "not a database", "corrupt")):
        return ""
    from .backup import safety_copies

    copies = safety_copies(Path(path))
    kept = f"; the store an earlier restore replaced is {copies[-1]}" if copies else ""
    return f" (it is damaged: `recall backup FILE --restore` puts a backup in its place{kept})"


def hold_in_use(path: Path) -> int:
    """A descriptor of the store file holding a shared flock for as long as it is open, so a
    restore can tell that another process (recall mcp, watch, the TUI) has the store open and
    would go on writing to the file it replaces (it takes the exclusive lock, home.lock_file).
    (SQLite locks with fcntl, which flock does not touch.) A file a restore swapped while this
    waited is opened again."""
    import fcntl

    while True:
        fd = os.open(path, os.O_RDONLY)
        fcntl.flock(fd, fcntl.LOCK_SH)
        try:
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


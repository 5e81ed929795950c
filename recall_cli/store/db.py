"""Opening the store: one SQLite file, WAL, busy timeout, foreign keys, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from ..errors import RecallError
from .embeddings import EmbeddingQueries
from .events import EventQueries
from .memories import MemoryQueries
from .migrations import apply_migrations

BUSY_TIMEOUT_MS = 10_000


class Store(EventQueries, MemoryQueries, EmbeddingQueries):
    """The SQLite source of truth. Every write method is one transaction."""

    def __init__(self, db: Database, path: Path | None) -> None:
        self.db = db
        self.path = path

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    def close(self) -> None:
        self.db.close()


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection with the pragmas recall relies on."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def open_store(path: Path | str, *, migrate: bool = True) -> Store:
    """Open (creating if needed) the store at ``path`` and apply pending migrations."""
    if str(path) != ":memory:":
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = connect(path)
        db = Database(conn)
        if migrate:
            apply_migrations(db)
    except sqlite3.DatabaseError as exc:
        raise RecallError(f"cannot open store {path}: {exc}") from None
    return Store(db, None if str(path) == ":memory:" else Path(path))

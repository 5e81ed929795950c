"""What every store mixin shares: the private database handle, write transactions, id chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from sqlite_utils import Database

T = TypeVar("T")
CHUNK = 500  # ids per "IN (...)" list: well under SQLite's bound-parameter limit


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size``."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def marks(values: Sequence[object]) -> str:
    """``?, ?, ?`` for an IN list of ``values``."""
    return ", ".join("?" for _ in values)


class StoreBase:
    """The raw connection is private to the store package: every statement lives here."""

    _db: Database

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write. The outermost level takes the write lock up front.

        BEGIN IMMEDIATE (not a deferred BEGIN) so a concurrent writer makes us wait on
        the busy timeout; a deferred transaction that must upgrade a read lock would
        fail at once with "database is locked". Nested calls become savepoints.
        """
        conn = self._db.conn
        if conn.in_transaction:
            with self._db.atomic():
                yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")


def next_id(table: str) -> str:
    """SQL for the id of a new row of ``table`` (events, memories or memory_history): one above both the
    highest id there and the highest ever deleted (migration 0008 keeps it), so an id once
    given never names another row."""
    return (f"(SELECT max(coalesce((SELECT max(id) FROM {table}), 0), coalesce((SELECT CAST(value AS INTEGER) "
            f"FROM settings WHERE key = '{table}.high_water'), 0)) + 1)")

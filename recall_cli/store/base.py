"""What every store mixin shares: the database and write transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database


class StoreBase:
    db: Database

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One atomic write. The outermost level takes the write lock up front.

        BEGIN IMMEDIATE (not a deferred BEGIN) so a concurrent writer makes us wait on
        the busy timeout; a deferred transaction that must upgrade a read lock would
        fail at once with "database is locked". Nested calls become savepoints.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

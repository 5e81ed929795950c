"""Embedding rows: float32 blobs keyed by owner and model, with a content hash."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from ..errors import NoRoom
from .base import StoreBase, chunks, marks
from .events import event_filters


class EmbeddingQueries(StoreBase):
    """Mixin for Store: vectors for events and memories."""

    def owners_missing_vectors(self, owner: str, model: str, limit: int | None = None) -> list[int]:
        """Ids of events (or memories) that have no vector for ``model`` yet."""
        table = "events" if owner == "event" else "memories"
        sql = (
            f"SELECT t.id FROM {table} t LEFT JOIN embeddings x ON x.owner = ? "
            "AND x.owner_id = t.id AND x.model = ? WHERE x.id IS NULL ORDER BY t.id"
        )
        params: list[object] = [owner, model]
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        return [r[0] for r in self._db.execute(sql, params)]

    def vectors_by_hash(self, model: str, hashes: Sequence[str]) -> dict[str, bytes]:
        """Stored vectors for content hashes, so identical text is embedded once."""
        found: dict[str, bytes] = {}
        for chunk in chunks(dict.fromkeys(hashes)):
            for h, blob in self._db.execute(
                f"SELECT content_hash, vector FROM embeddings WHERE model = ? AND content_hash IN ({marks(chunk)})",
                [model, *chunk],
            ):
                found[h] = blob
        return found

    def stored_hashes(self, owner: str, model: str, owner_ids: Sequence[int]) -> dict[int, str]:
        """Content hash of the current vector of each owner, when it has one."""
        found: dict[int, str] = {}
        for chunk in chunks(owner_ids):
            for oid, h in self._db.execute(
                f"SELECT owner_id, content_hash FROM embeddings WHERE owner = ? AND model = ? "
                f"AND owner_id IN ({marks(chunk)})",
                [owner, model, *chunk],
            ):
                found[oid] = h
        return found

    def put_vectors(self, owner: str, model: str, dim: int, rows: Sequence[tuple[int, str, bytes]]) -> int:
        """Store (owner_id, content_hash, blob) rows in one transaction.

        A changed vector is deleted and re-inserted so it gets a new id and leaves a
        tombstone: every process's HNSW cache then notices the change.
        """
        try:
            return self._put(owner, model, dim, rows)
        except sqlite3.OperationalError as exc:
            if "full" not in str(exc):
                raise
            raise NoRoom(f"the disk is full ({exc}): items stay without a vector, found by their words "
                         "until there is room") from None

    def _put(self, owner: str, model: str, dim: int, rows: Sequence[tuple[int, str, bytes]]) -> int:
        written = 0
        with self.transaction():
            for owner_id, chash, blob in rows:
                self._db.execute(
                    "DELETE FROM embeddings WHERE owner = ? AND owner_id = ? AND model = ? "
                    "AND content_hash != ?",
                    [owner, owner_id, model, chash],
                )
                cursor = self._db.execute(
                    "INSERT INTO embeddings (owner, owner_id, model, dim, content_hash, vector) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(owner, owner_id, model) DO NOTHING",
                    [owner, owner_id, model, dim, chash, blob],
                )
                written += cursor.rowcount
        return written

    def vector_fingerprint(self, model: str) -> tuple[int, int, int]:
        """(count, max id, dim) of the vectors for a model."""
        # count and max id come from the (model, id) index alone; reading dim from every row
        # would read every vector blob (270 ms at 100k vectors)
        count, max_id = self._db.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM embeddings WHERE model = ?", [model]).fetchone()
        row = self._db.execute("SELECT dim FROM embeddings WHERE model = ? AND id = ?", [model, max_id]).fetchone()
        return count, max_id, row[0] if row else 0

    def iter_vectors(self, model: str, after_id: int = 0, batch: int = 5000) -> Iterator[list[tuple[int, bytes]]]:
        """(embedding id, blob) in id order, in batches."""
        last = after_id
        while True:
            rows = self._db.execute(
                "SELECT id, vector FROM embeddings WHERE model = ? AND id > ? ORDER BY id LIMIT ?",
                [model, last, batch],
            ).fetchall()
            if not rows:
                return
            yield [(r[0], r[1]) for r in rows]
            last = rows[-1][0]

    def tombstones_after(self, model: str, seq: int) -> list[tuple[int, int]]:
        """(seq, embedding id) of vectors removed since ``seq``."""
        return [
            (r[0], r[1])
            for r in self._db.execute(
                "SELECT seq, embedding_id FROM embedding_tombstones WHERE model = ? AND seq > ? ORDER BY seq",
                [model, seq],
            )
        ]

    def last_tombstone(self) -> int:
        return self._db.execute("SELECT coalesce(max(seq), 0) FROM embedding_tombstones").fetchone()[0]

    def vector_owners(self, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """Embedding id -> (owner, owner id)."""
        found: dict[int, tuple[str, int]] = {}
        for chunk in chunks(ids):
            for vid, owner, oid in self._db.execute(
                f"SELECT id, owner, owner_id FROM embeddings WHERE id IN ({marks(chunk)})", chunk
            ):
                found[vid] = (owner, oid)
        return found

    def vector_models(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self._db.execute("SELECT model, count(*) FROM embeddings GROUP BY model")}

    def owner_vectors(self, owner: str, model: str, owner_ids: Sequence[int]) -> dict[int, bytes]:
        """The vector blob of each owner that has one."""
        out: dict[int, bytes] = {}
        for chunk in chunks(owner_ids):
            for oid, blob in self._db.execute(
                    f"SELECT owner_id, vector FROM embeddings WHERE owner = ? AND model = ? "
                    f"AND owner_id IN ({marks(chunk)})", [owner, model, *chunk]):
                out[oid] = blob
        return out

    def memory_vector_count(self, model: str) -> int:
        return self._db.execute("SELECT count(*) FROM embeddings WHERE owner = 'memory' AND model = ?",
                                [model]).fetchone()[0]

    def active_memory_vectors(self, model: str, kind: str | None = None) -> list[tuple[int, bytes]]:
        """(memory id, blob) of every active memory (of one kind) that has a vector."""
        sql = ("SELECT m.id, x.vector FROM memories m JOIN embeddings x ON x.owner = 'memory' "
               "AND x.owner_id = m.id AND x.model = ? WHERE m.status = 'active'")
        params: list[object] = [model]
        if kind is not None:
            sql += " AND m.kind = ?"
            params.append(kind)
        return [(r[0], r[1]) for r in self._db.execute(sql, params)]

    def _filtered(self, model: str, since: float | None, until: float | None,
                  sources: Sequence[str] | None) -> tuple[str, list[object]]:
        filters, params = event_filters(since, until, sources)
        return ("FROM embeddings x JOIN events e ON e.id = x.owner_id WHERE x.owner = 'event' AND x.model = ?"
                + filters, [model, *params])

    def event_vector_count(self, model: str, since: float | None, until: float | None,
                           sources: Sequence[str] | None) -> int:
        """How many event vectors pass search filters."""
        body, params = self._filtered(model, since, until, sources)
        return self._db.execute(f"SELECT count(*) {body}", params).fetchone()[0]

    def event_vectors(self, model: str, since: float | None, until: float | None,
                      sources: Sequence[str] | None) -> list[tuple[int, bytes]]:
        """(event id, blob) of the event vectors that pass search filters."""
        body, params = self._filtered(model, since, until, sources)
        return [(r[0], r[1]) for r in self._db.execute(f"SELECT e.id, x.vector {body}", params)]

    def event_vector_ids(self, model: str, since: float | None, until: float | None,
                         sources: Sequence[str] | None) -> set[int]:
        """Embedding ids (index labels) of the event vectors that pass search filters."""
        body, params = self._filtered(model, since, until, sources)
        return {r[0] for r in self._db.execute(f"SELECT x.id {body}", params)}

    def vector_sample(self, model: str, owner: str, picks: Sequence[int] | None, size: int) -> list[bytes]:
        """Vectors of ``owner`` for ``model``: those with the embedding ids ``picks`` (missing ids
        skipped), or every one when ``picks`` is None, else the first ``size`` when picks is empty."""
        if picks is None:
            return [r[0] for r in self._db.execute("SELECT vector FROM embeddings WHERE model = ? AND owner = ?",
                                                   [model, owner])]
        if not picks:
            return [r[0] for r in self._db.execute(
                "SELECT vector FROM embeddings WHERE model = ? AND owner = ? ORDER BY id LIMIT ?",
                [model, owner, size])]
        out: list[bytes] = []
        for chunk in chunks(picks):
            out += [r[0] for r in self._db.execute(
                f"SELECT vector FROM embeddings WHERE id IN ({marks(chunk)}) AND model = ? AND owner = ?",
                [*chunk, model, owner])]
        return out

    def vector_id_range(self, model: str, owner: str) -> tuple[int, int, int]:
        """(count, min id, max id) of the vectors of ``owner`` for ``model``."""
        count, low, high = self._db.execute(
            "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM embeddings "
            "WHERE model = ? AND owner = ?", [model, owner]).fetchone()
        return count, low, high

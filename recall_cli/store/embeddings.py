"""Embedding rows: float32 blobs keyed by owner and model, with a content hash."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from .base import StoreBase

if TYPE_CHECKING:
    from sqlite_utils import Database


class EmbeddingQueries(StoreBase):
    """Mixin for Store: vectors for events and memories."""

    db: Database

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
        return [r[0] for r in self.db.execute(sql, params)]

    def vectors_by_hash(self, model: str, hashes: Sequence[str]) -> dict[str, bytes]:
        """Stored vectors for content hashes, so identical text is embedded once."""
        found: dict[str, bytes] = {}
        hashes = list(dict.fromkeys(hashes))
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for h, blob in self.db.execute(
                f"SELECT content_hash, vector FROM embeddings WHERE model = ? AND content_hash IN ({marks})",
                [model, *chunk],
            ):
                found[h] = blob
        return found

    def stored_hashes(self, owner: str, model: str, owner_ids: Sequence[int]) -> dict[int, str]:
        """Content hash of the current vector of each owner, when it has one."""
        found: dict[int, str] = {}
        ids = list(owner_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for oid, h in self.db.execute(
                f"SELECT owner_id, content_hash FROM embeddings WHERE owner = ? AND model = ? "
                f"AND owner_id IN ({marks})",
                [owner, model, *chunk],
            ):
                found[oid] = h
        return found

    def put_vectors(self, owner: str, model: str, dim: int, rows: Sequence[tuple[int, str, bytes]]) -> int:
        """Store (owner_id, content_hash, blob) rows in one transaction.

        A changed vector is deleted and re-inserted so it gets a new id and leaves a
        tombstone: every process's HNSW cache then notices the change.
        """
        written = 0
        with self.transaction():
            for owner_id, chash, blob in rows:
                self.db.execute(
                    "DELETE FROM embeddings WHERE owner = ? AND owner_id = ? AND model = ? "
                    "AND content_hash != ?",
                    [owner, owner_id, model, chash],
                )
                cursor = self.db.execute(
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
        count, max_id = self.db.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM embeddings WHERE model = ?", [model]).fetchone()
        row = self.db.execute("SELECT dim FROM embeddings WHERE model = ? AND id = ?", [model, max_id]).fetchone()
        return count, max_id, row[0] if row else 0

    def iter_vectors(self, model: str, after_id: int = 0, batch: int = 5000) -> Iterator[list[tuple[int, bytes]]]:
        """(embedding id, blob) in id order, in batches."""
        last = after_id
        while True:
            rows = self.db.execute(
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
            for r in self.db.execute(
                "SELECT seq, embedding_id FROM embedding_tombstones WHERE model = ? AND seq > ? ORDER BY seq",
                [model, seq],
            )
        ]

    def last_tombstone(self) -> int:
        return self.db.execute("SELECT coalesce(max(seq), 0) FROM embedding_tombstones").fetchone()[0]

    def vector_owners(self, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """Embedding id -> (owner, owner id)."""
        found: dict[int, tuple[str, int]] = {}
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for vid, owner, oid in self.db.execute(
                f"SELECT id, owner, owner_id FROM embeddings WHERE id IN ({marks})", chunk
            ):
                found[vid] = (owner, oid)
        return found

    def vector_models(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.execute("SELECT model, count(*) FROM embeddings GROUP BY model")}

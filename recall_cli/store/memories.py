"""Memory queries: the consolidated layer (filled by consolidation, pins and edits)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..models import Memory
from .base import StoreBase

if TYPE_CHECKING:
    from sqlite_utils import Database


class MemoryQueries(StoreBase):
    """Mixin for Store: reads and deletes of memories."""

    db: Database

    def get_memory(self, memory_id: int) -> Memory | None:
        rows = list(self.db.query("SELECT * FROM memories WHERE id = ?", [memory_id]))
        return Memory.from_row(rows[0]) if rows else None

    def get_memories(self, ids: Sequence[int]) -> dict[int, Memory]:
        found: dict[int, Memory] = {}
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self.db.query(f"SELECT * FROM memories WHERE id IN ({marks})", chunk):
                found[row["id"]] = Memory.from_row(row)
        return found

    def memory_sources(self, memory_id: int) -> list[int]:
        """Event ids a memory came from, oldest first."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT s.event_id FROM memory_sources s JOIN events e ON e.id = s.event_id "
                "WHERE s.memory_id = ? ORDER BY e.ts_start, e.id",
                [memory_id],
            )
        ]

    def memory_history(self, memory_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT * FROM memory_history WHERE memory_id = ? ORDER BY ts, id", [memory_id]
            )
        )

    def fts_memories(self, match: str, limit: int, include_superseded: bool = False) -> list[tuple[int, float]]:
        if not match:
            return []
        status = "" if include_superseded else " AND m.status = 'active'"
        sql = (
            "SELECT m.id, bm25(memories_fts) AS score FROM memories_fts "
            "JOIN memories m ON m.id = memories_fts.rowid "
            f"WHERE memories_fts MATCH ?{status} ORDER BY score LIMIT ?"
        )
        return [(r[0], -r[1]) for r in self.db.execute(sql, [match, limit])]

    def delete_memories(self, ids: Sequence[int]) -> int:
        """Delete memories for real, with their provenance, history and vectors."""
        deleted = 0
        with self.transaction():
            for memory_id in ids:
                deleted += self.db.execute("DELETE FROM memories WHERE id = ?", [memory_id]).rowcount
        return deleted

    def count_memories(self) -> dict[str, int]:
        return {
            r[0]: r[1]
            for r in self.db.execute(
                "SELECT kind, count(*) FROM memories WHERE status = 'active' GROUP BY kind"
            )
        }

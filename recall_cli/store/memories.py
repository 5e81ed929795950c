"""Memory queries: the consolidated layer (filled by consolidation, pins and edits).

Every write here runs inside the caller's transaction (the memory book opens one per
change) or its own; the history rows that say who changed what are written here too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..models import Memory, content_hash
from .base import chunks, marks, next_id
from .clock import ClockQueries

STATE_FIELDS = ("kind", "subject", "text", "status", "importance", "strength", "last_reinforced", "reinforcements",
                "pinned", "edited_by_user", "valid_from", "valid_to", "created_at", "meta")


class MemoryQueries(ClockQueries):
    """Mixin for Store: memories, their provenance and their history."""

    # -- reading --------------------------------------------------------------------------
    def get_memory(self, memory_id: int) -> Memory | None:
        rows = list(self._db.query("SELECT * FROM memories WHERE id = ?", [memory_id]))
        return Memory.from_row(rows[0]) if rows else None

    def get_memories(self, ids: Sequence[int]) -> dict[int, Memory]:
        found: dict[int, Memory] = {}
        for chunk in chunks(ids):
            for row in self._db.query(f"SELECT * FROM memories WHERE id IN ({marks(chunk)})", chunk):
                found[row["id"]] = Memory.from_row(row)
        return found

    def list_memories(self, kinds: Sequence[str] | None = None, include_superseded: bool = False) -> list[Memory]:
        """Memories, pinned first, then newest (by valid-from or creation) first."""
        sql = "SELECT * FROM memories WHERE 1 = 1"
        params: list[Any] = []
        if not include_superseded:
            sql += " AND status = 'active'"
        if kinds:
            sql += f" AND kind IN ({marks(kinds)})"
            params.extend(kinds)
        sql += " ORDER BY pinned DESC, coalesce(valid_from, created_at) DESC, id DESC"
        return [Memory.from_row(row) for row in self._db.query(sql, params)]

    def core_memories(self) -> list[Memory]:
        """Active core and pinned memories, core first."""
        rows = self._db.query(
            "SELECT * FROM memories WHERE status = 'active' AND (kind = 'core' OR pinned = 1) "
            "ORDER BY kind = 'core' DESC, id"
        )
        return [Memory.from_row(r) for r in rows]

    def active_memory_by_hash(self, content_hash: str) -> int | None:
        """The active memory with this content hash (kind, subject and text)."""
        row = self._db.execute("SELECT id FROM memories WHERE content_hash = ? AND status = 'active'",
                               [content_hash]).fetchone()
        return row[0] if row else None

    def episode_summary(self, episode_id: int) -> tuple[int, str] | None:
        """(id, text) of the active episodic memory that summarises an episode: one that says so
        and comes from its events (each device numbers its episodes itself, so a summary synced
        from another device may carry the same number for other events)."""
        row = self._db.execute(
            "SELECT m.id, m.text FROM memories m WHERE m.kind = 'episodic' AND m.status = 'active' "
            "AND json_extract(m.meta, '$.episode_id') = ? AND EXISTS (SELECT 1 FROM memory_sources s "
            "JOIN events e ON e.id = s.event_id WHERE s.memory_id = m.id AND e.episode_id = ?)",
            [episode_id, episode_id]).fetchone()
        return (row[0], row[1]) if row else None

    def memory_sources(self, memory_id: int) -> list[int]:
        """Event ids a memory came from, oldest first."""
        return [
            r[0]
            for r in self._db.execute(
                "SELECT s.event_id FROM memory_sources s JOIN events e ON e.id = s.event_id "
                "WHERE s.memory_id = ? ORDER BY e.ts_start, e.id",
                [memory_id],
            )
        ]

    def memories_from_event(self, event_id: int) -> list[int]:
        """Ids of the memories an event is a source of."""
        return [r[0] for r in self._db.execute(
            "SELECT memory_id FROM memory_sources WHERE event_id = ? ORDER BY memory_id", [event_id])]

    def derived_memories(self, event_ids: Sequence[int]) -> list[int]:
        """The memories made from any of these events that the user never edited: what
        forgetting the events must take with them."""
        memories: set[int] = set()
        for chunk in chunks(event_ids):
            memories.update(r[0] for r in self._db.execute(
                f"SELECT DISTINCT s.memory_id FROM memory_sources s JOIN memories m ON m.id = s.memory_id "
                f"WHERE s.event_id IN ({marks(chunk)}) AND NOT m.edited_by_user", chunk))
        return sorted(memories)

    def memory_history(self, memory_id: int) -> list[dict[str, Any]]:
        return list(
            self._db.query(
                "SELECT * FROM memory_history WHERE memory_id = ? ORDER BY ts, id", [memory_id]
            )
        )

    def memory_texts(self, ids: Sequence[int]) -> dict[int, tuple[str | None, str]]:
        """Memory id -> (subject, text)."""
        out: dict[int, tuple[str | None, str]] = {}
        for chunk in chunks(ids):
            for mid, subject, text in self._db.execute(
                    f"SELECT id, subject, text FROM memories WHERE id IN ({marks(chunk)})", chunk):
                out[mid] = (subject, text)
        return out

    def fts_memories(self, match: str, limit: int, include_superseded: bool = False) -> list[tuple[int, float]]:
        if not match:
            return []
        status = "" if include_superseded else " AND m.status = 'active'"
        sql = (
            "SELECT m.id, bm25(memories_fts) AS score FROM memories_fts "
            "JOIN memories m ON m.id = memories_fts.rowid "
            f"WHERE memories_fts MATCH ?{status} ORDER BY score LIMIT ?"
        )
        return [(r[0], -r[1]) for r in self._db.execute(sql, [match, limit])]

    def count_memories(self) -> dict[str, int]:
        """Active memories by kind."""
        return {
            r[0]: r[1]
            for r in self._db.execute(
                "SELECT kind, count(*) FROM memories WHERE status = 'active' GROUP BY kind"
            )
        }

    def count_all_memories(self) -> int:
        """Every memory row, superseded ones included (each may own a vector)."""
        return self._db.execute("SELECT count(*) FROM memories").fetchone()[0]

    def event_hashes(self, ids: Sequence[int]) -> dict[int, str]:
        """Event id -> content hash (the event's id on every device)."""
        out: dict[int, str] = {}
        for chunk in chunks(ids):
            out.update(self._db.execute(f"SELECT id, content_hash FROM events WHERE id IN ({marks(chunk)})",
                                        chunk).fetchall())
        return out

    def memory_state(self, memory_id: int) -> dict[str, Any]:
        """A memory's fields as another device needs them to replay a change (ids as uids and
        event hashes, which mean the same thing everywhere)."""
        row = self._db.execute(
            f"SELECT {', '.join(STATE_FIELDS)}, uid, (SELECT uid FROM memories s WHERE s.id = m.superseded_by) "
            "FROM memories m WHERE id = ?", [memory_id]).fetchone()
        if row is None:
            return {}
        state = dict(zip(STATE_FIELDS, row[: len(STATE_FIELDS)], strict=True))
        state["meta"] = json.loads(state["meta"] or "{}")
        state["pinned"], state["edited_by_user"] = bool(state["pinned"]), bool(state["edited_by_user"])
        state["uid"], state["superseded_by"] = row[-2], row[-1]
        state["sources"] = sorted(r[0] for r in self._db.execute(
            "SELECT e.content_hash FROM memory_sources s JOIN events e ON e.id = s.event_id WHERE s.memory_id = ?",
            [memory_id]))
        return state

    def derived_uid(self, kind: str, subject: str | None, text: str, sources: Sequence[int]) -> str:
        """The uid a memory of this text from these events gets (see insert_memory)."""
        hashes = sorted(self.event_hashes(sources).values())
        return content_hash("memory", kind, subject, text, *hashes)[:32]

    def memory_forgotten(self, uid: str) -> bool:
        """Whether a memory of this uid was forgotten (here or on a synced device)."""
        return self._db.execute("SELECT 1 FROM tombstones WHERE owner = 'memory' AND key = ?",
                                [uid]).fetchone() is not None

    # -- writing --------------------------------------------------------------------------
    def insert_memory(self, memory: Memory, sources: Sequence[int] = ()) -> int:
        """Insert an active memory; returns its id. Its uid, unless given, is derived from what
        it says and the events it came from, so two devices that distil the same memory from
        the same events give it the same uid (sync then merges them instead of duplicating)."""
        if not memory.uid:
            base = self.derived_uid(memory.kind, memory.subject, memory.text, sources)
            memory.uid, n = base, 1
            while self._db.execute("SELECT 1 FROM memories WHERE uid = ?", [memory.uid]).fetchone():
                n += 1  # the same text again after its first copy was superseded
                memory.uid = f"{base}-{n}"
        cursor = self._db.execute(
            "INSERT INTO memories (id, kind, subject, text, status, importance, strength, "
            "last_reinforced, pinned, valid_from, created_at, updated_at, content_hash, meta, uid) "
            "VALUES (" + next_id("memories") + ", ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [memory.kind, memory.subject, memory.text, memory.importance, memory.strength,
             memory.last_reinforced, int(memory.pinned), memory.valid_from, memory.created_at,
             memory.updated_at, memory.content_hash, json.dumps(memory.meta, ensure_ascii=False), memory.uid],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def link_sources(self, memory_id: int, event_ids: Sequence[int]) -> None:
        """Provenance: the memory came from these events (ids that no longer exist are skipped)."""
        for event_id in dict.fromkeys(event_ids):
            self._db.execute(
                "INSERT OR IGNORE INTO memory_sources (memory_id, event_id) SELECT ?, id FROM events WHERE id = ?",
                [memory_id, event_id],
            )

    def add_history(self, memory_id: int, action: str, actor: str, old: str | None, new: str | None,
                    detail: dict[str, Any] | None, at: float) -> None:
        """One row of a memory's history: who changed what, when; stamped with this device's
        clock and the memory's state after the change (what another device replays)."""
        self._db.execute(
            "INSERT INTO memory_history (id, memory_id, ts, action, actor, old_text, new_text, detail, hlc, device, "
            "state) VALUES (" + next_id("memory_history") + ", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [memory_id, at, action, actor, old, new, json.dumps(detail or {}, ensure_ascii=False),
             self.next_hlc(), self.device_id(), json.dumps(self.memory_state(memory_id), ensure_ascii=False)],
        )

    def update_memory_text(self, memory_id: int, text: str, subject: str | None, importance: int,
                           content_hash: str, at: float, by_user: bool) -> None:
        """New text for a memory; a user's edit marks it as protected from consolidation. Its
        vector goes with the old text (the next search or the daemon embeds the new one)."""
        self._db.execute(
            "UPDATE memories SET text = ?, subject = ?, importance = ?, updated_at = ?, "
            "content_hash = ?, edited_by_user = edited_by_user OR ? WHERE id = ?",
            [text, subject, importance, at, content_hash, int(by_user), memory_id],
        )
        self._db.execute("DELETE FROM embeddings WHERE owner = 'memory' AND owner_id = ?", [memory_id])

    def mark_superseded(self, memory_id: int, successor: int, valid_to: float, at: float) -> None:
        self._db.execute(
            "UPDATE memories SET status = 'superseded', valid_to = ?, superseded_by = ?, updated_at = ? WHERE id = ?",
            [valid_to, successor, at, memory_id],
        )

    def set_memory_pinned(self, memory_id: int, pinned: bool, at: float) -> None:
        self._db.execute("UPDATE memories SET pinned = ?, updated_at = ? WHERE id = ?", [int(pinned), at, memory_id])

    def set_memory_strength(self, memory_id: int, strength: float, at: float) -> None:
        """A reinforcement: new strength, the clock restarts, one more repetition counted."""
        self._db.execute(
            "UPDATE memories SET strength = ?, last_reinforced = ?, reinforcements = reinforcements + 1 WHERE id = ?",
            [strength, at, memory_id],
        )

    def delete_memories(self, ids: Sequence[int]) -> int:
        """Delete memories for real, with their provenance, history and vectors."""
        deleted = 0
        with self.transaction():
            for memory_id in ids:
                deleted += self._db.execute("DELETE FROM memories WHERE id = ?", [memory_id]).rowcount
        return deleted

"""Episode queries: grouping events into episodes and tracking their consolidation."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..models import Event
from .base import StoreBase, chunks, marks


class EpisodeQueries(StoreBase):
    """Mixin for Store: episodes and the events in them."""

    def ungrouped_events(self, limit: int) -> list[Event]:
        """Events captured here and not yet in an episode, oldest first. Events merged from
        another device are that device's to consolidate: their memories arrive by sync."""
        return [Event.from_row(r) for r in self._db.query(
            "SELECT * FROM events WHERE episode_id IS NULL AND origin IS NULL ORDER BY ts_start, id LIMIT ?",
            [limit])]

    def open_episode(self, key: str) -> tuple[int, float] | None:
        """(id, end) of the latest not-yet-consolidated episode for a grouping key."""
        row = self._db.execute(
            "SELECT id, ts_end FROM episodes WHERE key = ? AND status IN ('pending', 'retry') "
            "ORDER BY ts_end DESC LIMIT 1",
            [key],
        ).fetchone()
        return (row[0], row[1]) if row else None

    def insert_episode(self, source: str, session: str | None, title: str, start: float, end: float,
                       key: str | None) -> int:
        cursor = self._db.execute(
            "INSERT INTO episodes (source, session, title, ts_start, ts_end, key, meta) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [source, session, title, start, end, key, json.dumps({})],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def extend_episode(self, episode_id: int, end: float) -> None:
        self._db.execute("UPDATE episodes SET ts_end = ? WHERE id = ?", [end, episode_id])

    def set_event_episode(self, event_id: int, episode_id: int) -> None:
        self._db.execute("UPDATE events SET episode_id = ? WHERE id = ?", [episode_id, event_id])

    def episode_events(self, episode_id: int) -> list[Event]:
        """The events of an episode in time order."""
        return [Event.from_row(r) for r in self._db.query(
            "SELECT * FROM events WHERE episode_id = ? ORDER BY ts_start, id", [episode_id])]

    def pending_episodes(self, max_attempts: int, since: float | None = None, limit: int | None = None,
                         only: Sequence[int] | None = None) -> list[int]:
        """Episodes waiting for consolidation (or a retry under ``max_attempts``), oldest first."""
        sql = "SELECT id FROM episodes WHERE (status = 'pending' OR (status = 'retry' AND attempts < ?))"
        params: list[Any] = [max_attempts]
        if only is not None:
            sql += f" AND id IN ({marks(only) or 'NULL'})"
            params.extend(only)
        if since is not None:
            sql += " AND ts_end >= ?"
            params.append(since)
        sql += " ORDER BY ts_start, id"
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        return [r[0] for r in self._db.execute(sql, params)]

    def set_episode_status(self, episode_id: int, status: str, consolidated_at: float | None) -> None:
        """Record a consolidation attempt's outcome."""
        self._db.execute(
            "UPDATE episodes SET status = ?, attempts = attempts + 1, consolidated_at = ? WHERE id = ?",
            [status, consolidated_at, episode_id],
        )

    def reopen_episodes(self, ids: Sequence[int]) -> None:
        """Those of ``ids`` that still hold events are consolidated again, as if new (after a
        forget took some of their events and what was made from them)."""
        for chunk in chunks(ids):
            self._db.execute(f"UPDATE episodes SET status = 'pending', attempts = 0, consolidated_at = NULL "
                             f"WHERE id IN ({marks(chunk)})", chunk)

    def count_episodes(self) -> int:
        return self._db.execute("SELECT count(*) FROM episodes").fetchone()[0]

"""Grouping events into episodes: the unit consolidation works on.

- chat (and mcp) messages: one episode per session, split when a gap exceeds chat_gap;
- shell commands: per shell session and working directory, split by shell_gap;
- file paragraphs: per file, edits close in time (file_gap);
- a note without a session: an episode on its own;
- anything else: per source and session, split by other_gap.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .models import Event

if TYPE_CHECKING:
    from .store import Store

MINUTE = 60.0


@dataclass(frozen=True)
class EpisodeRules:
    chat_gap: float = 120 * MINUTE
    shell_gap: float = 30 * MINUTE
    file_gap: float = 60 * MINUTE
    other_gap: float = 60 * MINUTE

    @classmethod
    def from_config(cls, config: Any) -> EpisodeRules:
        return cls(
            chat_gap=config.get("episode.chat_gap_minutes") * MINUTE,
            shell_gap=config.get("episode.shell_gap_minutes") * MINUTE,
            file_gap=config.get("episode.file_gap_minutes") * MINUTE,
            other_gap=config.get("episode.other_gap_minutes") * MINUTE,
        )


def episode_key(event: Event) -> tuple[str, float] | None:
    """(grouping key, gap kind) for an event; None means an episode of its own."""
    source = event.source
    if source == "shell":
        return f"shell|{event.session or ''}|{event.meta.get('cwd', '')}", 1
    if source == "file":
        return f"file|{event.meta.get('path', event.session or '')}", 2
    if event.session:
        return f"{source}|{event.session}", 0 if source in {"chat", "mcp"} else 3
    if source in {"note", "mcp"}:
        return None
    return f"{source}|", 3


def _gap(rules: EpisodeRules, kind: float) -> float:
    return (rules.chat_gap, rules.shell_gap, rules.file_gap, rules.other_gap)[int(kind)]


def _title(event: Event) -> str:
    if event.source == "shell":
        return f"shell in {event.meta.get('cwd', '?')}"
    if event.source == "file":
        return f"edits to {event.meta.get('path', '?')}"
    if event.session:
        return f"{event.source} {event.session}"
    return event.text[:60]


def assign_episodes(store: Store, rules: EpisodeRules | None = None, batch: int = 5000) -> list[int]:
    """Put every event without an episode into one; returns the episode ids touched."""
    rules = rules or EpisodeRules()
    touched: dict[int, None] = {}
    open_by_key: dict[str, tuple[int, float]] = {}
    while True:
        rows = list(store.db.query(
            "SELECT * FROM events WHERE episode_id IS NULL ORDER BY ts_start, id LIMIT ?", [batch]))
        if not rows:
            break
        with store.transaction():
            for row in rows:
                event = Event.from_row(row)
                found = episode_key(event)
                episode_id = None
                if found is not None:
                    key, kind = found
                    current = open_by_key.get(key) or _open_episode(store, key)
                    if current and event.ts_start - current[1] <= _gap(rules, kind):
                        episode_id = current[0]
                        end = max(current[1], event.ts_end or event.ts_start)
                        store.db.execute("UPDATE episodes SET ts_end = ? WHERE id = ?", [end, episode_id])
                        open_by_key[key] = (episode_id, end)
                else:
                    key = None
                if episode_id is None:
                    end = event.ts_end or event.ts_start
                    cursor = store.db.execute(
                        "INSERT INTO episodes (source, session, title, ts_start, ts_end, key, meta) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [event.source, event.session, _title(event), event.ts_start, end, key,
                         json.dumps({})],
                    )
                    episode_id = cursor.lastrowid
                    if key is not None:
                        open_by_key[key] = (episode_id, end)
                store.db.execute("UPDATE events SET episode_id = ? WHERE id = ?", [episode_id, event.id])
                touched[episode_id] = None
    return list(touched)


def _open_episode(store: Store, key: str) -> tuple[int, float] | None:
    """The latest not-yet-consolidated episode for a key."""
    row = store.db.execute(
        "SELECT id, ts_end FROM episodes WHERE key = ? AND status IN ('pending', 'retry') "
        "ORDER BY ts_end DESC LIMIT 1",
        [key],
    ).fetchone()
    return (row[0], row[1]) if row else None


def episode_events(store: Store, episode_id: int) -> list[Event]:
    return [Event.from_row(r) for r in store.db.query(
        "SELECT * FROM events WHERE episode_id = ? ORDER BY ts_start, id", [episode_id])]

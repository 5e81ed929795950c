"""Grouping events into episodes: the unit consolidation works on.

- chat (and mcp) messages: one episode per session, split when a gap exceeds chat_gap;
- shell commands: per shell session and working directory, split by shell_gap;
- file paragraphs: per file, edits close in time (file_gap);
- a note without a session: an episode on its own;
- anything else: per source and session, split by other_gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models import Event, clip

if TYPE_CHECKING:
    from ..config import Config
    from ..store.db import Store

MINUTE = 60.0


@dataclass(frozen=True)
class EpisodeRules:
    chat_gap: float = 120 * MINUTE
    shell_gap: float = 30 * MINUTE
    file_gap: float = 60 * MINUTE
    other_gap: float = 60 * MINUTE

    @classmethod
    def from_config(cls, config: Config) -> EpisodeRules:
        """The episode.*_gap_minutes settings, in seconds."""
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
    return clip(event.text, 60)


def assign_episodes(store: Store, rules: EpisodeRules | None = None, batch: int = 5000) -> list[int]:
    """Put every event without an episode into one; returns the episode ids touched."""
    rules = rules or EpisodeRules()
    touched: dict[int, None] = {}
    open_by_key: dict[str, tuple[int, float]] = {}
    while True:
        events = store.ungrouped_events(batch)
        if not events:
            break
        with store.transaction():
            for event in events:
                assert event.id is not None
                found = episode_key(event)
                episode_id = None
                if found is not None:
                    key, kind = found
                    current = open_by_key.get(key) or store.open_episode(key)
                    if current and event.ts_start - current[1] <= _gap(rules, kind):
                        episode_id = current[0]
                        end = max(current[1], event.ts_end or event.ts_start)
                        store.extend_episode(episode_id, end)
                        open_by_key[key] = (episode_id, end)
                else:
                    key = None
                if episode_id is None:
                    end = event.ts_end or event.ts_start
                    episode_id = store.insert_episode(event.source, event.session, _title(event),
                                                      event.ts_start, end, key)
                    if key is not None:
                        open_by_key[key] = (episode_id, end)
                store.set_event_episode(event.id, episode_id)
                touched[episode_id] = None
    return list(touched)

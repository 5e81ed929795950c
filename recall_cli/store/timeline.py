"""The timeline's queries (the TUI's browser): days, the episodes on a day, their events.

Days are local days, as everywhere else in recall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from ..errors import NotFoundError
from ..models import Event
from ..timeutil import day_bounds
from .base import StoreBase, marks

if TYPE_CHECKING:
    from ..service import Recall

SOURCES = ("note", "chat", "shell", "file", "screen", "mcp")
LOCAL_DAY = "date(e.ts_start, 'unixepoch', 'localtime')"


@dataclass(frozen=True)
class Filters:
    """What the timeline shows: sources, event kinds and a time range (all optional)."""

    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    since: float | None = None
    until: float | None = None

    def where(self, alias: str = "e") -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.sources:
            clauses.append(f"{alias}.source IN ({marks(self.sources)})")
            params.extend(self.sources)
        if self.kinds:
            clauses.append(f"{alias}.kind IN ({marks(self.kinds)})")
            params.extend(self.kinds)
        if self.since is not None:
            clauses.append(f"{alias}.ts_start >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append(f"{alias}.ts_start <= ?")
            params.append(self.until)
        return "".join(f" AND {c}" for c in clauses), params

    @property
    def active(self) -> bool:
        return bool(self.sources or self.kinds or self.since is not None or self.until is not None)


@dataclass
class Day:
    day: str  # YYYY-MM-DD, local
    events: int
    by_source: dict[str, int]


@dataclass
class Group:
    """The events of one episode on one day (episode_id None: not grouped yet)."""

    episode_id: int | None
    title: str
    source: str
    status: str
    ts_start: float
    ts_end: float
    events: int
    first_event: int


class TimelineQueries(StoreBase):
    """Mixin for Store: the read-only queries behind the timeline."""

    def timeline_counts(self) -> dict[str, int]:
        """Events; active memories; episodes, as the timeline counts them (those with events:
        one whose events were all forgotten is gone from view) and those of them waiting for
        consolidation; and events not grouped into an episode (yet)."""
        def one(sql: str) -> int:
            return self._db.execute(sql).fetchone()[0]

        return {
            "events": one("SELECT count(*) FROM events"),
            "memories": one("SELECT count(*) FROM memories WHERE status = 'active'"),
            "episodes": one("SELECT count(DISTINCT episode_id) FROM events WHERE episode_id IS NOT NULL"),
            "pending": one("SELECT count(*) FROM episodes WHERE status IN ('pending', 'retry') "
                           "AND id IN (SELECT episode_id FROM events WHERE episode_id IS NOT NULL)"),
            "ungrouped": one("SELECT count(*) FROM events WHERE episode_id IS NULL"),
        }

    def distinct_kinds(self) -> list[str]:
        """Distinct event kinds, for the filter menus."""
        return [r[0] for r in self._db.execute("SELECT DISTINCT kind FROM events ORDER BY kind")]

    def days(self, filters: Filters, limit: int = 60, before: str | None = None) -> list[Day]:
        """The most recent days with events (newest first), with counts by source."""
        where, params = filters.where()
        if before is not None:
            where += " AND e.ts_start < ?"
            params.append(day_bounds(before)[0])
        rows = self._db.execute(
            f"SELECT {LOCAL_DAY} AS day, e.source, count(*) FROM events e WHERE 1 = 1{where} "
            "GROUP BY day, e.source ORDER BY day DESC",
            params,
        )
        out: dict[str, Day] = {}
        for day, source, n in rows:
            if day not in out:
                if len(out) >= limit:
                    break
                out[day] = Day(day, 0, {})
            out[day].events += n
            out[day].by_source[source] = n
        return list(out.values())

    def groups(self, day: str, filters: Filters) -> list[Group]:
        """The episodes with events on ``day`` (newest first); ungrouped events one by one."""
        start, end = day_bounds(day)
        where, params = filters.where()
        rows = self._db.execute(
            "SELECT e.episode_id, coalesce(ep.title, ''), coalesce(ep.source, min(e.source)), "
            "coalesce(ep.status, 'ungrouped'), min(e.ts_start), max(e.ts_start), count(*), min(e.id) "
            "FROM events e LEFT JOIN episodes ep ON ep.id = e.episode_id "
            f"WHERE e.ts_start >= ? AND e.ts_start <= ?{where} "
            "GROUP BY coalesce(e.episode_id, -e.id) ORDER BY min(e.ts_start) DESC, min(e.id) DESC",
            [start, end, *params],
        )
        return [Group(*row) for row in rows]

    def timeline_events(self, filters: Filters, *, episode_id: int | None = None, day: str | None = None,
                        ids: Sequence[int] | None = None, limit: int = 500) -> list[Event]:
        """Events of an episode and/or a day (oldest first), within the filters."""
        where, params = filters.where()
        if episode_id is not None:
            where += " AND e.episode_id = ?"
            params.append(episode_id)
        if day is not None:
            start, end = day_bounds(day)
            where += " AND e.ts_start >= ? AND e.ts_start <= ?"
            params.extend([start, end])
        if ids is not None:
            where += f" AND e.id IN ({marks(ids)})"
            params.extend(ids)
        sql = f"SELECT e.* FROM events e WHERE 1 = 1{where} ORDER BY e.ts_start, e.id LIMIT ?"
        return [Event.from_row(r) for r in self._db.query(sql, [*params, limit])]

    def crowded_files(self, since: float, until: float, more_than: int) -> dict[str, tuple[int, int]]:
        """The files (a note's or a document's paragraphs, by session) with more than
        ``more_than`` paragraphs whose time lies in [since, until]: session -> (how many, first id)."""
        rows = self._db.execute(
            "SELECT session, count(*), min(id) FROM events WHERE ts_start >= ? AND ts_start <= ? "
            "AND session IS NOT NULL AND source IN ('note', 'file') GROUP BY session HAVING count(*) > ?",
            [since, until, more_than])
        return {session: (count, first) for session, count, first in rows}

    def episode(self, episode_id: int) -> dict[str, Any] | None:
        """One episode with its event count and the memories distilled from it."""
        rows = list(self._db.query("SELECT * FROM episodes WHERE id = ?", [episode_id]))
        if not rows:
            return None
        data = dict(rows[0])
        data["events"] = self._db.execute("SELECT count(*) FROM events WHERE episode_id = ?",
                                          [episode_id]).fetchone()[0]
        data["memories"] = [r[0] for r in self._db.execute(
            "SELECT DISTINCT s.memory_id FROM memory_sources s JOIN events e ON e.id = s.event_id "
            "WHERE e.episode_id = ? ORDER BY s.memory_id", [episode_id])]
        return data

    def episode_event_ids(self, episode_id: int) -> list[int]:
        return [r[0] for r in self._db.execute("SELECT id FROM events WHERE episode_id = ? ORDER BY id",
                                               [episode_id])]


class TimelineMethods:
    """Mixin for Recall: the timeline the TUI browses (one door, kept beside its queries)."""

    def timeline_counts(self) -> dict[str, int]:
        """Events, active memories, episodes and episodes waiting for consolidation."""
        return cast("Recall", self).store.timeline_counts()

    def filter_choices(self) -> tuple[list[str], list[str]]:
        """(sources, kinds) to offer as timeline filters."""
        store = cast("Recall", self).store
        return sorted(set(store.event_sources()) | set(SOURCES)), store.distinct_kinds()

    def days(self, filters: Filters, limit: int = 60, before: str | None = None) -> list[Day]:
        """The most recent days with events, newest first."""
        return cast("Recall", self).store.days(filters, limit, before)

    def groups(self, day: str, filters: Filters) -> list[Group]:
        """The episodes with events on a day."""
        return cast("Recall", self).store.groups(day, filters)

    def timeline_events(self, filters: Filters, *, episode_id: int | None = None, day: str | None = None,
                        ids: Sequence[int] | None = None, limit: int = 500) -> list[Event]:
        """Events of an episode and/or a day, oldest first."""
        return cast("Recall", self).store.timeline_events(filters, episode_id=episode_id, day=day, ids=ids,
                                                          limit=limit)

    def episode(self, episode_id: int) -> dict[str, Any]:
        """An episode with its event count, memories and first events."""
        store = cast("Recall", self).store
        data = store.episode(episode_id)
        if data is None:
            raise NotFoundError(f"no episode with id {episode_id}")
        data["first_events"] = store.timeline_events(Filters(), episode_id=episode_id, limit=50)
        return data

    def episode_event_ids(self, episode_id: int) -> list[int]:
        """The ids of an episode's events."""
        return cast("Recall", self).store.episode_event_ids(episode_id)

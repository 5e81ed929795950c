"""Event queries: insert with dedupe, fetch, full-text search, delete, rewrite in place."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import Event, content_hash, is_later_part, map_strings, paragraph_keys
from ..timephrase.phrase import mentions
from ..timeutil import now
from .base import StoreBase, chunks, marks, next_id


@dataclass
class InsertResult:
    """What an insert did: the events as stored (ids set on new ones), the new ids, how many
    were already stored; the service's write path adds what it redacted and filtered out."""

    events: list[Event] = field(default_factory=list)
    inserted: list[int] = field(default_factory=list)
    duplicates: int = 0
    forgotten: int = 0  # forgotten before (a tombstone holds their hash): kept out
    filtered: int = 0
    filtered_by: list[str] = field(default_factory=list)  # the plugins whose filters dropped them
    redacted: int = 0
    split: int = 0  # long texts stored as several parts
    texts: int = 0  # the new texts among ``inserted`` (a long text's parts are one); duplicates and
    # forgotten count texts likewise, so an import says what stats says
    truncated: int = 0  # texts longer than the parts kept (the rest left out, with a marker)
    held: dict[str, int] = field(default_factory=dict)  # held back by a failing filter: why -> how many

    @property
    def known(self) -> int:
        """Events not stored because they were seen before: stored already, or forgotten."""
        return self.duplicates + self.forgotten


# an event whose time is a day it was written on: not a note nothing dates (meta "undated")
DATED = "coalesce(json_extract(meta, '$.undated'), 0) = 0"


def event_filters(
    since: float | None, until: float | None, sources: Sequence[str] | None, alias: str = "e"
) -> tuple[str, list[Any]]:
    """``" AND e.ts_start >= ? ..."`` and its parameters for the search and forget filters."""
    clauses: list[str] = []
    params: list[Any] = []
    if since is not None:
        clauses.append(f"{alias}.ts_start >= ?")
        params.append(since)
    if until is not None:
        clauses.append(f"{alias}.ts_start <= ?")
        params.append(until)
    if sources:
        clauses.append(f"{alias}.source IN ({marks(sources)})")
        params.extend(sources)
    return (" AND " + " AND ".join(clauses)) if clauses else "", params


class EventQueries(StoreBase):
    """Mixin for Store: everything about events."""

    def insert_events(self, events: Iterable[Event], origin: str | None = None) -> InsertResult:
        """Insert events in one transaction; events whose content hash exists are skipped, and
        so are forgotten ones (their tombstone keeps them out, so re-importing an export or
        merging a device does not bring back what the user deleted; a note's paragraph is kept
        out by its text too, see ``paragraph_keys``). ``origin``: the device they were merged from."""
        result = InsertResult()
        created = now()
        with self.transaction():
            for event in events:
                result.events.append(event)
                keys = [event.content_hash, *paragraph_keys(event)]
                if self._db.execute(f"SELECT 1 FROM tombstones WHERE owner = 'event' AND key IN ({marks(keys)})",
                                    keys).fetchone():
                    result.forgotten += not is_later_part(event)
                    continue
                row = {**event.to_row(created), "origin": origin}
                cursor = self._db.execute(
                    # ON CONFLICT, not OR IGNORE: only a duplicate hash may be skipped,
                    # any other constraint failure must abort the whole batch.
                    "INSERT INTO events (id, source, kind, actor, session, ts_start, "
                    "ts_end, text, meta, content_hash, created_at, origin) VALUES ("
                    + next_id("events") + ", :source, :kind, :actor, :session, :ts_start, :ts_end, :text, :meta, "
                    ":content_hash, :created_at, :origin) ON CONFLICT(content_hash) DO NOTHING",
                    row,
                )
                if cursor.rowcount == 1:
                    new_id = cursor.lastrowid
                    assert new_id is not None  # set by every INSERT that added a row
                    event.id = new_id
                    result.inserted.append(new_id)
                    result.texts += not is_later_part(event)
                    self._store_times(new_id, event.text, event.ts_start)
                else:
                    result.duplicates += not is_later_part(event)
        return result

    def _store_times(self, event_id: int, text: str, ts: float) -> None:
        """The times the text speaks of, resolved against its own time (see timephrase.phrase.mentions)."""
        rows = [(event_id, m.since, m.until) for m in mentions(text, ts)]
        if rows:
            self._db.conn.executemany("INSERT INTO event_times (event_id, since, until) VALUES (?, ?, ?)", rows)

    def backfill_event_times(self, batch: int = 2000) -> int:
        """Read the times of events stored before the event_times table existed (a migration
        leaves a marker when there are any); returns how many events were read."""
        key = "event_times.backfill_after"
        done = 0
        while True:
            after = self.setting(key)  # type: ignore[attr-defined]  # Store's, beside this mixin
            if after is None:
                return done
            rows = self._db.execute("SELECT id, text, ts_start FROM events WHERE id > ? ORDER BY id LIMIT ?",
                                    [int(after), batch]).fetchall()
            with self.transaction():
                for eid, text, ts in rows:
                    self._db.execute("DELETE FROM event_times WHERE event_id = ?", [eid])
                    self._store_times(eid, text, ts)
                if len(rows) < batch:
                    self._db.execute("DELETE FROM settings WHERE key = ?", [key])
                else:
                    self._db.execute("UPDATE settings SET value = ? WHERE key = ?", [str(rows[-1][0]), key])
            done += len(rows)

    def event_times(self, ids: Sequence[int]) -> dict[int, list[tuple[float, float]]]:
        """Event id -> the (since, until) ranges its text mentions (ids without any are absent)."""
        out: dict[int, list[tuple[float, float]]] = {}
        for chunk in chunks(ids):
            for eid, since, until in self._db.execute(
                    f"SELECT event_id, since, until FROM event_times WHERE event_id IN ({marks(chunk)})", chunk):
                out.setdefault(eid, []).append((since, until))
        return out

    def events_mentioning(self, since: float, until: float, limit: int, sources: Sequence[str] | None = None,
                          within: tuple[float | None, float | None] = (None, None)) -> list[int]:
        """Ids of events whose text mentions a time overlapping [since, until], the narrowest
        mentions first (a day named beats a year named), at most ``limit``; ``sources`` and
        ``within`` (the events' own time) are the search's hard filters."""
        where, params = event_filters(within[0], within[1], sources)
        sql = ("SELECT t.event_id FROM event_times t JOIN events e ON e.id = t.event_id "
               f"WHERE t.since <= ? AND t.until >= ?{where} "
               "GROUP BY t.event_id ORDER BY min(t.until - t.since), t.event_id DESC LIMIT ?")
        return [r[0] for r in self._db.execute(sql, [until, since, *params, limit])]

    def events_between(self, since: float, until: float, limit: int, sources: Sequence[str] | None = None,
                       within: tuple[float | None, float | None] = (None, None),
                       skip_sessions: Sequence[str] = ()) -> list[int]:
        """Ids of events whose own time lies in [since, until] (and the hard filters; none of
        ``skip_sessions``; no undated note), the latest first, at most ``limit``."""
        low = since if within[0] is None else max(since, within[0])
        high = until if within[1] is None else min(until, within[1])
        where, params = event_filters(low, high, sources)
        if skip_sessions:
            where += f" AND (e.session IS NULL OR e.session NOT IN ({marks(skip_sessions)}))"
            params.extend(skip_sessions)
        sql = f"SELECT e.id FROM events e WHERE {DATED}{where} ORDER BY e.ts_start DESC, e.id DESC LIMIT ?"
        return [r[0] for r in self._db.execute(sql, [*params, limit])]

    def events_containing(self, needles: Sequence[str], limit: int, since: float | None = None,
                          until: float | None = None, sources: Sequence[str] | None = None) -> list[int]:
        """Ids of events whose text holds one of ``needles`` as it is written, the latest first:
        for what the word index cannot see (an emoji is no word to FTS5). A scan of the table,
        so only for the few queries that need it."""
        if not needles:
            return []
        where, params = event_filters(since, until, sources)
        held = " OR ".join("instr(e.text, ?) > 0" for _ in needles)
        sql = f"SELECT e.id FROM events e WHERE ({held}){where} ORDER BY e.ts_start DESC, e.id DESC LIMIT ?"
        return [r[0] for r in self._db.execute(sql, [*needles, *params, limit])]

    def count_events_between(self, since: float, until: float) -> int:
        """How many events' own time lies in [since, until] (not an undated note's)."""
        where, params = event_filters(since, until, None)
        return int(self._db.execute(f"SELECT count(*) FROM events e WHERE {DATED}{where}", params).fetchone()[0])

    def event_sessions(self, ids: Sequence[int]) -> dict[int, str]:
        """Event id -> its session (events without one are absent)."""
        out: dict[int, str] = {}
        for chunk in chunks(ids):
            out.update(self._db.execute(f"SELECT id, session FROM events WHERE id IN ({marks(chunk)}) "
                                        "AND session IS NOT NULL", chunk).fetchall())
        return out

    def memory_events(self, memory_ids: Sequence[int]) -> dict[int, list[int]]:
        """Memory id -> the ids of the events it came from (what search uses it as a key for)."""
        out: dict[int, list[int]] = {}
        for chunk in chunks(memory_ids):
            for mid, eid in self._db.execute(f"SELECT memory_id, event_id FROM memory_sources WHERE memory_id IN "
                                             f"({marks(chunk)}) ORDER BY memory_id, event_id", chunk):
                out.setdefault(mid, []).append(eid)
        return out

    def event_times_of(self, ids: Sequence[int]) -> dict[int, float]:
        """Event id -> its own time; not an undated note's (its time is its file's last save,
        no day it was written on)."""
        out: dict[int, float] = {}
        for chunk in chunks(ids):
            out.update(self._db.execute(f"SELECT id, ts_start FROM events WHERE id IN ({marks(chunk)}) "
                                        f"AND {DATED}", chunk).fetchall())
        return out

    def get_event(self, event_id: int) -> Event | None:
        rows = list(self._db.query("SELECT * FROM events WHERE id = ?", [event_id]))
        return Event.from_row(rows[0]) if rows else None

    def get_events(self, ids: Sequence[int]) -> dict[int, Event]:
        """Events by id (missing ids are absent from the result)."""
        found: dict[int, Event] = {}
        for chunk in chunks(ids):
            for row in self._db.query(f"SELECT * FROM events WHERE id IN ({marks(chunk)})", chunk):
                found[row["id"]] = Event.from_row(row)
        return found

    def recent_events(
        self, limit: int = 20, sources: Sequence[str] | None = None,
        since: float | None = None, until: float | None = None,
    ) -> list[Event]:
        where, params = event_filters(since, until, sources)
        sql = f"SELECT e.* FROM events e WHERE 1 = 1{where} ORDER BY e.ts_start DESC, e.id DESC LIMIT ?"
        return [Event.from_row(r) for r in self._db.query(sql, [*params, limit])]

    def session_events(self, session: str, source: str | None = None) -> list[Event]:
        """All events of one session in time order."""
        sql = "SELECT * FROM events WHERE session = ?"
        params: list[Any] = [session]
        if source:
            sql += " AND source = ?"
            params.append(source)
        sql += " ORDER BY ts_start, id"
        return [Event.from_row(r) for r in self._db.query(sql, params)]

    def identical_copies(self, ids: Sequence[int]) -> list[int]:
        """The other events whose text is word for word that of one of ``ids`` (search shows
        them as one row, "(2×)")."""
        found: set[int] = set()
        for chunk in chunks(list(dict.fromkeys(ids))):
            found.update(row[0] for row in self._db.execute(
                f"SELECT other.id FROM events AS named JOIN events AS other ON other.text = named.text "
                f"AND other.id != named.id WHERE named.id IN ({marks(chunk)})", chunk))
        return sorted(found - set(ids))

    def stored_times(self, ids: Sequence[int]) -> dict[int, float]:
        """When each event was stored (``created_at``: one time for a whole batch, so the
        paragraphs of one scan of a file share it), by id."""
        out: dict[int, float] = {}
        for chunk in chunks(list(dict.fromkeys(ids))):
            out.update(self._db.execute(f"SELECT id, created_at FROM events WHERE id IN ({marks(chunk)})", chunk))
        return out

    def fts_events(
        self, match: str, limit: int, since: float | None = None, until: float | None = None,
        sources: Sequence[str] | None = None, min_id: int | None = None,
    ) -> list[tuple[int, float]]:
        """(event id, bm25) best first for an FTS5 match expression; ``min_id`` keeps only
        events stored at or after that id (FTS5 seeks to it: the rows before are never read).
        Where an event sits (its context column: title, heading, folders) weighs half its text."""
        if not match:
            return []
        where, params = event_filters(since, until, sources)
        if min_id is not None:
            where += " AND events_fts.rowid >= ?"
            params.append(min_id)
        if not where:  # the triggers keep the index in step with events: no join needed (~30% faster)
            sql = ("SELECT rowid, bm25(events_fts, 1.0, 1.0, 0.5) AS score FROM events_fts "
                   "WHERE events_fts MATCH ? ORDER BY score LIMIT ?")
        elif not (since is not None or until is not None or sources):
            sql = ("SELECT rowid, bm25(events_fts, 1.0, 1.0, 0.5) AS score FROM events_fts "
                   f"WHERE events_fts MATCH ?{where} ORDER BY score LIMIT ?")
        else:
            sql = (
                "SELECT e.id, bm25(events_fts, 1.0, 1.0, 0.5) AS score FROM events_fts "
                "JOIN events e ON e.id = events_fts.rowid "
                f"WHERE events_fts MATCH ?{where} ORDER BY score LIMIT ?"
            )
        return [(r[0], -r[1]) for r in self._db.execute(sql, [match, *params, limit])]

    def fts_match_count(self, match: str) -> int:
        """How many events an FTS5 expression matches (reads its word lists, scores nothing)."""
        return self._db.execute("SELECT count(*) FROM events_fts WHERE events_fts MATCH ?", [match]).fetchone()[0]

    def fts_nth_newest(self, match: str, n: int) -> int | None:
        """The id of the ``n``-th newest event (0 = newest) an FTS5 expression matches."""
        row = self._db.execute("SELECT rowid FROM events_fts WHERE events_fts MATCH ? "
                               "ORDER BY rowid DESC LIMIT 1 OFFSET ?", [match, n]).fetchone()
        return row[0] if row else None

    def event_ids_where(
        self, sources: Sequence[str] | None = None, before: float | None = None,
        since: float | None = None,
    ) -> list[int]:
        """Ids of events matching forget-style filters."""
        where, params = event_filters(since, before, sources)
        return [r[0] for r in self._db.execute(f"SELECT e.id FROM events e WHERE 1 = 1{where}", params)]

    def event_ids_by_hash(self, hashes: Iterable[str]) -> list[int]:
        """Ids of the stored events with these content hashes."""
        out: list[int] = []
        for chunk in chunks(list(hashes)):
            out += [r[0] for r in self._db.execute(
                f"SELECT id FROM events WHERE content_hash IN ({marks(chunk)})", chunk)]
        return sorted(out)

    def ids_between(self, owner: str, low: int, high: int) -> list[int]:
        """The stored event (``owner`` "event") or memory ids from ``low`` to ``high``."""
        table = "events" if owner == "event" else "memories"
        return [r[0] for r in self._db.execute(f"SELECT id FROM {table} WHERE id BETWEEN ? AND ? ORDER BY id",
                                               [low, high])]

    def parts_of(self, ids: Sequence[int]) -> list[int]:
        """The events ``ids`` with every other part of the long texts they are parts of (a
        text over the size limit is stored as linked parts, each with the whole text's hash)."""
        found = set(ids)
        for chunk in chunks(ids):
            wholes = [r[0] for r in self._db.execute(
                f"SELECT DISTINCT json_extract(meta, '$.whole') FROM events WHERE id IN ({marks(chunk)}) "
                "AND json_extract(meta, '$.whole') IS NOT NULL", chunk)]
            for whole in chunks(wholes):
                found.update(r[0] for r in self._db.execute(
                    f"SELECT id FROM events WHERE json_extract(meta, '$.whole') IN ({marks(whole)})", whole))
        return sorted(found)

    def first_parts(self, ids: Sequence[int], source: str) -> dict[int, int]:
        """{id: the id of the first part} for those of the events ``ids`` of ``source`` that are
        a later part of a long text (the parts of one text share its time, session and hash)."""
        found: dict[int, int] = {}
        for chunk in chunks(ids):
            found.update(self._db.execute(
                "SELECT e.id, f.id FROM events e CROSS JOIN events f "  # e first: by id
                "ON f.source = e.source AND f.ts_start = e.ts_start AND f.session IS e.session "
                "AND json_extract(f.meta, '$.whole') = json_extract(e.meta, '$.whole') "
                f"AND json_extract(f.meta, '$.part') = 1 WHERE e.id IN ({marks(chunk)}) AND e.source = ? "
                "AND json_extract(e.meta, '$.part') > 1", [*chunk, source]).fetchall())
        return found

    def result_events(self, ids: Sequence[int]) -> dict[int, Event]:
        """``get_events`` as search results show them: a later part of a long shell command is
        the command, so its id gives the first part (a command, not more text of one)."""
        firsts = self.first_parts(ids, "shell")
        got = self.get_events([*ids, *firsts.values()])
        return {oid: got[first] for oid in ids if (first := firsts.get(oid, oid)) in got}

    def delete_events(self, ids: Sequence[int]) -> int:
        """Delete events for real: rows, FTS entries and vectors (via triggers), and the
        episodes left empty; an episode that keeps events but was titled by a deleted note
        takes its title from the first one left."""
        deleted = 0
        with self.transaction():
            for chunk in chunks(ids):
                episodes = self.episodes_of(chunk)
                cursor = self._db.execute(f"DELETE FROM events WHERE id IN ({marks(chunk)})", chunk)
                deleted += cursor.rowcount
                for group in chunks(episodes):
                    self._db.execute(f"DELETE FROM episodes WHERE id IN ({marks(group)}) AND NOT EXISTS "
                                     "(SELECT 1 FROM events WHERE episode_id = episodes.id)", group)
                    # a note episode is titled by its first note's words (memory.episode._title)
                    self._db.execute(
                        f"UPDATE episodes SET title = (SELECT substr(e.text, 1, 60) FROM events e WHERE "
                        f"e.episode_id = episodes.id ORDER BY e.ts_start, e.id LIMIT 1) WHERE id IN ({marks(group)}) "
                        "AND session IS NULL AND source NOT IN ('shell', 'file')", group)
        return deleted

    def episodes_of(self, ids: Sequence[int]) -> list[int]:
        """The episodes these events belong to."""
        found: set[int] = set()
        for chunk in chunks(ids):
            found.update(r[0] for r in self._db.execute(
                f"SELECT DISTINCT episode_id FROM events WHERE id IN ({marks(chunk)}) AND episode_id IS NOT NULL",
                chunk))
        return sorted(found)

    def count_events(self) -> int:
        return self._db.execute("SELECT count(*) FROM events").fetchone()[0]

    def event_stats(self) -> dict[str, Any]:
        """Counts by source and the time span covered; a long text stored as linked parts counts
        once (a long shell command is one command run, not one per part)."""
        by_source = {
            r[0]: r[1]
            for r in self._db.execute(
                "SELECT source, sum(coalesce(json_extract(meta, '$.part'), 1) = 1) AS n FROM events "
                "GROUP BY source HAVING n > 0 ORDER BY n DESC"
            )
        }
        first, last = self._db.execute("SELECT min(ts_start), max(ts_start) FROM events").fetchone()
        return {"events": sum(by_source.values()), "by_source": by_source, "first": first, "last": last}

    def event_id_by_hash(self, content_hash: str) -> int | None:
        """The id of the stored event with this content hash."""
        row = self._db.execute("SELECT id FROM events WHERE content_hash = ?", [content_hash]).fetchone()
        return row[0] if row else None

    def _adjacent(self, session: str, source: str, ts: float, event_id: int, before: bool) -> int | None:
        if before:
            sql = ("SELECT id FROM events WHERE session = ? AND source = ? AND "
                   "(ts_start < ? OR (ts_start = ? AND id < ?)) ORDER BY ts_start DESC, id DESC LIMIT 1")
        else:
            sql = ("SELECT id FROM events WHERE session = ? AND source = ? AND "
                   "(ts_start > ? OR (ts_start = ? AND id > ?)) ORDER BY ts_start, id LIMIT 1")
        row = self._db.execute(sql, [session, source, ts, ts, event_id]).fetchone()
        return row[0] if row else None

    def previous_in_session(self, events: Iterable[Event]) -> dict[int, int]:
        """For each stored event that has a session, the id of the event just before it in
        that session and source."""
        found: dict[int, int] = {}
        for event in events:
            if event.session and event.id is not None:
                before = self._adjacent(event.session, event.source, event.ts_start, event.id, True)
                if before is not None:
                    found[event.id] = before
        return found

    def neighbours(self, ids: Sequence[int]) -> dict[int, tuple[int | None, int | None]]:
        """For each event id that has a session, the (previous, next) event of the same
        session and source."""
        rows: dict[int, tuple[str | None, str, float]] = {}
        for chunk in chunks(ids):
            for eid, session, source, ts in self._db.execute(
                    f"SELECT id, session, source, ts_start FROM events WHERE id IN ({marks(chunk)})", chunk):
                rows[eid] = (session, source, ts)
        found: dict[int, tuple[int | None, int | None]] = {}
        for eid in ids:
            row = rows.get(eid)
            if row is None:
                continue
            session, source, ts = row
            if not session:
                continue
            found[eid] = (self._adjacent(session, source, ts, eid, True),
                          self._adjacent(session, source, ts, eid, False))
        return found

    def actor_named(self, name: str) -> str | None:
        """The stored speaker called ``name`` (any case), as it is spelled in the store."""
        row = self._db.execute("SELECT actor FROM events WHERE actor = ? COLLATE NOCASE LIMIT 1", [name]).fetchone()
        return row[0] if row else None

    def event_actors(self, ids: Sequence[int]) -> dict[int, str | None]:
        """Event id -> speaker."""
        out: dict[int, str | None] = {}
        for chunk in chunks(ids):
            out.update(self._db.execute(f"SELECT id, actor FROM events WHERE id IN ({marks(chunk)})", chunk).fetchall())
        return out

    def message_texts(self, ids: Sequence[int]) -> dict[int, str]:
        """Event id -> text, for the chat messages among ``ids``."""
        out: dict[int, str] = {}
        for chunk in chunks(ids):
            out.update(self._db.execute(f"SELECT id, text FROM events WHERE kind = 'message' AND id IN "
                                        f"({marks(chunk)})", chunk).fetchall())
        return out

    def events_matching(self, ids: Sequence[int], since: float | None, until: float | None,
                        sources: Sequence[str] | None) -> set[int]:
        """The ids among ``ids`` that pass search filters."""
        filters, params = event_filters(since, until, sources)
        out: set[int] = set()
        for chunk in chunks(ids):
            out.update(r[0] for r in self._db.execute(
                f"SELECT e.id FROM events e WHERE e.id IN ({marks(chunk)}){filters}", [*chunk, *params]))
        return out

    def event_sources(self) -> list[str]:
        """Distinct sources of stored events."""
        return [r[0] for r in self._db.execute("SELECT DISTINCT source FROM events ORDER BY source")]

    def event_batches(self, batch: int = 2000) -> Iterator[list[Event]]:
        """Every stored event, oldest id first, ``batch`` at a time."""
        after = 0
        while True:
            ids = [r[0] for r in self._db.execute("SELECT id FROM events WHERE id > ? ORDER BY id LIMIT ?",
                                                  [after, batch])]
            if not ids:
                return
            found = self.get_events(ids)
            yield [found[i] for i in ids if i in found]
            after = ids[-1]

    def rewrite_event(self, event: Event) -> bool:
        """Store ``event``'s new text, source, speaker, session, metadata and hash in place (its
        vectors go, to be made again); when another event already has that hash, this one is
        deleted as its copy. Returns whether it was kept."""
        assert event.id is not None
        try:
            self._db.execute("UPDATE events SET text = ?, source = ?, actor = ?, session = ?, meta = ?, "
                             "content_hash = ? WHERE id = ?",
                             [event.text, event.source, event.actor, event.session,
                              json.dumps(event.meta, ensure_ascii=False, sort_keys=True), event.content_hash,
                              event.id])
        except sqlite3.IntegrityError:
            self.delete_events([event.id])
            return False
        self._db.execute("DELETE FROM embeddings WHERE owner = 'event' AND owner_id = ?", [event.id])
        return True

    def rewrite_texts(self, change: Callable[[str], str], *, write: bool = True,
                      change_json: Callable[[Any], Any] | None = None) -> int:
        """Apply ``change`` to every memory's text, subject and metadata (an agent's tags),
        every memory history text and state, and every episode title, in place (a changed
        memory's vectors go, to be made again); returns how many rows change. ``write=False``
        only counts them. ``change_json``, when given, changes the decoded metadata and states
        whole instead of string by string (a value can be a secret for its key's sake)."""
        changed = 0
        rows = self._db.execute("SELECT id, kind, subject, text, meta FROM memories").fetchall()
        for mid, kind, subject, text, meta in rows:
            new_text, new_subject = change(text), change(subject) if subject else subject
            new_meta = _rewrite_json(meta, change, change_json)
            if (new_text, new_subject, new_meta) != (text, subject, meta):
                changed += 1
                if not write:
                    continue
                self._db.execute("UPDATE memories SET text = ?, subject = ?, content_hash = ?, meta = ? WHERE id = ?",
                                 [new_text, new_subject, content_hash(kind, new_subject, new_text), new_meta, mid])
                if (new_text, new_subject) != (text, subject):
                    self._db.execute("DELETE FROM embeddings WHERE owner = 'memory' AND owner_id = ?", [mid])
        for table, columns in (("memory_history", ("old_text", "new_text", "state")), ("episodes", ("title",))):
            for row in self._db.execute(f"SELECT id, {', '.join(columns)} FROM {table}").fetchall():
                new = [(_rewrite_json(v, change, change_json) if c == "state" else change(v)) if v else v
                       for c, v in zip(columns, row[1:], strict=True)]
                if new != list(row[1:]):
                    changed += 1
                    if write:
                        sets = ", ".join(f"{c} = ?" for c in columns)
                        self._db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*new, row[0]])
        return changed


def _rewrite_json(stored: str | None, change: Callable[[str], str],
                  change_json: Callable[[Any], Any] | None = None) -> str | None:
    """Stored JSON with ``change`` applied to every string inside it (or ``change_json`` to the
    whole value); as stored when nothing changes."""
    if not stored:
        return stored
    try:
        value = json.loads(stored)
    except ValueError:
        return change(stored)
    new = change_json(value) if change_json is not None else map_strings(value, change)
    return stored if new == value else json.dumps(new, ensure_ascii=False)

"""What export, import and sync need from the store: this device's changes since a cursor,
replaying another device's memory changes, tombstones, forgetting without a trace, and
which segment files were merged.

A memory's row is a function of its changes: each history row keeps the memory's state
after it, and ``resolve_memory`` recomputes the row from them (its text from the changes of
text: a user's edit beats consolidation's, then the later clock wins; a pin goes to the latest
pin or unpin; strength
to the latest reinforcement; superseded stays superseded). Any device holding the same
changes computes the same memory, in whatever order they arrived.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import RecallError
from ..home import PRIVATE_FILE, create_private_file
from ..models import Event, content_hash, paragraph_keys
from .base import chunks, marks, next_id
from .episodes import EpisodeQueries
from .events import EventQueries
from .memories import MemoryQueries

USER_ACTIONS = ("edit",)  # changes made by a person: they beat consolidation's whatever the clock
PIN_ACTIONS = ("add", "pin", "unpin")
# changes that leave the text alone: the state they carry repeats the text their device had, which
# is no correction (a pin on one device must not undo an edit made at the same time on another);
# a change of text outranks them among a person's changes as among consolidation's
TEXTLESS_ACTIONS = ("pin", "unpin", "reinforce")


class SyncQueries(EventQueries, MemoryQueries, EpisodeQueries):
    """Mixin for Store: changes out, changes in, tombstones."""

    # -- this device's changes --------------------------------------------------------------
    def stamp_history(self) -> None:
        """Give history rows written before clocks existed a clock value and this device, so
        they travel and deduplicate like any other change."""
        device = self.device_id()
        with self.transaction():
            self._db.execute(
                "UPDATE memory_history SET device = ?, hlc = printf('%013d.%06d', CAST(ts * 1000 AS INTEGER), "
                "id % 1000000) WHERE hlc IS NULL", [device])
            for (memory_id,) in self._db.execute(
                    "SELECT DISTINCT memory_id FROM memory_history WHERE state IS NULL").fetchall():
                last = self._db.execute("SELECT max(id) FROM memory_history WHERE memory_id = ?",
                                        [memory_id]).fetchone()[0]
                self._db.execute("UPDATE memory_history SET state = ? WHERE id = ?",
                                 [json.dumps(self.memory_state(memory_id), ensure_ascii=False), last])
            top = self._db.execute("SELECT max(hlc) FROM memory_history").fetchone()[0]
            if top:
                self.next_hlc(seen=top)

    def events_after(self, after_id: int, limit: int = 5000) -> list[Event]:
        """Every event after an id, by id (an export's pages)."""
        return [Event.from_row(r) for r in self._db.query(
            "SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", [after_id, limit])]

    def local_events(self, after_id: int, limit: int = 5000) -> list[Event]:
        """Events captured on this device (not merged from another), by id."""
        return [Event.from_row(r) for r in self._db.query(
            "SELECT * FROM events WHERE id > ? AND origin IS NULL ORDER BY id LIMIT ?", [after_id, limit])]

    def history_changes(self, after_id: int = 0, device: str | None = None,
                        uids: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
        """Memory changes (history rows with their memory's uid) after a history id: made on
        ``device`` when given, of the memories ``uids`` when given."""
        sql = ("SELECT h.id, m.uid, h.ts, h.action, h.actor, h.old_text, h.new_text, h.detail, h.hlc, h.device, "
               "h.state FROM memory_history h JOIN memories m ON m.id = h.memory_id WHERE h.id > ?")
        params: list[Any] = [after_id]
        if device is not None:
            sql += " AND h.device = ?"
            params.append(device)
        if uids is not None:
            sql += f" AND m.uid IN ({marks(uids) or 'NULL'})"
            params.extend(uids)
        for row in self._db.execute(sql + " ORDER BY h.id", params):
            yield {"id": row[0], "uid": row[1], "ts": row[2], "action": row[3], "actor": row[4], "old": row[5],
                   "new": row[6], "detail": json.loads(row[7] or "{}"), "hlc": row[8], "device": row[9],
                   "state": json.loads(row[10]) if row[10] else None}

    def memory_uids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT uid FROM memories ORDER BY id")]

    def last_history_id(self) -> int:
        return self._db.execute("SELECT coalesce(max(id), 0) FROM memory_history").fetchone()[0]

    # -- tombstones ---------------------------------------------------------------------------
    def add_tombstones(self, owner: str, keys: Sequence[str], hlc: str | None = None,
                       device: str | None = None) -> None:
        """Remember that these events (by hash) or memories (by uid) were forgotten."""
        with self.transaction():
            for key in keys:
                self._db.execute(
                    "INSERT INTO tombstones (owner, key, hlc, device) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(owner, key) DO NOTHING",
                    [owner, key, hlc or self.next_hlc(), device or self.device_id()])

    def tombstones(self, after_seq: int = 0, device: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT seq, owner, key, hlc, device FROM tombstones WHERE seq > ?"
        params: list[Any] = [after_seq]
        if device is not None:
            sql += " AND device = ?"
            params.append(device)
        try:
            return [{"seq": r[0], "owner": r[1], "key": r[2], "hlc": r[3], "device": r[4]}
                    for r in self._db.execute(sql + " ORDER BY seq", params)]
        except sqlite3.DatabaseError as exc:  # (a damaged page: a restore reads them before replacing it)
            raise RecallError(f"cannot read the forgotten items' record: {exc}") from None

    def tombstoned(self, owner: str) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT key FROM tombstones WHERE owner = ?", [owner])}

    def forget_keys(self, owner: str, keys: Sequence[str]) -> int:
        """Delete the events (by hash) or memories (by uid) that were forgotten elsewhere; an
        event goes as a local forget takes it (delete_events: the episode it titled loses
        its words too; the episode is consolidated again from what is left, since the summary
        made from it goes with the forget's memory tombstones)."""
        deleted = 0
        with self.transaction():
            for chunk in chunks(keys):
                if owner == "event":
                    ids = [r[0] for r in self._db.execute(
                        f"SELECT id FROM events WHERE content_hash IN ({marks(chunk)})", chunk)]
                    episodes = self.episodes_of(ids)
                    deleted += self.delete_events(ids)
                    self.reopen_episodes(episodes)  # (emptied ones went with their events)
                else:
                    deleted += self._db.execute(f"DELETE FROM memories WHERE uid IN ({marks(chunk)})",
                                                chunk).rowcount
        return deleted

    def keys_of(self, event_ids: Sequence[int], memory_ids: Sequence[int]) -> tuple[list[str], list[str]]:
        """(event keys, memory uids) of the given ids: what a tombstone names. An event's key
        is its content hash, and for a note's paragraph its text's keys too (``paragraph_keys``)."""
        hashes = list(self.event_hashes(event_ids).values())
        for event in self.get_events(event_ids).values():
            hashes += paragraph_keys(event)
        uids: list[str] = []
        for chunk in chunks(memory_ids):
            uids += [r[0] for r in self._db.execute(f"SELECT uid FROM memories WHERE id IN ({marks(chunk)})", chunk)]
        return hashes, uids

    def scrub(self) -> None:
        """Leave no copy of deleted text in the database files: rebuild the full-text indexes
        without the deleted rows (FTS5 keeps their terms in old segments until a merge), and
        checkpoint the WAL into the (secure_delete) database and truncate it."""
        with self.transaction():
            self._db.execute("INSERT INTO events_fts (events_fts) VALUES ('optimize')")
            self._db.execute("INSERT INTO memories_fts (memories_fts) VALUES ('optimize')")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- another device's memory changes ------------------------------------------------------
    def apply_change(self, change: dict[str, Any]) -> bool:
        """Replay one memory change made elsewhere (or read from an export); False when it was
        already here or names a forgotten memory. Call inside a transaction."""
        uid, state = change["uid"], change.get("state")
        if self.memory_forgotten(uid):
            return False
        if change.get("hlc") and self._db.execute("SELECT 1 FROM memory_history WHERE device = ? AND hlc = ?",
                                                  [change.get("device"), change["hlc"]]).fetchone():
            return False
        row = self._db.execute("SELECT id FROM memories WHERE uid = ?", [uid]).fetchone()
        if row is None:
            if not state:
                return False  # a change to a memory this device never had, without its content
            memory_id = self._create_from_state(uid, state)
        else:
            memory_id = row[0]
        self._db.execute(
            "INSERT INTO memory_history (id, memory_id, ts, action, actor, old_text, new_text, detail, hlc, device, "
            "state) VALUES (" + next_id("memory_history") + ", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [memory_id, change["ts"], change["action"], change["actor"], change.get("old"), change.get("new"),
             json.dumps(change.get("detail") or {}, ensure_ascii=False), change.get("hlc"), change.get("device"),
             json.dumps(state, ensure_ascii=False) if state else None])
        if change.get("hlc"):
            self.next_hlc(seen=change["hlc"])
        self.resolve_memory(memory_id)
        return True

    def _create_from_state(self, uid: str, state: dict[str, Any]) -> int:
        cursor = self._db.execute(
            "INSERT INTO memories (id, kind, subject, text, status, importance, strength, last_reinforced, pinned, "
            "valid_from, created_at, updated_at, content_hash, meta, uid) VALUES "
            "(" + next_id("memories") + ", ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [state["kind"], state.get("subject"), state["text"], state.get("importance", 5),
             state.get("strength", 1.0), state.get("last_reinforced") or state.get("created_at") or 0.0,
             int(bool(state.get("pinned"))), state.get("valid_from"), state.get("created_at") or 0.0,
             state.get("created_at") or 0.0, content_hash(state["kind"], state.get("subject"), state["text"]),
             json.dumps(state.get("meta") or {}, ensure_ascii=False), uid])
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def edited_here(self, uid: str, device: str) -> int | None:
        """The id of the memory ``uid`` when a person edited it on this ``device``; else None."""
        row = self._db.execute(
            "SELECT m.id FROM memories m JOIN memory_history h ON h.memory_id = m.id WHERE m.uid = ? "
            "AND h.action IN (" + marks(USER_ACTIONS) + ") AND h.device = ? LIMIT 1",
            [uid, *USER_ACTIONS, device]).fetchone()
        return row[0] if row else None

    def clashing_edit(self, change: dict[str, Any], device: str) -> tuple[int, str] | None:
        """(memory id, this device's text) when ``change`` is a person's edit made elsewhere
        without seeing this device's own latest edit of that memory (its old text is not that
        edit's text): two people corrected one memory at once, and one correction loses."""
        if change.get("action") not in USER_ACTIONS:
            return None
        row = self._db.execute(
            "SELECT m.id, h.new_text FROM memories m JOIN memory_history h ON h.memory_id = m.id "
            "WHERE m.uid = ? AND h.action IN (" + marks(USER_ACTIONS) + ") AND h.device = ? "
            "ORDER BY h.hlc DESC LIMIT 1", [change["uid"], *USER_ACTIONS, device]).fetchone()
        if row is None or row[1] in (change.get("old"), change.get("new")):
            return None
        return row[0], row[1]

    def resolve_memory(self, memory_id: int) -> None:
        """Recompute a memory's row from the states its changes left (see the module doc)."""
        rows = [(r[0] or "", r[1], json.loads(r[2])) for r in self._db.execute(
            "SELECT hlc, action, state FROM memory_history WHERE memory_id = ? AND state IS NOT NULL",
            [memory_id])]
        if not rows:
            return
        content = max(rows, key=lambda r: (r[1] in USER_ACTIONS or bool(r[2].get("edited_by_user")),
                                           r[1] not in TEXTLESS_ACTIONS, r[0]))[2]
        pins = [r for r in rows if r[1] in PIN_ACTIONS] or rows
        pinned = max(pins, key=lambda r: r[0])[2].get("pinned", False)
        strong = max(rows, key=lambda r: (r[2].get("last_reinforced") or 0.0, r[0]))[2]
        ended = [r for r in rows if r[2].get("status") == "superseded"]
        status, valid_to, successor = "active", None, None
        if ended:
            last = max(ended, key=lambda r: r[0])[2]
            status, valid_to = "superseded", last.get("valid_to")
            if last.get("superseded_by"):
                found = self._db.execute("SELECT id FROM memories WHERE uid = ?", [last["superseded_by"]]).fetchone()
                successor = found[0] if found else None
        merged = content_hash(content["kind"], content.get("subject"), content["text"])
        if self._db.execute("SELECT content_hash != ? FROM memories WHERE id = ?", [merged, memory_id]).fetchone()[0]:
            # an edit from another device: the vector of the old text would find it by that
            self._db.execute("DELETE FROM embeddings WHERE owner = 'memory' AND owner_id = ?", [memory_id])
        self._db.execute(
            "UPDATE memories SET kind = ?, subject = ?, text = ?, importance = ?, valid_from = ?, meta = ?, "
            "content_hash = ?, edited_by_user = ?, pinned = ?, strength = ?, last_reinforced = ?, "
            "reinforcements = ?, status = ?, valid_to = ?, superseded_by = ?, "
            "updated_at = max(updated_at, ?) WHERE id = ?",
            [content["kind"], content.get("subject"), content["text"], content.get("importance", 5),
             content.get("valid_from"), json.dumps(content.get("meta") or {}, ensure_ascii=False), merged,
             int(any(r[1] in USER_ACTIONS or r[2].get("edited_by_user") for r in rows)), int(bool(pinned)),
             strong.get("strength", 1.0), strong.get("last_reinforced") or 0.0, strong.get("reinforcements", 0),
             status, valid_to, successor, max(r[2].get("last_reinforced") or 0.0 for r in rows), memory_id])
        hashes = sorted({h for r in rows for h in r[2].get("sources") or ()})
        for chunk in chunks(hashes):
            self._db.execute(
                f"INSERT OR IGNORE INTO memory_sources (memory_id, event_id) SELECT ?, id FROM events "
                f"WHERE content_hash IN ({marks(chunk)})", [memory_id, *chunk])

    def relink(self) -> None:
        """After a merge: provenance to events that arrived after their memory, successors
        that arrived after what they supersede."""
        for (memory_id,) in self._db.execute(
                "SELECT DISTINCT memory_id FROM memory_history WHERE state IS NOT NULL").fetchall():
            self.resolve_memory(memory_id)

    # -- backups ----------------------------------------------------------------------------------
    def backup_to(self, path: Path) -> None:
        """A consistent copy of the whole store at ``path`` (SQLite's online backup: other
        connections keep reading and writing meanwhile), mode 0600."""
        create_private_file(path)
        target = sqlite3.connect(str(path))
        try:
            self._db.conn.backup(target)
            # one self-contained file: a WAL-mode copy needs -wal and -shm files beside it to be
            # read, which a read-only backup disk cannot hold
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        os.chmod(path, PRIVATE_FILE)

    # -- segment bookkeeping ------------------------------------------------------------------
    def segment_seen(self, folder: str, device: str, name: str) -> str | None:
        """The sha256 of a segment file when it was merged or written, else None."""
        row = self._db.execute("SELECT sha256 FROM sync_segments WHERE folder = ? AND device = ? AND name = ?",
                               [folder, device, name]).fetchone()
        return row[0] if row else None

    def record_segment(self, folder: str, device: str, name: str, sha256: str, mine: bool, at: float) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO sync_segments (folder, device, name, sha256, mine, at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(folder, device, name) DO UPDATE SET sha256 = excluded.sha256, at = excluded.at",
                [folder, device, name, sha256, int(mine), at])

    def forget_segments(self, folder: str, names: list[str]) -> None:
        """Drop the records of this device's segments ``names`` in a folder (lost or damaged there)."""
        with self.transaction():
            for chunk in chunks(names):
                self._db.execute("DELETE FROM sync_segments WHERE folder = ? AND mine = 1 "
                                 f"AND name IN ({marks(chunk)})", [folder, *chunk])

    def merged_segments(self, folder: str) -> int:
        """How many other devices' segments this store merged from a folder."""
        return self._db.execute("SELECT count(*) FROM sync_segments WHERE folder = ? AND mine = 0",
                                [folder]).fetchone()[0]

    def has_synced(self) -> bool:
        """Whether this store has written a segment to any sync folder."""
        return self._db.execute("SELECT 1 FROM sync_segments WHERE mine = 1 LIMIT 1").fetchone() is not None

    def own_segments_by_folder(self, device: str) -> dict[str, dict[str, str]]:
        """Folder -> (name -> sha256) of the segments ``device`` wrote, in every folder it synced."""
        found: dict[str, dict[str, str]] = {}
        for folder, name, sha in self._db.execute(
                "SELECT folder, name, sha256 FROM sync_segments WHERE mine = 1 AND device = ?", [device]):
            found.setdefault(folder, {})[name] = sha
        return found

    def copy_segments(self, source: str, target: str, device: str) -> None:
        """Take what is known of the folder ``source`` (the segments merged from it, and those
        ``device`` wrote there) as known of ``target``: the same folder, now at another path."""
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO sync_segments (folder, device, name, sha256, mine, at) "
                "SELECT ?, device, name, sha256, mine, at FROM sync_segments "
                "WHERE folder = ? AND (mine = 0 OR device = ?)", [target, source, device])

    def my_segments(self, folder: str) -> dict[str, str]:
        """Name -> sha256 of the segments this device wrote to a folder."""
        return dict(self._db.execute(
            "SELECT name, sha256 FROM sync_segments WHERE folder = ? AND mine = 1", [folder]).fetchall())

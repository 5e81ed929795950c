"""Store queries about the files events came from: a note's paragraphs, a watched file's
edits and moves, and what an import or the watcher read from a file (`forget --file`)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..models import PARAGRAPH_KEY, Event, Hit, paragraph_hash
from .base import StoreBase, chunks, marks

Item = TypeVar("Item", Event, Hit)  # a stored event, or a search result


def _meta_path(item: Event | Hit) -> str:
    return str(item.meta.get("path") or "")


class FileQueries(StoreBase):
    """Mixin for Store: events by the file they were read from."""

    def note_paragraphs(self, path: str) -> set[str]:
        """The hashes of the paragraphs imports stored from the note at ``path`` (as its events
        name it): the watcher's hash of the text read where kept, else the stored text's."""
        rows = self._db.execute(
            "SELECT json_extract(meta, '$.paragraph'), text FROM events WHERE session = ? AND source = 'note' "
            "AND kind = 'paragraph' AND json_extract(meta, '$.path') = ?", [os.path.basename(path), path])
        return {digest if isinstance(digest, str) else paragraph_hash(text) for digest, text in rows}

    def paragraph_edits(self, paths: Sequence[str]) -> dict[str, list[tuple[int, set[str]]]]:
        """For each watched file path, its "edited" events in order: (event id, the hashes of
        the paragraphs that edit took out of the file)."""
        out: dict[str, list[tuple[int, set[str]]]] = {}
        for chunk in chunks(list(dict.fromkeys(paths))):
            for eid, path, meta in self._db.execute(
                    f"SELECT id, json_extract(meta, '$.path'), meta FROM events WHERE source = 'file' "
                    f"AND kind = 'edited' AND json_extract(meta, '$.path') IN ({marks(chunk)}) ORDER BY id", chunk):
                try:
                    gone = json.loads(meta or "{}").get("gone") or []
                except (ValueError, AttributeError):
                    continue  # (a hand-made row; the watcher writes a list)
                out.setdefault(path, []).append((eid, {g for g in gone if isinstance(g, str)}))
        return out

    def edited_out(self, items: Sequence[Item], path_of: Callable[[Item], str] | None = None) -> dict[int, int]:
        """{event id: the id of the edit that took it out} for those of ``items`` (a watched
        file's paragraphs, as events or results) that a later edit took out of their file: the
        file keeps their text for whoever looks for it, but it is no longer what the file says.
        ``path_of``: an item's file ("" for none); by default its ``path``."""
        path = path_of or _meta_path
        paths = {id(item): path(item) for item in items if item.kind == "paragraph" and item.id is not None}
        edits = self.paragraph_edits([p for p in paths.values() if p]) if any(paths.values()) else {}
        out: dict[int, int] = {}
        for item in items:
            history = edits.get(paths.get(id(item), ""), [])
            if not history or item.id is None:
                continue
            digest = str(item.meta.get("paragraph") or paragraph_hash(item.text))
            later = next((eid for eid, gone in history if eid > item.id and digest in gone), None)
            if later is not None:
                out[item.id] = later
        return out

    def event_ids_from_files(self, paths: Sequence[str]) -> list[int]:
        """Ids of the events read from these files (absolute paths), or from a file below one
        of them: an import records its file, a note's paragraph and a watched edit their path."""
        out: set[int] = set()
        for path in paths:
            below = path.rstrip("/") + "/"
            out.update(r[0] for r in self._db.execute(
                "SELECT id FROM (SELECT id, coalesce(json_extract(meta, '$.path'), json_extract(meta, '$.file')) "
                "AS f FROM events) WHERE f = ? OR substr(f, 1, ?) = ?", [path, len(below), below]))
        return sorted(out)

    def known_paragraph(self, event: Event) -> bool:
        """Whether a note's paragraph is already stored from the same file though its time
        differs from the stored one's: a watched file's paragraph that `recall import` stored
        (its name, time and text), or a paragraph of a note that nothing dates, whose time is
        the file's last save, imported again after an edit elsewhere in the file (its name and
        text)."""
        path = (event.meta or {}).get("path")
        if event.kind != "paragraph" or event.source not in ("note", "file") or not path:
            return False
        undated = bool((event.meta or {}).get("undated"))
        if event.source == "note" and self._db.execute(
                "SELECT 1 FROM events WHERE session = ? AND source = 'file' AND kind = 'paragraph' AND text = ? "
                "LIMIT 1", [str(path), event.text]).fetchone() is not None:  # (a watched file's session: its path)
            return True  # `recall watch` stored it from the file first: importing the folder adds no copy
        if event.source == "note" and not undated:
            return False  # its content hash says whether it is known
        sql = "SELECT 1 FROM events WHERE session = ? AND source = 'note' AND text = ?"
        params: list[Any] = [os.path.basename(str(path)), event.text]
        if not undated:
            sql += " AND ts_start BETWEEN ? AND ?"
            params += [event.ts_start - 0.01, event.ts_start + 0.01]
        return self._db.execute(sql + " LIMIT 1", params).fetchone() is not None

    def held_paragraphs(self) -> tuple[dict[str, set[str]], set[str], dict[str, set[str]]]:
        """What the store holds of notes' paragraphs, for the file watcher to check its state
        against: ({a watched file's path, or an imported note's file name: the hashes of its
        paragraphs}, the hashes of paragraphs the user forgot, {an imported note's path: the
        hashes of the paragraphs imports stored from it})."""
        held: dict[str, set[str]] = {}
        imported: dict[str, set[str]] = {}
        for session, source, path, digest, text in self._db.execute(
                "SELECT session, source, json_extract(meta, '$.path'), json_extract(meta, '$.paragraph'), "
                "CASE WHEN json_extract(meta, '$.paragraph') IS NULL THEN text END FROM events "
                "WHERE kind = 'paragraph' AND source IN ('file', 'note') AND session IS NOT NULL"):
            # an import stores no watcher hash; the watcher hashes the text it read, the same
            # text unless a secret was redacted from it
            hashed = digest if isinstance(digest, str) else paragraph_hash(text)
            held.setdefault(session, set()).add(hashed)
            if source == "note" and isinstance(path, str):
                imported.setdefault(path, set()).add(hashed)
        forgotten = {key[len(PARAGRAPH_KEY):] for (key,) in self._db.execute(
            "SELECT key FROM tombstones WHERE owner = 'event' AND key LIKE ?", [PARAGRAPH_KEY + "%"])}
        return held, forgotten, imported

    def move_file(self, src: str, dest: str) -> int:
        """Show what a watched file said at its new path (its paragraphs and edits keep their
        ids, times and text); how many events moved."""
        with self.transaction():
            return self._db.execute(
                "UPDATE events SET meta = json_set(meta, '$.path', ?), "
                "session = CASE WHEN kind = 'paragraph' THEN ? ELSE session END "
                "WHERE source = 'file' AND kind IN ('paragraph', 'edited') AND json_extract(meta, '$.path') = ?",
                [dest, dest, src]).rowcount

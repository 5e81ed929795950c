"""`recall export` and `recall import --format recall`: the whole memory as one file.

The JSONL export is a header line, then every event (with its content hash), every memory
change (with the memory's uid, clock, device and state: the history, pins and edits all
travel), every tombstone, and an end record counting them. A file cut short (an export or a
copy interrupted, a disk that filled up) lacks the end record, or holds fewer records than it
counts, and its import says so instead of passing for the whole memory. Importing it into an
empty store gives the same events (same hashes), the same memories and the same history;
importing it again adds nothing.

The Markdown export is for reading: one file per day of events and one per kind of memory,
in a folder.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import InputError
from ..home import make_private_dir
from ..importers.base import Skipped
from ..importers.markdown import EXPORT_MARK
from ..models import is_later_part
from ..render import plural, without_controls
from ..timeutil import from_ts, iso
from . import records

if TYPE_CHECKING:
    from ..service import Recall

HEADER_KEY = "recall_export"


@dataclass
class ExchangeReport:
    path: str
    events: int = 0
    duplicates: int = 0
    forgotten: int = 0  # events deleted here before: kept out
    changes: int = 0
    tombstones: int = 0
    deleted: int = 0  # events and memories here that the export's forgets deleted
    skipped: list[Skipped] = field(default_factory=list)
    format: str = "recall"
    incomplete: bool = False  # cut short, or missing records its end record counts (a line in skipped says which)

    def to_dict(self) -> dict[str, Any]:
        return {**{k: v for k, v in self.__dict__.items() if k != "skipped"},
                "skipped": [{"position": s.position, "reason": s.reason} for s in self.skipped]}

    def summary(self) -> str:
        line = (f"Imported {plural(self.events, 'event')} and {plural(self.changes, 'memory change')} from "
                f"{self.path} (recall); {plural(self.duplicates, 'event')} already known")
        if self.forgotten:
            line += f", {plural(self.forgotten, 'event')} you deleted before kept out"
        if self.tombstones:
            line += f", {self.tombstones:,} forgotten items kept forgotten"
            if self.deleted:
                line += f" ({self.deleted:,} of them deleted here)"
        if len(self.skipped) > self.incomplete:  # (a file cut short skipped no record: it lacks them)
            line += f", {plural(len(self.skipped) - self.incomplete, 'record')} skipped"
        if self.incomplete:
            line += "; the file is incomplete"
        return line + "."


def is_export(head: str) -> bool:
    """Whether a file's first characters are a recall export's header."""
    return head.lstrip().startswith('{"' + HEADER_KEY + '"')


def export_jsonl(svc: Recall, out: TextIO, since: float | None = None) -> dict[str, int]:
    """Write the JSONL export; returns the counts written."""
    store = svc.store
    store.stamp_history()
    counts = {"events": 0, "changes": 0, "tombstones": 0}
    texts = 0
    # "end": this export closes with an end record; an export written before it had none, so
    # only a header that promises one makes its absence a file cut short
    out.write(json.dumps({HEADER_KEY: records.FORMAT, "device": store.device_id(), "created": iso(_now()),
                          "end": True}) + "\n")
    after = 0
    while True:
        batch = store.events_after(after, 5000)
        if not batch:
            break
        for event in batch:
            if since is None or event.ts_start >= since:
                out.write(_line(records.event_record(event)))
                counts["events"] += 1
                texts += not is_later_part(event)
        after = batch[-1].id or after
    for change in store.history_changes():
        if since is None or change["ts"] >= since:
            out.write(_line(records.change_record(change)))
            counts["changes"] += 1
    for stone in store.tombstones():
        out.write(_line(records.tombstone_record(stone)))
        counts["tombstones"] += 1
    out.write(_line({"t": "end", **counts}))  # records, as the import reads them
    # a long text's linked parts are one event to the person, as stats and import count them
    return {**counts, "texts": texts}


def import_jsonl(svc: Recall, path: Path, text: str) -> ExchangeReport:
    """Merge an export into this store: tombstones, events (through the service's write
    path), then memory changes in clock order."""
    report = ExchangeReport(str(path))
    lines = text.splitlines()
    try:
        header = json.loads(lines[0]) if lines else None
    except ValueError:
        header = None
    if not isinstance(header, dict) or HEADER_KEY not in header:
        raise InputError("not a recall export (no header line)", str(path), "line 1")
    if not isinstance(header[HEADER_KEY], int) or header[HEADER_KEY] > records.FORMAT:
        raise InputError(f"written by a newer recall (format {header[HEADER_KEY]}); upgrade recall to import it",
                         str(path), "line 1")
    events, changes, stones = [], [], []
    end: dict[str, Any] | None = None
    seen = {"events": 0, "changes": 0, "tombstones": 0}  # records of each kind, read well or not
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            kind = record.get("t") if isinstance(record, dict) else None
            if kind in ("event", "change", "tombstone"):
                seen[kind + "s"] += 1
            if kind == "end":
                end = record
            elif kind == "event":
                events.append(records.event_from_record(record))
            elif kind == "change":
                changes.append(records.check_change(record))
            elif kind == "tombstone":
                stones.append(record)
            else:
                raise InputError("unknown record")
        except (ValueError, InputError) as exc:
            report.skipped.append(Skipped(f"line {number}", str(getattr(exc, "message", exc))))
    if header.get("end") is True:
        short = _cut_short(end, seen, len(lines) + 1)
        if short is not None:
            report.skipped.append(short)
            report.incomplete = True
    store = svc.store
    with store.transaction():
        for stone in stones:
            if stone.get("owner") in ("event", "memory") and isinstance(stone.get("key"), str):
                store.add_tombstones(stone["owner"], [stone["key"]], stone.get("hlc"), stone.get("device"))
                report.tombstones += 1
                # forgotten there: gone here too (an older export, or another machine's, brought it)
                report.deleted += store.forget_keys(stone["owner"], [stone["key"]])
        gone = store.tombstoned("event")
        kept = [e for e in events if e.content_hash not in gone]
        stored = svc.store_events(kept)
        report.skipped.extend(Skipped("", f"{why}: {count} events held back, not stored")
                              for why, count in stored.held.items())
        report.events, report.duplicates = stored.texts, stored.known  # texts: as stats counts them
        report.forgotten = sum(not is_later_part(e) for e in events if e.content_hash in gone)
        for change in sorted(changes, key=lambda c: (c.get("hlc") or "", c.get("device") or "")):
            report.changes += store.apply_change(change)
        if changes:
            store.relink()
    if report.deleted:  # no copy of what was deleted left in the database files or the index
        svc.scrub()
    if not (report.events or report.duplicates or report.forgotten or report.changes or report.tombstones) \
            and report.skipped:
        first = report.skipped[0]
        raise InputError(f"nothing imported: {first.reason}", str(path), first.position)
    return report


def _cut_short(end: dict[str, Any] | None, seen: dict[str, int], after: int) -> Skipped | None:
    """What is missing from an export whose header promised an end record: the end record
    itself (the file stops early), or records it counts that the file does not hold."""
    if end is None:
        return Skipped(f"line {after}", "the file stops before the export's end record: it was cut short (an "
                                         "interrupted export or copy)")
    missing = [plural(want - seen[kind], noun) for kind, noun in
               (("events", "event"), ("changes", "memory change"), ("tombstones", "forgotten item"))
               if isinstance(want := end.get(kind), int) and want > seen[kind]]
    if not missing:
        return None
    return Skipped("", f"{', '.join(missing)} that the export's end record counts are missing from the file "
                       "(lines taken out of it?)")


def export_markdown(svc: Recall, folder: Path, since: float | None = None) -> dict[str, int]:
    """One Markdown file per day of events (``events/YYYY-MM-DD.md``) and per kind of memory
    (``memories/<kind>.md``) under ``folder``; returns the counts written."""
    make_private_dir(folder / "events")
    make_private_dir(folder / "memories")
    days: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    after, events = 0, 0
    while True:
        batch = svc.store.events_after(after, 5000)
        if not batch:
            break
        # a watched note's paragraph a later edit took out says so, as search marks it
        gone = svc.store.edited_out(batch)
        edits = {e.id: e.ts_start for e in svc.store.get_events(list(set(gone.values()))).values()} if gone else {}
        for event in batch:
            if since is not None and event.ts_start < since:
                continue
            when = from_ts(event.ts_start)
            who = f" · {event.actor}" if event.actor else ""
            edit = edits.get(gone.get(event.id or 0, 0))
            out = f" · edited out {from_ts(edit):%Y-%m-%d}" if edit is not None else ""
            days[when.strftime("%Y-%m-%d")].append((event.ts_start, event.id or 0, without_controls(
                f"## {when:%H:%M} · {event.source}{who} · [{event.id}]{out}\n\n{event.text.strip()}\n")))
            events += not is_later_part(event)  # a long text's parts: one event, as stats counts it
        after = batch[-1].id or after
    for day, blocks in days.items():
        # in the order things happened (a reply in the same minute after its question)
        _write_text(folder / "events" / f"{day}.md",
                    f"{EXPORT_MARK}\n# {day}\n\n" + "\n".join(b for *_, b in sorted(blocks)))
    kinds: dict[str, list[str]] = defaultdict(list)
    for view in svc.list_memories(include_all=True):
        m = view.memory
        pin = " · pinned" if m.pinned else ""
        kinds[m.kind].append(f"- {without_controls(m.text.strip())} "
                             f"({iso(m.valid_from or m.created_at)} · m{m.id}{pin} · "
                             f"strength {view.retention:.2f})")
    for kind, lines in kinds.items():
        _write_text(folder / "memories" / f"{kind}.md",
                    f"{EXPORT_MARK}\n# {kind.capitalize()} memories\n\n" + "\n".join(lines) + "\n")
    # a file an earlier export wrote that this one did not (every event of that day forgotten
    # since): left behind, it would keep the forgotten text; days before ``since`` are not its own
    first = from_ts(since).strftime("%Y-%m-%d") if since is not None else ""
    _drop_stale(folder / "events", {f"{day}.md" for day in days}, first)
    _drop_stale(folder / "memories", {f"{kind}.md" for kind in kinds}, "")
    return {"events": events, "days": len(days), "memories": sum(len(v) for v in kinds.values())}


def _drop_stale(folder: Path, written: set[str], first: str) -> None:
    """Remove the files of ``folder`` that an export wrote (they open with EXPORT_MARK) and
    this one did not, named from ``first`` on; a file the user put there is left alone."""
    for path in folder.glob("*.md"):
        if path.name in written or path.name < first:
            continue
        with path.open("rb") as fh:
            if fh.read(len(EXPORT_MARK.encode())) == EXPORT_MARK.encode():
                path.unlink()


def _write_text(path: Path, text: str) -> None:
    import os

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _now() -> float:
    from ..timeutil import now

    return now()

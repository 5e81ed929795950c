"""`recall sync DIR`: merge this device's memory with the others' through a shared folder.

DIR is kept in step between devices by a tool the user already runs (Syncthing, git,
rclone, a USB stick). Each device writes only its own folder, ``DIR/<device id>/``, one
segment file per sync that had something new. A sync:

1. reads the other devices' segments it has not merged (skipping, with a warning, one that
   is incomplete, corrupt, sealed with another passphrase or from a newer recall);
2. applies their tombstones first (deleting what was forgotten elsewhere, for good), then
   their events (a union by content hash, never one that is tombstoned), then their memory
   changes (replayed by clock: see store/sync.py);
3. rewrites its own segments without anything forgotten since the last rewrite, so a
   forgotten text leaves the sync folder too;
4. writes one new segment with what this device captured or changed since its last one.

Merging is idempotent: a segment is remembered by its checksum, events by hash, changes by
(device, clock).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, RecallError
from ..home import make_private_dir, replace_private
from ..render import plural
from . import records
from .segment import (
    NAME,
    SEALED,
    Incomplete,
    Segment,
    decode,
    encode,
    is_sealed,
    passphrase,
    seal,
    segment_name,
    unseal,
)

if TYPE_CHECKING:
    from ..service import Recall

CURSOR_EVENTS, CURSOR_HISTORY, CURSOR_TOMBSTONES = "sync.cursor.events", "sync.cursor.history", "sync.cursor.tombs"
REWRITTEN = "sync.rewritten_through"  # tombstone seq up to which own segments were cleaned
# set by `recall backup --restore`: the segments this device wrote after the backup was made
# are its own, taken back once per folder (RESTORED@folder holds the restore that was done)
RESTORED = "sync.restored"
BATCH = 5000


class SyncError(RecallError):
    """A sync that cannot go on (the folder is gone or read-only, a device id is shared)."""


@dataclass
class SyncReport:
    folder: str
    device: str
    read: int = 0  # segments merged
    events: int = 0
    changes: int = 0
    forgotten: int = 0
    written: int = 0  # records in the segment this run wrote (0: nothing new)
    rewritten: int = 0  # own segments rewritten without forgotten records
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sealed_opened: int = 0  # other devices' sealed segments this passphrase opened
    sealed_shut: int = 0  # ... and those it did not
    sealed_now: int = 0  # this device's segments written before it had a passphrase, sealed now
    restored: int = 0  # this device's segments written after the backup a restore put back, taken back
    moved_from: str | None = None  # the path this folder was synced at before (moved, mounted elsewhere)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}

    def summary(self) -> str:
        parts = [f"merged {plural(self.read, 'segment')} ({plural(self.events, 'event')}, "
                 f"{plural(self.changes, 'memory change')}, {self.forgotten} forgotten)",
                 f"wrote {plural(self.written, 'record')}" if self.written else "nothing new to write"]
        if self.moved_from:
            parts.insert(0, f"the folder synced before as {self.moved_from}, now here")
        if self.restored:  # (the counts above include what they held)
            parts.insert(0, f"took back {plural(self.restored, 'segment')} this device wrote after the backup "
                            "it was restored from")
        if self.rewritten:
            parts.append(f"rewrote {self.rewritten} of this device's segments without forgotten items")
        if self.sealed_now:
            parts.append(f"sealed {self.sealed_now} of this device's segments written before the passphrase")
        return f"Synced {self.folder} as device {self.device}: " + "; ".join(parts) + "."


def sync(svc: Recall, folder: Path) -> SyncReport:
    """Merge the other devices' segments under ``folder`` and write this device's new one."""
    started = time.perf_counter()
    folder = folder.expanduser()
    if not folder.is_dir():
        if folder.exists():
            raise SyncError(f"sync folder {folder} is a file, not a folder (name the folder your devices share)")
        raise SyncError(f"sync folder {folder} does not exist (create it, or point sync.dir at your synced folder)")
    home = svc.config.home.resolve()
    if (folder / "recall.db").exists() or folder.resolve() == home or home in folder.resolve().parents:
        # a device's folder written into a store's home would sit among its private files
        raise SyncError(f"{folder} is a recall home, not a sync folder: name the folder your devices share")
    store = svc.store
    key = str(folder.resolve())
    device = store.device_id()
    report = SyncReport(str(folder), device)
    command = svc.config.get("sync.passphrase_cmd")
    secret = passphrase(command) if command else None
    store.stamp_history()
    mine = folder / device
    report.moved_from = _moved_from(svc, key, mine)
    _check_own(svc, key, mine, secret)
    restored = store.setting(RESTORED)
    own = _read_restored(svc, key, mine, secret) if restored and store.setting(f"{RESTORED}@{key}") != restored \
        else []
    _check_identity(svc, key, mine, {name for _device, name, _sha, _segment in own})
    if secret is None and (sealed := _a_sealed_segment(folder, device)) is not None:
        # the other devices seal what they write: this one would leave its notes in plain text there
        raise SyncError(f"{sealed} is sealed with a passphrase and this device has none: set "
                        "sync.passphrase_cmd as on your other devices; nothing was read or written")
    incoming = _read_others(svc, folder, key, device, secret, report)
    report.restored = len(own)
    if report.sealed_shut and not report.sealed_opened and not store.merged_segments(key):
        # a device that never opened one: its passphrase is another than theirs, and what it
        # wrote would be sealed with a key no other device has
        raise SyncError(f"the passphrase (sync.passphrase_cmd) opens none of the other devices' sealed segments "
                        f"in {folder}: use the one they use; nothing was written")
    _merge(svc, own + incoming, key, report)
    try:
        make_private_dir(mine)
        report.rewritten = _rewrite_own(svc, key, mine, secret)
        report.written = _write_own(svc, key, mine, device, secret, [segment for *_, segment in own])
        if secret is not None:
            report.sealed_now = _seal_own(svc, key, mine, secret)
    except OSError as exc:
        raise SyncError(f"cannot write to the sync folder {mine}: {exc.strerror or exc}") from None
    if restored:
        store.put_setting(f"{RESTORED}@{key}", restored)  # taken back here: from now on a stranger's is refused
    if secret is not None and (plain := _plain_others(folder, device)):
        report.warnings.append(f"{plural(plain, 'segment')} from other devices still in plain text in {folder}: "
                               "each device seals its own at its next sync, once it has sync.passphrase_cmd too")
    report.seconds = time.perf_counter() - started
    return report


def _cursor(store: Any, name: str, key: str) -> int:
    """Where this device's writing to the folder ``key`` stands: each folder has its own (a new
    folder gets everything); a store from before that kept one for the folder it synced."""
    value = store.setting(f"{name}@{key}")
    if value is None:
        value = store.setting(name, "0") if store.my_segments(key) else "0"
    return int(value or 0)


def _moved_from(svc: Recall, key: str, mine: Path) -> str | None:
    """The path this device synced the folder at before, when the folder is new to it here but
    its own subfolder holds only segments it wrote at that path, as written: the same folder
    moved, or a USB stick mounted elsewhere. What was known there is taken over, so the
    folder is neither taken for a copied home's nor written again in full."""
    store = svc.store
    if store.my_segments(key) or not mine.is_dir():
        return None
    found = {path.name: _sha(path.read_bytes()) for path in mine.iterdir() if NAME.match(path.name)}
    if not found:
        return None
    device = store.device_id()
    for folder, written in sorted(store.own_segments_by_folder(device).items()):
        if folder != key and all(written.get(name) == sha for name, sha in found.items()):
            store.copy_segments(folder, key, device)
            for name in (CURSOR_EVENTS, CURSOR_HISTORY, CURSOR_TOMBSTONES, RESTORED):
                if (value := store.setting(f"{name}@{folder}")) is not None:
                    store.put_setting(f"{name}@{key}", value)
            return folder
    return None


def _check_own(svc: Recall, key: str, mine: Path, secret: bytes | None) -> None:
    """This device's segments that are gone from the folder (deleted, or a folder restored
    from an older copy) or damaged there (they no longer decode) are written again: the
    damaged ones removed, and everything from the start into a new segment (the other
    devices skip what they have)."""
    written = svc.store.my_segments(key)
    lost = [name for name in written if not (mine / name).is_file()]
    for name in written:
        path = mine / name
        if name in lost:
            continue
        data = path.read_bytes()
        if _sha(data) == written[name] or (is_sealed(data) and secret is None):
            continue  # as written (or sealed, and nothing here to tell it damaged by)
        try:
            decode(unseal(data, secret, str(path)) if is_sealed(data) else data, str(path))
        except InputError:  # (Incomplete too): damaged since it was written, not another device's
            path.unlink()
            lost.append(name)
    if lost:
        svc.store.forget_segments(key, lost)
        for name in (CURSOR_EVENTS, CURSOR_HISTORY, CURSOR_TOMBSTONES):
            svc.store.put_setting(f"{name}@{key}", "0")


def _check_identity(svc: Recall, key: str, mine: Path, taken_back: set[str]) -> None:
    """A segment in this device's folder that it did not write means another device uses the
    same id (a copied RECALL_HOME): merging on would mix two devices' changes. (Those a
    restore's first sync takes back, ``taken_back``, are this device's own.)"""
    if not mine.is_dir():
        return
    written = svc.store.my_segments(key)
    for path in sorted(mine.iterdir()):
        if not NAME.match(path.name) or path.name in taken_back:
            continue
        known = written.get(path.name)
        if known is None or known != _sha(path.read_bytes()):
            # the store that sees it is the one to renumber: the other one's segments match its records
            raise SyncError(f"another device writes as {mine.name} in {mine.parent} ({path.name} is not this "
                            f"device's): a copied RECALL_HOME? Run `recall sync --new-device` with this one "
                            f"({svc.config.home}) to give it an id of its own")


def _read_restored(svc: Recall, key: str, mine: Path, secret: bytes | None) -> list[tuple[str, str, str, Segment]]:
    """After `recall backup --restore`: the segments in this device's folder that the restored
    store does not know as written (this device wrote them after the backup was made), to be
    merged as its own; its store then holds what it had synced, as the other devices do, and
    numbers its next segment after them. Done once per folder: a device that keeps writing
    under this id afterwards (a copy, not a restore) is refused as before."""
    if not mine.is_dir():
        return []
    store = svc.store
    written, device = store.my_segments(key), store.device_id()
    found = []
    for path in sorted(mine.iterdir()):
        if not NAME.match(path.name):
            continue
        data = path.read_bytes()
        sha = _sha(data)
        if written.get(path.name) == sha:
            continue
        if is_sealed(data) and secret is None:
            raise SyncError(f"{path} is sealed with a passphrase and this device has none: set "
                            "sync.passphrase_cmd as before the restore; nothing was read or written")
        try:
            segment = decode(unseal(data, secret, str(path)) if is_sealed(data) else data, str(path))
        except InputError as exc:  # (a folder still being copied onto a new machine, too)
            raise SyncError(f"{exc.message}: this device's own segment, written after the backup it was restored "
                            "from, cannot be read; nothing was read or written (try again once the folder is "
                            "in step)") from None
        if segment.device == device:  # (one that says another device wrote it is left to the identity check)
            found.append((device, path.name, sha, segment))
    return found


def _others_sealed(folder: Path, device: str) -> list[tuple[Path, bool]]:
    """Each segment other devices wrote, and whether it is sealed with a passphrase."""
    found = []
    try:
        others = sorted(p for p in folder.iterdir() if p.is_dir() and p.name != device and not p.name.startswith("."))
        for path in (s for other in others for s in sorted(other.iterdir()) if NAME.match(s.name)):
            with path.open("rb") as handle:
                found.append((path, is_sealed(handle.read(len(SEALED)))))
    except OSError:
        pass  # an unreadable folder is reported where it is read
    return found


def _a_sealed_segment(folder: Path, device: str) -> Path | None:
    """A segment another device sealed with a passphrase, if the folder holds one."""
    return next((path for path, sealed in _others_sealed(folder, device) if sealed), None)


def _plain_others(folder: Path, device: str) -> int:
    """How many of the other devices' segments are not sealed."""
    return sum(1 for _path, sealed in _others_sealed(folder, device) if not sealed)


def _seal_own(svc: Recall, key: str, mine: Path, secret: bytes) -> int:
    """Seal this device's segments it wrote in plain text before it had a passphrase: turning
    one on must not leave what was written before readable in the shared folder."""
    sealed = 0
    for name in sorted(svc.store.my_segments(key)):
        path = mine / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if is_sealed(data):
            continue
        segment = decode(data, str(path))
        sha = _write_segment(path, segment, secret)
        svc.store.record_segment(key, segment.device, name, sha, mine=True, at=time.time())
        sealed += 1
    return sealed


def _read_others(svc: Recall, folder: Path, key: str, device: str, secret: bytes | None,
                 report: SyncReport) -> list[tuple[str, str, str, Segment]]:
    found: list[tuple[str, str, str, Segment]] = []
    try:
        devices = sorted(p for p in folder.iterdir() if p.is_dir() and p.name != device and not p.name.startswith("."))
    except OSError as exc:
        raise SyncError(f"cannot read the sync folder {folder}: {exc.strerror or exc}") from None
    for other in devices:
        for path in sorted(other.iterdir()):
            if not NAME.match(path.name):
                continue  # temporary files of this or another sync tool
            try:
                data = path.read_bytes()
            except OSError as exc:
                report.warnings.append(f"{path}: cannot read ({exc.strerror or exc}); skipped")
                continue
            sha = _sha(data)
            if svc.store.segment_seen(key, other.name, path.name) == sha:
                continue
            try:
                plain = unseal(data, secret, str(path)) if is_sealed(data) else data
            except Incomplete as exc:  # sealed, and this passphrase does not open it (or half copied)
                report.warnings.append(f"{exc.message}; will try again")
                report.sealed_shut += 1
                continue
            except InputError as exc:
                report.warnings.append(f"{exc.message}; skipped")
                continue
            report.sealed_opened += plain is not data
            try:
                segment = decode(plain, str(path))
            except Incomplete as exc:
                report.warnings.append(f"{exc.message}; will try again")
                continue
            except InputError as exc:
                report.warnings.append(f"{exc.message}; skipped")
                continue
            if segment.format > records.FORMAT:
                report.warnings.append(f"{path}: written by a newer recall (format {segment.format}); "
                                       "upgrade recall here to merge it")
                continue
            found.append((other.name, path.name, sha, segment))
    return found


def _merge(svc: Recall, incoming: list[tuple[str, str, str, Segment]], key: str, report: SyncReport) -> None:
    store = svc.store
    stones = [r for *_, seg in incoming for r in seg.records if r.get("t") == "tombstone"]
    mine = store.device_id()
    with store.transaction():
        for stone in stones:
            if stone.get("owner") in ("event", "memory") and isinstance(stone.get("key"), str):
                if stone["owner"] == "memory" and stone.get("device") != mine \
                        and (edited := store.edited_here(stone["key"], mine)) is not None:
                    # a forget wins over an edit: the text must not come back; but say what went
                    report.warnings.append(f"m{edited} was forgotten on another device; the edit made to it "
                                           "here is gone with it")
                store.add_tombstones(stone["owner"], [stone["key"]], stone.get("hlc"), stone.get("device"))
                report.forgotten += store.forget_keys(stone["owner"], [stone["key"]])
        for device, _name, _sha256, segment in incoming:
            events = []
            for record in segment.records:
                if record.get("t") == "event":
                    try:
                        events.append(records.event_from_record(record))
                    except InputError as exc:
                        report.warnings.append(f"{device}: {exc.message}; skipped")
            # (this device's own, taken back after a restore, are consolidated here as before)
            stored = svc.store_events(events, origin=None if device == mine else device)
            report.events += stored.texts
            report.warnings.extend(f"{device}: {why}: {count} events held back, not stored"
                                   for why, count in stored.held.items())
        changes = []
        for device, _name, _sha256, segment in incoming:
            for record in segment.records:
                if record.get("t") == "change":
                    try:
                        changes.append(records.check_change(record))
                    except InputError as exc:
                        report.warnings.append(f"{device}: {exc.message}; skipped")
        for change in sorted(changes, key=lambda c: (c.get("hlc") or "", c.get("device") or "")):
            clash = store.clashing_edit(change, mine) if change.get("device") != mine else None
            applied = store.apply_change(change)
            report.changes += applied
            if applied and clash is not None:
                memory_id, local = clash
                kept = store.get_memory(memory_id)
                report.warnings.append(
                    f"m{memory_id} was edited here and on another device at the same time: kept "
                    f"{_clip(kept.text if kept else local)!r} (the later edit); the other is in "
                    f"`recall history m{memory_id}`")
        if changes:
            store.relink()
        for device, name, sha, _segment in incoming:
            store.record_segment(key, device, name, sha, mine=device == mine, at=time.time())
    report.read = sum(1 for device, *_ in incoming if device != mine)
    if report.forgotten:
        svc.scrub()


def _clip(text: str, width: int = 60) -> str:
    """``text`` cut to ``width``, never inside a redaction marker ("[REDACTED:passwor")."""
    if len(text) <= width:
        return text
    cut = text[:width]
    opened = cut.rfind("[")
    inside = opened != -1 and "]" not in cut[opened:] and text[opened:].startswith("[REDACTED")
    return (cut[:opened] if inside else cut).rstrip() + "…"


def _rewrite_own(svc: Recall, key: str, mine: Path, secret: bytes | None) -> int:
    """Rewrite this device's segments that hold something forgotten since the last rewrite."""
    store = svc.store
    done_through = int(store.setting(REWRITTEN, "0") or 0)
    stones = store.tombstones(done_through)
    if not stones:
        return 0
    events, memories = store.tombstoned("event"), store.tombstoned("memory")
    rewritten = 0
    for name in sorted(store.my_segments(key)):
        path = mine / name
        if not path.exists():
            continue
        data = path.read_bytes()
        segment = decode(unseal(data, secret, str(path)) if is_sealed(data) else data, str(path))
        kept = [r for r in segment.records
                if not (r.get("t") == "event" and r.get("hash") in events)
                and not (r.get("t") == "change" and r.get("uid") in memories)]
        if len(kept) == len(segment.records):
            continue
        segment.records = kept
        sha = _write_segment(path, segment, secret)
        store.record_segment(key, segment.device, name, sha, mine=True, at=time.time())
        rewritten += 1
    store.put_setting(REWRITTEN, str(stones[-1]["seq"]))
    return rewritten


def _write_own(svc: Recall, key: str, mine: Path, device: str, secret: bytes | None,
               taken_back: list[Segment]) -> int:
    """Write one segment with what this device captured, changed or forgot since its last one
    (none when nothing is new); what ``taken_back`` segments hold is in the folder already."""
    store = svc.store
    there = [r for segment in taken_back for r in segment.records]
    known_events = {r.get("hash") for r in there if r.get("t") == "event"}
    known_changes = {r.get("hlc") for r in there if r.get("t") == "change"}
    known_stones = {(r.get("owner"), r.get("key")) for r in there if r.get("t") == "tombstone"}
    after_event, after_change, after_stone = (_cursor(store, name, key)
                                              for name in (CURSOR_EVENTS, CURSOR_HISTORY, CURSOR_TOMBSTONES))
    out: list[dict[str, Any]] = []
    forgotten = store.tombstoned("event")
    last_event = after_event
    while True:
        batch = store.local_events(last_event, BATCH)
        if not batch:
            break
        out += [records.event_record(e) for e in batch
                if e.content_hash not in forgotten and e.content_hash not in known_events]
        last_event = batch[-1].id or last_event
    changes = list(store.history_changes(after_change, device=device))
    out += [records.change_record(c) for c in changes if c["hlc"] not in known_changes]
    stones = store.tombstones(after_stone, device=device)
    out += [records.tombstone_record(s) for s in stones if (s["owner"], s["key"]) not in known_stones]
    if out:
        numbers = [int(m.group(1)) for n in store.my_segments(key) if (m := NAME.match(n))]
        number = max(numbers, default=0) + 1
        segment = Segment(device, number, out)
        sha = _write_segment(mine / segment_name(number), segment, secret)
        store.record_segment(key, device, segment_name(number), sha, mine=True, at=time.time())
    store.put_setting(f"{CURSOR_EVENTS}@{key}", str(last_event))
    store.put_setting(f"{CURSOR_HISTORY}@{key}", str(changes[-1]["id"] if changes else max(after_change, 0)))
    store.put_setting(f"{CURSOR_TOMBSTONES}@{key}", str(stones[-1]["seq"] if stones else after_stone))
    return len(out)


def _write_segment(path: Path, segment: Segment, secret: bytes | None) -> str:
    data = encode(segment)
    if secret is not None:
        data = seal(data, secret)
    replace_private(path, data)
    return _sha(data)


def new_device(svc: Recall) -> str:
    """Give this store a new device id (after a RECALL_HOME was copied); what it captured
    is written again under the new id on the next sync (others deduplicate it)."""
    import uuid

    store = svc.store
    device = uuid.uuid4().hex[:12]
    store.set_device_id(device)
    for name in (CURSOR_EVENTS, CURSOR_HISTORY, CURSOR_TOMBSTONES):
        store.drop_settings(name)  # (every folder's)
    store.put_setting(REWRITTEN, "0")
    return device


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

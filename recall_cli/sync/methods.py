"""The service's export, backup and sync methods (``Recall`` inherits them: one door, kept in
this package so the service module stays readable)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

from ..errors import RecallError, UsageError
from ..home import make_private_dir
from ..store.clock import DEVICE_KEY
from .engine import RESTORED, SyncReport
from .exchange import ExchangeReport

if TYPE_CHECKING:
    from ..service import Recall


@dataclass
class Restored:
    """What a restore did: where the replaced store was kept, and how many rows of the backup
    went again because they were forgotten after it was made."""

    kept: Path | None
    forgotten: int = 0
    damaged: bool = False  # the store replaced could not be read: what was forgotten in it is not known
    device: str = ""  # the device id the restored store syncs as (the backup's)
    synced: bool = False  # it has synced before: its next sync takes back what it wrote after the backup
    replaced_device: str | None = None  # the id of the store it replaced, when that was another


def new_file_path(path: Path) -> Path:
    """``path`` made ready for a new file (a backup, an export): refused when it exists or its
    folder is a file; a missing folder is made, private (`recall backup ~/backups/recall.db`
    on a new machine)."""
    path = path.expanduser()
    if path.exists():
        raise UsageError(f"{path} exists; choose a new file name")
    if path.parent.exists() and not path.parent.is_dir():
        raise UsageError(f"not a folder: {path.parent}")
    make_private_dir(path.parent)
    return path


class SyncMethods:
    """Mixin for Recall: export, import of an export, backup and restore, sync."""

    def export(self, out: TextIO | None = None, *, folder: Path | None = None, fmt: str = "jsonl",
               since: float | None = None) -> dict[str, int]:
        """The whole memory as JSONL (to ``out``) or Markdown (into ``folder``); the counts."""
        from .exchange import export_jsonl, export_markdown

        if fmt == "jsonl":
            if out is None:
                raise UsageError("a JSONL export needs a file or standard output")
            return export_jsonl(cast("Recall", self), out, since)
        if fmt == "markdown":
            if folder is None:
                raise UsageError("a Markdown export writes a folder: pass -o DIR")
            return export_markdown(cast("Recall", self), folder, since)
        raise UsageError(f"unknown export format '{fmt}' (choose jsonl or markdown)")

    def import_export(self, path: Path, text: str) -> ExchangeReport:
        """Merge a recall JSONL export (events, memories with their history, tombstones)."""
        from .exchange import import_jsonl

        return import_jsonl(cast("Recall", self), path, text)

    def backup(self, path: Path) -> Path:
        """A consistent copy of the store, safe while the daemon or anything else writes."""
        path = new_file_path(path)
        cast("Recall", self).store.backup_to(path)
        return path

    def check_backup(self, path: Path) -> None:
        """InputError unless ``path`` is a sound recall store this version can restore."""
        from ..store.backup import check_backup

        check_backup(path.expanduser())

    def restore(self, path: Path) -> Restored:
        """Replace this store with a backup (checked first); says where the replaced store was
        kept. What was forgotten in the live store stays forgotten (its tombstones are applied
        to the backup), the home is made (or kept) private, and the vector index, a cache of the
        replaced store, is dropped to be built again. Nothing else may have the store open
        (refused when another process has)."""
        import shutil

        from ..home import lock_file, make_private_dir, tighten
        from ..store.backup import restore

        svc = cast("Recall", self)
        db = svc.config.db_path
        unread: list[Path] = []
        replaced = None
        try:
            live = svc.store.tombstones() if db.exists() else []
            replaced = svc.store.device_id() if db.exists() else None
        except RecallError:
            live = []  # a damaged store (what a restore is for): its forgets cannot be read, the rest goes on
            unread.append(db)
        svc.close()
        if db.exists() and path.expanduser().resolve() == db.resolve():
            raise UsageError(f"{path} is the live store itself, not a backup of it")
        make_private_dir(svc.config.home)  # (a new machine's home does not exist yet)
        alone = lock_file(db, wait=False) if db.exists() else None  # no other process has it open
        if db.exists() and alone is None:
            # another process writing on would write to the file the backup replaces: lost
            raise UsageError("another recall process has the store open (recall mcp, watch, tui, chat or serve): "
                             "stop it first, then restore")
        try:
            kept = restore(path.expanduser(), db)
        finally:
            if alone is not None:
                os.close(alone)
        shutil.rmtree(svc.config.index_dir, ignore_errors=True)
        tighten(svc.config.home)
        forgotten = 0
        store = svc.store
        # the backup's device id goes on: its next sync takes back the segments it wrote after
        # the backup was made as its own (engine._read_restored) instead of refusing them as a copy's
        store.put_setting(RESTORED, repr(time.time()))
        if live:
            for owner in ("event", "memory"):
                keys = [t["key"] for t in live if t["owner"] == owner]
                forgotten += store.forget_keys(owner, keys)
            with store.transaction():
                for t in live:
                    store.add_tombstones(t["owner"], [t["key"]], t["hlc"], t["device"])
            if forgotten:
                store.scrub()
        own = store.setting(DEVICE_KEY)  # (None: the backup never had one; a new one is made, unlike any)
        device = store.device_id()
        return Restored(kept, forgotten, damaged=bool(unread), device=device, synced=store.has_synced(),
                        replaced_device=replaced if own is not None and replaced not in (None, device) else None)

    def sync(self, folder: Path | None = None, *, embed: bool = True,
             progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Merge with the other devices through a synced folder (``sync.dir`` by default); with
        ``embed``, the merged events and memories get their vectors now rather than at the next
        search (`doctor` counts a memory without one as a problem)."""
        from .engine import sync

        svc = cast("Recall", self)
        configured = svc.config.get("sync.dir")
        target = folder or (Path(configured).expanduser() if configured else None)
        if target is None:
            raise UsageError("say which folder to sync through: recall sync DIR (or set sync.dir)")
        if folder is None and not target.is_absolute():
            # (it would be read from whichever folder recall runs in: another one each time)
            raise UsageError(f"sync.dir is a relative path ({configured}): set it to a full path, "
                             f"e.g. recall config set sync.dir {Path(configured).expanduser().absolute()}")
        report = sync(svc, target)
        if embed and (report.events or report.changes):
            svc.embed_pending(progress=progress)
        return report

    def new_device(self) -> str:
        """A new device id for this store (after its RECALL_HOME was copied from another)."""
        from .engine import new_device

        return new_device(cast("Recall", self))

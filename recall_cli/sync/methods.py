"""The service's export, backup and sync methods (``Recall`` inherits them: one door, kept in
this package so the service module stays readable)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

from ..errors import UsageError
from .engine import SyncReport
from .exchange import ExchangeReport

if TYPE_CHECKING:
    from ..service import Recall


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
        path = path.expanduser()
        if path.exists():
            raise UsageError(f"{path} exists; choose a new file name")
        if not path.parent.is_dir():
            raise UsageError(f"no such folder: {path.parent}")
        cast("Recall", self).store.backup_to(path)
        return path

    def check_backup(self, path: Path) -> None:
        """InputError unless ``path`` is a sound recall store this version can restore."""
        from ..store.backup import check_backup

        check_backup(path.expanduser())

    def restore(self, path: Path) -> Path | None:
        """Replace this store with a backup (checked first); returns where the replaced store
        was kept. Nothing else may have the store open (refused when another process has)."""
        from ..home import lock_file
        from ..store.backup import restore

        svc = cast("Recall", self)
        svc.close()
        db = svc.config.db_path
        if db.exists() and path.expanduser().resolve() == db.resolve():
            raise UsageError(f"{path} is the live store itself, not a backup of it")
        alone = lock_file(db, wait=False) if db.exists() else None  # no other process has it open
        if db.exists() and alone is None:
            # another process writing on would write to the file the backup replaces: lost
            raise UsageError("another recall process has the store open (recall mcp, watch, tui, chat or serve): "
                             "stop it first, then restore")
        try:
            return restore(path.expanduser(), db)
        finally:
            if alone is not None:
                os.close(alone)

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
        report = sync(svc, target)
        if embed and (report.events or report.changes):
            svc.embed_pending(progress=progress)
        return report

    def new_device(self) -> str:
        """A new device id for this store (after its RECALL_HOME was copied from another)."""
        from .engine import new_device

        return new_device(cast("Recall", self))

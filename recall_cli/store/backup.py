"""Checking and restoring a backup file: it must be a recall store this version knows."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from ..errors import InputError
from ..home import PRIVATE_FILE, make_private_dir
from .migrations import migration_files


def check_backup(path: Path) -> list[str]:
    """The migrations a backup file has applied; InputError when it is not a sound recall
    store of a schema version this recall knows."""
    if path.is_dir():
        raise InputError("a folder, not a backup file: name the file `recall backup FILE` wrote", str(path))
    if not path.is_file():
        raise InputError("no such backup file", str(path))
    with path.open("rb") as fh:
        head = fh.read(64)
    if head[:16] != b"SQLite format 3\x00":
        if head.lstrip().startswith(b'{"recall_export"'):
            raise InputError("a recall export, not a backup: merge it with `recall import FILE`", str(path))
        raise InputError("not a recall backup (not an SQLite database)", str(path))
    try:
        # immutable: read as it is, so a backup on a read-only disk is checked without the
        # -shm file SQLite would otherwise make beside it (and nothing is left there)
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)
        try:
            names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'recall'")]
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"not a recall backup ({exc})", str(path)) from None
    known = {name for name, _sql in migration_files()}
    if not names:
        raise InputError("not a recall backup (no recall schema in it)", str(path))
    newer = sorted(set(names) - known)
    if newer:
        raise InputError(f"made by a newer recall (schema {newer[-1]}); upgrade recall to restore it", str(path))
    if integrity != "ok":
        raise InputError(f"the backup is damaged (integrity check: {integrity})", str(path))
    return names


def safety_copies(db_path: Path) -> list[Path]:
    """The stores that restores replaced, kept beside ``db_path`` (see ``restore``)."""
    return sorted(p for p in db_path.parent.glob(f"{db_path.name}.before-restore-*")
                  if p.is_file() and not p.name.endswith(("-wal", "-shm", "-journal")))


def forget_in_copies(db_path: Path, hashes: Sequence[str], uids: Sequence[str]) -> int:
    """Forget the events (by hash) and memories (by uid) in every safety copy too, with their
    tombstones, and leave no trace of them in the copies' files: forgotten text leaves every
    store under RECALL_HOME, not only the live one. How many rows went."""
    from .db import open_store

    gone = 0
    for path in safety_copies(db_path):
        store = open_store(path)
        try:
            gone += store.forget_keys("event", hashes) + store.forget_keys("memory", uids)
            store.add_tombstones("event", hashes)
            store.add_tombstones("memory", uids)
            store.scrub()
        finally:
            store.close()
    return gone


def restore(backup: Path, db_path: Path) -> Path | None:
    """Put a checked backup in place of the store at ``db_path``; the store it replaces is
    kept beside it (returned), so a restore can be undone. A restore that fails (a full disk)
    leaves the home as it was: no half copy beside the store, which would stop it opening."""
    check_backup(backup)
    make_private_dir(db_path.parent)
    tmp = db_path.with_name(f".{db_path.name}.restoring")
    try:
        shutil.copyfile(backup, tmp)  # first: a disk too full for it has nothing else to undo
        os.chmod(tmp, PRIVATE_FILE)
        kept = _keep(db_path) if db_path.exists() else None  # (a half copy it removes itself)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"cannot restore into this folder: {why}; the store is as it was",
                         str(db_path.parent)) from None
    for suffix in ("-wal", "-shm"):  # (folded into the copy kept: from here on the backup replaces the store)
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    os.replace(tmp, db_path)
    return kept


def _keep(db_path: Path) -> Path:
    """A copy of the store at ``db_path`` beside it, named for when it was replaced."""
    stamp = f"{db_path.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}"
    kept = db_path.with_name(stamp)
    n = 1
    while kept.exists():  # two restores in one second: the first one's copy is kept too
        n += 1
        kept = db_path.with_name(f"{stamp}-{n}")
    source = sqlite3.connect(str(db_path))
    target = sqlite3.connect(str(kept))
    try:
        try:
            source.backup(target)  # the current store with its WAL folded in
        except sqlite3.DatabaseError as exc:
            if "full" in str(exc):  # (no room is no damage)
                raise
            # damaged (what a restore is for): kept as its files are, for whatever can be saved
            target.close()
            shutil.copyfile(db_path, kept)
            wal = db_path.with_name(db_path.name + "-wal")
            if wal.exists():
                shutil.copyfile(wal, kept.with_name(kept.name + "-wal"))
                os.chmod(kept.with_name(kept.name + "-wal"), PRIVATE_FILE)
        finally:
            source.close()
            target.close()
    except (OSError, sqlite3.Error):
        for part in (kept, kept.with_name(kept.name + "-wal")):  # a half copy only takes room
            part.unlink(missing_ok=True)
        raise
    os.chmod(kept, PRIVATE_FILE)
    return kept

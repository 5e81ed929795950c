"""Restoring a backup keeps the store it replaces."""

from __future__ import annotations

import sqlite3

from recall_cli.store import backup
from recall_cli.store.db import open_store


def texts(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT text FROM events ORDER BY id")]
    finally:
        conn.close()


def write_note(path, ts: int, text: str) -> None:
    """A note written into the store at ``path`` as another process would."""
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO events (source, ts_start, text, content_hash, created_at) VALUES ('note', ?, ?, ?, 0)",
                 [ts, text, f"h{ts}"])
    conn.commit()
    conn.close()


def test_two_restores_in_one_second_keep_both_replaced_stores(tmp_path, monkeypatch):
    db_path = tmp_path / "recall.db"
    open_store(db_path).close()
    write_note(db_path, 1, "first note")
    saved = tmp_path / "saved.db"
    saved.write_bytes(db_path.read_bytes())
    write_note(db_path, 2, "bought a new kettle")
    monkeypatch.setattr(backup.time, "strftime", lambda _fmt: "20261205-060100")  # one second for both
    first = backup.restore(saved, db_path)
    second = backup.restore(saved, db_path)
    assert first is not None and second is not None and first != second
    assert "bought a new kettle" in texts(first)  # the note added after the backup is still kept
    assert texts(db_path) == ["first note"]


def test_a_restore_the_disk_has_no_room_for_leaves_the_store_as_it_was_and_no_half_copy(tmp_path, monkeypatch):
    import errno

    import pytest

    from recall_cli.errors import InputError

    db_path = tmp_path / "home" / "recall.db"
    db_path.parent.mkdir()
    open_store(db_path).close()
    saved = tmp_path / "saved.db"
    saved.write_bytes(db_path.read_bytes())
    write_note(db_path, 2, "precious note")
    copy = backup.shutil.copyfile

    def full(source, target):  # half the backup lands, then the disk is full
        copy(source, target)
        with open(target, "r+b") as fh:
            fh.truncate(4096)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup.shutil, "copyfile", full)
    with pytest.raises(InputError, match="cannot restore into this folder: No space left on device"):
        backup.restore(saved, db_path)
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name != "recall.db.lock") == ["recall.db"]
    assert texts(db_path) == ["precious note"]

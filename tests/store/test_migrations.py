import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from recall_cli.store.db import open_store
from recall_cli.store.dump import current_schema
from recall_cli.store.migrations import apply_migrations, migration_files, schema_sql

ROOT = Path(__file__).resolve().parents[2]


def test_blank_database_migrates_to_the_committed_schema_dump():
    assert current_schema() == (ROOT / "schema" / "recall.sql").read_text(), (
        "schema/recall.sql is stale: run `make schema`"
    )


def test_opening_the_store_twice_applies_nothing_the_second_time(tmp_path):
    db = Database(tmp_path / "a.db")
    first = apply_migrations(db)
    assert first == [name for name, _ in migration_files()]
    assert apply_migrations(db) == []
    assert schema_sql(db) == current_schema()


def test_a_failing_migration_rolls_back_and_stays_pending(tmp_path):
    path = tmp_path / "r.db"
    open_store(path).close()
    db = Database(path)
    bad = [("9999_broken", "CREATE TABLE half_done (x INTEGER); INSERT INTO nowhere VALUES (1);")]
    with pytest.raises(sqlite3.OperationalError):
        apply_migrations(db, extra=bad)
    assert not db["half_done"].exists()
    applied = [r["name"] for r in db["_sqlite_migrations"].rows]
    assert "9999_broken" not in applied
    good = [("9999_broken", "CREATE TABLE half_done (x INTEGER);")]
    assert apply_migrations(db, extra=good) == ["9999_broken"]


def test_store_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    store = open_store(tmp_path / "p.db")
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store._db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_a_store_file_that_is_not_sqlite_gives_a_clear_error(tmp_path):
    from recall_cli.errors import RecallError

    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(RecallError, match="cannot open store"):
        open_store(path)


def older_store(path: Path, before: str) -> Database:
    """A store made by a recall that knew the migrations before ``before`` only."""
    from sqlite_utils.migrations import Migrations

    from recall_cli.store.migrations import MIGRATION_SET, _runner

    db = Database(path)
    older = Migrations(MIGRATION_SET)
    for name, sql in migration_files():
        if name < before:
            older(name=name)(_runner(sql))
    older.apply(db)
    return db


def test_events_from_before_the_mentioned_times_table_are_read_for_theirs(tmp_path):
    path = tmp_path / "old.db"
    db = older_store(path, "0004")
    db.execute("INSERT INTO events (source, ts_start, text, content_hash, created_at) "
               "VALUES ('note', 1684929600, 'Moved to Porto back in 2010', 'h1', 0)")
    db.conn.commit()
    db.close()
    store = open_store(path)  # the 0004 migration leaves a marker: there are events to read
    assert store.setting("event_times.backfill_after") == "0"
    assert store.backfill_event_times() == 1
    assert store.setting("event_times.backfill_after") is None and len(store.event_times([1])[1]) == 1
    assert store.backfill_event_times() == 0


@pytest.mark.parametrize(("before", "written", "text", "stored", "meant"), [
    # a deadline: 0011's code stored the month up to it; it is 28 November alone
    ("0012", 1763481600, "FAL-240 must be finished by 28 November", (1761782400, 1764374399.999), 1764288000),
    # a weekday before a date: 0012's code stored 16 March 2027, the next after the April note;
    # it is 16 March 2026, a Monday
    ("0013", 1777233600, "Gary texts: moved to Mon 16 March", (1805155200, 1805241599.999), 1773619200),
    # a booking: 0013's code stored the Tuesday before the Monday it was written; it is the next one
    ("0014", 1794823200, "Car service booked at Halden Motors on Tuesday at 8:15", (1794268800, 1794355199.999),
     1794873600),
])
def test_mentioned_times_stored_before_a_grammar_fix_are_read_again(tmp_path, before, written, text, stored, meant):
    path = tmp_path / "old.db"
    db = older_store(path, before)
    db.execute("INSERT INTO events (source, ts_start, text, content_hash, created_at) VALUES ('note', ?, ?, 'h1', 0)",
               [written, text])
    db.execute("INSERT INTO event_times (event_id, since, until) VALUES (1, ?, ?)", list(stored))
    db.conn.commit()
    db.close()
    store = open_store(path)
    assert store.backfill_event_times() == 1
    [(since, until)] = store.event_times([1])[1]
    assert abs(since - meant) < 86400 and until - since < 86400  # that one day


def test_events_stored_before_0010_are_found_by_where_they_sit(tmp_path):
    path = tmp_path / "old.db"
    db = older_store(path, "0010")
    db.execute("INSERT INTO events (source, ts_start, text, meta, content_hash, created_at) VALUES "
               "('shell', 1684929600, 'terraform apply', '{\"cwd\": \"/home/ada/src/infra\"}', 'h1', 0)")
    db.conn.commit()
    db.close()
    store = open_store(path)
    assert store.fts_events('"infra"', 5) and store.fts_events('"src"', 5)  # the last two folders
    assert not store.fts_events('"home"', 5)  # not the whole path: every command would hold it
    assert store.fts_events('"terraform"', 5)[0][0] == 1



def test_commands_that_open_a_new_home_at_once_all_store_their_notes(tmp_path):
    home = tmp_path / "new-home"
    env = {**os.environ, "RECALL_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    started = [subprocess.Popen([sys.executable, "-m", "recall_cli", "add", f"note {n}"], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(3)]
    done = [p.communicate(timeout=120) + (p.returncode,) for p in started]
    assert [code for _out, _err, code in done] == [0, 0, 0], [err for _out, err, _code in done]
    store = open_store(home / "recall.db")
    try:
        assert sorted(e.text for e in store.events_after(0, 10)) == ["note 0", "note 1", "note 2"]
    finally:
        store.close()


def test_a_store_in_a_read_only_folder_says_why_it_cannot_be_opened(tmp_path, monkeypatch):
    from recall_cli.errors import RecallError
    from recall_cli.store import db

    path = tmp_path / "recall.db"
    open_store(path).close()

    def refused(_path):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(db, "connect", refused)  # (root can write anywhere: the mount says no)
    monkeypatch.setattr(db.os, "access", lambda p, mode: Path(p) != tmp_path)
    with pytest.raises(RecallError, match=rf"unable to open database file \({tmp_path} is read-only: recall "
                                          "writes its journal and locks beside the store even to read it\\)"):
        open_store(path)

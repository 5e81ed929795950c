import sqlite3
import threading

from recall_cli.models import Event
from recall_cli.store.db import open_store


def _event(text: str, ts: float = 1_700_000_000.0, **kw) -> Event:
    return Event(text=text, ts_start=ts, **kw)


def test_identical_events_are_stored_once(tmp_path):
    store = open_store(tmp_path / "r.db")
    first = store.insert_events([_event("hello world"), _event("second")])
    again = store.insert_events([_event("hello world"), _event("third")])
    assert len(first.inserted) == 2 and first.duplicates == 0
    assert len(again.inserted) == 1 and again.duplicates == 1
    assert store.count_events() == 3


def test_full_text_index_follows_updates_and_deletes(tmp_path):
    store = open_store(tmp_path / "r.db")
    ids = store.insert_events([_event("the purple giraffe"), _event("a green frog")]).inserted
    assert [i for i, _ in store.fts_events('"giraffe"', 10)] == [ids[0]]
    store._db.execute("UPDATE events SET text = 'the orange elephant' WHERE id = ?", [ids[0]])
    assert store.fts_events('"giraffe"', 10) == []
    assert [i for i, _ in store.fts_events('"elephant"', 10)] == [ids[0]]
    store.delete_events([ids[0]])
    assert store.fts_events('"elephant"', 10) == []
    assert [i for i, _ in store.fts_events('"frog"', 10)] == [ids[1]]


def test_memories_full_text_index_follows_changes(tmp_path):
    store = open_store(tmp_path / "r.db")
    store._db.execute(
        "INSERT INTO memories (kind, text, last_reinforced, created_at, updated_at, content_hash) "
        "VALUES ('semantic', 'Ana likes pottery', 0, 0, 0, 'h')"
    )
    assert store.fts_memories('"pottery"', 5) == [(1, store.fts_memories('"pottery"', 5)[0][1])]
    store._db.execute("UPDATE memories SET text = 'Ana likes climbing' WHERE id = 1")
    assert store.fts_memories('"pottery"', 5) == []
    store.delete_memories([1])
    assert store.fts_memories('"climbing"', 5) == []


def test_deleting_an_event_removes_its_vectors_and_leaves_a_tombstone(tmp_path):
    store = open_store(tmp_path / "r.db")
    (eid,) = store.insert_events([_event("vector me")]).inserted
    store.put_vectors("event", "m", 3, [(eid, "h1", b"\x00" * 12)])
    assert store.vector_fingerprint("m")[0] == 1
    store.delete_events([eid])
    assert store.vector_fingerprint("m")[0] == 0
    assert len(store.tombstones_after("m", 0)) == 1


def test_a_locked_database_waits_instead_of_failing(tmp_path):
    path = tmp_path / "r.db"
    store = open_store(path)
    blocker = sqlite3.connect(str(path), check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("INSERT INTO settings (key, value) VALUES ('lock', '1')")
    release = threading.Timer(0.3, blocker.commit)
    release.start()
    result = store.insert_events([_event("written after the lock is released")])
    release.join()
    assert len(result.inserted) == 1


def test_a_failed_batch_leaves_nothing_half_written(tmp_path):
    store = open_store(tmp_path / "r.db")
    store.insert_events([_event("kept")])
    bad = _event("bad")
    bad.ts_start = None  # NOT NULL violation in the middle of the batch
    try:
        store.insert_events([_event("first of batch"), bad, _event("never")])
    except sqlite3.IntegrityError:
        pass
    texts = [r[0] for r in store._db.execute("SELECT text FROM events")]
    assert texts == ["kept"]


def test_an_id_is_never_given_again_after_its_row_is_forgotten(tmp_path):
    from recall_cli.models import Memory

    store = open_store(tmp_path / "r.db")
    ids = store.insert_events([_event("one"), _event("two"), _event("three")]).inserted
    store.delete_events(ids[1:])  # the newest two: SQLite alone would hand their ids out again
    (new,) = store.insert_events([_event("four")]).inserted
    assert new == ids[-1] + 1
    store.close()
    reopened = open_store(tmp_path / "r.db")
    assert reopened.insert_events([_event("five")]).inserted == [new + 1]
    memory = Memory(kind="semantic", text="Ana likes pottery", subject="Ana", last_reinforced=0, created_at=0,
                    updated_at=0)
    first = reopened.insert_memory(memory)
    reopened.delete_memories([first])
    again = Memory(kind="semantic", text="Ana likes climbing", subject="Ana", last_reinforced=0, created_at=0,
                   updated_at=0)
    assert reopened.insert_memory(again) == first + 1

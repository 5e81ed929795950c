import numpy as np
import pytest

from recall_cli.config import load_config
from recall_cli.search.index import VectorIndex
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder


def _fill(svc: Recall, n: int) -> list[int]:
    ids = [svc.add(f"note number {i} about topic{i % 7}", ts=1_700_000_000 + i).id for i in range(n)]
    svc.embed_pending()
    return ids


def test_index_is_built_from_sqlite_when_missing(svc):
    _fill(svc, 30)
    index = svc.index
    assert index.last_action == "rebuilt"
    assert index.status()["items"] == 30
    assert index.file.exists()


def test_a_new_process_reuses_the_saved_index_and_adds_only_new_vectors(svc, recall_home, embedder):
    _fill(svc, 20)
    _ = svc.index  # build and save
    svc.close()
    writer = Recall(load_config(recall_home), embedder=embedder)  # never opens the index
    writer.add("a late addition", ts=1_800_000_000, embed=True)
    writer.close()
    reader = Recall(load_config(recall_home), embedder=embedder)
    assert reader.index.last_action == "updated"
    assert reader.index.status()["items"] == 21


def test_deleted_events_disappear_from_the_index(svc, recall_home, embedder):
    ids = _fill(svc, 25)
    _ = svc.index
    plan = svc.plan_forget([str(ids[0]), str(ids[1])])
    svc.forget(plan)
    assert svc.index.status()["items"] == 23
    vec = embedder.embed(["note number 0 about topic0"])[0]
    labels = [lb for lb, _ in svc.index.query(vec, 23)]
    owners = svc.store.vector_owners(labels)
    assert ids[0] not in {oid for _, oid in owners.values()}
    # another process with a stale file applies the tombstones
    other = Recall(load_config(recall_home), embedder=embedder)
    assert other.index.status()["items"] == 23


def test_deletions_made_by_another_process_are_applied_from_tombstones(svc, recall_home, embedder):
    ids = _fill(svc, 10)
    _ = svc.index
    svc.close()
    other = Recall(load_config(recall_home), embedder=embedder)
    other.store.delete_events([ids[3]])  # no index in this process
    other.close()
    third = Recall(load_config(recall_home), embedder=embedder)
    assert third.index.last_action == "updated"
    assert third.index.status()["items"] == 9


def test_changing_the_model_builds_a_separate_index(svc, recall_home):
    _fill(svc, 12)
    _ = svc.index
    svc.close()
    wider = Recall(load_config(recall_home), embedder=FakeEmbedder(dim=32, model_id="other"))
    hits = wider.search("note number 3", limit=3)
    assert wider.index.model_id == "other-32"
    assert wider.index.status()["items"] == 12
    assert hits.hits


def test_a_corrupt_index_file_is_rebuilt_not_an_error(svc, recall_home, embedder):
    _fill(svc, 15)
    path = svc.index.file
    svc.close()
    path.write_bytes(b"garbage" * 10)
    other = Recall(load_config(recall_home), embedder=embedder)
    assert other.index.last_action == "rebuilt"
    assert other.index.status()["items"] == 15


def test_index_resizes_past_its_initial_capacity(tmp_path, embedder):
    svc = Recall(load_config(tmp_path / "h"), embedder=embedder)
    _fill(svc, 5)
    index: VectorIndex = svc.index
    capacity = index.index.get_max_elements()
    rows = [svc.add(f"bulk item {i} words", ts=1_750_000_000 + i).id for i in range(capacity + 10)]
    svc.embed_pending(rows)
    assert index.status()["items"] == capacity + 15
    vec = embedder.embed([f"bulk item {capacity} words"])[0]
    assert isinstance(index.query(vec, 5)[0][1], float)
    assert np.isfinite(index.query(vec, 5)[0][1])


class _Interrupted(Exception):
    pass


def test_a_backlog_embedding_interrupted_midway_keeps_its_work_and_the_next_run_finishes_it(svc, embedder, tmp_path):
    from recall_cli.models import Event
    from recall_cli.search.vectors import EVENT_CHUNK

    total = EVENT_CHUNK * 5 // 2
    svc.store.insert_events([Event(f"note {i} about the garden and the {i % 13} tomatoes", 1_700_000_000.0 + i)
                             for i in range(total)])
    calls: list[int] = []
    real = embedder.embed

    def flaky(texts: list[str]):
        calls.append(len(texts))
        if len(calls) == 2:  # killed while the second batch is embedded
            raise _Interrupted()
        return real(texts)

    embedder.embed = flaky  # type: ignore[method-assign]
    with pytest.raises(_Interrupted):
        svc.embed_pending()
    assert svc.store.vector_fingerprint(embedder.model_id)[0] == calls[0]  # the first batch is kept
    embedder.embed = real  # type: ignore[method-assign]
    assert svc.embed_pending() == total - calls[0]  # only what was missing
    assert svc.store.vector_fingerprint(embedder.model_id)[0] == total


def test_a_process_holding_the_index_sees_what_another_forgot_and_stored_since(svc, recall_home, embedder):
    # the daemon holds the index open; a CLI beside it forgets the newest note and imports another,
    # whose vector takes the forgotten one's row id
    daemon = svc
    for text in ("Lent my cordless drill to Bart", "Anouk's birthday is 3 June"):
        daemon.add(text, embed=True)
    cli = Recall(load_config(recall_home), embedder=embedder)
    spare = cli.add("The spare bike key is taped under the saddle", embed=True)
    assert daemon.search("spare bike key").hits[0].id == spare.id
    cli.forget(cli.plan_forget([str(spare.id)]))
    skoda = cli.add("The Skoda needs its APK inspection before 30 May", embed=True)
    cli.close()
    daemon.search("Skoda inspection")
    vec = embedder.embed(["The Skoda needs its APK inspection before 30 May"])[0]
    label, _distance = daemon.index.query(vec, 1)[0]
    assert daemon.store.vector_owners([label])[label][1] == skoda.id
    held = np.asarray(daemon.index.index.get_items([label])[0])
    assert float(held @ vec / np.linalg.norm(held)) > 0.99  # its own vector, not the forgotten note's

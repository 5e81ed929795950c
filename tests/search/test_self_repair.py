"""Work a crash left half done is finished by running the same command again: import, spool
ingest and consolidation embed every event or memory still without a vector, not only the
ones they stored themselves."""

from __future__ import annotations

from recall_cli.capture import spool
from recall_cli.models import Event


def missing(svc) -> tuple[int, int]:
    model = svc.embedder.model_id
    return (len(svc.store.owners_missing_vectors("event", model)),
            len(svc.store.owners_missing_vectors("memory", model)))


def test_re_running_an_import_killed_before_embedding_embeds_what_it_left(svc, tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text("".join(f'{{"text": "note number {i}", "time": {1_700_000_000 + i}}}\n' for i in range(40)))
    first = svc.import_file(path, embed=False)  # as if killed after the store, before the vectors
    assert first.inserted == 40 and missing(svc) == (40, 0)
    again = svc.import_file(path)
    assert again.inserted == 0 and again.duplicates == 40
    assert missing(svc) == (0, 0)


def test_a_spool_ingest_embeds_events_an_earlier_run_left_without_vectors(svc, recall_home):
    svc.store.insert_events([Event(f"left behind {i}", 1_700_000_000 + i) for i in range(5)])
    spool.append(recall_home, [{"text": "make test", "source": "shell", "kind": "command",
                                "ts_start": 1_700_000_100, "meta": {"cwd": "/src", "exit_code": 0}}])
    svc.ingest_spool()
    assert missing(svc) == (0, 0)


def test_consolidation_embeds_memories_a_killed_run_left_without_vectors(svc):
    svc.store.insert_events([Event(f"chat line {i}", 1_700_000_000 + i * 60, source="chat", session="s1",
                                   actor="Ana") for i in range(3)])
    svc.consolidate(use_llm=False)
    assert missing(svc) == (0, 0)
    orphan = svc.memories.add("semantic", "Ana likes climbing")  # stored, never embedded
    assert missing(svc) == (0, 1) and orphan.id is not None
    report = svc.consolidate(use_llm=False)  # nothing new to consolidate, and still it repairs
    assert report.episodes == 0 and missing(svc) == (0, 0)

"""Embedding a backlog in pipelined chunks: the same vectors, each distinct text once."""

from __future__ import annotations

from recall_cli.config import load_config
from recall_cli.models import Event
from recall_cli.search.vectors import embed_events
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder


def _events(n: int) -> list[Event]:
    # every third event repeats an everyday command, as shell history does
    return [Event("git status" if i % 3 == 0 else f"note {i} on the garden and the {i % 11} tomatoes",
                  1_700_000_000.0 + i) for i in range(n)]


def _vectors(svc: Recall, model: str) -> dict[str, bytes]:
    rows = svc.store._db.execute(
        "SELECT e.text, x.vector FROM embeddings x JOIN events e ON e.id = x.owner_id "
        "WHERE x.owner = 'event' AND x.model = ?", [model])
    return {text: blob for text, blob in rows}


def test_a_backlog_in_many_chunks_gets_the_vectors_one_chunk_gives(tmp_path):
    one, many = (Recall(load_config(tmp_path / name), embedder=FakeEmbedder()) for name in ("one", "many"))
    for svc in (one, many):
        svc.store.insert_events(_events(40))
    seen: list[tuple[int, int]] = []
    assert embed_events(one.store, one.embedder) == embed_events(
        many.store, many.embedder, batch=7, progress=lambda done, total: seen.append((done, total)))
    model = one.embedder.model_id
    assert _vectors(one, model) == _vectors(many, model)
    assert many.store.vector_fingerprint(model)[0] == 40
    assert seen[-1] == (40, 40) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_text_repeated_across_chunks_is_embedded_once(tmp_path):
    embedder = FakeEmbedder()
    svc = Recall(load_config(tmp_path / "home"), embedder=embedder)
    svc.store.insert_events(_events(40))
    embedded = embed_events(svc.store, embedder, batch=5)  # "git status" lands in every chunk
    texts = [text for call in embedder.calls for text in call]
    assert texts.count("git status") == 1
    assert embedded == len(texts) == 40 - 14 + 1
    assert svc.store.vector_fingerprint(embedder.model_id)[0] == 40  # every event has its vector


def test_on_a_full_disk_search_still_finds_what_is_stored_and_says_why_new_items_lack_vectors(tmp_path, monkeypatch):
    import shutil

    svc = Recall(load_config(tmp_path / "home"), embedder=FakeEmbedder())
    svc.add("the spare key is under the blue pot")
    svc.search("spare key")  # embedded while there was room
    svc.store.insert_events(_events(40))  # stored, their vectors not yet made
    said: list[str] = []
    svc.notice = said.append
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage._replace(free=0))
    hits = svc.search("spare key").hits
    assert hits and hits[0].text == "the spare key is under the blue pot"
    assert said == ["the disk is full: 40 items stay without a vector, found by their words until there is room"]

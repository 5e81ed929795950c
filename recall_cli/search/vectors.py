"""Turning stored events and memories into vectors (batched, deduplicated by content hash).

The text a vector is computed from (the "document") carries the speaker and a little of
the previous turn, because a chat reply alone ("Yes, last Saturday!") rarely says what it
is about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..models import Event, content_hash

if TYPE_CHECKING:
    from ..store.db import Store
    from .embed import Embedder

CONTEXT_CHARS = 200
# The embedder reads 256 tokens at most; a token is rarely longer than 16 characters, so text
# past 4,096 characters never reaches the model. Cutting it first spares the tokenizer a
# whole long text (a 20,000-character part took longer to tokenize than to embed).
MAX_DOC_CHARS = 4096


def event_document(event: Event, previous: Event | None = None) -> str:
    """The text embedded for an event, cut at MAX_DOC_CHARS."""
    body = f"{event.actor}: {event.text}" if event.actor else event.text
    # only a conversation's turns reply to each other (a shell command does not "reply")
    if (previous is not None and previous.session == event.session and previous.session
            and event.kind == "message" and previous.kind == "message"):
        prior = previous.text[-CONTEXT_CHARS:]
        who = f"{previous.actor}: " if previous.actor else ""
        body = f"{body}\n(in reply to {who}{prior})"
    return body[:MAX_DOC_CHARS]


def embed_events(
    store: Store, embedder: Embedder, ids: Sequence[int] | None = None, batch: int = 256,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute and store vectors for events lacking one; returns how many were embedded."""
    pending = list(ids) if ids is not None else store.owners_missing_vectors("event", embedder.model_id)
    done = 0
    for start in range(0, len(pending), batch):
        chunk = pending[start : start + batch]
        events = store.get_events(chunk)
        before = store.previous_in_session(events.values())
        earlier = store.get_events(list(set(before.values())))
        docs = {eid: event_document(ev, earlier.get(before.get(eid, -1))) for eid, ev in events.items()}
        done += _store_vectors(store, embedder, "event", docs)
        if progress:
            progress(min(start + batch, len(pending)), len(pending))
    return done


def embed_memories(store: Store, embedder: Embedder, ids: Sequence[int] | None = None) -> int:
    """Compute and store vectors for memories lacking one (or whose text changed)."""
    pending = list(ids) if ids is not None else store.owners_missing_vectors("memory", embedder.model_id)
    memories = store.get_memories(pending)
    docs = {mid: (f"{m.subject}: {m.text}" if m.subject else m.text) for mid, m in memories.items()}
    return _store_vectors(store, embedder, "memory", docs)


def _store_vectors(store: Store, embedder: Embedder, owner: str, docs: dict[int, str]) -> int:
    if not docs:
        return 0
    model = embedder.model_id
    hashes = {oid: content_hash(model, doc) for oid, doc in docs.items()}
    current = store.stored_hashes(owner, model, list(docs))
    todo = {oid: doc for oid, doc in docs.items() if current.get(oid) != hashes[oid]}
    if not todo:
        return 0
    known = store.vectors_by_hash(model, [hashes[o] for o in todo])
    fresh = [oid for oid in todo if hashes[oid] not in known]
    blobs: dict[int, bytes] = {oid: known[hashes[oid]] for oid in todo if hashes[oid] in known}
    if fresh:
        vectors = embedder.embed([todo[oid] for oid in fresh])
        for oid, vec in zip(fresh, vectors, strict=True):
            blobs[oid] = vec.astype("float32").tobytes()
    dim = embedder.dim
    store.put_vectors(owner, model, dim, [(oid, hashes[oid], blobs[oid]) for oid in todo])
    return len(fresh)

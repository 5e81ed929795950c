"""Turning stored events and memories into vectors (batched, deduplicated by content hash).

The text a vector is computed from (the "document") carries the speaker and a little of
the previous turn, because a chat reply alone ("Yes, last Saturday!") rarely says what it
is about.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Event, content_hash

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ..store.db import Store
    from .embed import Embedder

CONTEXT_CHARS = 200
# The embedder reads 256 tokens at most; a token is rarely longer than 16 characters, so text
# past 4,096 characters never reaches the model. Cutting it first spares the tokenizer a
# whole long text (a 20,000-character part took longer to tokenize than to embed).
MAX_DOC_CHARS = 4096
# events embedded as one chunk (see embed_events); a backlog is cut into at least
# PROGRESS_STEPS chunks (of MIN_CHUNK or more) so a progress bar moves on a short import too
EVENT_CHUNK = 1024
MIN_CHUNK = 64
PROGRESS_STEPS = 8
# items without a vector that a search embeds before it reads without a word (fast `add`s
# defer embedding by design); a larger backlog (an import that was stopped) is news
BACKLOG = 1000
VECTOR_ROOM = 4096  # bytes a stored vector takes, at most (384 float32s, its row and its index entries)


def event_document(event: Event, previous: Event | None = None) -> str:
    """The text embedded for an event, cut at MAX_DOC_CHARS. (A note's headings are not part
    of it: on 98 questions of nine fresh stores, embedding them moved recall@10 of the
    questions' source files from 84.3 to 84.2; the full-text index reads them already.)"""
    body = f"{event.actor}: {event.text}" if event.actor else event.text
    # only a conversation's turns reply to each other (a shell command does not "reply")
    if (previous is not None and previous.session == event.session and previous.session
            and event.kind == "message" and previous.kind == "message"):
        prior = previous.text[-CONTEXT_CHARS:]
        who = f"{previous.actor}: " if previous.actor else ""
        body = f"{body}\n(in reply to {who}{prior})"
    return body[:MAX_DOC_CHARS]


def embed_events(
    store: Store, embedder: Embedder, ids: Sequence[int] | None = None, batch: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute and store vectors for events lacking one; returns how many were embedded.

    Chunks of ``batch`` events are pipelined: while the embedder works on one chunk in a
    worker thread, this thread reads the next from SQLite and stores the one before, so the
    cores the embedder uses do not wait on the database (the connection stays in this thread).
    A chunk of a thousand gives the embedder's length sort room to make even batches."""
    pending = list(ids) if ids is not None else store.owners_missing_vectors("event", embedder.model_id)
    if batch is None:
        batch = min(EVENT_CHUNK, max(MIN_CHUNK, -(-len(pending) // PROGRESS_STEPS)))
    chunks = [pending[start : start + batch] for start in range(0, len(pending), batch)]
    done = 0
    finished = 0

    def finish(job: _Job) -> None:
        nonlocal done, finished
        done += job.store(store, embedder)
        finished += job.size
        if progress:
            progress(finished, len(pending))

    if len(chunks) <= 1:  # one small chunk (a note, a command): no thread to start
        for chunk in chunks:
            job = _Job.plan(store, embedder, "event", _event_docs(store, chunk), size=len(chunk))
            job.run(embedder)
            finish(job)
        return done
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="recall-embed") as worker:
        running: tuple[_Job, Future[None]] | None = None
        for chunk in chunks:
            job = _Job.plan(store, embedder, "event", _event_docs(store, chunk), size=len(chunk),
                            in_flight=running[0].texts if running else frozenset())
            if running:
                running[1].result()
                finish(running[0])
            running = (job, worker.submit(job.run, embedder))
        if running:
            running[1].result()
            finish(running[0])
    return done


def _event_docs(store: Store, ids: Sequence[int]) -> dict[int, str]:
    events = store.get_events(ids)
    before = store.previous_in_session(events.values())
    earlier = store.get_events(list(set(before.values())))
    return {eid: event_document(ev, earlier.get(before.get(eid, -1))) for eid, ev in events.items()}


def embed_memories(store: Store, embedder: Embedder, ids: Sequence[int] | None = None) -> int:
    """Compute and store vectors for memories lacking one (or whose text changed)."""
    pending = list(ids) if ids is not None else store.owners_missing_vectors("memory", embedder.model_id)
    memories = store.get_memories(pending)
    docs = {mid: (f"{m.subject}: {m.text}" if m.subject else m.text) for mid, m in memories.items()}
    job = _Job.plan(store, embedder, "memory", docs, size=len(docs))
    job.run(embedder)
    return job.store(store, embedder)


@dataclass
class _Job:
    """One chunk of owners to (re)embed: planned and stored in the caller's thread (SQLite),
    run in any thread (the embedder)."""

    owner: str
    size: int
    hashes: dict[int, str] = field(default_factory=dict)  # owner id -> content hash, of owners to write
    texts: dict[str, str] = field(default_factory=dict)  # content hash -> text to embed here
    blobs: dict[str, bytes] = field(default_factory=dict)  # content hash -> vector

    @classmethod
    def plan(cls, store: Store, embedder: Embedder, owner: str, docs: dict[int, str], size: int,
             in_flight: Collection[str] = frozenset()) -> _Job:
        """What to embed of ``docs``: not owners whose vector is current, and each distinct
        text once; a text stored before or being embedded (``in_flight``) borrows that vector."""
        model = embedder.model_id
        job = cls(owner, size)
        hashes = {oid: content_hash(model, doc) for oid, doc in docs.items()}
        current = store.stored_hashes(owner, model, list(docs)) if docs else {}
        job.hashes = {oid: h for oid, h in hashes.items() if current.get(oid) != h}
        job.blobs = store.vectors_by_hash(model, list(set(job.hashes.values()))) if job.hashes else {}
        for oid, h in job.hashes.items():
            if h not in job.blobs and h not in in_flight:
                job.texts.setdefault(h, docs[oid])
        return job

    def run(self, embedder: Embedder) -> None:
        """Embed the texts (the slow part; touches no database)."""
        if self.texts:
            vectors = embedder.embed(list(self.texts.values()))
            for h, vec in zip(self.texts, vectors, strict=True):
                self.blobs[h] = vec.astype("float32").tobytes()

    def store(self, store: Store, embedder: Embedder) -> int:
        """Write the vectors; returns how many texts were embedded. Called after the job
        before it is stored, so vectors it borrowed are in the database by now."""
        if not self.hashes:
            return 0
        model = embedder.model_id
        missing = {h for h in self.hashes.values() if h not in self.blobs}
        if missing:
            self.blobs.update(store.vectors_by_hash(model, list(missing)))
        store.put_vectors(self.owner, model, embedder.dim,
                          [(oid, h, self.blobs[h]) for oid, h in self.hashes.items()])
        return len(self.texts)

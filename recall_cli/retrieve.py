"""Hybrid search: FTS5 BM25 and HNSW dense retrieval fused by reciprocal rank.

Time phrases in the query ("last week", "in May 2023") become a time filter relative to
a reference time; explicit --since/--until narrow it further.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .models import Hit
from .timephrase import TimeRange, extract
from .timeutil import now

if TYPE_CHECKING:
    import numpy as np

    from .embed import Embedder
    from .index import VectorIndex
    from .memory import MemoryBook
    from .store import Store

STOPWORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her "
    "hers him his how i if in into is it its me my of on or our she so than that the their "
    "them then there these they this to was we were what when where which who whom why will "
    "with would you your yours about after before did does doing any some".split()
)
BRUTE_FORCE_LIMIT = 20_000


@dataclass
class SearchRequest:
    """One search, as every front end asks it."""

    query: str
    limit: int = 10
    since: float | None = None
    until: float | None = None
    sources: Sequence[str] | None = None
    reference: float | None = None
    time_phrases: bool = True
    include_memories: bool = True
    candidates: int = 200
    rrf_k: int = 60
    dense_weight: float = 1.0
    bm25_weight: float = 1.0


@dataclass
class SearchResult:
    hits: list[Hit]
    query: str
    cleaned_query: str
    time_range: TimeRange | None = None
    since: float | None = None
    until: float | None = None
    timings: dict[str, float] = field(default_factory=dict)


def fts_expression(text: str) -> str:
    """An FTS5 OR-query of the meaningful words, each quoted so user text is never syntax."""
    words = [w for w in re.findall(r"\w+", text.lower()) if w not in STOPWORDS and len(w) > 1]
    if not words:
        words = [w for w in re.findall(r"\w+", text.lower())]
    unique = list(dict.fromkeys(words))
    return " OR ".join(f'"{w}"' for w in unique)


def snippet(text: str, query: str, width: int = 160) -> str:
    """A window of ``text`` around the first query word, on one line."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    words = [w for w in re.findall(r"\w+", query.lower()) if w not in STOPWORDS and len(w) > 2]
    lowered = flat.lower()
    positions = [lowered.find(w) for w in words if lowered.find(w) >= 0]
    center = min(positions) if positions else 0
    start = max(0, center - width // 3)
    end = min(len(flat), start + width)
    start = max(0, end - width)
    return ("…" if start > 0 else "") + flat[start:end] + ("…" if end < len(flat) else "")


def rrf(rankings: dict[str, list[tuple[object, float]]], weights: dict[str, float], k: int) -> dict[object, float]:
    """Reciprocal rank fusion: sum of weight / (k + rank) over the rankings."""
    scores: dict[object, float] = {}
    for name, ranking in rankings.items():
        w = weights.get(name, 1.0)
        for rank, (key, _score) in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + w / (k + rank)
    return scores


class Retriever:
    """Hybrid retrieval over one store, one embedder and its index."""

    def __init__(self, store: Store, embedder: Embedder | None, index: VectorIndex | None,
                 memory_book: MemoryBook | None = None, include_dormant: bool = False) -> None:
        self.store = store
        self.embedder = embedder
        self.index = index
        self.memory_book = memory_book
        self.include_dormant = include_dormant

    def _dense_events(
        self, vector: np.ndarray, k: int, since: float | None, until: float | None,
        sources: Sequence[str] | None,
    ) -> list[tuple[int, float]]:
        import numpy as np

        assert self.index is not None and self.embedder is not None
        filtered = since is not None or until is not None or bool(sources)
        if filtered:
            clauses, params = ["x.owner = 'event'", "x.model = ?"], [self.embedder.model_id]
            if since is not None:
                clauses.append("e.ts_start >= ?")
                params.append(since)
            if until is not None:
                clauses.append("e.ts_start <= ?")
                params.append(until)
            if sources:
                clauses.append(f"e.source IN ({', '.join('?' for _ in sources)})")
                params.extend(sources)
            where = " AND ".join(clauses)
            count = self.store.db.execute(
                f"SELECT count(*) FROM embeddings x JOIN events e ON e.id = x.owner_id WHERE {where}", params
            ).fetchone()[0]
            if count == 0:
                return []
            if count <= BRUTE_FORCE_LIMIT:
                rows = self.store.db.execute(
                    f"SELECT e.id, x.vector FROM embeddings x JOIN events e ON e.id = x.owner_id WHERE {where}",
                    params,
                ).fetchall()
                matrix = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
                sims = matrix @ vector
                order = np.argsort(-sims)[:k]
                return [(rows[i][0], float(sims[i])) for i in order]
            allowed = {
                r[0] for r in self.store.db.execute(
                    f"SELECT x.id FROM embeddings x JOIN events e ON e.id = x.owner_id WHERE {where}", params
                )
            }
            labels = self.index.query(vector, k, allowed=allowed.__contains__)
        else:
            labels = self.index.query(vector, k * 2 if self.include_memory_labels else k)
        owners = self.store.vector_owners([label for label, _ in labels])
        out = []
        for label, sim in labels:
            owner = owners.get(label)
            if owner and owner[0] == "event":
                out.append((owner[1], sim))
        return out[:k]

    include_memory_labels = True

    def _dense_memories(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        assert self.index is not None
        labels = self.index.query(vector, k * 4)
        owners = self.store.vector_owners([label for label, _ in labels])
        ids = [(owners[lb][1], sim) for lb, sim in labels if lb in owners and owners[lb][0] == "memory"]
        active = self.store.get_memories([i for i, _ in ids])
        return [(i, s) for i, s in ids if i in active and active[i].status == "active"][:k]

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a hybrid search and return hydrated, fused hits."""
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        reference = request.reference if request.reference is not None else now()
        cleaned, time_range = (extract(request.query, reference) if request.time_phrases
                               else (request.query, None))
        since, until = request.since, request.until
        if time_range:
            since = time_range.since if since is None else max(since, time_range.since)
            until = time_range.until if until is None else min(until, time_range.until)
        text = cleaned if cleaned.strip() else request.query
        n = max(request.candidates, request.limit)

        t = time.perf_counter()
        rankings: dict[str, list[tuple[object, float]]] = {}
        match = fts_expression(text)
        rankings["bm25"] = [(("event", i), s) for i, s in
                            self.store.fts_events(match, n, since, until, request.sources)]
        use_memories = request.include_memories and since is None and until is None and not request.sources
        if use_memories:
            rankings["bm25_mem"] = [(("memory", i), s) for i, s in self.store.fts_memories(match, n)]
        timings["bm25_ms"] = (time.perf_counter() - t) * 1000

        if self.embedder is not None and self.index is not None:
            t = time.perf_counter()
            vector = self.embedder.embed([text])[0]
            timings["embed_ms"] = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            rankings["dense"] = [(("event", i), s) for i, s in
                                 self._dense_events(vector, n, since, until, request.sources)]
            if use_memories:
                rankings["dense_mem"] = [(("memory", i), s) for i, s in self._dense_memories(vector, n)]
            timings["dense_ms"] = (time.perf_counter() - t) * 1000

        weights = {"bm25": request.bm25_weight, "bm25_mem": request.bm25_weight,
                   "dense": request.dense_weight, "dense_mem": request.dense_weight}
        fused = rrf(rankings, weights, request.rrf_k)
        self._apply_decay(fused, reference)
        ranks = {name: {key: r for r, (key, _) in enumerate(ranking, start=1)}
                 for name, ranking in rankings.items()}
        ordered = sorted(fused.items(), key=lambda kv: -kv[1])[: request.limit]
        hits = self._hydrate(ordered, ranks, text)
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return SearchResult(hits, request.query, text, time_range, since, until, timings)

    def _apply_decay(self, fused: dict[object, float], at: float) -> None:
        """Scale memory scores by retention; drop dormant memories unless asked for."""
        if self.memory_book is None:
            return
        keys = [k for k in fused if k[0] == "memory"]
        if not keys:
            return
        memories = self.store.get_memories([k[1] for k in keys])
        for key in keys:
            memory = memories.get(key[1])
            if memory is None:
                del fused[key]
                continue
            view = self.memory_book.view(memory, at)
            if view.zone == "dormant" and not self.include_dormant:
                del fused[key]
            else:
                fused[key] *= self.memory_book.rank_factor(memory, at)

    def _hydrate(self, ordered: list[tuple[object, float]], ranks: dict[str, dict], query: str) -> list[Hit]:
        events = self.store.get_events([key[1] for key, _ in ordered if key[0] == "event"])
        memories = self.store.get_memories([key[1] for key, _ in ordered if key[0] == "memory"])
        hits: list[Hit] = []
        for key, score in ordered:
            owner, oid = key
            hit_ranks = {name: r[key] for name, r in ranks.items() if key in r}
            if owner == "event" and oid in events:
                ev = events[oid]
                hits.append(Hit("event", oid, score, ev.ts_start, ev.text, ev.source, ev.actor,
                                ev.session, ev.kind, snippet(ev.text, query), ev.meta, hit_ranks))
            elif owner == "memory" and oid in memories:
                m = memories[oid]
                hits.append(Hit("memory", oid, score, m.valid_from or m.created_at, m.text, "memory",
                                m.subject, None, m.kind, snippet(m.text, query), m.meta, hit_ranks))
        return hits

"""Hybrid search: FTS5 BM25 and HNSW dense retrieval, fused by standardised score.

Each retriever proposes candidates; every candidate is then scored by both (see
fusion.py for the formula), with the speaker the query names and the neighbouring turns
of a conversation as extra evidence. Time phrases in the query ("last week", "in May
2023") become a time filter relative to a reference time; explicit --since/--until
narrow it further.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from ..models import Hit, SearchResult
from ..timephrase import extract
from ..timeutil import now
from .fusion import Spread, background_vectors, bm25_spread, dense_spread, mentioned_actor, sigmoid

if TYPE_CHECKING:
    import numpy as np

    from ..memory.book import MemoryBook
    from ..store.db import Store
    from .embed import Embedder
    from .index import VectorIndex

STOPWORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her "
    "hers him his how i if in into is it its me my of on or our she so than that the their "
    "them then there these they this to was we were what when where which who whom why will "
    "with would you your yours about after before did does doing any some".split()
)
Key: TypeAlias = tuple[str, int]  # ("event" | "memory", id): what rankings and scores are keyed by
Ranking: TypeAlias = list[tuple[Key, float]]
T = TypeVar("T")

BRUTE_FORCE_LIMIT = 20_000
STATS_DEPTH = 1000  # BM25 matches read for the score spread (the ranking needs far fewer)
NEIGHBOUR_DEPTH = 50  # best candidates whose session neighbours are looked up


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
    dense_weight: float = 1.0
    bm25_weight: float = 0.5
    neighbour_weight: float = 0.4
    speaker_boost: float = 1.5
    min_score: float = 0.5


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


def content_terms(text: str) -> list[str]:
    """The query's words that are not stopwords, in order (for speaker lookup)."""
    return [w for w in re.findall(r"\w+", text) if w.lower() not in STOPWORDS and len(w) > 1]


class _Background(Generic[T]):
    """Run ``fn`` on a thread now; ``result()`` waits for it (and re-raises its error)."""

    def __init__(self, fn: Callable[[], T]) -> None:
        import threading

        self._fn = fn
        self._value: list[T] = []  # a box: empty until fn returns (its value may itself be None)
        self._error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, name="recall-query-embed", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            self._value.append(self._fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            self._error = exc
        self.seconds = time.perf_counter() - started

    def result(self) -> T:
        """``fn``'s value, once it is done; its exception, raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value[0]


def _query_vector(embedder: Embedder, text: str) -> np.ndarray:
    """The query's vector (run on the background thread)."""
    return embedder.embed([text])[0]


class Retriever:
    """Hybrid retrieval over one store, one embedder and its index."""

    def __init__(self, store: Store, embedder: Embedder | None, index: VectorIndex | None,
                 memory_book: MemoryBook | None = None, include_dormant: bool = False,
                 cache: dict[str, Any] | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.index = index
        self.memory_book = memory_book
        self.include_dormant = include_dormant
        self.cache = cache if cache is not None else {}  # shared by searches while the store is unchanged

    def _dense_events(
        self, vector: np.ndarray, k: int, since: float | None, until: float | None,
        sources: Sequence[str] | None,
    ) -> list[tuple[int, float]]:
        import numpy as np

        assert self.index is not None and self.embedder is not None
        filtered = since is not None or until is not None or bool(sources)
        if filtered:
            model = self.embedder.model_id
            count = self.store.event_vector_count(model, since, until, sources)
            if count == 0:
                return []
            if count <= BRUTE_FORCE_LIMIT:
                rows = self.store.event_vectors(model, since, until, sources)
                matrix = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
                sims = matrix @ vector
                order = np.argsort(-sims)[:k]
                return [(rows[i][0], float(sims[i])) for i in order]
            allowed = self.store.event_vector_ids(model, since, until, sources)
            labels = self.index.query(vector, k, allowed=allowed.__contains__)
        else:
            labels = self.index.query(vector, k + self._memory_vectors())  # memories share the index
        owners = self.store.vector_owners([label for label, _ in labels])
        out = []
        for label, sim in labels:
            owner = owners.get(label)
            if owner and owner[0] == "event":
                out.append((owner[1], sim))
        return out[:k]

    def _memory_vectors(self) -> int:
        if "memory_vectors" not in self.cache and self.embedder is not None:
            self.cache["memory_vectors"] = self.store.memory_vector_count(self.embedder.model_id)
        return self.cache.get("memory_vectors", 0)

    def _dense_memories(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Memories are few: compare with all of them (cached), not through the event-heavy index."""
        import numpy as np

        assert self.embedder is not None
        if "memories" not in self.cache:
            rows = self.store.active_memory_vectors(self.embedder.model_id)
            matrix = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows]) if rows else None
            self.cache["memories"] = ([r[0] for r in rows], matrix)
        ids, matrix = self.cache["memories"]
        if matrix is None:
            return []
        sims = matrix @ vector
        order = np.argsort(-sims)[:k]
        return [(ids[i], float(sims[i])) for i in order]

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
        depth = max(n, STATS_DEPTH)

        embedder = self.embedder if self.index is not None else None
        # the query's vector is computed beside the keyword search: NumPy and SQLite both
        # release the GIL, so the two overlap (about 10 ms each at 100k events)
        embedding = _Background(partial(_query_vector, embedder, text)) if embedder is not None else None

        t = time.perf_counter()
        rankings: dict[str, Ranking] = {}
        match = fts_expression(text)
        bm25_events = self.store.fts_events(match, depth, since, until, request.sources)
        rankings["bm25"] = [(("event", i), s) for i, s in bm25_events[:n]]
        use_memories = request.include_memories and since is None and until is None and not request.sources
        bm25_memories: list[tuple[int, float]] = []
        if use_memories:
            bm25_memories = self.store.fts_memories(match, depth)
            rankings["bm25_mem"] = [(("memory", i), s) for i, s in bm25_memories[:n]]
        timings["bm25_ms"] = (time.perf_counter() - t) * 1000

        vector = None
        if embedding is not None:
            vector = embedding.result()
            timings["embed_ms"] = embedding.seconds * 1000
            t = time.perf_counter()
            rankings["dense"] = [(("event", i), s) for i, s in
                                 self._dense_events(vector, n, since, until, request.sources)]
            if use_memories:
                rankings["dense_mem"] = [(("memory", i), s) for i, s in self._dense_memories(vector, n)]
            timings["dense_ms"] = (time.perf_counter() - t) * 1000

        t = time.perf_counter()
        fused = self._fuse(request, rankings, bm25_events, bm25_memories, vector, text, since, until)
        self._apply_decay(fused, reference)
        # a result that shares no word with the query must at least beat the corpus average
        keyword = {key for name in ("bm25", "bm25_mem") for key, _ in rankings.get(name, [])}
        fused = {key: p for key, score in fused.items()
                 if (p := sigmoid(score)) >= request.min_score or key in keyword}
        timings["fuse_ms"] = (time.perf_counter() - t) * 1000
        ranks = {name: {key: r for r, (key, _) in enumerate(ranking, start=1)}
                 for name, ranking in rankings.items()}
        ordered = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[: request.limit]
        hits = self._hydrate(ordered, ranks, text)
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return SearchResult(hits, request.query, text, time_range, since, until, timings)

    def _fuse(
        self, request: SearchRequest, rankings: dict[str, Ranking],
        bm25_events: list[tuple[int, float]], bm25_memories: list[tuple[int, float]],
        vector: np.ndarray | None, text: str, since: float | None, until: float | None,
    ) -> dict[Key, float]:
        """Standardised dense + BM25 scores, speaker and neighbour evidence (see fusion.py)."""
        bm25: dict[Key, float] = {("event", i): s for i, s in bm25_events}
        bm25.update({("memory", i): s for i, s in bm25_memories})
        spreads = {"event": bm25_spread((s for _, s in bm25_events), self._count("events"))}
        if bm25_memories:
            spreads["memory"] = bm25_spread((s for _, s in bm25_memories), self._count("memories"))
        cosines: dict[Key, float] = {}
        for name in ("dense", "dense_mem"):
            cosines.update(dict(rankings.get(name, [])))
        pool = list(dict.fromkeys(key for ranking in rankings.values() for key, _ in ranking))
        dense_spread_ = dense_spread(self._background(), vector) if vector is not None else Spread()
        actor = mentioned_actor(self.store, content_terms(text)) if request.speaker_boost else None
        actors: dict[int, str | None] = {}
        about: dict[int, str] = {}  # memory id -> " subject words text words " (lower case)
        named = " " + " ".join(re.findall(r"\w+", actor)) + " " if actor else ""

        def base(keys: list[Key]) -> dict[Key, float]:
            if vector is not None:
                missing = [k for k in keys if k not in cosines]
                cosines.update(self._cosines(missing, vector))
            if actor:
                actors.update(self._actors([k[1] for k in keys if k[0] == "event" and k[1] not in actors]))
                about.update(self._memory_words([k[1] for k in keys if k[0] == "memory"]))
            out: dict[Key, float] = {}
            for key in keys:
                score = request.bm25_weight * spreads.get(key[0], Spread()).z(bm25.get(key, 0.0))
                if vector is not None:
                    score += request.dense_weight * dense_spread_.z(cosines.get(key, dense_spread_.mean))
                if actor and (((actors.get(key[1]) or "").lower() == actor) if key[0] == "event"
                              else named in about.get(key[1], "")):
                    score += request.speaker_boost
                out[key] = score
            return out

        scores = base(pool)
        if request.neighbour_weight:
            top = [k for k in sorted(scores, key=lambda k: -scores[k]) if k[0] == "event"][:NEIGHBOUR_DEPTH]
            links = self.store.neighbours([k[1] for k in top])
            adjacent: dict[Key, set[Key]] = {}
            for eid, pair in links.items():
                for other in pair:
                    if other is not None:
                        adjacent.setdefault(("event", eid), set()).add(("event", other))
                        adjacent.setdefault(("event", other), set()).add(("event", eid))
            fresh = [k for k in adjacent if k not in scores]
            extra = base(fresh)
            allowed = self._eligible([k[1] for k in fresh], since, until, request.sources)
            scores_all = {**scores, **extra}
            for key in fresh:
                if key[1] in allowed:
                    scores[key] = extra[key]
            for key, near in adjacent.items():
                if key in scores:
                    best = max(scores_all[o] for o in near)
                    if best > 0:
                        scores[key] += request.neighbour_weight * best
        return scores

    def _count(self, table: str) -> int:
        """Rows in the BM25 corpus: every event, or every active memory (cached per store state)."""
        key = f"count:{table}"
        if key not in self.cache:
            self.cache[key] = (self.store.count_events() if table == "events"
                               else sum(self.store.count_memories().values()))
        return self.cache[key]

    def _background(self) -> np.ndarray | None:
        if "background" not in self.cache and self.embedder is not None:
            self.cache["background"] = background_vectors(self.store, self.embedder.model_id)
        return self.cache.get("background")

    def _cosines(self, keys: list[Key], vector: np.ndarray) -> dict[Key, float]:
        import numpy as np

        assert self.embedder is not None
        out: dict[Key, float] = {}
        for owner in ("event", "memory"):
            ids = [k[1] for k in keys if k[0] == owner]
            for oid, blob in self.store.owner_vectors(owner, self.embedder.model_id, ids).items():
                out[(owner, oid)] = float(np.frombuffer(blob, dtype=np.float32) @ vector)
        return out

    def _actors(self, ids: list[int]) -> dict[int, str | None]:
        return self.store.event_actors(ids)

    def _memory_words(self, ids: list[int]) -> dict[int, str]:
        """A memory is about a speaker when its subject or text names them."""
        out: dict[int, str] = {}
        for mid, (subject, text) in self.store.memory_texts(ids).items():
            words = re.findall(r"\w+", f"{subject or ''} {text}".lower())
            out[mid] = " " + " ".join(words) + " "
        return out

    def _eligible(self, ids: list[int], since: float | None, until: float | None,
                  sources: Sequence[str] | None) -> set[int]:
        """The ids that pass the search's filters (neighbours may lie outside them)."""
        if since is None and until is None and not sources:
            return set(ids)
        return self.store.events_matching(ids, since, until, sources)

    def _apply_decay(self, fused: dict[Key, float], at: float) -> None:
        """Scale memory relevance (the odds, e^score) by retention; drop dormant memories unless asked."""
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
                fused[key] += math.log(self.memory_book.rank_factor(memory, at))

    def _hydrate(self, ordered: Ranking, ranks: dict[str, dict[Key, int]], query: str) -> list[Hit]:
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

"""Hybrid search: FTS5 BM25 and HNSW dense retrieval, fused by standardised score.

Each retriever proposes candidates; every candidate is then scored by both (see
fusion.py for the formula), with the speaker the query names (and, when it asks what the
asker said or did, their own messages over an assistant's replies), the neighbouring turns
of a conversation and the time the query names as extra evidence. A time phrase in the query
("last week", "in May 2023") is evidence, not a filter: events whose own time or whose
mentioned times fit it gain, the further off the less, and events inside it join the
candidates. Explicit --since/--until (and sources) are hard filters. The ranking then
spreads over sessions, identical texts fold into one result, and the shown score is
calibrated (fusion.calibrated).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any, TypeAlias

from ..models import Hit, SearchResult, well_formed
from ..timephrase.phrase import TimeRange, extract
from ..timeutil import now
from .background import Background
from .fusion import (
    Spread,
    asked_share,
    background_vectors,
    bm25_spread,
    calibrated,
    coverage,
    dense_spread,
    mentioned_actors,
    relevance_logit,
    stems,
    time_fit,
)
from .keyword import keyword_events, with_short_forms, with_symbols
from .text import (
    ASSISTANTS,
    asks_of_self,
    content_terms,
    first_person,
    fold_identical,
    fts_expression,
    fts_terms,
    only_time,
    snippet,
    symbol_terms,
)
from .text import STOPWORDS as STOPWORDS  # (re-exported: the memory package reads the same list)

if TYPE_CHECKING:
    import numpy as np

    from ..memory.book import MemoryBook
    from ..store.db import Store
    from .embed import Embedder
    from .index import VectorIndex

Key: TypeAlias = tuple[str, int]  # ("event" | "memory", id): what rankings and scores are keyed by
Ranking: TypeAlias = list[tuple[Key, float]]

BRUTE_FORCE_LIMIT = 20_000
STATS_DEPTH = 1000  # BM25 matches read for the score spread (the ranking needs far fewer)
NEIGHBOUR_DEPTH = 50  # best candidates whose session neighbours are looked up
FOLD_DEPTH = 3  # results read per result shown, so identical texts can fold and still fill the page
TIMELESS_CONTENT = 0.05  # "what happened last week?": its words say little, the time says what is asked
CALIBRATION_DEPTH = 5  # the first results whose best says how likely the list is on the subject
MAX_SPEAKERS = 3  # people named in one question that get a sub-question of their own


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
    question_penalty: float = 1.5  # taken off a chat message that only asks the other person (its share)
    speaker_boost: float = 1.5
    min_score: float = 0.5
    time_weight: float = 1.5  # added to the fused score of an event that fits the query's time exactly
    session_spread: float = 0.0  # taken off a result per better one from the same session
    memory_key_weight: float = 0.0  # share of a memory's score its source events get
    speaker_rewrite: bool = True  # also match the named speaker's events in the first person

    def __post_init__(self) -> None:
        self.query = well_formed(self.query)


@dataclass
class _Scored:
    """The pool of a search: fused scores and what the shown score and the gate need."""

    scores: dict[Key, float]
    cosines: dict[Key, float]
    keyword: set[Key]
    fits: dict[Key, float]


def _query_vectors(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """The query's vectors (run on the background thread): one batch, one model call."""
    return embedder.embed(texts)


def _records_last(hits: list[Hit]) -> list[Hit]:
    """A file's "Edited ..." or "Deleted ..." record goes after that file's paragraphs among
    the results: it names the file, they say what is in it ("garden" finds the garden note
    first, then the record that garden.md changed)."""
    out = list(hits)
    for hit in [h for h in hits if h.source == "file" and h.kind in ("edited", "deleted")]:
        path = hit.meta.get("path")
        own = [i for i, h in enumerate(out) if h.kind == "paragraph" and h.meta.get("path") == path]
        at = out.index(hit)
        if own and own[-1] > at:
            out.pop(at)
            last = own[-1] - 1  # (one place up: the record before it is gone)
            out.insert(last + 1, replace(hit, score=min(hit.score, out[last].score)))
    return out


def _file_of(hit: Hit) -> str:
    """The path of a watched file's or an imported note's paragraph ("" for anything else)."""
    if hit.owner != "event" or hit.source not in ("file", "note") or hit.kind != "paragraph":
        return ""
    return str(hit.meta.get("path") or (hit.session if hit.source == "file" else "") or "")


def _place(hit: Hit) -> str:
    """Where an event sits, as the full-text index reads it (a chat's title, a note's heading
    and file name): a recipe's paragraphs under "# Shakshuka" in shakshuka.md are on it."""
    meta = hit.meta or {}
    path = str(meta.get("path") or "")
    return f"{meta.get('title') or ''} {meta.get('heading') or ''} {path.rsplit('/', 1)[-1]}"


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
        """Run a hybrid search and return hydrated, fused hits, best first."""
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        reference = request.reference if request.reference is not None else now()
        cleaned, time_range = (extract(request.query, reference) if request.time_phrases
                               else (request.query, None))
        since, until = request.since, request.until  # hard filters: only what was asked for explicitly
        text = cleaned if cleaned.strip() else request.query
        timeless = time_range is not None and only_time(cleaned)
        n = max(request.candidates, request.limit)
        depth = max(n, STATS_DEPTH)
        if time_range is not None:
            self._backfill_times()

        terms, symbols = fts_terms(text), symbol_terms(text)  # emoji alone mean nothing to the embedder
        embedder = self.embedder if self.index is not None and (terms or not symbols) else None
        named = mentioned_actors(self.store, content_terms(text))[:MAX_SPEAKERS] if request.speaker_boost else []
        # one sub-question per person named: their own messages say "I", not their name
        rewrites = [(name, said) for name in named if (said := first_person(text, name))] \
            if request.speaker_rewrite else []
        # the query's vectors are computed beside the keyword search: NumPy and SQLite both
        # release the GIL, so the two overlap (about 10 ms each at 100k events)
        embedding = (Background(partial(_query_vectors, embedder, [text] + [said for _, said in rewrites]))
                     if embedder is not None else None)

        t = time.perf_counter()
        rankings: dict[str, Ranking] = {}
        match = fts_expression(text)
        terms = with_short_forms(self.store, terms, self.cache)
        bm25_events = keyword_events(self.store, terms, depth, since, until, request.sources, self.cache)
        bm25_events = with_symbols(self.store, bm25_events, symbols, depth, since, until, request.sources)
        rankings["bm25"] = [(("event", i), s) for i, s in bm25_events[:n]]
        use_memories = request.include_memories and since is None and until is None and not request.sources
        bm25_memories: list[tuple[int, float]] = []
        if use_memories:
            bm25_memories = self.store.fts_memories(match, depth)
            rankings["bm25_mem"] = [(("memory", i), s) for i, s in bm25_memories[:n]]
        window: tuple[float | None, float | None] = (None, None)
        if time_range is not None:
            window = (time_range.since if since is None else max(since, time_range.since),
                      time_range.until if until is None else min(until, time_range.until))
            # what lies inside the phrase's window, or speaks of it, joins the candidates
            if window[0] is not None and window[1] is not None and window[0] <= window[1] and not timeless:
                inside = keyword_events(self.store, terms, n, window[0], window[1], request.sources, self.cache)
                rankings["bm25_time"] = [(("event", i), s) for i, s in inside]
            rankings["mentions"] = [(("event", i), 0.0) for i in self.store.events_mentioning(
                time_range.since, time_range.until, n, request.sources, (since, until))]
            if timeless:
                rankings["in_time"] = [(("event", i), 0.0) for i in self.store.events_between(
                    time_range.since, time_range.until, n, request.sources, (since, until))]
        timings["bm25_ms"] = (time.perf_counter() - t) * 1000

        vector = None
        own: dict[str, np.ndarray] = {}  # speaker -> the question in their first person
        if embedding is not None:
            vectors = embedding.result()
            vector = vectors[0]
            own = {name: vectors[i] for i, (name, _) in enumerate(rewrites, start=1)}
            timings["embed_ms"] = embedding.seconds * 1000
            t = time.perf_counter()
            rankings["dense"] = [(("event", i), s) for i, s in
                                 self._dense_events(vector, n, since, until, request.sources)]
            for name, own_vector in own.items():
                rankings[f"dense:{name}"] = [(("event", i), s) for i, s in
                                             self._dense_events(own_vector, n, since, until, request.sources)]
            if use_memories:
                rankings["dense_mem"] = [(("memory", i), s) for i, s in self._dense_memories(vector, n)]
            if time_range is not None and not timeless and window[0] is not None and window[1] is not None \
                    and window[0] <= window[1]:
                rankings["dense_time"] = [(("event", i), s) for i, s in
                                          self._dense_events(vector, n, window[0], window[1], request.sources)]
            timings["dense_ms"] = (time.perf_counter() - t) * 1000

        t = time.perf_counter()
        pooled = self._fuse(request, rankings, bm25_events, bm25_memories, vector, text, since, until,
                            time_range, TIMELESS_CONTENT if timeless else 1.0, named, own,
                            request.speaker_boost if asks_of_self(text) else 0.0)
        fused = pooled.scores
        self._apply_decay(fused, reference)
        if request.memory_key_weight:
            self._memory_keys(fused, request, since, until)
        # a result that shares no word with the query must at least beat the corpus average,
        # unless it fits the time the query names; when nothing passes, the best still show
        # (with the low scores they have): an empty list would hide what exists
        threshold = math.log(request.min_score / (1 - request.min_score)) if 0 < request.min_score < 1 else None
        kept = {key: score for key, score in fused.items()
                if threshold is None or score >= threshold or key in pooled.keyword
                or pooled.fits.get(key, 0.0) >= 0.5}
        if not kept and fused:
            kept = dict(sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[: request.limit])
        ordered = self._spread(kept, request, FOLD_DEPTH * request.limit)
        timings["fuse_ms"] = (time.perf_counter() - t) * 1000
        ranks = {name: {key: r for r, (key, _) in enumerate(ranking, start=1)}
                 for name, ranking in rankings.items()}
        hits = fold_identical(_records_last(self._edited_last(self._hydrate(ordered, ranks, text))))[: request.limit]
        self._calibrate(hits, pooled.cosines if vector is not None else None, text, vector)
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return SearchResult(hits, request.query, text, time_range, since, until, timings)

    def _edited_last(self, hits: list[Hit]) -> list[Hit]:
        """Paragraphs of a watched file (or re-imported note) that a later edit took out of it go after the file's
        paragraphs that replaced them (not after everything: alone, they keep their place), marked with
        the edit (``meta["edited_out"]``): the file's current text answers, the old version is
        still there for whoever looks for it."""
        gone = self.store.edited_out(hits, _file_of)
        if not gone:
            return hits
        out: list[Hit] = []
        old: list[tuple[Hit, Hit | None]] = []  # (the old paragraph, the result before it, old or not)
        previous: Hit | None = None
        for hit in hits:
            later = gone.get(hit.id) if _file_of(hit) else None  # (a memory's id is no event's)
            if later is None:
                out.append(hit)
                previous = hit
            else:
                old.append((replace(hit, meta={**hit.meta, "edited_out": later}), previous))
                previous = old[-1][0]
        if old:  # when the edit was made, for the reader ("edited out 2026-11-20"): its id means nothing to them
            edits_made = self.store.get_events(list({h.meta["edited_out"] for h, _ in old}))
            made = {i: e.ts_start for i, e in edits_made.items()}
            dated: dict[int, Hit] = {}  # id of an old paragraph's hit -> the hit that says when
            for n, (h, before) in enumerate(old):
                dated[id(h)] = replace(h, meta={**h.meta, "edited_out_at": made.get(h.meta["edited_out"])})
                # (two old paragraphs in a row: the second goes after the first as it is now)
                old[n] = (dated[id(h)], dated.get(id(before), before) if before is not None else None)
        placed: dict[int, Hit] = {}  # an old paragraph as put back (its score may be lowered)
        # a later scan of the file, not its time: paragraphs under one dated heading share that
        stored = self.store.stored_times([h.id for h in hits if h.owner == "event" and _file_of(h)]) if old else {}
        for hit, before in old:
            before = placed.get(id(before), before)
            # two old paragraphs in a row stay in their order
            at = next(i for i, h in enumerate(out) if h is before) + 1 if before is not None else 0
            # what replaced it: the file's paragraphs of a later save, up to the edit that took it
            # out (a paragraph deleted with nothing in its place keeps its own rank, marked)
            same = [i for i, h in enumerate(out) if h.meta.get("path") == hit.meta.get("path")
                    and "edited_out" not in h.meta and hit.id < h.id < hit.meta["edited_out"]
                    and stored.get(h.id, 0.0) > stored.get(hit.id, 0.0)]
            at = max([at, *(i + 1 for i in same)])
            placed[id(hit)] = replace(hit, score=min(hit.score, out[at - 1].score)) if at else hit
            out.insert(at, placed[id(hit)])
        return out

    def _backfill_times(self) -> None:
        """Events stored before mentioned times were kept get theirs now (once per store)."""
        if not self.cache.get("times_ready"):
            self.store.backfill_event_times()
            self.cache["times_ready"] = True

    def _calibrate(self, hits: list[Hit], cosines: dict[Key, float] | None, text: str,
                   vector: np.ndarray | None) -> None:
        """Replace the fused scores of ``hits`` (best first) by shown scores that mean the same
        whatever the query: the first result shows how likely the best of the first few is
        on the question's subject, judged by measures that do not depend on the query or the
        store (cosine similarity, the share of the question's words it contains); each later
        one shows that less the log-odds its fused score trails by (fusion.calibrated)."""
        if not hits:
            return
        head = hits[:CALIBRATION_DEPTH]
        if cosines is not None and vector is not None:
            missing = [(h.owner, h.id) for h in head if (h.owner, h.id) not in cosines]
            cosines.update(self._cosines(missing, vector))
        terms = stems(content_terms(text))
        evidence = max(relevance_logit(None if cosines is None else cosines.get((h.owner, h.id)),
                                       coverage(terms, f"{h.text} {h.actor or ''} {_place(h)}")) for h in head)
        top = hits[0].score
        for hit in hits:
            hit.score = calibrated(evidence, hit.score - top)

    def _spread(self, scores: dict[Key, float], request: SearchRequest, depth: int) -> Ranking:
        """The best ``depth`` results, each event after the first of its session a little
        lower per better one from the same session, so evidence spread over several
        sessions is not crowded out by one talkative session."""
        ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if not request.session_spread or not ordered:
            return ordered[:depth]
        head = ordered[: depth * 2]
        sessions = self.store.event_sessions([k[1] for k, _ in head if k[0] == "event"])
        taken: dict[str, int] = {}
        out: Ranking = []
        pending = list(head)
        while pending and len(out) < depth:
            best_i, best_s = 0, -math.inf
            for i, (key, score) in enumerate(pending):
                session = sessions.get(key[1]) if key[0] == "event" else None
                adjusted = score - request.session_spread * taken.get(session, 0) if session else score
                if adjusted > best_s:
                    best_i, best_s = i, adjusted
            key, _score = pending.pop(best_i)
            session = sessions.get(key[1]) if key[0] == "event" else None
            if session:
                taken[session] = taken.get(session, 0) + 1
            out.append((key, best_s))  # the lowered score: what the shown scores follow
        return out

    def _memory_keys(self, fused: dict[Key, float], request: SearchRequest, since: float | None,
                     until: float | None) -> None:
        """A memory is one more key for the turns it came from: each source event of a
        well-scored memory scores at least ``memory_key_weight`` times the memory's score."""
        memories = [(k, s) for k, s in fused.items() if k[0] == "memory" and s > 0]
        if not memories:
            return
        memories.sort(key=lambda kv: -kv[1])
        sources = self.store.memory_events([k[1] for k, _ in memories[:NEIGHBOUR_DEPTH]])
        for key, score in memories[:NEIGHBOUR_DEPTH]:
            for eid in sources.get(key[1], []):
                event = ("event", eid)
                fused[event] = max(fused.get(event, -math.inf), request.memory_key_weight * score)

    def _fuse(
        self, request: SearchRequest, rankings: dict[str, Ranking],
        bm25_events: list[tuple[int, float]], bm25_memories: list[tuple[int, float]],
        vector: np.ndarray | None, text: str, since: float | None, until: float | None,
        time_range: TimeRange | None = None, content: float = 1.0, named: Sequence[str] = (),
        own: dict[str, np.ndarray] | None = None, assistant_penalty: float = 0.0,
    ) -> _Scored:
        """Standardised dense + BM25 scores, speaker, time and neighbour evidence (see fusion.py);
        ``content`` scales what the words match (less for a question that only names a time);
        ``assistant_penalty`` comes off an assistant's messages when the question asks of the
        asker's own (the mirror of the boost a named speaker's messages get)."""
        bm25: dict[Key, float] = {("event", i): s for i, s in bm25_events}
        bm25.update({("memory", i): s for i, s in bm25_memories})
        for name in ("bm25_time",):  # matches inside the time window that the global list cut off
            for key, score in rankings.get(name, []):
                bm25.setdefault(key, score)
        keyword = set(bm25)
        spreads = {"event": bm25_spread((s for _, s in bm25_events), self._count("events"))}
        if bm25_memories:
            spreads["memory"] = bm25_spread((s for _, s in bm25_memories), self._count("memories"))
        cosines: dict[Key, float] = {}
        for name in ("dense", "dense_mem", "dense_time"):
            cosines.update(dict(rankings.get(name, [])))
        pool = list(dict.fromkeys(key for ranking in rankings.values() for key, _ in ranking))
        dense_spread_ = dense_spread(self._background(), vector) if vector is not None else Spread()
        own = own or {}
        own_spreads = {name: dense_spread(self._background(), v) for name, v in own.items()}
        own_cosines: dict[str, dict[Key, float]] = {name: dict(rankings.get(f"dense:{name}", [])) for name in own}
        actors: dict[int, str | None] = {}
        about: dict[int, str] = {}  # memory id -> " subject words text words " (lower case)
        spelled = [" " + " ".join(re.findall(r"\w+", name)) + " " for name in named]
        fits: dict[Key, float] = {}
        asked: dict[int, float] = {}  # event id -> share of it that asks the other person

        def base(keys: list[Key]) -> dict[Key, float]:
            if vector is not None:
                missing = [k for k in keys if k not in cosines]
                cosines.update(self._cosines(missing, vector))
            if named or assistant_penalty:
                actors.update(self._actors([k[1] for k in keys if k[0] == "event" and k[1] not in actors]))
            if named:
                about.update(self._memory_words([k[1] for k in keys if k[0] == "memory"]))
                for name, own_vector in own.items():
                    missing = [k for k in keys if k[0] == "event" and k not in own_cosines[name]
                               and (actors.get(k[1]) or "").lower() == name]
                    own_cosines[name].update(self._cosines(missing, own_vector))
            if request.question_penalty:
                fresh = [k[1] for k in keys if k[0] == "event" and k[1] not in asked]
                texts = self.store.message_texts(fresh)
                asked.update({eid: asked_share(texts[eid]) if eid in texts else 0.0 for eid in fresh})
            if time_range is not None and request.time_weight:
                fits.update(self._fits([k for k in keys if k not in fits], time_range))
            out: dict[Key, float] = {}
            for key in keys:
                score = request.bm25_weight * spreads.get(key[0], Spread()).z(bm25.get(key, 0.0))
                dense = dense_spread_.z(cosines.get(key, dense_spread_.mean)) if vector is not None else 0.0
                speaker = (actors.get(key[1]) or "").lower() if key[0] == "event" else ""
                if named and (speaker in named if key[0] == "event"
                              else any(name in about.get(key[1], "") for name in spelled)):
                    score += request.speaker_boost
                    if key in own_cosines.get(speaker, {}):  # their own words, read as they would say them
                        dense = max(dense, own_spreads[speaker].z(own_cosines[speaker][key]))
                score += request.dense_weight * dense
                if assistant_penalty and speaker in ASSISTANTS:
                    score -= assistant_penalty
                score = content * score + request.time_weight * fits.get(key, 0.0)
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
                    if best > 0:  # (scaled like the words: a neighbour's time is no evidence of one's own)
                        scores[key] += request.neighbour_weight * content * best
        # after the neighbours took theirs: a question still leads to the reply that answers it
        for key in scores:
            if key[0] == "event":
                scores[key] -= request.question_penalty * asked.get(key[1], 0.0)
        return _Scored(scores, cosines, keyword, fits)

    def _fits(self, keys: list[Key], window: TimeRange) -> dict[Key, float]:
        """How well each event's own time, or a time its text mentions, fits the window (0-1)."""
        ids = [k[1] for k in keys if k[0] == "event"]
        if not ids:
            return {}
        own = self.store.event_times_of(ids)
        mentioned = self.store.event_times(ids)
        out: dict[Key, float] = {}
        for eid in ids:
            spans = [(own[eid], own[eid])] if eid in own else []
            spans += mentioned.get(eid, [])
            out[("event", eid)] = time_fit(spans, window.since, window.until)
        return out

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
        """The events (a long command's part as the command) and memories behind ``ordered``, as hits."""
        events = self.store.result_events([key[1] for key, _ in ordered if key[0] == "event"])
        memories = self.store.get_memories([key[1] for key, _ in ordered if key[0] == "memory"])
        hits: list[Hit] = []
        for key, score in ordered:
            owner, oid = key
            hit_ranks = {name: r[key] for name, r in ranks.items() if key in r}
            if owner == "event" and oid in events:
                ev = events[oid]
                hits.append(Hit("event", ev.id or oid, score, ev.ts_start, ev.text, ev.source, ev.actor,
                                ev.session, ev.kind, snippet(ev.text, query), ev.meta, hit_ranks))
            elif owner == "memory" and oid in memories:
                m = memories[oid]
                hits.append(Hit("memory", oid, score, m.valid_from or m.created_at, m.text, "memory",
                                m.subject, None, m.kind, snippet(m.text, query), m.meta, hit_ranks))
        return hits


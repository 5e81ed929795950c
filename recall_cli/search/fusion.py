"""Score fusion for hybrid search: standardised scores; speaker, time and neighbour evidence;
the calibrated score a person is shown.

Reciprocal rank fusion throws away how far ahead a result is; on LoCoMo it reached 62%
turn recall@10 where fusing standardised scores reaches 68% (the same retrievers). Each
retriever's raw score is turned into a z-score against the whole corpus:

- dense: cosine similarity, standardised by its mean and spread over a fixed, evenly
  spaced sample of stored vectors (deterministic, so the daemon and an in-process search
  rank alike);
- BM25: standardised over every event, where an event that does not match scores 0, so
  the mean and spread follow from the matching rows alone.

The fused score is ``dense_weight * z_dense + bm25_weight * z_bm25``, plus
``speaker_boost`` when the event is by a known speaker the query names (whose dense score
is then the better of the question as asked and as they would say it, "I" for their
name), plus ``time_weight`` times how well the event's time or a time it mentions fits a
time phrase in the query (``time_fit``), less ``question_penalty`` times the share of a
chat message that only asks the other person something (``asked_share``), plus
``neighbour_weight`` times the better of
its neighbours' scores in the same session (when positive): a chat reply ("Yes, last
Saturday!") is found through the question it answers. Memories add the log of their
retention factor.

The fused score orders results but means different things for different queries (the top
of any list sits a few deviations above the mean). The shown score (``calibrated``) is
anchored instead on what does not depend on the query: the cosine similarity of the best
of the first results and the share of the question's words it holds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from ..store.db import Store

BACKGROUND_SAMPLE = 1024
MIN_SPREAD = 1e-3
DAY = 86400.0


@dataclass(frozen=True)
class Spread:
    """Mean and standard deviation of one retriever's scores over the corpus."""

    mean: float = 0.0
    std: float = 1.0

    def z(self, value: float) -> float:
        return (value - self.mean) / self.std


def bm25_spread(scores: Iterable[float], corpus_size: int) -> Spread:
    """Spread of BM25 over ``corpus_size`` documents, given the matching ones' scores."""
    values = list(scores)
    n = max(corpus_size, len(values))
    if n == 0 or not values:
        return Spread()
    mean = sum(values) / n
    var = sum(v * v for v in values) / n - mean * mean
    return Spread(mean, max(math.sqrt(max(var, 0.0)), MIN_SPREAD))


def background_vectors(store: Store, model: str, owner: str = "event",
                       size: int = BACKGROUND_SAMPLE) -> np.ndarray | None:
    """Up to ``size`` stored vectors, evenly spaced by row id (the same sample every time)."""
    import numpy as np

    count, low, high = store.vector_id_range(model, owner)
    if not count:
        return None
    if count <= size:
        blobs = store.vector_sample(model, owner, None, size)
    else:
        # even spacing over the id range: cheap on a big table and never random
        picks = sorted({int(x) for x in np.linspace(low, high, size)})
        blobs = store.vector_sample(model, owner, picks, size)
        if len(blobs) < 16:  # ids are sparse (much was deleted): fall back to the first rows
            blobs = store.vector_sample(model, owner, [], size)
    return np.vstack([np.frombuffer(b, dtype=np.float32) for b in blobs])


def dense_spread(background: np.ndarray | None, vector: np.ndarray) -> Spread:
    """Spread of the query's cosine similarity over the background sample."""
    if background is None or len(background) == 0:
        return Spread()
    sims = background @ vector
    return Spread(float(sims.mean()), max(float(sims.std()), MIN_SPREAD))


def sigmoid(x: float) -> float:
    """The logistic function, clamped so a huge fused score cannot overflow ``exp``."""
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def mentioned_actors(store: Store, words: Sequence[str]) -> list[str]:
    """The known speakers the query names (by a word or two adjacent words), lower case, in
    the order named."""
    candidates = list(dict.fromkeys([*(f"{a} {b}" for a, b in zip(words, words[1:], strict=False)), *words]))
    found: dict[str, int] = {}
    for candidate in candidates:
        if len(candidate) < 2:
            continue
        actor = store.actor_named(candidate)
        if actor and actor.lower() not in found:
            found[actor.lower()] = next((i for i, w in enumerate(words) if w.lower() == candidate.split()[0].lower()),
                                        len(words))
    # "Ana Lima" and "Ana" both name her when both are known speakers: keep the longer one
    names = [n for n in found if not any(n != other and n in other.split() for other in found)]
    return sorted(names, key=lambda n: found[n])


def time_fit(spans: Sequence[tuple[float, float]], since: float, until: float) -> float:
    """How well the best of ``spans`` (an event's own time, the times its text mentions)
    fits the window [since, until] a question names, from 0 to 1.

    Inside the window a span fits fully; outside, the fit halves with every window-width
    (at least a day) between the window and the span's middle, so "3 May" still finds a note
    of 5 May, less well. A span much wider than the window fits only in part: a text that
    names "2023" says little about which day of it.
    """
    width = max(until - since, DAY)
    best = 0.0
    for start, end in spans:
        # outside the window, a span is as far as its middle: "Monday" is half a day from a
        # question about Tuesday, not touching it
        mid = (start + end) / 2
        gap = 0.0 if start <= until and end >= since else max(since - mid, mid - until)
        precision = min(1.0, (width + DAY) / (end - start + DAY)) ** 0.5
        best = max(best, precision * 0.5 ** (gap / width))
    return best


# What a relevant result looks like to all-MiniLM-L6-v2, whatever the query and the store:
# on LoCoMo's questions the best of the first five results had a cosine similarity near
# 0.48 when the conversation held the answer and near 0.29 when it was another couple's
# conversation; the midpoint is where the shown score is even.
COSINE_EVEN = 0.3
COSINE_SLOPE = 10.0  # log-odds per unit of cosine: 0.1 above the midpoint is odds of e to 1
COVERAGE_WEIGHT = 2.0  # log-odds between a result with none of the question's words and one with all
_SUFFIXES = (("s",), ("ing", "ed", "ly"))


def stems(words: Sequence[str]) -> set[str]:
    """Crude stems (a suffix off, six letters kept), enough to see that "paintings" and
    "painted" share a word; the exact stemmer is FTS5's, on the SQLite side."""
    out = set()
    for word in words:
        w = word.lower()
        for group in _SUFFIXES:  # a plural first, then a verb ending: "paintings" -> "paint"
            for suffix in group:
                if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                    w = w[: -len(suffix)]
                    break
        out.add(w[:6])
    return out


def coverage(terms: set[str], text: str) -> float:
    """The share of the question's word stems ``terms`` that ``text`` contains (0 when none)."""
    if not terms:
        return 0.0
    return len(terms & stems(re.findall(r"\w+", text))) / len(terms)


_OWN_WORD = re.compile(r"\b(?:i|me|my|mine|we|us|our|ours)\b|\bi'", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def asked_share(text: str) -> float:
    """The share of a chat message (by length) in questions that hold no word of the asker's
    own: "Looks fun! What other classes have you done?" is almost all of it. Such a question
    asks the other person and tells nothing of either ("what can I do about my knee?" tells
    of the asker, and counts for nothing here). On LoCoMo, 8 of the 1,617 mostly-question
    turns among the first 25 results were evidence, against 1 in 20 of the other turns."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    total = sum(len(s) for s in sentences)
    asked = sum(len(s) for s in sentences
                if s.rstrip(" \"')").endswith("?") and not _OWN_WORD.search(s))
    return asked / total if total else 0.0


def relevance_logit(cosine: float | None, share: float) -> float:
    """Log-odds that a result is on the question's subject, from measures that mean the same
    for every query and store: its cosine similarity to the question (when there are
    vectors) and the share of the question's words it contains."""
    logit = COVERAGE_WEIGHT * (share - 0.5)
    if cosine is not None:
        logit += COSINE_SLOPE * (cosine - COSINE_EVEN)
    return logit


def calibrated(evidence: float, behind: float) -> float:
    """The shown score, from 0 to 1: ``sigmoid(evidence + behind)``, where ``evidence`` is
    the log-odds that the best of the first results is on the subject (relevance_logit)
    and ``behind`` (0 or less) is how far this result's fused score trails the first's,
    read as log-odds, so scores fall in the order shown."""
    return sigmoid(evidence + behind)

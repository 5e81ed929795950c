"""Score fusion for hybrid search: standardised scores, speaker and neighbour evidence.

Reciprocal rank fusion throws away how far ahead a result is; on LoCoMo it reached 62%
turn recall@10 where fusing standardised scores reaches 68% (the same retrievers). Each
retriever's raw score is turned into a z-score against the whole corpus:

- dense: cosine similarity, standardised by its mean and spread over a fixed, evenly
  spaced sample of stored vectors (deterministic, so the daemon and an in-process search
  rank alike);
- BM25: standardised over every event, where an event that does not match scores 0, so
  the mean and spread follow from the matching rows alone.

The fused score is ``dense_weight * z_dense + bm25_weight * z_bm25``, plus
``speaker_boost`` when the query names exactly one known speaker and the event is theirs,
plus ``neighbour_weight`` times the better of its neighbours' scores in the same session
(when positive): a chat reply ("Yes, last Saturday!") is found through the question it
answers. The shown score is ``sigmoid(fused)``, in (0, 1); memories multiply it by their
retention factor.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from ..store.db import Store

BACKGROUND_SAMPLE = 1024
MIN_SPREAD = 1e-3


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


def mentioned_actor(store: Store, words: Sequence[str]) -> str | None:
    """The one known speaker the query names (by a word or two adjacent words), if exactly one."""
    candidates = list(dict.fromkeys([*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))]))
    names: set[str] = set()
    for candidate in candidates:
        if len(candidate) < 2:
            continue
        actor = store.actor_named(candidate)
        if actor:
            names.add(actor.lower())
    return names.pop() if len(names) == 1 else None

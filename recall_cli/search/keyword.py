"""BM25 over events that stays fast at a million of them.

FTS5 reads a word's list of events quickly, but its bm25() costs about 0.6 µs for every
event the expression matches (on the EPYC the benchmarks ran on), and an OR-query of
everyday words ("lunch gift paper") matches tens of thousands of events in a million:
25 ms at the median, 50 ms at p95, half of a search. So, as Lucene's common-terms query
does, a query whose words together match more than ``SCORE_BUDGET`` events is split:

- the rarer words, as many as fit the budget, are scored as one OR-query;
- the frequent ones only score events that hold another of the query's words too: one
  branch per frequent word w, ``w AND (any other word) NOT (the frequent words before w)``.
  An event matches exactly one branch (that of the first frequent word it holds), and
  FTS5 scores only the phrases of the branch that matches, so its score is exactly the one
  the plain OR-query gives;
- an event that holds nothing but one frequent word is left out: its score is the lowest
  there is but for other such events, and there are thousands. When every word is frequent and too few
  events hold two of them, the newest events of the rarest word fill the list (a person's
  recent past first).

Below the budget (every store the benchmarks build, and most searches at 100k events)
the query is the plain OR-query, as exact as before. Measured on a million synthetic
events, 100 queries: the keyword stage's p50/p95 went from 24/53 ms to 10/23 ms, with the
same first 10 results and the same scores for every query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store.db import Store

SCORE_BUDGET = 10_000  # events bm25() may score for one query (about 6 ms)


SHORT_MIN = 5  # the shortest start of a word that stands for it ("cardio" for "cardiology")


def _quoted(word: str) -> str:
    return f'"{word}"'


def with_short_forms(store: Store, terms: Sequence[str], cache: dict[str, Any] | None = None) -> list[str]:
    """``terms``, each word no stored event holds replaced by the longest start of it that is
    a word of the store's own, at least ``SHORT_MIN`` letters and three short of the word
    ("cardio" for "cardiology", "physio" for "physiotherapist"): notes shorten what a
    question spells out. A word known as it is, or an inflection ("teaches" beside a
    stored "teacher"), stays as it is."""
    counts: dict[str, int] = (cache if cache is not None else {}).setdefault("fts_counts", {})

    def count(word: str) -> int:
        if word not in counts:
            counts[word] = store.fts_match_count(_quoted(word))
        return counts[word]

    out: list[str] = []
    for term in terms:
        if not term.isalpha() or len(term) < SHORT_MIN + 3 or count(term):  # (too short to shorten: not counted)
            out.append(term)
            continue
        out.append(next((term[:end] for end in range(len(term) - 3, SHORT_MIN - 1, -1) if count(term[:end])), term))
    return out


def keyword_events(store: Store, terms: Sequence[str], limit: int, since: float | None = None,
                   until: float | None = None, sources: Sequence[str] | None = None,
                   cache: dict[str, Any] | None = None, budget: int | None = None) -> list[tuple[int, float]]:
    """(event id, bm25) best first for the OR of ``terms``, within about ``budget`` scored
    events (default ``SCORE_BUDGET``); ``cache`` keeps each word's event count while the
    store is unchanged."""
    budget = SCORE_BUDGET if budget is None else budget
    if not terms:
        return []
    every = " OR ".join(_quoted(t) for t in terms)
    cache = cache if cache is not None else {}
    if "count:events" not in cache:
        cache["count:events"] = store.count_events()
    if cache["count:events"] <= budget:  # no word can match more events than there are
        return store.fts_events(every, limit, since, until, sources)
    counts: dict[str, int] = cache.setdefault("fts_counts", {})
    for term in terms:
        if term not in counts:
            counts[term] = store.fts_match_count(_quoted(term))
    if sum(counts[t] for t in terms) <= budget:
        return store.fts_events(every, limit, since, until, sources)

    by_rarity = sorted(terms, key=lambda t: counts[t])
    rare: list[str] = []
    for term in by_rarity:
        if sum(counts[t] for t in rare) + counts[term] > budget:
            break
        rare.append(term)
    scores: dict[int, float] = {}
    if rare:
        scores.update(store.fts_events(" OR ".join(_quoted(t) for t in rare), limit, since, until, sources))
    frequent = [t for t in by_rarity if t not in rare]
    branches = []
    for i, word in enumerate(frequent):
        others = [t for t in terms if t != word and t not in frequent[:i]]
        if not others:
            continue
        branch = f"({_quoted(word)} AND ({' OR '.join(_quoted(t) for t in others)}))"
        if i:
            branch = f"({branch} NOT ({' OR '.join(_quoted(t) for t in frequent[:i])}))"
        branches.append(branch)
    if branches:
        for eid, score in store.fts_events(" OR ".join(branches), limit, since, until, sources):
            scores[eid] = max(score, scores.get(eid, score))
    if not rare and len(scores) < limit:
        rarest = _quoted(by_rarity[0])
        edge = store.fts_nth_newest(rarest, budget)
        for eid, score in store.fts_events(rarest, limit, since, until, sources, min_id=edge):
            scores.setdefault(eid, score)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def with_symbols(store: Store, bm25_events: list[tuple[int, float]], symbols: Sequence[str], limit: int,
                 since: float | None = None, until: float | None = None,
                 sources: Sequence[str] | None = None) -> list[tuple[int, float]]:
    """``bm25_events`` and the events that hold one of the query's emoji (``symbols``), which
    count as matching as well as its best word match: FTS5 reads an emoji as a space."""
    if not symbols:
        return bm25_events
    matched = {i for i, _ in bm25_events}
    top = bm25_events[0][1] if bm25_events else 1.0
    held = [(i, top) for i in store.events_containing(symbols, limit, since, until, sources) if i not in matched]
    return sorted([*bm25_events, *held], key=lambda pair: -pair[1])


def respelt(store: Store, text: str, cache: dict[str, Any] | None = None) -> str:
    """``text`` with each word no stored event holds written in the short form the store holds
    (see ``with_short_forms``): "when is mum's cardiology appointment?" reads "cardio", as the
    notes do, so a question's words and the evidence's meet."""
    cache = cache if cache is not None else {}

    def shortened(match: re.Match[str]) -> str:
        word = match.group(0)
        short = with_short_forms(store, [word.lower()], cache)[0]
        return word if short == word.lower() else short

    return re.sub(rf"\b[^\W\d_]{{{SHORT_MIN + 3},}}\b", shortened, text)

"""The keyword stage: a query of frequent words scores fewer events, with the same results."""

from __future__ import annotations

import random

import pytest

from recall_cli.models import Event
from recall_cli.search import keyword
from recall_cli.search.keyword import keyword_events
from recall_cli.search.text import fts_expression, fts_terms

FILLER = ["harbour", "violet", "granite", "meadow", "copper", "lantern", "orchard", "pebble"]


@pytest.fixture
def crowded(svc):
    """120 notes where "lunch" and "paper" are everywhere and "zebra" is rare."""
    rng = random.Random(4)
    events = []
    for i in range(120):
        words = rng.sample(FILLER, rng.randint(1, 4))
        if rng.random() < 0.5:
            words.append("lunch")
        if rng.random() < 0.4:
            words.append("paper")
        if i % 15 == 0:
            words.append("zebra")
        rng.shuffle(words)
        events.append(Event(f"note {i}: " + " ".join(words), 1_700_000_000.0 + i * 60, source="note"))
    svc.store.insert_events(events)
    return svc


def test_a_split_query_keeps_the_plain_querys_best_results_and_their_exact_scores(crowded):
    query = "lunch paper zebra"
    plain = crowded.store.fts_events(fts_expression(query), 200)
    split = keyword_events(crowded.store, fts_terms(query), 200, budget=20)
    assert len(split) < len(plain)  # events with only "lunch" or only "paper" were never scored
    exact = dict(plain)
    assert all(score == pytest.approx(exact[eid]) for eid, score in split)
    assert split[:10] == pytest.approx(plain[:10])


def test_every_event_holding_two_frequent_words_is_kept_and_the_newest_of_one_fill_up(crowded):
    both = {eid for eid, _ in crowded.store.fts_events('"lunch" AND "paper"', 500)}
    rarer, other = sorted(["lunch", "paper"], key=lambda w: crowded.store.fts_match_count(f'"{w}"'))
    only_other = {eid for eid, _ in crowded.store.fts_events(f'"{other}" NOT "{rarer}"', 500)}
    split = {eid for eid, _ in keyword_events(crowded.store, ["lunch", "paper"], 200, budget=20)}
    assert both and both <= split
    assert not split & only_other  # only the rarer word's events fill the list
    newest_of_rarer = max(eid for eid, _ in crowded.store.fts_events(f'"{rarer}"', 500))
    assert newest_of_rarer in split


def test_when_no_event_holds_two_frequent_words_the_newest_of_the_rarest_fill_the_list(svc):
    svc.store.insert_events(
        [Event(f"lunch at the canteen, day {i}", 1_700_000_000.0 + i, source="note") for i in range(30)]
        + [Event(f"paper jam, day {i}", 1_700_100_000.0 + i, source="note") for i in range(40)])
    found = keyword_events(svc.store, ["paper", "lunch"], 10, budget=12)
    events = svc.store.get_events([eid for eid, _ in found])
    assert len(found) == 10
    assert all(e.text.startswith("lunch") and int(e.text.rsplit(" ", 1)[1]) >= 30 - 13 for e in events.values())


def test_a_split_query_still_obeys_the_time_and_source_filters(crowded):
    since, until = 1_700_000_000.0 + 30 * 60, 1_700_000_000.0 + 60 * 60
    split = keyword_events(crowded.store, ["lunch", "paper", "zebra"], 200, since, until, ["note"], budget=20)
    events = crowded.store.get_events([eid for eid, _ in split])
    assert events and all(since <= e.ts_start <= until for e in events.values())
    assert keyword_events(crowded.store, ["lunch", "paper"], 200, sources=["shell"], budget=20) == []


def test_search_shows_the_same_results_whether_or_not_the_query_is_split(crowded, monkeypatch):
    crowded.add("lunch paper zebra receipt from the museum cafe", ts=1_700_100_000.0)
    plain = [h.text for h in crowded.search("lunch paper zebra", time_phrases=False).hits]
    monkeypatch.setattr(keyword, "SCORE_BUDGET", 20)
    split = [h.text for h in crowded.search("lunch paper zebra", time_phrases=False).hits]
    assert split == plain
    assert "lunch paper zebra receipt from the museum cafe" in split[:3]


def test_a_word_no_event_holds_finds_the_short_form_the_notes_write(svc):
    svc.add("mum's appointments: cardio tue 4 nov 9h15, hospital de santo antónio")
    svc.add("physio on thursday, knee exercises twice a day")
    svc.add("the cardiff trip is off")
    assert [h.text.split()[0] for h in svc.search("cardiology", limit=3, include_memories=False).hits][:1] == ["mum's"]
    assert svc.search("physiotherapist", limit=1, include_memories=False).hits[0].text.startswith("physio on")

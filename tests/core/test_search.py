from datetime import datetime

import pytest

from recall_cli.errors import UsageError
from recall_cli.retrieve import fts_expression, rrf
from recall_cli.timeutil import to_ts


def ts(day: str) -> float:
    return to_ts(datetime.fromisoformat(day))


@pytest.fixture
def filled(svc):
    svc.add("Parked the car on level 3 of the airport garage", ts=ts("2023-05-02T09:00"))
    svc.add("The wifi password for the cabin is taped inside the fridge", ts=ts("2023-05-10T09:00"))
    svc.add("Booked the dentist for a cleaning in September", ts=ts("2023-05-22T09:00"), source="chat",
            actor="Ana")
    svc.add("Car service is due at 60000 km", ts=ts("2023-05-23T18:00"))
    svc.add("Dinner with Priya at the Ethiopian place", ts=ts("2023-04-11T20:00"))
    return svc


def test_keyword_and_meaning_results_are_fused(filled):
    result = filled.search("where did I park the car", reference=ts("2023-05-24T12:00"))
    assert result.hits[0].text.startswith("Parked the car")
    assert set(result.hits[0].ranks) == {"bm25", "dense"}


def test_a_time_phrase_in_the_query_filters_by_time(filled):
    result = filled.search("car yesterday", reference=ts("2023-05-24T12:00"))
    assert result.time_range and result.time_range.phrase == "yesterday"
    assert [h.text for h in result.hits] == ["Car service is due at 60000 km"]


def test_since_until_and_source_filters_apply_to_both_retrievers(filled):
    result = filled.search("dentist car wifi dinner", since=ts("2023-05-05T00:00"),
                           until=ts("2023-05-22T23:00"), time_phrases=False)
    assert sorted(h.text[:10] for h in result.hits) == ["Booked the", "The wifi p"]
    only_chat = filled.search("dentist car", sources=["chat"])
    assert [h.actor for h in only_chat.hits] == ["Ana"]


def test_a_query_of_only_punctuation_or_stopwords_still_searches(filled):
    assert filled.search("the ???").hits is not None
    assert fts_expression('"; DROP TABLE events; --') == '"drop" OR "table" OR "events"'


def test_empty_query_and_bad_limits_are_rejected(filled):
    with pytest.raises(UsageError):
        filled.search("   ")
    with pytest.raises(UsageError):
        filled.search("car", limit=0)
    with pytest.raises(UsageError):
        filled.search("car", since=ts("2023-06-01T00:00"), until=ts("2023-05-01T00:00"))


def test_search_embeds_events_added_without_vectors(svc, embedder):
    svc.add("the basil key is under the blue pot")
    assert svc.store.vector_fingerprint(embedder.model_id)[0] == 0
    result = svc.search("blue pot")
    assert result.hits and svc.store.vector_fingerprint(embedder.model_id)[0] == 1


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = rrf({"a": [("x", 1), ("y", 1)], "b": [("y", 1), ("z", 1)]}, {}, 60)
    assert max(fused, key=fused.get) == "y"


def test_search_on_an_empty_store_returns_nothing(svc):
    assert svc.search("anything at all").hits == []

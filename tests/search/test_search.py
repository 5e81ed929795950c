from datetime import datetime

import pytest

from recall_cli.errors import UsageError
from recall_cli.search.fusion import asked_share, bm25_spread
from recall_cli.search.retrieve import fts_expression
from recall_cli.search.text import asks_of_self
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


def test_a_time_phrase_in_the_query_puts_what_fits_it_first(filled):
    result = filled.search("car yesterday", reference=ts("2023-05-24T12:00"))
    assert result.time_range and result.time_range.phrase == "yesterday"
    assert result.since is None and result.until is None  # not a filter
    assert [h.text for h in result.hits][:2] == ["Car service is due at 60000 km",
                                                 "Parked the car on level 3 of the airport garage"]


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


def test_bm25_spread_counts_the_events_that_do_not_match_as_zero():
    spread = bm25_spread([3.0, 1.0], corpus_size=4)  # scores 3, 1, 0, 0
    assert spread.mean == 1.0
    assert round(spread.std, 6) == round((((4 + 0 + 1 + 1) / 4) ** 0.5), 6)
    assert bm25_spread([], corpus_size=10).z(0.0) == 0.0


def test_a_reply_is_found_through_the_question_it_answers(svc):
    chat = {"source": "chat", "session": "trip", "kind": "message"}
    svc.add("What was the name of the hotel in Lisbon where you stayed?", ts=ts("2023-05-02T09:00"),
            actor="Ana", **chat)
    svc.add("Casa Amora, a tiny place near the castle", ts=ts("2023-05-02T09:01"), actor="Bo", **chat)
    for i in range(6):
        svc.add(f"Unrelated note number {i} about groceries and chores", ts=ts(f"2023-05-0{3 + i}T09:00"))
    svc.add("The hotel in Porto was fine", ts=ts("2023-05-09T09:00"))
    texts = [h.text for h in svc.search("hotel in Lisbon", limit=3, time_phrases=False).hits]
    # the reply is found through the question, and goes before it: a question tells nothing
    assert texts.index("Casa Amora, a tiny place near the castle") < 2
    assert texts.index("Casa Amora, a tiny place near the castle") < texts.index(
        "What was the name of the hotel in Lisbon where you stayed?")
    svc.config.values["search.neighbour_weight"] = 0.0
    svc.config.values["search.question_penalty"] = 0.0
    alone = [h.text for h in svc.search("hotel in Lisbon", limit=3, time_phrases=False).hits]
    assert "Casa Amora, a tiny place near the castle" not in alone[:2]


def test_a_chat_message_that_only_asks_the_other_person_comes_after_what_was_said(svc):
    chat = {"source": "chat", "session": "talk", "kind": "message"}
    svc.add("Which camera do you take on hikes these days?", ts=ts("2023-05-02T09:00"), actor="Bo", **chat)
    svc.add("The old film camera, the Pentax, every time", ts=ts("2023-05-09T09:00"), actor="Ana", **chat)
    for i in range(6):
        svc.add(f"Unrelated note number {i} about groceries and chores", ts=ts(f"2023-05-1{i}T09:00"))
    texts = [h.text for h in svc.search("camera hikes", time_phrases=False).hits]
    assert texts[0] == "The old film camera, the Pentax, every time"
    svc.config.values["search.question_penalty"] = 0.0
    assert svc.search("camera hikes", time_phrases=False).hits[0].text.startswith("Which camera")


def test_a_question_counts_as_asking_the_other_person_only_without_the_askers_own_words():
    assert asked_share("Looks fun! What other classes have you done?") > 0.7
    assert asked_share("What can I do about my knee?") == 0.0  # tells of the asker
    assert asked_share("We're off to Rome. Any tips?") > 0.0
    assert asked_share("Got the keys today.") == 0.0
    assert asked_share("") == 0.0


def test_the_speaker_a_query_names_comes_first(svc):
    svc.add("I loved the pottery class on Saturday", ts=ts("2023-05-02T09:00"), actor="Bo", source="chat")
    svc.add("I loved the pottery class too", ts=ts("2023-05-02T09:05"), actor="Ana", source="chat")
    svc.add("Pottery supplies are expensive", ts=ts("2023-05-03T09:00"))
    assert svc.search("what did ana say about the pottery class").hits[0].actor == "Ana"
    assert svc.search("what did Bo say about the pottery class").hits[0].actor == "Bo"


def test_scores_are_between_zero_and_one_and_best_first(filled):
    hits = filled.search("car garage airport", time_phrases=False).hits
    scores = [h.score for h in hits]
    assert all(0 < s < 1 for s in scores) and scores == sorted(scores, reverse=True)


def test_search_on_an_empty_store_returns_nothing(svc):
    assert svc.search("anything at all").hits == []


def _budget_chat(svc) -> None:
    chat = {"source": "chat", "session": "budget", "kind": "message"}
    svc.add("I want to add three new columns to the transactions table: category, merchant and note",
            ts=ts("2024-03-02T09:00"), actor="user", **chat)
    svc.add("How many new columns to add to the transactions table? Want them? To add new columns to the "
            "transactions table, add each with ALTER TABLE", ts=ts("2024-03-02T09:01"), actor="assistant", **chat)
    svc.add("Which index suits the transactions table?", ts=ts("2024-03-03T09:00"), actor="user", **chat)
    svc.add("For the transactions table I recommend an index on the date column and new columns "
            "added later", ts=ts("2024-03-03T09:01"), actor="assistant", **chat)
    for i in range(8):
        svc.add(f"Unrelated note number {i} about groceries and chores", ts=ts(f"2024-03-1{i}T09:00"))


def test_a_question_about_what_i_said_puts_my_message_before_the_assistants_replies(svc):
    _budget_chat(svc)
    asked = [h.text[:20] for h in svc.search("How many new columns did I want to add to the transactions table?",
                                             limit=4).hits]
    assert asked.index("I want to add three ") < asked.index("How many new columns")
    told = svc.search("Which index did you recommend for the transactions table?", limit=4).hits
    assert told[0].actor == "assistant" and "I recommend an index" in told[0].text


def test_only_a_question_about_the_askers_own_words_counts_as_one():
    assert asks_of_self("How many columns did I want to add?")
    assert asks_of_self("Can you list the order in which I brought up my budget tracker's parts?")
    assert not asks_of_self("What did you recommend for my resume?")
    assert not asks_of_self("Summarise what we've covered about my triangles")
    assert not asks_of_self("Where is the spare key?")


def test_a_word_finds_the_short_form_a_note_writes_it_in(svc):
    svc.add("Marek rang - mum's op date is 9th Oct", ts=ts("2025-09-09T20:00"))
    svc.add("Dentist appt moved to Friday", ts=ts("2025-09-10T20:00"))
    svc.add("Bought a new bass amp", ts=ts("2025-09-11T20:00"))
    assert svc.search("when is mum's operation?", dense=False).hits[0].text.startswith("Marek rang")
    assert svc.search("dentist appointment", dense=False).hits[0].text.startswith("Dentist appt")
    assert fts_expression("operation") == '"operation" OR "op"'


def test_the_words_of_asking_how_much_do_not_find_what_only_says_much(svc):
    svc.add("Seun made lasagne, ate too much", ts=ts("2025-10-06T20:00"))
    svc.add("Seun booked the B&B in Kenmare for the wedding, €165/night", ts=ts("2025-10-17T20:00"))
    hits = svc.search("How much was the B&B?", dense=False).hits
    assert [h.text for h in hits][:1] == ["Seun booked the B&B in Kenmare for the wedding, €165/night"]


def test_an_emoji_finds_the_notes_that_hold_it(svc):
    svc.add("First note: bought a new kettle ☕ for the flat 🏠")
    svc.add("Café Nöel does the best pastéis de nata in town 🥧🇵🇹")
    svc.add("Family 👨‍👩‍👧 picnic on Sunday")
    assert [h.text[:8] for h in svc.search("🥧").hits] == ["Café Nöe"]
    assert [h.text[:8] for h in svc.search("🇵🇹").hits] == ["Café Nöe"]
    # a sequence joined by zero-width joiners is one thing asked for
    assert [h.text[:8] for h in svc.search("👨‍👩‍👧").hits] == ["Family 👨"]
    assert "Café Nöe" in [h.text[:8] for h in svc.search("pastry 🥧").hits]
    assert [h.text[:8] for h in svc.search("🥧", since=ts("2001-01-01T00:00"), until=ts("2002-01-01T00:00")).hits] == []

"""Time in a question is evidence, not a wall; what a text speaks of counts as much as when it was written."""

from datetime import datetime

import pytest

from recall_cli.search.fusion import time_fit
from recall_cli.timeutil import to_ts

DAY = 86400.0


def ts(day: str) -> float:
    return to_ts(datetime.fromisoformat(day))


NOW = ts("2023-05-24T12:00")


@pytest.fixture
def diary(svc):
    svc.add("Dinner with Priya at the Ethiopian place", ts=ts("2023-05-02T20:00"))
    # written two days after the day it tells of
    svc.add("On 3 May I finally repaired the bike brakes", ts=ts("2023-05-05T09:00"))
    svc.add("Car service is due at 60000 km", ts=ts("2023-05-23T18:00"))
    svc.add("Parked the car on level 3 of the airport garage", ts=ts("2023-05-10T09:00"))
    svc.add("Booked the dentist for a cleaning in September", ts=ts("2023-05-22T09:00"))
    for day in range(11, 20):
        svc.add(f"Watered the basil and the tomatoes, day {day}", ts=ts(f"2023-04-{day}T08:00"))
    return svc


def test_a_question_naming_a_date_finds_a_note_written_two_days_later_that_mentions_it(diary):
    result = diary.search("what did I do on 3 May?", reference=NOW)
    assert result.time_range is not None and result.time_range.phrase == "on 3 May"
    assert result.hits[0].text == "On 3 May I finally repaired the bike brakes"


def test_a_time_phrase_ranks_but_never_empties_the_list(diary):
    result = diary.search("car yesterday", reference=NOW)
    texts = [h.text for h in result.hits]
    assert texts[0] == "Car service is due at 60000 km"  # the car event of yesterday
    assert "Parked the car on level 3 of the airport garage" in texts  # still there, lower
    # a phrase whose window holds nothing at all still leaves the matching events
    far = diary.search("car in 2015", reference=NOW)
    assert {h.text for h in far.hits} >= {"Car service is due at 60000 km",
                                         "Parked the car on level 3 of the airport garage"}


def test_since_and_until_stay_hard_filters(diary):
    result = diary.search("car", since=ts("2023-05-20T00:00"), until=ts("2023-05-31T00:00"), time_phrases=False)
    assert [h.text for h in result.hits] == ["Car service is due at 60000 km"]
    # with a phrase pointing elsewhere, the explicit filter still wins
    both = diary.search("car on 10 May", since=ts("2023-05-20T00:00"), reference=NOW)
    assert [h.text for h in both.hits] == ["Car service is due at 60000 km"]


def test_a_question_that_is_only_a_time_phrase_lists_what_happened_then(diary):
    diary.add("Quarterly planning offsite in Porto", ts=ts("2023-05-17T10:00"))
    result = diary.search("what happened last week?", reference=NOW)
    assert result.time_range is not None and result.time_range.phrase == "last week"
    texts = [h.text for h in result.hits]
    assert texts[0] == "Quarterly planning offsite in Porto"  # the one event of 15-21 May
    # then the nearest ones around the week: nothing is hidden
    assert texts[1:3] == ["Booked the dentist for a cleaning in September", "Car service is due at 60000 km"]


def test_what_is_on_a_day_to_come_finds_the_plans_that_name_it(svc):
    # all written on Wednesday 24 May 2023, about the days to come
    svc.add("TODO: renew passport next Friday", ts=NOW)
    svc.add("Dentist appointment on Friday at 10", ts=NOW + 60)
    svc.add("The spare key is under the blue pot", ts=NOW + 120)
    svc.add("Call the plumber about the leak on Monday", ts=NOW + 180)
    svc.add("We went hiking on Monday, the trail was muddy", ts=NOW + 240)
    for question in ("what is on Friday?", "what should I do on Friday?"):
        texts = [h.text for h in svc.search(question, reference=NOW).hits]
        assert set(texts[:2]) == {"TODO: renew passport next Friday", "Dentist appointment on Friday at 10"}
    monday = [h.text for h in svc.search("what is on next Monday?", reference=NOW).hits]
    assert monday[0] == "Call the plumber about the leak on Monday"  # the hike was the Monday gone by
    # a day and month already past this year, in a plan and in a question about plans: next year's
    svc.add("Boiler service booked for 9 January", ts=NOW + 300)
    assert svc.search("what is on 9 January?", reference=NOW).hits[0].text == "Boiler service booked for 9 January"
    # a weekday without "on": "moved to Tuesday", "Saturday morning"
    svc.add("Vet for Biscuit moved to Tuesday at 9", ts=NOW + 360)
    svc.add("Yoga with Lena Saturday morning", ts=NOW + 420)
    assert svc.search("what is on next Tuesday?", reference=NOW).hits[0].text == "Vet for Biscuit moved to Tuesday at 9"
    assert svc.search("what is on Saturday?", reference=NOW).hits[0].text == "Yoga with Lena Saturday morning"


def test_this_weekday_is_the_one_of_the_same_week_in_notes_and_questions(svc):
    # written on Wednesday 24 May 2023: "this Friday" is the 26th, "this Monday" the 22nd
    svc.add("Dinner with Ana this Friday at Casa Pepe", ts=NOW)
    svc.add("Dinner with Ana next month, date to be fixed", ts=NOW + 60)
    svc.add("Lunch with Ana this Monday was lovely", ts=NOW + 120)
    svc.add("Dinner on my own, pasta again", ts=ts("2023-05-26T19:00"))  # written on the day itself
    friday = [h.text for h in svc.search("what is on 26 May?", reference=NOW).hits[:2]]
    assert "Dinner with Ana this Friday at Casa Pepe" in friday
    monday = svc.search("what did I do this Monday?", reference=NOW)
    assert monday.hits[0].text == "Lunch with Ana this Monday was lovely"
    later = ts("2023-05-27T12:00")  # asked on the Saturday: the Friday of that week is yesterday
    asked = svc.search("who did I have dinner with this Friday?", reference=later)
    assert asked.time_range is not None and asked.time_range.since == ts("2023-05-26T00:00")


@pytest.mark.parametrize("query", [
    "what did I do on 03/05/2023?",  # a date in a format the grammar does not read
    "Was habe ich am 3. Mai gemacht?",  # another language
    "plans for 1 January 3000",  # far in the future
    "what happened on 12 May 1950",  # before 1970
    "what happened on 31 December 9999",  # past the last day a clock can hold
    "car in 1900",
])
def test_odd_dates_and_languages_give_results_not_errors(diary, query):
    result = diary.search(query, reference=NOW)
    assert result.hits  # the store has events: the list is never empty


def test_mentioned_times_are_stored_at_ingest_and_leave_with_their_event(svc):
    event = svc.add("We went hiking last Saturday and camping back in 2010", ts=ts("2023-05-24T12:00"))
    spans = sorted(svc.store.event_times([event.id])[event.id])
    days = [(datetime.fromtimestamp(a).date().isoformat(), datetime.fromtimestamp(b).date().isoformat())
            for a, b in spans]
    assert days == [("2010-01-01", "2010-12-31"), ("2023-05-20", "2023-05-20")]
    assert svc.store.event_times([svc.add("git status").id]) == {}
    svc.forget(svc.plan_forget([event.id]))
    assert svc.store.event_times([event.id]) == {}


def test_events_stored_before_mentioned_times_existed_get_them_on_the_first_timed_search(svc):
    event = svc.add("The boiler was serviced on 2 March", ts=ts("2023-03-10T10:00"))
    # as a store from before the event_times table (the migration leaves this marker)
    svc.store._db.execute("DELETE FROM event_times")
    svc.store._db.execute("INSERT INTO settings (key, value) VALUES ('event_times.backfill_after', '0')")
    svc.search("boiler in March", reference=NOW)
    assert event.id in svc.store.event_times([event.id])


def test_time_fit_is_full_inside_the_window_and_falls_off_smoothly_outside():
    start, end = ts("2023-05-03T00:00"), ts("2023-05-03T23:59")
    assert time_fit([(start + 3600, start + 3600)], start, end) == 1.0
    two_days = time_fit([(end + 2 * DAY, end + 2 * DAY)], start, end)
    week = time_fit([(end + 7 * DAY, end + 7 * DAY)], start, end)
    assert 0 < week < two_days < 0.5
    # the day before, named as a whole day, is not inside the window: it fits less
    day_before = time_fit([(start - DAY, start - 0.001)], start, end)
    assert two_days < day_before < 0.8
    # a text that only names the whole year fits a day of it a little
    year = time_fit([(ts("2023-01-01T00:00"), ts("2023-12-31T23:59"))], start, end)
    assert 0 < year < 0.2
    assert time_fit([], start, end) == 0.0


def test_what_happened_in_a_week_is_not_crowded_out_by_chats_next_door(svc):
    # NOW is Wednesday 24 May 2023: last week is 15-21 May
    chat = {"source": "chat", "session": "plumbing", "kind": "message"}
    for i, when in enumerate(["2023-05-21T20:00", "2023-05-21T22:30", "2023-05-23T09:00", "2023-05-23T09:10",
                              "2023-05-23T09:20", "2023-05-23T09:30"]):
        svc.add(f"message {i} about the plumbing job", ts=ts(when), actor="user" if i % 2 else "assistant",
                **chat)
    svc.add("Went climbing with Dev", ts=ts("2023-05-17T18:00"))
    svc.add("Lucia lost her first tooth", ts=ts("2023-05-19T08:00"))
    hits = svc.search("what did I do last week?", reference=NOW, limit=4).hits
    assert {"Went climbing with Dev", "Lucia lost her first tooth"} <= {h.text for h in hits}


import re
from datetime import datetime

import pytest

from recall_cli.timephrase.annotation import annotate
from recall_cli.timephrase.answer import mentioned_date
from recall_cli.timephrase.phrase import extract, mentions
from recall_cli.timeutil import parse_time, to_ts

# Wednesday 2023-05-24 15:00 local time
REF = to_ts(datetime(2023, 5, 24, 15, 0))
# Monday 8 May 2023, 13:56
SAID = to_ts(datetime(2023, 5, 8, 13, 56))


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d")


# -- questions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "phrase", "first", "last", "rest"),
    [
        ("what did I do yesterday", "yesterday", "2023-05-23", "2023-05-23", "what did I do"),
        ("meetings last week", "last week", "2023-05-15", "2023-05-21", "meetings"),
        ("what happened in May 2023?", "in May 2023", "2023-05-01", "2023-05-31", "what happened?"),
        ("trips in March", "in March", "2023-03-01", "2023-03-31", "trips"),
        ("notes from in June", "in June", "2022-06-01", "2022-06-30", "notes from"),
        ("dinner on 8 May, 2023", "on 8 May, 2023", "2023-05-08", "2023-05-08", "dinner"),
        ("call on May 3rd", "on May 3rd", "2023-05-03", "2023-05-03", "call"),
        ("bugs 3 days ago", "3 days ago", "2023-05-21", "2023-05-21", "bugs"),
        ("runs in the last 2 weeks", "in the last 2 weeks", "2023-05-10", "2023-05-24", "runs"),
        ("the party last Saturday", "last Saturday", "2023-05-20", "2023-05-20", "the party"),
        ("deploys on 2023-04-30", "on 2023-04-30", "2023-04-30", "2023-04-30", "deploys"),
        ("books I read in 2022", "in 2022", "2022-01-01", "2022-12-31", "books I read"),
        ("what did I cook today", "today", "2023-05-24", "2023-05-24", "what did I cook"),
        ("what did I do a few days ago", "a few days ago", "2023-05-21", "2023-05-21", "what did I do"),
        ("walks last month", "last month", "2023-04-01", "2023-04-30", "walks"),
        ("a trip in Sept. 2022", "in Sept. 2022", "2022-09-01", "2022-09-30", "a trip"),
        ("what changes starting Monday", "starting Monday", "2023-05-29", "2023-05-29", "what changes"),
        ("what did I do on 17 November", "on 17 November", "2022-11-17", "2022-11-17", "what did I do"),
        ("what is on 17 November", "on 17 November", "2023-11-17", "2023-11-17", "what is"),
        ("what did I do on 3 May", "on 3 May", "2023-05-03", "2023-05-03", "what did I do"),
        ("what did I do on Wed 10?", "on Wed 10", "2023-05-10", "2023-05-10", "what did I do?"),
        # a question that asks ahead means the whole period, or the next month of that name
        ("what did I do this week?", "this week", "2023-05-22", "2023-05-24", "what did I do?"),
        ("what's on this week?", "this week", "2023-05-22", "2023-05-28", "what's on?"),
        ("what have I got on this month", "this month", "2023-05-01", "2023-05-31", "what have I got on"),
        ("what am I doing in March?", "in March", "2024-03-01", "2024-03-31", "what am I doing?"),
        # "what have I got on Friday?" asks what is planned: the coming Friday, not the last
        ("what have I got on Friday?", "on Friday", "2023-05-26", "2023-05-26", "what have I got?"),
        ("what did I do on Friday?", "on Friday", "2023-05-19", "2023-05-19", "what did I do?"),
        ("what did I do in March?", "in March", "2023-03-01", "2023-03-31", "what did I do?"),
        ("what am I doing in May?", "in May", "2023-05-01", "2023-05-31", "what am I doing?"),
    ],
)
def test_time_phrases_become_ranges_relative_to_the_reference(query, phrase, first, last, rest):
    cleaned, found = extract(query, REF)
    assert found is not None
    assert found.phrase == phrase
    assert (_day(found.since), _day(found.until)) == (first, last)
    assert cleaned == rest


@pytest.mark.parametrize("query", [
    "may I ask about the garden", "what is Caroline's identity", "We went camping",
    "the march of progress", "last time we talked about dogs",
    "what happened on 31 February", "fossils from 5000 years ago",
])
def test_words_that_only_look_like_dates_are_not_time_filters(query):
    cleaned, found = extract(query, REF)
    assert found is None
    assert cleaned == query


# -- captured text ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("I went to the support group yesterday.", "I went to the support group yesterday [7 May 2023]."),
    ("We ran a charity race last Sunday!", "We ran a charity race last Sunday [7 May 2023]!"),
    ("Camping next month, can't wait", "Camping next month [June 2023], can't wait"),
    ("I moved here 4 years ago", "I moved here 4 years ago [May 2019]"),
    ("Painted that two weeks ago", "Painted that two weeks ago [24 April 2023]"),
    ("The party is next Friday", "The party is next Friday [12 May 2023]"),
    ("Gave a talk last week", "Gave a talk last week [week of 1 May 2023]"),
    ("Tomorrow and the day before yesterday", "Tomorrow [9 May 2023] and the day before yesterday [6 May 2023]"),
])
def test_relative_dates_are_resolved_against_the_time_the_text_was_written(text, expected):
    assert annotate(text, SAID) == expected


@pytest.mark.parametrize("text", [
    "We should talk", "See you on Sunday", "A week is long",
    "May I come?", "This is the next step", "The pyramids were built 5000 years ago",
])
def test_text_without_relative_dates_is_unchanged(text):
    assert annotate(text, SAID) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("The concert on 20 May was loud", "20 May 2023"),
    ("We met on Sept. 3rd, 2021", "3 September 2021"),
    ("I went there yesterday, not on 20 May", "7 May 2023"),
    ("Moving house next week", "week of 15 May 2023"),
    ("On 31 February nothing happened", None),
    ("Nothing dated here", None),
])
def test_the_first_date_a_text_speaks_of_is_explicit_or_resolved(text, expected):
    assert mentioned_date(text, SAID) == expected


def test_annotating_a_text_twice_dates_each_phrase_once():
    from recall_cli.timephrase.annotation import annotate

    once = annotate("We met yesterday and fly next month.", 1_683_554_160.0)
    assert once == "We met yesterday [7 May 2023] and fly next month [June 2023]."
    assert annotate(once, 1_700_000_000.0) == once  # a later reading does not re-date it


def test_a_bracket_that_is_not_a_date_does_not_stop_a_phrase_being_dated():
    from recall_cli.timephrase.annotation import annotate

    assert annotate("I went there yesterday [shares a photo of a lake]", 1_683_554_160.0) == (
        "I went there yesterday [7 May 2023] [shares a photo of a lake]")


def test_a_weekday_before_a_date_settles_the_year_a_text_speaks_of():
    from recall_cli.timephrase.phrase import mentions

    said = to_ts(datetime(2026, 4, 26, 20, 0))
    [moved] = mentions("Gary texts: moved to Mon 16 March", said)
    [ahead] = mentions("Gary texts: moved to 16 March", said)
    assert _day(moved.since) == "2026-03-16" and _day(ahead.since) == "2027-03-16"


def test_a_weekday_followed_by_its_day_is_not_given_another_day():
    wednesday = parse_time("2026-05-13T20:00")
    assert annotate("cardiology next Tuesday 26 May, 9:40", wednesday) == "cardiology next Tuesday 26 May, 9:40"
    assert annotate("see you on Friday, the 15th", wednesday) == "see you on Friday, the 15th"
    assert annotate("cardiology next Tuesday at Garcia de Orta", wednesday) == \
        "cardiology next Tuesday [19 May 2026] at Garcia de Orta"


@pytest.mark.parametrize(("text", "day"), [
    ("thu 31 - furnas, lunch at o caldeirão", "2023-08-31"),  # the Thursday the 31st nearest 8 May 2023
    ("mon 1 - landed, got the car", "2023-05-01"),
    ("Friday 12th: the dentist", "2023-05-12"),
])
def test_a_weekday_and_a_day_of_the_month_without_a_month_is_the_nearest_such_day(text, day):
    from recall_cli.timephrase.phrase import mentions
    assert [_day(m.since) for m in mentions(text, SAID)] == [day]


@pytest.mark.parametrize("text", ["call fri 9am", "Tuesday 9:30", "sun 30 degrees", "sat 11 oct"])
def test_a_weekday_before_a_time_a_month_or_a_number_of_the_sun_is_no_day_of_the_month(text):
    from recall_cli.timephrase.phrase import mentions
    assert not [m.phrase for m in mentions(text, SAID) if re.search(r"[a-z]\s+\d{1,2}$", m.phrase, re.I)]


@pytest.mark.parametrize(("text", "first", "last"), [
    ("Booked flights to Lisbon for the weekend of 14-15 November with Jonas.", "2026-11-14", "2026-11-15"),
    ("off from 14 to 16 November", "2026-11-14", "2026-11-16"),
    ("conference Nov 14\u201316, Porto", "2026-11-14", "2026-11-16"),
    ("Nov 14 - 3 people coming", "2026-11-14", "2026-11-14"),  # a count after the day
    ("14 November 2026 - 20 people", "2026-11-14", "2026-11-14"),  # the year, then a count
    ("call Nov 14-15:30", "2026-11-14", "2026-11-14"),  # a time of day
])
def test_a_range_of_days_of_one_month_is_every_day_of_it(text, first, last):
    from recall_cli.timephrase.phrase import mentions
    [found] = mentions(text, parse_time("2026-10-10T20:00"))
    assert (_day(found.since), _day(found.until)) == (first, last)


@pytest.mark.parametrize(("text", "day"), [
    ("Parents evening at school is on the 14th at 19:00.", "2026-12-14"),  # a plan: the coming one
    ("Pay the rent by the 1st", "2027-01-01"),
    ("We went to the fair on the 28th, the kids loved it.", "2026-11-28"),  # a story: the last one
])
def test_a_day_of_the_month_without_its_month_is_the_one_a_plan_or_a_story_means(text, day):
    from recall_cli.timephrase.phrase import mentions
    assert [_day(m.since) for m in mentions(text, parse_time("2026-12-02T08:00"))] == [day]


@pytest.mark.parametrize("text", ["Flat is on the 3rd floor", "Tried it for the 2nd time", "She fell on the 3rd lap"])
def test_an_ordinal_of_something_else_is_no_day_of_the_month(text):
    from recall_cli.timephrase.phrase import mentions
    assert mentions(text, parse_time("2026-12-02T08:00")) == []


@pytest.mark.parametrize(("query", "day"), [
    ("what do I have on the 14th?", "2026-12-14"),  # this month's, still to come
    ("what did I do on the 3rd?", "2026-12-03"),
    ("what happened on the 20th?", "2026-11-20"),  # a question about the past: the last one
])
def test_a_question_naming_a_day_of_the_month_asks_about_the_one_it_means(query, day):
    cleaned, window = extract(query, parse_time("2026-12-07T12:00"))
    assert window is not None and _day(window.since) == day and "the" not in cleaned.split()


def test_a_plan_for_a_weekday_speaks_of_the_coming_one():
    # written on a Sunday: "Plan for Monday" is about the next day
    found = mentions("Plan for Monday: finish the webhook retries, gym at 6pm.", parse_time("2026-12-06T20:00"))
    assert [(_day(m.since), _day(m.until)) for m in found] == [("2026-12-07", "2026-12-07")]

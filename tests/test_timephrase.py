from datetime import datetime

import pytest

from recall_cli.timephrase import extract
from recall_cli.timeutil import to_ts

# Wednesday 2023-05-24 15:00 local time
REF = to_ts(datetime(2023, 5, 24, 15, 0))


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d")


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
])
def test_words_that_only_look_like_dates_are_not_time_filters(query):
    cleaned, found = extract(query, REF)
    assert found is None
    assert cleaned == query

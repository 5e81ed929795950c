from datetime import datetime

import pytest

from recall_cli.reldate import annotate
from recall_cli.timeutil import to_ts

# Monday 8 May 2023, 13:56
SAID = to_ts(datetime(2023, 5, 8, 13, 56))


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
    "May I come?", "This is the next step",
])
def test_text_without_relative_dates_is_unchanged(text):
    assert annotate(text, SAID) == text

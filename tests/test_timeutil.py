"""Local day bounds in a zone that changes its clocks: Europe/Lisbon.

Lisbon moves to summer time on the last Sunday of March (2026-03-29 has 23 hours) and back
on the last Sunday of October (2026-10-25 has 25 hours).
"""

import os
import time
from datetime import datetime

import pytest

from recall_cli.errors import UsageError
from recall_cli.timephrase.phrase import extract
from recall_cli.timeutil import END_MARGIN, day_bounds, parse_time, to_ts

HOUR = 3600.0


@pytest.fixture
def lisbon(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "Europe/Lisbon")
    time.tzset()
    yield
    # the suite pins UTC (tests/conftest.py); the C library's zone must follow the variable back
    os.environ["TZ"] = "UTC"
    time.tzset()


@pytest.mark.parametrize(("day", "next_day", "hours"), [
    ("2026-03-29", "2026-03-30", 23),
    ("2026-10-25", "2026-10-26", 25),
    ("2026-06-15", "2026-06-16", 24),
])
def test_a_local_day_lasts_from_midnight_to_midnight_across_a_clock_change(lisbon, day, next_day, hours):
    start, end = day_bounds(day)
    # (written as sums: a difference of two large floats is not exact to the millisecond)
    assert end == start + hours * HOUR - END_MARGIN
    assert day_bounds(next_day)[0] == end + END_MARGIN
    assert datetime.fromtimestamp(start).strftime("%Y-%m-%d %H:%M") == f"{day} 00:00"


def test_the_end_of_a_typed_date_is_the_end_of_that_local_day(lisbon):
    start, end = day_bounds("2026-03-29")
    assert parse_time("2026-03-29") == start
    assert parse_time("2026-03-29", end=True) == end
    assert parse_time("2026-03", end=True) == day_bounds("2026-03-31")[1]


@pytest.mark.parametrize(("said", "day", "hours"), [
    (datetime(2026, 3, 30, 12, 0), "2026-03-29", 23),
    (datetime(2026, 10, 26, 12, 0), "2026-10-25", 25),
])
def test_yesterday_in_a_question_is_the_whole_local_day_however_long(lisbon, said, day, hours):
    cleaned, found = extract("what did I do yesterday", to_ts(said))
    assert cleaned == "what did I do"
    assert found is not None
    assert (found.since, found.until) == day_bounds(day)
    assert found.until == found.since + hours * HOUR - END_MARGIN


def test_a_time_within_a_day_gives_the_bounds_of_its_local_day(lisbon):
    late = to_ts(datetime(2026, 10, 25, 23, 30))
    assert day_bounds(late) == day_bounds("2026-10-25")


def test_a_phrase_that_names_days_starts_and_ends_with_them():
    base = to_ts(datetime(2026, 12, 3, 18, 19))
    assert parse_time("yesterday", base=base) == to_ts(datetime(2026, 12, 2))  # not 24 hours ago
    assert parse_time("yesterday", base=base, end=True) == to_ts(datetime(2026, 12, 3)) - 0.001
    assert parse_time("3 days ago", base=base) == to_ts(datetime(2026, 11, 30))


def test_a_typed_shift_by_weeks_or_months_names_exactly_that_day():
    base = to_ts(datetime(2026, 12, 4, 15, 0))  # a question reads "2 weeks ago" loosely; a typed time does not
    assert parse_time("in two weeks", base=base) == to_ts(datetime(2026, 12, 18))
    assert parse_time("2 weeks ago", base=base) == to_ts(datetime(2026, 11, 20))
    assert parse_time("2 weeks ago", base=base, end=True) == to_ts(datetime(2026, 11, 21)) - 0.001
    _rest, loose = extract("what did I do 2 weeks ago?", base)
    assert loose is not None and loose.since < to_ts(datetime(2026, 11, 20)) < loose.until


def test_a_month_by_its_name_alone_is_the_whole_month():
    base = to_ts(datetime(2026, 12, 5, 10, 0))  # "--since march" is not 5 March
    assert parse_time("march", base=base) == to_ts(datetime(2026, 3, 1))
    assert parse_time("March", base=base, end=True) == to_ts(datetime(2026, 4, 1)) - 0.001
    assert parse_time("sept 2025", base=base) == to_ts(datetime(2025, 9, 1))


@pytest.mark.parametrize("typed", ["9999-12-31", "9999-12-31T10:00", "0001-01-01"])
def test_a_year_out_of_range_is_a_one_line_error_not_an_overflow(typed):
    with pytest.raises(UsageError, match="out of range: recall reads years 1900 to 9000"):
        parse_time(typed)

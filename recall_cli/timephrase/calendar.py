"""Date arithmetic on weekdays and months, shared by the time grammar (phrase.py), the dates
answers give (answer.py) and the dates written into captured text (annotation.py)."""

from __future__ import annotations

from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def monday_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def weekday_number(name: str) -> int:
    """Monday 0 to Sunday 6, of a day's name or a short form of it ("tues", "thurs", "weds")."""
    return [w[:3] for w in WEEKDAYS].index(name.lower()[:3])


def weekday_before(day: date, name: str) -> date:
    """The latest ``name`` day before ``day`` ("last Sunday" said on a Sunday is a week ago)."""
    return day - timedelta(days=(day.weekday() - weekday_number(name)) % 7 or 7)


def weekday_this_week(day: date, name: str) -> date:
    """The ``name`` day of ``day``'s week, Monday to Sunday ("this Friday": tomorrow when said
    on a Thursday, yesterday when said on a Saturday)."""
    return day + timedelta(days=weekday_number(name) - day.weekday())


def weekday_after(day: date, name: str) -> date:
    """The first ``name`` day after ``day`` ("next Sunday" said on a Sunday is a week ahead)."""
    return day + timedelta(days=(weekday_number(name) - day.weekday()) % 7 or 7)


def month_start(year: int, month: int, shift: int = 0) -> date:
    """The first day of the month ``shift`` months after ``month`` of ``year``."""
    index = year * 12 + month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


def day_of_month(dom: int, said: date, ahead: bool) -> date | None:
    """The day ``dom`` of the month "the 14th" most likely means, said on ``said``: this
    month's, else the next month's in a plan (``ahead``) or the last month's in a story;
    None for a day the month does not have ("the 31st" of November)."""
    shift = 1 if ahead and dom < said.day else -1 if not ahead and dom > said.day else 0
    try:
        return month_start(said.year, said.month, shift).replace(day=dom)
    except ValueError:
        return None

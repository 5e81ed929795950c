"""Captured text: each relative phrase ("yesterday", "next Tuesday", "two weeks ago") gets
its absolute date written after it, resolved against the time the text was written, so a
memory or an answer read later still says which day it meant."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..timeutil import from_ts
from .calendar import monday_of, month_start, weekday_after, weekday_before, weekday_this_week
from .phrase import (
    _DAY,
    _WEEK,
    EXPLICIT,
    NUMBER_RE,
    UNIT_RE,
    WEEKDAY_RE,
    _days,
    day_text,
    unit_name,
)

RELATIVE = re.compile(
    r"\b(?:"
    r"(?P<daybefore>the day before yesterday)"
    r"|(?P<yesterday>yesterday|last night)"
    r"|(?P<today>today|tonight|this (?:morning|afternoon|evening))"
    r"|(?P<tomorrow>tomorrow)"
    rf"|(?P<rel>last|this past|past|next|this coming|coming|this) (?P<wd>{WEEKDAY_RE})"
    r"|(?P<relspan>last|this|next) (?P<span>week|weekend|month|year)"
    rf"|(?P<n>{NUMBER_RE}) (?P<unit>{UNIT_RE})s? ago"
    rf"|in (?P<n2>{NUMBER_RE}) (?P<unit2>{UNIT_RE})s?(?! ago)"
    r")\b",
    re.IGNORECASE,
)
def _fmt_shifted(day: date, unit: str) -> str:
    """A day for days and weeks; only the month for vaguer units ("4 years ago" -> "May 2019")."""
    return day_text(day) if unit in {"day", "week"} else f"{day:%B %Y}"


def resolve(match: re.Match[str], today: date) -> str | None:
    """The absolute date (or span) a ``RELATIVE`` match means, as text; None if it has none."""
    try:
        return _resolve(match.groupdict(), today)
    except OverflowError:  # "5000 years ago": before the year 1
        return None


def _resolve(g: dict[str, str | None], today: date) -> str | None:
    if g["daybefore"]:
        return day_text(today - 2 * _DAY)
    if g["yesterday"]:
        return day_text(today - _DAY)
    if g["today"]:
        return day_text(today)
    if g["tomorrow"]:
        return day_text(today + _DAY)
    if g["wd"] and g["rel"]:
        if g["rel"].lower() == "this":
            return day_text(weekday_this_week(today, g["wd"]))
        ahead = g["rel"].lower() in {"next", "this coming", "coming"}
        return day_text((weekday_after if ahead else weekday_before)(today, g["wd"]))
    if g["span"] and g["relspan"]:
        span_name = g["span"].lower()
        shift = {"last": -1, "this": 0, "next": 1}[g["relspan"].lower()]
        if span_name in {"week", "weekend"}:
            monday = monday_of(today) + shift * _WEEK
            if span_name == "weekend":
                return f"weekend of {day_text(monday + 5 * _DAY)}"
            return f"week of {day_text(monday)}"
        if span_name == "month":
            return f"{month_start(today.year, today.month, shift):%B %Y}"
        return str(today.year + shift)
    if g["n"] and g["unit"]:
        return _fmt_shifted(today - timedelta(days=_days(g["n"], g["unit"])), unit_name(g["unit"]))
    if g["n2"] and g["unit2"]:
        return _fmt_shifted(today + timedelta(days=_days(g["n2"], g["unit2"])), unit_name(g["unit2"]))
    return None


DATED = re.compile(r"\s?\[[^\]\n]{0,40}\b\d{4}\]")  # " [7 May 2023]" after a phrase: dated already


def day_after(text: str, at: int) -> str | None:
    """The day itself when it follows at ``at`` ("next Tuesday 26 May", "on Friday, the 3rd"):
    the writer said which day, and the phrase's own reading may be a week off; else None."""
    found = EXPLICIT.search(text, at, at + 40)
    if found is not None and not text[at:found.start()].strip(" ,(")[:1].isalpha():
        return found.group(0)
    ordinal = re.match(r"[\s,(]*((?:the\s+)?\d{1,2}(?:st|nd|rd|th))\b", text[at:])
    return ordinal.group(1) if ordinal else None


def annotate(text: str, ts: float) -> str:
    """Append the absolute date after each relative phrase, e.g. "yesterday [7 May 2023]",
    resolved against ``ts``, the time the text was written; a phrase dated already is kept."""
    today = from_ts(ts).date()
    out: list[str] = []
    last = 0
    for match in RELATIVE.finditer(text):
        resolved = resolve(match, today)
        if not resolved or DATED.match(text, match.end()) or day_after(text, match.end()):
            continue  # not a date, or dated already (a memory stored with its dates, "next Tuesday 26 May")
        out.append(text[last:match.end()])
        out.append(f" [{resolved}]")
        last = match.end()
    out.append(text[last:])
    return "".join(out)

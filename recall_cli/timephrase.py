"""Time phrases inside questions: "last week", "in May 2023", "yesterday", "3 days ago".

``extract`` finds the first phrase, turns it into a [since, until] range relative to a
reference time (now by default; benchmarks set it) and returns the query without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .timeutil import from_ts, to_ts

MONTHS = {
    name: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365, "years": 365}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "couple of": 2, "few": 3}

_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(" + "|".join(WEEKDAYS) + ")"
_NUM = r"(\d+|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + ")"


@dataclass
class TimeRange:
    """A resolved time phrase."""

    phrase: str
    since: float
    until: float


def _day_range(day: date) -> tuple[float, float]:
    return to_ts(day), to_ts(day + timedelta(days=1)) - 0.001


def _span(first: date, last_exclusive: date) -> tuple[float, float]:
    return to_ts(first), to_ts(last_exclusive) - 0.001


def _month_range(year: int, month: int) -> tuple[float, float]:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return _span(date(year, month, 1), nxt)


def _number(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else NUMBERS.get(text, 1)


def _resolvers(ref: datetime):
    today = ref.date()
    week_start = today - timedelta(days=today.weekday())

    def month_of(m: re.Match) -> tuple[float, float]:
        month = MONTHS[m.group("month").lower().rstrip(".")]
        year = m.groupdict().get("year")
        if year:
            return _month_range(int(year), month)
        # a bare month means its most recent occurrence up to the reference
        y = today.year if month <= today.month else today.year - 1
        return _month_range(y, month)

    def day_month_year(m: re.Match) -> tuple[float, float]:
        month = MONTHS[m.group("month").lower().rstrip(".")]
        year = int(m.group("year")) if m.group("year") else today.year
        return _day_range(date(year, month, int(m.group("day"))))

    def ago(m: re.Match) -> tuple[float, float]:
        n = _number(m.group("n"))
        unit = m.group("unit").lower()
        days = UNITS[unit] * n
        center = today - timedelta(days=days)
        if unit.startswith("day"):
            return _day_range(center)
        half = max(1, UNITS[unit] // 2)
        return _span(center - timedelta(days=half), center + timedelta(days=half + 1))

    def last_n(m: re.Match) -> tuple[float, float]:
        days = UNITS[m.group("unit").lower()] * _number(m.group("n"))
        return to_ts(today - timedelta(days=days)), to_ts(today + timedelta(days=1)) - 0.001

    def weekday(m: re.Match) -> tuple[float, float]:
        target = WEEKDAYS[m.group("wd").lower()]
        back = (today.weekday() - target) % 7 or 7
        return _day_range(today - timedelta(days=back))

    def year_only(m: re.Match) -> tuple[float, float]:
        y = int(m.group("year"))
        return _span(date(y, 1, 1), date(y + 1, 1, 1))

    def iso_day(m: re.Match) -> tuple[float, float]:
        return _day_range(date.fromisoformat(m.group(0)))

    last_month_end = today.replace(day=1)
    last_month_start = (last_month_end - timedelta(days=1)).replace(day=1)
    fixed = {
        "today": _day_range(today),
        "yesterday": _day_range(today - timedelta(days=1)),
        "the day before yesterday": _day_range(today - timedelta(days=2)),
        "this week": _span(week_start, today + timedelta(days=1)),
        "last week": _span(week_start - timedelta(days=7), week_start),
        "past week": _span(today - timedelta(days=7), today + timedelta(days=1)),
        "this month": _span(today.replace(day=1), today + timedelta(days=1)),
        "last month": _span(last_month_start, last_month_end),
        "past month": _span(today - timedelta(days=30), today + timedelta(days=1)),
        "this year": _span(date(today.year, 1, 1), today + timedelta(days=1)),
        "last year": _span(date(today.year - 1, 1, 1), date(today.year, 1, 1)),
        "past year": _span(today - timedelta(days=365), today + timedelta(days=1)),
        "last weekend": _span(week_start - timedelta(days=2), week_start),
        "this weekend": _span(week_start + timedelta(days=5), week_start + timedelta(days=7)),
    }
    fixed_re = "|".join(re.escape(k) for k in sorted(fixed, key=len, reverse=True))
    return [
        (re.compile(rf"\b(?:on\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})"
                    r",?(?:\s+(?P<year>\d{4}))?\b", re.I), day_month_year),
        (re.compile(rf"\b(?:on\s+)?(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
                    r"(?:,?\s+(?P<year>\d{4}))?\b", re.I), day_month_year),
        (re.compile(r"\b(?:on\s+)?\d{4}-\d{2}-\d{2}\b"), lambda m: iso_day(re.search(r"\d{4}-\d{2}-\d{2}", m.group(0)))),  # noqa: E501
        (re.compile(rf"\b(?:in|during)\s+(?P<month>{_MONTH})(?:\s+(?:of\s+)?(?P<year>\d{{4}}))?\b", re.I), month_of),
        (re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<year>\d{{4}})\b", re.I), month_of),
        (re.compile(rf"\b(?P<n>{_NUM})\s+(?P<unit>days?|weeks?|months?|years?)\s+ago\b", re.I), ago),
        (re.compile(rf"\b(?:in\s+)?(?:the\s+)?(?:last|past)\s+(?P<n>{_NUM})\s+(?P<unit>days?|weeks?|months?|years?)\b", re.I), last_n),  # noqa: E501
        (re.compile(rf"\b(?:{fixed_re})\b", re.I), lambda m: fixed[m.group(0).lower()]),
        (re.compile(rf"\b(?:last|on)\s+(?P<wd>{_WEEKDAY})\b", re.I), weekday),
        (re.compile(r"\b(?:in|during)\s+(?P<year>(?:19|20)\d{2})\b", re.I), year_only),
    ]


def extract(query: str, reference: float) -> tuple[str, TimeRange | None]:
    """Find a time phrase in ``query``; return (query without it, resolved range or None)."""
    ref = from_ts(reference).replace(tzinfo=None)
    for pattern, resolve in _resolvers(ref):
        match = pattern.search(query)
        if not match:
            continue
        # "May" alone is also a verb: only read a bare month with in/during/a year
        try:
            since, until = resolve(match)
        except (ValueError, KeyError):
            continue
        cleaned = (query[: match.start()] + " " + query[match.end():]).strip()
        cleaned = re.sub(r"\s{2,}", " ", cleaned)
        cleaned = re.sub(r"\s+([?.!,])", r"\1", cleaned)
        return cleaned, TimeRange(match.group(0).strip(), since, until)
    return query, None

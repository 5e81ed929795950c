"""Time phrases, in questions and in captured text: one grammar, two uses.

- In a question, ``extract`` finds the first phrase ("last week", "in May 2023",
  "yesterday", "3 days ago"), turns it into a [since, until] range relative to a reference
  time (now by default; benchmarks set it) and returns the question without it.
- In captured text, ``annotate`` writes the absolute date after each relative phrase,
  resolved against the text's own time: "I went to the support group yesterday", said on
  8 May 2023, becomes "... yesterday [7 May 2023]", so memories and answers carry real
  dates whenever they are read. ``mentioned_date`` gives the first date a text speaks of.

Both halves read the same vocabulary (month names, weekdays, number words, unit lengths)
and the same date arithmetic; only what they make of a phrase differs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .timeutil import from_ts, span

# -- the shared vocabulary --------------------------------------------------------------------

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10,
           "couple of": 2, "a couple of": 2, "few": 3, "a few": 3}
# "N months ago" is read as N * 30 days: near enough for a search range or a month name
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def _words(words: Iterable[str]) -> str:
    """A regex alternation, longest first, so "sept" wins over "sep" and "a few" over "a"."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


_MONTH = _words(MONTHS)  # callers add r"\.?": "Sept." is a month too
_WEEKDAY = _words(WEEKDAYS)
_NUM = rf"(?:\d+|{_words(NUMBERS)})"
_UNIT = _words(UNIT_DAYS)  # singular; patterns add "s?"
_TH = r"(?:st|nd|rd|th)?"
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)

_Days = tuple[date, date]  # the first day, and the day after the last


def _month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _number(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else NUMBERS.get(text, 1)


def _unit(text: str) -> str:
    return text.lower().removesuffix("s")


def _days(n: str, unit: str) -> int:
    """How many days "<n> <unit>" stands for: "two weeks" -> 14."""
    return UNIT_DAYS[_unit(unit)] * _number(n)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weekday_before(day: date, name: str) -> date:
    """The latest ``name`` day before ``day`` ("last Sunday" said on a Sunday is a week ago)."""
    return day - timedelta(days=(day.weekday() - WEEKDAYS.index(name.lower())) % 7 or 7)


def _weekday_after(day: date, name: str) -> date:
    return day + timedelta(days=(WEEKDAYS.index(name.lower()) - day.weekday()) % 7 or 7)


def _month_start(year: int, month: int, shift: int = 0) -> date:
    """The first day of the month ``shift`` months after ``month`` of ``year``."""
    index = year * 12 + month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


# -- questions: a phrase becomes a search range ---------------------------------------------


@dataclass
class TimeRange:
    """A resolved time phrase."""

    phrase: str
    since: float
    until: float


def _one_day(day: date) -> _Days:
    return day, day + _DAY


def _month(year: int, month: int) -> _Days:
    return _month_start(year, month), _month_start(year, month, 1)


def _on_day(m: re.Match[str], today: date) -> _Days:
    year = int(m.group("year")) if m.group("year") else today.year
    return _one_day(date(year, _month_number(m.group("month")), int(m.group("day"))))


def _in_month(m: re.Match[str], today: date) -> _Days:
    month = _month_number(m.group("month"))
    if m.group("year"):
        return _month(int(m.group("year")), month)
    # a month without a year is its latest occurrence up to the reference
    return _month(today.year if month <= today.month else today.year - 1, month)


def _ago(m: re.Match[str], today: date) -> _Days:
    unit = _unit(m.group("unit"))
    center = today - timedelta(days=_days(m.group("n"), unit))
    if unit == "day":
        return _one_day(center)
    # "2 weeks ago" is vague: a window of half a unit on either side
    half = max(1, UNIT_DAYS[unit] // 2)
    return center - timedelta(days=half), center + timedelta(days=half + 1)


def _last_n(m: re.Match[str], today: date) -> _Days:
    return today - timedelta(days=_days(m.group("n"), m.group("unit"))), today + _DAY


# phrase -> its days, for the reference day
_FIXED: dict[str, Callable[[date], _Days]] = {
    "today": _one_day,
    "yesterday": lambda t: _one_day(t - _DAY),
    "the day before yesterday": lambda t: _one_day(t - 2 * _DAY),
    "this week": lambda t: (_monday(t), t + _DAY),
    "last week": lambda t: (_monday(t) - _WEEK, _monday(t)),
    "past week": lambda t: (t - _WEEK, t + _DAY),
    "this month": lambda t: (t.replace(day=1), t + _DAY),
    "last month": lambda t: (_month_start(t.year, t.month, -1), t.replace(day=1)),
    "past month": lambda t: (t - 30 * _DAY, t + _DAY),
    "this year": lambda t: (date(t.year, 1, 1), t + _DAY),
    "last year": lambda t: (date(t.year - 1, 1, 1), date(t.year, 1, 1)),
    "past year": lambda t: (t - 365 * _DAY, t + _DAY),
    "last weekend": lambda t: (_monday(t) - 2 * _DAY, _monday(t)),
    "this weekend": lambda t: (_monday(t) + 5 * _DAY, _monday(t) + _WEEK),
}

# Tried in order; the first that matches (and names a real date) wins. "May" alone is also
# a verb and "march" a noun, so a month needs a day, a year, or "in"/"during" before it.
_QUESTION_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str], date], _Days]]] = [
    (re.compile(rf"\b(?:on\s+)?(?P<day>\d{{1,2}}){_TH}\s+(?:of\s+)?(?P<month>{_MONTH}\.?)"
                r",?(?:\s+(?P<year>\d{4}))?\b", re.I), _on_day),
    (re.compile(rf"\b(?:on\s+)?(?P<month>{_MONTH}\.?)\s+(?P<day>\d{{1,2}}){_TH}"
                r"(?:,?\s+(?P<year>\d{4}))?\b", re.I), _on_day),
    (re.compile(r"\b(?:on\s+)?(?P<iso>\d{4}-\d{2}-\d{2})\b", re.I),
     lambda m, _: _one_day(date.fromisoformat(m.group("iso")))),
    (re.compile(rf"\b(?:in|during)\s+(?P<month>{_MONTH}\.?)(?:\s+(?:of\s+)?(?P<year>\d{{4}}))?\b", re.I),
     _in_month),
    (re.compile(rf"\b(?P<month>{_MONTH}\.?)\s+(?P<year>\d{{4}})\b", re.I), _in_month),
    (re.compile(rf"\b(?P<n>{_NUM})\s+(?P<unit>{_UNIT}s?)\s+ago\b", re.I), _ago),
    (re.compile(rf"\b(?:in\s+)?(?:the\s+)?(?:last|past)\s+(?P<n>{_NUM})\s+(?P<unit>{_UNIT}s?)\b", re.I),
     _last_n),
    (re.compile(rf"\b{_words(_FIXED)}\b", re.I), lambda m, today: _FIXED[m.group(0).lower()](today)),
    (re.compile(rf"\b(?:last|on)\s+(?P<wd>{_WEEKDAY})\b", re.I),
     lambda m, today: _one_day(_weekday_before(today, m.group("wd")))),
    (re.compile(r"\b(?:in|during)\s+(?P<year>(?:19|20)\d{2})\b", re.I),
     lambda m, _: (date(int(m.group("year")), 1, 1), date(int(m.group("year")) + 1, 1, 1))),
]


def extract(query: str, reference: float) -> tuple[str, TimeRange | None]:
    """Find a time phrase in ``query``; return (query without it, resolved range or None).

    The range runs from the start of its first local day to the end of its last, relative
    to ``reference`` (UNIX seconds).
    """
    today = from_ts(reference).date()
    for pattern, days in _QUESTION_RULES:
        match = pattern.search(query)
        if not match:
            continue
        try:
            since, until = span(*days(match, today))
        except (ValueError, KeyError, OverflowError):  # "31 February", "5000 years ago"
            continue
        cleaned = (query[: match.start()] + " " + query[match.end():]).strip()
        cleaned = re.sub(r"\s{2,}", " ", cleaned)
        cleaned = re.sub(r"\s+([?.!,])", r"\1", cleaned)
        return cleaned, TimeRange(match.group(0).strip(), since, until)
    return query, None


# -- captured text: a relative phrase gets its absolute date written after it ------------------

RELATIVE = re.compile(
    r"\b(?:"
    r"(?P<daybefore>the day before yesterday)"
    r"|(?P<yesterday>yesterday|last night)"
    r"|(?P<today>today|tonight|this (?:morning|afternoon|evening))"
    r"|(?P<tomorrow>tomorrow)"
    rf"|(?P<rel>last|this past|past|next|this coming|coming) (?P<wd>{_WEEKDAY})"
    r"|(?P<relspan>last|this|next) (?P<span>week|weekend|month|year)"
    rf"|(?P<n>{_NUM}) (?P<unit>{_UNIT})s? ago"
    rf"|in (?P<n2>{_NUM}) (?P<unit2>{_UNIT})s?(?! ago)"
    r")\b",
    re.IGNORECASE,
)
# an explicit day and month, either way round, with an optional year
EXPLICIT = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}}){_TH}\s+(?:of\s+)?(?P<month>{_MONTH})\.?"
    rf"|(?P<month2>{_MONTH})\.?\s+(?P<day2>\d{{1,2}}){_TH})\b"
    r"(?:,?\s+(?P<year>(?:19|20)\d{2}))?",
    re.IGNORECASE,
)


def _fmt(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _fmt_shifted(day: date, unit: str) -> str:
    """A day for days and weeks; only the month for vaguer units ("4 years ago" -> "May 2019")."""
    return _fmt(day) if unit in {"day", "week"} else f"{day:%B %Y}"


def resolve(match: re.Match[str], today: date) -> str | None:
    """The absolute date (or span) a ``RELATIVE`` match means, as text; None if it has none."""
    try:
        return _resolve(match.groupdict(), today)
    except OverflowError:  # "5000 years ago": before the year 1
        return None


def _resolve(g: dict[str, str | None], today: date) -> str | None:
    if g["daybefore"]:
        return _fmt(today - 2 * _DAY)
    if g["yesterday"]:
        return _fmt(today - _DAY)
    if g["today"]:
        return _fmt(today)
    if g["tomorrow"]:
        return _fmt(today + _DAY)
    if g["wd"] and g["rel"]:
        ahead = g["rel"].lower() in {"next", "this coming", "coming"}
        return _fmt((_weekday_after if ahead else _weekday_before)(today, g["wd"]))
    if g["span"] and g["relspan"]:
        span_name = g["span"].lower()
        shift = {"last": -1, "this": 0, "next": 1}[g["relspan"].lower()]
        if span_name in {"week", "weekend"}:
            monday = _monday(today) + shift * _WEEK
            if span_name == "weekend":
                return f"weekend of {_fmt(monday + 5 * _DAY)}"
            return f"week of {_fmt(monday)}"
        if span_name == "month":
            return f"{_month_start(today.year, today.month, shift):%B %Y}"
        return str(today.year + shift)
    if g["n"] and g["unit"]:
        return _fmt_shifted(today - timedelta(days=_days(g["n"], g["unit"])), _unit(g["unit"]))
    if g["n2"] and g["unit2"]:
        return _fmt_shifted(today + timedelta(days=_days(g["n2"], g["unit2"])), _unit(g["unit2"]))
    return None


def annotate(text: str, ts: float) -> str:
    """Append the absolute date after each relative phrase, e.g. "yesterday [7 May 2023]",
    resolved against ``ts``, the time the text was written."""
    today = from_ts(ts).date()
    out: list[str] = []
    last = 0
    for match in RELATIVE.finditer(text):
        resolved = resolve(match, today)
        if not resolved:
            continue
        out.append(text[last:match.end()])
        out.append(f" [{resolved}]")
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def mentioned_date(text: str, ts: float) -> str | None:
    """The first date ``text`` speaks of, as "7 May 2023" (or a span such as "week of ..."):
    an explicit day and month (the year defaults to the text's own), else a relative phrase
    resolved against the text's time ``ts``; None when it names no date."""
    today = from_ts(ts).date()
    explicit = EXPLICIT.search(text)
    relative = RELATIVE.search(text)
    if explicit and (relative is None or explicit.start() <= relative.start()):
        month = _month_number(explicit.group("month") or explicit.group("month2"))
        day = int(explicit.group("day") or explicit.group("day2"))
        try:
            return _fmt(date(int(explicit.group("year") or today.year), month, day))
        except ValueError:
            pass  # "31 February": fall back to a relative phrase, if any
    if relative:
        return resolve(relative, today)
    return None

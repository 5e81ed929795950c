"""Resolving relative dates inside captured text against the text's own time.

"I went to the support group yesterday", said on 8 May 2023, becomes
"I went to the support group yesterday [7 May 2023]": memories and answers then carry
real dates, whenever they are read.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .timeutil import from_ts

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUM_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a few": 3, "few": 3}
_NUM = r"(\d+|a couple of|a few|" + "|".join(k for k in _NUM_WORDS if " " not in k) + ")"
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}

PATTERN = re.compile(
    r"\b(?:"
    r"(?P<daybefore>the day before yesterday)"
    r"|(?P<yesterday>yesterday|last night)"
    r"|(?P<today>today|tonight|this (?:morning|afternoon|evening))"
    r"|(?P<tomorrow>tomorrow)"
    r"|(?P<rel>last|this past|past|next|this coming|coming) (?P<wd>" + "|".join(WEEKDAYS) + r")"
    r"|(?P<relspan>last|this|next) (?P<span>week|weekend|month|year)"
    r"|(?P<n>" + _NUM + r") (?P<unit>day|week|month|year)s? ago"
    r"|in (?P<n2>" + _NUM + r") (?P<unit2>day|week|month|year)s?(?! ago)"
    r")\b",
    re.IGNORECASE,
)


def _fmt(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _n(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else _NUM_WORDS.get(text, 1)


def resolve(match: re.Match, today: date) -> str | None:
    """The absolute date (or span) a relative phrase means, as text."""
    g = match.groupdict()
    if g["daybefore"]:
        return _fmt(today - timedelta(days=2))
    if g["yesterday"]:
        return _fmt(today - timedelta(days=1))
    if g["today"]:
        return _fmt(today)
    if g["tomorrow"]:
        return _fmt(today + timedelta(days=1))
    if g["wd"]:
        target = WEEKDAYS.index(g["wd"].lower())
        rel = g["rel"].lower()
        if rel in {"next", "this coming", "coming"}:
            ahead = (target - today.weekday()) % 7 or 7
            return _fmt(today + timedelta(days=ahead))
        back = (today.weekday() - target) % 7 or 7
        return _fmt(today - timedelta(days=back))
    if g["span"]:
        span, rel = g["span"].lower(), g["relspan"].lower()
        shift = {"last": -1, "this": 0, "next": 1}[rel]
        if span in {"week", "weekend"}:
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=shift)
            if span == "weekend":
                return f"weekend of {_fmt(monday + timedelta(days=5))}"
            return f"week of {_fmt(monday)}"
        if span == "month":
            month = today.month + shift
            year = today.year + (month - 1) // 12
            month = (month - 1) % 12 + 1
            return date(year, month, 1).strftime("%B %Y")
        return str(today.year + shift)
    if g["n"]:
        days = _UNIT_DAYS[g["unit"].lower()] * _n(g["n"])
        when = today - timedelta(days=days)
        return _fmt(when) if g["unit"].lower() in {"day", "week"} else when.strftime("%B %Y")
    if g["n2"]:
        days = _UNIT_DAYS[g["unit2"].lower()] * _n(g["n2"])
        when = today + timedelta(days=days)
        return _fmt(when) if g["unit2"].lower() in {"day", "week"} else when.strftime("%B %Y")
    return None


def annotate(text: str, ts: float) -> str:
    """Append the absolute date after each relative phrase, e.g. "yesterday [7 May 2023]"."""
    today = from_ts(ts).date()
    out: list[str] = []
    last = 0
    for match in PATTERN.finditer(text):
        resolved = resolve(match, today)
        if not resolved:
            continue
        out.append(text[last:match.end()])
        out.append(f" [{resolved}]")
        last = match.end()
    out.append(text[last:])
    return "".join(out)


_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]
_MONTH_RE = r"(?P<month>" + "|".join(m for m in _MONTHS) + r"|" + "|".join(m[:3] for m in _MONTHS) + r")\.?"
EXPLICIT = re.compile(
    r"\b(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r"|"
    + _MONTH_RE.replace("month", "month2") + r"\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?)\b"
    r"(?:,?\s+(?P<year>(?:19|20)\d{2}))?",
    re.IGNORECASE,
)


def mentioned_date(text: str, ts: float) -> str | None:
    """The first date ``text`` speaks of, as "7 May 2023" (or a span such as "week of ..."):
    an explicit day and month (the year defaults to the text's own), else a relative phrase
    resolved against the text's time; None when it names no date."""
    today = from_ts(ts).date()
    explicit = EXPLICIT.search(text)
    relative = PATTERN.search(text)
    if explicit and (relative is None or explicit.start() <= relative.start()):
        month_name = (explicit.group("month") or explicit.group("month2")).lower()[:3]
        month = [m[:3] for m in _MONTHS].index(month_name) + 1
        day = int(explicit.group("day") or explicit.group("day2"))
        year = int(explicit.group("year") or today.year)
        try:
            return _fmt(date(year, month, day))
        except ValueError:
            explicit = None
    if relative:
        return resolve(relative, today)
    return None

"""The dates an answer gives: each date phrase of a text rendered as an answer would say it.

``dates_in`` finds every date phrase in a sentence (ranges first: "3-10 November", then
days, months, relative phrases and years) and renders it from the day the sentence was
written: "last week", said on 9 June 2023, is "the week before 9 June 2023"; "yesterday"
is "8 June 2023". ``in_granularity`` cuts a rendered date to what the question asks for
("what year" -> "2023"). The renderings follow how people answer, which is why they differ
from ``annotation.annotate``'s ("week of 5 June 2023"): that one marks a text for reading, this
one is the answer itself. Both read the same vocabulary (phrase.py).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..timeutil import from_ts
from .annotation import RELATIVE, day_after, resolve
from .calendar import WEEKDAYS, day_of_month, month_start, weekday_after, weekday_before, weekday_number
from .phrase import (
    ANY_WEEKDAY,
    DAY_MONTH_RE,
    EXPLICIT,
    MONTH_RE,
    NO_DATE_AFTER,
    NUMBER_RE,
    OF,
    ORDINAL_NOUN,
    ORDINAL_RE,
    SHORT_WEEKDAY,
    TIME_OF_DAY_AFTER,
    UNIT_RE,
    WEEKDAY_RE,
    day_text,
    month_number,
    nearest_year,
    number,
    plans_ahead,
    unit_name,
    weekday_year,
)

YEAR_QUESTION = re.compile(r"\b(?:what|which) year\b", re.I)
MONTH_QUESTION = re.compile(r"\b(?:what|which) month\b", re.I)
WEEKDAY_QUESTION = re.compile(r"\b(?:what|which) (?:day of the week|week ?day)\b", re.I)

_MONTH = MONTH_RE + r"\.?"
_DAY_MONTH = DAY_MONTH_RE + r"\.?"  # after a day number: "15 mars" too
_TH = ORDINAL_RE
_YEAR = r"(?:19|20)\d\d"
_NUM = NUMBER_RE
_WEEKDAY = WEEKDAY_RE
_DASH = r"\s*(?:-|–|—|to|until|till|through|thru|and)\s*"
_D = r"\d{1,2}" + _TH


def _day_month(d: str, m: str) -> str:
    """"3 November", "3rd of November" or "November 3", as named groups ``d``/``m`` and ``d``b/``m``b."""
    return rf"(?:(?P<{d}>{_D})\s+{OF}(?P<{m}>{_DAY_MONTH})|(?P<{m}b>{_MONTH})\s+(?P<{d}b>{_D})\b)"


_OPT_YEAR = rf"(?:,?\s+(?P<y>{_YEAR}))?"
# a range's days named too: "fri 4 april - sun 6 april", "from sat 17 may to sun 18 may"
_THEN_WEEKDAY = rf"(?:{ANY_WEEKDAY}\.?,?\s+)?"
_FROM = rf"\b(?:from |between )?{_THEN_WEEKDAY}"
DATE_PHRASES = [
    # ranges first: "3-10 November", "November 3-10", "3 November to 10 December", "between March 1 and March 5"
    ("range_dm", re.compile(rf"{_FROM}(?P<d1>{_D})(?:{_DASH}){_THEN_WEEKDAY}(?P<d2>{_D})\s+{OF}(?P<m>{_DAY_MONTH})"
                            rf"{_OPT_YEAR}", re.I)),
    # (not "thu 19 nov 4-7": a day named before its month, then the hours)
    ("range_md", re.compile(rf"{_FROM}(?<!\d\s)(?P<m>{_MONTH})\s+(?P<d1>{_D})(?:{_DASH})(?P<d2>{_D})\b{_OPT_YEAR}",
                            re.I)),
    ("range_full", re.compile(rf"{_FROM}{_day_month('d1', 'm1')}(?:{_DASH}){_THEN_WEEKDAY}{_day_month('d2', 'm2')}"
                              rf"{_OPT_YEAR}", re.I)),
    ("day", re.compile(rf"\b{_day_month('d', 'm')}{_OPT_YEAR}", re.I)),
    ("month", re.compile(rf"\b(?P<m>{_MONTH})\s+(?:of\s+)?(?P<y>{_YEAR})\b", re.I)),
    ("relative", re.compile(
        r"\b(?:(?P<daybefore>the day before yesterday)|(?P<yesterday>yesterday|last night)"
        r"|(?P<today>today|tonight|this (?:morning|afternoon|evening))|(?P<tomorrow>tomorrow)"
        rf"|(?P<rel>last|this past|past|next|this coming|coming|this) (?P<wd>{_WEEKDAY}|{SHORT_WEEKDAY}|sat)"
        r"|(?P<span_rel>last|this|next|this past|past) "
        r"(?P<span>week|weekend|month|year|summer|winter|spring|fall|autumn)"
        rf"|(?P<n>{_NUM}) (?P<unit>{UNIT_RE})s? ago"
        rf"|in (?P<ahead_n>{_NUM}) (?P<ahead_unit>{UNIT_RE})s?(?! ago)"
        rf"|(?:on|by|until|till|before|for|to) (?P<bare_wd>{_WEEKDAY}|{SHORT_WEEKDAY})\b{NO_DATE_AFTER}"
        rf"|(?:starting|beginning|effective|as of)(?: on| from)? (?P<from_wd>{_WEEKDAY})\b{NO_DATE_AFTER}"
        rf"|(?P<wd_at>{_WEEKDAY}|{SHORT_WEEKDAY}){TIME_OF_DAY_AFTER}"
        rf"|(?P<wd_dom>(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?)\.?,?\s+(?:the\s+)?(?P<wdd>\d{{1,2}})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?{_MONTH})"
        rf"|(?:on|for|by|from|until|till) the (?P<dom>\d{{1,2}})(?:st|nd|rd|th)(?!\s+(?:of\s+)?{_MONTH})"
        rf"(?!\s+{ORDINAL_NOUN}))\b", re.I)),
    # (and what runs out or is due in it: "my passport expires 2029", "valid until 2031")
    ("year", re.compile(rf"\b(?:in|since|during|of|until|till|by|expires?|expiring|expired|expiry) (?P<y>{_YEAR})\b",
                        re.I)),
    # a month named alone ("moving in January", "starts in early March"): the coming one in a
    # plan, the last one in a story. Capitalised only for "may" and "march": "in may" is rarely the month
    # "postponed to May" (to a month only after a change: "talked to May" names a person)
    # ("due end of January": a part of the month needs no preposition; "until end of Feb")
    ("bare_month", re.compile(r"\b(?:(?i:in|by|until|till|since|during|from|before|after|"
                              r"(?P<moved>(?:moved|postponed|pushed back|put off|rescheduled|delayed)\s+to))\s+"
                              r"(?:(?i:early|late|mid|mid-|the end of|the beginning of|the start of)\s*)?"
                              r"|(?i:(?:the\s+)?(?:end|beginning|start|middle)\s+of)\s+)"
                              r"(?P<bm>January|February|March|April|May|June|July|August|September|October|"
                              r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|"
                              # typed in lower case: a month that is no other word ("due end of jan")
                              r"(?i:january|february|april|june|july|august|september|october|november|december|"
                              r"jan|feb|apr|jun|jul|aug|sept?|oct|nov|dec))\b(?!\.?\s*(?:\d|of\s+\d))")),
]

def _day(text: str) -> int:
    """"3rd" -> 3."""
    return int(text.rstrip("stndrhTSNDRH"))


def _next_year(g: dict[str, str], last: date, said: date) -> bool:
    """Whether a plan's dates without a year, all of them past by the day it was written,
    mean next year's ("Eye test on 12 January", written in December)."""
    return not g.get("y") and bool(g.get("future")) and last < said


def _render(kind: str, g: dict[str, str], said: date) -> tuple[str, date | None] | None:
    """(the phrase as an answer, the day it points at when it is one day) for one match."""
    year = int(g["y"]) if g.get("y") else said.year
    try:
        if kind in {"range_dm", "range_md"}:
            assert g["d1"] and g["d2"] and g["m"]
            month = month_number(g["m"])
            first, last = date(year, month, _day(g["d1"])), date(year, month, _day(g["d2"]))
            if last <= first:
                return None
            if _next_year(g, last, said):  # "ski holiday 20-27 February", planned in November
                first, last = date(year + 1, month, first.day), date(year + 1, month, last.day)
            return f"{first.day}-{last.day} {first:%B %Y}", None
        if kind == "range_full":
            m1, d1 = g["m1"] or g["m1b"], g["d1"] or g["d1b"]
            m2, d2 = g["m2"] or g["m2b"], g["d2"] or g["d2b"]
            assert m1 and d1 and m2 and d2
            first, last = date(year, month_number(m1), _day(d1)), date(year, month_number(m2), _day(d2))
            if last < first:
                last = date(year + 1, last.month, last.day)
            if _next_year(g, last, said):
                first, last = date(first.year + 1, first.month, first.day), date(last.year + 1, last.month, last.day)
            if first.month == last.month:
                return f"{first.day}-{last.day} {first:%B %Y}", None
            return f"{first.day} {first:%B} - {last.day} {last:%B %Y}", None
        if kind == "day":
            m, d = g["m"] or g["mb"], g["d"] or g["db"]
            assert m and d
            day = date(year, month_number(m), _day(d))
            if _next_year(g, day, said):
                day = date(year + 1, day.month, day.day)
            elif not g.get("y") and not g.get("future") and (day - said).days > 183:
                # a story's day far after the day it was told is last year's ("It started on
                # the 28th December", written on 6 January); one a little ahead says the tense
                # was misread ("changed: ... the next one is 10 November", on 2 November)
                day = date(year - 1, day.month, day.day)
            return day_text(day), day
        if kind == "month":
            assert g["m"]
            return f"{date(year, month_number(g['m']), 1):%B %Y}", None
        if kind == "year":
            return str(year), None
        if kind == "bare_month":
            month = month_number(g["bm"])
            if g.get("future") or g.get("moved"):  # a thing is put off to a month ahead
                year += month < said.month  # "in January", said in October: next year's
            else:
                year -= month > said.month  # "we went to Porto in December", said in October: last year's
            return f"{date(year, month, 1):%B %Y}", None
    except (ValueError, KeyError, AssertionError):
        return None
    return _render_relative(g, said)


SEASONS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (12, 2)}


def _render_relative(g: dict[str, str], said: date) -> tuple[str, date | None] | None:
    """A relative phrase read from the day it was written (``said``)."""
    anchor = day_text(said)
    one = timedelta(days=1)
    if g.get("daybefore"):
        return day_text(said - 2 * one), said - 2 * one
    if g.get("yesterday"):
        return day_text(said - one), said - one
    if g.get("today"):
        return anchor, said
    if g.get("tomorrow"):
        return day_text(said + one), said + one
    if g.get("wd") and g.get("rel"):
        rel = g["rel"].lower()
        ahead = rel in {"next", "coming", "this coming"} or (
            rel == "this" and weekday_number(g["wd"]) > said.weekday())
        day = (weekday_after if ahead else weekday_before)(said, g["wd"])
        return f"{day:%A}, {day_text(day)}", day
    if g.get("span") and g.get("span_rel"):
        span, rel = g["span"].lower(), g["span_rel"].lower()
        ahead = rel == "next"
        now = rel == "this"
        if span in {"week", "weekend"}:
            if now:
                return f"the {span} of {anchor}", None
            return f"the {span} {'after' if ahead else 'before'} {anchor}", None
        if span == "month":
            return f"{month_start(said.year, said.month, 0 if now else 1 if ahead else -1):%B %Y}", None
        if span == "year":
            return str(said.year + (1 if ahead else 0 if now else -1)), None
        start, end = SEASONS[span]
        if now:
            season_year = said.year
        elif ahead:
            season_year = said.year if said.month < start else said.year + 1
        else:
            season_year = said.year if said.month > end else said.year - 1
        return f"the {span} of {season_year}", None
    if g.get("from_wd"):  # "starting Monday": from then on, so the coming one
        day = weekday_after(said, g["from_wd"])
        return f"{day:%A}, {day_text(day)}", day
    if g.get("bare_wd") or g.get("wd_at"):  # "on Monday", "moved to Friday", "Friday at 9": the
        # coming one in a plan, the last one in a story
        day = (weekday_after if g.get("future") else weekday_before)(said, g["bare_wd"] or g["wd_at"])
        return f"{day:%A}, {day_text(day)}", day
    if g.get("wd_dom"):  # "Fri 9th": the nearest 9th that is a Friday, ahead in a plan, back in a story
        return _weekday_dom(int(g["wdd"]), g["wd_dom"], said, bool(g.get("future")))
    if g.get("dom"):  # "on the 18th": this month's, or the next (a plan) or last (a story) month's
        return _day_of_month(int(g["dom"]), said, bool(g.get("future")))
    if g.get("ahead_n") and g.get("ahead_unit"):
        n, unit = number(g["ahead_n"]), unit_name(g["ahead_unit"])
        if unit in {"day", "week"}:
            day = said + timedelta(days=n * (7 if unit == "week" else 1))
            return day_text(day), day
        if unit == "month":
            return f"{month_start(said.year, said.month, n):%B %Y}", None
        return str(said.year + n), None
    if g.get("n") and g.get("unit"):
        n, unit = number(g["n"]), unit_name(g["unit"])
        if unit == "day":
            day = said - timedelta(days=n)
            return day_text(day), day
        if unit == "week":
            return f"{g['n']} week{'s' if n > 1 else ''} before {anchor}", None
        if unit == "month":
            return f"{month_start(said.year, said.month, -n):%B %Y}", None
        return str(said.year - n), None
    return None


MOVED_BEFORE = re.compile(r"\b(?:moved|moving|postponed|rescheduled|pushed back|brought forward|changed|shifted)"
                          r"(?:\s+(?:again|it|them))?\s*$",
                          re.I)
# (a comma before a new subject's "is" opens a clause too: "deposit paid, trip is 15-19 feb")
CLAUSE_END = re.compile(r"[.!?;]\s+|,\s+(?:and|but|so)\s+|,\s+(?=[\w']+\s+(?:is|are)\b)")


def dates_in(text: str, said: float, undated: bool = False) -> list[tuple[int, str, date | None, str]]:
    """(position, rendered date, the day when it is one, the phrase as written) for each
    date phrase in ``text``, ranges before the single days inside them. ``undated``: ``said``
    is only when the text was last saved (a note that nothing dates, written over weeks), so a
    day without a year is the one nearest it, even in a plan ("surgery 28 Jan" in a note saved
    on 27 February is this January's)."""
    day_said = from_ts(said).date()
    found: list[tuple[int, int, str, date | None]] = []
    taken: list[tuple[int, int]] = []
    # the tense of each clause, read once ("I just started on November 3, and we are going
    # to Lisbon on December 12": the 3rd is gone by, the 12th to come)
    bounds = [0, *(m.end() for m in CLAUSE_END.finditer(text)), len(text) + 1]
    tense = {start: "1" if plans_ahead(text[start:end]) else ""
             for start, end in zip(bounds, bounds[1:], strict=False)}
    for kind, pattern in DATE_PHRASES:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            groups = {k: v or "" for k, v in m.groupdict().items()}
            groups["future"] = tense[max(b for b in bounds if b <= m.start())]
            if (kind == "relative" and (groups["wd"] or groups["bare_wd"] or groups["wd_at"] or groups["from_wd"])
                    and day_after(text, m.end())):
                continue  # "next Tuesday 26 May": the writer gave the day, read on its own
            if kind.startswith("range") and MOVED_BEFORE.search(text, 0, m.start()):
                # "moved from October 14 to October 21" is no range: the thing is now on the 21st
                kind, groups = "day", {"d": groups.get("d2") or groups.get("d2b") or "",
                                       "m": groups.get("m2") or groups.get("m2b") or groups.get("m") or "",
                                       "y": groups.get("y") or "", "mb": "", "db": "", "future": "1"}
            rendered = _render(kind, groups, day_said)
            if rendered is None:
                continue
            if kind == "day" and rendered[1] is not None and not groups.get("y"):
                day = rendered[1]
                year = nearest_year(day_said, day.month, day.day) if undated else day.year
                year = weekday_year(text[:m.start()], year, day.month, day.day, day_said)
                if year != day.year:  # "Mon 16 March": the year whose 16 March is a Monday
                    day = date(year, day.month, day.day)
                    rendered = day_text(day), day
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), rendered[0], rendered[1]))
    return [(start, text_, day, text[start:end]) for start, end, text_, day in sorted(found)]


def in_granularity(question: str, rendered: str, day: date | None) -> str:
    """A date answer in the precision the question asks for ("what year" -> "2023")."""
    years = re.findall(_YEAR, rendered)
    if YEAR_QUESTION.search(question) and years:
        return years[-1]
    if MONTH_QUESTION.search(question):
        if day is not None:
            return f"{day:%B %Y}"
        m = re.search(rf"({_MONTH})\s+({_YEAR})\s*$", rendered, re.I)
        if m:
            return f"{m.group(1)} {m.group(2)}"
    if WEEKDAY_QUESTION.search(question) and day is not None and f"{day:%A}".lower() not in rendered.lower():
        return f"{day:%A}, {rendered}"  # "what day of the week is the dentist?": "Tuesday, 15 December 2026"
    return rendered


def _day_of_month(dom: int, said: date, future: bool) -> tuple[str, date | None] | None:
    """The day ``dom`` of the month it most likely means, from the day it was said."""
    day = day_of_month(dom, said, future)
    return (day_text(day), day) if day else None


def _weekday_dom(dom: int, weekday: str, said: date, future: bool) -> tuple[str, date | None] | None:
    """The ``dom``-th of the nearest month (ahead for a plan, back for a story) on which it
    falls on ``weekday`` ("Fri 9th" said on 12 August 2026: Friday, 9 October 2026)."""
    wanted = weekday_number(weekday)
    for step in range(13):
        first = month_start(said.year, said.month, step if future else -step)
        try:
            day = first.replace(day=dom)
        except ValueError:
            continue
        if day.weekday() == wanted and (day >= said if future else day <= said):
            return f"{day:%A}, {day_text(day)}", day
    return _day_of_month(dom, said, future)


# how often a thing comes back: "every other Monday", "weekly", "each month"
PERIOD = re.compile(rf"\b(?:(?:every|each)\s+(?P<other>other\s+|second\s+)?(?P<unit>day|week|month|{_WEEKDAY})"
                    r"|(?P<adverb>daily|weekly|fortnightly|monthly))\b", re.I)


def next_occurrence(text: str, said: float, now: float) -> tuple[str, date] | None:
    """The first day on or after ``now`` of a recurring time that ``text`` anchors on a day
    ("recycling is every other Monday, the next one is 10 November", asked on 20 November:
    Monday, 24 November); None when the text names no period or no day."""
    period = PERIOD.search(text)
    days = [day for _pos, _text, day, _phrase in dates_in(text, said) if day is not None]
    unit = ((period.group("unit") or period.group("adverb") or "") if period is not None else "").lower()
    if period is not None and not days and not period.group("other") and unit[:3] in {w[:3] for w in WEEKDAYS}:
        # "every Wednesday at 6:30pm", no day to anchor on: the first such day from now
        days = [weekday_after(from_ts(now).date() - timedelta(days=1), unit)]
    if period is None or not days:
        return None
    every = 2 if period.group("other") else 1
    day, today = days[0], from_ts(now).date()
    if unit in {"month", "monthly"}:
        while day < today:
            day = month_start(day.year, day.month, every).replace(day=min(days[0].day, 28))
    elif day < today:
        step = (1 if unit in {"day", "daily"} else 14 if unit == "fortnightly" else 7) * every
        day += timedelta(days=-((day - today).days // step) * step)  # the first step on or after today
    return f"{day:%A}, {day_text(day)}", day


def mentioned_date(text: str, ts: float) -> str | None:
    """The first date ``text`` speaks of, as "7 May 2023" (or a span such as "week of ..."):
    an explicit day and month (the year defaults to the text's own), else a relative phrase
    resolved against the text's time ``ts``; None when it names no date."""
    today = from_ts(ts).date()
    explicit = EXPLICIT.search(text)
    relative = RELATIVE.search(text)
    if explicit and (relative is None or explicit.start() <= relative.start()):
        month = month_number(explicit.group("month") or explicit.group("month2"))
        day = int(explicit.group("day") or explicit.group("day2"))
        try:
            return day_text(date(int(explicit.group("year") or today.year), month, day))
        except ValueError:
            pass  # "31 February": fall back to a relative phrase, if any
    if relative:
        return resolve(relative, today)
    return None


def still_ahead(rendered: str, day: date | None, today: date) -> bool:
    """Whether a date answer is today or later: a day, or a month or year when that is all a
    text says ("next check-up in 6 months": June 2027, asked in December, is still to come)."""
    if day is not None:
        return day >= today
    month = re.fullmatch(rf"({_MONTH})\s+({_YEAR})", rendered.strip(), re.I)
    if month:
        return (int(month.group(2)), month_number(month.group(1))) >= (today.year, today.month)
    return bool(re.fullmatch(_YEAR, rendered.strip())) and int(rendered) >= today.year

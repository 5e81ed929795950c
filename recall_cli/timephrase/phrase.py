"""Time phrases, in questions and in captured text: one grammar, two uses.

- In a question, ``extract`` finds the first phrase ("last week", "in May 2023",
  "yesterday", "3 days ago"), turns it into a [since, until] range relative to a reference
  time (now by default; benchmarks set it) and returns the question without it.
- In captured text, ``annotate`` writes the absolute date after each relative phrase,
  resolved against the text's own time: "I went to the support group yesterday", said on
  8 May 2023, becomes "... yesterday [7 May 2023]", so memories and answers carry real
  dates whenever they are read (answer.mentioned_date gives the first date a text speaks of).

Both halves read the same vocabulary (month names, weekdays, number words, unit lengths)
and the same date arithmetic; only what they make of a phrase differs. answer.py renders
the dates an answer gives on the same vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..timeutil import from_ts, span
from .calendar import (
    WEEKDAYS,
    day_of_month,
    monday_of,
    month_start,
    weekday_after,
    weekday_before,
    weekday_number,
    weekday_this_week,
)

# -- the shared vocabulary --------------------------------------------------------------------

MONTHS: dict[str, int] = {
    name: index
    for index, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}
# other languages' month names, as notes mix them in ("ven 8 mai", "3 de abril", "12 luglio");
# abbreviations stay English only ("mar" and "sam" would be everywhere)
_ELSEWHERE = ("janvier enero janeiro gennaio januar|février fevrier febrero fevereiro febbraio februar|marzo março "
              "märz maerz|avril abril aprile|maio maggio|juin junio junho giugno juni|juillet julio julho "
              "luglio juli|août aout agosto|septembre septiembre setembro settembre|octobre octubre outubro ottobre "
              "oktober|novembre noviembre novembro|décembre decembre diciembre dezembro dicembre dezember")
MONTHS.update({name: index for index, names in enumerate(_ELSEWHERE.split("|"), start=1) for name in names.split()})
# the ways people most often misspell them ("send it by Febuary 10" was the day the note was written)
_MISSPELT = ("janurary januray janaury|febuary feburary februry febraury|marhc|apirl|| jnue|juyl|agust augst|"
             "septmber setpember septemeber|ocotber octobor|novmber novemeber|decmber decemeber")
MONTHS.update({name: index for index, names in enumerate(_MISSPELT.split("|"), start=1) for name in names.split()})
# names that are words or names too ("Mars", "mayo", "Mai", "Marco"): a month only after a day ("15 mars")
DAY_FIRST_MONTHS = {"mars": 3, "marco": 3, "mayo": 5, "mai": 5}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10,
           "couple of": 2, "a couple of": 2, "few": 3, "a few": 3}
# "N months ago" is read as N * 30 days: near enough for a search range or a month name
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
SHORT_UNITS = {"wk": "week", "mth": "month", "yr": "year"}  # as notes write them: "in 2 wks", "3 yrs ago"


def _words(words: Iterable[str]) -> str:
    """A regex alternation, longest first, so "sept" wins over "sep" and "a few" over "a"."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


MONTH_RE = _words(MONTHS)  # callers add r"\.?": "Sept." is a month too
DAY_MONTH_RE = _words({**MONTHS, **DAY_FIRST_MONTHS})  # the month after a day: "15 mars" too
OF = r"(?:of\s+|de\s+|del\s+)?"  # "3rd of May", "3 de mayo"
WEEKDAY_RE = _words(WEEKDAYS)
NUMBER_RE = rf"(?:\d+|{_words(NUMBERS)})"
UNIT_RE = _words([*UNIT_DAYS, *SHORT_UNITS])  # singular; patterns add "s?"
ORDINAL_RE = r"(?:st|nd|rd|th)?"
# "for the 1st time", "on the 3rd floor": an ordinal of something other than a day
ORDINAL_NOUN = (r"(?:time|times|place|floor|round|try|attempt|go|grade|year|day|week|month|lap|row|step|"
                r"person|one|half|quarter|century|edition|anniversary|birthday|level|stage|game|set)\b")
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)

_Days = tuple[date, date]  # the first day, and the day after the last


def month_number(name: str) -> int:
    """"Nov." or "november" -> 11."""
    name = name.lower().rstrip(".")
    return MONTHS.get(name) or DAY_FIRST_MONTHS[name]


def number(text: str) -> int:
    """"3" -> 3, "a few" -> 3: a count as NUMBER_RE matches it."""
    text = text.lower()
    return int(text) if text.isdigit() else NUMBERS.get(text, 1)


def unit_name(text: str) -> str:
    """A unit of time as UNIT_RE matched it, singular and in full: "wks" -> "week"."""
    unit = text.lower().removesuffix("s")
    return SHORT_UNITS.get(unit, unit)


def _days(n: str, unit: str) -> int:
    """How many days "<n> <unit>" stands for: "two weeks" -> 14."""
    return UNIT_DAYS[unit_name(unit)] * number(n)


# "on Monday", "on the 18th": the coming one in a plan ("Call the plumber on Monday", "Flight
# to Porto on the 18th"), the last one in a story ("we went hiking on Monday"); a sentence
# with neither sign is read as a plan (notes and to-dos have no verb: "Dentist on the 1st")
PAST = re.compile(r"\b(?:was|were|went|had|did|got|came|saw|met|made|took|gave|found|bought|thought|told|said|"
                  r"felt|left|began|wrote|won|lost|sang|swam|drove|flew|ate|drank|slept|spent|sent|built|"
                  r"kept|brought|caught|taught|heard|held|paid|(?<!on )sat(?!\.?\s+(?:the\s+)?\d)|stood|threw|wore|"
                  r"rode|broke|chose|fell|forgot|knew|led|ran|spoke|woke|ago|yesterday|last|\w{3,}ed)\b", re.I)
FUTURE = re.compile(r"\b(?:will|going to|gonna|need(?:s)? to|ha(?:ve|s) to|must|should|plan(?:s|ning)? to|"
                    r"todo|to-do|remind(?:er)?|due|appointment|scheduled|(?:re-?)?booked|deadline|upcoming|"
                    r"(?:booked|planned|arranged|reserved|set) for|"
                    # ("moved from Thursday to Friday 4pm": the day it was on, then the day it is on now)
                    r"(?:moved|postponed|rescheduled|pushed(?: back)?|changed|brought forward)"
                    r"(?: from [\w:.]+(?: [\w:.]+){0,2}?)? (?:to|for)|"
                    # the present of a timetable: "the market moves to Saturday in January"
                    r"(?:moves|is moving|are moving|starts|begins|opens|reopens|closes) (?:to|on|in|at|from))\b|'ll\b|"
                    r"^\W*(?:call|pay|book|renew|buy|send|email|meet|pick|bring|submit|finish|visit|fly|"
                    r"take|get|go|fix|clean|cancel|return|order|collect|file|water|feed)\b", re.I)

# a question about what is to come ("what is on 9 January?", "when will ...")
ASKS_AHEAD = re.compile(r"\b(?:will|going to|gonna|should|need to|have to|is on|are on|what's on|coming|"
                        r"upcoming|plan(?:s|ned)?|due|scheduled|booked|(?:have|has|'ve) (?:i |we )?got on|"
                        # the present of a plan: "what am I doing in January?"
                        r"(?:am|are) (?:i|we) \w+ing)\b", re.I)


# around a bare weekday: not the weekday of a date that follows ("moved to Thursday 5 March":
# the date says it), and a weekday with a time of day after it names a day ("Friday at 9")
NO_DATE_AFTER = rf"(?!,?\s+(?:the\s+)?\d|,?\s+{MONTH_RE})"
# "Friday at 9", "Friday 9am", "Friday 10:30", "Friday morning" (not "Friday 13": a date)
TIME_OF_DAY_AFTER = (r"(?=\s+at\s+\d|\s+\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)|\s+\d{1,2}:\d{2}\b"
                     r"|\s+(?:morning|afternoon|evening|night)\b)")


def plans_ahead(text: str) -> bool:
    """Whether ``text`` tells of something to come, so its "on Monday" is the coming one."""
    return FUTURE.search(text) is not None or PAST.search(text) is None


# -- questions and mentions: a phrase becomes a range of days ---------------------------------


@dataclass
class TimeRange:
    """A resolved time phrase: the words, and the local days they cover as UNIX seconds."""

    phrase: str
    since: float
    until: float

    def overlaps(self, since: float, until: float) -> bool:
        """Whether the span [since, until] shares any moment with this range."""
        return since <= self.until and until >= self.since


def _one_day(day: date) -> _Days:
    return day, day + _DAY


def _month(year: int, month: int) -> _Days:
    return month_start(year, month), month_start(year, month, 1)


def nearest_year(today: date, month: int, day: int = 1) -> int:
    """The year that puts ``month``/``day`` nearest ``today``: a text written in January
    about "20 December" speaks of the December just past, one written in December about
    "3 January" of the coming one."""
    best = today.year
    best_gap = None
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            gap = abs((date(year, month, day) - today).days)
        except ValueError:  # 29 February of a year without one
            continue
        if best_gap is None or gap < best_gap:
            best, best_gap = year, gap
    return best


# a weekday written just before a date, in full or short ("Mon 16 March", "Thursday, 2 April")
WEEKDAY_BEFORE = re.compile(r"\b(?P<wd>mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)"
                            r"(?:day|sday|nesday|rsday|urday)?\.?,?\s*$", re.I)


def weekday_year(before: str, year: int, month: int, day: int, said: date | None = None) -> int:
    """``year``, or the year next to it whose ``month``/``day`` falls on the weekday written
    at the end of ``before``: "Mon 16 March" in a note of April 2026 that says "moved to"
    is 16 March 2026 (a Monday), not 2027's, though the move looks ahead. Not a year that
    puts the day half a year or more from ``said``, the day it was written: "Tuesday 9
    December" written on 6 December 2026 is a slip of the weekday, not December 2025."""
    named = WEEKDAY_BEFORE.search(before[-16:])
    if named is None:
        return year
    weekday = weekday_number(named.group("wd"))
    for candidate in (year, year - 1, year + 1):
        try:
            if date(candidate, month, day).weekday() == weekday:
                far = said is not None and abs((date(candidate, month, day) - said).days) > HALF_YEAR
                return year if far else candidate
        except ValueError:  # 29 February of a year without one
            continue
    return year


HALF_YEAR = 183


def _on_day(m: re.Match[str], today: date, nearest: bool) -> _Days:
    month, day = month_number(m.group("month")), int(m.group("day"))
    if m.group("year"):
        year = int(m.group("year"))
    else:
        year = nearest_year(today, month, day) if nearest else today.year
        if date(year, month, day) < today and (FUTURE.search(m.string) if nearest else ASKS_AHEAD.search(m.string)):
            year += 1  # "Boiler service booked for 9 January" or "what is on 9 January?" in December
        elif (not nearest and date(year, month, day) > today and PAST.search(m.string)
              and not ASKS_AHEAD.search(m.string)):
            year -= 1  # "what did I do on 17 November?" asked in March: the last one, not the next
        year = weekday_year(m.string[:m.start()], year, month, day, today)
    return _one_day(date(year, month, day))


# a weekday and a day of the month with no month: "thu 31 - furnas", "Friday 13" (a diary's days)
# a day's short form, as notes write it ("next tues", "thurs 9am"); not "sun" (the sun), and
# "sat" only where no verb can stand
SHORT_WEEKDAY = r"(?:mon|tues?|weds?|thu(?:rs?)?|fri)"
_WEEKDAY_SHORT = rf"(?:{SHORT_WEEKDAY}|sat)\.?"
ANY_WEEKDAY = rf"(?:{WEEKDAY_RE}|{SHORT_WEEKDAY}|sat|sun)"  # where no verb or "the sun" can stand: "thu 27", "sat"
_WEEKDAY_DAY = re.compile(rf"\b(?:on\s+)?(?P<wd>{WEEKDAY_RE}|{_WEEKDAY_SHORT}),?\s+(?:the\s+)?"
                          rf"(?P<day>\d{{1,2}}){ORDINAL_RE}\b"
                          rf"(?![:.]\d|\s*(?:am|pm|h\b|%|°|{OF}{DAY_MONTH_RE}\b))", re.I)


def _weekday_day(m: re.Match[str], today: date, nearest: bool) -> _Days:
    """The day numbered so that falls on that weekday: in a text the one nearest the day it was
    written, in a question the last one (the next, when it asks ahead); none within half a year
    is no date."""
    number_, weekday = int(m.group("day")), m.group("wd")[:3].lower()
    days: list[date] = []
    for shift in range(-7, 8):
        first = month_start(today.year, today.month, shift)
        if number_ <= 31 and number_ <= (month_start(first.year, first.month, 1) - first).days:
            day = first.replace(day=number_)
            if WEEKDAYS[day.weekday()].startswith(weekday) and abs((day - today).days) <= HALF_YEAR:
                days.append(day)
    if not nearest:
        ahead = bool(ASKS_AHEAD.search(m.string))
        days = [d for d in days if (d >= today if ahead else d <= today)]
    if not days:
        raise ValueError("no such day near")
    return _one_day(min(days, key=lambda d: abs((d - today).days)))


def _dom(m: re.Match[str], today: date, nearest: bool) -> _Days:
    """"on the 14th": in a text the coming one in a plan, the last in a story; in a question
    this month's, unless it asks ahead of a day gone by or back to one still to come."""
    dom, text = int(m.group("dom")), m.string
    if nearest:
        ahead = plans_ahead(text)
    else:  # (this month's day, when it asks neither way: ahead of today if still to come)
        ahead = ASKS_AHEAD.search(text) is not None or (PAST.search(text) is None and dom >= today.day)
    day = day_of_month(dom, today, ahead)
    if day is None:
        raise ValueError("no such day")
    return _one_day(day)


def _in_month(m: re.Match[str], today: date, nearest: bool) -> _Days:
    month = month_number(m.group("month"))
    if m.group("year"):
        return _month(int(m.group("year")), month)
    if nearest:
        return _month(nearest_year(today, month, 15), month)
    # in a question, a month without a year is its latest occurrence up to the reference, or
    # the next one when the question asks ahead ("what am I doing in January?" in December)
    if ASKS_AHEAD.search(m.string):
        return _month(today.year if month >= today.month else today.year + 1, month)
    return _month(today.year if month <= today.month else today.year - 1, month)


def _vague(center: date, unit: str) -> _Days:
    """A day for "days"; for vaguer units ("2 weeks ago") half a unit on either side."""
    if unit == "day":
        return _one_day(center)
    half = max(1, UNIT_DAYS[unit] // 2)
    return center - timedelta(days=half), center + timedelta(days=half + 1)


def _ago(m: re.Match[str], today: date, _nearest: bool) -> _Days:
    unit = unit_name(m.group("unit"))
    return _vague(today - timedelta(days=_days(m.group("n"), unit)), unit)


def _ahead(m: re.Match[str], today: date, _nearest: bool) -> _Days:
    unit = unit_name(m.group("unit"))
    return _vague(today + timedelta(days=_days(m.group("n"), unit)), unit)


def _last_n(m: re.Match[str], today: date, _nearest: bool) -> _Days:
    return today - timedelta(days=_days(m.group("n"), m.group("unit"))), today + _DAY


def _year(m: re.Match[str], _today: date, _nearest: bool) -> _Days:
    year = int(m.group("year"))
    return date(year, 1, 1), date(year + 1, 1, 1)


# phrase -> its days, for the reference day
_FIXED: dict[str, Callable[[date], _Days]] = {
    "today": _one_day,
    "tonight": _one_day,
    "this morning": _one_day,
    "this afternoon": _one_day,
    "this evening": _one_day,
    "yesterday": lambda t: _one_day(t - _DAY),
    "last night": lambda t: _one_day(t - _DAY),
    "the day before yesterday": lambda t: _one_day(t - 2 * _DAY),
    "tomorrow": lambda t: _one_day(t + _DAY),
    "the day after tomorrow": lambda t: _one_day(t + 2 * _DAY),
    "this week": lambda t: (monday_of(t), t + _DAY),
    "last week": lambda t: (monday_of(t) - _WEEK, monday_of(t)),
    "next week": lambda t: (monday_of(t) + _WEEK, monday_of(t) + 2 * _WEEK),
    "past week": lambda t: (t - _WEEK, t + _DAY),
    "this month": lambda t: (t.replace(day=1), t + _DAY),
    "last month": lambda t: (month_start(t.year, t.month, -1), t.replace(day=1)),
    "next month": lambda t: (month_start(t.year, t.month, 1), month_start(t.year, t.month, 2)),
    "past month": lambda t: (t - 30 * _DAY, t + _DAY),
    "this year": lambda t: (date(t.year, 1, 1), t + _DAY),
    "last year": lambda t: (date(t.year - 1, 1, 1), date(t.year, 1, 1)),
    "next year": lambda t: (date(t.year + 1, 1, 1), date(t.year + 2, 1, 1)),
    "past year": lambda t: (t - 365 * _DAY, t + _DAY),
    "last weekend": lambda t: (monday_of(t) - 2 * _DAY, monday_of(t)),
    "this weekend": lambda t: (monday_of(t) + 5 * _DAY, monday_of(t) + _WEEK),
    "next weekend": lambda t: (monday_of(t) + 12 * _DAY, monday_of(t) + 2 * _WEEK),
}

# "this week" so far, or the whole of it when a question asks what is to come ("what's on this week?")
_TO_ITS_END: dict[str, Callable[[date], date]] = {
    "this week": lambda t: monday_of(t) + _WEEK,
    "this month": lambda t: month_start(t.year, t.month, 1),
    "this year": lambda t: date(t.year + 1, 1, 1),
}


def _fixed(m: re.Match[str], today: date, nearest: bool) -> _Days:
    phrase = m.group(0).lower()
    since, until = _FIXED[phrase](today)
    if phrase in _TO_ITS_END and not nearest and ASKS_AHEAD.search(m.string):
        until = _TO_ITS_END[phrase](today)
    return since, until


_Rule = Callable[[re.Match[str], date, bool], _Days]
_YEAR = r"(?P<year>(?:19|20)\d{2})"
# Every phrase the grammar knows. "May" alone is also a verb and "march" a noun, so a month
# needs a day, a year, or "in"/"during" before it; a bare year needs a word that makes it a
# time ("in 2010", "since 2015"), so "2000 calories" is not one.
_RULES: list[tuple[re.Pattern[str], _Rule]] = [
    (re.compile(rf"\b(?:on\s+)?(?:the\s+)?(?P<day>\d{{1,2}}){ORDINAL_RE}\s+{OF}(?P<month>{DAY_MONTH_RE}\.?)"
                r",?(?:\s+(?P<year>\d{4}))?\b", re.I), _on_day),
    (re.compile(rf"\b(?:on\s+)?(?P<month>{MONTH_RE}\.?)\s+(?P<day>\d{{1,2}}){ORDINAL_RE}"
                r"(?:,?\s*(?P<year>\d{4}))?\b", re.I), _on_day),
    (_WEEKDAY_DAY, _weekday_day),
    (re.compile(rf"\b(?:on|for|by|from|until|till) the (?P<dom>\d{{1,2}})(?:st|nd|rd|th)\b(?!\s+{OF}{DAY_MONTH_RE}\b)"
                rf"(?!\s+{ORDINAL_NOUN})", re.I), _dom),
    (re.compile(r"\b(?:on\s+)?(?P<iso>\d{4}[-/]\d{1,2}[-/]\d{1,2})\b", re.I),
     lambda m, _t, _n: _one_day(date(*map(int, re.split(r"[-/]", m.group("iso")))))),
    (re.compile(rf"\b(?:in|during)\s+(?P<month>{MONTH_RE}\.?)(?:\s+(?:of\s+)?(?P<year>\d{{4}}))?\b", re.I),
     _in_month),
    (re.compile(rf"\b(?P<month>{MONTH_RE}\.?)\s+(?:of\s+)?(?P<year>\d{{4}})\b", re.I), _in_month),
    (re.compile(rf"\b(?P<n>{NUMBER_RE})\s+(?P<unit>{UNIT_RE}s?)\s+ago\b", re.I), _ago),
    (re.compile(rf"\b(?:in\s+)?(?:the\s+)?(?:last|past)\s+(?P<n>{NUMBER_RE})\s+(?P<unit>{UNIT_RE}s?)\b", re.I),
     _last_n),
    (re.compile(rf"\bin\s+(?P<n>{NUMBER_RE})\s+(?P<unit>{UNIT_RE}s?)\b(?!\s+ago)", re.I), _ahead),
    (re.compile(rf"\b{_words(_FIXED)}\b", re.I), _fixed),
    (re.compile(rf"\b(?:last|this past)\s+(?P<wd>{WEEKDAY_RE})\b", re.I),
     lambda m, today, _n: _one_day(weekday_before(today, m.group("wd")))),
    # "on Monday", "moved to Friday", "Friday at 9": in a plan the coming one, in a story the last
    # ("starting Monday", "as of Friday": from then on, the coming one)
    (re.compile(rf"\b(?:starting|beginning|effective|as of)\s+(?:on\s+|from\s+)?(?P<wd>{WEEKDAY_RE})\b{NO_DATE_AFTER}",
                re.I), lambda m, today, _n: _one_day(weekday_after(today, m.group("wd")))),
    (re.compile(rf"\b(?:(?:on|to|till|until|for)\s+(?P<wd>{WEEKDAY_RE})\b{NO_DATE_AFTER}|"
                rf"(?P<wd_at>{WEEKDAY_RE}){TIME_OF_DAY_AFTER})", re.I),
     lambda m, today, n: _one_day((weekday_after if plans_ahead(m.string) or (  # "what have I got on Thursday?"
         not n and ASKS_AHEAD.search(m.string)) else weekday_before)(today, m.group("wd") or m.group("wd_at")))),
    (re.compile(rf"\b(?:next|this coming|coming)\s+(?P<wd>{WEEKDAY_RE})\b", re.I),
     lambda m, today, _n: _one_day(weekday_after(today, m.group("wd")))),
    (re.compile(rf"\bthis\s+(?P<wd>{WEEKDAY_RE})\b", re.I),
     lambda m, today, _n: _one_day(weekday_this_week(today, m.group("wd")))),
    (re.compile(rf"\b(?:(?:back\s+)?in|during|since|of|from|until|by|before|after|around)\s+{_YEAR}\b", re.I),
     _year),
]
# words before a year that say how it is meant: "since 2015" (a modifier, read by _modified)
_YEAR_WORD = re.compile(r"^(?:since|by|before|after|until)\s+", re.I)

# What may stand before a date and change the days it means
_BEFORE_UNIT = re.compile(rf"(?:\b(?:the|last)\s+)?(?:(?P<n>{NUMBER_RE})\s+)?\b(?P<unit>day|week|weekend|month|year)s?"
                          r"\s+(?:before|prior\s+to)\s+$", re.I)
_BEFORE_WEEKDAY = re.compile(rf"(?:\bon\s+)?(?:\bthe\s+)?(?P<wd>{WEEKDAY_RE})\s+before\s+$", re.I)
_UP_TO = re.compile(r"\b(?:(?P<before>before|prior\s+to)|by|until|till|as\s+of)\s+$", re.I)
_FROM = re.compile(r"\b(?:after|since)\s+$", re.I)
_BETWEEN = re.compile(r"\bbetween\s+$", re.I)
_AND = re.compile(r"\s*(?:and|to|-)\s+", re.I)
MONTH_DAYS = 30  # "as of X" and "after X" look a month to one side of X
# a range of days of one month: "14-15 November" (the first day before), "Nov 14-16" (the last after)
_DAY_BEFORE = re.compile(rf"(?:\bfrom\s+)?(?:\bthe\s+)?\b(?P<day>\d{{1,2}}){ORDINAL_RE}\s*(?:-|\u2013|\u2014|to)\s*$",
                         re.I)
_DAY_AFTER = re.compile(rf"\s*(?:-|\u2013|\u2014|to)\s*(?P<day>\d{{1,2}}){ORDINAL_RE}\b(?![:.,]?\d|\s*(?:am|pm|h)\b)",
                        re.I)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    days: _Days


def _matches(text: str, today: date, nearest: bool, only_at: int | None = None) -> list[_Found]:
    """Every place a rule matches (and names a real date), earliest first, longest first."""
    found: list[_Found] = []
    for pattern, rule in _RULES:
        iterator = [pattern.match(text, only_at)] if only_at is not None else pattern.finditer(text)
        for m in iterator:
            if m is None:
                continue
            try:
                days = rule(m, today, nearest)
                span(*days)  # a date SQLite and the clock can hold, or the phrase is not one
            except (ValueError, KeyError, OverflowError, OSError):  # "31 February", "5000 years ago"
                continue
            start = m.start()
            if pattern is _RULES[-1][0]:
                lead = _YEAR_WORD.match(m.group(0))
                if lead:
                    start += lead.end()
            found.append(_Found(start, m.end(), days))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    return found


def _modified(text: str, found: _Found, today: date, nearest: bool, deadline: bool = False) -> _Found:
    """The phrase with what changes it around it: "the week before 3 August", "between 11
    and 15 August", "as of December 2023", "since 2015". With ``deadline`` (a text, not a
    question), "by 28 November" and "until Friday" name that day: what is due then."""
    head = text[: found.start]
    first, last = found.days
    if last - first == _DAY and (ranged := _day_range(text, found)) is not None:
        return ranged
    m = _BEFORE_WEEKDAY.search(head)
    if m:
        return _Found(m.start(), found.end, _one_day(weekday_before(first, m.group("wd"))))
    m = _BEFORE_UNIT.search(head)
    if m:
        unit = m.group("unit").lower()
        if unit == "weekend":
            saturday = weekday_before(first, "saturday")
            return _Found(m.start(), found.end, (saturday, saturday + 2 * _DAY))
        if m.group("n"):
            center = first - timedelta(days=_days(m.group("n"), unit))
            return _Found(m.start(), found.end, _vague(center, unit))
        return _Found(m.start(), found.end, (first - timedelta(days=UNIT_DAYS[unit]), first))
    m = _UP_TO.search(head)
    if m and deadline and re.match(r"(?:by|until|till)\b", m.group(0), re.I):
        return _Found(m.start(), found.end, found.days)
    if m:
        end = first if m.group("before") else last
        return _Found(m.start(), found.end, (end - timedelta(days=MONTH_DAYS), end))
    m = _FROM.search(head)
    if m:
        return _Found(m.start(), found.end, (first, max(today + _DAY, first + timedelta(days=MONTH_DAYS))))
    m = _BETWEEN.search(head)
    if m:
        joint = _AND.match(text, found.end)
        if joint:
            tail = text[joint.end():]
            other = [f for f in _matches(tail, today, nearest, only_at=0) if f.start == 0]
            if other:
                second, after = other[0].days
                # "between August 11 and August 15 2023": the first date takes the second's year
                while first > second and first.year > second.year - 1:
                    try:
                        first = first.replace(year=first.year - 1)
                    except ValueError:  # 29 February
                        first -= _DAY
                return _Found(m.start(), joint.end() + other[0].end, (first, max(last, after)))
    return found


def _day_range(text: str, found: _Found) -> _Found | None:
    """``found`` (one day) widened to the range of days of its month it ends or starts
    ("14-15 November", "Nov 14-16"); None when no day of a range stands next to it."""
    day, said = found.days[0], text[found.start:found.end]
    before = _DAY_BEFORE.search(text[: found.start]) if said[:1].isdigit() else None
    if before is not None and 0 < int(before.group("day")) < day.day:
        return _Found(before.start(), found.end, (day.replace(day=int(before.group("day"))), day + _DAY))
    # the month, then the day: "Nov 14-16" (not the year of "14 November 2026 - 20 people")
    after = _DAY_AFTER.match(text, found.end) if re.search(rf"[a-z.]\s*\d{{1,2}}{ORDINAL_RE}$", said, re.I) else None
    if after is not None and day.day < int(after.group("day")) <= 31:
        try:
            return _Found(found.start, after.end(), (day, day.replace(day=int(after.group("day"))) + _DAY))
        except ValueError:  # "Feb 27-30"
            return None
    return None


_EXACT_SHIFT = re.compile(rf"(?:in\s+(?P<ahead>{NUMBER_RE})\s+(?P<unit_a>{UNIT_RE})s?|"
                          rf"(?P<back>{NUMBER_RE})\s+(?P<unit_b>{UNIT_RE})s?\s+ago)", re.I)


def shifted_day(text: str, reference: float) -> TimeRange | None:
    """The one day a typed "2 weeks ago" or "in 3 months" names, exactly that far from the
    reference day. A question reads the phrase loosely (half a unit either side: "2 weeks
    ago" is about then, give or take); a time given to a command means that day."""
    m = _EXACT_SHIFT.fullmatch(text.strip())
    if m is None:
        return None
    today = from_ts(reference).date()
    if m.group("ahead"):
        day = today + timedelta(days=_days(m.group("ahead"), m.group("unit_a")))
    else:
        day = today - timedelta(days=_days(m.group("back"), m.group("unit_b")))
    since, until = span(*_one_day(day))
    return TimeRange(m.group(0), since, until)


def extract(query: str, reference: float) -> tuple[str, TimeRange | None]:
    """Find the first time phrase in ``query``; return (query without it, its range or None).

    The range runs from the start of its first local day to the end of its last, relative
    to ``reference`` (UNIX seconds). Words around a date that change it are part of the
    phrase: "the week before 3 August", "between 11 and 15 August", "as of December 2023".
    """
    try:
        today = from_ts(reference).date()
    except (ValueError, OverflowError, OSError):
        return query, None
    phrases = [_modified(query, found, today, nearest=False) for found in _matches(query, today, nearest=False)]
    # "last weekend before 10 April" is one phrase, found through its date
    phrases.sort(key=lambda f: (f.start, -(f.end - f.start)))
    for found in phrases:
        try:
            since, until = span(*found.days)
        except (ValueError, OverflowError, OSError):
            continue
        cleaned = (query[: found.start] + " " + query[found.end:]).strip()
        cleaned = re.sub(r"\s{2,}", " ", cleaned)
        cleaned = re.sub(r"\s+([?.!,])", r"\1", cleaned)
        cleaned = re.sub(r",+([?.!])", r"\1", cleaned)
        cleaned = re.sub(r"^[,;]\s*|\s*[,;]$", "", cleaned)
        return cleaned, TimeRange(query[found.start:found.end].strip(), since, until)
    return query, None


# a quick test before the rules run: most captured texts (shell commands) name no time
ANY_TIME = re.compile(rf"\d|{MONTH_RE}|{WEEKDAY_RE}|yesterday|today|tonight|tomorrow|morning|afternoon|evening"
                       r"|night|week|month|year|ago", re.I)
MAX_MENTIONS = 8  # a long text names many dates; the first few say what it is about


def mentions(text: str, ts: float) -> list[TimeRange]:
    """The times ``text`` speaks of, resolved against ``ts``, the time it was written: dates
    ("16 September", "2023-09-16"), months, years ("in 2010") and relative phrases ("last
    Saturday", "two years ago", "next month"). A date without a year is the one nearest
    ``ts``. Phrases that only name the text's own day ("today", "this morning") are left
    out: the event's time already says so."""
    if not text or not ANY_TIME.search(text):
        return []
    try:
        today = from_ts(ts).date()
    except (ValueError, OverflowError, OSError):
        return []
    own = _one_day(today)
    out: list[TimeRange] = []
    seen: set[_Days] = set()
    covered = 0
    for found in _matches(text, today, nearest=True):
        if found.start < covered:
            continue  # inside a longer phrase already taken
        found = _modified(text, found, today, nearest=True, deadline=True)
        covered = found.end
        if found.days == own or found.days in seen:
            continue
        try:
            since, until = span(*found.days)
        except (ValueError, OverflowError, OSError):
            continue
        seen.add(found.days)
        out.append(TimeRange(text[found.start:found.end].strip(), since, until))
        if len(out) >= MAX_MENTIONS:
            break
    return out


# an explicit day and month, either way round, with an optional year
EXPLICIT = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}}){ORDINAL_RE}\s+{OF}(?P<month>{DAY_MONTH_RE})\.?"
    rf"|(?P<month2>{MONTH_RE})\.?\s+(?P<day2>\d{{1,2}}){ORDINAL_RE})\b"
    r"(?:,?\s+(?P<year>(?:19|20)\d{2}))?",
    re.IGNORECASE,
)


def day_text(day: date) -> str:
    """A day as answers and annotations write it: "3 November 2026"."""
    return f"{day.day} {day:%B %Y}"

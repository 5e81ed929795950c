"""Absolute time helpers: parsing user times and formatting stored ones.

Stored times are UNIX seconds. Naive times are read in the local time zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from .errors import UsageError

_EPOCH = re.compile(r"^\d{9,11}(\.\d+)?$")
END_MARGIN = 0.001  # an inclusive end is just before the next period starts


def to_ts(value: datetime | date) -> float:
    """UNIX seconds for a datetime (naive = local time) or a date (local midnight)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.astimezone()
    return value.timestamp()


def from_ts(ts: float) -> datetime:
    """A local, timezone-aware datetime for UNIX seconds."""
    return datetime.fromtimestamp(ts, tz=UTC).astimezone()


def iso(ts: float | None) -> str | None:
    """ISO 8601 (seconds precision, local offset) or None."""
    if ts is None:
        return None
    return from_ts(ts).isoformat(timespec="seconds")


def short(ts: float | None) -> str:
    """``YYYY-MM-DD HH:MM`` in local time, for tables."""
    if ts is None:
        return ""
    return from_ts(ts).strftime("%Y-%m-%d %H:%M")


def now() -> float:
    """The current time in UNIX seconds."""
    return datetime.now(tz=UTC).timestamp()


MIN_YEAR, MAX_YEAR = 1900, 9000  # the years a typed time may name


def parse_time(text: str, *, base: float | None = None, end: bool = False) -> float:
    """Parse an absolute or relative time the user typed.

    Accepts ISO dates and datetimes, UNIX seconds, and natural phrases such as
    "yesterday" or "3 days ago" (relative to ``base``). A bare date, or a phrase that
    names days, means its start, or its end when ``end`` is true (so ``--until
    2023-05-08`` includes that day and ``--since yesterday`` starts at its midnight).
    """
    raw = text.strip()
    if not raw:
        raise UsageError("empty time")
    if _EPOCH.match(raw):
        return float(raw)
    typed_year = re.match(r"(\d{4})-\d{2}", raw)
    if typed_year and not MIN_YEAR <= int(typed_year.group(1)) <= MAX_YEAR:
        # the day after 9999-12-31 does not exist, and nothing was written before 1900
        raise UsageError(f"'{text}' is out of range: recall reads years {MIN_YEAR} to {MAX_YEAR}")
    try:
        bounds: tuple[float, float] | None = None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            bounds = day_bounds(date.fromisoformat(raw))
        elif re.fullmatch(r"\d{4}-\d{2}", raw):
            year, month = map(int, raw.split("-"))
            bounds = span(date(year, month, 1), date(year + (month == 12), month % 12 + 1, 1))
        elif re.fullmatch(r"\d{4}", raw):
            bounds = span(date(int(raw), 1, 1), date(int(raw) + 1, 1, 1))
        if bounds is not None:
            return bounds[1] if end else bounds[0]
        return to_ts(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except ValueError:
        # an ISO date that is no date ("2026-13-01") is an error, not a day-month swap
        if re.match(r"\d{4}-\d{2}(?:-\d{2})?(?:[T ]|$)", raw):
            raise UsageError(f"'{text}' is not a date and time (month 01-12, a day of that month, "
                             "hours 00-23, minutes 00-59)") from None
    # "04/02/2025" is 4 February to some and 2 April to others: ask, rather than guess
    slashed = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})(?:[ T].*)?", raw)
    if slashed and int(slashed.group(1)) <= 12 and int(slashed.group(2)) <= 12 and slashed.group(1) != slashed.group(2):
        full_year = slashed.group(3) if len(slashed.group(3)) == 4 else f"20{slashed.group(3)}"
        day_first = f"{full_year}-{int(slashed.group(2)):02d}-{int(slashed.group(1)):02d}"
        month_first = f"{full_year}-{int(slashed.group(1)):02d}-{int(slashed.group(2)):02d}"
        raise UsageError(f"'{text}' could be {day_first} or {month_first}: write the date as YYYY-MM-DD")
    # "yesterday", "last week", "3 days ago": whole days, as in questions, so --since
    # yesterday starts at yesterday's midnight and not 24 hours ago
    from .timephrase.phrase import MONTHS, extract, shifted_day  # here: the time grammar imports this module

    exact = shifted_day(raw, base if base is not None else now())
    if exact is not None:
        return exact.until if end else exact.since
    # a month by its name alone ("--since march") is that whole month, as "in March" is, not
    # today's day of it
    bare_month = re.fullmatch(r"[A-Za-z]{3,9}\.?(?:\s+\d{4})?", raw) and raw.split()[0].rstrip(".").lower() in MONTHS
    rest, found = extract(f"in {raw}" if bare_month else raw, base if base is not None else now())
    if found is not None and not rest.strip(" ,."):
        return found.until if end else found.since
    import dateparser  # lazy: slow import

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": True}
    if base is not None:
        settings["RELATIVE_BASE"] = from_ts(base).replace(tzinfo=None)
    parsed = dateparser.parse(raw, settings=settings)
    if parsed is None:
        raise UsageError(f"cannot read time '{text}' (try 2024-05-08, 2024-05-08T14:30 or 'yesterday')")
    if end and parsed.hour == 0 and parsed.minute == 0 and parsed.second == 0:
        return day_bounds(parsed.date())[1]
    return to_ts(parsed)


def span(first: date, last_exclusive: date) -> tuple[float, float]:
    """Start of local day ``first`` to just before local day ``last_exclusive`` begins."""
    return to_ts(first), to_ts(last_exclusive) - END_MARGIN


def day_bounds(day: date | str | float) -> tuple[float, float]:
    """Start and inclusive end (UNIX seconds) of a local day: a date, ``YYYY-MM-DD`` or a time
    within it. Computed from the two midnights, so a day of 23 or 25 hours (a daylight-saving
    change) is right; adding 86,400 s would not be."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    elif isinstance(day, int | float):
        day = from_ts(day).date()
    elif isinstance(day, datetime):
        day = day.date()
    return span(day, day + timedelta(days=1))

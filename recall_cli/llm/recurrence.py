"""Times that come back: "every Wednesday", "on Tuesdays", a weekly timetable's lines."""

from __future__ import annotations

import re

from ..models import Hit
from .update import DAYS

# a time that comes back: "on Wednesdays", "every other Monday", "weekly" (not "two weekends later")
RECURRING = re.compile(rf"\b(?:(?:every|each)\s+(?:(?:other|second|third|2nd|3rd)\s+)?"
                       rf"(?:day|week|month|morning|evening|night|weekend|{DAYS})"
                       rf"|(?:{DAYS})s|(?:on|to|at|until|from)\s+(?:weekend|weekday)s|daily|weekly|fortnightly|monthly"
                       rf"|(?:first|second|third|fourth|last)\s+(?:{DAYS})\s+of\s+(?:the|each|every)\s+month"
                       # "bin day is Thursday", "date night's Friday": a day that comes round each week
                       rf"|(?:day|night)(?:\s+is|\s+are|'s|\u2019s)\s+(?:on\s+)?(?:{DAYS})[a-z]*(?!\s*\d)"
                       # "I go Monday, Wednesday and Friday at 7am": days named together, no date
                       rf"|(?:{DAYS})[a-z]*(?:\s*,\s*(?:{DAYS})[a-z]*)*\s*(?:,|and|&)\s*(?:{DAYS})[a-z]*(?!\s*\d{{1,2}}\b(?!:|am|pm)))\b",
                       re.I)
# a line of a weekly timetable: "Tuesday is intervals", "Wednesday: the club hill session"
DAY_LED = re.compile(rf"^\W*(?:{DAYS})[a-z]*\s*(?:is|are|:|-|\u2013)\s", re.I)


def recurs(sentence: str, hit: Hit) -> bool:
    """Whether ``sentence`` (of ``hit``) tells of a time that comes back: in its own words,
    or as a line of a weekly timetable, an item with two or more lines led by a day."""
    if RECURRING.search(sentence):
        return True
    # (the item's lines are counted only for a sentence led by a day: most are not)
    return bool(DAY_LED.match(sentence)) and sum(1 for line in (hit.text or "").splitlines() if DAY_LED.match(line)) > 1

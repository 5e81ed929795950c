"""A value an answer gives that a later note corrects in so many words.

Notes change their mind without repeating the question's words: "- **CRA: $900** (instead of
$1,240)" under "## Dec 15 instalments — LOWERED", "**New move date: March 1, 2026** (not Jan 15
anymore)", "So the kitchen builder is now Marek, not Gary". Search ranks the earlier note first
(it says "federal tax instalment"; the later one does not), and the later one may not be among
the evidence at all. What corrects a value names the value itself, so the answer's own value
is looked up: a later item that names it right after "instead of", "not", "was", "from" ... (or
says "anymore" after it) holds the value that stands now.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..models import Hit
from ..timephrase.answer import dates_in, in_granularity
from ..timeutil import day_bounds
from .shape import Shaped, clean
from .support import sentences
from .timing import AS_PLANNED, BEGAN
from .update import no_longer

if TYPE_CHECKING:
    from datetime import date

    from ..store.db import Store

AMOUNT = re.compile(r"[£$€¥]\s?\d[\d,]*(?:\.\d+)?"
                    r"|\b\d[\d,]*(?:\.\d+)?\s?(?:€|eur|euros?|gbp|pounds?|usd|cad|dollars?)\b", re.I)
MARKUP = re.compile(r"\*\*|__|^\s*[-*•]\s+")  # list marks and bold, no part of what is said
LOOKED_AT = 20  # the later items read for each value


def corrected(store: Store, made: Shaped | None, question: str, kind: str) -> Shaped | None:
    """``made``, or the later statement that corrects the amount or day it gives, with the
    earlier answer after it as "(before: ...)"; not for a question about the first or
    original one ("how much was the quote originally?")."""
    if made is None or not made.hits or made.hits[0].owner != "event" or AS_PLANNED.search(question) \
            or BEGAN.search(question) or kind in ("steps", "list"):
        return made
    source = made.hits[0]
    found = _amount_corrected(store, made, source) if kind != "date" else _day_corrected(store, made, source, question)
    if found is None:
        return made
    now, before = MARKUP.sub("", found[0]), MARKUP.sub("", made.text)
    if now in before:
        return made  # the answer says it already
    return Shaped(f"{now} (before: {before})", [found[1], *made.hits])


def _later(store: Store, ids: list[int], source: Hit) -> list[Hit]:
    """The items of ``ids`` written after ``source`` by the same writer, the latest first."""
    events = store.get_events(ids)
    later = [Hit.from_event(e) for e in events.values()
             if e.ts_start > source.ts and (e.actor or "") == (source.actor or "")]
    return sorted(later, key=lambda h: -h.ts)


def _amount_corrected(store: Store, made: Shaped, source: Hit) -> tuple[str, Hit] | None:
    for match in AMOUNT.finditer(made.text):
        value = match.group(0)
        digits = re.findall(r"\d+", value)
        phrase = " ".join(digits)
        ids = [i for i, _ in store.fts_events(f'"{phrase}"', LOOKED_AT, since=source.ts + 1)]
        number = re.search(r"\d[\d,]*(?:\.\d+)?", value)
        # (its currency may be left out where the new one has it: "€420 not 380")
        said = re.compile(r"(?<![\d,.])(?:[£$€¥]\s?)?" + re.escape(number.group(0) if number else value)
                          + r"(?![\d,.]\d)(?:\s?(?:€|eur|euros?|gbp|pounds?|usd|cad|dollars?)\b)?", re.I)
        for hit in _later(store, ids, source):
            for sentence in sentences(hit.text or ""):
                if any(no_longer(sentence, m.start(), m.end(), amount=True) and _other_amount(sentence, m)
                       for m in said.finditer(sentence)):
                    return clean(sentence) or sentence, hit
    return None


def _other_amount(sentence: str, value: re.Match[str]) -> bool:
    """Whether ``sentence`` gives an amount besides ``value`` (what it is now)."""
    return any(a.end() <= value.start() or a.start() >= value.end() for a in AMOUNT.finditer(sentence))


def _day_corrected(store: Store, made: Shaped, source: Hit, question: str) -> tuple[str, Hit] | None:
    days = [d for _pos, _text, d, _phrase in dates_in(made.text, source.ts) if d is not None]
    if not days:
        return None
    old: date = days[0]
    since, until = day_bounds(old)
    ids = store.events_mentioning(since, until, LOOKED_AT)
    for hit in _later(store, ids, source):
        for sentence in sentences(hit.text or ""):
            found = dates_in(sentence, hit.ts)
            for start, _text, day, phrase in found:
                if day != old:
                    continue
                if no_longer(sentence, start, start + len(phrase)):
                    new = next((f for f in found if f[2] is not None and f[2] != old), None)
                    if new is not None:
                        return in_granularity(question, new[1], new[2]), hit
    return None

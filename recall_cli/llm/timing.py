"""Answers to "when" questions made from the evidence itself (the zero-LLM path): the date
the best matching statement names, in the question's granularity (a year for "what year", a
month for "what month"), ranges kept whole ("3-10 November 2026"), relative phrases read from
the day they were written ("last week", said on 9 June 2023, is "the week before 9 June
2023"); what a note's change mark or a later word moved it to; the days a thing recurs on for
"when is yoga?"; else the item's own date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from ..models import Hit
from ..search.text import fts_terms
from ..timephrase.answer import dates_in, in_granularity, next_occurrence, still_ahead
from ..timephrase.phrase import ANY_WEEKDAY, EXPLICIT, FUTURE, MONTH_RE, PAST, TimeRange, day_text
from ..timeutil import day_bounds, from_ts
from .recurrence import RECURRING, recurs
from .section import section_blocks
from .shape import ANSWER_DEPTH, Shaped, clean, context_of
from .support import (
    POSSESSIVE,
    STOPWORDS,
    alike,
    kind_words,
    names_in_question,
    predicate_of,
    sentences,
    stem,
    tokens,
    words,
)
from .update import (
    CHANGE_MARK,
    NO_LINK,
    REBOOKED,
    STRUCK,
    UPDATE_DEPTH,
    called_off,
    calls_off,
    heading_words,
    is_note,
    later_update,
    no_longer,
    note_heading,
    one_line,
    section_words,
    struck,
)

if TYPE_CHECKING:
    from ..store.db import Store

Dated: TypeAlias = tuple[int, str, date | None, str]  # a date phrase found (see timephrase.answer.dates_in)

NEXT = re.compile(r"\bnext\b", re.I)
ONGOING = re.compile(r"^\s*(?:when|what time|what days?)(?:\s+and\s+where)?"
                     r"(?:'s|\u2019s|\s+(?:is|are|am|does|do|will))\b", re.I)
DAY_RANGE = re.compile(r"^\d{1,2}(?: \w+)?\s*-\s*\d{1,2} ")  # "12-19 December 2025", "30 May - 2 June 2025"
RETURN = re.compile(r"\b(?:return\w*|back|home)\b", re.I)


def _nearest_after_key(sentence: str, keys: set[str], found: list[Dated], asked: AbstractSet[str]) -> Dated:
    """Of the dates ``found`` in ``sentence`` (with their positions), the one closest after a
    key word of the question; the first when no key word comes before any. A way back
    ("return flight on 16 November") answers only a question about coming back."""
    at = [m.start() for m in re.finditer(r"[\w']+", sentence) if stem(m.group(0).lower()) in keys]
    back = not RETURN.search(" ".join(asked))

    def gap(item: Dated) -> int:
        before = [item[0] - p for p in at if p < item[0]]
        if not before:
            return len(sentence)
        near = min(before)
        said = sentence[max(0, item[0] - near - 16):item[0]]
        return near + (len(sentence) if back and RETURN.search(said) else 0)

    return min(found, key=lambda f: (gap(f), f[0]))


# a change between two dates of one sentence ("the exam was meant to be 15 Oct ... now moved
# online to 22 Oct"): what holds is said after it, unless the question asks for the plan before
MOVED = re.compile(r"\b(?:moved|moving|rescheduled|re-?arranged|re-?booked|postponed|pushed|brought forward|changed|"
                   r"switched|now|instead)\b", re.I)
AS_PLANNED = re.compile(r"\b(?:original(?:ly)?|meant|supposed|planned|first)\b", re.I)


def _after_change(sentence: str, days: list[Dated]) -> list[Dated]:
    """The dates of ``days`` that a change word in ``sentence`` puts after an earlier one
    (all of them when no change word stands between two). A date struck through ("~~Fri 29
    May~~ **Fri 22 May**") is no longer so; a change in brackets is another thing's
    ("(signing moved up to 25 May)")."""
    days = [d for d in days if not _inside(STRUCK, sentence, d[0])] or days
    marks = [m.end() for m in MOVED.finditer(sentence)
             if any(d[0] < m.start() for d in days) and not _inside(BRACKETED, sentence, m.start())]
    later = [d for d in days if marks and d[0] >= marks[-1]]
    first = min(d[0] for d in days)
    if not later and FROM_DAY.search(sentence, 0, first) and any(
            m.start() < first and not _inside(BRACKETED, sentence, m.start()) for m in MOVED.finditer(sentence)):
        # "it's moving from sat 17 may to sun 18 may": the change word stands before both days
        to = [m.end() for m in TO_DAY.finditer(sentence) if m.start() > first]
        later = [d for d in days if to and d[0] >= to[0]]
    return later or days


FROM_DAY = re.compile(r"\bfrom\s+(?:\w+\.?\s+)?$", re.I)  # "from sat " just before the first day
TO_DAY = re.compile(r"\s(?:to|until|till|→|->)\s", re.I)
BRACKETED = re.compile(r"\([^()]*(?:\)|$)")  # "(signing moved up to 25 May)", or one left open


def _inside(pattern: re.Pattern[str], text: str, at: int) -> bool:
    """Whether position ``at`` of ``text`` lies inside a match of ``pattern``."""
    return any(m.start() <= at < m.end() for m in pattern.finditer(text))


BEGAN = re.compile(r"\b(?:start(?:ed)?|begin|began|first|since when|join(?:ed)?|take up|took up)\b", re.I)
YEARLY = re.compile(r"\b(?:birthday|anniversary|name\s*day)s?\b", re.I)


def _owners(text: str) -> set[str]:
    """Whose things ``text`` names ("Tom's swimming lessons": "tom"), as stems."""
    return {stem(m.group(0)[:-2].lower()) for m in POSSESSIVE.finditer(text)}


def undated(hit: Hit) -> bool:
    """Whether ``hit`` is a note that nothing dates (its time is its file's last save)."""
    return bool(hit.meta and hit.meta.get("undated"))


def _schedule(keys: set[str], hits: Sequence[Hit]) -> Shaped | None:
    """For "when is football now?": the days a note filed under a key word gives for it, when
    none of the first items says when it recurs ("football.md": "~~thursdays 20h~~", then "->
    WEDNESDAYS 21h from 17 sep."; the journal's "last thursday football" is one evening)."""
    again = [(s, h) for h in hits[:UPDATE_DEPTH] for s in sentences(h.text or "")
             if recurs(s, h) and not struck(s) and keys & (words(s) | context_of(h))]
    if not again or any(keys & words(s) for s, h in again if h in hits[:ANSWER_DEPTH]):
        return None
    # a note that says the thing's own date in its words ("dentist.md": "Dentist moved to
    # Thursday 10 December") is not answered by another line of it ("the pharmacy closes at
    # 19:00 on Saturdays")
    dated = {(h.meta or {}).get("path") for h in hits[:UPDATE_DEPTH] for s in sentences(h.text or "")
             if keys & words(s) and not recurs(s, h) and dates_in(s, h.ts)} - {None}
    filed = [(s, h) for s, h in again
             if is_note(h) and keys & context_of(h) and (h.meta or {}).get("path") not in dated]
    if not filed:
        return None
    marked = [(s, h) for s, h in filed if CHANGE_MARK.match(s)]
    said, hit = (marked or filed)[-1]
    return Shaped(clean(said.replace("**", "")) or said, [hit])


# "when was the auction?", "when did we move?": asks when a thing happened
DONE_ASKED = re.compile(r"^\s*when (?:was|were|did)\b", re.I)


def _happened(keys: set[str], plan: Hit, later: Sequence[Hit]) -> Hit | None:
    """A later item that tells the thing ``plan`` only plans took place ("Auction was yesterday
    at Gary's" after "He'll auction Gary's tools ... Sat July 11"): a plan's day may have
    moved, and what happened says when. None when ``plan`` itself tells of it as done."""
    said = [s for s in sentences(plan.text or "") if keys & words(s)]
    if not said or not all(FUTURE.search(s) and not PAST.search(s) for s in said):
        return None
    return next((h for h in later if h.ts > plan.ts and any(
        keys & words(s) and PAST.search(s) and not FUTURE.search(s) and dates_in(s, h.ts)
        for s in sentences(h.text or ""))), None)


def date_answer(question: str, keys: set[str], hits: Sequence[Hit], depth: int = ANSWER_DEPTH,
                allow: Callable[[Hit, str], bool] | None = None, now: float | None = None,
                mentioning: Callable[[date, str], Sequence[Hit]] | None = None,
                above: Callable[[Hit], Sequence[Hit]] | None = None) -> Shaped | None:
    """The date the best matching statement names (or the item's own date), in the question's
    granularity; None when no item among the first ``depth`` shares a key word. ``now``: the
    time asked at, for "when is the next ...?" of a thing that recurs; ``mentioning``: the
    items that name a day (so a day called off in other words is found, see _called_off_later)."""
    ranked: list[tuple[bool, bool, int, int, bool, int, int, bool, int, float, Hit]] = []
    # "what date did Dad move ...?": "Move date: Sat 16 August" names it; "when did I submit my
    # tax return?": "submitted via WISO today, fri 24.7." over "tax return: deadline 31.7."
    verb = predicate_of(question, when=True)
    # what is or will be ("when is Anna's birthday?") is seldom the day a note was written;
    # what happened often is ("I just got accepted!"), so only the former prefers a date said
    ahead = bool(ONGOING.match(question) or YEARLY.search(question))
    # whose thing it is ("Ivy's camp") says less than the thing; a name that is the thing
    # itself ("leave for Ireland") counts in full
    owners = _owners(question)
    # (a schedule of another of mum's things, "pill box: do it every sunday", is not her appointment's)
    whose = {stem(w.lower()) for w in re.findall(r"(\w+)(?:'s|\u2019s)\b", question)}
    schedule = _schedule(keys - whose or keys, hits) if ONGOING.match(question) else None
    if schedule is not None:
        return schedule
    # what is still to come is asked of a thing that is not yearly ("when is the follow-up?")
    today = from_ts(now).date() if now is not None and ONGOING.match(question) and not YEARLY.search(question) \
        else None
    named = {stem(w.lower()) for name in names_in_question(question) for w in re.findall(r"\w+", name)}
    kind = kind_words(question, keys - named - owners)
    upcoming = today is not None and bool(NEXT.search(question))
    for i, hit in enumerate(hits[:2 * depth if verb or upcoming else depth]):
        told = sentences(hit.text or "")
        if allow is not None and not any(allow(hit, s) for s in told):
            continue  # not theirs to answer (the assistant's "day trip to Sintra" for "my trip")
        text = words(hit.text or "") | heading_words(hit)
        overlap = len(keys & text)
        # further down, only a line that dates the deed asked ("Move date: Saturday 16 August")
        deed = bool(verb) and any(verb in words(s) and dates_in(s, hit.ts) for s in told)
        # "when is Dad's follow-up?" asked on 3 May: a day still to come ("follow-up ... tue may 6") over
        # one gone by ("had a hip replacement ... on Feb 18"); in an item on the thing, a line that says
        # when the next one is counts without its name ("next & last one this year: mikolajki meet at
        # osowa sat 12 dec" under the gala), further down too (a line under a heading that names the thing
        # is on it: "- sat 12 dec, landmark ..." under "## next: christmas gig"; see one_line too)
        whole = one_line(hit) and bool(told) and bool((keys - named) & words(told[0]))
        section = (section_words(hit) | (keys if whole else set())) if today is not None else set()
        ahead_of = today is not None and bool(overlap) and any(
            (keys & alike(words(s) | section) or (upcoming and NEXT.search(s)))
            # (a thing that comes back has a day to come: "every Tuesday", a timetable's "Wednesday is ...")
            and (recurs(s, hit) or any(d[2] is not None and d[2] >= today for d in dates_in(s, hit.ts, undated(hit))))
            for s in told)
        if (overlap or not keys) and (i < depth or (deed and overlap >= 2) or (upcoming and ahead_of)):
            # on a tie, the thing asked about over whose it is ("Paid camp yesterday" over "Camp
            # packing list came home in Ivy's bag" for "when did I pay for Ivy's camp?"), then
            # the key words said in other words ("flights" for "fly"), then the item that names
            # a date by them ("Anna's birthday on 9 December" over "ordered Anna's birthday
            # gift", whose answer would be the day it was written; "every Tuesday" is no date),
            # then for what holds now the latest ("lessons in Denver: Thursdays")
            # (a note's heading that names all that is asked names it for its lines: "# Tom's 8th
            # birthday party" over "Date: Saturday 16 January 2027")
            # (one word a heading shares, "# tenby - has to move", is its topic, not the thing's card)
            titled = len(keys) > 1 and keys <= alike(context_of(hit))
            # (or the next, when that one gives none: "entered the edinburgh half!! sun 24 may 2027")
            dated = ahead and any((titled or keys & words(s) or (n and keys & words(told[n - 1]) and not dates_in(
                told[n - 1], hit.ts))) and dates_in(s, hit.ts) and not recurs(s, hit) for n, s in enumerate(told))
            # ("last appt of the day" says "appointment")
            # (and one that dates the deed over one dated only by when it was written)
            # (but a note on someone else's, "Tom's swimming lessons", is not the one asked about's)
            theirs = bool(owners) and not owners & text and bool(_owners(hit.text or "") - owners)
            # (and of two on the thing, the one on its kind: "swimming for Ellie" over "piano lesson for Ellie")
            ranked.append((not theirs, ahead_of, overlap, len(kind & alike(text)), deed,
                           len((keys - owners) & alike(text)), len(keys & alike(text)), dated,
                           # (then one sentence that says it all: "hill session is every Wednesday" over a
                           # timetable's "Wednesday is the club hill session" under "Sunday is the long run")
                           max((len(keys & alike(words(s))) for s in told), default=0),
                           hit.ts if ahead else -i, hit))
    if not ranked:
        return None
    ranked.sort(key=lambda r: r[:-1], reverse=True)
    hit = ranked[0][-1]
    if AS_PLANNED.search(question):
        # "when was the physio originally?": the first plan that dates it, not what moved it
        hit = min((r[-1] for r in ranked if r[2] >= ranked[0][2] and any(
            keys & words(s) and dates_in(s, r[-1].ts) for s in sentences(r[-1].text or ""))), key=lambda h: h.ts,
            default=hit)
    if DONE_ASKED.match(question):
        hit = _happened(keys, hit, [r[-1] for r in ranked[1:]]) or hit
    # "when did I start yoga?" is not answered by a later change ("yoga moved to Thursdays")
    # (nor "when was the physio originally?" by the day it moved to)
    moved_to = None
    changed = None if BEGAN.search(question) or AS_PLANNED.search(question) else \
        later_update(keys, (hit.text or "", hit), hits, allow, kind=kind)
    if changed is not None and called_off(*changed):  # "the haircut is postponed": no date holds now
        if (again := _rebooked(keys, changed, hits[:depth], allow)) is None:
            return Shaped(clean(changed[0]) or changed[0], [changed[1], hit])
        return _day_of(question, again, [changed[1]])
    elif changed is not None and (dates_in(changed[0], changed[1].ts) or RECURRING.search(changed[0])):
        hit, moved_to = changed[1], changed[0]  # "the dentist moved to 10 May", "yoga switched to Mondays"
    elif changed is not None and (to := _next_said(*changed)) is not None:
        return _day_of(question, to, [hit])  # "lol it's moved AGAIN. ... now it's SAT 24 MAY"
    off = next((s for s in sentences(hit.text or "") if keys & words(s) and calls_off(keys, s, hit)), None)
    if off is not None:  # "book club on 20 November is cancelled" says more than "20 November"
        if (again := _rebooked(keys, (off, hit), hits[:depth], allow)) is None:
            return Shaped(clean(off) or off, [hit])
        return _day_of(question, again, [hit])
    if ONGOING.match(question):
        # "when is yoga?" over "yoga is on Wednesdays at 18:00", "when is rent due?" over "on
        # the 1st of each month": the days it recurs, not one of them or the note's own date
        recurring = next((s for s in sentences(hit.text or "") if keys & words(s) and recurs(s, hit)), None)
        coming = next_occurrence(recurring, hit.ts, now) if recurring and now is not None and NEXT.search(question) \
            else None
        if coming is not None:  # "every other Monday, the next one is 10 November", asked on the 20th
            return Shaped(coming[0], [hit])
        if recurring is not None:
            return Shaped(clean(recurring) or recurring, [hit])
    best: tuple[tuple[bool, bool, int, int, int, bool, int], str, date | None, str] | None = None
    asked = set(re.findall(r"\w+", question.lower()))
    said_words = [w.removesuffix("'s") for w in tokens(question)]
    pairs = {f"{a} {b}" for a, b in zip(said_words, said_words[1:], strict=False)
             if a not in STOPWORDS and b not in STOPWORDS}
    said_here = sentences(hit.text or "")
    # a note section whose heading names all that is asked ("Njosh & Muthoni - wedding budget"
    # for "when is Njosh's wedding?"): its lines are about it without naming it again
    heading = context_of(hit) if keys and keys <= alike(context_of(hit)) else set()
    item = words(hit.text or "") | heading_words(hit)
    candidates = list(enumerate(said_here))
    on_it = any(keys & alike(words(s)) for s in said_here)
    # "niamh - op day, thurs 23 july" over "home tomorrow" below it; on a tie, a line below
    # ("paid josh his back on the 20th" under "lena moving in - sun 4 jan")
    if (title := note_heading(hit)) and keys & words(title) and title not in said_here:
        candidates.append((len(said_here), title))
    for j, sentence in candidates:
        if (allow is not None and not allow(hit, sentence)) or struck(sentence):
            continue  # not theirs, or struck through ("~~Surgery 28 Jan~~", then "New date: 4 Feb")
        # a time the question itself states is not its answer ("when does the market move to
        # Saturday?" is answered by the note's "in January", not by its "Saturday")
        # (nor is a day struck through: "~~Mon 13 July~~ -> his back. NOW Wed 22 July")
        found = [f for f in dates_in(sentence, hit.ts, undated(hit))
                 if not set(re.findall(r"\w+", f[3].lower())) - STOPWORDS <= asked
                 and not _inside(STRUCK, sentence, f[0]) and not no_longer(sentence, f[0], f[0] + len(f[3]))]
        if not found:
            continue
        # the first day a sentence names is the one it is about ("next month, on the 9th of
        # January": the 9th), else its first date; of several days, the one a key word of the
        # question comes closest before ("leave 10 May, return 17 May" for "when do I return?");
        # a range of days counts as one ("started on November 3, ... Lisbon from December 12 to
        # December 19" for "when is my trip to Lisbon?"); of months or years alone, too, the one
        # after the verb asked about ("retired in 2022 and we adopted him in March 2023")
        days = [f for f in found if f[2] is not None or DAY_RANGE.search(f[1])] or found
        if today is not None and not any(still_ahead(f[1], f[2], today) for f in days):
            # "dentist this morning - next check-up in 6 months": a month to come over a day gone
            days = [f for f in found if still_ahead(f[1], f[2], today)] or days
        if len(days) > 1 and not (BEGAN.search(question) or AS_PLANNED.search(question)):
            days = _after_change(sentence, days)
        _pos, rendered, day, _phrase = _with_time(sentence, _nearest_after_key(sentence, keys, days, asked)
                                                  if len(days) > 1 else days[0])
        if day is not None and YEARLY.search(question) and str(day.year) not in sentence:
            rendered = f"{day.day} {day:%B}"  # a birthday comes back each year: not "14 August 2026"
        # the thing asked about over the names asked about ("Tue 14 April: FINISHED" over "Gary
        # texts: moved to Mon 16 March" for "when did Gary finish?"), then what the heading
        # lends it ("Sat 22 Aug 2026 - Brookside Gardens" under "... wedding budget")
        own = words(sentence)
        # "when was jack's last day?": "jack told me ... hes leaving. (...) last day fri 26
        # june." - two words of the question said together, in an item on what it is about;
        # then the words on the thing, said in other words too ("biometrics appt" for "appointment")
        paired = bool(keys & item) and any(p in " ".join(tokens(sentence)) for p in pairs)
        # (a list's line on another thing, "- revision timetables fri 18 dec", is not the one to come)
        rank = (today is not None and still_ahead(rendered, day, today) and (bool(keys & alike(own | heading))
                                                                             or not on_it),
                paired, len((keys - named) & alike(own)), len(keys & own), len(keys & (own | heading)),
                sentence == moved_to, -j)  # the change that brought this item, over its other days
        if best is None or rank > best[0]:
            best = (rank, rendered, day, sentence)
    strong = [n for n, s in enumerate(said_here) if len(keys & words(s)) >= 2]
    # a list whose first item names the thing ("- Paddy Quinn (Quinn Floors) ...", "- £640 ...",
    # "- NOW Wed 22 July") is about it all the way down
    headed = strong[:1] == [0] and all(LIST_LINE.match(line) for line in (hit.text or "").splitlines() if line.strip())
    if best is not None and not best[0][4] and strong and not headed and all(abs(n + best[0][6]) > 1 for n in strong):
        # the item tells of the thing in a line with no date ("**TIE fingerprints DONE.**"): a
        # date in a line that says nothing of it, away from that one ("the old card expires on
        # the 14th"), is another's; the line next to it is not ("Last night was amazing! We
        # celebrated my daughter's birthday")
        best = None
    if best is None and above is not None and (opened := _section_opened(above(hit))) is not None:
        # "# moved in!!" / "yesterday. marek + his lad ..." / "flat 2 ... meters: ...": the
        # section's opening day dates its lines, not the day the note was written
        (_pos, rendered, day, _phrase), first = opened
        return Shaped(in_granularity(question, rendered, day) + _gone_by(question, day, today), [first, hit])
    if best is None:
        if undated(hit) or (YEARLY.search(question) and ONGOING.match(question) and whose and not any(
                re.search(rf"\b{re.escape(w)}\w*(?:'s|\u2019s) {YEARLY.pattern}", hit.text or "", re.I)
                for w in whose)):
            # an undated note's time is its file's last save: its words answer instead; the
            # day a line was written is the birthday only when it tells of that one ("Meabh's
            # birthday dinner at Ard Bia"), not of a thing for it ("- birthday card for Mum")
            return None
        said = from_ts(hit.ts).date()
        return Shaped(in_granularity(question, day_text(said), said) + _gone_by(question, said, today), [hit])
    if not (BEGAN.search(question) or AS_PLANNED.search(question)) and _moved_off(best[3], hit) \
            and (to := _next_said(best[3], hit)) is not None:
        return _day_of(question, to, [])  # "dev's 23 june appt has to move ... now THURS 25 JUNE"
    if best[2] is not None and mentioning is not None and not BEGAN.search(question):
        later = _called_off_later(keys, (best[3], hit), best[2], mentioning(best[2], best[3]), allow)
        if later is not None:
            # "~~may 6 9h40~~ -> tue may 13 13h15": the day struck through gives way to the next
            again = next(((_with_time(later[0], d), later[1]) for d in dates_in(later[0], later[1].ts)
                          if not _inside(STRUCK, later[0], d[0])), None) if STRUCK.search(later[0]) else None
            again = again or _rebooked(keys, later, [later[1], *hits[:depth]], allow)
            return _day_of(question, again, [later[1], hit]) if again is not None else \
                Shaped(clean(later[0]) or later[0], [later[1], hit])
    booked = _booked_before(best[3], best[2], hit) if ONGOING.match(question) and not DEADLINE.search(question) \
        and best[2] is not None else None
    if booked is not None:
        # "MOT inspection due by 15 January. Booked it ... for 8 January at 11:00": the day it happens
        return Shaped(f"{in_granularity(question, booked[1], booked[2])} (due by {best[1]})", [hit])
    # "when is pistache's next vet appointment?" asked in December: "8 July 2025" is the last one known
    return Shaped(in_granularity(question, best[1], best[2]) + _gone_by(question, best[2], today), [hit])


# a day by which a thing must be done, not when it is: "due by 15 January", "deadline 31.7."
DEADLINE = re.compile(r"\b(?:due|deadline|expires?|runs out|no later than|latest by)\b", re.I)
BOOKED = re.compile(r"\b(?:book(?:ed|ing)|appointment|appt|scheduled)\b", re.I)


def _booked_before(sentence: str, due: date, hit: Hit) -> Dated | None:
    """Where ``sentence`` gives a deadline, the day a line of the same item books the thing
    for, on or before it ("Booked it at Kwik Fit for 8 January at 11:00"); None otherwise."""
    if not DEADLINE.search(sentence):
        return None
    for other in sentences(hit.text or ""):
        if other != sentence and BOOKED.search(other) and not DEADLINE.search(other):
            found = [d for d in dates_in(other, hit.ts, undated(hit)) if d[2] is not None and d[2] <= due]
            if found:
                return _with_time(other, found[0])
    return None


def _section_opened(above: Sequence[Hit]) -> tuple[Dated, Hit] | None:
    """The day that opens a paragraph ``above`` an item in its note section ("yesterday. marek
    + his lad had everything done" under "# moved in!!"), and that paragraph; None when none
    opens with a day."""
    for other in above:
        opening = next((f for f in dates_in(other.text or "", other.ts, undated(other)) if f[0] <= 3 and f[2]), None)
        if opening is not None:
            return opening, other
    return None


GONE_BY = " (gone by; no later one is mentioned)"
SECTION_SPAN = 6  # how many paragraphs above an item its section's opening day is looked for in


def paragraphs_above(store: Store) -> Callable[[Hit], list[Hit]]:
    """For date_answer: the paragraphs of a note's section above an item, nearest first (at
    most ``SECTION_SPAN``; none for an item under no heading)."""
    def above(hit: Hit) -> list[Hit]:
        line = int((hit.meta or {}).get("line_start") or 0)
        blocks = [e for e in section_blocks(store, hit) if int(e.meta.get("line_start") or 0) < line]
        return [Hit.from_event(e) for e in reversed(blocks)][:SECTION_SPAN]
    return above


def _gone_by(question: str, day: date | None, today: date | None) -> str:
    """What to add to ``day`` as the answer to a question about the next of something, asked
    ``today``, when it is gone by: no later one is known."""
    if day is not None and today is not None and day < today and NEXT.search(question):
        return GONE_BY
    return ""


def _called_off_later(keys: set[str], found: tuple[str, Hit], day: date, linked: Sequence[Hit],
                      allow: Callable[[Hit, str], bool] | None) -> tuple[str, Hit] | None:
    """A sentence written after ``found`` (sentence, item) that calls off what it put on
    ``day``, found by that day alone ("Bram's dental on the 11th is OFF" after "dental booked
    Tue 11 Mar", for "when is the dog booked in to get his teeth done?"), or strikes the day
    through for another ("~~may 6 9h40~~ -> tue may 13"): it names the day and a word the
    first sentence or the question names with it. (A topic note's items all carry its last
    save as their time, so any dated item may come after them.)"""
    sentence, hit = found
    # the day's own words ("Tue", "Mar") are no sign that two sentences speak of one thing, nor
    # is booking it ("dental booked Tue 11 Mar" is not "Book club on the 11th is off")
    about = (keys | (words(sentence) - words(" ".join(d[3] for d in dates_in(sentence, hit.ts))))) \
        - STOPWORDS - BOOKING - NO_LINK
    best: tuple[str, Hit] | None = None
    for other in linked:
        if other.ref == hit.ref or not (other.ts > hit.ts or undated(hit)):
            continue
        for said in sentences(other.text or ""):
            named = dates_in(said, other.ts)
            moved = any(d[2] == day and _inside(STRUCK, said, d[0]) for d in named) and \
                any(not _inside(STRUCK, said, d[0]) and d[2] is not None for d in named)
            if (allow is not None and not allow(other, said)) or not (moved or called_off(said, other)):
                continue
            if any(d[2] == day for d in named) and about & alike(words(said) | context_of(other)) \
                    and (best is None or other.ts > best[1].ts):
                best = (said, other)
    return best


BOOKING = frozenset(stem(w) for w in ("book", "booked", "schedule", "scheduled", "reserve", "reserved",
                                       "arrange", "arranged", "plan", "planned", "appointment", "appt"))
MENTIONS = 20  # items that name a day, read for a later word that it is off


def mentions_in(store: Store) -> Callable[[date, str], list[Hit]]:
    """For date_answer: the items of ``store`` whose text names a day (see Store.events_mentioning)
    or a word of the sentence that gave it ("dental" of "dental booked Tue 11 Mar": the stored
    times leave out "on the 11th")."""
    def mentioning(day: date, sentence: str) -> list[Hit]:
        since, until = day_bounds(day)
        ids = store.events_mentioning(since, until, MENTIONS)
        terms = [t for t in fts_terms(sentence) if not t.isdigit()]
        if terms:
            ids += [i for i, _ in store.fts_events(" OR ".join(f'"{t}"' for t in terms), MENTIONS) if i not in ids]
        found = store.get_events(ids)
        return [Hit.from_event(found[i]) for i in ids if i in found]
    return mentioning


LIST_LINE = re.compile(r"\s*(?:[-*+\u2022]|\d+[.)])\s")


def _rebooked(keys: set[str], off: tuple[str, Hit], hits: Sequence[Hit],
              allow: Callable[[Hit, str], bool] | None) -> tuple[Dated, Hit] | None:
    """The new day (not one struck through) and its item for the thing ``off`` (sentence, item)
    called off, from a sentence further down the same note ("Rang Boulderhaus again: first free
    slot Sat 17 Oct, took it.") or in a later item ("first free tasting slot is Sat 17 Oct"
    after "menu tasting on Sat 5 Sep is off"), on what is asked or a name the cancelling
    sentence gives; of those, the one that says most of it, then the latest; None when none does."""
    said, item = off
    about = keys | {stem(w.lower()) for name in names_in_question(said) for w in re.findall(r"\w+", name)}
    own = sentences(item.text or "")
    below = own[own.index(said) + 1:] if said in own else []
    best: tuple[tuple[bool, int, float, int], tuple[Dated, Hit]] | None = None
    candidates = [(s, item) for s in below] + [(s, other) for other in hits if other.ts > item.ts
                                                and other.ref != item.ref for s in sentences(other.text or "")]
    marked = _same_entry(said, item.text or "")
    for n, (sentence, other) in enumerate(candidates):
        shared = about & (alike(words(sentence)) | context_of(other))
        # the next sentence says so: "... is cancelled. Rebooked for Sat 19 Dec"; or a line of the
        # same entry ("dental on the 11th is OFF. Priya away\n  NEW DATE: Thu 27 March"): first
        follows = bool((n == 0 or sentence in marked) and other.ref == item.ref and REBOOKED.search(sentence))
        if follows:
            shared = shared | {""}
        if not shared or called_off(sentence, other) or (allow is not None and not allow(other, sentence)):
            continue
        day = next((_with_time(sentence, d) for d in dates_in(sentence, other.ts)
                    if not _inside(STRUCK, sentence, d[0])), None)
        if day is not None:
            rank = (follows, len(shared), other.ts, -n)
            if best is None or rank > best[0]:
                best = (rank, (day, other))
    return best[1] if best is not None else None


def _same_entry(sentence: str, text: str) -> str:
    """The rest of the list entry (or line) ``sentence`` opens in ``text``: up to the next line
    that is not indented further than the entry's own."""
    at = text.find(sentence)
    if at < 0:
        return ""
    start = text.rfind("\n", 0, at) + 1
    indent = len(text[start:]) - len(text[start:].lstrip())
    end = at + len(sentence)
    for line in text[end:].split("\n")[1:]:
        if not line.strip() or len(line) - len(line.lstrip()) <= indent:
            break
        end = text.find(line, end) + len(line)
    return text[at:end]


# "Wed 10 March 09:40", "Tues 29 Sept, 10.40", "3 May at 9am": the time of day a day is given with
AT_TIME = re.compile(r"[\s,]*(?:at\s+|@\s*)?(\d{1,2}[:.h]\d{2}\s*(?:am|pm)?|\d{1,2}\s*(?:am|pm))(?![\w.:,]\d)",
                     re.I)


# a time of day written just before the day: "new landing time 18:20 on 19 December"
TIME_BEFORE = re.compile(r"(?<![\d£$€.,])(\d{1,2}[:h]\d{2}\s*(?:am|pm)?|\d{1,2}\s*(?:am|pm))\s*(?:on\s+|,\s*)?$", re.I)


# the day said again after a phrase that gave it: "in two weeks → thu 27, 17:30"
SAID_AGAIN = re.compile(rf"\s*(?:→|->|=>|=|\(|,|:)?\s*(?:{ANY_WEEKDAY}\.?\s*)?"
                        r"(\d{1,2})(?:st|nd|rd|th)?\b(?![:.h]\d)", re.I)


def _with_time(sentence: str, found: Dated) -> Dated:
    """A day found in ``sentence`` with the time of day written right after it (or after the
    day said again, or right before it), when one is."""
    pos, rendered, day, phrase = found
    end = pos + len(phrase)
    if day is not None and (again := SAID_AGAIN.match(sentence, end)) and int(again.group(1)) == day.day:
        end = again.end()
    clock = AT_TIME.match(sentence, end) if day is not None else None
    if clock is None and day is not None:
        clock = TIME_BEFORE.search(sentence, 0, pos)
    parts = re.match(r"(\d+)\D?(\d*)", clock.group(1)) if clock else None
    if clock is None or parts is None or int(parts.group(1)) > 23 or int(parts.group(2) or 0) > 59:
        return found  # "3 May 45.00" is no time of day
    return (pos, f"{rendered} at {clock.group(1).strip()}", day, phrase)


# a day moved without saying to when: the next sentence does ("has to move, dr's away. now thu 25 june")
MOVED_OFF = re.compile(r"\b(?:(?:has|have|had|needs?|needed)\s+to\s+(?:move|change)|moved|rescheduled|postponed|"
                       r"pushed(?:\s+back)?)\W*$|\b(?:has|have|had|needs?|needed)\s+to\s+(?:move|change)\b"
                       r"|\b(?:is|are|was|were)\s+(?:off|cancell?ed|called off)\b", re.I)  # "sat 14 nov is off - ..."


def _moved_off(sentence: str, hit: Hit) -> bool:
    """Whether ``sentence`` (of ``hit``) says its days moved after naming the last of them,
    without naming a new one."""
    found = dates_in(sentence, hit.ts, undated(hit))
    return bool(found) and any(m.start() > max(f[0] + len(f[3]) for f in found) for m in MOVED_OFF.finditer(sentence))


def _next_said(sentence: str, hit: Hit) -> tuple[Dated, Hit] | None:
    """The day a change without one (``sentence`` of ``hit``: "it's moved AGAIN.") gives in
    the sentence after it that marks what holds now ("now it's SAT 24 MAY"), or None."""
    said = sentences(hit.text or "")
    after = said[said.index(sentence) + 1:][:2] if sentence in said else []
    for following in after:
        if REBOOKED.search(following) and (days := dates_in(following, hit.ts)):
            return _with_time(following, _after_change(following, days)[0]), hit
    return None


def _day_of(question: str, said: tuple[Dated, Hit], cancelled: list[Hit]) -> Shaped:
    """The new day ``said`` (the day, its item) gives, cited with what called it off."""
    day, hit = said
    cited = [hit, *(h for h in cancelled if h.ref != hit.ref)]
    return Shaped(in_granularity(question, day[1], day[2]), cited)


NAMED_TIME = re.compile(rf"\b(?:{MONTH_RE})\b|\b(?:19|20)\d{{2}}\b", re.I)  # "in April", "in July 2023"


def dated_outside(text: str, window: TimeRange, ts: float) -> bool:
    """Whether the answer ``text`` (written at ``ts``) dates what it says, and every day it
    names falls outside ``window``, the time the question asks about: "What was Mum's HbA1c
    in April?" is not answered by "3 Mar: HbA1c 9.1%". A month or a vaguer time tells too
    little either way, so only days count."""
    if not NAMED_TIME.search(window.phrase):
        return False  # "yesterday", "last week": a question's own relative time is too loose to hold against
    days: list[date] = []
    for _pos, _text, day, phrase in dates_in(text, ts):
        if day is None or not EXPLICIT.search(phrase):
            continue  # only a day named by its month ("3 Mar"); "yesterday" in a chat is loose too
        # a day without its year ("3 Mar" in a log) may be this year's or the next: either will do
        years = [day.year] if re.search(r"\d{4}", phrase) else [day.year - 1, day.year, day.year + 1]
        days += [day.replace(year=y) for y in years if not (day.month == 2 and day.day == 29)] or [day]
    return bool(days) and not any(window.since <= day_bounds(day)[1] and day_bounds(day)[0] <= window.until
                                  for day in days)

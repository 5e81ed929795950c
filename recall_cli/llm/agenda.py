"""Answers to a question that only names a time ("what is on tomorrow?", "what happened last
week?"): what was written then or speaks of then."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..models import Hit, SearchResult
from ..search.text import OWN_LIFE, is_assistant, only_time
from ..timephrase.phrase import ASKS_AHEAD, TimeRange, mentions
from .shape import Shaped, clean
from .standing import off_since
from .support import SENTENCE, words
from .timing import undated
from .update import later_update

if TYPE_CHECKING:
    from ..service import Recall

# where a sentence ends (as support.SENTENCE splits them: not after "Dr."), or a line, or a
# clause after ";", closing marks and all ("16 August). He", "6 September.** Keys")
SENTENCE_END = re.compile(rf"{SENTENCE.pattern}|(?<=[.!?;])[)\]\"'»]+\s+|(?<=;)\s+|\n+")
SIDE_REMARK = 40  # characters after another time up to the sentence's end that keep the sentence whole
AGENDA_ITEMS = 5  # "what is on tomorrow?" lists at most this many items
LONG_FILE = 40  # a file with more paragraphs than this dated in the time asked is told as one thing


def agenda(svc: Recall, result: SearchResult, question: str) -> Shaped | None:
    """For a question that only names a time ("what is on tomorrow?", "what happened last
    week?"): the best items written in that time or speaking of it, oldest first; None for
    any other question. "What did I do ...?" leaves out what an assistant wrote."""
    window = result.time_range
    if window is None or not only_time(result.cleaned_query):
        return None
    ids = [h.id for h in result.hits if h.owner == "event"]
    mentioned = svc.store.event_times(ids)
    own = bool(OWN_LIFE.search(question))
    # an undated note's time is its file's last save, not a day it was written on or speaks of
    inside = [h for h in result.hits if h.owner == "event" and not (own and is_assistant(h.actor)) and any(
        window.overlaps(*span) for span in [*([] if undated(h) else [(h.ts, h.ts)]),
                                            *mentioned.get(h.id, [])])]
    if ASKS_AHEAD.search(question):
        # "what's on this week?": what speaks of a day in it, not what was merely written in it
        # ("went to the cinema" this morning is no plan); that is still counted among the rest
        inside = [h for h in inside if any(window.overlaps(*span) for span in mentioned.get(h.id, []))] or inside
    # a long document dated then is one thing done, not the whole day: its paragraphs would
    # crowd out the day's notes ("picked up the parcel") and say nothing of what was done
    crowded = svc.store.crowded_files(window.since, window.until, LONG_FILE)
    files: list[Hit] = []
    if crowded:
        inside = [h for h in inside if h.session not in crowded]
        known = {h.id for h in inside}
        rest = [i for i in svc.store.events_between(window.since, window.until, AGENDA_ITEMS,
                                                        skip_sessions=list(crowded))
                if i not in known]
        found = svc.store.get_events([*rest, *(first for _count, first in crowded.values())])
        inside += [Hit.from_event(found[i]) for i in rest if i in found and not (own and is_assistant(found[i].actor))]
        files = [Hit.from_event(found[first]) for _count, first in crowded.values() if first in found]
    shown = sorted(inside[:AGENDA_ITEMS], key=lambda h: h.ts)  # the best few, in the order they were written
    # a plan a later item moved or called off says so, and that item is told with it, not apart
    # ("Dentist on Tuesday 8 December" is no longer on Tuesday: "Rescheduled the dentist to Thursday")
    changed = {h.id: change for h in shown if (change := _changed_since(h, result.hits)) is not None}
    # the note that calls a plan off may not be among the evidence: it need not say when ("so Lisbon is off")
    if ASKS_AHEAD.search(question):  # "what plans do I have this weekend?", not "what did I do then?"
        changed |= {h.id: off for h in shown if h.id not in changed and (off := off_since(svc.store, h))}
    told = {change[1].id for change in changed.values()}
    folded = [h for h in shown if h.id in told and h.id not in changed]
    shown = [h for h in shown if h not in folded]
    # the rest counts all that was written then, not only what the evidence held ("4 of 5" said
    # nothing), and what speaks of then though written at another time
    elsewhere = sum(1 for h in inside if not window.since <= h.ts <= window.until)
    left = svc.store.count_events_between(window.since, window.until) + elsewhere - len(shown) - len(folded) \
        - sum(count for count, _first in crowded.values())
    more = f"; and {left:,} more (recall search shows them)" if left > 0 else ""
    said = [" ".join(_part_about(h, window).split()).rstrip(".")
            + (f" (since changed: {clean(changed[h.id][0]).rstrip('.')})" if h.id in changed else "")
            for h in shown]
    said += [f"{h.session}: {h.meta.get('heading') or clean(h.text)[:60]} ({crowded[h.session or ''][0]:,} paragraphs)"
             for h in files]
    cited = [*shown, *(change[1] for change in changed.values() if change[1] not in shown), *files]
    return Shaped("; ".join(said) + more, cited)


def _part_about(hit: Hit, window: TimeRange) -> str:
    """The part of an item written at another time that speaks of ``window``: from the phrase
    that names it to the next time it names ("thu 31 - furnas ..." of a trip's day-by-day
    note, not the whole week); the whole text when it names no other time."""
    if window.since <= hit.ts <= window.until:
        return hit.text
    found = mentions(hit.text, hit.ts)
    inside = [m for m in found if window.overlaps(m.since, m.until)]
    if not inside or len(found) < 2:
        return hit.text
    text = hit.text
    start = text.find(inside[0].phrase)
    if start < 0:
        return text
    after = start + len(inside[0].phrase)
    later = min([at for m in found if (at := text.find(m.phrase, after)) > start], default=len(text))
    # whole sentences: "Rebooked for Sat 6 Sept, 8:30am", not "6 Sept, 8:30am" (up to the one
    # that names the next time, or the end of its own when that one names it too)
    ends = [m.start() for m in SENTENCE_END.finditer(text)]
    begin = max([m.end() for m in SENTENCE_END.finditer(text, 0, start)], default=0)
    if any(begin <= at < start for m in found if (at := text.find(m.phrase, begin)) >= 0):
        begin = start  # another time opens the sentence: a day-by-day line's part starts at its day
    stop = max([e for e in ends if after <= e <= later], default=None)
    if stop is None:  # the next time is in the same sentence: a side remark ("(it was meant to be
        # 16 August)") keeps its sentence; a day-by-day line with no stops is cut at the next day
        end = min([e for e in ends if e >= after], default=None)
        stop = end if end is not None and end - later <= SIDE_REMARK else later
    return text[begin:stop]


def _changed_since(hit: Hit, hits: list[Hit]) -> tuple[str, Hit] | None:
    """A later statement of the same writer that moves or calls off the thing ``hit`` plans
    (the thing: its words that are no day or number), or None."""
    keys = {w for w in words(hit.text) if not any(c.isdigit() for c in w)}
    return later_update(keys, (hit.text or "", hit), hits) if keys else None

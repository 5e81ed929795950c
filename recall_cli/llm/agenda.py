"""Answers to a question that only names a time ("what is on tomorrow?", "what happened last
week?"): what was written then or speaks of then."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import SearchResult
from ..search.text import OWN_LIFE, is_assistant, only_time
from .shape import Shaped

if TYPE_CHECKING:
    from ..service import Recall

AGENDA_ITEMS = 5  # "what is on tomorrow?" lists at most this many items


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
    inside = [h for h in result.hits if h.owner == "event" and not (own and is_assistant(h.actor)) and any(
        since <= window.until and until >= window.since
        for since, until in [(h.ts, h.ts), *mentioned.get(h.id, [])])]
    shown = sorted(inside[:AGENDA_ITEMS], key=lambda h: h.ts)  # the best few, in the order they were written
    # the rest counts all that was written then, not only what the evidence held ("4 of 5" said
    # nothing), and what speaks of then though written at another time
    elsewhere = sum(1 for h in inside if not window.since <= h.ts <= window.until)
    left = svc.store.count_events_between(window.since, window.until) + elsewhere - len(shown)
    more = f"; and {left:,} more (recall search shows them)" if left > 0 else ""
    return Shaped("; ".join(" ".join(h.text.split()).rstrip(".") for h in shown) + more, shown)

"""Bounds on what one event may hold, so no single input costs unbounded time or memory.

A text longer than the limit is stored as linked parts (``meta["part"]``, ``meta["parts"]``
and ``meta["whole"]``, the content hash of the whole text), each cut at a paragraph, line or
word boundary near the limit. Past ``max_parts`` parts the rest is not stored: the last part
ends with a marker saying how much was left out, ``meta["truncated"]`` holds the count, and
the caller reports it. Cutting happens before anything else looks at the text (redaction,
the tokenizer), so a 50 MB line costs what 1 MB costs. Secrets are redacted in what is kept
before it is cut into parts (``clean``): a private key or "the wifi password is X" across a
cut would otherwise leave its body in the next part, where nothing names it a secret.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ..models import content_hash, hashed_time

if TYPE_CHECKING:
    from ..models import Event

MIN_PART = 1000  # smaller limits would make absurd numbers of parts
CUT_NOTE = 80  # room for "[… N more characters not stored (events.max_parts)]" after a part


def cut_points(text: str, limit: int, most: int | None = None) -> list[int]:
    """Offsets where ``text`` is cut into pieces of at most ``limit`` characters, preferring a
    blank line, then a line end, then a space in the last fifth of each piece (at most
    ``most`` cuts)."""
    cuts: list[int] = []
    start = 0
    while len(text) - start > limit and (most is None or len(cuts) < most):
        end = start + limit
        window_start = start + limit * 4 // 5
        cut = -1
        for sep in ("\n\n", "\n", " "):
            found = text.rfind(sep, window_start, end)
            if found > start:
                cut = found + len(sep)
                break
        if cut <= start:
            cut = end
        cuts.append(cut)
        start = cut
    return cuts


def split_long(event: Event, limit: int, max_parts: int,
               clean: Callable[[str], str] | None = None) -> tuple[list[Event], int]:
    """(``[event]``, 0) when its text fits, else (its parts, characters left out). Parts keep
    the event's time, source, speaker and session. ``clean`` (redaction) is applied to the
    text that can be kept (a part's worth past the last cut, no more) before it is cut."""
    limit = max(MIN_PART, limit)
    text = event.text
    # a part already (a recall export's, read back): the last one's note of what was cut goes over
    if len(text) <= limit or ("whole" in event.meta and "part" in event.meta and len(text) <= limit + CUT_NOTE):
        return [event], 0
    whole = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    max_parts = max(1, max_parts)
    beyond = 0  # characters past what ``clean`` saw: never stored, only counted
    if clean is not None:
        cap = limit * (max_parts + 1)  # room for a secret that crosses the last cut
        beyond = max(0, len(text) - cap)
        text = clean(text[:cap])
        if not beyond and len(text) <= limit:  # what made it long was a secret: one event, as any other
            return [part_hashed(replace(event, text=text))], 0
    edges = [0, *cut_points(text, limit, most=max_parts), len(text)][: max_parts + 1]
    dropped = len(text) - edges[-1] + beyond
    parts = []
    for number, (a, b) in enumerate(zip(edges, edges[1:], strict=False), start=1):
        meta = {**event.meta, "part": number, "parts": len(edges) - 1, "whole": whole}
        body = text[a:b]
        if dropped and number == len(edges) - 1:
            meta["truncated"] = dropped
            body += f"\n[… {dropped:,} more characters not stored (events.max_parts)]"
        parts.append(part_hashed(replace(event, text=body, meta=meta, id=None)))
    return parts, dropped


def part_hashed(event: Event) -> Event:
    """The event with its content hash recomputed; a part's place (the whole text's hash and
    its number) is in the hash, so two parts with the same text are still two parts."""
    key = content_hash(event.source, event.kind, event.actor, event.session,
                       hashed_time(event.ts_start, event.meta), event.text,
                       *((event.meta["whole"], event.meta.get("part")) if "whole" in event.meta else ()))
    return replace(event, content_hash=key)

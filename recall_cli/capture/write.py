"""The one write path for events (``Recall.store_events``): every capture face, import and
merge stores through it, so redaction and plugins' filters cannot be bypassed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..plugins.manager import FilterFailed
from .limits import part_hashed, split_long
from .redact_fields import redact_event

if TYPE_CHECKING:
    from ..models import Event
    from ..service import Recall
    from ..store.events import InsertResult


def store_events(svc: Recall, events: Sequence[Event], origin: str | None = None) -> InsertResult:
    """Secrets redacted (text, source, speaker, session and string metadata), plugins' filters, a text over
    ``events.max_chars`` stored as linked parts, then one transaction. An event a filter
    plugin raised on is held back (``held``), never stored unfiltered."""
    limit, max_parts = svc.config.get("events.max_chars"), svc.config.get("events.max_parts")
    kept: list[Event] = []
    secret: list[Event] = []  # redacted: counted once stored (a known duplicate is no news)
    filtered = split = truncated = 0
    held: dict[str, int] = {}
    first: dict[str, str] = {}  # plugin -> what its first failure said
    for event in events:
        parts, dropped = split_long(event, limit, max_parts)  # first: redaction's cost stays bounded
        split += len(parts) > 1
        truncated += dropped > 0
        for part in parts:
            clean = redact_event(part)
            if clean is not part:
                clean = part_hashed(clean) if "whole" in clean.meta else clean
            try:
                result = svc.plugins.filter_event(clean)
            except FilterFailed as failed:  # fail closed: a filter exists to keep things out
                # (counted under the plugin's first failure: one line, not one per event)
                why = first.setdefault(failed.plugin, str(failed))
                held[why] = held.get(why, 0) + 1
                continue
            if result is None:
                filtered += 1
            else:
                kept.append(result)
                if clean is not part:
                    secret.append(result)
    store = svc.store
    # a note's paragraph stored already from the same file, at another time (see known_paragraph)
    twins = {id(e) for e in kept if store.known_paragraph(e)}
    stored = store.insert_events([e for e in kept if id(e) not in twins], origin=origin)
    stored.duplicates += len(twins)
    for e in kept:  # a watched file renamed: its paragraphs are at the new path from now on
        if e.kind == "moved" and e.source == "file" and e.id is not None:
            store.move_file(str(e.meta.get("from")), str(e.meta.get("path")))
    redacted = sum(1 for e in secret if e.id is not None)
    stored.filtered, stored.redacted, stored.split, stored.truncated = filtered, redacted, split, truncated
    stored.held = held
    return stored

"""The one write path for events (``Recall.store_events``): every capture face, import and
merge stores through it, so redaction and plugins' filters cannot be bypassed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..importers.base import check_ts
from ..plugins.manager import FilterFailed
from .limits import part_hashed, split_long
from .redact_fields import redact_event
from .secrets import MARK, redact

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
    filtered_by: list[str] = []
    held: dict[str, int] = {}
    filters = bool(svc.plugins.pm.hook.filter_event.get_hookimpls())
    first: dict[str, str] = {}  # plugin -> what its first failure said
    for event in events:
        if (why := unfit(event)) is not None:  # a plugin importer's milliseconds would break every listing
            held[why] = held.get(why, 0) + 1
            continue
        found: set[str] = set()  # what was redacted in a long text before it was cut

        def before_cut(text: str, found: set[str] = found) -> str:
            redaction = redact(text)
            found.update(redaction.names)
            return redaction.text

        # cut first: redaction's cost stays bounded (it sees what is kept, no more)
        parts, dropped = split_long(event, limit, max_parts, before_cut)
        split += len(parts) > 1
        truncated += dropped > 0
        for whole in parts:
            part = _with_names(whole, found)
            clean = redact_event(part)
            if clean is not part:
                clean = part_hashed(clean) if "whole" in clean.meta else clean
            svc.plugins.dropped_by = None
            try:
                result = svc.plugins.filter_event(clean)
            except FilterFailed as failed:  # fail closed: a filter exists to keep things out
                # (counted under the plugin's first failure: one line, not one per event)
                why = first.setdefault(failed.plugin, str(failed))
                held[why] = held.get(why, 0) + 1
                continue
            if result is None:
                filtered += 1
                if (by := svc.plugins.dropped_by) is not None and by not in filtered_by:
                    filtered_by.append(by)
                continue
            if filters and (why := unfit(result)) is not None:
                held[why] = held.get(why, 0) + 1
                continue
            # what a filter wrote into the event (in place, too) goes through the secret table again
            again = redact_event(result) if filters else result
            kept.append(again)
            if part is not whole or clean is not part or again is not result:
                secret.append(again)
    store = svc.store
    # a note's paragraph stored already from the same file, at another time (see known_paragraph)
    twins = {id(e) for e in kept if store.known_paragraph(e) or _stored_dated(svc, e)}
    stored = store.insert_events([e for e in kept if id(e) not in twins], origin=origin)
    stored.duplicates += len(twins)
    for e in kept:  # a watched file renamed: its paragraphs are at the new path from now on
        if e.kind == "moved" and e.source == "file" and e.id is not None:
            store.move_file(str(e.meta.get("from")), str(e.meta.get("path")))
    redacted = sum(1 for e in secret if e.id is not None)
    stored.filtered, stored.redacted, stored.split, stored.truncated = filtered, redacted, split, truncated
    stored.held, stored.filtered_by = held, filtered_by
    return stored


def said_by_parts(parts: Sequence[Event]) -> dict[str, Any]:
    """What the parts of one long text say that its first part does not: how much the last
    one left out, and every secret redacted in any of them."""
    said: dict[str, Any] = {}
    if dropped := next((e.meta["truncated"] for e in parts if e.meta.get("truncated")), 0):
        said["truncated"] = dropped
    if len(parts) > 1 and (names := sorted({n for e in parts for n in e.meta.get("redacted") or ()})):
        said["redacted"] = names
    return said


def _with_names(part: Event, found: set[str]) -> Event:
    """A part of a long text with the names of the secrets redacted in it before the cut."""
    here = sorted(name for name in found if f"{MARK}{name}]" in part.text)
    if not here:
        return part
    return part_hashed(replace(part, meta={**part.meta, "redacted": sorted({*here, *part.meta.get("redacted", ())})}))


def _stored_dated(svc: Recall, event: Event) -> bool:
    """Whether an undated record (see models.hashed_time) was stored when its content hash
    still held its file's time: re-importing the untouched file after an upgrade adds nothing."""
    from ..models import content_hash, hashed_time

    if event.meta.get("undated") is not True or event.kind == "paragraph" or "whole" in event.meta:
        return False  # (a note's paragraph: known_paragraph finds it)
    dated = content_hash(event.source, event.kind, event.actor, event.session, hashed_time(event.ts_start, None),
                         event.text)
    return svc.store.event_id_by_hash(dated) is not None


def unfit(event: Event) -> str | None:
    """Why ``event`` cannot be stored (a time out of range, no text, no source), else None:
    the built-in importers check this as they read; a plugin's events are checked here."""
    try:
        check_ts(event.ts_start)
        if event.ts_end is not None:
            check_ts(event.ts_end)
    except ValueError as exc:
        return f"an event's {exc}"
    if not isinstance(event.text, str) or not event.text.strip():
        return "an event with no text"
    if not isinstance(event.source, str) or not event.source.strip():
        return "an event with no source"
    return None

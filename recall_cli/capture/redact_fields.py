"""Redaction of a whole event: its text and every other string it is stored with.

A secret can arrive in any field a person or a program fills in, not only the text:
``recall add x --source ghp_...``, ``--speaker``, ``--tag``, an import's session name or a
watched file's path. ``show``, ``search --json``, ``export`` and ``stats`` print those fields
as stored, so each one goes through the same table as the text, in the one write path and in
`recall doctor`'s rescan alike.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..models import map_strings
from .secrets import redact

if TYPE_CHECKING:
    from ..models import Event

# the event's string fields that are stored and shown beside its text (its kind is a fixed
# word the program chooses); part of the rescan's fingerprint, so a store scanned when fewer
# fields were looked at is scanned again
FIELDS = ("text", "source", "actor", "session", "meta")
# a memory's strings scanned likewise (its history keeps each state with its metadata)
MEMORY_FIELDS = ("text", "subject", "meta", "history.old_text", "history.new_text", "history.state")


def redact_value(value: Any, names: set[str]) -> Any:
    """``value`` with secrets replaced in every string inside it (a tag list, a nested mapping),
    the names of what was found added to ``names``; the same object when nothing changed, so an
    event without secrets is left as it is."""
    def one(text: str) -> str:
        found = redact(text)
        names.update(found.names)
        return found.text if found.names else text

    return map_strings(value, one)


def redact_event(event: Event) -> Event:
    """The event with secrets replaced in its text, source, speaker, session and metadata
    (strings at any depth: tags are a list); the same object when there were none. The
    content hash follows the redacted fields."""
    names: set[str] = set()
    text, source = redact_value(event.text, names), redact_value(event.source, names)
    actor, session = redact_value(event.actor, names), redact_value(event.session, names)
    meta = redact_value(event.meta, names)
    if not names:
        return event
    meta = dict(meta)
    meta["redacted"] = sorted(names | set(meta.get("redacted") or ()))
    return replace(event, text=text, source=source, actor=actor, session=session, meta=meta, content_hash="")

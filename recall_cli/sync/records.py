"""The records an export or a sync segment holds, as JSON objects.

- ``{"t": "event", ...}``: one event with its content hash (its id on every device);
- ``{"t": "change", ...}``: one memory change (a history row) with the memory's uid, the
  clock and device that made it, and the memory's state after it;
- ``{"t": "tombstone", "owner": "event"|"memory", "key": <hash or uid>, ...}``: something
  forgotten; it never carries the forgotten text.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import InputError
from ..models import Event

FORMAT = 1  # the record format; a segment or export from a newer recall says a larger number


def event_record(event: Event) -> dict[str, Any]:
    return {"t": "event", "hash": event.content_hash, "source": event.source, "kind": event.kind,
            "actor": event.actor, "session": event.session, "ts": event.ts_start, "ts_end": event.ts_end,
            "text": event.text, "meta": event.meta}


def event_from_record(record: dict[str, Any]) -> Event:
    """The event a record describes; InputError naming the field when it is malformed."""
    if not isinstance(record.get("text"), str) or not record["text"].strip():
        raise InputError("malformed event record: 'text' missing, empty or not text")
    if record.get("hash") is not None and not re.fullmatch(r"[0-9a-f]{64}", str(record["hash"])):
        raise InputError("malformed event record: 'hash' is not a sha256")  # dedup and forgets go by it
    try:
        event = Event(text=str(record["text"]), ts_start=float(record["ts"]), source=str(record["source"]),
                      kind=str(record.get("kind") or "note"), actor=_text_or_none(record.get("actor")),
                      session=_text_or_none(record.get("session")),
                      ts_end=None if record.get("ts_end") is None else float(record["ts_end"]),
                      meta=dict(record.get("meta") or {}), content_hash=str(record.get("hash") or ""))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed event record ({type(exc).__name__}: {exc})") from None
    return event


def change_record(change: dict[str, Any]) -> dict[str, Any]:
    return {"t": "change", **{k: change[k] for k in ("uid", "ts", "action", "actor", "old", "new", "detail", "hlc",
                                                  "device", "state")}}


def check_change(record: dict[str, Any]) -> dict[str, Any]:
    """A change record with the fields replaying it needs, secrets redacted (see
    ``redact_change``); InputError otherwise."""
    for name, kind in (("uid", str), ("action", str), ("actor", str), ("ts", (int, float))):
        if not isinstance(record.get(name), kind):
            raise InputError(f"malformed memory change: '{name}' missing or of the wrong type")
    state = record.get("state")
    if state is not None and not (isinstance(state, dict) and isinstance(state.get("text"), str)
                                  and state.get("kind") in ("semantic", "procedural", "episodic", "core")):
        raise InputError("malformed memory change: its state has no text or kind")
    return redact_change(record)


def redact_change(record: dict[str, Any]) -> dict[str, Any]:
    """The change with secrets replaced in the texts and state it would store (an export
    written under an older secret table, or by hand, may hold one): a memory change is
    stored by ``apply_change``, past the events' write path, so it is redacted here."""
    from ..capture.redact_fields import redact_value

    names: set[str] = set()
    clean: dict[str, Any] = {key: redact_value(record[key], names)
                             for key in ("old", "new", "detail", "state") if key in record}
    return {**record, **clean} if names else record


def tombstone_record(stone: dict[str, Any]) -> dict[str, Any]:
    return {"t": "tombstone", "owner": stone["owner"], "key": stone["key"], "hlc": stone["hlc"],
            "device": stone["device"]}


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)

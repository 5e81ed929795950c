"""Secrets stored before the table knew them: `recall doctor` counts them, `--fix` redacts them.

The secret table grows (a card number, "the wifi password at Mum's is ..."); text stored
under an older table keeps what it missed. ``redact_stored`` runs today's table over every
stored text: events (text and string metadata) are rewritten in place, keeping their ids,
with a new content hash (so a re-import of the same export is still a duplicate) and their
vectors made again; memories, their history and episode titles likewise. The store is then
scrubbed so no old page keeps the secret. No tombstone is written: a synced device would
drop its copy and, since the rewritten event keeps its id, never receive the redacted one;
each device cleans its own copy with the same table (and what it sends here is redacted on
arrival, like every write).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .secrets import redact, redact_event

if TYPE_CHECKING:
    from ..service import Recall


@dataclass
class Rescan:
    """What a rescan found (and, with ``fix``, redacted)."""

    events: int = 0
    other: int = 0  # memories, memory history rows and episode titles
    fixed: bool = False

    @property
    def found(self) -> int:
        return self.events + self.other


def _clean(text: str) -> str:
    return redact(text).text


def redact_stored(svc: Recall, *, fix: bool = False) -> Rescan:
    """Find stored text the secret table would change now; with ``fix``, change it in place."""
    store = svc.store
    result = Rescan(fixed=fix)
    with store.transaction():
        for batch in store.event_batches():
            for event in batch:
                clean = redact_event(event)
                if clean is event:
                    continue
                result.events += 1
                if fix:
                    store.rewrite_event(clean)  # (redact_event gave it the hash of its new text)
        result.other = store.rewrite_texts(_clean, write=fix)
        if not fix or not result.found:
            return result
    svc.scrub()
    return result


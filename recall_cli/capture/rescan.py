"""Secrets stored before the table knew them: `recall doctor` counts them, `--fix` redacts them.

The secret table grows (a card number, "the wifi password at Mum's is ..."); text stored
under an older table keeps what it missed. ``redact_stored`` runs today's table over every
stored text: events (text, source, speaker, session and string metadata) are rewritten in place, keeping their ids,
with a new content hash (so a re-import of the same export is still a duplicate) and their
vectors made again; memories, their history and episode titles likewise. The store is then
scrubbed so no old page keeps the secret. No tombstone is written: a synced device would
drop its copy and, since the rewritten event keeps its id, never receive the redacted one;
each device cleans its own copy with the same table (and what it sends here is redacted on
arrival, like every write).

The store keeps the fingerprint of the table it was last scanned with; opening it with a
newer table (an upgrade) runs the rescan once, in place, with one line on stderr
(``catch_up``), so what an older table missed does not wait for `recall doctor`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..service import Recall

# the secret table's fingerprint (see ``fingerprint``; a test keeps the two equal): a constant,
# so opening a store compares two strings instead of compiling the table
TABLE = "93:8f89f2673410"
SCANNED = "secrets.table"  # setting: the fingerprint of the table the store was last scanned with


@dataclass
class Rescan:
    """What a rescan found (and, with ``fix``, redacted)."""

    events: int = 0
    other: int = 0  # memories, memory history rows and episode titles
    fixed: bool = False

    @property
    def found(self) -> int:
        return self.events + self.other


def fingerprint() -> str:
    """The secret table as it is now: its size and a hash of every pattern's name and regex,
    of the event and memory fields they are run over (a field added is scanned in old
    stores too) and of the key names whose values are secrets."""
    import hashlib

    from .redact_fields import FIELDS, MEMORY_FIELDS, SECRET_KEY_PAIRS, SECRET_KEY_WORDS
    from .secrets import PATTERNS

    keys = sorted(SECRET_KEY_WORDS) + sorted(" ".join(pair) for pair in SECRET_KEY_PAIRS)
    spelled = "\n".join([*(f"{p.name}\t{p.regex.pattern}\t{p.regex.flags}" for p in PATTERNS), " ".join(FIELDS),
                         " ".join(MEMORY_FIELDS), " ".join(keys)])
    return f"{len(PATTERNS)}:{hashlib.sha256(spelled.encode()).hexdigest()[:12]}"


def catch_up(svc: Recall) -> Rescan | None:
    """Once per secret table: redact in place what a store scanned under an older table (or
    never) holds, and say so on stderr. None when the store is up to date."""
    if svc.store.setting(SCANNED) == TABLE:
        return None
    found = redact_stored(svc, fix=True)
    svc.store.put_setting(SCANNED, TABLE)
    if found.found:
        print(f"recall: the secret table is newer than this store's last scan: redacted {found.found} "
              f"stored text{'s' if found.found != 1 else ''} in place", file=sys.stderr)
    return found


def _clean(text: str) -> str:
    from .secrets import redact

    return redact(text).text


def _clean_json(value: Any) -> Any:
    """A memory's metadata or history state with secrets replaced, a secret-named key's value whole."""
    from .redact_fields import redact_value

    return redact_value(value, set())


def redact_stored(svc: Recall, *, fix: bool = False) -> Rescan:
    """Find stored text the secret table would change now; with ``fix``, change it in place."""
    from .redact_fields import redact_event

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
        result.other = store.rewrite_texts(_clean, write=fix, change_json=_clean_json)
        if not fix or not result.found:
            return result
    svc.scrub()
    return result


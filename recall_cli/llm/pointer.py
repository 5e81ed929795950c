"""An answer that only points at another note: "changed garage code (see bike.md)", "notes
in bike.md", "details in [[flat]]". The note it names holds what was asked, so the best
statement of that note on the question answers instead, with the pointing line cited too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..models import Hit
from .shape import Shaped, statement_answer, steps_answer
from .support import STOPWORDS, words

if TYPE_CHECKING:
    from ..store.db import Store

# a note file named in a line ("bike.md", "cuisine-rdc.md") or a wiki link ("[[bike]]", "[[Flat|the flat]]")
NOTE_NAMED = re.compile(r"(?<![\w/.-])([\w][\w.-]*\.(?:md|markdown|txt|org))\b|\[\[([^\]|#]+)", re.I)


# a note named in words: "wrote steps in the geyser note", "copied to eye op note"
NOTE_CALLED = re.compile(r"\b(?:in|see|to|into|on)\s+(?:the\s+|my\s+|our\s+)?(\w+(?:[ -]\w+)?)\s+note\b", re.I)


def pointed_note(text: str) -> str | None:
    """The file name of the note ``text`` points at ("bike.md"; "[[bike]]" is "bike.md"), else None."""
    found = NOTE_NAMED.search(text)
    if found is None:
        return None
    return found.group(1) or f"{found.group(2).strip()}.md"


def pointed_names(text: str) -> list[str]:
    """The file names the note ``text`` points at may have: "bike.md" as written, or for "the
    eye op note" "eye op.md", "eye-op.md" and "eye_op.md"."""
    if (named := pointed_note(text)) is not None:
        return [named]
    called = NOTE_CALLED.search(text)
    if called is None or called.group(1).lower() in STOPWORDS:
        return []
    name = called.group(1).lower()
    return list(dict.fromkeys(f"{name.replace(' ', sep)}.md" for sep in (" ", "-", "_", "")))


def followed(store: Store, made: Shaped, keys: set[str], reply: Callable[[Hit], Hit | None],
             amount: bool = False, steps: bool = False) -> Shaped | None:
    """For an answer whose line points at another note, the latest best statement of that note
    on the question and on what the line says of it ("changed garage code" -> its "garage
    padlock: ~~4179~~ -> 2063"); None when the answer points nowhere, the note is not stored,
    or nothing in it shares a key word of the question."""
    names = pointed_names(made.text)
    source = made.hits[0] if made.hits else None
    if not names or source is None:
        return None
    items = [Hit.from_event(e) for name in names for kind in ("note", "file") for e in store.session_events(name, kind)
             if e.id != source.id]
    name = next((n for n in names if any(h.session == n for h in items)), names[0])
    if not items or not any(keys & words(h.text or "") for h in items):
        return None
    # the pointing line's own words say which part of the note it means ("garage code")
    about = keys | (words(made.text) - words(name) - STOPWORDS)
    # ("wrote steps in the geyser note" for "what do I do, step by step?": the steps it lists)
    found = steps_answer(about, items, depth=len(items)) if steps else \
        statement_answer(about, items, reply, depth=len(items), latest=True, amount=amount)
    if found is None or not keys & words(found.text):
        return None
    return Shaped(found.text, [*found.hits, source])

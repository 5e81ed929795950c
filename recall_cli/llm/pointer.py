"""An answer that only points at another note: "changed garage code (see bike.md)", "notes
in bike.md", "details in [[flat]]". The note it names holds what was asked, so the best
statement of that note on the question answers instead, with the pointing line cited too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..models import Hit
from .shape import Shaped, statement_answer
from .support import STOPWORDS, words

if TYPE_CHECKING:
    from ..store.db import Store

# a note file named in a line ("bike.md", "cuisine-rdc.md") or a wiki link ("[[bike]]", "[[Flat|the flat]]")
NOTE_NAMED = re.compile(r"(?<![\w/.-])([\w][\w.-]*\.(?:md|markdown|txt|org))\b|\[\[([^\]|#]+)", re.I)


def pointed_note(text: str) -> str | None:
    """The file name of the note ``text`` points at ("bike.md"; "[[bike]]" is "bike.md"), else None."""
    found = NOTE_NAMED.search(text)
    if found is None:
        return None
    return found.group(1) or f"{found.group(2).strip()}.md"


def followed(store: Store, made: Shaped, keys: set[str], reply: Callable[[Hit], Hit | None],
             amount: bool = False) -> Shaped | None:
    """For an answer whose line points at another note, the latest best statement of that note
    on the question and on what the line says of it ("changed garage code" -> its "garage
    padlock: ~~4179~~ -> 2063"); None when the answer points nowhere, the note is not stored,
    or nothing in it shares a key word of the question."""
    name = pointed_note(made.text)
    source = made.hits[0] if made.hits else None
    if name is None or source is None:
        return None
    items = [Hit.from_event(e) for kind in ("note", "file") for e in store.session_events(name, kind)
             if e.id != source.id]
    if not items or not any(keys & words(h.text or "") for h in items):
        return None
    # the pointing line's own words say which part of the note it means ("garage code")
    about = keys | (words(made.text) - words(name) - STOPWORDS)
    found = statement_answer(about, items, reply, depth=len(items), latest=True, amount=amount)
    if found is None or not keys & words(found.text):
        return None
    return Shaped(found.text, [*found.hits, source])

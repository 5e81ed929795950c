"""Whether a plan still stands: "am I still going to Lisbon?" after "ok. lisboa cancelled".

A plan is called off in a later note that seldom says the question's words: "hen - can't
go", "so shigaraki is off — cancelled w/ mei", "so forget the bigger one", "=> i'll miss the
good friday crucifixion". Search ranks the plan first (it says what the question says), and
the note that drops it may not be among the evidence at all. So the thing asked about is
looked up in what the same writer wrote after the plan, for a line that names it and says it
is off; that line answers, with the plan after it as "(before: ...)".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..models import Hit
from ..search.text import GENERIC
from .shape import Shaped, clean
from .support import sentences, stem, tokens, words
from .update import is_question, note_heading, same_writer

if TYPE_CHECKING:
    from ..store.db import Store

# "am I still going to ...?", "is the hen do still on?", "are we still doing ...?"
STILL = re.compile(r"^\s*(?:am|are|is|will)\s+[\w' ]{1,40}?\bstill\b", re.I)
AFTER_STILL = re.compile(r"\bstill\s+([a-z]+)", re.I)
# a plan dropped, in the words people write it down with (not "Dan is off on Friday", not
# "I miss Lisbon": a miss to come is a thing not done)
OFF = re.compile(r"\b(?:cancell?(?:ed|ing)?|called off|calling off|not happening|not going|won'?t be going|"
                 r"(?:can'?t|cannot|couldn'?t) (?:go|come|make it|do it)(?! back)|"
                 r"dropp(?:ed|ing) out|pull(?:ed|ing) out|"
                 r"(?:forget|scrap|scrapped|ditch|ditched) (?:about )?(?:the|it|that)|nope|no longer|"
                 r"(?:is|are|'s) off(?!\s+(?:to|on|for|from|at|until|till|work|sick|today|tomorrow)\b)|"
                 r"(?:i'?ll|i will|going to|gonna|have to|will) (?:have to )?miss|no point)\b"
                 r"|\s[-:\u2013\u2014]\s*off(?=\s*(?:[.!;,)]|$))", re.I)  # "dai morgan - off."
LOOKED_AT = 20  # the later items read


def still_on(store: Store, made: Shaped | None, question: str, keys: set[str]) -> Shaped | None:
    """``made``, or for a question whether a plan still stands, the later line of the same
    writer that calls the thing off, with the answer it replaces after it."""
    if made is None or not made.hits or made.hits[0].owner != "event" or not STILL.match(question):
        return made
    verb = AFTER_STILL.search(question)
    skip = {stem(verb.group(1).lower())} if verb else set()
    things = [t for t in dict.fromkeys(tokens(question)) if stem(t) in keys and stem(t) not in skip
              and t not in GENERIC and t.isalnum()]
    if not things:
        return made
    source = made.hits[0]
    match = " OR ".join(f'"{t}"' for t in things)
    ids = [i for i, _ in store.fts_events(match, LOOKED_AT, since=source.ts + 1)]
    later = sorted((Hit.from_event(e) for e in store.get_events(ids).values()
                    if same_writer(e.actor, source.actor)), key=lambda h: -h.ts)
    wanted = {stem(t) for t in things}
    for hit in later:
        # a note headed with it ("hen - can't go") calls it off above all its lines
        heading = note_heading(hit).rsplit(" > ", 1)[-1]
        # line by line: a list line of a note is a thing of its own ("start mon 6 jan" / "dai morgan - off.")
        lines = [s for line in (hit.text or "").splitlines() for s in sentences(line)]
        for sentence in [heading, *lines] if heading else lines:
            # the line names the thing itself: under "hen - can't go", "the £80 can't come back" drops no plan
            if not is_question(sentence) and OFF.search(sentence) and wanted & words(sentence):
                said = clean(sentence) or sentence
                return Shaped(f"No: {said} (before: {clean(made.text) or made.text})", [hit, *made.hits])
    return made

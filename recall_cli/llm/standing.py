"""What stands now: a plan called off since ("am I still going to Lisbon?" after "ok. lisboa
cancelled"), a role taken over by someone else ("who's my assistant coach now?").

A plan is called off in a later note that seldom says the question's words: "hen - can't
go", "so shigaraki is off — cancelled w/ mei", "so forget the bigger one", "=> i'll miss the
good friday crucifixion". Search ranks the plan first (it says what the question says), and
the note that drops it may not be among the evidence at all. So the thing asked about is
looked up in what the same writer wrote after the plan, for a line that names it and says it
is off; that line answers, with the plan after it as "(before: ...)". A role passes on the
same way: "priya sandhu taking over as assistant coach" in a cricket note written after "gary
firth assistant".
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
    if made is None or not STILL.match(question):
        return made
    verb = AFTER_STILL.search(question)
    skip = {stem(verb.group(1).lower())} if verb else set()
    found = _later_line(store, made, _things(question, keys, skip), OFF)
    if found is None:
        return made
    return Shaped(f"No: {found[0]} (before: {clean(made.text) or made.text})", [found[1], *made.hits])


# "who's my assistant coach now?": who took the role on (not "who did I meet", not "who said")
NOW_WHO = re.compile(r"^\s*who(?:'s|\u2019s| is| are)\b", re.I)
# a role that passed to someone, as notes say it: "priya sandhu taking over as assistant coach",
# "mere kahu stepping up as asst coach", "claim's gone to sam whitaker", "mark daly coaching w me now"
TAKEN_OVER = re.compile(r"\b(?:tak(?:ing|es|en) over|took over|stepp(?:ing|ed|s) (?:up|in)|"
                        r"(?:'s|has|have|is|was) (?:gone|passed|handed)(?: over)? to|replac(?:ing|es|ed)|"
                        r"(?:handling|doing|running|covering|coaching|managing|teaching|looking after)\b[^.;:]{0,24}"
                        r"\bnow(?=\s*(?:[.!,;)]|$)))", re.I)


def taken_over(store: Store, made: Shaped | None, question: str, keys: set[str]) -> Shaped | None:
    """``made``, or for "who's my assistant coach now?", the later line of the same writer
    that says someone took the role over, with the answer it replaces after it."""
    if made is None or not NOW_WHO.match(question):
        return made
    found = _later_line(store, made, _things(question, keys, set()), TAKEN_OVER)
    if found is None:
        return made
    return Shaped(f"{found[0]} (before: {clean(made.text) or made.text})", [found[1], *made.hits])


def _things(question: str, keys: set[str], skip: set[str]) -> list[str]:
    """The words of ``question`` that name the thing asked about: its key words, less
    ``skip`` and words that name nothing in particular."""
    return [t for t in dict.fromkeys(tokens(question)) if stem(t) in keys and stem(t) not in skip
            and t not in GENERIC and t.isalnum()]


def _later_line(store: Store, made: Shaped, things: list[str], says: re.Pattern[str]) -> tuple[str, Hit] | None:
    """The latest line, written after ``made``'s item by its writer, that names one of
    ``things`` and ``says`` what changed; None for none."""
    if not things or not made.hits or made.hits[0].owner != "event":
        return None
    source = made.hits[0]
    match = " OR ".join(f'"{t}"' for t in things)
    ids = [i for i, _ in store.fts_events(match, LOOKED_AT, since=source.ts + 1)]
    later = sorted((Hit.from_event(e) for e in store.get_events(ids).values()
                    if same_writer(e.actor, source.actor)), key=lambda h: -h.ts)
    wanted = {stem(t) for t in things}
    for hit in later:
        # a note headed with it ("hen - can't go") says it above all its lines
        heading = note_heading(hit).rsplit(" > ", 1)[-1]
        # line by line: a list line of a note is a thing of its own ("start mon 6 jan" / "dai morgan - off.")
        lines = [s for line in (hit.text or "").splitlines() for s in sentences(line)]
        for sentence in [heading, *lines] if heading else lines:
            # the line names the thing itself: under "hen - can't go", "the £80 can't come back" drops no plan
            if not is_question(sentence) and says.search(sentence) and wanted & words(sentence):
                return clean(sentence) or sentence, hit
    return None

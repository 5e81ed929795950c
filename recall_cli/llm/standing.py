"""What stands now: a plan called off since ("am I still going to Lisbon?" after "ok. lisboa
cancelled"), a role taken over by someone else ("who's my assistant coach now?"), what a
thing came to in the end ("how much did the clutch end up costing?").

A plan is called off in a later note that seldom says the question's words: "hen - can't
go", "so shigaraki is off — cancelled w/ mei", "so forget the bigger one", "=> i'll miss the
good friday crucifixion". Search ranks the plan first (it says what the question says), and
the note that drops it may not be among the evidence at all. So the thing asked about is
looked up in what the same writer wrote after the plan, for a line that names it and says it
is off; that line answers, with the plan after it as "(before: ...)". A role passes on the
same way: "priya sandhu taking over as assistant coach" in a cricket note written after "gary
firth assistant"; and a price: "final bill 4 650" after the quote's "3 900 zł".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from ..models import Hit
from ..search.text import GENERIC
from ..timephrase.phrase import MONTH_RE, MONTHS, ORDINAL_RE, WEEKDAYS, mentions
from .measure import gives_figure
from .shape import HOW_MUCH, PRICE_WORDS, Shaped, clean
from .support import STOPWORDS, sentences, stem, tokens, words
from .update import (
    TIME_WORD,
    UPDATE_DEPTH,
    changes,
    further_down,
    heading_words,
    is_question,
    note_heading,
    same_writer,
)

if TYPE_CHECKING:
    from ..store.db import Store

# "am I still going to ...?", "is the hen do still on?", "are we still doing ...?"
STILL = re.compile(r"^\s*(?:am|are|is|will)\s+[\w' ]{1,40}?\bstill\b", re.I)
AFTER_STILL = re.compile(r"\bstill\s+([a-z]+)", re.I)
# a plan dropped, in the words people write it down with (not "Dan is off on Friday", not
# "I miss Lisbon": a miss to come is a thing not done)
OFF = re.compile(r"\b(?:cancell?(?:ed|ing)?|called off|calling off|not happening|not going|won'?t be going|"
                 r"(?:can'?t|cannot|couldn'?t) (?:go|come|make it|do it)(?! back)|"
                 r"dropp(?:ed|ing) out|pull(?:ed|ing) out|pull(?:ed|ing)? the plug|"
                 r"(?:forget|scrap|scrapped|ditch|ditched) (?:about )?(?:the|it|that)|nope|no longer|"
                 r"(?:is|are|'s) off(?!\s+(?:to|on|for|from|at|until|till|work|sick|today|tomorrow)\b)|"
                 r"(?:i'?ll|i will|going to|gonna|have to|will) (?:have to )?miss|no point)\b"
                 r"|\s[-:\u2013\u2014]\s*off(?=\s*(?:[.!;,)]|$))", re.I)  # "dai morgan - off."
LOOKED_AT = 20  # the later items read
# words that say when, not what: "the weekend of 14 November" names no plan
WHEN_WORDS = frozenset("weekend weekends week weeks month months year today tonight tomorrow morning evening "
                       "night nights day days".split())
PLAN_AHEAD = 12 * 3600  # a time spoken of this long after the line was written makes it a plan
OFF_REACH = 25  # characters between a plan's name and the words that call it off ("Lisbon is off")
_WEEKDAY_STARTS = frozenset(day[:3] for day in WEEKDAYS)  # "Thu" of "NEW DATE: Thu 27 March" is a day too


def called_off(store: Store, made: Shaped | None, question: str, now: float | None = None) -> Shaped | None:
    """``made``, or where it quotes a plan still to come at ``now`` (a line that speaks of a
    time after it was written) and a later line of the same writer calls that plan off,
    ``made`` with that line after it: "when am I going to Lisbon?" is not answered by the
    trip alone when "so Lisbon is off" came after. (Whether it is "still on" is asked and
    answered apart.)"""
    if made is None or STILL.match(question) or not made.hits or made.hits[0].owner != "event":
        return made
    found = off_since(store, made.hits[0], now)
    if found is None or found[0] in made.text:
        return made
    return Shaped(f"{made.text} (since called off: {found[0].rstrip('.')})", [*made.hits, found[1]])


def off_since(store: Store, source: Hit, now: float | None = None) -> tuple[str, Hit] | None:
    """The later line of ``source``'s writer that calls off the plan ``source`` tells, and
    its item; None when ``source`` speaks of no time after it was written (and, given
    ``now``, not gone by), or nothing later calls it off. The plan is
    known by its names (the capitalised words inside its sentences, not months or days),
    and the line must say one of them right by the words that call it off ("so Lisbon is
    off"): a heading's words ("move", "christmas") and a name said elsewhere in a long
    line ("Tariq moved out ... gonna miss him") name other things as often."""
    if not any(span.since > source.ts + PLAN_AHEAD and (now is None or span.until >= now)
               for span in mentions(source.text or "", source.ts)):
        return None
    things = list(dict.fromkeys(t.lower() for t in plan_names(source.text or "")))
    found = _later_line(store, Shaped(source.text or "", [source]), things, OFF)
    if found is None or found[1].ref == source.ref:
        return None
    line = found[0].lower()
    near = [(m.start(), m.end()) for t in things for m in re.finditer(rf"\b{re.escape(t)}\b", line)]
    # (a name said by the words themselves is none: "OFF" of "dental on the 11th is OFF" in the plan)
    if not any(0 <= off.start() - end <= OFF_REACH or 0 <= at - off.end() <= OFF_REACH
               for off in OFF.finditer(line) for at, end in near):
        return None
    return found


def plan_names(text: str) -> list[str]:
    """The capitalised words inside ``text``'s sentences (not the first of each): the places
    and people a plan is known by ("Lisbon", "Jonas"), not months, days or common words."""
    found = []
    for sentence in sentences(text):
        for word in sentence.split()[1:]:
            word = word.strip(".,;:!?()\"'")
            # (not a word in capitals that calls off or says when: "dental on the 11th is OFF", "NEW DATE: Thu")
            if word[:1].isupper() and word.isalpha() and len(word) > 2 and word.lower() not in MONTHS \
                    and word.lower()[:3] not in _WEEKDAY_STARTS and word.lower() not in STOPWORDS \
                    and not OFF.search(word) and word.lower() not in WHEN_WORDS:
                found.append(word)
    return found


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
    return _replacing(f"No: {found[0]}", found[1], made)


# "who's my assistant coach now?": who took the role on (not "who did I meet", not "who said")
NOW_WHO = re.compile(r"^\s*who(?:'s|\u2019s| is| are)\b", re.I)
# a role that passed to someone, as notes say it: "priya sandhu taking over as assistant coach",
# "mere kahu stepping up as asst coach", "claim's gone to sam whitaker", "mark daly coaching w me now"
TAKEN_OVER = re.compile(r"\b(?:tak(?:ing|es|en) over|took over|stepp(?:ing|ed|s) (?:up|in)|"
                        r"(?:'s|has|have|is|was) (?:gone|passed|handed)(?: over)? to|replac(?:ing|es|ed)|"
                        # "handing the stewardship project over to Priya Nair", "New tutor: Luisa Ferreira"
                        r"hand(?:ing|s|ed)\b[^.;:]{0,60}?\bover to|\bnew\s+[a-z]+(?:\s+[a-z]+)?\s*:(?=\s*[A-Z])|"
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
    return _replacing(found[0], found[1], made)


# "how much did the clutch end up costing?", "how much is the loft now?": what it came to at last
COME_TO = re.compile(r"\b(?:in the end|end(?:ed|s)? up|final(?:ly)?|all in|altogether|in total|now)\b"
                     r"|^\s*how much (?:is|are|does|do)\b", re.I)  # what it costs asks what holds now
# the line that says what it came to: "final bill 4 650", "revised price £3,380", "so final
# price £26,850", "| **total** | **142** |" (not "quoted", not "deposit £500 paid")
CAME_TO = re.compile(r"\b(?:final|in the end|came to|comes? to|total(?:led|s)?|all in|revised|"
                     r"new (?:price|quote|total|rate|fee|bill))\b", re.I)
# "how many cores did I collect?" asks for all of them: a later total counts what a running
# count ("day 2: 18 cores total") did not yet (not when a time says which: "... on Tuesday?")
TOTAL = re.compile(r"\b(?:total(?:led|s)?|in all|altogether|all (?:in|together))\b", re.I)
COUNT_DONE = re.compile(r"^\s*how many\b(?=[^?]*\b(?:did|have|had)\s+(?:i|we)\b)", re.I)


def came_to(store: Store, made: Shaped | None, question: str, keys: set[str]) -> Shaped | None:
    """``made``, or for "how much did the clutch end up costing?", the later line of the same
    writer that names the thing and says what it came to, with a figure, and the answer it
    replaces after it."""
    come_to = COME_TO.search(question) is not None
    if made is None or not HOW_MUCH.search(question) or not (
            come_to or (COUNT_DONE.match(question) and not TIME_WORD.search(question))):
        return made
    skip = PRICE_WORDS | {stem(w) for w in ("end", "final", "total", "altogether", "now", "much")}
    # (a count's total, not "revised to £4,600": "how many plumbing quotes did I get?")
    found = _later_line(store, made, _things(question, keys, skip), CAME_TO if come_to else TOTAL,
                        figure=True, under_heading=True)
    if found is None or found[0] in made.text:
        return made
    return _replacing(found[0], found[1], made)


def _replacing(text: str, hit: Hit, made: Shaped) -> Shaped:
    """``text`` (from ``hit``) as the answer, with the answer it replaces after it: what that
    answer says holds, not what it replaced in turn."""
    if made.hits and hit.ref == made.hits[0].ref:
        return Shaped(text, [hit, *made.hits[1:]])  # another line of the same item replaced nothing
    before = clean(made.text) or made.text
    return Shaped(f"{text} (before: {before.split(' (before: ', 1)[0]})", [hit, *made.hits])


def _things(question: str, keys: set[str], skip: AbstractSet[str]) -> list[str]:
    """The words of ``question`` that name the thing asked about: its key words, less
    ``skip`` and words that name nothing in particular."""
    said = [t.removesuffix("'s") for t in tokens(question)]  # "mum's gp": mum, too
    return [t for t in dict.fromkeys(said) if stem(t) in keys and stem(t) not in skip
            and t not in GENERIC and t.isalnum()]


def _aliases(source: Hit, things: list[str]) -> list[str]:
    """The other words of the heading of ``source``'s note, where it names one of ``things``:
    what else the writer calls the thing ("easter" of "easter idea — québec city w/ K", the
    later note says "easter getaway is off")."""
    heading = note_heading(source)
    said, wanted = words(heading), {stem(t) for t in things}
    if not wanted & said:
        return []
    return [t for t in dict.fromkeys(tokens(heading)) if t.isalpha() and len(t) > 3 and t not in GENERIC
            and stem(t) in said - wanted]


def _later_line(store: Store, made: Shaped, things: list[str], says: re.Pattern[str], figure: bool = False,
                under_heading: bool = False) -> tuple[str, Hit] | None:
    """The latest line, written after ``made``'s item by its writer (or further down the same
    note), that names one of ``things`` and ``says`` what changed (with ``figure``: and gives one); with
    ``under_heading``, a line under a heading that names the thing names it too ("revised
    price £3,380" under "boiler")."""
    if not things or not made.hits or made.hits[0].owner != "event":
        return None
    source = made.hits[0]
    things = things + _aliases(source, things)
    match = " OR ".join(f'"{t}"' for t in things)
    ids = [i for i, _ in store.fts_events(match, LOOKED_AT, since=source.ts)]
    # later, or further down the same note ("total **£7,240**" below the list of what it cost)
    later = sorted((h for h in map(Hit.from_event, store.get_events(ids).values())
                    if same_writer(h.actor, source.actor) and (h.ts > source.ts or further_down(h, source))),
                   key=lambda h: (-h.ts, -int((h.meta or {}).get("line_start") or 0)))
    # and the answer's own item last: "revised price £3,380" two lines over "deposit £500 paid today"
    later.append(source)
    wanted = {stem(t) for t in things}
    for hit in later:
        # a note headed with it ("hen - can't go") says it above all its lines
        heading = note_heading(hit).rsplit(" > ", 1)[-1]
        named = bool(wanted & heading_words(hit)) if under_heading else False
        # line by line: a list line of a note is a thing of its own ("start mon 6 jan" / "dai morgan - off.");
        # a line names the thing for all its sentences ("collected the corolla ... so final price £26,850")
        lines = [(heading, wanted & words(heading))] if heading else []
        lines += [(line, wanted & words(line)) for line in (hit.text or "").splitlines()]
        for line, names in lines:
            for sentence in sentences(line):
                # the line names the thing itself: under "hen - can't go", "the £80 can't come back" drops no plan
                if not is_question(sentence) and says.search(sentence) and (named or names) \
                        and (not figure or gives_figure(sentence, hit.ts)):
                    # where the sentence does not name the thing, its line ("... transit L3H2 ... nope.")
                    said = sentence if named or wanted & words(sentence) else line
                    return clean(said) or said, hit
    return None


# a change said to hold from a time: "goes up to 39.90 a month from December", "starting 1 January"
FROM_WHEN = re.compile(
    rf"\b(?:from|starting|as of|effective|beginning)\s+(?:(?:the\s+)?(?:start|beginning) of\s+)?"
    rf"(?P<when>next (?:week|month|year)|\d{{1,2}}{ORDINAL_RE}\s+(?:of\s+)?{MONTH_RE}\.?(?:\s+\d{{4}})?"
    rf"|{MONTH_RE}\.?(?:\s+\d{{1,2}}{ORDINAL_RE}\b)?(?:,?\s+\d{{4}})?)", re.I)


def takes_effect(sentence: str, ts: float, now: float) -> str | None:
    """The time a change ``sentence`` tells (written at ``ts``) holds from, as written ("from
    December"), when that is still to come at ``now``; None otherwise. Until then, what it
    changes is what holds."""
    for found in FROM_WHEN.finditer(sentence):
        when = found.group("when")
        # a month alone is the one the writer had ahead of them, as "in December" is
        spans = mentions(when if re.search(r"\d|next", when) else f"in {when}", ts)
        if spans and spans[0].since > now:
            return found.group(0).rstrip(".")
    return None


def in_effect(made: Shaped, now: float, hits: Sequence[Hit], keys: set[str]) -> Shaped:
    """``made``, or where a change written before it holds from a time that came after it was
    written and has come by ``now``, that change, with ``made`` before it: "retainer going up to
    £750/month from 1 dec" (17 Nov) holds over "hasnt paid the november retainer (£600)" (22 Nov)."""
    if not made.hits or " (before: " in made.text:
        return made
    first = made.hits[0]
    shared = keys & words(made.text)
    found = [(hit.ts, said, hit) for hit in hits[:UPDATE_DEPTH]
             if hit.owner == "event" and hit.ts < first.ts and same_writer(hit.actor, first.actor)
             for said in sentences(hit.text or "")
             if takes_effect(said, hit.ts, first.ts) is not None and takes_effect(said, hit.ts, now) is None
             and changes(said, shared)]
    if not found:
        return made
    _, said, hit = max(found, key=lambda f: f[0])
    return Shaped(f"{clean(said) or said} (before: {made.text})", [hit, *made.hits])

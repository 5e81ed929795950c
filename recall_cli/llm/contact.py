"""Whose number: "what's the number of the mechanic who did the van clutch?" asks in two steps.
The note that says who did it ("dinny doing the brakes thurs") seldom gives a number; the line
that does ("dinny hegarty - hegarty motors, ovens - 087 412 6690") may be in another note,
months apart, that says nothing of the clutch. So where the answer found names no number,
the words of its sentence that may be someone's name are looked up for a line that gives a
phone number right after one of them; the nearest such answers, with the first step after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..models import Hit
from ..search.text import GENERIC, is_assistant
from .shape import Shaped, clean
from .support import LONG_NUMBER, STOPWORDS, sentences, stem, tokens, words
from .update import TIME_WORD

if TYPE_CHECKING:
    from ..store.db import Store

# the number of someone the question describes ("the number for the sparky i was going to ask",
# "the phone number of the garage that did my clutch"), not a thing's own ("my allotment plot number")
WHOSE = re.compile(r"\b(?:number|phone|mobile|contact)\s+(?:of|for)\s+(?:the|my|our|[\w-]+'s)\s", re.I)
# "Gary's phone number", "garys number" (typed so), "tomasz's email": the name, how its possessive
# was written, and the detail asked (an email, or else a phone number)
NAMED_NUMBER = re.compile(r"\b([a-z][a-z-]*?)('s|\u2019s|s)\s+(?:(?:phone|mobile|contact)\s+)?"
                          r"(number|phone|mobile|e-?mail)\b", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_DIGITS = 7  # a phone number has at least this many digits ("087 412 6690", "918 44 207")
REACH = 60  # the characters between a name and its number on one line ("marek, 07700 900461")
NAMES_LOOKED_AT = 8  # the words of the first step tried as names
LINES_LOOKED_AT = 30  # the items read for each


def number_of(store: Store, made: Shaped | None, question: str, keys: set[str]) -> Shaped | None:
    """``made``, or for the number of someone the question describes, where ``made`` names
    no number, the line that gives one right after a word of ``made``'s sentence that says a
    key word of the question (someone's name), with that sentence after it."""
    if made is None or not made.hits or not WHOSE.search(question) or _numbers(made.text):
        return made
    said = sentences(clean(made.text) or made.text) or [made.text]
    # the sentences that tell what they did ("dinny doing the brakes thurs", with "failed the nct")
    told = [s for s in said if keys & words(s)] or said
    asked = keys | {stem(t) for t in tokens(question)}
    names = [(t, s) for s in told for t in dict.fromkeys(tokens(s))
             if t.isalpha() and len(t) > 2 and t not in STOPWORDS and t not in GENERIC
             and stem(t) not in asked and not TIME_WORD.fullmatch(t)][:NAMES_LOOKED_AT]
    best: tuple[int, int, str, Hit, str] | None = None
    looked: set[str] = set()
    for order, (name, sentence) in enumerate(names):
        if name in looked:
            continue  # said again in a later sentence: its lines are read, and it ranks after itself
        looked.add(name)
        for near, line, hit in _numbers_after(store, name, str.splitlines):
            if best is None or (near, order) < best[:2]:
                best = (near, order, line.strip(), hit, sentence)
    if best is None:
        return made
    line = re.sub(r"^[-*•\s]*(?:\[[ xX]?\]\s*)?", "", best[2]).strip()  # not its bullet or box
    return Shaped(f"{clean(line) or line} ({best[4].strip()})", [best[3], *made.hits])


def named_number(store: Store, made: Shaped | None, question: str) -> Shaped | None:
    """``made``, or for "what's Gary's phone number?" (or "garys", typed so; or "Tomasz's
    email") where ``made`` gives none, the sentence that gives one right after the name (or
    in the sentence after it: "pay Rachel by 7 Nov. her number 07700 900655"), in whichever
    item says it ("Tiler: Gary Newton (Newton Tiling), 07700 900188.", ranked below the notes on
    what Gary did); None when no item gives one (a line on what Kirsty did is not her number)."""
    asked = NAMED_NUMBER.search(question)
    email = asked is not None and "mail" in asked.group(3).lower()
    if made is None or asked is None or (EMAIL.search(made.text) if email else _numbers(made.text)):
        return made
    base = asked.group(1).lower()
    tried = [base] if asked.group(2) != "s" else [base, base + "s"]  # "garys": Gary's, or a name in s
    for name in (t for t in tried if t not in STOPWORDS and t not in GENERIC and len(t) > 2):
        best: tuple[int, float, str, Hit] | None = None
        for near, sentence, hit in _numbers_after(store, name, _with_next, EMAIL if email else None):
            if best is None or (near, -hit.ts) < best[:2]:
                best = (near, -hit.ts, sentence.strip(), hit)
        if best is not None:
            return Shaped(clean(best[2]) or best[2], [best[3]])
    return None


def _with_next(text: str) -> list[str]:
    """``text``'s sentences, then each with the one after it (a number said just after the
    sentence that names whose it is)."""
    said = sentences(text)
    return [*said, *(f"{a} {b}" for a, b in zip(said, said[1:], strict=False))]


def _numbers_after(store: Store, name: str, pieces: Callable[[str], list[str]],
                   detail: re.Pattern[str] | None = None) -> Iterator[tuple[int, str, Hit]]:
    """(characters between, piece, item) for each piece (line or sentence) of the items that
    say ``name`` where a phone number (or a match of ``detail``) follows it (see _nearest); a
    number the user wrote down, not one an assistant gave."""
    ids = [i for i, _ in store.fts_events(f'"{name}"', LINES_LOOKED_AT)]
    for hit in map(Hit.from_event, store.get_events(ids).values()):
        if is_assistant(hit.actor or ""):
            continue
        for piece in pieces(hit.text or ""):
            if (near := _nearest(name, piece, detail)) is not None:
                yield near, piece, hit


def _numbers(text: str) -> bool:
    """Whether ``text`` gives a phone number."""
    return any(_is_phone(m.group(0)) for m in LONG_NUMBER.finditer(text))


def _is_phone(number: str) -> bool:
    """Whether a LONG_NUMBER match has a phone number's digits."""
    return sum(c.isdigit() for c in number) >= PHONE_DIGITS


def _nearest(name: str, line: str, detail: re.Pattern[str] | None = None) -> int | None:
    """The characters between ``name`` and the phone number (or ``detail``) after it on
    ``line`` (with no other number, or detail, between them), or None for none within REACH."""
    wanted = detail or LONG_NUMBER
    for said in re.finditer(rf"\b{re.escape(name)}\b", line, re.I):
        for found in wanted.finditer(line, said.end()):
            gap = line[said.end():found.start()]
            if detail is None and not _is_phone(found.group(0)):
                continue
            if found.start() - said.end() <= REACH and not wanted.search(gap):
                return found.start() - said.end()
            break
    return None

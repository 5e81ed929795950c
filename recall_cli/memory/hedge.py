"""What the events only wonder about, told as firm: "Maybe buy a bike for commuting in
spring" is no plan to buy a bike, and a memory that drops the "maybe" invents one."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..llm.support import sentences
from ..models import Event
from ..search.retrieve import STOPWORDS
from ..search.text import is_assistant
from .attribution import deeds
from .evidence import WORD, stem

# words that leave a deed open: the writer wonders, weighs or guesses
HEDGE = re.compile(r"\b(?:maybe|perhaps|possibly|might|not sure (?:if|whether|about)|wondering (?:if|whether|about)|"
                   r"no idea (?:if|whether))\b", re.I)
CLAUSE = re.compile(r"[.;:!?,]\s+|\s+(?:but|or)\s+")


def hedged_as_firm(text: str, cited: Sequence[Event]) -> str:
    """The words of the first deed (a verb and its object) that ``text`` tells without a hedge
    while the ``cited`` events tell it only with one ("Maybe buy a bike" -> "buy a bike" in
    "The user is planning to ... buy a bike"); '' when there is none."""
    hedged: set[tuple[str, str]] = set()
    plain: set[tuple[str, str]] = set()
    for event in cited:
        for sentence in sentences(event.text):
            (hedged if HEDGE.search(sentence) else plain).update(deeds(sentence))
    wondered = hedged - plain
    if not wondered:
        return ""
    for clause in CLAUSE.split(text):
        if HEDGE.search(clause):
            continue  # the memory keeps the doubt
        for pair, words in deeds(clause).items():
            if pair in wondered:
                return words
    return ""


# a clause that says whose the idea was ("the assistant suggested Universeum") may name it
ADVISED = re.compile(r"\b(?:assistant|ai|chatgpt|claude|suggest\w*|recommend\w*|advis\w*|propos\w*|"
                     r"ideas?|options?|tips?)\b", re.I)


USER = re.compile(r"\bthe user\b", re.I)


def suggested_as_own(text: str, cited: Sequence[Event]) -> str:
    """The first word of ``text`` that only an assistant's turns say, in a clause on the
    user's doings that does not say it was the assistant's ("The user plans to visit the
    Universeum" where the user asked for ideas and the assistant said "You could visit the
    Universeum"); '' when there is none, or when no assistant speaks in ``cited``."""
    theirs = [e for e in cited if is_assistant(e.actor)]
    if not theirs:
        return ""

    def said(events: Sequence[Event]) -> set[str]:
        return {stem(w.lower()) for e in events for w in WORD.findall(e.text)}
    only = said(theirs) - said([e for e in cited if not is_assistant(e.actor)])
    theirs_told = False  # from the first clause that makes the user its doer, on
    for clause in CLAUSE.split(text):
        theirs_told = theirs_told or bool(USER.search(clause))
        if ADVISED.search(clause) or not theirs_told:
            continue  # (an itinerary line, "Sintra by train from Rossio", is nobody's deed)
        for word in WORD.findall(clause):
            if len(word) > 3 and word.lower() not in STOPWORDS and stem(word.lower()) in only:
                return word
    return ""

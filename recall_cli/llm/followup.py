"""A chat's follow-up questions, read as the whole questions they stand for.

In `recall chat` a question may lean on the last one: "and Anna?" after "where does Priya
live?", "who teaches it?" after "when is my pottery class?", "what did I get him?" after
"when is Rory's birthday?". Each is rewritten into a question of its own before it is
searched and answered; a short one ("and when was that?") is also searched together with
the last question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .lexicon import RELATION
from .support import STOPWORDS, names_in_question, words

_ASKING = r"(?:when|where|what|who|whom|whose|why|how|which|is|was|are|were|did|does|do|can|could|will|would)\b"
# "and Anna?", not "and when was that?" (a question of its own about the same thing)
FOLLOW_UP = re.compile(rf"^\s*(?:and|what about|how about)\s+(?!{_ASKING})(?P<who>[^?]+?)\s*\??\s*$", re.I)
PRONOUN = re.compile(r"\b(?:it|that|this)\b", re.I)
# "the insurance", "my passport": a thing (or "my sister": a relative, asked as a person is)
THING = re.compile(r"^(?:the|my|our|your|a|an)\s+(?P<noun>[\w'-]+)", re.I)
# what the last question was about: "my pottery class" of "when is my pottery class?"
TOPIC = re.compile(r"^\s*(?:\w+\s+(?:is|are|was|were)\s+(?P<np>(?!it\b|that\b|this\b)[^?]+?)"
                   r"|.*?\b(?P<det>(?:my|the|our|his|her|their)\s+[^?]+?))\s*\??\s*$", re.I)


def follow_up(question: str, history: Sequence[tuple[str, str]]) -> str:
    """A follow-up that only names someone else ("and Anna?", "what about Tom's sister?") asks
    the last question about them: "Where does Anna live?" after "Where does Priya live?". A
    short one that says "it" asks about the last question's thing: "who teaches it?" after
    "when is my pottery class?" is "who teaches my pottery class?"."""
    if not history:
        return question
    previous = follow_up(history[-1][0], history[:-1])
    found = FOLLOW_UP.match(question)
    thing = THING.match(found.group("who")) if found is not None else None
    if found is not None and thing is not None and thing.group("noun").lower() not in RELATION \
            and (topic := TOPIC.match(previous)):
        # "and the insurance?" after "when is the NCT test?" asks when the insurance is, not the test
        span = "np" if topic.group("np") else "det"
        return previous[:topic.start(span)] + found.group("who") + previous[topic.end(span):]
    if found is not None:
        named = names_in_question(previous)
        if not named or (previous == history[-1][0] and FOLLOW_UP.match(previous)):
            return question
        who = found.group("who")
        if named[0].endswith(("'s", "\u2019s")) and not who.endswith(("'s", "\u2019s")):
            who += "'s"  # "and Meabh?" after "when is Rory's birthday?": Meabh's birthday
        return previous.replace(named[0], who, 1)
    asked = WH_OF_THAT.match(question)
    lead = WH_LEAD.match(previous)
    if asked is not None and lead is not None:  # "and when was that?" after "where did we adopt Biscuit?"
        again = f"{asked.group('wh').capitalize()} {previous[lead.end('wh'):].strip()}"
        answer = CITATION.sub("", history[-1][1]).strip()
        if lead.group("wh").lower() in ("what", "who") and answer and not answer.startswith(ABSTAINED):
            # what was asked is in the answer: "when did I get Rory?" means the red kite it gave
            again = f"{again.rstrip('?')} ({answer.rstrip('.')})?"
        return again
    person = _about_person(question, previous, history[-1][1])
    if person != question:
        return person
    topic = TOPIC.match(previous)
    if topic is None or len(words(question)) > 2 or not PRONOUN.search(question):
        return question
    return PRONOUN.sub(topic.group("np") or topic.group("det"), question, count=1)


# "and when was that?", "where was it?": the last question again, asking when (or where) instead
WH_OF_THAT = re.compile(r"^\s*(?:and|so)?\s*(?P<wh>when|where|why|how)\s+(?:was|is|were|did)\s+(?:that|it|this)"
                        r"(?:\s+again)?\s*\??\s*$", re.I)
# the question word of a question about something that happened, right before its verb ("where
# did ...", "what was ..."); "where does Priya live?" has no "when" to ask
WH_LEAD = re.compile(r"^\s*(?P<wh>what|where|when|who|why|how)\s+(?=(?:did|was|were|has|have|had)\b)", re.I)
WHO = re.compile(r"^\s*who\b", re.I)
CITATION = re.compile(r"\[\w+\]")
ABSTAINED = "Not mentioned"

# "what did I get him?", "when is her birthday?": the one person the last question named
PERSON = re.compile(r"\b(?P<pronoun>he|she|him|his|her|hers|they|them|their)\b(?:\s+(?P<next>[\w']+))?", re.I)
POSSESSIVE = frozenset("his their".split())


def _about_person(question: str, previous: str, answer: str = "") -> str:
    """``question`` with its first personal pronoun replaced by the one person ``previous``
    names ("him" -> "Rory", "her birthday" -> "Meabh's birthday"), or when it asked who, the
    one person its ``answer`` names ("him" after "who is moving to Porto?" answered "Tomas is
    moving to Porto"); unchanged when it names someone itself, or no one or several are named."""
    pronoun = PERSON.search(question)
    named = names_in_question(previous)
    if WHO.match(previous) and not answer.startswith(ABSTAINED):
        # the one answered is who was asked of, not a place the question gave ("Porto"); (the
        # answer's first word may be the name: a question's is never one)
        asked = {n.lower() for n in named}
        named = [n for n in names_in_question(f"- {CITATION.sub('', answer)}") if n.lower() not in asked] or named
    if pronoun is None or len(named) != 1 or names_in_question(question):
        return question
    name = named[0].removesuffix("'s")
    word = pronoun.group("pronoun").lower()
    following = (pronoun.group("next") or "").lower()
    # "her birthday" is hers; "give her the book", "get her?" is her
    owner = word in POSSESSIVE or (word == "her" and bool(following) and following not in STOPWORDS)
    said = f"{name}'s" if owner else name
    return question[:pronoun.start()] + said + question[pronoun.end("pronoun"):]


# a short question that leans on the last one: "and when?", "who teaches it?", "which one?"
REFERS_BACK = re.compile(r"^\s*(?:and|so|what about|how about)\b|\b(?:it|that|this|those|these|one|ones|he|she|him"
                         r"|his|her|they|them|their|there|then)\b", re.I)


def retrieval_query(question: str, history: Sequence[tuple[str, str]]) -> str:
    """A short follow-up ("and when was that?", "when?") is searched together with the last
    question; a short question of its own ("what is on tomorrow?") is not."""
    if history and len(words(question)) <= 3 and (REFERS_BACK.search(question) or not words(question)):
        return f"{history[-1][0]} {question}"
    return question

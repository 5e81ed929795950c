"""The shapes of questions that decide how the evidence answers them (what the asker did or
was told, what holds now, where a thing is)."""

from __future__ import annotations

import re

from .lexicon import SHORT_MONTHS

WHERE = re.compile(r"^\s*where\b", re.I)
# where a thing was put ("where did I put my passport?"), not where an event is ("where is the dinner?")
KEPT_WHERE = re.compile(r"^\s*where\s+(?:(?:did|do)\s+(?:I|we)\s+(?:put|leave|keep|store|hide)|"
                        r"(?:is|are)\b[^?]*\b(?:kept|stored))\b", re.I)
# "what did the vet say about Pepper?": what someone said, not what the asker did
SAID_ASKED = re.compile(r"^\s*what\s+(?:did|does|do)\s+(?!i\b|we\b)[\w' ]{1,30}?\s+(?:say|tell\s+\w+)\b", re.I)
# "how much is in the fund now?", "how much rent will I be paying?", "how many of us were there
# in the end?": what holds now (or from now on, or at last), the latest word on it
NOW_ASKED = re.compile(r"\b(?:now|current|currently|at the moment|these days|so far|latest|will (?:i|we)|in the end|"
                       r"end(?:ed)? up|finally|eventually)\b", re.I)
# "what book are we reading?": the kind of thing asked for, which a line may state ("book is Piranesi")
WHAT_KIND = re.compile(r"^\s*(?:what|which)\s+(?!(?:is|was|are|were|did|do|does|has|have|had|will|would|can|could|"
                       r"should|time|day|date|year|month|kind|sort|type)\b)([a-z]{3,})\b", re.I)
# "what book are we reading now?": the deed going on, which a later "book is Piranesi" leaves unsaid
# (not "what night is running club now?": an -ing word before a noun names a thing)
DOING = re.compile(r"\b(?:are|is|am|'re)\s+(?:(?:we|i|you|they|he|she)\s+)?([a-z]{3,}ing)\b"
                   r"(?!\s+(?!(?:for|with|at|in|on|to|about|now|these|this|the|a|an|my|our|his|her|their|right|"
                   r"currently|today|tonight|lately|nowadays)\b)[a-z])", re.I)
ASKS_OF_ME = re.compile(r"\b(?:do|did|does|am|was|have|had|will|can|should|could|would)\s+(?:I|we)\b|^\s*(?:I|we)\b",
                        re.I)
ADVICE = re.compile(r"^\s*what\s+(?:should|could|shall|can)\s+(?:I|we)\b", re.I)  # what to do: the reply's
DID_I = re.compile(r"^\s*how\s+did\s+(?:I|we)\b", re.I)  # what the asker did, not what they were told
# "what grout did i go with?", "have we paid ...?": what the asker did (no assistant's advice tells it)
WHAT_I_DID = re.compile(r"\b(?:did|have|has|had)\s+(?:i|we)\b", re.I)
# "how much is the hetzner vps?", "how much did the quote end up?": a price, though no word says so
PRICE_ASKED = re.compile(r"^\s*how much (?:is|was|are|were|'s|does|did|do|will|would)\b", re.I)
WHETHER_DONE = re.compile(r"^\s*(?:did|has|have|had)\b", re.I)  # "did pennywell pay ...?"
# "how much can i charge ...?": what one may do, which a reply to a request tells
MAY_I = re.compile(r"\b(?:can|could|should|may)\s+(?:i|we)\b", re.I)

# "where's my spare house key at the moment?", "where did I put my passport?": the thing asked
# for, the last word of what follows (not a time word after it)
WHERE_THING = re.compile(r"^\s*where(?:'s|\s+is|\s+are|\s+did\s+(?:i|we)\s+(?:put|leave|keep|store|park)"
                         r"|\s+do\s+(?:i|we)\s+keep)\s+(?P<thing>[^?]+?)(?:\s+(?:now|right now|at the moment|"
                         r"these days|currently|again|today))?\s*\??\s*$", re.I)


# "what is my wifi password?": the word before a code's name says which one is asked (the
# staging db password is none); "what's the front door code?", "the wifi password at dad's?"
WHICH_CODE = re.compile(r"^\s*what(?:'s|\s+is|\s+was|\s+are)\s+(?:my|our|the|his|her|their)\s+(?:[\w-]+\s+)*?"
                        r"(?P<thing>[a-z][\w-]*)\s+(?:password|passcode|pin|code|username|login)s?"
                        r"(?:\s+(?:at|for|in|on|of|from)\s+[\w'\u2019 -]+?)?\s*\??\s*$", re.I)  # "... at dad's?"


# "how do I keep my plants alive?": the thing the steps are for follows a determiner; it ends
# at a preposition or at what the thing is to be made ("alive", "working")
HOW_THING = re.compile(r"^\s*how\s+(?:do|did|can|could|should|would)\s+(?:i|we|you|one)\s+(?:[\w'-]+\s+){1,3}?"
                       r"(?:my|our|the|your|his|her|their|a|an)\s+(?P<thing>[^?]+?)\s*\??\s*$", re.I)
HOW_THING_END = re.compile(r"\s+(?:from|to|in|into|on|onto|at|for|with|without|when|while|after|before|so|if|of|"
                           r"by|under|over|again|properly|myself|ourselves|that|which|who|whom|now|currently|these|today|anymore)\b.*$",
                           re.I)
COMPLEMENT = frozenset("alive warm cool cold dry clean fresh safe quiet working running healthy happy tidy sharp "
                       "straight open closed shut faster slower longer shorter smaller bigger".split())


# "who's the DJ for Ada's introduction?", "who is my landlord?": the role asked for, which the
# answer must name (a heading that names Ada is no DJ)
WHO_ROLE = re.compile(r"^\s*who(?:'s|\s+is|\s+was|\s+are|\s+were)\s+(?:my|our|the|his|her|their)\s+(?P<thing>[^?]+?)"
                      r"\s*\??\s*$", re.I)


def _words(text: str) -> list[str]:
    found = re.findall(r"[a-z0-9][a-z0-9'\u2019-]*", text.lower())  # "10k" is a thing's name too
    return [w.removesuffix("'s").removesuffix("\u2019s") for w in found]

# a question typed fast: "whats on next week?", "whens gaz back", "gaz phone no", as they are meant
TYPED = ((re.compile(r"\b(what|when|where|who|how|why)s\b", re.I), r"\1 is"),
         (re.compile(r"\b(phone|mobile|tel|contact|house|flat|room|ref|reference|account|policy|order|booking)"
                     r"\s+no\b\.?", re.I), r"\1 number"))


def spelt_out(question: str) -> str:
    """``question`` as it is meant where it was typed fast (see TYPED)."""
    for typed, meant in TYPED:
        question = typed.sub(meant, question)
    return question


# a month that says which thing ("the october energy bill", "novembers rent", "the bill for oct"),
# not when ("what did I do in October?", "end of Oct", "Oct 5th"); not "may", a verb as often
MONTHS = frozenset("january february march april june july august september october november december".split())
DATING = frozenset("in on at during since until till by before after from through between of early late mid end "
                   "start beginning".split())
NOT_THING = frozenset("is was are were and or to the a an i we you did do does so when this last next".split())


def months_named(question: str) -> set[str]:
    """The months a question names as which thing it asks about (full names, lowercase)."""
    said = [w.removesuffix("'s").removesuffix("\u2019s") for w in re.findall(r"[a-z0-9]+(?:['\u2019]s)?",
                                                                          question.lower())]
    found = set()
    for i, word in enumerate(said):
        month = word if word in MONTHS else word[:-1] if word[:-1] in MONTHS else SHORT_MONTHS.get(word)
        before, after = said[i - 1] if i else "", said[i + 1] if i + 1 < len(said) else ""
        if month and ((before == "for" and not after) or (before not in DATING and after.isalpha()
                                                          and after not in NOT_THING)):
            found.add(month)
    return found


def things_asked(question: str) -> set[str]:
    """The words that say which thing a question asks for, one of which an answer must hold:
    "key" in "where is the spare bike key?", "wifi" in "what is my wifi password?", "sourdough"
    or "starter" in "how do I keep my sourdough starter alive?" (a how-to's thing may be named
    by either end: "the sourdough" for "my sourdough loaf", "the tap" for "the leaking tap")."""
    if (code := WHICH_CODE.match(question)) is not None:
        return {code["thing"].lower()}
    if (found := WHERE_THING.match(question)) is not None:  # "the bag drop for the 10K": the drop
        return set(_words(re.split(r"\s+(?:for|of|at|in|on|from)\s+", found["thing"])[0])[-1:])
    if (role := WHO_ROLE.match(question)) is not None:
        return set(_words(HOW_THING_END.sub("", role["thing"]))[-1:])
    if (how := HOW_THING.match(question)) is None:
        return set()
    said = _words(HOW_THING_END.sub("", how["thing"]))
    while len(said) > 1 and said[-1] in COMPLEMENT:
        said.pop()
    return {said[0], said[-1]} if said else set()


def names_thing(things: set[str], stems: set[str], text: str, said: set[str]) -> bool:
    """Whether an item (its ``text``; ``said``, its words stemmed) names a thing asked for
    (``things``, as asked): one of ``stems`` (those of them that are key words), or a short
    one as written ("DJ", "GP": too short for a key word). True when nothing is to be named."""
    short = {t for t in things if len(t) <= 2}
    if not stems and not short:
        return True
    return bool(stems & said) or any(re.search(rf"\b{re.escape(t)}\b", text, re.I) for t in short)

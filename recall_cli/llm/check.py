"""Checking a model's answer against the evidence before anyone sees it.

A small model names things the evidence never says, or answers a yes/no question with a
bare "Yes" the evidence does not back. ``grounded`` says whether an answer may stand; when
it may not, `ask` answers with the evidence's own words instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..timephrase.phrase import MONTHS, WEEKDAYS
from .support import FIRST_PERSON, SECOND_PERSON, STOPWORDS, alike, stem, tokens, words
from .verb import GENERIC_VERBS

NAME = re.compile(r"\b[A-Z][\w'’-]*[A-Za-z0-9]|\b\d[\d:.,/-]*\b")
SKIP_AS_NAME = frozenset({*STOPWORDS, *FIRST_PERSON, *SECOND_PERSON, "yes", "no", "not", "mentioned", "none"})


def names_in(text: str) -> list[str]:
    """Capitalised words and numbers of an answer: names, titles, places, amounts, dates."""
    out = []
    for m in NAME.finditer(text):
        word = m.group(0)
        if word.lower().strip("'’") in SKIP_AS_NAME or word.lower() in MONTHS or word.lower() in WEEKDAYS:
            continue
        out.append(word)
    return out


YES_NO = re.compile(r"^\s*(?:did|does|do|has|have|had)\s+(?P<rest>.+)", re.I)  # not "would": a guess
DETERMINERS = frozenset("a an the my our your his her their its this that".split())
HEDGES = frozenset("both all each ever already really also still just actually finally even".split())


def yes_no_verb(question: str) -> str:
    """The verb a yes/no question asks about ("agree" in "did Martin agree to move the
    deadline?", "open" in "did Jon and Gina both open ..."); "" for none or a generic one."""
    m = YES_NO.match(question)
    if m is None:
        return ""
    after_determiner = False
    for word in WORD_RE.findall(m.group("rest")):
        low = word.lower()
        if after_determiner:  # "did my sister move?": the noun after "my" is the subject
            after_determiner = False
            continue
        if low in DETERMINERS:
            after_determiner = True
        elif word[0].isupper() or low in STOPWORDS or low in HEDGES or low in FIRST_PERSON or low in SECOND_PERSON:
            continue
        else:
            return "" if low in GENERIC_VERBS else low
    return ""


WORD_RE = re.compile(r"[A-Za-z][\w'-]*")


def grounded(answer: str, question: str, evidence: Sequence[str]) -> tuple[bool, str]:
    """Whether a model's answer says only what the evidence says: every name, title and number
    in it appears in the evidence (or the question), and at least half of the words it adds to
    the question appear in one evidence line. (False, why) otherwise."""
    seen = " ".join(evidence) + " " + question
    seen_words = set(tokens(seen))
    seen_stems = {stem(w) for w in seen_words}
    for name in names_in(answer):
        parts = tokens(name)
        if parts and not all(p in seen_words or stem(p) in seen_stems for p in parts):
            return False, f"'{name}' is not in the evidence"
    added = words(answer) - words(question) - {"yes", "no"}
    if not added:
        first = tokens(answer)[:1]
        if first and first[0] in {"yes", "no"}:
            # a bare yes or no, when some evidence says what was asked: "did Martin agree
            # to move the deadline?" is not answered "Yes" by the email that asks him to
            verb = yes_no_verb(question)
            if verb and not any(stem(verb) in alike(words(line)) for line in evidence):
                return False, f"no evidence says '{verb}'"
            return True, ""
        return False, "it only repeats the question"
    best = max((len(added & words(line)) / len(added) for line in evidence), default=0.0)
    if best < 0.5:
        return False, "most of its words are not in any evidence item"
    return True, ""

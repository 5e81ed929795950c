"""A role a question names, said as the name the notes call that person by.

People name a tradesperson once ("plumber is craig baird (baird plumbing) 07700 900412") and
then only by name ("craig start moved to mon 16 nov"). A question asks by the role ("whens the
plumber starting"), and no later note holds that word. So a question's role becomes the name
a note gave it, before the evidence is looked for.

A note gives a role a name when it says so plainly: "plumber is craig", "Tiler: Gary Newton",
"tiler quote from ewan fraser", "Gaz the builder", "ewan fraser (fraser tiling)", "Kowalski
Plumbing (Piotr Kowalski, ...)". Not someone else's ("his plumber was Dave Hughes" is the
neighbour's). Of several names, the one the notes mention most is the one in use. A question
that asks for the name itself ("who is the plumber?", "which plumber did I go with?") keeps
its role.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .lexicon import ADJECTIVES, ROLES
from .support import CALENDAR_ABBREVIATIONS, QUESTION_WORDS, STOPWORDS

if TYPE_CHECKING:
    from ..store.db import Store

# a question that asks for the name ("who is Chioma's plumber?", "which plumber did I go with?",
# "whats the plumber's name"),
# or for another one than the notes name ("what was the other tiler quote?")
FOR_THE_NAME = (r"^\s*who\b|\bname[ds]?\b|\bcalled\b|\bwhich\s+(?:\w+\s+)?(?:{role})\b"
                r"|\b(?:other|another|second|2nd|previous|old|first|\w+'s|his|her|their)\s+(?:{role})\b")
NAME = r"([a-z][a-z'\-]+)"
SURNAME = r"(\s+[a-z][a-z'\-]+)"  # a surname makes a word a name: "craig baird", not "knee is"
# whose the role is, when not the writer's: "his plumber", "tom's builder"
ANOTHERS = re.compile(r"(?:\b(?:his|her|their|its)|'s)\s*$")
NOTES_READ = 40  # the notes naming a role that are read for its name (the latest first)


def _work(role: str) -> set[str]:
    """The words a note says ``role``'s work with: "plumbing" for "plumber"; "electrics" and
    "electrical" for "electrician"."""
    work = {f"{role}s"}
    if role.endswith(("er", "or")):
        work.add(f"{role[:-2]}ing")  # plumbing, tiling, building, decorating
    if role.endswith("ian"):
        work |= {f"{role[:-3]}s", f"{role[:-3]}al"}  # electrics, electrical
    return work


def _patterns(role: str) -> list[re.Pattern[str]]:
    said, work = rf"{re.escape(role)}s?", "|".join(map(re.escape, sorted(_work(role))))
    return [re.compile(p) for p in (
        # "plumber is craig baird", "Tiler: Gary Newton", "new builder - gaz"
        rf"\b{said}\s*(?:is|was|will be|=|:|-|\u2013|\u2014)\s+(?:now\s+)?{NAME}{SURNAME}",
        # "tiler quote from ewan fraser"
        rf"\b{said}\b[^.;:\n]{{0,25}}?\bfrom\s+{NAME}{SURNAME}",
        # "gaz the builder", "craig, our plumber"
        rf"(?:^|[,.;:(]\s*){NAME}(),?\s+(?:the|my|our)\s+{said}\b",
        # "ewan fraser (fraser tiling)", "aoife byrne (physio)"
        rf"\b{NAME}{SURNAME}\s*\([^()]{{0,30}}?\b(?:{said}|{work})\b",
        # "Kowalski Plumbing (Piotr Kowalski, 07700 900412)"
        rf"\b(?:{work})\s*\(\s*{NAME}{SURNAME}",
    )]


NOT_NAMES = frozenset("someone somebody anyone anybody nobody everyone also back off away out here there".split())


def _is_name(word: str) -> bool:
    """Whether a lower-case ``word`` after a role may be a name: not a word of what is said of
    it ("plumber is also coming", "GP: knee is ...")."""
    return (len(word) >= 3 and word.isalpha() and word not in NOT_NAMES and word not in STOPWORDS
            and word not in QUESTION_WORDS and word not in ADJECTIVES and word not in CALENDAR_ABBREVIATIONS
            and word not in ROLES and not word.endswith(("ing", "ed")))


def names_for(store: Store, role: str) -> list[str]:
    """The names the notes give ``role``, the most mentioned first (a name no other note
    holds is left out: the notes never call the person by it)."""
    match = " OR ".join(f'"{w}"' for w in sorted({role, *_work(role)}))
    ids = [i for i, _ in store.fts_events(match, NOTES_READ)]
    patterns = _patterns(role)
    found: dict[str, int] = {}
    for event in store.get_events(ids).values():
        text = " ".join(event.text.lower().replace("\u2019", "'").split())
        for pattern in patterns:
            for m in pattern.finditer(text):
                name, surname = m.group(1), m.group(2).strip()
                named = _is_name(name) and (not surname or _is_name(surname))
                if named and not ANOTHERS.search(text[: m.start()]) and name not in found:
                    found[name] = store.fts_match_count(f'"{name}"')
    # the notes must call the person by name at least as often as by the role, or the role's own
    # notes would be lost ("physio follow up moved", when one note says "physio - aileen grant")
    if not found:
        return []
    said = store.fts_match_count(match)
    return sorted((n for n, c in found.items() if c >= 2 and c >= said), key=lambda n: -found[n])


def by_name(store: Store, question: str) -> str:
    """``question`` with each role it names said as the person the notes call by name ("whens
    the plumber starting" -> "whens craig starting"); as it was when it asks who they are or
    names them already."""
    lowered = question.lower()
    for role in sorted(ROLES & set(re.findall(r"[a-z]+", lowered))):
        if re.search(FOR_THE_NAME.format(role=re.escape(role)), lowered):
            continue
        names = names_for(store, role)
        if not names or any(re.search(rf"\b{re.escape(n)}\b", lowered) for n in names):
            continue
        question = re.sub(rf"(?:\b(?:the|my|our)\s+)?\b{re.escape(role)}\b", names[0], question, flags=re.I)
    return question

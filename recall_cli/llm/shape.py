"""Short answers made from the evidence itself (the zero-LLM path).

Each question gets a *kind* from its first words, and each kind an answer built from the
evidence's own words:

- ``date`` ("when…", "what year…"; kinds are read in kind.py): the date the best matching statement names (timing.py).
- ``steps`` ("how do I…"): the instructions of the best matching item, one step a line
  (numbered or bulleted lines, "a, then b", a "To do X: …" note, or the commands that ran).
- ``list`` ("what activities does X do"): the best statements of several items, joined.
- ``duration`` ("how long…"): the span a statement names ("for 4 years").
- anything else: the best matching statement, or, when that statement is a question someone
  asked, the reply that followed it.

A model's answer is checked against the evidence in check.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import partial
from itertools import dropwhile, takewhile
from typing import TypeAlias

from ..models import Hit
from ..search.text import is_assistant
from ..timephrase.phrase import NUMBER_RE
from .lexicon import IRREGULAR, RELATION
from .measure import (
    AMOUNT,
    MONEY,
    NO_KIND,
    after_of,
    counts,
    dated_lines,
    gives_figure,
    with_amount,
    with_figure,
    with_money,
)
from .section import TABLE_ROW, cells, clipped
from .step import MAX_STEP_CHARS, MAX_STEPS, NUMBERED_LINE, STEP_LINE, as_numbered, lead_in, listed_under, steps_of
from .support import (
    CALENDAR_ABBREVIATIONS,
    FIRST_PERSON,
    LONG_NUMBER,
    QUESTION_WORDS,
    STOPWORDS,
    alike,
    file_words,
    next_on_line,
    sentences,
    stem,
    words,
)
from .update import CANCELLED, DAYS, UPDATE_DEPTH, asks, is_note, is_question, later_update, outdated, struck
from .verb import GENERIC_VERBS

ANSWER_DEPTH = 3  # the first items whose sentences may answer
STEPS_DEPTH = 4  # the first items whose steps may answer "how do I ...?"
MAX_LIST_ITEMS = 3
MAX_SENTENCE_CHARS = 400

DURATION = re.compile(rf"\b(?:for |about |around |almost |nearly |over )?(?:{NUMBER_RE}|a couple of|a few|several) "
                      r"(?:days?|weeks?|months?|years?|hours?|minutes?)\b(?![\s-]+olds?\b)",  # "ten year olds": ages
                      re.I)
SINCE = re.compile(r"\bsince (?:i was |we were |he was |she was )?[\w ]{1,20}?(?=[,.!?;]|$)", re.I)
FILLER = re.compile(
    r"^(?:(?:ok|okay|alright|cheers)[.!]+\s*|"  # "ok." alone ("ok so the plumber ..." is news)
    r"(?:hey|hi|hello|wow|whoa|oh|ooh|ah|yeah|yep|yup|yes|thanks|thank you|cool|great|awesome|nice|sure"
    r"|aw+|ha+|haha|lol|omg|absolutely|definitely|totally|congrats|congratulations"
    r"|sounds (?:great|awesome|good|fun|cool)"
    r"|that's (?:great|awesome|so cool|cool|amazing|wonderful|fantastic|so nice|nice))\b"
    r"(?!,?\s+(?:i|i'm|i've|we|my|our)\b)"  # "Thanks, I named it Clint Yeastwood." is news, not filler
    r"[^.!?]*[.!?]\s*)+", re.I)


@dataclass
class Shaped:
    """An answer taken from the evidence: its text and the items it came from."""

    text: str
    hits: list[Hit]


def clean(sentence: str) -> str:
    """A sentence without the greeting or praise it opens with ("Thanks, Mel! Wow!")."""
    stripped = FILLER.sub("", sentence).strip()
    if len(stripped) > MAX_SENTENCE_CHARS:
        stripped = stripped[:MAX_SENTENCE_CHARS].rsplit(" ", 1)[0] + "…"
    return stripped


Rank: TypeAlias = tuple[int, int, int, int, int, int, float, int, int]
WHO_ASKED = re.compile(r"^\s*(?:who|whom)\b", re.I)
KIN = re.compile(r"\b(?:" + "|".join(sorted(RELATION, key=len, reverse=True)) +
                 r"|friend|neighbou?r|colleague|partner|flatmate|roommate)s?\b"
                 # "new teacher is mr oyelaran", typed so; "new contact is tom.fairbairn@hartleyrowe.co.uk"
                 r"|\b(?:mr|mrs|ms|dr|prof)\.?\s+[a-z]{2,}|\b[a-z]{2,}[._][a-z]{2,}@", re.I)


def names_someone(sentence: str, names: AbstractSet[str]) -> bool:
    """Whether ``sentence`` names a person other than those asked about: a relative ("my
    sister took him"), a capitalised word inside it ("Sun - dropped Mango at Lorraine's"), or
    one that opens it and is followed by a deed or a surname ("Gary swapped shifts with me",
    "Denise Albrecht at First Prairie"); "Cabin was lovely, kids lost their minds" names nobody."""
    if KIN.search(sentence):
        return True
    # a lower-case label a line goes on to call "he" or "she": "liam - SOLAS registration
    # confirmed, he's officially an apprentice now" (a note written all in lower case)
    label = re.match(r"^\W*([a-z][a-z'-]+)\s*[-\u2014\u2013:]\s+(.*)", sentence)
    if label and label.group(1) not in STOPWORDS and stem(label.group(1)) not in names \
            and re.search(r"\b(?:he|she|him|his|her)\b", label.group(2), re.I):
        return True
    for match in re.finditer(r"(?<![\w'\u2019-])[A-Z][a-z]+", sentence):
        word = match.group(0).lower()
        if word in STOPWORDS or word in CALENDAR_ABBREVIATIONS or word in QUESTION_WORDS or stem(word) in names \
                or (word[:3] in CALENDAR_ABBREVIATIONS and len(word) > 3):  # "Monday", "August"
            continue
        before = sentence[:match.start()]
        if before.strip(" -*\u2014\u2013#>") and not re.search(r"[.!?:;]\s+$|[-\u2014\u2013]\s+$", before):
            return True  # inside the sentence
        after = sentence[match.end():].split()
        following = after[0].strip(",.;:") if after else ""
        if following[:1].isupper() or following.lower() in IRREGULAR or re.fullmatch(r"[a-z]{3,}ed", following):
            return True  # "Gary swapped", "Marisa sent", "Denise Albrecht"
    return False


def _rank(keys: set[str], names: AbstractSet[str], sentence: str, i: int, j: int,
          predicate: str = "", context: AbstractSet[str] = frozenset(), when: float = 0.0,
          person: str | None = None, item: AbstractSet[str] = frozenset()) -> Rank:
    """For a question that asks who (``person``: the text the sentence sits in), a sentence
    that names someone, or is followed on its line by one that does ("Bank this morning.
    Denise Albrecht at First Prairie"); then the verb asked about, then the key words shared
    besides the names asked about, then all key words shared ("what flight is Carmen on?":
    the sentence with "flight" over the one that only names Carmen; "where did Mitch and
    Hannah's ceremony happen?": the line on the ceremony over the one naming both), then
    (``when``: the item's time, for a question whose latest word counts) the later, then the
    earlier ranked. (Of the latest word, "nov still old rate" says no rate.)"""
    said = words(sentence) - (outdated(sentence) if when else set())
    # then the key words it says in other words ("flights" for "flying"), then those where it
    # sits says (a note file "gym switch.md", a heading): only on a tie
    someone = person is not None and bool((keys - COMMON_DEEDS or keys) & alike(said)) and (  # not "make" alone
        names_someone(sentence, names) or names_someone(next_on_line(sentence, person), names))
    # the name right before the deed asked about is who did it ("Clodagh drove" over "I drive
    # up to Galway w/ Clodagh" for "who drove me to Galway?")
    doer = someone and any(word.lower() not in STOPWORDS and stem(word.lower()) not in names
                           and (deed in IRREGULAR or re.fullmatch(r"[a-z]{3,}(?:ed|s)", deed))  # a verb
                           and (predicate in alike({stem(deed)}) if predicate else keys & alike({stem(deed)}))
                           for word, deed in re.findall(r"(?<![\w'\u2019-])([A-Z][a-z]+)\s+([a-z]{3,})\b", sentence))
    # the words of the heading a note's line sits under count as its own ("- Penha de França T1
    # ... -> NO" under "## Options seen" answers "why didn't I take the Penha flat?"), then what
    # the line itself says
    # whether it is done (``when``: "did I get the grant?"), a common verb counts with the thing
    # it was done to ("GRANT: got it!!"), not alone ("got them down to €380")
    # (and a common verb, "what did I get Mum?", in an item on the rest of what is asked: not "Got
    # the bike's brake pads replaced")
    rest = keys - {predicate}
    deed = bool(predicate) and predicate in alike(said) and (not when or predicate not in COMMON_DEEDS
                                                             or bool((keys - names - {predicate}) & said)) \
        and (predicate not in COMMON_DEEDS or not rest or not item or bool(rest & alike(set(item | context))))
    return (int(someone) + int(doer), int(deed),
            len((keys - names) & (said | context)), len(keys & said), len(keys & alike(said)),
            len(keys & context), when, -i, -j)


CODE = re.compile(r"\b(?=[A-Z-]*\d)(?=[\d-]*[A-Z])[A-Z\d-]{5,}\b")  # a booking ref: "NL48213", "KOW-BATH-01"
COMMON_DEEDS = frozenset(stem(w) for w in GENERIC_VERBS)


def context_of(hit: Hit) -> set[str]:
    """The words of where a note sits: its heading and its file's name."""
    if not hit.meta or hit.source not in ("note", "file"):
        return set()
    return words(f"{hit.meta.get('heading') or ''} {file_words(hit)}")


def best_statement(keys: set[str], hits: Sequence[Hit], depth: int = ANSWER_DEPTH,
                   allow: Callable[[Hit, str], bool] | None = None,
                   names: AbstractSet[str] = frozenset(), predicate: str = "",
                   latest: bool = False, person: bool = False) -> tuple[str, Hit] | None:
    """The statement (not a question) sharing most key words with the question among the
    first ``depth`` items, earlier items and sentences first on a tie. A sentence that opens
    as a reaction ("Yeah, ...", "Wow, ...") answers only when no other shares a key word:
    "Yes, grandma is allergic to walnuts, use almonds instead." over "I will."."""
    best: tuple[Rank, str, Hit] | None = None
    reaction: tuple[Rank, str, Hit] | None = None
    # a note names whom it is about, in its words or its heading: "where does Anna live?" is not
    # answered by "my sister Priya lives in Leeds" while a note names Anna (a chat turn says "I")
    naming = {h.ref for h in hits[:depth] if names and is_note(h) and names & (words(h.text or "") | context_of(h))}
    for i, hit in enumerate(hits[:depth]):
        if naming and is_note(hit) and hit.ref not in naming:
            continue
        context, item = context_of(hit), words(hit.text or "")
        elsewhere = _other_items(hit.text or "", names)
        for j, sentence in enumerate(sentences(hit.text or "")):
            if is_question(sentence) or sentence in elsewhere or struck(sentence) \
                    or (allow is not None and not allow(hit, sentence)):
                continue
            rank = _rank(keys, names, sentence, i, j, predicate, context, hit.ts if latest else 0.0,
                         (hit.text or "") if person else None, item)
            if not clean(sentence):
                if reaction is None or rank > reaction[0]:
                    reaction = (rank, sentence, hit)
                continue
            if best is None or rank > best[0]:
                best = (rank, sentence, hit)
    if reaction is not None and reaction[0][2] and (best is None or not best[0][2]):
        best = reaction
    return None if best is None else (best[1], best[2])


def _other_items(text: str, names: AbstractSet[str]) -> set[str]:
    """The sentences of a list's items that do not name what the question names, when another
    item does: "did I finish Intermezzo?" is not answered by "Finished 30 Sept." from the
    item above "- Intermezzo — Sally Rooney. Started 1 Oct"."""
    if not names:
        return set()
    items = [m.group("step") for line in text.splitlines() if (m := STEP_LINE.match(line))]
    if len(items) < 2 or not any(names & words(item) for item in items):
        return set()
    return {s for item in items if not names & words(item) for s in sentences(item)}


def best_match(keys: set[str], hits: Sequence[Hit], depth: int = ANSWER_DEPTH,
               names: AbstractSet[str] = frozenset(), predicate: str = "",
               latest: bool = False, person: bool = False) -> tuple[str, Hit, bool] | None:
    """The sentence sharing most key words among the first ``depth`` items, and whether it
    is a question (then the answer is in the reply to it)."""
    best: tuple[Rank, str, Hit] | None = None
    for i, hit in enumerate(hits[:depth]):
        context, item = context_of(hit), words(hit.text or "")
        for j, sentence in enumerate(sentences(hit.text or "")):
            rank = _rank(keys, names, sentence, i, j, predicate, context, hit.ts if latest else 0.0,
                         (hit.text or "") if person else None, item)
            if best is None or rank > best[0]:
                best = (rank, sentence, hit)
    return None if best is None else (best[1], best[2], asks(best[1], best[2]))


# "did I give the drill back?", "have I paid the gas bill?": whether it is done now, so the
# latest word on it answers ("Drill back to Declan" over the day before's "didn't get it back")
DONE_YET = re.compile(r"^\s*(?:did|have|has)\s+(?:i|we)\b", re.I)


# -- steps, lists, spans, statements -------------------------------------------------------------
def steps_answer(keys: set[str], hits: Sequence[Hit], depth: int = STEPS_DEPTH) -> Shaped | None:
    """The steps of the best matching item that gives instructions: its own numbered steps,
    "a, then b", or the commands that ran (shell items matching the question, oldest first).
    A question someone asked ("how do I…?") is never the answer. (A command that failed is
    never one either: evidence_answer, the one caller, leaves those out for every steps answer.)"""
    commands = [h for h in hits[:depth] if h.source == "shell" and keys & words(h.text or "")]
    best: tuple[tuple[bool, int, bool, bool, bool, bool, int, int], Hit, list[str]] | None = None
    # the best score of an item that lists steps: a far weaker one sharing more words is not its rival
    top = max((h.score for h in hits[:depth] if h.source != "shell" and steps_of(h.text or "")), default=0.0)
    for i, hit in enumerate(hits[:depth]):
        if hit.source == "shell":
            continue
        statements = [s for s in sentences(hit.text or "") if not is_question(s)]
        if not statements:
            continue
        text = hit.text or ""
        # a note's heading or file name says what its steps are for ("# Spare room shelves"),
        # and so does the line that leads into them ("writing it down so i dont have to youtube it again:")
        lead = lead_in(hit, hits)
        overlap = len(keys & (words(" ".join(statements)) | context_of(hit) | words(lead.text or "" if lead else "")))
        if not overlap:
            continue
        given = steps_of(text)
        keyed = [n for n, s in enumerate(statements) if keys & words(s)]
        steps = given or [clean(statements[n]) for n in keyed][:MAX_STEPS]
        if not given and keyed and not any(DEED.search(s) for s in steps):
            # "The boiler pressure dropped again. I topped it up to 1.5 bar ...": what was done
            # follows the problem the question names, without naming it again
            after = [clean(s) for s in statements[keyed[0] + 1:]]
            if any(DEED.search(s) for s in after):
                steps = after
        # an item that gives steps or tells what was done ("added an index") over one that only
        # restates the problem ("the orders query is slow"), among those holding two key words
        acts = bool(given) or any(DONE.search(s) for s in steps)
        # then the asker's own list of steps, in a note or typed into a chat as a list, over a
        # line that tells of them ("worked this out doing the E string first." above "1. ONE
        # string at a time ..."), or over a chat message that tells of a problem "then" another;
        # then a list of three steps or more over a pair of lines ("#1: 1,8 mg", "#2: 2,6 mg"),
        # and a numbered one over bullets (a protocol's "1. Thaw the pellet" over its buffers)
        listed = bool(given) and (is_note(hit) or (not is_assistant(hit.actor or "") and len(
            [line for line in text.splitlines() if STEP_LINE.match(line)]) >= 3))
        numbered = sum(1 for line in text.splitlines() if NUMBERED_LINE.match(line)) >= 2
        strong = not 0 < hit.score < top / 2  # (0.13 to the procedure's 0.70)
        rank = (strong, min(overlap, 2), acts, listed, len(given) >= 3, numbered, overlap, -i)
        if best is None or rank > best[0]:
            best = (rank, hit, steps)
    if best is None and commands:
        ordered = sorted(commands, key=lambda h: h.ts)
        return Shaped(as_numbered([" ".join((h.text or "").split()) for h in ordered]), ordered)
    if best is None:
        return None
    if is_note(best[1]) and "```" in (best[1].text or ""):
        # a note's block with code in it: its commands are the steps, as it gives them
        return Shaped(clipped(best[1].text or ""), [best[1]])
    steps = [s[:MAX_STEP_CHARS] for s in best[2] if s]
    if not steps:
        return None
    return Shaped(steps[0] if len(steps) == 1 else as_numbered(steps), [best[1]])


# a verb of something done: regular past tenses and the common irregular ones
DONE = re.compile(r"\b(?:[a-z]{2,}ed|sped|made|put|set|ran|wrote|built|took|got|did|found|cut|swapped|"
                  r"rebuilt|bought)\b", re.I)

# something a person did ("I topped it up", "Fixed it by ..."), not what a thing did ("the
# pressure dropped")
DEED = re.compile(r"(?:^\s*|\b(?:i|we)\s+(?:\w+ly\s+|then\s+|just\s+)?)" + DONE.pattern, re.I)


def list_answer(keys: set[str], hits: Sequence[Hit], depth: int = 6,
                allow: Callable[[Hit, str], bool] | None = None) -> Shaped | None:
    """Several items' best statements, joined: a question about many things ("what
    activities…") is rarely answered by one item."""
    chosen: list[tuple[str, Hit]] = []
    seen: set[str] = set()
    for hit in hits[:depth]:
        found = best_statement(keys, [hit], 1, allow)
        # a question of category words only ("what activities does X do") takes what X says
        if found is None or (keys and not keys & words(found[0])) or (not keys and allow is None):
            continue
        sentence = clean(found[0]).rstrip(".!")
        if sentence.lower() in seen:
            continue
        seen.add(sentence.lower())
        chosen.append((sentence, hit))
        if len(chosen) == MAX_LIST_ITEMS:
            break
    if not chosen:
        return None
    return Shaped("; ".join(s for s, _ in chosen), [h for _, h in chosen])


def duration_answer(keys: set[str], hits: Sequence[Hit], depth: int = ANSWER_DEPTH,
                    allow: Callable[[Hit, str], bool] | None = None, predicate: str = "") -> Shaped | None:
    """The span ("for 4 years", "since I was 17") the best matching statement names; of a
    sentence's spans, the first after the verb asked about ("how long do I simmer it?": "soak
    for an hour, then simmer for 25 minutes" gives 25 minutes)."""
    best: tuple[tuple[int, int, int], str, Hit] | None = None
    for i, hit in enumerate(hits[:depth]):
        for j, sentence in enumerate(sentences(hit.text or "")):
            if is_question(sentence) or (allow is not None and not allow(hit, sentence)):
                continue
            spans = list(DURATION.finditer(sentence)) or list(SINCE.finditer(sentence))
            if not spans:
                continue
            verb = [w.end() for w in re.finditer(r"[\w']+", sentence)
                    if predicate and stem(w.group(0).lower()) == predicate]
            m = next((m for m in spans if verb and m.start() >= verb[0]), spans[0])
            rank = (len(keys & words(sentence)), -i, -j)
            if best is None or rank > best[0]:
                best = (rank, m.group(0).strip(), hit)
    return None if best is None else Shaped(best[1], [best[2]])


LIST_INTRO = re.compile(r":\s*(?:[-*•]|\d+[.)])\s")
DAY_LINE = re.compile(rf"^\s*(?:{DAYS})\w*\s*:\s*\S", re.I)  # a plan by weekday, one line each
DAY_INTRO = re.compile(rf":\s*(?=(?:{DAYS})\w*\s*:)", re.I)


def _opens(sentence: str, text: str, first: str) -> bool:
    """Whether ``sentence`` ends with a colon the line above the list item ``first``."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    at = next((n for n, line in enumerate(lines) if first[:40] in line), 0)
    said = " ".join(sentence.split())
    return at > 0 and said.endswith(":") and lines[at - 1].endswith(said)


def _listed(sentence: str, hit: Hit) -> str | None:
    """A sentence that opens a list ("For Lisbon I'd suggest: - Cervejaria Ramiro ...") with
    the whole list of its item on one line; so too a sentence inside one option of an
    assistant's list ("It behaves very like buttermilk." in "You have two good options: 1.
    Yogurt + milk ... 2. Soured milk ..."): the options are the answer. None otherwise."""
    intro = LIST_INTRO.search(sentence)
    text = hit.text or ""
    if nested := _sublist(sentence, text):  # "- K sent list of stuff to bring:" over its indented items
        return f"{sentence.strip().rstrip(':').strip()}: {'; '.join(nested)}."
    items = steps_of(text)
    days = [line.strip() for line in text.splitlines() if DAY_LINE.match(line)]
    if len(items) < 2 and len(days) >= 2:  # "Here's a nut-free week:\nMonday: ...\nTuesday: ..."
        items, intro = days, (DAY_INTRO.search(sentence) if days[0][:40] in sentence else None)
    if len(items) < 2:
        return None
    if intro is not None and items[0][:40] in sentence:
        head = sentence[:intro.start()].strip()
    elif _opens(sentence, text, items[0]):  # "For Lisbon I'd suggest:" on the line above the first
        head = sentence.strip().rstrip(":").strip()
    elif is_assistant(hit.actor or "") and any(" ".join(sentence.split()) in " ".join(i.split()) for i in items):
        lines = text.splitlines()
        first = next((n for n, line in enumerate(lines) if STEP_LINE.match(line)), 0)
        said = sentences(" ".join(lines[:first]))
        head = said[-1].strip().rstrip(":") if said else ""
    else:
        return None
    listed = "; ".join(i.replace("**", "").rstrip(".;") for i in items[:MAX_STEPS]) + "."
    return f"{head}: {listed}" if head else listed


def _sublist(sentence: str, text: str) -> list[str]:
    """The items indented under the line of ``text`` that ``sentence`` ends with a colon."""
    lines = text.splitlines()
    at = next((n for n, line in enumerate(lines) if line.rstrip().endswith(":") and sentence.strip()
               and line.rstrip().endswith(sentence.strip())), None)
    if at is None:
        return []
    indent = len(lines[at]) - len(lines[at].lstrip())
    below = list(takewhile(lambda line: len(line) - len(line.lstrip()) > indent and STEP_LINE.match(line),
                           lines[at + 1:]))
    return [m.group("step").strip() for line in below[:MAX_STEPS] if (m := STEP_LINE.match(line))]


HOW_MANY = re.compile(r"\bhow (?:much|many)\b", re.I)
# also "what does it cost?", "what did Sbu end up charging?", "what did I pay for the tyres?"
HOW_MUCH = re.compile(rf"{HOW_MANY.pattern}|\b(?:cost|price|fee|valuation)s?\b|\bwhat\b.*\b(?:value|valued|worth)\b"
                      r"|^\s*what\b.*\b(?:charg(?:e|es|ed|ing)|pa(?:y|id|ying)|spen[dt]|spending)\b", re.I)


TOTAL = re.compile(r"\b(?:total|altogether|in all|sum)\b", re.I)


def _row(line: str) -> str:
    """A line as an answer gives it: a table's row as its cells ("total 1,135"), else cleaned."""
    if TABLE_ROW.match(line):
        return " ".join(c for c in cells(line) if c).replace("**", "")
    return clean(line) or line


def _says_some(keys: set[str], sentence: str, hit: Hit) -> bool:
    return bool(keys & (alike(words(sentence)) | context_of(hit)))


def statement_answer(keys: set[str], hits: Sequence[Hit], reply: Callable[[Hit], Hit | None],
                     depth: int = ANSWER_DEPTH, allow: Callable[[Hit, str], bool] | None = None,
                     names: AbstractSet[str] = frozenset(), predicate: str = "", where: bool = False,
                     amount: bool = False, latest: bool = False, person: bool = False,
                     why: bool = False, advice: bool = False, then: bool = False,
                     requested: bool = False) -> Shaped | None:
    """The best matching statement; when the best match is a question someone asked, the
    reply that followed it (that is where its answer is). ``names``: the stems of the names
    the question gives; ``amount``: the question asks how much or how many, so a statement
    without a number is followed by its item's next sentence that has one; ``latest``: of
    equally matching statements the latest answers ("did I give the drill back?"); ``why``:
    the question asks why, so a note's lines that lead up to the statement come with it;
    ``advice``: it asks what to do ("what should I eat in Lyon?"), so a turn that asked for
    it is answered by the reply, as a question is; ``then``: it names a time gone by ("how much
    was netflix in june?"), so what held then answers, not a later change; ``requested``: it
    asks what one may do ("how much can i charge ...?"), which a reply to a request tells."""
    if not any(_says_some(keys, s, h) for h in hits[:depth] for s in sentences(h.text or "")) \
            and any(keys & context_of(h) for h in hits[depth:]):
        # nothing in the first items says a key word, and a note further down is filed under
        # one ("which gym do I go to?": the note in "gym switch.md", 4th)
        depth = max(depth, len(hits))
    match = best_match(keys, hits, depth, names, predicate, latest, person)
    # ("planning a rates of reaction practical ... what concentrations should i use": the reply
    # gives the concentrations the question asks for and the turn's first sentence does not)
    unsaid = keys - alike(words(match[0])) if match is not None else set()
    if match is not None and (match[2] or (
            (advice or unsaid) and any(asks(s, match[1], requested) for s in sentences(match[1].text or "")))):
        answered = reply(match[1])
        if answered is not None and not (match[2] or advice or unsaid & alike(words(answered.text or ""))):
            answered = None
        # an AI assistant's reply to "should I charge a late fee?" tells nothing of what was done
        if answered is not None and (allow is None or any(allow(answered, s) for s in sentences(answered.text))):
            statements = [clean(s) for s in sentences(answered.text or "") if not is_question(s)]
            statements = [s for s in statements if s]
            if statements:  # (its first line on the question: not the email's "Subject: ...")
                said = max(statements, key=lambda s: bool(keys & alike(words(s))) - statements.index(s) / 1e3)
                return Shaped(_listed(said, answered) or said, [answered])
    found = None
    if amount:  # "what's Ruth's number?": "Ruth (bass) 07700 900772" over "Priyanka says ... Ruth"
        found = keys & PRICE_WORDS and best_statement(keys, hits, depth, partial(with_money, allow), names,
                                                      predicate, latest, person)
        found = found or best_statement(keys, hits, depth, partial(with_figure, allow), names, predicate,
                                        latest, person)
        if found is not None and not _says_some(keys, found[0], found[1]):
            found = None
    found = found or best_statement(keys, hits, depth, allow, names, predicate, latest, person)
    if found is None:
        return None
    # a value changes to another ("Netflix went up to £12.99"), not to a new password
    keeps = partial(with_amount, allow) if amount and AMOUNT.search(found[0]) else allow
    # ("why did the worktop quote go up?": the reason given, not what the price came to after)
    changed = None if then or (why and REASON.search(found[0])) else \
        later_update(keys, found, hits, keeps, names, where) or (
        _recount(keys, found, hits, depth) if amount and latest else None)
    if changed is not None and amount and any(figure.search(found[0]) and not figure.search(changed[0])
                                              for figure in (LONG_NUMBER, AMOUNT, CODE)):
        changed = None  # "the vet's number?": a later "07:20 dental cancelled" changes no number (nor a ref)
    if changed is not None and predicate and predicate in alike(words(found[0])) \
            and not (keys - names) & alike(words(changed[0])) and not SAYS_CHANGED.search(changed[0]):
        changed = None  # "GRANT: got it!!" (did I get it?) is not undone by "→ book Lisbon flights"
    if changed is not None and person and CANCELLED.search(changed[0]) and not names_someone(changed[0], names):
        changed = None  # "the viewing is cancelled" leaves who the agent is
    if changed is not None:  # what holds now first, then what it replaced
        before = clean(found[0]) or found[0]
        return Shaped(f"{clean(changed[0]) or changed[0]} (before: {before})", [changed[1], found[1]])
    listed = _listed(found[0], found[1])
    if listed is not None:
        return Shaped(listed, [found[1]])
    said = clean(found[0]) or found[0]
    if why and is_note(found[1]) and (above := _lines_before(found[0], found[1].text or "")):
        # "why did we change the tiles?": "-> CHANGED to the oak plank" follows the reasons
        # ("Ash Grey back-ordered, 8 wks", "it went grey-blue") in the lines above it
        return Shaped(" / ".join([*above, said]), [found[1]])
    # "Car service done." then "Final bill was 245 pounds"; a price asked wants money, not "45 min on hold"
    if amount and (not gives_figure(said, found[1].ts) or (keys & PRICE_WORDS and not MONEY.search(said))):
        after = after_of(found[0], found[1].text or "")
        figures = list(takewhile(lambda s: AMOUNT.search(s) is not None,
                                 dropwhile(lambda s: AMOUNT.search(s) is None, after)))
        if after and TABLE_ROW.match(after[0]):  # a table's rows with a number, not its header
            figures = [r for r in takewhile(TABLE_ROW.match, after) if re.search(r"\d", r)]
        elif figures and STEP_LINE.match(figures[0]):  # a list's run ends with its items
            figures = list(takewhile(lambda s: STEP_LINE.match(s) is not None, figures))
        elif found[0].strip() in {line.strip() for line in (found[1].text or "").splitlines()} \
                and not found[0].rstrip().endswith(":") and not (after and listed_under(found[0], found[1].text or "")):
            figures = []  # a line of its own: the next line is another thing ("allotment gate ...", "Steve ...")
        if keys & PRICE_WORDS:  # "how much did it cost?": the line with money ("- change fee $150 ... = $237")
            figures = [f for f in figures if MONEY.search(f)] or figures
        # what it is now: the last of a running list ("- 25 aug: 1240" ... "- 10 oct: ... = 1901");
        # what it came to: the line that says so ("| **total** | | **1,135** |")
        asks_total = bool(keys & {stem("total"), stem("altogether")}) or bool(TOTAL.search(found[0]))
        totals = [f for f in figures if TOTAL.search(f)] if asks_total else []
        # (an aside in brackets, "(Ford wanted £1,180!!)", is not what it came to)
        figures = [f for f in figures if not re.fullmatch(r"\s*\(.*\)\W*", f)] or figures
        figures = (dated_lines(figures, found[1].ts) or figures) if latest else figures  # a log's last entry
        figure = totals[-1] if totals else (figures[-1] if latest else figures[0]) if figures else None
        if figure is not None:
            said = f"{said.rstrip('.:')}: {_row(figure)}" if said.rstrip().endswith(":") else \
                f"{said.rstrip('.')}. {_row(figure)}"
    elif not keys & alike(words(found[0])) and keys & context_of(found[1]):
        # only the note's heading or file name says what was asked ("gym switch.md"): its
        # opening two sentences tell it ("Cancelled Flyefit ... Joined Kingfisher instead")
        rest = [s for s in sentences(found[1].text or "") if not is_question(s)]
        if found[0] in rest[:1] and len(rest) > 1:
            said = f"{said.rstrip('.')}. {clean(rest[1]) or rest[1]}"
    elif predicate and predicate not in alike(words(found[0])) and is_note(found[1]):
        # "what did Lukas's PCA show?": a note's sentence that names it, and the one after it on
        # its line, which tells what it showed ("Lukas finally ran the PCA ..." "PC1 41%, ...")
        following = next_on_line(found[0], found[1].text or "")
        if following:
            said = f"{said.rstrip('.')}. {clean(following) or following}"
    return Shaped(said, [found[1]])


SAYS_CHANGED = re.compile(r"\b(?:changed|instead|switched|replaced)\b", re.I)  # "CHANGED: went with X instead"


def _recount(keys: set[str], found: tuple[str, Hit], hits: Sequence[Hit], depth: int) -> tuple[str, Hit] | None:
    """"How many testers does Sou have now?": a later statement that counts the same things
    ("19 testers now", after "12 testers") is what holds now; the latest such, or None."""
    # (a statement that counts nothing, "put up the pre-order form", is on the thing: any count of it)
    counted = {w for w in keys & words(found[0]) if counts(w, found[0])} or keys
    # or a line with a sum in a dated log under a heading that names the thing ("## Rent", then
    # "- 22/1: he offers 10,000" ... "- 9/2/27: AGREED 9,850 from 1 March")
    later = [(h.ts, n, s, h) for h in hits[:max(depth, UPDATE_DEPTH)] if h.ts > found[1].ts
             for n, s in enumerate(sentences(h.text or ""))
             if any(counts(w, s) for w in counted)
             or (counted & context_of(h) and STEP_LINE.match(s) and SUM.search(s))]
    return max(later, key=lambda m: m[:2])[2:] if later else None  # (a running list's last line)


SUM = re.compile(r"\b\d{1,3}(?:[,.]\d{3})+\b|\b\d{3,}\b")  # "9,850", "420": no "24/2" or "9/2/27"
PRICE_WORDS = frozenset(stem(w) for w in "cost costs pay paid charge charged spend spent price fee rent value valued "
                                       "valuation worth".split())


REASON = re.compile(r"\b(?:because|since|as|due to|so|cos|coz)\b|\s[-\u2013\u2014:]\s", re.I)  # a reason, given
WHY_ASKED = re.compile(r"^\s*(?:why|how come)\b", re.I)
WHY_LINES = 3  # lines above a note's statement that a why-question's answer carries
WHY_CHARS = 600


def _lines_before(sentence: str, text: str) -> list[str]:
    """The lines of ``text`` above the one holding ``sentence`` (at most WHY_LINES, none past a
    blank line or a heading), when they are short enough to give with it."""
    lines = text.splitlines()
    at = next((i for i, line in enumerate(lines) if sentence.strip() in line), None)
    # or the sentences before it on its own line ("... dies after 15 min. Bring it back.")
    head = lines[at][:lines[at].index(sentence.strip())].strip(" -*") if at is not None else ""
    if head:
        return [" ".join(head.split())] if len(head) <= WHY_CHARS else []
    if not at:
        return []
    above: list[str] = []
    for line in reversed(lines[max(0, at - WHY_LINES):at]):
        if not line.strip() or line.lstrip().startswith("#"):
            break
        above.insert(0, " ".join(line.split()))
    return above if sum(map(len, above)) <= WHY_CHARS else []


LEADS = frozenset("still also just finally then now really maybe actually already again soon today tonight "
                  "tomorrow yesterday".split())  # words a diary's line opens with, before its deed


def done_by_another(sentence: str, keys: set[str]) -> bool:
    """Whether every key word ``sentence`` says follows another person's name ("Daniel works")."""
    said = re.findall(r"[\w']+", sentence)
    # a name asked about is no deed ("Returned Intermezzo to the library" is the asker's)
    at = [k for k, w in enumerate(said) if stem(w.lower()) in keys and not (k and w[:1].isupper())]
    def named(k: int) -> bool:  # a capitalised word before it: not I/we, nor a sentence's first stopword or deed
        before = said[k - 1] if k else ""
        low = before.lower()
        # "Still owe", "New move date": a sentence's first stopword, deed or word of which one
        first = low in STOPWORDS or low in IRREGULAR or low in LEADS or low in NO_KIND or low.endswith("ed")
        # "Tom's Christmas present": a name asked about, or whose it is, says what the thing is, not who did it
        thing = stem(low) in keys or low.endswith(("'s", "\u2019s"))
        return before[:1].isupper() and low.replace("\u2019", "'") not in FIRST_PERSON and (k > 1 or not first) \
            and not thing  # "Went hiking"

    return bool(at) and all(named(k) for k in at)

"""What holds now: a later statement that changes an earlier one.

A later note by the same writer that says the thing asked about moved, switched or was
called off answers over the first ("the offsite moved to Porto" after "the offsite is in
Lisbon"); so does a note's own change mark below a plan ("CHANGED 19 sep: went with Banco
CTT instead"), and a struck-through line ("~~thursdays 20h~~") is no longer so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace

from ..models import Hit
from ..search.text import is_self
from ..timephrase.answer import dates_in
from ..timephrase.phrase import MONTHS, WEEKDAYS
from ..timeutil import from_ts
from .check import names_in
from .lexicon import RELATION
from .support import (
    CALENDAR_ABBREVIATIONS,
    DIGIT_WORDS,
    FIRST_PERSON,
    QUESTION_WORDS,
    STOPWORDS,
    WORD,
    alike,
    sentences,
    stem,
    tokens,
    words,
)

# words saying that what was true before no longer is ("moved to", "switched"); not "now",
# which chat uses for any feeling ("I feel like a different person now": 2 wrong LoCoMo answers)
# (not "dance moves": "moves" and "switches" only as verbs, before to or from)
UPDATE = re.compile(r"(?:moved|moves (?:to|from|back|forward)|moving|switched|switches (?:to|from)|switching|"
                    r"re-?arranged|"
                    r"changed|rescheduled|postponed|pushed(?: back)?|delayed|brought forward|updated?|no longer|"
                    r"instead|replaced|anymore|any more|cancell?ed|called off|returned|dropped|ditched|scrapped|"
                    r"went up|gone up|goes up|going up|went down|gone down|goes down|going down|raised|"
                    r"increased|reduced|lowered|put up)")
# a thing given back ("Marek gave the drill back today"): its "back" says the lending is over
GIVEN_BACK = re.compile(r"\b(?:gave|given|got|brought|handed|paid)\b(?:\s+[\w']+){0,3}\s+back\b", re.I)
# ("the tasting on Sat 5 Sep is off.", at a clause's end: not "Dan is off on Friday")
# ("I've dropped the Bath Half": not "dropped the kids off at school")
_DROPS = r"dropped|ditched|scrapped|pulled out of|withdrew from"  # an event given up, by a verb before it
CANCELLED = re.compile(r"\b(?:cancell?ed|called off|not happening|(?:is|are) off(?=\s*(?:[.!;,)]|$))"
                       rf"|(?:{_DROPS})(?: out of)? (?:the|my|our)\b"
                       r"(?![^.;]*\b(?:off|at|with)\b))", re.I)
CALLED_OFF = frozenset({"cancelled", "canceled", "called off", "dropped", "ditched", "scrapped"})
# what a cancelled thing's new day follows: "cancelled (on nights) -> Sat 17 Oct"
REBOOKED = re.compile(r"->|=>|\u2192|\b(?:re-?booked|moved|now|instead|new date|rescheduled|re-?arranged)\b", re.I)
POSTPONED = re.compile(r"\b(?:postponed|pushed back|rescheduled|delayed|on hold)\b", re.I)
DAYS = "|".join(WEEKDAYS)
UPDATE_DEPTH = 8  # the evidence items searched for a later change
UPDATE_GAP = 3  # stopwords allowed between a change word and the key word it is about
TIME_WORD = re.compile(rf"\b(?:\d|(?:{'|'.join(MONTHS)})\b|(?:{DAYS})s?\b|today|tomorrow|tonight|morning|"
                       r"evening|week|month|year)", re.I)


# not a to-do ("- [ ] update my invoice template" is a thing to do, not a change)
CHANGE_MARK = re.compile(r"^(?![-*+\s]*\[[ xX]?\])[\W_]*(?:->|=>|\u2192|changed\b|update[ds]?\b"
                         r"|new (?:\w+ )?(?:date|time|plan|place)\b|now\b|instead\b)", re.I)
STRUCK = re.compile(r"~~[^~]+~~")
OPENS_LINE = re.compile(r"[\s>#*+-]*(?:\d+[.)]\s*)?[*_\s]*")  # what may stand before a line's first word


def further_down(other: Hit, hit: Hit) -> bool:
    """Whether ``other`` is a later block of the same note file as ``hit``."""
    mine, theirs = hit.meta or {}, other.meta or {}
    return (is_note(hit) and is_note(other) and other.ref != hit.ref and bool(mine.get("path"))
            and mine.get("path") == theirs.get("path")
            and int(theirs.get("line_start") or 0) > int(mine.get("line_start") or 0))


def _amends(mark: str, marked: Hit, sentence: str, hit: Hit, shared: AbstractSet[str]) -> bool:
    """Whether the change mark ``mark`` amends ``sentence``: a mark that opens its line (or
    follows one that does) amends the line above it, one after another sentence on its line
    only that sentence ("Sign the agreement. -> signed Nov 8" amends the signing, not the
    lease two sections up); in a later block, only where that block goes on with the same
    section or says a key word ``shared`` with the question (a mark under a line of its own
    block amends that line: only where the two say such a key word)."""
    text = marked.text or ""
    at = text.find(mark)
    line = text[:at].rsplit("\n", 1)[-1] if at >= 0 else ""
    # (a line that opens with a change mark goes on with the change: "CHANGED 21 Jan: sugar
    # too high. **New date: 4 Feb.**")
    if not OPENS_LINE.fullmatch(line) and not CHANGE_MARK.match(line) \
            and not (marked.ref == hit.ref and sentence in line):
        return False
    if marked.ref == hit.ref:
        return True
    before = text[:max(at, 0)]
    above = [ln for ln in before.rsplit("\n", 1)[0].splitlines() if ln.strip()] if "\n" in before else []
    if above:  # ("physio: orla barry ...\n→ first appt tues 4 aug" amends the physio, not the op above)
        return bool(shared & words(f"{above[-1]} {mark}"))
    same_section = (marked.meta or {}).get("heading") == (hit.meta or {}).get("heading")
    return same_section or bool(shared & words(mark))


def struck(sentence: str) -> bool:
    """Whether ``sentence`` is struck through ("~~thursdays 20h~~"): no longer so."""
    return bool(STRUCK.search(sentence)) and not STRUCK.sub("", sentence).strip(" -*.,;:")


def changes(sentence: str, shared: set[str], names: AbstractSet[str] = frozenset(), where: bool = False,
            earlier: AbstractSet[str] = frozenset()) -> bool:
    """Whether ``sentence`` says that one of the ``shared`` key words changed: a change word
    next to it, with only stopwords between ("the offsite moved", "switched dentist", "no
    longer drink"); "my office plants moved" moves the plants, not the office. The change
    word is not itself the key word ("Anna moved" says nothing of "where did Priya move?"); a
    person ``names`` changes only where they are, for a "where" question ("Ana moved to
    Berlin"; "Anna moved" is no new book she recommends), and a "where" is not changed by a
    new time ("yoga moved to Thursdays"). Between them may also stand the words of the
    ``earlier`` statement ("the Lisbon trip postponed" after "a trip to Lisbon"), and a change
    "from" a thing the earlier statement names leaves it ("switched from PureGym to ...").
    The change and its thing stand in one clause: "the dinner is cancelled; Ines can't make
    it" changes nothing of Ines."""
    return any(_changes_in(clause, shared, names, where, earlier) for clause in CLAUSES.split(sentence))


CLAUSES = re.compile(r"[;!?]|\.\s")
SHOUTED = re.compile(r"\b[A-Z]{4,}(?: [A-Z]{2,})?\b")  # "MOVED", "CALLED OFF"
SHOUT_REACH = 6  # words before a change in capitals that may name the thing changed
NEW_DATE = re.compile(r"\bnew\s+(\w+)\s+(?:date|day|time)\b", re.I)  # "new move date", "new start time"
# a thing got anew: "Got a new locker at the pool, number 27" (not "a new bike helmet": a helmet)
NEW_THING = re.compile(r"\b(?:got|get|getting|have|has|had|bought|given|found|joined|signed up (?:to|with|for)|"
                       r"switched to|moved to)\s+(?:a|an|my|our|the)?\s*(?:brand\s+)?new\s+(\w+)"
                       r"(?=\s*(?:[,.;:!?()]|$|-|\s(?:at|from|for|in|on|with|number|no|is|was|now)\b))", re.I)
# a sum said to be the last word on it ("£2,600 final", "final price was 245 pounds")
FINAL = re.compile(r"[£$€¥₹]\s?\d[\d,.]*\s*(?:\+\s*vat\s*)?final\b"
                   r"|\bfinal (?:price|figure|cost|amount|offer)\b", re.I)  # (a "final invoice" is the last one)
# a clause that opens with when it holds from ("From 16 November", "as of Monday", "starting next week")
FROM_THEN = re.compile(r"\s*(?:from|as of|starting(?: from| on)?|effective|beginning)\s+[\w ,/.-]{1,24}?"
                       r"(?=\s*,?\s+(?:my|our|the|his|her|their|I|we)\b)", re.I)


# a value put right or said anew ("the deposit is actually €1,300", "so best man is now ollie")
ACTUALLY = re.compile(r"\b(?:is|are|was|were|will be|'s)\s+(?:now\s+)?actually\b|\b(?:is|are|'s)\s+now\b", re.I)


def _change_spans(toks: list[str]) -> list[tuple[int, int]]:
    """The first and last token of each change word or pair of words in ``toks`` ("moved",
    "called off"), in the order they stand."""
    return [(i, i + n - 1) for i in range(len(toks)) for n in (1, 2)
            if i + n <= len(toks) and UPDATE.fullmatch(" ".join(toks[i:i + n]))]


def _changes_in(sentence: str, shared: set[str], names: AbstractSet[str], where: bool,
                earlier: AbstractSet[str]) -> bool:
    if FINAL.search(sentence) and shared & {stem(t) for t in tokens(sentence)}:
        return True  # "worktop: got stone co down to £2,600 final": what the price came to
    if (fix := ACTUALLY.search(sentence)) and shared & {stem(t) for t in tokens(sentence[:fix.start()])[-SHOUT_REACH:]}:
        return True  # "landlord says the deposit is actually €1,300", "best man is now ollie": what it is now
    if (start := FROM_THEN.match(sentence)) and TIME_WORD.search(start.group(0)) \
            and shared & {stem(t) for t in tokens(sentence[start.end():])}:
        return True  # "From 16 November my manager is Tom": what holds from then on
    if not where and any(stem(m.group(1).lower()) in shared for m in NEW_DATE.finditer(sentence)):
        return True  # "New move date: March 1" (a new time changes no place)
    if any(stem(m.group(1).lower()) in shared - names for m in NEW_THING.finditer(sentence)):
        return True
    for shout in SHOUTED.finditer(sentence):
        # a change written in capitals after the thing, however many words name it: "semi v
        # grangetown galacticos MOVED (leckwith double booked the wed)"
        # (the thing as the earlier statement names it, not a word its heading lends: "fives" is
        # the team, not its captain)
        if UPDATE.fullmatch(shout.group(0).lower()) and (shared - names) & earlier & {
                stem(t) for t in tokens(sentence[:shout.start()])[-SHOUT_REACH:]}:
            return True
    toks = tokens(sentence)
    spans = _change_spans(toks)
    if GIVEN_BACK.search(sentence):
        spans += [(i, i) for i, tok in enumerate(toks) if tok == "back"]
    for first, last in spans:
        if toks[last].endswith("ing") and last + 1 < len(toks) and _names_kind(toks[last + 1]):
            continue  # "Québec moving day", "the switching costs": a kind of thing, not a change
        # a "where" is not changed by a new time ("yoga moved to Thursdays"); a thing given
        # back today is back whenever it was
        if where and toks[last] != "back" and TIME_WORD.search(" ".join(toks[last + 1:last + 4])):
            continue
        rest = toks[last:] if toks[last] == "from" else toks[last + 1:]
        left = rest[1] if len(rest) > 1 and rest[0] == "from" else ""
        if left and left not in STOPWORDS and stem(left) in earlier and (where or stem(left) not in names):
            return True  # "switched from PureGym to ..." leaves what the earlier note named
        # (a name is called off as an event, not a person: "dropped the Bath Half")
        off = " ".join(toks[first:last + 1]) in CALLED_OFF
        for k, tok in enumerate(toks):
            # (a relative is a person too: "moved mum into oakwood" changes where mum is, not her GP)
            if first <= k <= last or stem(tok) not in shared \
                    or ((stem(tok) in names or tok in RELATION) and not where and not off):
                continue
            between = toks[k + 1:first] if k < first else toks[last + 1:k]
            if len(between) <= UPDATE_GAP and all(t in STOPWORDS or stem(t) in earlier for t in between):
                return True
    return False


def called_off(sentence: str, hit: Hit) -> bool:
    """Whether ``sentence`` calls a thing off, or puts it off without a new date ("~~Sat 5
    Sep~~ cancelled -> Sat 17 Oct" moves it)."""
    if (cancel := CANCELLED.search(sentence)) is not None:
        mark = REBOOKED.search(sentence, cancel.end())
        return mark is None or not any(at >= mark.end() for at, *_ in dates_in(sentence, hit.ts))
    return bool(POSTPONED.search(sentence)) and not dates_in(sentence, hit.ts)


# a thing called off by a verb before it ("dropped the Bath Half and entered ..."): the words up to the next part
_DROPPED_THING = re.compile(rf"(?:{_DROPS}|cancell?ed)(?: out of)? "
                            r"(?:the|my|our)\b([^,;.]*?)(?=\s+(?:and|but|so|for|instead)\b|[,;.]|$)", re.I)


def calls_off(keys: AbstractSet[str], sentence: str, hit: Hit) -> bool:
    """Whether ``sentence`` calls off the thing ``keys`` name: called_off, and where the thing
    follows the word that drops it, it is that thing ("when is my race?" is not answered by
    "Change of race plan: I've dropped the Bath Half and entered the Bristol 10K on 21
    February")."""
    if not called_off(sentence, hit):
        return False
    dropped = [m.group(1) for m in _DROPPED_THING.finditer(sentence)]
    return not dropped or any(keys & words(thing) for thing in dropped)


def later_update(keys: set[str], found: tuple[str, Hit], hits: Sequence[Hit],
                 allow: Callable[[Hit, str], bool] | None = None, names: AbstractSet[str] = frozenset(),
                 where: bool = False, kind: AbstractSet[str] = frozenset()) -> tuple[str, Hit] | None:
    """A statement written after ``found``'s by the same person that says one of the key words
    ``found`` shares with the question changed ("the offsite moved to Porto" after "the
    offsite is in Lisbon"; see changes): the latest such, or None. What holds now answers,
    not the first thing written. ``kind``: the question's words that say which kind of thing
    it asks about ("swimming" lesson): a change of another kind ("piano lesson moved") is not its."""
    sentence, hit = found
    earlier = words(sentence)
    # a note's heading says what its lines are about ("# Gym": "Joined PureGym ...")
    shared = keys & (earlier | heading_words(hit))
    if not shared or hit.owner != "event":
        return None
    if where:  # "my sister Priya lives in Leeds": where Priya moves, the sister does
        named = {stem(w) for name in names_in(sentence) for w in tokens(name)}
        shared, names = shared | named, {*names, *named}
    own_kind = shared - DIGIT_WORDS if shared & DIGIT_WORDS else set()  # "locker" of "my locker number"
    best: tuple[str, Hit] | None = None
    # a note marks its own update below what it replaces: "~~thursdays 20h~~" then "**->
    # WEDNESDAYS 21h from 17 sep.**", "plan: ActivoBank" then "CHANGED 19 sep: Banco CTT instead"
    own = sentences(hit.text or "")
    below = [(s, hit) for s in own[own.index(sentence) + 1:]] if sentence in own and is_note(hit) else []
    below += [(s, other) for other in hits[:UPDATE_DEPTH] if further_down(other, hit)
              for s in sentences(other.text or "")]
    marked = [(s, h) for s, h in below
              if CHANGE_MARK.match(s) and not struck(s) and _amends(s, h, sentence, hit, shared)]
    if marked:
        best = max(marked, key=lambda m: int((m[1].meta or {}).get("line_start") or 0))
    for other in hits[:UPDATE_DEPTH]:
        if other.owner != "event" or other.ts <= hit.ts or not same_writer(other.actor, hit.actor):
            continue
        # later in one conversation, "it" is what was being talked of ("lol it's moved AGAIN")
        talk = shared | {"it"} if other.session and other.session == hit.session and not is_note(other) else shared
        for later in sentences(other.text or ""):
            if is_question(later) or not (changes(later, talk, names, where, earlier)
                                          or _in_changed_section(later, other, shared, where)
                                          or _moves_on(later, other, shared, earlier)):
                continue
            if own_kind and talk == shared and not own_kind & words(later):
                continue  # "Priya changed her number" changes no locker's number
            if kind & shared and talk == shared and not kind & alike(words(later)) \
                    and not _said_as_before(other, shared - kind, earlier):
                continue  # "piano lesson moved to Friday" moves no swimming lesson
            if talk == shared and _of_another(later, keys | earlier | heading_words(hit)):
                continue  # "Redis cache moved to port 6380" moves no Postgres port
            if _anothers_change(later, sentence, shared):
                continue  # "fiona at clyde sound says their day rate goes up" changes no brightpod rate
            if called_off(later, other) and not _plan(sentence, hit):
                continue  # "Parkrun was cancelled this morning" undoes no run done before
            if _allowed(allow, other, later, hit) and (best is None or other.ts > best[1].ts):
                best = (later, other)
    return best


def _said_as_before(other: Hit, things: set[str], earlier: AbstractSet[str]) -> bool:
    """Whether ``other`` names one of ``things`` with no word of another kind before it: "fri
    trip is off" after "sampling trip for fri 11 dec, same boat" (its day is the earlier
    one's), not "piano lesson moved" after "swimming lessons are every Tuesday"."""
    # (a name is no thing: "Piano lesson for Ellie" names Ellie, as "swimming for Ellie" did)
    said = WORD.findall((other.text or "").replace("\u2019", "'"))  # (as tokens() has them, in their case)
    toks = [w.lower() for w in said]
    before = [toks[i - 1] if i else "" for i, t in enumerate(toks) if stem(t) in things and not said[i][0].isupper()]
    return bool(before) and all(not w or w in STOPWORDS or stem(w) in earlier for w in before)


# who a thing is with: "priya at brightpod", "fiona at clyde sound"
AT_PLACE = re.compile(r"\b(?:at|from)\s+([^\W\d_][\w&'-]*(?:\s+[^\W\d_][\w&'-]*)?)", re.I)


def _anothers_change(sentence: str, earlier: str, shared: set[str]) -> bool:
    """Whether ``sentence`` tells of a thing at another place than the ``earlier`` statement's
    (whose place the question names too): "fiona at clyde sound says their day rate goes up"
    changes no rate "priya at brightpod" agreed."""
    def places(text: str) -> set[str]:
        return {stem(t) for m in AT_PLACE.finditer(text) for t in tokens(m.group(1))}

    own = places(earlier) & shared
    return bool(own) and not own & words(sentence) and bool(places(sentence) - STOPWORDS)


# "nov still old rate", "the previous address": the thing as it was before, not as it is now
OUTDATED = re.compile(r"\b(?:old|previous|former|original|prev)\s+([a-z]+)", re.I)


def outdated(sentence: str) -> set[str]:
    """The stems of the things ``sentence`` names as they were before ("old rate")."""
    return {stem(m.group(1).lower()) for m in OUTDATED.finditer(sentence)}


def _allowed(allow: Callable[[Hit, str], bool] | None, other: Hit, later: str, hit: Hit) -> bool:
    """Whether ``allow`` lets ``later`` (a change of ``hit``'s statement, in ``other``) answer:
    read as going on from ``hit``, whose thing it changes ("rebooked wentzl 7-11 jan
    €149/night" is on the hotel of "hotel wentzl ... €165/night")."""
    return allow is None or allow(other, later) or allow(replace(other, text=f"{hit.text}\n{other.text}"), later)


OPENERS = frozenset("so and then now but just".split())  # words a clause may open with before its verb
# words that tell when, not what: "7 days", "sat", "night" link no later line to an earlier one
# (as written and stemmed: "mornings" stems to "morning", which "morning" itself does not)
NO_LINK = frozenset({stem(w) for w in QUESTION_WORDS | CALENDAR_ABBREVIATIONS} | QUESTION_WORDS
                     | CALENDAR_ABBREVIATIONS)


def _moves_on(sentence: str, hit: Hit, shared: set[str], earlier: AbstractSet[str]) -> bool:
    """Whether ``sentence`` opens with a change and nothing it changes before it ("switching to
    lily's kitchen grain free instead"), in an item that names the thing and what the earlier
    statement gave it ("wellbeloved not agreeing with miso"): the change is of that."""
    toks = tokens(sentence)
    while toks and toks[0] in OPENERS:
        toks = toks[1:]
    spans = _change_spans(toks)
    if not spans or spans[0][0] != 0 or called_off(sentence, hit):
        return False  # (what is called off is told as such: "Cancelled the hotel, flights refunded")
    if not words(" ".join(t for t in toks[spans[0][1] + 1:] if t not in AFTER_CHANGE)):
        return False  # "moved in!!!" tells of a move, and of nothing it changed to
    item = words(hit.text or "")
    value = {w for w in (earlier - shared) & item if w.isalpha() and w not in NO_LINK and not _change_spans([w])}
    # (or one that says much of what it said: "cancelled the dec wentzl booking (free) and rebooked
    # wentzl 7-11 jan" after "hotel wentzl ... 17-21 dec ... booking.com conf ... free cancellation")
    return bool(value) and (bool(shared & alike(item)) or len(value) >= 3)


PLAN = re.compile(r"\b(?:book(?:ed|ing)|plan(?:s|ned|ning)?|scheduled|will|going to|due|every|next|tomorrow|tonight|"
                  r"signed up|entered|invited|coming up)\b", re.I)


def _plan(sentence: str, hit: Hit) -> bool:
    """Whether ``sentence`` tells of a thing still to happen when it was written (a day ahead,
    or a word of planning), which a later "cancelled" may call off; a thing already done is
    not undone by it."""
    written = from_ts(hit.ts).date()
    return bool(PLAN.search(sentence)) or any(day is not None and day >= written
                                              for _, _, day, _ in dates_in(sentence, hit.ts))


NEWS_LABEL = re.compile(r"^\W*(?:[\w']+\s+){0,3}(?:update|news)\s*:\s", re.I)  # "tomas update: ", "wedding news: "


def _of_another(sentence: str, known: set[str]) -> bool:
    """Whether each change ``sentence`` tells is of a thing it names before its change word
    and ``known`` (the question's key words and the earlier statement's) holds none of:
    "Redis cache moved to port 6380" changes nothing of "Postgres ... listens on port 5433"."""
    told = False
    # (a dash or a colon opens a clause too: "rang mrs lewis - moved to fri 4 april" says who moved it;
    # "tomas update: ..." only says whose news follows)
    for clause in re.split(rf"{CLAUSES.pattern}|\s[-\u2013\u2014]\s|:\s", NEWS_LABEL.sub("", sentence)):
        toks = tokens(clause)
        spans = _change_spans(toks)
        if not spans:
            continue
        before = toks[:spans[0][0]]  # what stands before the first change word
        thing = {stem(t) for t in before if t not in STOPWORDS and t not in FIRST_PERSON and not TIME_WORD.match(t)}
        if not thing or alike(thing) & known:
            return False
        told = True
    return told


# what a moving, switching or changing thing is, after the word: "moving house" moves
AFTER_CHANGE = frozenset("house home flat out in away over back forward again".split())


def _names_kind(word: str) -> bool:
    """Whether ``word``, right after a change word in -ing, makes it name a kind of thing
    ("moving day", "changing room") rather than say what changes."""
    return word not in STOPWORDS and word not in AFTER_CHANGE and not TIME_WORD.search(word) \
        and not word[0].isdigit()


def same_writer(one: str | None, other: str | None) -> bool:
    """Whether two items have one writer: the same speaker, or the user in both (a note, and
    the user's side of a chat export: "booked a weekend in tenby" then the note "tenby - moved")."""
    return (one or "") == (other or "") or (is_self(one) and is_self(other))


# a thing's new time or place, said without naming the thing ("moved to fri 4 april"; not
# "moved mum into oakwood" or "raised £365")
RESCHEDULED = re.compile(r"\b(?:moved|moving|rescheduled|re-?arranged|postponed|pushed back|brought forward|changed)\s+"
                         r"(?:it\s+|again\s+)?(?:to|till|until|for)\b", re.I)


def _in_changed_section(sentence: str, hit: Hit, shared: AbstractSet[str], where: bool) -> bool:
    """Whether ``sentence`` says a change under a heading that names the thing: "rang mrs lewis
    - moved to fri 4 april" under "tenby - has to move" (a new time changes no place)."""
    change = RESCHEDULED.search(sentence)
    # the change opens its part of the line, with no thing of its own before it ("standing
    # order updated 24/2" under "Rent" updates the standing order, not the rent)
    return (change is not None and bool(shared & heading_words(hit))
            and not words(re.split(r"[-\u2013\u2014:;,(]\s", sentence[:change.start()])[-1])
            and not (where and TIME_WORD.search(sentence[change.end():change.end() + 24])))


def is_note(hit: Hit) -> bool:
    """A note or a file's paragraph: one writer, who names the people it is about."""
    return hit.source in ("note", "file") or hit.actor is None


def one_line(hit: Hit) -> bool:
    """Whether ``hit`` is one line (as ``recall add`` takes a note): one that opens on a thing is
    on it whole ("flights booked ... booking ref EJK4Q7P. £168 return w/ a bag")."""
    return "\n" not in (hit.text or "").strip()


# what stands right before a value that no longer holds ("instead of $1,240", "can't be 16 Aug")
NO_LONGER = re.compile(r"\b(?:instead of|rather than|not|no longer|used to be|previously|originally|replacing|replaces|"
                       r"can't be|cannot be|won't be)\s+(?:the\s+)?$", re.I)
WAS = re.compile(r"\b(?:was|were|from|up from|down from)\s+$", re.I)  # of an amount: "now £2,140, was £1,850"
ANY_MORE = re.compile(r"\s*\)?\s*(?:anymore|any more)\b", re.I)


def no_longer(sentence: str, start: int, end: int, amount: bool = False) -> bool:
    """Whether the value at ``sentence[start:end]`` is one that no longer holds ("(instead of
    $1,240)", "not Jan 15 anymore", "the move can't be 16 Aug any more"; an ``amount`` also
    after "was" or "up from")."""
    return bool(NO_LONGER.search(sentence[:start]) or ANY_MORE.match(sentence[end:])
                or (amount and WAS.search(sentence[:start])))


def note_heading(hit: Hit) -> str:
    """The heading a note's lines sit under: what they are about ("# Vancouver — move date
    pushed" over "New move date: March 1"); '' for no note or none."""
    return str(hit.meta.get("heading") or "") if is_note(hit) and hit.meta else ""


def heading_words(hit: Hit) -> set[str]:
    """The key words of ``note_heading``."""
    return words(note_heading(hit))


def section_words(hit: Hit) -> set[str]:
    """The key words of the innermost heading a note's lines sit under ("christmas gig" of
    "ole bull scene > next: christmas gig"): what the section is about."""
    return words(note_heading(hit).rsplit(" > ", 1)[-1])


def is_question(sentence: str) -> bool:
    """Whether ``sentence`` asks rather than tells."""
    return sentence.rstrip().endswith("?")


# how one asks in a chat, typing fast and without a question mark ("how much payasam for 68",
# "draft me a polite but firm chaser")
ASKING = re.compile(r"^\s*(?:how|what(?!\s+an?\b)|whats|which|who|where|when|why|should|can|could|would|is there|"
                    r"are there|do i|do we|does)\b", re.I)
REQUESTING = re.compile(r"^\s*(?:can you|could you|pls|please|draft|write|give me|tell me|suggest|explain|help)\b",
                        re.I)


def asks(sentence: str, hit: Hit, requests: bool = False) -> bool:
    """Whether ``sentence`` (of ``hit``) asks: it ends in a question mark, or, in a chat, opens
    as a question does (or, with ``requests``, as a request: "draft me a polite but firm chaser")."""
    return is_question(sentence) or (hit.source == "chat" and (
        ASKING.match(sentence) is not None or (requests and REQUESTING.match(sentence) is not None)))

"""Whether the evidence supports an answer at all: the abstention rules of `recall ask`.

A small model answers whatever it is given, so the decision to say "Not mentioned" is made
here, from the words of the question and of the evidence, before any model runs:

- **No shared key words.** A question's key words are its content words less the ones that
  only shape a question ("what kind of", "recently", month names), less the people it names.
  When no evidence item holds enough of them, nothing in memory is about the question.
- **A name the evidence never mentions.** A question that names something ("What did Jon
  take a trip to Barcelona for?") is about that thing: when no evidence item mentions any
  word of the name (Jon went to Rome), nothing in memory answers it. A name is a run of
  capitalised words inside the question, less the people the store knows, month and day
  names and their short forms.
- **Another person's evidence.** When the question names one known speaker ("What did Caroline
  realise after her charity race?") and the evidence that matches it best is about someone
  else (Melanie ran the race), the question is about something never said. "Best" is the
  statement holding most key words; between equals, the one the search ranks higher. Who a sentence is
  about follows the grammar of conversation: a speaker's first person ("I", "my") is the
  speaker, their second person ("you", a name they address) is the one they talk to, and a
  sentence with neither belongs to the turn's own subject. Questions ("what made you pick
  it?") assert nothing and are not evidence for either. A question about what an AI
  assistant said ("what did the assistant suggest for my knee?") is answered by all of its
  reply, with the request it answered.

The rules are general (no list of names, no thresholds fitted to one corpus beyond the share
of key words, which is configurable as ``ask.min_support``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from ..models import Hit
from ..search.text import ASSISTANT_NAMES, ASSISTANTS, SHORT_FORMS, SHORT_WORDS, is_assistant, is_self, joined_parts
from .asking import WHICH_CODE, names_thing, things_asked
from .lexicon import HOLIDAYS, IDIOMS, IRREGULAR, LANGUAGES, PERIODIC, RELATION, SHORT_MONTHS
from .verb import DEED_ASKED, GENERIC_VERBS, GOT_FOR, PREDICATE, ROLE_ASKED, WHEN_PREDICATE, WHO_VERB

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")  # any alphabet: "Tomás" is one word, not "tom" and "s"
# a sentence ends at . ! ? and a space, not after a title or an abbreviation ("Dr. Patel", "e.g. this")
_ABBREVIATIONS = ("Dr", "Mr", "Ms", "St", "Jr", "Sr", "vs", "Mrs", "Prof", "etc", "e.g", "i.e", "approx")
TITLE_BEFORE = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")\.$")
SENTENCE = re.compile(r"(?:(?<=[.!?])" + "".join(rf"(?<!\b{re.escape(a)}\.)" for a in _ABBREVIATIONS)
                      + r"|(?<=[.!?]\*\*)|(?<=[.!?]__))\s+")  # (or after bold: "**Sat 6 Sept.** Keys ...")
YEAR = re.compile(r"^(?:19|20)\d\d$")
STOPWORDS = frozenset("""
a an and are as at be been but by can could did do does for from had has have he her hers him his how i if in into is
per it its me my of on or our she so than that the their them then there these they this to was were what when where
which who whom why will with would you your yours about after before doing any some just also very really much many more
most not no yes too all am i'm i've i'd i'll we we're we've us ours myself yourself
""".split())
# Words that shape a question without saying what it is about ("what kind of", "recently",
# "in May"): they are not evidence that an item is on the question's subject.
QUESTION_WORDS = frozenset("""
kind type sort thing things something anything everything way ways one ones new old recent recently currently lately
usually often ever now first last next time times day days week weeks month months year years today yesterday tomorrow
tonight morning evening afternoon night weekend ago reason reasons like likes liked favorite favourite get gets got
getting make makes made go goes went going gone come came say says said tell told mention mentioned think thought feel
felt know knew want wanted plan plans planning planned use used using take took taking give gave done happen happened
help helped stay keep kept still while since during activity activities hobby hobbies interest interests
should need needs schedule scheduled agenda due todo coming actually exactly already basically eventually ultimately
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
""".split())
# short forms of months and days: capitalised, but not names of anything a question is about
CALENDAR_ABBREVIATIONS = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun".split())
POSSESSIVE = re.compile(r"\b[A-Z][a-z]+(?:'s|\u2019s)\b")  # "Sam's": whose a thing is
# "what is my passport number?", "the door code?": asks for digits, and a note without any
# ("renewed the passport at the consulate") does not answer it
LONG_NUMBER = re.compile(r"\d[\d \-]{4,}\d")  # a phone number or a code, not an amount
HOW_OLD = re.compile(r"\bhow old\b", re.I)
# an age: "Biscuit is 6", "I'm 38", "turns 40", "aged 7", "6 years old", "a 3-year-old", "her 7th
# birthday" (not "is 25 kg", "is 10 minutes away")
AGE = re.compile(r"\b(?:is|was|am|'m|turns?|turned|turning|aged?)\s+(?:now\s+)?\d{1,3}\b"
                 r"(?!\s*(?:kg|kilos?|lbs?|pounds?|g|km|miles?|m|cm|mm|%|am|pm|minutes?|mins?|hours?|[:.,]\d|[£$€]))"
                 r"|\b\d{1,3}[\s-]*(?:years?|yrs?|months?|weeks?)[\s-]*old\b|\b\d{1,3}(?:st|nd|rd|th) birthday\b",
                 re.I)
DIGITS_ASKED = re.compile(r"\b(?:number|code|pin|postcode|zip code|phone|extension|reference|ref)\b"
                          r"(?:\s+(?:for|of|at)\s+[\w' -]{1,40})?[\s?.!]*$"  # "... number for Biscuit?"
                          r"|^\W*what(?:'s|s|\s+is|\s+was)?\s+(?:\w+\s+){1,2}(?:number|code|pin)\b(?!\s+of\b)", re.I)
# "what did the assistant suggest?": asks what an AI assistant said, so all of its turn answers,
# whomever it is about ("strengthen your glutes")
SPEECH = re.compile(r"\b(?:say|said|suggest(?:ed)?|recommend(?:ed)?|advise[d]?|tell|told|mention(?:ed)?|"
                    r"propose[d]?|explain(?:ed)?|answer(?:ed)?|repl(?:y|ied)|write|wrote|according to|"
                    r"(?:gave|give|given) (?:me|us))\b", re.I)  # "the toast chatgpt gave me"
# whole words only: "ePMS" and "iPhone" are names, not their "PMS" and "Phone"
NAME = re.compile(r"(?<![\w'\u2019-])(?:[A-Z]|[a-z]{1,2}[A-Z])[\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*")
# "how did I fix the build?": asks for steps, and an item with only the verb is about another thing
HOW_TO = re.compile(r"^\s*how (?:do|did|can|could|should|would) (?:i|we|you|one)\b", re.I)
# words a note says a question's word with (stems): "where does Priya work?" is answered by
# "her new job at the BBC", "where does Anna live?" by "Anna moved to Bristol"
FAMILY: dict[str, frozenset[str]] = {key: frozenset(alike.split()) for key, alike in (
    ("liv", "mov hom hous flat apartment"), ("teach", "teacher"), ("work", "job employ hire"),
    ("job", "work employ hire"), ("address", "street road avenu lane hous flat apartment"),
    ("fly", "flight airlin"), ("flight", "fly airlin"), ("airlin", "fly flight"), ("birthday", "born"),
    ("class", "lesson"), ("lesson", "class"), ("trip", "flight fly hotel holiday travel"),
    ("holiday", "trip flight hotel travel"), ("get", "buy order"),
    # what a meeting decided: "we agreed to drop Jenkins", "Decision: ...", "settled on", "chose"
    ("decid", "decision agre agr settl choos chose"))}


# an age as an ordinal says a birthday: "the trip for his 40th (he's 40 on the 22nd Nov)"
AGE_ORDINAL = re.compile(r"(?:1[3-9]|[2-9]\d|1\d\d)th")


def doers(said: set[str]) -> set[str]:
    """``said`` (stems) with the one who does each: "plasterer" for "Col did the plastering",
    "trainer" for "trains me". For whether an item is on a question's subject, not for which
    item answers it ("the dancers" are not "the dance class")."""
    return said | {w + ("r" if w.endswith("e") else "er") for w in said if len(w) >= 4 and w.isalpha()}


def alike(said: set[str]) -> set[str]:
    """``said`` (stems) with the question words it says in other words (FAMILY)."""
    same = {key for key, family in FAMILY.items() if family & said}
    # a trade is said by its work: "craig finished the plumbing" is on the plumber
    same |= {f"{w}er" for w in said if len(w) >= 4 and w.isalpha()}
    # and one who does it by its work: "demonstrator rate" is the demonstrating rate
    same |= {w[:-2] for w in said if len(w) >= 8 and w.endswith(("or", "er")) and w.isalpha()}
    # (as does turning an age: "Tomas turns 7 on 3 January")
    if any(AGE_ORDINAL.fullmatch(w) for w in said) or ("turn" in said and any(w.isdigit() and int(w) <= 120
                                                                              for w in said)):
        same.add("birthday")
    return said | same


def plain(question: str) -> str:
    """``question`` with its idioms said plainly (see IDIOMS)."""
    for idiom, meaning in IDIOMS:
        question = idiom.sub(meaning, question)
    return question


def predicate_of(question: str, when: bool = False) -> str:
    """The stem of the verb a "what did I <verb> ..." or "who <verb>s ..." question asks
    about (``when``: or a "when did I <verb> ...?" one); "" for none."""
    question = plain(question)
    m = PREDICATE.search(question) or WHO_VERB.search(question) or (WHEN_PREDICATE.search(question) if when else None)
    verb = m.group(1).lower() if m else ""
    if verb == "get" and GOT_FOR.search(question):
        return verb  # "what did I get Rory?" asks what was bought ("I got him a red kite")
    if not verb or verb in GENERIC_VERBS or verb in STOPWORDS or SPEECH.fullmatch(verb):
        return ""  # a verb that reports speech ("what did Claude suggest?") frames the question
    return stem(verb)


def role_or_deed(question: str) -> str:
    """The stem of the role a "who is the <role> ...?" question names, or of the deed a "did I
    <verb> ...?" one asks whether it happened, however common ("did I get the grant?" is
    answered by "GRANT: got it!!", not "applied for the grant"); "" for none."""
    m = ROLE_ASKED.match(question) or DEED_ASKED.match(question)
    return stem(next(g for g in m.groups() if g).lower()) if m else ""


def speech_words(question: str) -> set[str]:
    """The stems of the verbs that report speech in ``question`` ("suggest" in "what did Claude
    suggest for Lisbon?"): they frame what is asked, they are not its subject."""
    return {stem(w) for w in tokens(" ".join(SPEECH.findall(question)))}


def relations_in(text: str) -> set[str]:
    """The kinds of relative ``text`` names ("my sister's" -> {"sister"})."""
    return {RELATION[w] for w in (t.removesuffix("'s") for t in tokens(text)) if w in RELATION}
FIRST_PERSON = frozenset("i i'm i've i'd i'll im ive my me mine myself we we're we've we'll our ours us".split())
SECOND_PERSON = frozenset("you you're you've you'll you'd your yours yourself ya ur".split())


def stem(word: str) -> str:
    """A light stemmer: "serviced", "service" and "servicing" meet; "movies" and "movie" too;
    "lent" and "lend" (IRREGULAR)."""
    if word.endswith("'s"):
        word = word[:-2]
    if not word.isascii():
        # "québec" meets "quebec" and "café" "cafe", as search finds them (not "straße", not kana)
        folded = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
        word = folded if folded.isascii() else word
    word = IRREGULAR.get(word, PERIODIC.get(word, SHORT_MONTHS.get(word, word)))
    if word.endswith("ic") and len(word) > 6:
        word = word[:-2] + "y"  # "allergic" meets "allergy", "economic" "economy"
    if word.endswith("ies") and len(word) >= 5:
        return word[:-3] + "y"  # "flies" -> "fly", "studies" -> "study"
    for suffix in ("ing", "ed", "es", "s"):
        # "pass" is no plural: it meets "passed" and "passes" ("class", "glass", "address" too)
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not (suffix == "s" and word.endswith("ss")):
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls" and word[:-1] not in CALENDAR_ABBREVIATIONS:
        word = word[:-1]  # "running" -> "runn" -> "run" (but "wedding" is no "Wed")
    if word.endswith("i") and len(word) > 3:
        word = word[:-1] + "y"  # "movies" -> "movi" -> "movy", as "movie" -> "movi" -> ... below
    return word


KIN_STEMS = frozenset(stem(w) for w in RELATION)
# the words that ask for digits (DIGITS_ASKED), as stems
PHONE = re.compile(r"\b(?:phone|mobile|landline|cell)\b", re.I)
DIGIT_WORDS = frozenset(map(stem, "number code pin postcode zip phone extension reference ref".split()))


# a note's short form says its word ("mum's op" for "operation")
for _full, _short in SHORT_FORMS.items():
    FAMILY[stem(_full)] = FAMILY.get(stem(_full), frozenset()) | {stem(w) for w in _short}


def tokens(text: str) -> list[str]:
    """Lowercase words (apostrophes straightened, contractions kept whole)."""
    return WORD.findall(text.lower().replace("\u2019", "'"))


def words(text: str) -> set[str]:
    """Stemmed content words: not stopwords and longer than two letters, or holding a digit
    ("B3", "5k", "2023")."""
    return {stem(w) for w in tokens(text)
            if (w not in STOPWORDS and len(w) > 2) or any(c.isdigit() for c in w) or w in SHORT_WORDS}


def key_words(question: str, names: Iterable[str] = ()) -> set[str]:
    """What a question is about: its content words less question-shaping words, years and the
    people it names (those are checked apart, by whom the evidence is about)."""
    skip = {n.lower() for n in names}
    question = plain(question)
    # "what's" is "what": a question word, not a key
    return {stem(w) for w in tokens(question)
            if (base := w.removesuffix("'s")) not in STOPWORDS and base not in QUESTION_WORDS and not YEAR.match(w)
            and (len(w) > 2 or base in SHORT_WORDS or base[-1:].isdigit()) and base not in skip}  # "the gp", "v5"


def _plain(word: str) -> str:
    return word.lower().replace("\u2019", "'").removesuffix("'s")


def names_in_question(question: str, people: Iterable[str] = ()) -> list[str]:
    """Runs of capitalised words inside ``question`` (not its first word), less the known
    ``people`` and stopwords; a lone calendar or question word ("May", "Aug") is no name."""
    skip = {p.lower() for p in people}
    found = []
    for match in NAME.finditer(question):
        run = match.group(0).split()
        before = question[: match.start()].rstrip()
        if match.start() == 0 or (before.endswith((".", "?", "!")) and not TITLE_BEFORE.search(before)):
            run = run[1:]  # a sentence's first word is capitalised whatever it is ("Dr. Patel" aside)
        # "Mum's", "Dad": a relative, whatever the notes call them ("Ma", "Pai"); "bought after
        # Christmas": a time the thing is dated by (what happened "during Halloween" is about it)
        dating = bool(re.search(r"\b(?:after|before|since|until|till|by)\s*$", before, re.I))
        kept = [w for w in run if (word := _plain(w)) not in skip and word not in STOPWORDS and len(word) > 2
                and word not in RELATION and word not in LANGUAGES and not (dating and word in HOLIDAYS)]
        if len(kept) == 1 and (_plain(kept[0]) in QUESTION_WORDS or _plain(kept[0]) in CALENDAR_ABBREVIATIONS):
            continue  # "in May", "on Aug 15th", "the New one": calendar or question words, not a name
        if kept:
            found.append(" ".join(kept))
    return found


def sentences(text: str) -> list[str]:
    """Sentences of a text, on one line each. A line of a note is a unit of its own ("bike lock
    (blue kryptonite) 4721", then "Steve Ackroyd, plumber - 07700 900418"), unless it is a
    line of wrapped prose that goes on below."""
    return [s for unit in units(text) for s in SENTENCE.split(" ".join(unit.split())) if s]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


WRAPPED_LINE = 60  # a line at least this long that stops mid-sentence was wrapped, not ended
_GOES_ON = re.compile(r"^\s*[a-z(]")


def next_on_line(sentence: str, text: str) -> str:
    """The sentence after ``sentence`` on its line of ``text`` (wrapped or not); '' for none."""
    for line in units(text):
        said = sentences(line)
        if sentence in said and said.index(sentence) + 1 < len(said):
            return said[said.index(sentence) + 1]
    return ""


def units(text: str) -> list[str]:
    """The lines of a text, a line of wrapped prose joined to the lines it goes on in."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return [text]
    # wrapped prose: every line but the last runs near the width (a note's lines do not)
    wrapped = all(len(line.rstrip()) >= WRAPPED_LINE for line in lines[:-1])
    units = [lines[0]]
    for line in lines[1:]:
        before = units[-1].splitlines()[-1].rstrip()
        # a list item's indented line that is no item of its own goes on with it ("- Whitby 11/12
        # oct ...", then "    CANCELLED - Kuba ill")
        goes_on = STEP_START.match(before) is not None and _indent(line) > _indent(before) \
            and not STEP_START.match(line)
        # (a list item is not wrapped into a line that is not indented under it: "2) joiner:
        # £3,480 ...", then "which makes more sense?" asks of both items)
        item = STEP_START.match(units[-1]) is not None and _indent(line) <= _indent(units[-1])
        if goes_on or wrapped and not item and not before.endswith((".", "!", "?", ":", ";")) \
                and _GOES_ON.match(line) and not STEP_START.match(line):
            units[-1] += "\n" + line
        else:
            units.append(line)
    return units


# a list item, a heading, a quote or a label ("building door code: ...") opens a line
STEP_START = re.compile(r"^\s*(?:(?:\d+[.)]|[-*\u2022#>])\s|[\w' ]{1,30}\s?[:=]\s)")


# a question that opens a clause after a statement: "I was thinking about X, can you ...?"
_ASKS_AFTER = re.compile(r"\s*(?:[,;:]|\s[-\u2013\u2014])\s+(?:and\s+|so\s+|but\s+)?(?:can|could|would|will|do|does|"
                         r"did|is|are|should|any|what|how|which|where|when|why|who|have|has)\b", re.I)
_ASKS_FIRST = re.compile(r"^\s*(?:can|could|would|will|do|does|did|is|are|should|any|what|how|which|where|when|"
                         r"why|who|have|has|am|was|were|shall|may|might)\b", re.I)


# a request put to the one listening ("Describe X", "Please write a poem"): what they are to
# do, not news of the one asking
REQUEST = re.compile(r"^\s*(?:please\s+)?(?:always|never|don't|do not|describe|explain|write|tell|give|list|show|"
                     r"summari[sz]e|translate|"
                     r"compare|generate|draft|rewrite|outline|simulate|create|suggest|recommend|provide|define|"
                     r"brainstorm|proofread|edit|convert|calculate|design)\b", re.I)


def stated(sentence: str) -> str:
    """What ``sentence`` asserts: all of it, or for a question only a statement it opens
    with ("I was thinking about strength training, can you recommend exercises?" -> "I was
    thinking about strength training"); '' for a plain question, which asserts nothing."""
    if not sentence.rstrip().endswith("?"):
        return sentence
    if _ASKS_FIRST.match(sentence):
        return ""
    asks = _ASKS_AFTER.search(sentence)
    head = sentence[: asks.start()].strip() if asks else ""
    return head if len(head.split()) >= 3 else ""


def names_person(word: str, name: str) -> bool:
    """Whether ``word`` is ``name`` or a short form of it ("mel" for "melanie")."""
    name = name.lower()
    return word == name or (len(word) >= 3 and name.startswith(word) and len(word) >= len(name) - 4)


@dataclass
class Ownership:
    """An evidence item's sentences split by whom they are about, for one named person."""

    person: list[str] = field(default_factory=list)  # about the person the question names
    other: list[str] = field(default_factory=list)  # about someone else
    neutral: list[str] = field(default_factory=list)  # about nobody in particular (a note)


def ownership(hit: Hit, person: str, speakers: Sequence[str]) -> Ownership:
    """Whom each statement of ``hit`` is about: ``person`` (the one the question names), someone
    else, or nobody in particular. Questions are left out (they assert nothing), all but a
    statement one opens with (``stated``)."""
    speaker = hit.actor or ""
    is_person = speaker.lower() == person.lower()
    others = [s for s in speakers if s.lower() not in {person.lower(), speaker.lower()}]
    split = [(s, {w.removesuffix("'s") for w in tokens(s)}) for s in sentences(hit.text or "")]
    everything = set().union(*(w for _, w in split)) if split else set()
    out = Ownership()
    for whole, ws in split:
        sentence = stated(whole)
        if not sentence:
            continue
        if sentence is not whole:
            ws = {w.removesuffix("'s") for w in tokens(sentence)}
        mentions_person = any(names_person(w, person) for w in ws)
        mentions_other = any(names_person(w, o) for w in ws for o in others)
        first, second = bool(ws & FIRST_PERSON), bool(ws & SECOND_PERSON)
        if not speaker:  # a note or a memory: only a name says whom it is about
            (out.person if mentions_person else out.other if mentions_other else out.neutral).append(sentence)
        elif is_person:
            if REQUEST.match(sentence):  # "Always confirm time zones when I ask ...": asked of the listener
                out.other.append(sentence)
            elif first:
                out.person.append(sentence)
            elif second or mentions_other:
                out.other.append(sentence)  # what the person says about the one they talk to
            elif everything & SECOND_PERSON and not everything & FIRST_PERSON:
                out.other.append(sentence)  # a turn all about the listener
            else:
                out.person.append(sentence)
        else:
            if first:
                out.other.append(sentence)  # the speaker's own news
            if second or mentions_person:
                out.person.append(sentence)  # said to, or about, the person
            elif not first:  # neither: the turn's subject, the listener when it is all about them
                addressed = bool(everything & SECOND_PERSON) and not everything & FIRST_PERSON
                (out.person if addressed else out.other).append(sentence)
    return out


MY_THING = re.compile(r"\bmy\s+([a-z]+)\b(?!['\u2019])", re.I)  # "my birthday", not "my mum's"
WHOSE = re.compile(r"^(?:[A-Z][a-z]+['\u2019]s|his|her|their)$")


def _anothers_only(question: str, keys: set[str], top: Sequence[Hit]) -> bool:
    """Whether the question asks of the asker's own thing ("when is my birthday?") and the
    evidence says that thing only as someone else's ("Meabh's birthday dinner"). An assistant
    speaks of the asker's own as "your"; the rest of what it says is left aside."""
    asked = MY_THING.search(question)
    thing = stem(asked.group(1).lower()) if asked else ""
    if thing not in keys:
        return False
    whose = [WHOSE.match(before) is not None
             for h in top if not is_assistant(h.actor or "") or "your" in tokens(h.text or "")
             for said in [re.findall(r"[\w'\u2019]+", h.text or "")]
             for before, word in zip(["", *said], said, strict=False) if stem(word.lower()) == thing]
    return bool(whose) and all(whose)


def told(hit: Hit) -> str:
    """An item's words for the question's: its speaker, its text, its joined names' words ("PureGym" holds a
    gym), and where it sits (a note's heading, a chat's title, a file's name "gym switch.md"), as search reads it."""
    where = " ".join(str(hit.meta.get(k) or "") for k in ("heading", "title")) if hit.meta else ""
    return f"{hit.actor or ''} {hit.text} {where} {file_words(hit)} {joined_parts(hit.text or '')}"


def file_words(hit: Hit) -> str:
    """A note file's name as words ("gym_switch.md" -> "gym switch"); "" for anything else."""
    if not hit.meta or not hit.meta.get("path") or hit.source not in ("note", "file"):
        return ""
    return re.sub(r"[_-]", " ", PurePath(str(hit.meta["path"])).stem)


def turn_before(hit: Hit, hits: Sequence[Hit]) -> str:
    """The text of the turn among ``hits`` that came last before ``hit`` in its conversation."""
    earlier = [h for h in hits if h is not hit and h.session and h.session == hit.session and h.ts <= hit.ts
               and h.owner == "event" and (h.actor or "") != (hit.actor or "")]
    return max(earlier, key=lambda h: h.ts).text if earlier else ""


def kind_words(question: str, subject: set[str]) -> set[str]:
    """The words of ``subject`` (stems) that say which kind of thing the question asks about:
    all but the last in the question's order ("swimming" of "Ellie's swimming lesson"; the
    last, "lesson", is the name many kinds share); none for a one-word subject."""
    order = [stem(w) for w in tokens(question)]
    ranked = sorted(subject & set(order), key=order.index)
    return set(ranked[:-1]) if len(ranked) == len(subject) else set()


def _anothers_kind(question: str, subject: set[str], own: set[str], top: Sequence[Hit]) -> bool:
    """Whether the notes that hold all of ``subject`` are someone else's, and those naming the
    person asked about (``own``) hold none of its kind (``kind_words``): "when is Ellie's
    swimming lesson?" with "Tom's swimming lessons are every Tuesday" and "Piano lesson for
    Ellie moved to Friday"."""
    kind = kind_words(question, subject)
    if not kind:
        return False
    theirs = [h for h in top if not h.actor and POSSESSIVE.search(told(h)) and not own & words(told(h))
              and subject <= alike(words(told(h)))]
    return bool(theirs) and not any(kind <= alike(words(told(h))) for h in top if own & words(told(h)))


@dataclass
class Support:
    """What the evidence says about a question's subject."""

    key_words: set[str]
    share: float  # the best share of the key words one item holds (1.0 without key words)
    person: str | None = None  # the one known speaker the question names
    person_match: int = 0  # key words in the best statement about that person
    other_match: int = 0  # key words in the best statement about anyone else
    abstain: str = ""  # why the evidence does not support an answer ("" when it does)


def assess(question: str, hits: Sequence[Hit], *, speakers: Callable[[str], str | None],
           min_support: float, depth: int = 8) -> Support:
    """Whether ``hits`` (best first) can support an answer to ``question``.

    ``speakers`` maps a word of the question to the known speaker it names (None when it
    names none); ``min_support`` is the share of the key words some item must hold."""
    named: dict[str, str] = {}
    aliases: list[str] = []  # "ChatGPT" for the stored "assistant": a speaker, not a name to find
    for word in dict.fromkeys(tokens(question)):
        word = word.removesuffix("'s")
        if (word in STOPWORDS and word != "you") or len(word) < 2:
            continue
        actor = speakers(word)
        # "what did you recommend?": the one who answered in a chat export
        asked_you = word == "you" and SPEECH.search(question) is not None
        if actor is None and (word in ASSISTANT_NAMES or asked_you):
            actor = next((a for a in map(speakers, ASSISTANTS) if a), None)
            aliases.append(word)
        if actor:
            named[actor.lower()] = actor
    keys = key_words(question, [*named.values(), *aliases])
    known = [*named.values(), *aliases]
    top = list(hits[:depth])
    if not top:
        return Support(keys, 0.0, abstain="no evidence")
    verb, asked = predicate_of(question), things_asked(question)
    things = {stem(t) for t in asked} & keys
    # each item's words, as the question's; for "what is Priya's number?", a phone number or code
    # says "number" ("- Babysitter: Priya, 07700 900777")
    digits = DIGIT_WORDS & keys if DIGITS_ASKED.search(question) else set()
    heard = [doers(alike(words(told(h)))) | (digits if LONG_NUMBER.search(told(h)) else set()) for h in top]

    def share_of(hit: Hit, said_: set[str]) -> float:
        held = keys & said_
        if verb and held == {verb} and len(keys) > 1 and hit.source != "shell" and HOW_TO.match(question):
            # "how did I fix the build?" is not answered by "Fixed the leaking tap"; a command's
            # words are its verbs ("npm run build" for "how do I build the web app?")
            return 0.0
        if held and held <= KIN_STEMS and keys - KIN_STEMS:
            return 0.0  # "where is Oma's armchair?": an item that only names Oma holds nothing asked
        if not names_thing(asked, things, told(hit), said_) and (hit.source != "shell" or WHICH_CODE.match(question)):
            return 0.0  # "where is the spare bike key?": "brake pads on the bike" holds no key (nor "mysql -p" wifi)
        return len(held) / len(keys)

    share = max(share_of(h, said_) for h, said_ in zip(top, heard, strict=True)) if keys else 1.0
    support = Support(keys, share)
    if not re.search(r"[^\W\d_]{2}", question):  # "?", "x": no word to look for
        support.abstain = "the question has no word to look for"
        return support
    if share < min_support:
        support.abstain = f"no evidence item is about the question's subject ({share:.0%} of its key words)"
        return support
    said = set().union(*({w.removesuffix("'s") for w in tokens(told(h))} for h in top))
    said |= {stem(w) for w in said}
    waived: set[str] = set()
    asked_names = names_in_question(question, known)
    for name in asked_names:
        own = {stem(w) for w in tokens(name)}
        if HOW_TO.match(question) and keys - own and any(keys - own <= said_ for said_ in heard):
            waived.add(name)  # "how do I mount the lab NAS from Linux?": the steps, said for "Ubuntu"
            continue
        if not any(w in said or stem(w) in said for w in tokens(name)[:1]):  # ("Cardiff Half": not said "Half")
            support.abstain = f"the evidence never mentions {name}"
            return support
        # "where is Lena's key?" is not answered by the note "Sam's key is under the pot" while
        # Lena appears only in another note: whose it is was asked, and the note says another's.
        # Notes only, and only for "<name>'s": a conversation spreads what it says of someone
        # over several turns ("This is Max!" ... "we adopted him last week")
        if not re.search(rf"\b{re.escape(_plain(name))}(?:'s|\u2019s)(?!\w)", question, re.I):
            continue
        subject = keys - own
        # (a note's heading says whose it is too: "# Tom's 8th birthday party" over "Date: Sat 16 January")
        on_subject = [h for h, said_ in zip(top, heard, strict=True) if subject and not h.actor
                      and len(subject & said_) / len(subject) >= min_support]
        if any(POSSESSIVE.search(told(h)) for h in on_subject) and not any(own & words(told(h)) for h in on_subject):
            support.abstain = f"the evidence on this is about someone other than {name}"
            return support
        if _anothers_kind(question, subject, own, top):
            support.abstain = f"the evidence on this is about someone other than {name}"
            return support
    if _anothers_only(question, keys, top):
        support.abstain = "the evidence on this is about someone else's"
        return support
    # "what is Lucia allergic to?" is not answered by the note about Lucia's nativity play:
    # an item must hold the person and something of what is asked, or all of what is asked
    # (a one-word name: "Harry Potter Conference" or "Little Women" is a title, not a person)
    people = [*named.values(), *(n for n in asked_names if " " not in n and not n.isupper() and n not in waived)]
    own = {stem(w.removesuffix("'s")) for p in people for w in tokens(p)}
    # "when is my brother's birthday?" is not answered by "my sister Lena's birthday is 14 August"
    kin = relations_in(question)
    subject = keys - own - {stem(w) for w, kind in RELATION.items() if kind in kin}
    # "what did the assistant recommend for Lisbon?": the reply says "suggest", or nothing of
    # the kind; what was said is asked, not the verb that reports it
    subject -= speech_words(question)
    # an assistant's reply is about the user's request: "what did the assistant suggest for my
    # knee?" is answered by a reply that never says "knee". Between people a reply is not the
    # news it answers ("what does Caroline say running is great for?" when Melanie said it)
    speech = bool(SPEECH.search(question)) and any(is_assistant(p) for p in people)
    lowered = {p.lower() for p in people if is_assistant(p)}
    held = [alike(words(f"{told(h)} {turn_before(h, top)}")) if speech and (h.actor or "").lower() in lowered
            else said_ for h, said_ in zip(top, heard, strict=True)]

    def holds(hit: Hit, said_: set[str]) -> bool:
        kinds = relations_in(told(hit)) if kin else set()
        if kinds and not kinds & kin:
            return False  # about another relative
        # a note must name whom it is about; a conversation between people spreads that over
        # its turns, but a user telling an assistant of someone names them ("my son Leo has a
        # peanut allergy" does not answer "what is Daniel allergic to?")
        # (a memory's "actor" is its subject, not a speaker)
        between_people = hit.owner == "event" and not is_self(hit.actor) and not is_assistant(hit.actor or "")
        return not people or bool(own & said_ and subject & said_) or (subject <= said_ and between_people)

    if (people or kin) and subject and not any(holds(h, said_) for h, said_ in zip(top, held, strict=True)):
        whom = people[0] if people else f"your {sorted(kin)[0]}"
        support.abstain = (f"the evidence names {whom} but nothing of what is asked" if people
                           else f"the evidence on this is about someone other than {whom}")
        return support
    if len(named) != 1 or not keys:
        return support
    person = next(iter(named.values()))
    support.person = person
    says = bool(SPEECH.search(question))
    everyone = sorted({h.actor for h in top if h.actor} | {person})
    person_rank = other_rank = len(top)
    for rank, hit in enumerate(top):
        if says and is_assistant(person) and (hit.actor or "").lower() != person.lower():
            continue  # the user's turns ask the assistant things; they do not answer for it
        owned = ownership(hit, person, everyone)
        asked_of = ""
        if says and (hit.actor or "").lower() == person.lower():
            # "what did Mum say about the cheese?": all of her words answer, whomever they are about
            owned = Ownership(person=owned.person + owned.other + owned.neutral)
            if is_assistant(person):
                asked_of = turn_before(hit, top)  # and what it replied to: "my knee hurts" -> "see a physio"
        about_person = len(keys & words(" ".join([*owned.person, *owned.neutral, asked_of])))
        about_other = len(keys & words(" ".join(owned.other)))
        if about_person > support.person_match:
            support.person_match, person_rank = about_person, rank
        if about_other > support.other_match:
            support.other_match, other_rank = about_other, rank
    # the best statement decides; on a tie, the one the search ranks higher (for what the
    # person said, their own words, whatever ranks higher)
    tie = 0 if says else -other_rank
    if (support.other_match, tie) > (support.person_match, 0 if says else -person_rank):
        support.abstain = f"the evidence on this is about someone other than {person}"
    return support

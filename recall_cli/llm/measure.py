"""Questions that ask for a measure (a price, a share, a weight, a time of day) or a figure
(a number, an age).

"How much did Dad's new glasses cost?" is not answered by "new glasses ordered, ready in
about 10 days", nor "how many pounds of food went out?" by "143 households": when no
evidence on the question's subject gives a measure of the kind asked, nothing written
answers it, and ask says so ("Not mentioned") instead of quoting the nearest line. Also
whether a sentence gives a figure, or money, for the answers that want one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import takewhile

from ..models import Hit
from ..search.text import SHORT_FORMS
from ..timephrase.answer import dates_in
from .lexicon import ADJECTIVES, LANGUAGES, MONEY_KINDS
from .support import (
    AGE,
    DIGIT_WORDS,
    DIGITS_ASKED,
    HOW_OLD,
    LONG_NUMBER,
    PHONE,
    alike,
    names_in_question,
    sentences,
    stem,
    tokens,
    words,
)
from .update import note_heading, one_line

LIST_ITEM = re.compile(r"\s*(?:[-*•]|\d+[.)])\s")
POSSESSIVE_S = re.compile(r"['\u2019]s\b")
COLOURS = re.compile(r"\b(?:red|orange|yellow|green|blue|purple|violet|pink|brown|black|white|grey|gray|silver|gold|"
                     r"beige|cream|navy|teal|turquoise|maroon|burgundy|lilac|lavender|sage|olive|mint|ivory|charcoal|"
                     r"khaki|mustard|coral|peach|magenta|cyan|indigo|rust|tan|bronze|copper|emerald|aqua|plum|"
                     r"champagne|blush|nude|taupe|mauve|ochre|scarlet|crimson)\b", re.I)
# (what is asked, how the question asks it, what the evidence must hold, words of the question
# that ask for the measure rather than name the subject; their stems are taken off the keys)
MEASURES: tuple[tuple[str, re.Pattern[str], re.Pattern[str], frozenset[str]], ...] = (
    ("price",
     re.compile(r"\bhow much\b(?=.*\b(?:cost|costs|costing|pay|paid|paying|charge|charged|charging|spend|spent|"
                r"price|money|fee|owe|owed)\b)|\bwhat (?:did|does|do|will|would)\b.*\b(?:cost|charge|quoted?)\b"
                r"|\bwhat(?:'s| is| was) the (?:price|cost|fee)\b", re.I),
     re.compile(r"[£$€¥₹]|\b(?:eur|euros?|pounds?|quid|dollars?|bucks|cad|usd|gbp|rs|inr|rupees?|kr|dkk|nok|sek|"
                r"zł|zl|złoty|zloty|pln|chf|francs?|aud|nzd|zar|rand|yen|yuan)\b|\b(?-i:R)\s?\d"  # R13,650: rand
                r"|\b\d+(?:[.,]\d{2})\b|\b\d{1,3}(?:[.,]\d{3})+\b|\d\s*/\s*(?:mo|mnd|mth|month|wk|week|yr|year)\b"
                r"|\bfree\b|\bnothing\b", re.I),
     frozenset({"cost", "costs", "pay", "paid", "charge", "spend", "spent", "price", "money", "fee",
                "owe", "owed", "total", "altogether", "overall", "quote", "quoted"})),
    ("share", re.compile(r"\bwhat (?:percent(?:age)?|share|proportion|fraction)\b|\bhow many percent\b", re.I),
     re.compile(r"\d\s*%|\bper ?cent\b|\b(?:half|third|quarter)\b|\d+\s*/\s*\d+", re.I),
     frozenset({"percent", "percentage", "share", "proportion", "fraction"})),
    ("weight", re.compile(r"\bhow (?:many|much) (?:pounds|lbs|kilos|kilograms|kg|grams|ounces|tons|tonnes)\b"
                          r"|\bhow (?:much|heavy)\b.*\bweigh", re.I),
     re.compile(r"\d\s*(?:lbs?|pounds?|kg|kilos?|kilograms?|g|grams?|oz|ounces?|tons?|tonnes?|t)\b", re.I),
     frozenset({"pound", "pounds", "lbs", "kilo", "kilos", "kilogram", "kg", "gram", "ounce", "ton", "tonne",
                "weigh", "heavy"})),
    ("temperature", re.compile(r"\b(?:what|which|how)\b.*\b(?:temp|temperature|degrees)\b", re.I),
     re.compile(r"\d\s*(?:°|º|deg\b|degrees?\b|[cf]\b)|\bgas(?: mark)?\s*\d", re.I),
     frozenset({"temp", "temperature", "degree", "degrees", "hot"})),
    ("colour", re.compile(r"\b(?:what|which)\s+colou?rs?\b", re.I), COLOURS, frozenset({"colour", "color", "colours"})),
    ("size", re.compile(r"\b(?:what|which)\s+(?:[a-z]+\s+)?sizes?\b", re.I),
     re.compile(r"\bsize\s*[:=]?\s*(?:\d|x{0,3}[sml]\b|x{1,3}l\b)|\d\s*(?:mm|cm|inch(?:es)?|\")(?!\w)"
                r"|\b\d{1,2}(?:\.5)?\s*(?:uk|eu|us)\b|\b(?:uk|eu|us)\s*"
                r"\d{1,2}\b|\b(?:xxs|xs|xl|xxl|xxxl|small|medium|large|petite|king|queen|double|single)\b", re.I),
     frozenset({"size", "sizes"})),
    ("time of day", re.compile(r"\b(?:what|which) time\b|\bat what time\b", re.I),
     re.compile(r"\b\d{1,2}[:.h]\d{2}\b|\b\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.|o'clock)|\b(?:noon|midday|midnight)\b",
                re.I),
     frozenset({"time"})),
)


def _said(sentence: str) -> set[str]:
    """The key words of ``sentence``, a possessive's too ("my dad's" says "dad")."""
    return words(POSSESSIVE_S.sub("", sentence))


def _head(hit: Hit) -> str:
    """What a note's block is about: the heading it sits under, and its first line when a
    list follows it."""
    lines = (hit.text or "").strip().split("\n")
    return " ".join(filter(None, (note_heading(hit), lines[0] if len(lines) > 1 and LIST_ITEM.match(lines[1]) else "")))


def missing_measure(question: str, keys: set[str], hits: Sequence[Hit]) -> str | None:
    """The kind of measure ``question`` asks for when no sentence of ``hits`` on its subject
    (holding half its key words or more, besides the measure's own) gives one; None when one
    does, or when it asks for none. ("What time does the choir's summer concert start?" is not
    answered by "Choir: extra rehearsals 2-5pm".)"""
    for name, asks, gives, own in MEASURES:
        if not (asks.search(question) or (name == "price" and THING_PRICED.search(question))):
            continue
        subject = keys - {stem(w) for w in own} - own
        # the thing measured, not only whose it is: "the new tyres for the Land Rover" are not
        # priced by "a 1976 Land Rover Series III"
        named = {stem(w) for name in names_in_question(question) for w in re.findall(r"\w+", name.lower())}
        thing = subject - named - {stem(w) for w in NO_KIND}
        # the sentence on the subject, or the next ("Car service done. Final bill was 245 pounds"),
        # or a list under a line on it ("REBOOKED Lyon w/ Air Transat" ... "- change fee $150")
        # (a one-line note that opens on it is on it whole: see one_line)
        about = [" ".join(said[i:] if i == 0 and one_line(h) else said[i:i + 2])
                 for h in hits for said in [sentences(h.text or "")] for i, s in enumerate(said)
                 if (2 * len(subject & _said(s)) >= len(subject) or 2 * len(subject & _said(_head(h))) >= len(subject))
                 and (not thing or thing & alike(_said(" ".join([*said[i:i + 2], _head(h)]))))]
        if name == "price" and (kinds := MONEY_STEMS & subject):
            # a sum said to be for another thing is not this one's: "the rent at the salthill
            # place" is not "the €900 deposit for the salthill place"
            about = [s for s in about if kinds & alike(_said(s)) or not MONEY_STEMS & _said(s)]
        if not any(gives.search(s) for s in about):
            return name
    return None


MONEY_STEMS = frozenset(stem(w) for w in MONEY_KINDS)
PRICED_BY = MEASURES[0][2]  # what gives a price
# "how much is the hotel for the cousins?": a thing's price (not "how much rice is left"), though
# the answer may give it as the price a night
THING_PRICED = re.compile(r"\bhow much (?:is|was|are|were)\s+(?:the|my|our)\b", re.I)
MEASURE_DEPTH = 10  # the first items a measure must be in
FIGURE_DEPTH = 8  # the first items a number or an age must be in (as assess reads them)
# "chassis number", "serial no.", "door code": the word that says which number is asked
NUMBER_NAME = re.compile(r"\b([A-Za-z]{3,})\s+(?:number|no\.?|code|#)(?!\w)", re.I)
UNNAMED_NUMBERS = frozenset("phone mobile telephone cell contact the his her their our your what what's whats which "
                            "new old right correct lucky".split())


def _names_kind(kind: str, sentence: str) -> bool:
    """Whether ``sentence`` names the number ``kind`` (or a short form: "ref" for reference)."""
    said = re.findall(r"[a-z]+", sentence.lower())
    return any(w == kind or stem(w) == stem(kind) or (len(w) >= 3 and kind.startswith(w)) for w in said)


# where the number is kept, which answers as well: "the door code is on the sticky note in my wallet"
KEPT_AT = re.compile(r"\b(?:is|are|'s)\s+(?:written\s+|kept\s+)?(?:on|in|under|inside|behind|at the back of)\s+"
                     r"(?:the|a|an|my|our|his|her|their)\b", re.I)


def missing_figure(question: str, keys: set[str], top: Sequence[Hit]) -> str | None:
    """Why ``top`` cannot answer a question that asks for a number ("what's Ruth's phone
    number?") or an age ("how old is Pepper?"): no item on its subject gives one; None when
    one does, or when it asks for neither."""
    if DIGITS_ASKED.search(question):
        subject = keys - DIGIT_WORDS
        # the number's own name goes with it: "what's the chassis number of my Axio?" is not
        # answered by "2015 Axio, silver", nor "Pipa's microchip number" by her vet's address
        asked = NUMBER_NAME.search(question)
        kind = asked.group(1).lower() if asked and asked.group(1).lower() not in UNNAMED_NUMBERS else ""
        # the number goes with its subject, in its sentence, or the next when that is all
        # digits ("Should call the plumber ... Joe Fahy, 091 755 218"; not "The fee is 75 euros")
        # (a note's block led by a line that names it is on it whole: "Mrs Hartley after -" and
        # its list, "- her number 0113 496 0731"); and whose it is, in its item: the lisbon
        # hotel's room number is not "room 204 ryan institute"
        whose = subject - {stem(kind)} or subject
        # (a one-line note that opens on it is on it whole: "physio booked: ... £55 per session. 0117 973 5520")
        on_it = [(s, " ".join(said[1:] if i == 0 and one_line(h) else said[i + 1:i + 2]))
                 for h in top for said in [sentences(h.text)] for i, s in enumerate(said)
                 if not subject or ((subject & words(s) or subject & words(_head(h)))
                                    and whose & words(f"{h.text} {_head(h)}"))]
        if kind:
            # (a code on whose it is may be it, unnamed: "sent TN-036 to harbour lights for the 2nd half")
            coded = any(CODED.search(s) for s, _ in on_it if whose & words(s))
            on_it = [(s, after) for s, after in on_it if _names_kind(kind, s)]
            if not on_it:
                return None if coded else f"no evidence item gives a {kind} number"
            # a price is no number of a kind: "student early bird €295" gives no student number
            on_it = [(PRICED.sub("", s), PRICED.sub("", after)) for s, after in on_it]
        # a phone number is a long one: "Priyanka is 18 (left, looking from the path)" is her plot
        digits = LONG_NUMBER if PHONE.search(question) else re.compile(r"\d")
        if subject and not on_it:  # "what is my passport number?": the boiler engineer's is no answer
            return "no evidence item names what the number asked for belongs to"
        kept = any(KEPT_AT.search(s) and subject <= alike(words(s)) for s, _ in on_it)
        if on_it and not kept and not any(digits.search(s) or LONG_NUMBER.search(after) for s, after in on_it):
            return "the evidence on it names no number"
    if HOW_OLD.search(question):
        subject = keys - {stem("old")}
        about = [s for h in top for s in sentences(h.text) if not subject or subject & words(s)]
        if not any(AGE.search(s) for s in about):  # "how old is Pepper?": not her weight
            return "the evidence on it gives no age"
    return None


def block_number(question: str, keys: set[str], top: Sequence[Hit]) -> tuple[str, Hit] | None:
    """The number asked of someone ("what's Mrs Hartley's phone number?") from a note's block
    whose first line names them while the number's line does not ("Mrs Hartley after
    (Meanwood) -" ... "- her number 0113 496 0731"): that first line and the number's line;
    None when the question asks no number, or a line naming the subject gives one itself."""
    subject = keys - DIGIT_WORDS
    if not DIGITS_ASKED.search(question) or not subject:
        return None
    asked = NUMBER_NAME.search(question)
    kind = asked.group(1).lower() if asked and asked.group(1).lower() not in UNNAMED_NUMBERS else ""
    digits = LONG_NUMBER if PHONE.search(question) else re.compile(r"\d")
    for hit in top[:FIGURE_DEPTH]:
        lines = [line.strip() for line in (hit.text or "").splitlines() if line.strip()]
        if len(lines) < 2 or not subject <= words(lines[0]):
            continue
        if any(digits.search(line) and subject & words(line) for line in lines):
            return None  # a line says it of them: the usual answer finds it
        for line in lines[1:]:
            if digits.search(line) and (not kind or _names_kind(kind, line)):
                return f"{lines[0].strip(' -:#')}: {line.lstrip('-*• ')}", hit
    return None


# "my dentist appointment", "my dentist's name": a thing named by a word that says which one,
# then what it is
# ("my next dentist appointment": a word of time or order before it says which by when)
COMPOUND = re.compile(r"\b(?:my|our|the|his|her|their|\w+'s)\s+(?:(?:next|last|upcoming|new|first|latest|current|"
                      r"previous|usual)\s+)?([a-z][a-z-]{2,})((?:'s|\u2019s)?)"
                      r"\s+([a-z][a-z-]{2,})\b", re.I)


# things that are always of or with someone or something, so the word before them says which:
# "my dentist appointment" is not the GP's, "the plumber's number" not the vet's ("Sam's spare
# key" or "the red car" name a thing, and what the notes call it may leave the word out)
RELATIONAL = frozenset(stem(w) for w in "appointment appt booking visit meeting lesson class session exam test "
                       "number phone address email name birthday bill fee invoice contract".split())
# words before such a thing that say which by time, order or feeling, not whose: "my next appointment"
NO_KIND = frozenset("current beloved favorite favourite first second third last next new old latest recent upcoming "
                    "previous former general main usual own dear little big best whole".split())


def unnamed_kind(question: str, keys: set[str], top: Sequence[Hit],
                 known: Callable[[str], bool] | None = None) -> str | None:
    """The thing a question asks of ("dentist appointment" in "when is my dentist
    appointment?") when no evidence item holds the word that says which one though some hold
    the thing ("got appt Thu 1 Oct (Dr Ahmed)" is the GP's): the evidence is about another
    one; None otherwise. ``known(word)``: whether anything stored holds a word that starts as
    it does ("grandma" for "grandmother"): then it is only not in the best items."""
    heard = set().union(*(alike(words(f"{h.text or ''} {h.actor or ''}")) for h in top)) if top else set()
    for match in COMPOUND.finditer(question):
        which, thing = stem(match.group(1).lower()), stem(match.group(3).lower())
        # (a short form the notes write is the word: "moto" for "motorbike")
        said = which in heard or any(len(w) >= 4 and (which.startswith(w) or w.startswith(which)) for w in heard)
        if which in keys and thing in keys and thing in RELATIONAL and which not in DIGIT_WORDS and not said \
                and thing in heard \
                and match.group(1).lower() not in NO_KIND \
                and not (known is not None and known(match.group(1).lower())):
            return f"{match.group(1)}{match.group(2)} {match.group(3)}".lower()
    return None


# "what's my dentist called?", "when's my van's wof due?": the user's own thing, named (any
# letters: "my car's TÜV"; not "weekly")
MINE = re.compile(r"\bmy\s+(?:(?:\w+)(?:'s|\u2019s)\s+)?(?:(?:next|last|upcoming|new|first|latest|current|"
                  r"previous|usual|old)\s+)?(?:[a-z]+ly\s+)?([^\W\d_](?:[^\W\d_]|-){2,})(?![\w-])", re.I)
# "when's the boiler service booked?", "when is zain's dentist appointment?": the question's
# subject, a thing the asker takes as known
THE = re.compile(r"^\W*(?:when|where|what|who|how(?:\s+(?:much|many|long|often))?)(?:'s|\u2019s|\s+(?:is|are|was|were|"
                 r"will|did|does|do|has|have))\s+(?:the\s+(?:\w+(?:'s|\u2019s)\s+)?|\w+(?:'s|\u2019s)\s+)"
                 r"([^\W\d_](?:[^\W\d_]|-){2,})(?![\w-])", re.I)


# what kind of answer is asked ("what are the steps to ...", "the number for ..."), not of what
ANSWER_KINDS = frozenset("steps step way ways name names number numbers address date time price cost amount total "
                         "reason list password code".split())


def stored_word(match_count: Callable[[str], int]) -> Callable[[str], bool]:
    """Whether anything stored holds a word starting as ``word`` does, by the full-text
    ``match_count``: its first letters, the word as the stemmer stores it ("staging" is
    "stage"), or a short form of it the notes write ("ref" for "reference"; not any three
    letters: "den" is no dentist)."""
    return lambda w: match_count(" OR ".join([f'"{w[:5]}"*', f'"{w}"',
                                              *(f'"{s}"' for s in SHORT_FORMS.get(w, ()))])) > 0


ATTRIBUTE_OF = frozenset("of about for from in on at with to".split())


def unheard_own(question: str, keys: set[str], known: Callable[[str], bool] | None,
                top: Sequence[Hit] = ()) -> str | None:
    """The thing a question asks of as the user's own or as one known ("my dentist", "my
    physio's name", "when's the boiler service?") when nothing stored holds a word starting as
    its name does: it was never mentioned, whatever the evidence says of other things (a note
    on the builder's manners is no dentist). Said as "your dentist" or "a boiler"; else None.
    ``top``: the best evidence items, whose words show a thing's other word said ("the van
    clutch" when they tell of the clutch)."""
    if known is None:
        return None
    for whose, match in [*(("your", m) for m in MINE.finditer(question)), *(("a", m) for m in THE.finditer(question))]:
        # what it is like is no name of it ("the red car"): the word after says which thing
        following = re.findall(r"[^\W\d_](?:[^\W\d_]|-)*", question[match.start(1):].lower())
        at = next((i for i, w in enumerate(following) if w not in ADJECTIVES and w not in LANGUAGES), 0)
        word, head = following[at], following[at + 1] if at + 1 < len(following) else ""
        if whose == "a" and (head in ATTRIBUTE_OF or (stem(head) in keys and any(
                stem(head) in alike(words(h.text or "")) for h in top))):
            # "the van clutch": what the evidence says of the clutch may be the van's; "the
            # ingredients of the ice cream", "the sentiment about": what is asked of a thing
            continue
        # ("my meeting with the solicitor": the notes may call it an appt; the solicitor says which)
        if stem(word) in keys and word not in NO_KIND and word not in ANSWER_KINDS and stem(word) not in RELATIONAL \
                and not known(word):
            return f"{whose} {word}"
    return None


def unanswerable(question: str, keys: set[str], hits: Sequence[Hit], *, follow_up: bool = False,
                 known: Callable[[str], bool] | None = None) -> str | None:
    """Why the evidence ``hits`` cannot answer ``question`` though it is on its subject: no
    measure or figure of the kind asked, or a word or two that name nothing ("hi", "ok",
    "what?", "who?"; in a chat, "and when?" is a follow-up and names the last question's
    thing); None when it may."""
    if (measure := missing_measure(question, keys, hits[:MEASURE_DEPTH])) is not None:
        return f"the evidence on it gives no {measure}"
    if (figure := missing_figure(question, keys, hits[:FIGURE_DEPTH])) is not None:
        return figure
    if missing_name(question, keys, hits[:FIGURE_DEPTH]):
        return "the evidence on it names no one and nothing"
    if (which := unnamed_kind(question, keys, hits, known)) is not None:
        return f"no evidence item mentions a {which}"
    if (own := unheard_own(question, keys, known, hits[:FIGURE_DEPTH])) is not None:
        return f"nothing stored mentions {own}"
    if not follow_up and not keys and len(re.findall(r"\w+", question)) <= 2:
        return "the question has no word to look for"
    return None


# "what is my dog's name?", "what's the cafe on Leith Walk called?": a name is asked
NAME_ASKED = re.compile(r"^\s*what(?:'s|\s+is|\s+was|\s+are|\s+were)\b.*\b(?:names?|called|named)\s*\??\s*$", re.I)
NAME_WORDS = frozenset(stem(w) for w in ("name", "names", "named", "called"))
# a name said: a capitalised word inside a sentence, or what something is called or named
NAMED = re.compile(r"(?<=[\w,;):] )(?!(?:I|The|A|An|My|Our|This|That)\b)[A-Z][\w'\u2019-]+"
                   r"|\b(?:called|named|name(?:'s| is| was))\s+\S|[\"\u201c'][A-Z]\w+"
                   r"|\b(?i:dr|mrs|mr|ms|miss|prof)\.?\s+[^\W\d_][\w'\u2019-]+")  # "w/ dr o'malley"


def missing_name(question: str, keys: set[str], top: Sequence[Hit]) -> bool:
    """Whether a question asking for a name ("what is my dog's name?") finds items on its
    subject that name no one: "the quick brown fox jumps over the lazy dog" is about a dog,
    and no name."""
    subject = keys - NAME_WORDS
    if not NAME_ASKED.match(question) or not subject:
        return False
    on_it = [s for h in top for s in sentences(h.text or "") if subject & words(s)]
    return bool(on_it) and not any(gives_name(s, subject) for s in on_it)


def gives_name(sentence: str, subject: set[str]) -> bool:
    """Whether ``sentence`` names someone or something: NAMED, or a name written in lower case
    after the thing (a word of ``subject``, stems) it names ("landlord is tom keane")."""
    subject = subject - NAME_WORDS
    things = "|".join(map(re.escape, sorted(subject)))
    return NAMED.search(sentence) is not None or (
        bool(subject) and re.search(rf"\b(?:{things})\w*\s*(?:is|was|:|-)\s+[^\W\d_]{{3,}}", sentence) is not None)


# figures in a sentence: a time of day or a date is none
AMOUNT = re.compile(r"\d|[£$€¥]")
MONEY = re.compile(r"[£$€¥₹]|\b(?-i:R)\s?\d|\b(?:eur|euros?|pounds?|dollars?|kr|dkk|sek|nok|pln|zł|zl|złoty|zloty|chf|"
                   r"francs?|usd|gbp|aud|nzd|cad|zar|inr|rupees?|yen|yuan|rand)\b", re.I)
CLOCK = re.compile(r"(?<![£$€¥₹])(?<![£$€¥₹] )\b\d{1,2}[:.]\d{2}\s*(?:am|pm)?\b", re.I)  # "£10.99" is no time
CODED = re.compile(r"\b(?=[a-z-]*\d)(?=[\d-]*[a-z])[a-z\d-]{5,}\b", re.I)  # "TN-036", "ENT-77812"
PRICED = re.compile(r"[£$€¥₹]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:eur|euros?|pounds?|quid|dollars?)\b", re.I)
AT_HOUR = re.compile(r"\b(?:at|from|till|until|by) \d{1,2}(?:\s*(?:am|pm|h))?\b(?![.,:]\d)", re.I)  # "starts at 8"


def gives_figure(sentence: str, ts: float) -> bool:
    """Whether ``sentence`` gives a figure: "07:20 Vet rang", "22 sep, before payroll cutoff on
    the 25th" give none (a time or a date is no figure), nor does a heading "£ paid in" (a
    currency sign with no sum)."""
    bare = AT_HOUR.sub(" ", CLOCK.sub(" ", sentence))
    for _pos, _text, _day, phrase in dates_in(bare, ts):
        bare = bare.replace(phrase, " ")
    # an ordinal ("the 25th") is a date's; a count of times ("bad news x2") no amount of anything
    return re.search(r"\d", re.sub(r"\b\d{1,2}(?:st|nd|rd|th)\b|\b[x\u00d7]\d\b", " ", bare)) is not None


def with_figure(allow: Callable[[Hit, str], bool] | None, hit: Hit, sentence: str) -> bool:
    """Whether ``sentence`` (that ``allow`` lets answer) gives a figure, or is followed by a
    long number ("Should call the plumber ...", then "Joe Fahy, 091 755 218")."""
    if allow is not None and not allow(hit, sentence):
        return False
    if gives_figure(sentence, hit.ts):
        return True
    after = after_of(sentence, hit.text or "")
    # or followed by a long number or a price ("test ride 27 sep ...", then "CB125F, 2.900€")
    return bool(after) and (LONG_NUMBER.search(after[0]) or MONEY.search(after[0])) is not None


def measure_asked(question: str) -> re.Pattern[str] | None:
    """What a sentence must hold to give the measure ``question`` asks for ("what temperature
    for banana bread?": degrees, "Oven at 175C", not the ingredients' "250g flour"); None
    when it asks for none."""
    # (a time of day is the date answer's to find: a line with any clock time is no better)
    return next((gives for name, asks, gives, _own in MEASURES if asks.search(question) and name != "time of day"),
                None)


def gives_measure(question: str, text: str) -> bool:
    """Whether ``text`` (an answer) gives the measure ``question`` asks for, or it asks none:
    "how much was the flight?" is not answered by "flights booked for tomas wedding!!", though
    the note goes on to give its price."""
    gives = measure_asked(question) or (PRICED_BY if THING_PRICED.search(question) else None)
    if gives is None or gives.search(text) is not None:
        return True
    # a table's "| **total** | | **590** |" under a "$" column gives a sum as a bare figure; a
    # day or a time of day is none ("car MOT due 15 nov. booked ... fri 6 nov 8:30am")
    for at, _, _, phrase in sorted(dates_in(text, 0.0), reverse=True):
        text = text[:at] + text[at + len(phrase):]
    return gives is PRICED_BY and BARE_SUM.search(HOUR_SAID.sub(" ", CLOCK.sub(" ", text))) is not None


BARE_SUM = re.compile(r"(?<![\w.,:/-])\d{2,}(?:[.,]\d+)?(?![\w:/-])")
HOUR_SAID = re.compile(r"\b\d{1,2}\s*(?:am|pm)\b", re.I)  # "6pm", as CLOCK has "8:30am"


# "how many km a week ...?", "how much an hour ...?": a rate, the unit it is per
RATE_ASKED = re.compile(r"\b(?:a|an|per|each|every)\s+(week|day|hour|month|year|night|session|lesson|visit|head|"
                        r"person)\b", re.I)
# "km" of "how many km a week"
HOW_MANY_OF = re.compile(r"\bhow (?:many|much) ([a-z]+)\b(?= (?:a|an|per|each|every)\b)", re.I)
_RATE_SHORT = {"week": "wk|w", "day": "d", "hour": "hr|h", "month": "mo|mth", "year": "yr|y", "night": "nt",
               "head": "person|pp", "person": "head|pp"}
_RATE_ADVERB = {"week": "weekly", "day": "daily", "hour": "hourly", "month": "monthly", "year": "yearly|annually",
                "night": "nightly"}


def rate_asked(question: str) -> tuple[re.Pattern[str], set[str]] | None:
    """What a sentence must hold to give the rate ``question`` asks for ("how many km a week
    am I allowed?": "no more than 30 km a week", not the long run's "capped at 12 km"), and
    the word for what is counted, which keys the sentence (the stem of "km"); None when it
    asks for none."""
    found = RATE_ASKED.search(question)
    if found is None:
        return None
    unit = found.group(1).lower()
    short = _RATE_SHORT.get(unit)
    counted = HOW_MANY_OF.search(question)
    said = {stem(counted.group(1).lower())} if counted else set()
    return re.compile(rf"\b(?:a|an|per|each|every|one)\s+{unit}\b|\b{unit}s?\s+(?:a|per)\b"
                      + (rf"|\d\s*/\s*(?:{short}|{unit})\b|\bp/?(?:{short})\b" if short else "")
                      + (rf"|\b(?:{_RATE_ADVERB[unit]})\b" if unit in _RATE_ADVERB else ""), re.I), said


def with_rate(rate: re.Pattern[str], keys: set[str], allow: Callable[[Hit, str], bool] | None, hit: Hit,
              sentence: str) -> bool:
    """Whether ``sentence`` (that ``allow`` lets answer) gives a figure at the ``rate`` asked
    for, and says one of the ``keys`` ("30 km a week" for km, not "off the market for a week")."""
    said = {stem(t) for t in tokens(sentence)}  # (words() leaves out units: "km")
    return rate.search(sentence) is not None and bool(keys & said) and with_figure(allow, hit, sentence)


def counts(word: str, sentence: str) -> bool:
    """Whether ``sentence`` gives a count of ``word`` (a stem): "19 testers", "**19 testers**",
    "pre-orders: 57", "41 from home"."""
    w = re.escape(word)
    return re.search(rf"\d(?:[\d,.]*\d)?\s+(?:(?:from|of|at|in)\s+)?(?:\*\*)?{w}|\b{w}\w*\W{{0,3}}\s*\d",
                     sentence, re.I) is not None


HOW_MANY_ASKED = re.compile(r"^\s*how many\s+(.*)", re.I)
# the words that end the things "how many" asks of ("how many veg guests are coming?")
_COUNT_ENDS = frozenset("are is was were do does did have has had will would can could should in on at for to of "
                        "a an the per each every i we you he she they my our your left now so this that there "
                        "coming going off".split())


def counted_asked(question: str) -> set[str]:
    """The stems of the things "how many ..." asks a count of ("how many veg guests": veg and
    guests); empty when it asks no count."""
    found = HOW_MANY_ASKED.match(question)
    things = list(takewhile(lambda t: t not in _COUNT_ENDS, tokens(found.group(1).lower())))[:2] if found else []
    return {stem(t) for t in things if t not in NO_KIND}


def with_count(things: set[str], allow: Callable[[Hit, str], bool] | None, hit: Hit, sentence: str) -> bool:
    """Whether ``sentence`` (that ``allow`` lets answer) gives a count of one of the ``things``
    asked of ("23 veg out of the 68"), not a price that names them ("£18/head for veg")."""
    return (allow is None or allow(hit, sentence)) and any(counts(t, sentence) for t in things)


def with_measure(gives: re.Pattern[str], allow: Callable[[Hit, str], bool] | None, hit: Hit, sentence: str) -> bool:
    """Whether ``sentence`` (that ``allow`` lets answer) gives the measure ``gives`` matches."""
    return (allow is None or allow(hit, sentence)) and gives.search(sentence) is not None


def with_amount(allow: Callable[[Hit, str], bool] | None, hit: Hit, sentence: str) -> bool:
    """Whether ``sentence`` (that ``allow`` lets answer) has a figure or a currency in it: what a
    value changed to ("Netflix went up to £12.99"), not a new password."""
    return with_measure(AMOUNT, allow, hit, sentence)


def with_money(allow: Callable[[Hit, str], bool] | None, hit: Hit, sentence: str) -> bool:
    """Whether ``sentence`` gives a sum of money (a price asked: not the agent's phone number)."""
    if allow is not None and not allow(hit, sentence):
        return False
    after = after_of(sentence, hit.text or "")  # "... at Mick's.", then "£720 + VAT = £864."
    return MONEY.search(sentence) is not None or (bool(after) and MONEY.search(after[0]) is not None)


def after_of(sentence: str, text: str) -> list[str]:
    """The sentences of ``text`` after ``sentence`` ([] when it is not one of them)."""
    said = sentences(text)
    return said[said.index(sentence) + 1:] if sentence in said else []


def dated_lines(lines: Sequence[str], ts: float) -> list[str]:
    """The lines of a dated log among ``lines``: each opens with its day ("- 11 Mar: 7/8 — + Mr
    Aziz"); the rest of a list ("- still owed: 2F2 landlord") is no entry of it."""
    return [line for line in lines
            if any(at <= 3 for at, *_ in dates_in(line.lstrip(" -*\u2022>"), ts))]

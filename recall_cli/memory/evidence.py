"""What events say, indexed for the grounding check (grounding.py): their words as light
stems, the names in them, their numbers, their dates (written, resolved from relative
phrases such as "yesterday [7 May 2023]", and the days they were said), and the steps they
give (shell commands that succeeded, instruction sentences).

Deterministic and cheap: a few regular expressions and set look-ups per event.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..llm.support import sentences
from ..models import Event
from ..search.text import STOPWORDS
from ..timephrase.annotation import RELATIVE, annotate, day_after
from ..timephrase.phrase import EXPLICIT, MONTHS, WEEKDAYS, month_number
from ..timeutil import from_ts

# -- vocabulary ---------------------------------------------------------------------------

# notes written fast drop the apostrophe: "even when im knackered", "ive booked it"
FIRST_PERSON = frozenset("i me my mine myself i'm i've i'd i'll im ive we us our ours ourselves "
                         "we're we've we'd we'll".split())
SECOND_PERSON = frozenset("you your yours yourself you're you've you'll you'd".split())
# words a memory may use that need not come from the events: they relate facts, they do
# not add any (a changed relation such as "hates" for "likes" is not among them)
GLUE = frozenset(
    "user users person people someone somebody others other also recently currently now "
    "like likes liked love loves loved enjoy enjoys enjoyed prefer prefers preferred want wants wanted "
    "plan plans planned planning hope hopes hoped has have had own owns owned live lives lived "
    "work works worked go goes went gone going attend attends attended visit visits visited "
    "say says said mention mentions mentioned talk talks talked discuss discusses discussed "
    "share shares shared tell tells told feel feels felt think thinks thought believe believes "
    "ask asks asked reply replies replied answer answers answered explain explains explained "
    "is was are were be been being am do does did done get gets got make makes made "
    "take takes took taken taking yet looking interested provide provides provided because "
    "named called about regarding upon who whose whom which that this those these them they "
    "their theirs there here not no yes very really just still always never often sometimes "
    "usually new old one ones thing things something anything everything lot lots many much more "
    "most some any all each every both several few kind kinds type way ways time times "
    "include includes including involve involves involved during while since until "
    "speaker conversation chat message messages note notes said mentions "
    "he she his her hers him himself herself it its itself they've they're he's she's it's "
    "an a the and or but so of in on at to for from with by as into onto over under "
    "s t d ll ve re m".split()
)
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40,
                "fifty": 50, "hundred": 100, "thousand": 1000, "dozen": 12}
IRREGULAR = {
    "went": "go", "gone": "go", "goes": "go", "did": "do", "does": "do", "done": "do", "had": "have",
    "has": "have", "was": "be", "were": "be", "is": "be", "am": "be", "are": "be", "been": "be",
    "made": "make", "took": "take", "taken": "take", "saw": "see", "seen": "see", "got": "get",
    "gotten": "get", "bought": "buy", "felt": "feel", "found": "find", "gave": "give", "given": "give",
    "kept": "keep", "left": "leave", "met": "meet", "ran": "run", "said": "say", "told": "tell",
    "thought": "think", "began": "begin", "begun": "begin", "came": "come", "became": "become",
    "brought": "bring", "taught": "teach", "wrote": "write", "written": "write", "won": "win",
    "lost": "lose", "sold": "sell", "built": "build", "spent": "spend", "sent": "send",
    "knew": "know", "known": "know", "grew": "grow", "grown": "grow", "drew": "draw", "drawn": "draw",
    "flew": "fly", "ate": "eat", "eaten": "eat", "drove": "drive", "driven": "drive", "chose": "choose",
    "chosen": "choose", "wore": "wear", "worn": "wear", "sang": "sing", "sung": "sing", "swam": "swim",
    "rode": "ride", "ridden": "ride", "paid": "pay", "heard": "hear", "held": "hold", "led": "lead",
    "fell": "fall", "fallen": "fall", "broke": "break", "broken": "break", "spoke": "speak",
    "spoken": "speak", "stood": "stand", "understood": "understand", "caught": "catch",
    "children": "child", "kids": "kid", "people": "person", "men": "man", "women": "woman",
    "mice": "mouse", "feet": "foot", "teeth": "tooth", "better": "good", "best": "good",
}
PAST_OR_MODAL = frozenset(
    "can could will would shall should may might must was were had did also just really "
    "recently still always never often usually finally actually once already".split()
) | frozenset(IRREGULAR)
ADVERBS = frozenset("really also just always never often usually recently finally actually "
                    "still sometimes truly definitely absolutely totally currently already".split())
DONE_THEN = re.compile(r"\b(?:yesterday|last (?:night|week|weekend|month|year|time)|ago|this morning|earlier today)\b",
                       re.I)
# past tenses spelled as their verb ("put it back", "cut the hedge"): a deed without -ed
SAME_FORM = frozenset("put set cut read let hit shut quit spread cost hurt".split())
TODO = re.compile(r"^\s*(?:[-*+]\s*)?\[[ xX]?\]")
IMPERATIVE = frozenset(
    "run use install open click add set make type go try check put take mix bake press select "
    "create write call start stop turn remove delete copy paste save edit download build restart "
    "update cook heat stir pour cut follow read book pay bring keep avoid don't never always "
    "enter choose fill preheat combine whisk boil drain serve wash rinse plug unplug reboot "
    "configure enable disable login log sign register apply upload attach send wait pick place "
    "clean soak dry fold store measure add note remember ask look find visit contact "
    "switch hold push pull release tighten loosen unscrew screw fit replace lift lower insert "
    "detach connect disconnect charge empty refill top flush shake tap mark bend "
    "eat drink repeat recheck test inject".split()
)
# "check it out", "look at this", "take a look": an imperative that points at something (a
# photo, a link) and gives no step
ATTENTION = re.compile(r"^\W*(?:(?:check|look|see)\s+(?:it|this|that|these|those)\b|look\s+at\s+(?:it|this|that)\b"
                       r"|take\s+a\s+look\b|check\s+out\s+(?:this|that|my|the|these)\b)", re.I)
# "keep it up", "don't give up": cheering someone on gives no step either
CHEER = re.compile(r"^\W*(?:(?:just|so)\s+)?(?:keep\s+(?:it\s+up|going|at\s+it|pushing|rocking|shining|"
                   r"up\s+the\s+\w+\s+work)|(?:don'?t|never)\s+(?:give\s+up|stop|quit)|take\s+care|"
                   r"hang\s+in\s+there|go\s+for\s+it)\b", re.I)
BY_STEPS = re.compile(r"\bby\s+\w+ing\b", re.I)  # how someone did something
STEP_LEADS = frozenset("first then next finally after afterwards and also just please now so".split())
INSTRUCTION_PATTERNS = (
    # "run `ls`", "then use pyenv"; not "the type of", "to use it", "a 5K run for a hospital"
    re.compile(r"(?:^\s*|[,;:(]\s*|\b(?:then|and|to|please|first|next|just|or|you)\s+)"
               r"(?:run|type|execute|install|use)\s+(?!(?:of|it|them|this|that|for|in|on|at|with)\b)[`'\"]?[\w./-]+",
               re.I),
    re.compile(r"(?:^|[.!?]\s+)to\s+\w+(?:\s+[\w'-]+){0,8}\s*[,:]\s*\w+", re.I),  # "To X, do Y" / "To X: Y"
    re.compile(r"\byou\s+(?:can|should|need\s+to|have\s+to|must|just)\s+\w+", re.I),
    re.compile(r"\bsteps?\s*\d|\bthe\s+steps\b|\bstep\s+by\s+step\b", re.I),
)
MARKUP = re.compile(
    r"\{\{|\}\}|\{%|%\}|\[\[|\]\]|```|<\s*/?\s*[A-Za-z][A-Za-z0-9]*\s*/?\s*>|"
    r"\{\s*\"|\"\s*:\s*[\"\[{\d]|\"\s*\}|\[\s*\{|\}\s*\]|\\[ntu\"]|(?:^|\s)#+[A-Za-z_]|\*\*|"  # ** bold
    r"\{[^{}\s]{0,12}\}"  # a placeholder left of a template: "{2}", "{name}"
)
ALLOWED_SYMBOLS = frozenset("- – — & + / = : ... … % $ € £ ~".split())
FILE_NAME = re.compile(r"^[\w~./\\-]*[\w-]\.[A-Za-z][A-Za-z0-9]{0,4}$|^[~.]?/[\w./-]+$")
WORD = re.compile(r"[A-Za-z][A-Za-z']*")
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:st|nd|rd|th)?\b")
# a clock time: "16:00", "3:48am", "7.30 pm", "9am" (what "3:48am" is made of, NUMBER does not see)
CLOCK = re.compile(r"(?<![\w.:])(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?m)?(?!\w|:\d)", re.I)
MONTH_YEAR = re.compile(r"\b(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True))
                        + r")\.?,?\s+(?P<year>(?:19|20)\d{2})\b", re.I)
ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
SPAN = re.compile(r"\b(?P<what>week|weekend) of (?P<day>\d{1,2}) (?P<month>[A-Za-z]+) (?P<year>\d{4})")
# a month written as a name in a memory: capitalised, so the verb "may" is not one
MONTH_NAMES = frozenset(m.capitalize() for m in MONTHS if len(m) > 3) | {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"}
WEEKDAY_NAMES = frozenset(w.capitalize() for w in WEEKDAYS)
SHORT_DAYS = {**{day[:3]: day.capitalize() for day in WEEKDAYS},
              "tues": "Tuesday", "weds": "Wednesday", "thur": "Thursday", "thurs": "Thursday"}
_SHORT = "|".join(sorted(SHORT_DAYS, key=len, reverse=True))
SHORT_DAY = re.compile(rf"\b({_SHORT})\.?(?=\s*(?:night|morning|afternoon|evening|eve|am\b|pm\b|\d))"
                       rf"|\b(?:on|this|next|last|every|till|until|from|by)\s+({_SHORT})\b", re.I)


def clean_text(text: str) -> str:
    """Straight apostrophes and quotes, one space between words."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
                    .replace("\u201d", '"').split())


def speakers_named(text: str, actors: Iterable[str]) -> list[str]:
    """The speakers of ``actors`` that ``text`` names (whole words, any case)."""
    return [a for a in actors if re.search(rf"\b{re.escape(a)}\b", text, re.I)]


def name_words(names: Iterable[str | None]) -> set[str]:
    """The words of people's names as evidence tokens ("Mary Ann" -> {"mary", "ann"}): a
    speaker of the conversation is a known name wherever the memory mentions them."""
    return {base_word(w) for name in names if name for w in WORD.findall(name)}


def base_word(word: str) -> str:
    """A word without its possessive ("Maya's" -> "maya"), lower case."""
    low = word.lower().strip("'")
    return low[:-2] if low.endswith("'s") else low


def stem(word: str) -> str:
    """A light stem, the same for "paint", "paints", "painted", "painting", "paintings" and
    "painter" (and for "waxwing" and "waxwings")."""
    w = base_word(word)
    w = IRREGULAR.get(w, w)
    if w in ("using", "used", "uses"):  # too short a root for the suffix rule
        w = "use"
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("ings", ""), ("ing", ""), ("ers", ""), ("er", ""), ("ed", ""),
                         ("es", ""), ("ly", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not (suffix == "s" and w.endswith("ss")):
            w = w[: len(w) - len(suffix)] + keep
            break
    w = w.rstrip("e") or w
    if len(w) > 3 and w[-1] == w[-2]:  # running -> runn -> run
        w = w[:-1]
    return w


def normalised(text: str) -> str:
    """The form two candidates are compared in: lower-case words, nothing else."""
    return " ".join(re.findall(r"[a-z0-9]+", clean_text(text).lower()))


def number_value(token: str) -> int | None:
    digits = re.sub(r"(st|nd|rd|th)$", "", token).replace(",", "")
    try:
        return int(float(digits))
    except ValueError:
        return None


# -- what the events say ------------------------------------------------------------------

Day = tuple[int, int, int]  # (day, month, year)


@dataclass
class Evidence:
    """What a set of events says, indexed for the check: their words (as stems), names,
    numbers, dates (written, resolved from relative phrases, and the days they were said)
    and the steps in them."""

    events: list[Event]
    tokens: set[str] = field(default_factory=set)  # lower-case words as written
    stems: set[str] = field(default_factory=set)
    numbers: set[int] = field(default_factory=set)
    days: set[Day] = field(default_factory=set)
    months: set[tuple[int, int]] = field(default_factory=set)  # (month, year)
    years: set[int] = field(default_factory=set)
    weekdays: set[str] = field(default_factory=set)
    times: set[tuple[int, int]] = field(default_factory=set)  # (hour, minute) said, or when an event was written
    actors: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)  # shell commands that succeeded
    instructions: list[str] = field(default_factory=list)  # sentences that give steps
    text: str = ""

    @classmethod
    def of(cls, events: Iterable[Event]) -> Evidence:
        """Index ``events``."""
        ev = cls(list(events))
        texts = []
        for event in ev.events:
            when = from_ts(event.ts_start)
            said = when.date()
            ev._add_day(said)
            ev.times.add((when.hour, when.minute))
            text = clean_text(annotate(event.text, event.ts_start))
            extra = " ".join(str(event.meta.get(k, "")) for k in ("cwd", "path", "title") if event.meta.get(k))
            texts.append(f"{text} {extra}".strip())
            if event.actor and event.actor not in ev.actors:
                ev.actors.append(event.actor)
            for m in EXPLICIT.finditer(text):
                month = month_number(m.group("month") or m.group("month2"))
                year = int(m.group("year") or said.year)
                ev._add_day_parts(int(m.group("day") or m.group("day2")), month, year)
            for m in ISO_DATE.finditer(text):
                ev._add_day_parts(int(m.group("day")), int(m.group("month")), int(m.group("year")))
            for m in MONTH_YEAR.finditer(text):
                ev.months.add((month_number(m.group("month")), int(m.group("year"))))
                ev.years.add(int(m.group("year")))
            # a month named alone ("mid-March", "in March"): of the year it was written in
            ev.months.update((MONTHS[w.lower()], said.year) for w in WORD.findall(text.replace("-", " "))
                             if w in MONTH_NAMES)
            for m in SPAN.finditer(text):  # "week of 1 May 2023": every day of it
                month_name = m.group("month").lower()
                if month_name in MONTHS:
                    try:
                        first = date(int(m.group("year")), MONTHS[month_name], int(m.group("day")))
                    except ValueError:
                        continue
                    for offset in range(7 if m.group("what") == "week" else 2):
                        ev._add_day(first + timedelta(days=offset))
            if event.source == "shell" and event.meta.get("exit_code") == 0:
                ev.commands.append(event.text.strip())
            # a to-do ("- [ ] dad nov visit - ask him properly") is a thing to do, not a way to do it
            ev.instructions.extend(s for line in text.splitlines() if not TODO.match(line)
                                   for s in sentences(line) if is_instruction(s))
        ev.text = "\n".join(texts)
        for word in WORD.findall(ev.text.replace("-", " ")):
            ev.tokens.add(base_word(word))
            ev.stems.add(stem(word))
            if word.lower() in NUMBER_WORDS:
                ev.numbers.add(NUMBER_WORDS[word.lower()])
            if word.capitalize() in WEEKDAY_NAMES:
                ev.weekdays.add(word.capitalize())
        # a note's short weekday where it names a day ("sat night", "Tues 4 Mar", "on wed"), not
        # "sat down" or "the sun"
        ev.weekdays.update(SHORT_DAYS[(m.group(1) or m.group(2)).lower()] for m in SHORT_DAY.finditer(ev.text))
        for actor in ev.actors:
            for word in WORD.findall(actor):
                ev.tokens.add(base_word(word))
                ev.stems.add(stem(word))
        ev.times.update(t for m in CLOCK.finditer(ev.text) if (t := clock_time(m)) is not None)
        for token in NUMBER.findall(ev.text):
            value = number_value(token)
            if value is not None:
                ev.numbers.add(value)
                if 1900 <= value <= 2099:
                    ev.years.add(value)
        return ev

    def _add_day(self, day: date) -> None:
        self._add_day_parts(day.day, day.month, day.year)
        self.weekdays.add(day.strftime("%A"))

    def _add_day_parts(self, day: int, month: int, year: int) -> None:
        self.days.add((day, month, year))
        self.months.add((month, year))
        self.years.add(year)
        self.numbers.update((day, year))

    def has_word(self, word: str) -> bool:
        """A content word is in the events: the same stem, or a long shared beginning
        ("adopt" / "adoption")."""
        s = stem(word)
        if s in self.stems or base_word(word) in self.tokens:
            return True
        if len(s) >= 5:
            prefix = s[:5]
            return any(t.startswith(prefix) and len(os.path.commonprefix([t, s])) >= 0.7 * min(len(t), len(s))
                       for t in self.stems)
        return False

    def has_name(self, word: str) -> bool:
        """A name is in the events as written (any case), or is one of their speakers."""
        base = base_word(word)
        return base in self.tokens or stem(word) in self.stems and len(base) > 3



CLAUSE = re.compile(r"[,;]\s*(?:(?:and|then)\s+)?|\s+(?:and|then)\s+")


def _told_past(clause: str) -> bool:
    """Whether a clause opens with a verb's regular past ("looked up ...", "rang her")."""
    first = (re.findall(r"[A-Za-z']+", clause) or [""])[0].lower()
    return len(first) > 4 and first.endswith("ed") and first not in IMPERATIVE


NEWS = frozenset("cancelled canceled postponed delayed closed rescheduled moved".split())


def is_instruction(sentence: str) -> bool:
    """A sentence that gives steps: an imperative ("Preheat the oven ..."), "run X",
    "to do X, ...", "you can/should ...", or numbered steps."""
    words = [w.lower() for w in re.findall(r"[A-Za-z']+", sentence)]
    if len(words) < 3 or ATTENTION.match(sentence) or CHEER.match(sentence) or sentence.rstrip().endswith("?"):
        return False  # (a question asks for steps, it gives none: "Can you show me how to ...?")
    if DONE_THEN.search(sentence):
        return False  # "Read up on the rules last night": a diary's deed, not a step to take
    lead = 0
    while lead < len(words) - 1 and words[lead] in STEP_LEADS:
        lead += 1
    if words[lead] in IMPERATIVE and any(w in NEWS for w in words[lead + 1:lead + 4]):
        return False  # "run club cancelled (freezing rain)": a thing named by a verb, and what became of it
    if words[lead] in IMPERATIVE and not (lead + 1 < len(words) and words[lead + 1] in {"you", "me", "it's"}):
        # "Read slowly, looked up like Gillian said": "read" is a past tense too, and the next
        # clause's "looked" says which (a diary's deeds, not a step to take)
        return not (words[lead] in SAME_FORM and any(_told_past(c) for c in CLAUSE.split(sentence)[1:]))
    return any(p.search(sentence) for p in INSTRUCTION_PATTERNS)


def has_steps(text: str, ev: Evidence) -> bool:
    """A procedure rests on what someone did or said to do: a successful shell command it
    names, or, when it reads as steps itself (an instruction, or how someone did something:
    "... by replacing the washer"), an instruction sentence whose words it shares. An
    assistant's offer ("happy to help you with the forecast") or a list's heading ("here are
    some calming oils") shares words with the advice but gives no step."""
    words = {stem(w) for w in WORD.findall(text)} - {stem(w) for w in GLUE | STOPWORDS}
    for command in ev.commands:
        program = command.split()[0] if command.split() else ""
        pieces = {p for p in re.split(r"[\s`'\"]+", command) if len(p) >= 3}
        if (program and re.search(rf"(?<![\w-]){re.escape(program)}(?![\w-])", text)) or any(p in text for p in pieces):
            return True
    # most of it reads as steps: a diary's news with a to-do at its end ("Kevin can't do Tues
    # morning. So shop closed 9-12 Tues 7th. Sign on the door + Insta.") is no procedure
    said = sentences(text)
    if 2 * sum(1 for s in said if is_instruction(s) or BY_STEPS.search(s)) < len(said):
        return False
    for sentence in ev.instructions:
        shared = words & {stem(w) for w in WORD.findall(sentence)}
        if len(shared) >= 2 or (words and len(shared) * 2 >= len(words)):
            return True
    return False


# words in quotation marks: what someone said, in their own person and time ("she always says
# 'I didn't cross the sea for this'"); a single quote opens before a word and closes after one
QUOTED = re.compile(r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d|(?<![\w'])'(?=\w)[^\n]*?(?<=[\w.,!?])'(?![\w'])")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` quotes someone: (start, end) of each span in quotation marks."""
    return [m.span() for m in QUOTED.finditer(text)]


def dated(text: str, cited: Sequence[Event]) -> str:
    """``text`` with the date of each relative phrase after it ("yesterday [7 May 2023]"),
    resolved against the cited turn that says it (else the first cited): a memory read a
    year later must not say "yesterday"."""
    phrases = [m.group().lower() for m in RELATIVE.finditer(text)]
    if not phrases or not cited:
        return text
    said = next((e for e in cited if any(p in e.text.lower() for p in phrases)), cited[0])
    quoted = quoted_spans(text)
    for m in reversed([m for m in RELATIVE.finditer(text) if not any(a <= m.start() < b for a, b in quoted)]):
        # the day the events give right after the phrase is the day ("next Tuesday 26 May"),
        # not the phrase's own reading (the 19th, said on the 13th)
        at = said.text.lower().find(m.group().lower())
        if at >= 0 and not day_after(text, m.end()) and (day := day_after(said.text, at + len(m.group()))):
            text = f"{text[:m.end()]} {day}{text[m.end():]}"
    # (words quoted keep their own time: "Well, Mum, tonight you did" in a speech drafted for the party)
    cuts = [0, *(at for span in quoted_spans(text) for at in span), len(text)]
    return "".join(text[a:b] if n % 2 else annotate(text[a:b], said.ts_start)
                   for n, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)))


# an amount of money or a share: what a number is most often put with the wrong thing as
AMOUNT = re.compile(r"[$£€]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:%|euros?\b|pounds?\b|dollars?\b)")
# what ends the clause an amount is in
CLAUSE_END = re.compile(r"[;!?\n]|\.(?!\d)|\s[-\u2013\u2014]\s|,\s(?:and|but|so|while)\s")


def _stems_of(text: str, *, content: bool = False) -> set[str]:
    """The stems of ``text``'s words (letters only); ``content``: not stopwords, three letters or more."""
    return {stem(w.lower()) for w in re.findall(r"[^\W\d_]+", text)
            if not content or (w.lower() not in STOPWORDS and len(w) > 2)}


def misplaced_amount(text: str, cited: Sequence[Event]) -> str:
    """An amount ``text`` puts with words that no line of the events holding it says
    ("a $612.40 logbook service", when the note's "$612.40" is the total on its own line and
    "logbook service: $289" another), else ''. An amount the events lack is the number
    check's to refuse."""
    for m in AMOUNT.finditer(text):
        # the words of its clause say what it is the amount of
        start = max((e.end() for e in CLAUSE_END.finditer(text, 0, m.start())), default=0)
        end = next((e.start() for e in CLAUSE_END.finditer(text, m.end())), len(text))
        clause = text[start:m.start()] + " " + text[m.end():end]
        around = _stems_of(clause, content=True)
        value = re.sub(r"[^\d.]", "", m.group(0)).rstrip(".")
        lines = [line for e in cited for line in e.text.splitlines()
                 if value in {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", line)}]
        if around and lines and not any(around & _stems_of(line) for line in lines):
            return m.group(0)
    return ""


def asked_not_said(text: str, cited: Sequence[Event]) -> str:
    """A sentence of ``text`` retold from a question in a note ("Kids suit from the
    association." from "kids suit from the assoc?": the writer was unsure), else ''. A
    sentence is taken from the one that holds most of its content words. (A chat's question
    often tells a fact: "I'm off to Lisbon in May, what should I pack?")"""
    said = [(s, _stems_of(s)) for e in cited if e.source in ("note", "file") for s in sentences(e.text)]
    for sentence in sentences(text):
        own = _stems_of(sentence, content=True)
        if len(own) < 2 or not said:
            continue
        best, stems = max(said, key=lambda pair: len(own & pair[1]))
        if best.rstrip().endswith("?") and len(own & stems) >= max(2, (2 * len(own) + 2) // 3):
            return sentence
    return ""


def _plain_words(text: str) -> str:
    return " " + " ".join(w.lower() for w in re.findall(r"[^\W_]+", text)) + " "


def copied_lines(text: str, cited: Sequence[Event]) -> int:
    """How many lines of the cited notes ``text`` copies whole (lines of three words or more):
    three or more strung together ("Col will obvs be her date for the springs - speech: 3 min
    MAX ... - netball: we WON") are the note retold, not a memory of one thing."""
    said = _plain_words(text)
    lines = {_plain_words(line) for e in cited if e.source in ("note", "file") for line in e.text.splitlines()}
    return sum(1 for line in lines if len(line.split()) >= 3 and line in said)


# where a copied piece of a line may begin: the line's start, a bullet, a label or a clause's
# end ("remember: email Ingrid ...", "rang the plumber and fixed the tap")
PIECE_START = re.compile(r"[.:;!?)\]\u2014\u2013>]|\s-\s")
LIST_ITEM = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+")
CLAUSE_EDGE = re.compile(r"(?:^|[.:;!?)\]\u2014\u2013>-]|\b(?:and|but|so|then|also|&|\+))\s*$", re.I)


def cut_short(text: str, cited: Sequence[Event], heads: bool = True) -> str:
    """The opening words a copy of a cited note's line left off, when it starts inside a
    clause ("Ingrid the station log every evening" from "remember: email Ingrid the station
    log every evening": who does what is lost); "" otherwise."""
    said = re.findall(r"[^\W_]+", re.sub(r"\[[^\]]*\]", " ", text))
    if len(said) < 3:
        return ""
    copy = re.compile(r"[^\w]+".join(re.escape(w) for w in said), re.I)
    for event in cited:
        if event.source not in ("note", "file"):
            continue
        for line in event.text.splitlines():
            found = copy.search(line)
            before = line[:found.start()].strip(" *_") if found else ""
            # one word of its clause left off ("email"): a longer report ("Told Sam the key is
            # under the pot") may keep what was said whole
            if found and before and not CLAUSE_EDGE.search(before) and len(PIECE_START.split(before)[-1].split()) == 1:
                return before.split()[-1]
            # a list item's head names what the rest of it is about: "gary. boot massive, £28,495
            # list" copied from "- corolla touring sports @ stourton toyota - gary. boot massive, ..."
            # says it of Gary
            # (``heads`` False: a procedure's step may well be an item's tail, "- wifi - tap Forget")
            head = LIST_ITEM.sub("", before, count=1) if heads and found and LIST_ITEM.match(line) else ""
            if len(re.findall(r"[^\W\d_]{2,}", head)) >= 2:
                return " ".join(head.split()[:4])
    return ""


def clock_time(m: re.Match[str]) -> tuple[int, int] | None:
    """(hour on the 24-hour clock, minute) of a CLOCK match; None for a bare number (no minutes
    and no am/pm: "3 days") or one that is no time of day."""
    if m.group("m") is None and m.group("ampm") is None:
        return None
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    ampm = (m.group("ampm") or "").lower()[:1]
    if ampm == "p" and hour < 12:
        hour += 12
    elif ampm == "a" and hour == 12:
        hour = 0
    return (hour, minute) if hour < 24 and minute < 60 else None

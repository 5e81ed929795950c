"""The zero-LLM answer: the evidence's own words, shaped by the kind of question (a date,
steps, a list, a figure, a statement), as ``ask`` gives it when no model answers."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from ..models import Hit
from ..search.text import NAMES_ASSISTANT, is_assistant
from ..timephrase.phrase import ANY_TIME, ASKS_AHEAD, extract, mentions
from ..timeutil import day_bounds
from . import asking
from .asking import (
    ADVICE,
    ASKS_OF_ME,
    DID_I,
    DOING,
    KEPT_WHERE,
    MAY_I,
    NOW_ASKED,
    PRICE_ASKED,
    SAID_ASKED,
    WHAT_I_DID,
    WHAT_KIND,
    WHERE,
    WHETHER_DONE,
)
from .contact import EMAIL, NAMED_NUMBER, named_number, number_of
from .correction import corrected
from .lexicon import LANGUAGES, ROLES
from .measure import (
    FIGURE_DEPTH,
    MEASURE_DEPTH,
    MONEY,
    NAME_ASKED,
    block_number,
    counted_asked,
    gives_name,
    measure_asked,
    rate_asked,
    with_count,
    with_measure,
    with_rate,
)
from .pointer import followed
from .recurrence import recurs
from .section import MAX_SECTION_BLOCKS, note_answer, note_lists, section_answer, table_row, whole_list
from .shape import (
    ANSWER_DEPTH,
    CODE,
    COMMON_DEEDS,
    DONE_YET,
    HOW_MANY,
    HOW_MUCH,
    PRICE_WORDS,
    STEPS_DEPTH,
    WHO_ASKED,
    WHY_ASKED,
    Shaped,
    clean,
    context_of,
    done_by_another,
    duration_answer,
    list_answer,
    statement_answer,
    steps_answer,
)
from .shell import COMMANDS, FAILURE, runs_named
from .standing import called_off, came_to, in_effect, still_on, taken_over, takes_effect
from .support import (
    DIGIT_WORDS,
    DIGITS_ASKED,
    LONG_NUMBER,
    PHONE,
    SPEECH,
    Support,
    alike,
    names_in_question,
    ownership,
    predicate_of,
    role_or_deed,
    sentences,
    speech_words,
    stem,
    tokens,
    turn_before,
    words,
)
from .timing import GONE_BY, NEXT, date_answer, mentions_in, paragraphs_above
from .update import UPDATE_DEPTH, is_question

if TYPE_CHECKING:
    from ..service import Recall

# a reference asked for, and what gives one: letters and digits ("HWD-448812") or a long number
REF_ASKED = re.compile(r"\b(?:ref|reference|(?:booking|order|confirmation|policy|account)\s+(?:number|no|code))\b",
                       re.I)
EMAIL_ASKED = re.compile(r"\be-?mail(?:\s+address)?\s*[?.!]*\s*$|\be-?mail address\b", re.I)  # the address asked
REFERENCE = re.compile(rf"{CODE.pattern}|{LONG_NUMBER.pattern}")

# "what day of the week ...?", "what night is running club?": a day of the week, which a line says ("on a Monday only")
WEEKDAY_ASKED = re.compile(r"\b(?:day of the week|week ?day)\b|^\s*(?:on\s+)?(?:what|which)\s+nights?\b", re.I)
A_WEEKDAY = re.compile(r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b"
                       r"|(?:mon|tues?|weds?|thu(?:rs?)?|fri|sat|sun)\.?\s+\d)", re.I)  # "Mon 23 Nov", not "sat"

# what says when besides a date or a day: a season, a feast, a time relative to another thing,
# or that there is no date now ("Haircut postponed, new date not fixed yet", "Lisbon is off")
WHEN_WORDS = re.compile(r"\b(?:spring|summer|autumn|fall|winter|christmas|xmas|easter|new year|noon|midnight|"
                        r"soon|later|before|after|until|till|since|during|once|when|postpon\w*|cancel\w*|"
                        r"called off|(?:is|are|now) off|delay\w*|moved|reschedul\w*|tb[acd]|"
                        r"not (?:yet )?(?:fixed|set))\b", re.I)


def _their_words(svc: Recall, question: str, found: Support, keys: set[str], hits: Sequence[Hit]) -> list[Hit]:
    """For what a named person said ("what did Mum say about the cheese?", "what did ChatGPT
    suggest for the query?"): their turns on the question's subject, or answering a turn that
    is ("Lisbon" is in the request the reply answers); for an assistant, else its reply to the
    request on the subject. Empty for any other question."""
    if not found.person or not SPEECH.search(question):
        return []
    person = found.person.lower()
    # on the subject: not merely the verb that reports speech ("suggest")
    keys = (keys - speech_words(question)) or keys
    overlap = {h.ref: len(keys & words(f"{h.text} {turn_before(h, hits)}")) for h in hits}
    theirs = sorted((h for h in hits if (h.actor or "").lower() == person and overlap[h.ref]),
                    key=lambda h: -overlap[h.ref])
    if theirs or not is_assistant(person):
        return theirs
    asked = max(hits[:ANSWER_DEPTH], key=lambda h: len(keys & words(h.text)), default=None)
    answered = _reply_to(svc, asked) if asked is not None and keys & words(asked.text) else None
    return [answered] if answered is not None and (answered.actor or "").lower() == person else []


def _person_filter(found: Support, hits: Sequence[Hit], theirs: bool) -> Callable[[Hit, str], bool] | None:
    """For a question about one named person: only statements about them (or about nobody in
    particular) may answer it; with ``theirs`` (what they said, and their words lead the
    evidence), only their own words, whomever they are about."""
    person = found.person
    if person is None:
        return None
    everyone = sorted({h.actor for h in hits if h.actor} | {person})
    allowed: dict[int, set[str]] = {}

    def allow(hit: Hit, sentence: str) -> bool:
        if theirs:
            return (hit.actor or "").lower() == person.lower()
        if id(hit) not in allowed:
            owned = ownership(hit, person, everyone)
            allowed[id(hit)] = set(owned.person + owned.neutral)
        return sentence in allowed[id(hit)]

    return allow


def evidence_answer(svc: Recall, question: str, kind: str, found: Support, hits: Sequence[Hit],
                    now: float | None = None) -> Shaped | None:
    """The zero-LLM answer: the evidence's own words, shaped by the kind of question (``now``:
    the time it is asked at)."""
    # "how much was the october energy bill?": October's, not November's (a month is no key word else)
    keys = (found.key_words or words(question)) | {stem(m) for m in asking.months_named(question)}
    said = _their_words(svc, question, found, keys, hits)
    hits = said + [h for h in hits if h.ref not in {s.ref for s in said}]
    allow = _person_filter(found, hits, bool(said))
    keep = allow
    # the asker's life is told in their own words first: an assistant only restates or advises
    # ("when is the dog booked in?" is not "vets anaesthetise older dogs"), unless it is asked
    if allow is None and not ADVICE.match(question) and not NAMES_ASSISTANT & set(tokens(question)):
        mine = bool(ASKS_OF_ME.search(question))

        def keep(hit: Hit, sentence: str) -> bool:
            # "where do I work now?" is not answered by "... but Daniel works night shifts"
            return (not is_assistant(hit.actor or "") or hit.ref in replied) \
                and not (mine and done_by_another(sentence, keys))
    # the first items looked at are the asker's own: an assistant's three replies on top would leave none
    own = [h for h in hits if keep is allow or not is_assistant(h.actor or "")] or hits
    if kind != "steps" and not (COMMANDS.search(question) or FAILURE.search(question) or runs_named(keys, hits)):
        # a command is not told of unless asked: "where's the party?" is no "cd ~/proj/party-invites",
        # nor is "rsvps-backup-8dec.csv" the RSVP deadline
        own = [h for h in own if h.source != "shell"] or own
    if kind == "steps":  # a command that failed is no step to take; "how did I hurt my knee?": not the advice
        hits = [h for h in hits if not (h.source == "shell" and h.meta.get("exit_code") not in (0, None))
                and not (DID_I.match(question) and is_assistant(h.actor or ""))]

    asked = asking.things_asked(question)
    # the steps for the thing asked about ("my plants"), not another's; the DJ asked for (too short a key word)
    if kind == "steps" or (asking.WHO_ROLE.match(question) and min(map(len, asked), default=9) < 3):
        things = {stem(t) for t in asked} & keys
        on_it = [h for h in hits if h.source == "shell" or asking.names_thing(asked, things, h.text, words(h.text))]
        hits, own = on_it or hits, [h for h in own if h in on_it] or own
    # an assistant's reply to the asker's own question on it ("how much payasam for 68") is what
    # they were told; not what was done ("did I charge a late fee?" is not "should I ...?"'s reply)
    replied: set[str] = set()

    def reply(hit: Hit) -> Hit | None:
        answered = _reply_to(svc, hit)
        if answered is not None and not (DID_I.match(question) or WHAT_I_DID.search(question)):
            replied.add(answered.ref)
        return answered

    made: Shaped | None = None
    if kind == "date" and WEEKDAY_ASKED.search(question):
        # "what day of the week should cores be couriered?": "4. courier on a Monday only", in an
        # item on cores, not the day that item was written
        made = statement_answer(keys, own, reply, allow=partial(_saying, A_WEEKDAY, keys, keep))
    if kind == "date" and made is None:
        linked = mentions_in(svc.store)
        above = paragraphs_above(svc.store)
        made = date_answer(question, keys, own, allow=keep, now=now, mentioning=linked, above=above) or \
            date_answer(question, keys, hits, now=now, mentioning=linked, above=above)
    elif kind == "steps" and (note := note_answer(svc.store, hits, keys)) is not None:
        made = Shaped(*note)  # "how do I make shakshuka?": the note titled so, whole
    elif kind == "steps":
        made = steps_answer(keys, [*hits[:STEPS_DEPTH], *note_lists(svc.store, hits[:STEPS_DEPTH], keys)],
                            depth=STEPS_DEPTH + MAX_SECTION_BLOCKS)
        # for want of a list of steps, the section ("## Mounting the lab NAS") the step found or the best items sit in
        if made is None or "\n" not in made.text:
            section = next(filter(None, (section_answer(svc.store, h, keys)
                                         for h in (made.hits[:1] if made is not None else hits[:4]))), None)
            made = Shaped(*section) if section is not None else made
    elif kind == "list":  # "what activities does X do": X's statements, when that is all it asks
        made = list_answer(found.key_words if allow else keys, own, allow=keep) or list_answer(keys, hits)
    elif kind == "duration":
        made = duration_answer(keys, own, allow=keep, predicate=predicate_of(question))
    elif (row := table_row(question, hits)) is not None:  # "who covers Thu 23 July?": that day's row
        made = Shaped(row[0], [row[1]])
    elif (listed := whole_list(question, keys, own)) is not None:  # "what's on my shopping list?"
        made = Shaped(listed[0], [listed[1]])
    names = {stem(w) for name in names_in_question(question) for w in tokens(name.removesuffix("'s"))}
    # "what did the vet say about Pepper?": the sentence that tells it goes on after the one
    # that names them ("Took Pepper to the vet. ... the vet said to cut the treats")
    verb = predicate_of(question) or ("say" if SAID_ASKED.match(question) else "") or role_or_deed(question)
    # "which ferry did we end up getting?": the ferry, not a line that says "get" ("pick up"); the
    # thing is then named by the line that answers (not so "what medication is dad on?": "ramipril ...")
    thing = stem(asked_kind.group(1).lower()) if (asked_kind := WHAT_KIND.match(question)) and verb in COMMON_DEEDS \
        else ""
    verb = "" if thing else verb
    where = bool(WHERE.match(question)) or stem("live") in keys  # "who lives in Leeds?" asks where, too
    # "did I charge a late fee?" asks whether, not how much
    amount = bool(HOW_MUCH.search(question)) and not (DONE_YET.match(question) and not HOW_MANY.search(question))
    if DIGITS_ASKED.search(question) and keys - DIGIT_WORDS:
        # "what is the plumber's phone number?": the sentence on the plumber, then its number
        # ("Should call the plumber ... Joe Fahy, 091 755 218"), not another's "New number ..."
        keys, amount = keys - DIGIT_WORDS, True
    # "where did I put my passport?": things move; the last item of all that says where answers
    kept = bool(KEPT_WHERE.match(question))
    if kept:  # "put" frames the question: what says where does not say "put"
        keys, verb = keys - {stem(w) for w in ("put", "leave", "left", "keep", "kept", "store", "hide")}, ""
    latest = bool(WHETHER_DONE.match(question) or NOW_ASKED.search(question)) or kept
    doing = {stem(m.group(1).lower()) for m in DOING.finditer(question)} if NOW_ASKED.search(question) else set()
    if keys & doing and not kept and keys - doing - names:
        # "what book are we reading for book club now?": a later "book is Piranesi" says what
        # holds now without the verb, so the thing asked about ranks, then the latest word on it
        keys, verb = keys - doing, "" if verb in doing else verb
    # "how much was netflix in june?": what held then, whatever changed after
    named = extract(question, now)[1] if now is not None else None
    then = named is not None and now is not None and named.until < now
    latest = latest and not then
    person = bool(WHO_ASKED.match(question))  # "who minded Mango?": a sentence that names someone
    why, advice = bool(WHY_ASKED.match(question)), bool(ADVICE.match(question))
    requested = bool(MAY_I.search(question))  # "how much can i charge ...?": a drafted chaser's reply tells
    if made is None and amount and (block := block_number(question, keys, hits)) is not None:
        made = Shaped(block[0], [block[1]])
    dialled = LONG_NUMBER if PHONE.search(question) else REFERENCE if REF_ASKED.search(question) else None
    if made is None and NAME_ASKED.match(question):
        # "whats the landlords name": the sentence that names him ("landlord is tom keane"), over
        # one that only tells of him ("landlord says the deposit is actually €1,300")
        made = statement_answer(keys, own, reply, FIGURE_DEPTH, allow=partial(_naming_one, keys, keep),
                                names=names, predicate=verb, latest=latest, then=then)
    whose = NAMED_NUMBER.search(question)  # "whats fiona's email": hers, or none (named_number)
    if made is None and EMAIL_ASKED.search(question) and (whose is None or whose.group(1).lower() in ROLES):
        # "whats my supervisor's email": the sentence with an address, in an item on the
        # supervisor ("supervisor mtgs every 2nd tues ... niamh's email is niamh.b@..."), over the
        # one that only names them
        made = statement_answer(keys, own, reply, FIGURE_DEPTH, allow=partial(_saying, EMAIL, keys, keep),
                                names=names, predicate=verb, latest=latest, then=then)
    if made is None and amount and dialled is not None:
        # "stone co phone number": a line with digits to ring, in an item on it (not "down to £2,600");
        # "howdens order ref": one with the ref ("order ref HWD-448812", not "14 boxes")
        made = statement_answer(keys, own, reply, FIGURE_DEPTH, allow=partial(_saying, dialled, keys, keep),
                                names=names, predicate=verb, amount=amount, latest=latest, then=then)
    if made is None and PRICE_ASKED.match(question) and not keys & PRICE_WORDS \
            and measure_asked(question) is None:
        # "how much is the hetzner vps?": "hosting with hetzner €5.83/mo", over the note's first
        # line ("tidepool vps is 198.51.100.27, ssh on port 2222"), whose figures are no price
        made = statement_answer(keys, own, reply, allow=partial(_saying, MONEY, keys, keep), names=names,
                                predicate=verb, amount=amount, latest=latest, then=then)
    if made is None and amount and (rate := rate_asked(question)) is not None:
        # "how many km a week am I allowed?": the sentence that gives km a week, first
        made = statement_answer(keys | rate[1], own, reply, MEASURE_DEPTH,
                                allow=partial(with_rate, rate[0], keys | rate[1], keep),
                                names=names, predicate=verb, amount=amount, latest=latest, then=then)
    if made is None and (things := counted_asked(question)):
        # "how many veg guests?": the line that counts them ("23 veg out of the 68"), over one
        # that only names them ("£18/head for veg + non veg buffet")
        made = statement_answer(keys, own, reply, UPDATE_DEPTH, allow=partial(with_count, things, keep),
                                names=names, predicate=verb, amount=amount, latest=latest, then=then)
    if made is None and not amount and (gives := measure_asked(question)) is not None:
        # "what temperature for banana bread?": the sentence that gives degrees, first
        made = statement_answer(keys, own, reply, allow=partial(with_measure, gives, keep), names=names,
                                predicate=verb, amount=amount, latest=latest, then=then)
    made = (made or statement_answer(keys, own, reply, UPDATE_DEPTH if kept else ANSWER_DEPTH, allow=keep,
                                     names=names, predicate=verb, where=where,
                                     amount=amount, latest=latest, person=person, why=why, advice=advice, then=then,
                                     requested=requested)
            or statement_answer(keys, hits, reply, names=names, predicate=verb, where=where, amount=amount,
                                latest=latest, person=person, why=why, advice=advice, then=then, requested=requested))
    states = _states(asked_kind.group(1)) if asked_kind is not None else None
    if made is not None and states is not None and not states.search(made.text):
        # "which hob did we get?": "- hob: Neff induction T36FB41X0G £389" states it, in an item on the rest
        made = statement_answer(keys, own, reply, allow=partial(_saying, states, keys, keep), names=names,
                                predicate=verb, latest=latest, person=person, then=then) or made
    if made is not None and thing in keys and thing not in alike(words(made.text)):
        # "which ferry did we end up getting to orkney?": a line that names a ferry, in an item on
        # Orkney too, over "pick up after I'm back from orkney" (a bike's)
        made = statement_answer(keys, own, reply, allow=partial(_naming, thing, keys, keep), names=names,
                                predicate=verb, latest=latest, person=person, then=then) or made
    if WHERE.match(question) and kind != "date" and made is not None and not _says_where(made.text):
        # "where is eilidhs wedding?": not "Eilidh's wedding!!", which names it and no place, but
        # a line in an item on it that says where ("Venue: Prestonfield House" says it best, over
        # "Hair + makeup: 8am at Eilidh's mum's"), then any ("Saturday 19 December at Dundas Castle")
        for place in (PLACE_LABEL, PLACE_SAID):
            placed = statement_answer(keys, own, reply, UPDATE_DEPTH if kept else ANSWER_DEPTH,
                                      allow=partial(_saying, place, keys, keep), names=names, predicate=verb,
                                      where=where, latest=latest, person=person, then=then)
            if placed is not None:
                made = placed
                break
    made = _stated(question, made, keys)
    if kind == "date" and made is not None and not (ANY_TIME.search(made.text) or WHEN_WORDS.search(made.text)):
        return None  # "when is Mum's birthday?" is not answered by "- birthday card for Mum"
    if kind == "date" and made is not None and now is not None and NEXT.search(question) \
            and GONE_BY not in made.text and _all_gone_by(made, now):  # (date_answer may have said it)
        # "when is my next parkrun?": "Parkrun was cancelled this morning" tells of none to come
        made = Shaped(made.text + GONE_BY, made.hits)
    # "changed garage code (see bike.md)": the note it points at says what
    if made is None or (kind == "steps" and "\n" in made.text):
        return made
    made = corrected(svc.store, followed(svc.store, made, keys, reply, amount, steps=kind == "steps") or made,
                     question, kind)
    for later in (still_on, taken_over, came_to):  # what stands now, looked up beyond the evidence
        made = later(svc.store, made, question, keys)
    if kind == "date" or named is not None:  # "when is the Lisbon trip?": a plan, unless called off since
        made = called_off(svc.store, made, question, now)
    if latest and now is not None and named is None and kind != "date" and not ASKS_AHEAD.search(question) \
            and made is not None and made.hits and made.hits[0].ts <= now:
        # "how much is the gym now?" in November: "goes up to 39.90 from December" has yet to hold
        made = _until_then(made, now, own, lambda rest: statement_answer(
            keys, rest, reply, allow=keep, names=names, predicate=verb, amount=amount, then=True))
        # (not "did pennywell pay ...?": whether a thing was done is no value that changed)
        made = made if WHETHER_DONE.match(question) else in_effect(made, now, own, keys)
    if made is not None and made.hits and _other_language(question, made.hits[0]):
        return None  # "who is my spanish teacher?" is not answered by the Portuguese class's "Teacher is ..."
    # whose number: the name found, then its number; or the number said after the name asked
    return named_number(svc.store, number_of(svc.store, made, question, keys), question)


# a place said: "under the blue pot", "in the -20 freezer", "at Dundas Castle" (not "in the end",
# "at 5pm", "on Monday")
PLACE_SAID = re.compile(r"\b(?:under(?:neath)?|behind|inside|beneath|next to|on top of)\s+\S|"
                        r"\b(?:[Ii]n|[Aa]t|[Oo]n|[Ii]nto)\s+(?:(?:the|a|my|our|his|her|their)\s+(?!(?:morning|evening|"
                        r"afternoon|night|end|meantime|past|future|week|month|year|weekend|moment|time|way|day|"
                        r"same|first|last|next)\b)[\w-]|(?!(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|"
                        r"Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b)[A-Z][a-z])")
# (or where it goes: "moved to Porto", "trip to the Eden Project", "goes to deploy@203.0.113.42")
PLACE_MOVED = re.compile(r"\b(?:moved|moving|moves|relocated|relocating|switched|changed|go|goes|going|went|gone|"
                         r"heads?|heading|headed|trip|flight|flying|flew|travel\w*)\s+(?:\w+\s+)?to\b"
                         r"|\bto\s+(?:the\s+)?[A-Z]", re.I)
PLACE_LABEL = re.compile(r"^\W*(?:venue|location|address|where|place)\s*[:=\u2013\u2014-]\s*\w", re.I)


def _saying(says: re.Pattern[str], keys: set[str], allow: Callable[[Hit, str], bool] | None, hit: Hit,
            sentence: str) -> bool:
    """Whether ``sentence`` (that ``allow`` lets answer) says what ``says`` matches (where, a
    weekday, a phone number), in an item that says the key words (two of them, when more are asked)."""
    return (allow is None or allow(hit, sentence)) and says.search(sentence) is not None and _on_it(keys, hit)


def _naming(thing: str, keys: set[str], allow: Callable[[Hit, str], bool] | None, hit: Hit, sentence: str) -> bool:
    """Whether ``sentence`` (that ``allow`` lets answer) names ``thing`` (stemmed), in an item
    that says the key words (two of them, when more are asked)."""
    return (allow is None or allow(hit, sentence)) and thing in alike(words(sentence)) and _on_it(keys, hit)


def _naming_one(keys: set[str], allow: Callable[[Hit, str], bool] | None, hit: Hit, sentence: str) -> bool:
    """Whether ``sentence`` (that ``allow`` lets answer) names someone or something of ``keys``."""
    return (allow is None or allow(hit, sentence)) and gives_name(sentence, keys) and bool(keys & words(sentence))


def _on_it(keys: set[str], hit: Hit) -> bool:
    """Whether ``hit`` (its text, heading or file name) says the key words: two of them, when
    more are asked."""
    return len(keys & alike(words(hit.text or "") | context_of(hit))) >= min(2, len(keys))


def _says_where(text: str) -> bool:
    """Whether an answer says a place (or where a thing moved to)."""
    return any(pattern.search(line) for pattern in (PLACE_SAID, PLACE_MOVED, PLACE_LABEL) for line in text.splitlines())


def _stated(question: str, made: Shaped | None, keys: set[str]) -> Shaped | None:
    """``made``, or the sentence of its item that states the kind of thing asked for ("what book
    ...?": "book is Small Things Like These") when ``made`` does not and shares no more key words."""
    asked = WHAT_KIND.match(question)
    if made is None or asked is None or len(made.hits) != 1:
        return made
    states = _states(asked.group(1))
    if states.search(made.text):
        return made
    overlap = len(keys & words(made.text))
    better = next((s for s in sentences(made.hits[0].text or "")
                   if states.search(s) and len(keys & words(s)) >= overlap and not is_question(s)), None)
    return made if better is None else Shaped(clean(better) or better, made.hits)


def _states(kind: str) -> re.Pattern[str]:
    """What states which ``kind`` of thing it is: "book is Piranesi", "- hob: Neff induction"."""
    return re.compile(rf"\b{re.escape(kind)}s?\s*(?:is|was|are|were|:|=)\s+\w", re.I)


def _other_language(question: str, hit: Hit) -> bool:
    """Whether ``question`` names a language that ``hit`` (its text and heading) does not,
    while it names another."""
    asked = LANGUAGES & set(tokens(question))
    said = set(tokens(f"{hit.text or ''} {(hit.meta or {}).get('heading') or ''}"))
    return bool(asked) and not asked & said and bool(LANGUAGES & said)


def _all_gone_by(made: Shaped, now: float) -> bool:
    """Whether every time ``made`` speaks of (its item's own day when it names none) was over
    before ``now``, and it tells of nothing that comes back ("every Saturday")."""
    hit = made.hits[0]
    if hit.ts is None or any(recurs(sentence, hit) for sentence in sentences(made.text)):
        return False
    ends = [span.until for span in mentions(made.text, hit.ts)] or [day_bounds(hit.ts)[1]]
    return all(end < now for end in ends)


def _until_then(made: Shaped, now: float, hits: Sequence[Hit],
                before: Callable[[list[Hit]], Shaped | None]) -> Shaped:
    """``made``, or where it tells a change that holds from a time still to come at ``now``,
    what holds until then (the answer it replaced, else ``before`` of ``hits`` without the
    change's item), with the change after it."""
    new, _, old = made.text.partition(" (before: ")
    if takes_effect(new, made.hits[0].ts, now) is None:
        return made
    if old:
        return Shaped(f"{old.removesuffix(')')} (to come: {new})", [*made.hits[1:], made.hits[0]])
    held = before([h for h in hits if h.ref != made.hits[0].ref])
    return made if held is None else Shaped(f"{held.text} (to come: {new})", [*held.hits, made.hits[0]])


def _reply_to(svc: Recall, hit: Hit) -> Hit | None:
    """The next turn of a conversation after ``hit``, when someone else said it."""
    if hit.owner != "event" or not hit.session:
        return None
    following = svc.store.neighbours([hit.id]).get(hit.id, (None, None))[1]
    event = svc.store.get_event(following) if following is not None else None
    if event is None or event.id is None or (event.actor or "") == (hit.actor or ""):
        return None
    return Hit.from_event(event)

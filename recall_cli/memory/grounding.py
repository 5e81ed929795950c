"""The grounding check: is a memory an LLM proposes supported by the events it cites?

A small model writes fluent text its input does not support: template residue, an "I"
that belongs to nobody, dates it made up, procedures nobody gave. Before an LLM candidate
is written, ``check`` compares it with the events it cites, deterministically and without
a second model call:

- no template or markup residue (``{{``, ``{%``, ``<pre>``, ``[[``, ``#section``, JSON
  fragments, lone punctuation), and a sentence rather than a fragment or a file name;
- first person is rewritten to whoever said it (the event's actor), or to "the user" for
  the user's own notes and commands, so no memory says a bare "I";
- every name, number and date comes from the events (a date may also be the resolved date
  of a relative phrase in them, or the day one of them was written), and every content
  word does (a word counts when its stem matches; relation words such as "likes" or
  "went" are free);
- a fact about one person of a conversation comes from what that person said or was told;
- a procedure rests on steps someone took or gave: a shell command that succeeded, or
  instruction text ("run X", "to do X, ...", an imperative sentence);
- the subject is a name or noun phrase from the events (a bad one is replaced by a name
  the memory mentions, else the memory is rejected).

``screen`` runs the check over an episode's candidates and drops repeats within the
episode. A rejection carries a reason (a key of ``REASONS``) that is counted in the store
(``consolidation.rejected.<reason>``) and logged with the candidate to
RECALL_HOME/logs/llm-rejected.jsonl, so nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..llm.support import sentences
from ..models import Event
from ..search.retrieve import STOPWORDS
from ..search.text import is_self
from ..timephrase.phrase import EXPLICIT, MONTHS, month_number
from ..timeutil import from_ts
from .attribution import (
    CLAUSE_BREAK,
    invented,
    kin_as_self,
    merged_lines,
    mine_as_theirs,
    misattributed,
    misquoted,
    off_subject_lines,
    reported_as_own,
    scattered,
    self_as_other,
)
from .evidence import (
    ALLOWED_SYMBOLS,
    CLOCK,
    FILE_NAME,
    FIRST_PERSON,
    GLUE,
    ISO_DATE,
    MARKUP,
    MONTH_NAMES,
    MONTH_YEAR,
    NUMBER,
    NUMBER_WORDS,
    SAME_FORM,
    SECOND_PERSON,
    WEEKDAY_NAMES,
    WORD,
    Evidence,
    asked_not_said,
    base_word,
    clean_text,
    clock_time,
    copied_lines,
    cut_short,
    dated,
    has_steps,
    misplaced_amount,
    name_words,
    normalised,
    number_value,
    speakers_named,
)
from .hedge import hedged_as_firm, suggested_as_own
from .person import (
    bare_deed,
    choose_addressee,
    choose_speaker,
    has_first_person,
    has_second_person,
    invented_doer,
    login_as_user,
    rewrite_first_person,
    rewrite_second_person,
    unclaimed_pronoun,
    ungendered_user,
    with_doer,
)
from .rejection import Rejection
from .splice import glued_items, spliced_lines
from .summary import Candidate

TOLD_OF = re.compile(r"^\s*([Tt]he user|[A-Z][\w'-]*)\s+(?:is|are|was|were|will|plans?|wants?|intends?|hopes?)\b")
SUGGESTED = re.compile(r"\b(?:consider(?:ing)?|you (?:could|might|may want to|may wish to)|how about|why not|"
                       r"it might be (?:worth|a good idea)|maybe (?:try|look)|perhaps (?:try|look))\b", re.I)
COMMAND_VERBS = frozenset("run runs type enter execute command".split())

# -- the check ----------------------------------------------------------------------------

@dataclass
class Verdict:
    """The outcome for one candidate: ``reason`` is empty when it passed; ``text`` and
    ``subject`` are what would be stored (first person rewritten, subject repaired)."""

    text: str
    subject: str | None
    reason: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


def markup_residue(text: str, allowed: str = "") -> str:
    """The first piece of template, markup or JSON residue in ``text`` ('' if none); a
    piece that also appears in ``allowed`` (a cited shell command, say) is not residue."""
    for m in MARKUP.finditer(text):
        piece = m.group(0).strip()
        if piece and piece in allowed:
            continue
        return piece
    for token in text.split():
        if not any(ch.isalnum() for ch in token) and token not in ALLOWED_SYMBOLS and token not in allowed:
            return token
    return ""


def names_and_words(text: str) -> tuple[list[str], list[str], list[str]]:
    """(names, content words, sentence-initial words) of a memory's text."""
    names: list[str] = []
    words: list[str] = []
    initial: list[str] = []
    sentence_start = True
    for raw in re.split(r"\s+", text):
        for piece in re.split(r"[-/]", raw):
            for word in WORD.findall(piece):
                if (word.lower() in STOPWORDS or word.lower() in GLUE or base_word(word) in GLUE
                        or word.lower() in FIRST_PERSON or word.lower() in SECOND_PERSON):
                    pass
                elif word in MONTH_NAMES or word in WEEKDAY_NAMES or word.lower() in NUMBER_WORDS:
                    pass  # checked as dates and numbers
                elif word[0].isupper():
                    (initial if sentence_start else names).append(word)
                else:
                    words.append(word)
                sentence_start = False
        if raw.endswith((".", "!", "?", ":")):
            sentence_start = True
    return names, words, initial


def check_dates_and_numbers(text: str, ev: Evidence) -> tuple[str, str, str]:
    """('', '', rest) when every date and number in ``text`` is in the evidence, else
    (reason, the offending piece, ''); ``rest`` is the text with its dates taken out."""
    rest = text
    for m in list(EXPLICIT.finditer(text)):
        month = month_number(m.group("month") or m.group("month2"))
        day = int(m.group("day") or m.group("day2"))
        year = int(m.group("year")) if m.group("year") else None
        if not any(d == day and mo == month and (year is None or y == year) for d, mo, y in ev.days):
            return "ungrounded_date", m.group(0), ""
        rest = rest.replace(m.group(0), " ", 1)
    for m in list(ISO_DATE.finditer(rest)):
        if (int(m.group("day")), int(m.group("month")), int(m.group("year"))) not in ev.days:
            return "ungrounded_date", m.group(0), ""
        rest = rest.replace(m.group(0), " ", 1)
    for m in list(MONTH_YEAR.finditer(rest)):
        if (month_number(m.group("month")), int(m.group("year"))) not in ev.months:
            return "ungrounded_date", m.group(0), ""
        rest = rest.replace(m.group(0), " ", 1)
    for word in WORD.findall(rest):
        if word in MONTH_NAMES and MONTHS[word.lower()] not in {mo for mo, _y in ev.months}:
            return "ungrounded_date", word, ""
        if word in WEEKDAY_NAMES and word not in ev.weekdays:
            return "ungrounded_date", word, ""
        if word.lower() in NUMBER_WORDS and NUMBER_WORDS[word.lower()] not in ev.numbers:
            return "ungrounded_number", word, ""
    times = []  # a time of day: said in the events (in any spelling), or when one was written
    for m in CLOCK.finditer(rest):
        if (said := clock_time(m)) is None:
            continue
        if said not in ev.times:
            return "ungrounded_number", m.group(0).strip(), ""
        times.append(m.span())
    for found in NUMBER.finditer(rest):
        if any(a <= found.start() < b for a, b in times):
            continue
        token = found.group(0)
        value = number_value(token)
        if value is not None and value not in ev.numbers:
            return ("ungrounded_date" if 1900 <= value <= 2099 else "ungrounded_number"), token, ""
    return "", "", rest


def ungrounded_words(text: str, ev: Evidence, *, spare: bool = True) -> tuple[str, list[str]]:
    """('', []) when the names and content words of ``text`` come from the evidence, else
    (reason, the words that do not). Names must all be there; with ``spare``, one content
    word in five may be missing (whose turns a paraphrase rests on), else none may."""
    names, words, initial = names_and_words(text)
    missing_names = [n for n in names if not ev.has_name(n)]
    if missing_names:
        return "ungrounded_name", missing_names
    # a capitalised first word is a name or an ordinary word: either way it must be there
    missing_initial = [w for w in initial if not ev.has_name(w) and not ev.has_word(w)]
    if missing_initial:
        return "ungrounded_name", missing_initial
    missing = [w for w in words if not ev.has_word(w)]
    if len(missing) > (len(words) // 5 if spare else 0):
        return "ungrounded_words", missing
    return "", []


def _about(text: str, subject: str | None, actors: Sequence[str]) -> str | None:
    """The speaker a memory is about: its subject, else the first speaker it names."""
    by_name = {a.lower(): a for a in actors}
    if subject and base_word(subject) in by_name:
        return by_name[base_word(subject)]
    for word in WORD.findall(text):
        if base_word(word) in by_name:
            return by_name[base_word(word)]
    return None


def check_person(text: str, subject: str | None, cited: Sequence[Event], episode: Sequence[Event]) -> str:
    """'' when a memory about one speaker of a conversation rests on what that speaker said
    or was told (their turns, turns naming them, or the other side's "you" to them); else
    the speaker it wrongly describes."""
    actors = list(dict.fromkeys(e.actor for e in episode if e.actor))
    if len(actors) < 2:
        return ""
    named = speakers_named(text, actors)
    if len(named) > 1:
        return ""  # about several speakers: what any of them said may ground it
    person = _about(text, subject, actors)
    if person is None:
        return ""
    low = person.lower()
    theirs = [e for e in cited if e.actor == person or low in e.text.lower()
              or (len(actors) == 2 and any(w.lower() in SECOND_PERSON for w in WORD.findall(e.text)))]
    if not theirs:
        return person
    ev = Evidence.of(theirs)
    ev.tokens |= name_words(actors)  # names are checked elsewhere: here only what is said of the person
    reason, _missing = ungrounded_words(text, ev)
    return person if reason else ""


def _looks_like_file(text: str) -> bool:
    parts = text.strip().strip("`'\".,").split()
    return 0 < len(parts) <= 2 and any(FILE_NAME.match(p.strip("`'\".,:;()")) for p in parts)


def _past_form(word: str) -> bool:
    """Whether ``word`` reads as a verb's past ("Collected", "Wrapped", "put")."""
    low = word.lower()
    return low in SAME_FORM or (len(low) > 4 and low.endswith("ed"))


def _opens_with_deed(word: str, text: str) -> bool:
    """Whether ``word`` is a verb's past that ``text`` opens with ("Collected", "Wrapped")."""
    return _past_form(word) and text.lstrip(" -*").lower().startswith(word.lower() + " ")


TODO_WORDS = 6  # a procedure of one sentence shorter than this is a to-do ("Clean up the shop.")
SPLICED_DEED = re.compile(r"\b(?:and|then|so|but),?\s+([A-Z][a-z]{3,}ed)\b")


def spliced_deed(text: str, cited: Sequence[Event]) -> str:
    """A diary's deed that opens a sentence without saying who did it ("Cheered him up w/ the
    Echo": the writer did) joined to a clause about someone else ("He was annoyed and Cheered
    him up ...": now he did it); the deed, or ''."""
    for m in SPLICED_DEED.finditer(text):
        if any(_opens_with_deed(m.group(1), said) for e in cited for said in sentences(e.text)):
            return m.group(1)
    return ""


# a reply's reaction before what it says: "Sounds right. Check the feeder ..."
REACTION = re.compile(r"^\s*(?:sounds (?:right|good|great|fine)|great|sure|yes|yeah|yep|ok(?:ay)?|absolutely|"
                      r"not really|of course|good (?:idea|call|plan|question)|nice|perfect|exactly|"
                      r"that's (?:right|great|fine))"
                      r"\s*[.!,]\s+", re.I)
IT = re.compile(r"^\s*(it|its)\b", re.I)  # a memory that opens on a thing it does not name
DANGLING = re.compile(r"^\s*(he|she|they|his|her|their|hers|theirs)\b", re.I)  # a memory that opens on one of whom
# words that open a sentence and name nobody: "Once" of "Once the offer comes through, ..."
OPENERS = frozenset("once maybe although though however today tomorrow yesterday anyway otherwise meanwhile "
                    "finally besides instead perhaps soon later".split())
NO_SUBJECT = GLUE | OPENERS  # (STOPWORDS aside): words a subject cannot be made of


CLAUSE_VERBS = frozenset("is are was were has have had will would wants wanted said says".split())


def repair_subject(subject: str | None, text: str, ev: Evidence, speaker: str | None) -> tuple[str | None, str]:
    """(subject to store, '') or (None, why it is bad): a subject is a name or a short noun
    phrase from the events; a bad one is replaced by a speaker or name the text mentions."""
    if subject is None or not subject.strip():
        return subject, ""
    cleaned = clean_text(subject).strip(" .:;,'\"`")
    if cleaned.lower() in FIRST_PERSON | {"user", "the user", "me", "myself"} or (cleaned and is_self(cleaned)):
        return speaker or "the user", ""
    words = WORD.findall(cleaned)
    content = [w for w in words if w.lower() not in STOPWORDS and w.lower() not in NO_SUBJECT]
    bad = ""
    if not words:
        bad = "no words"
    elif not content:  # "Once" of "Once the offer comes through, ...": no name at all
        bad = "no name or noun"
    elif markup_residue(cleaned):
        bad = "markup"
    elif len(words) > 6 or any(w.lower() in CLAUSE_VERBS for w in words[1:]):
        bad = "a sentence"  # (a clause, "Anouk's birthday is 3 June", is no subject to say "she" for)
    elif not [w for w in words if w not in MONTH_NAMES and w not in WEEKDAY_NAMES]:
        bad = "a date"
    elif _looks_like_file(cleaned) and cleaned.lower() not in ev.text.lower():
        bad = "a file name the events are not about"
    elif any(not (ev.has_name(w) or ev.has_word(w)) for w in content):
        bad = "not in the events"
    elif len(words) == 1 and _past_form(cleaned) and \
            (doer := re.match(rf"[\s*-]*((?:\w+\s+){{0,2}}?){re.escape(cleaned)}\s", text, re.I)):
        # "Collected" of "Collected the framed photo ...": a diary's deed has no subject, and
        # is its writer's (or whoever with_doer put in front of it)
        named = doer.group(1).strip()
        return ("the user" if named.lower() == "the user" else named) or speaker or "the user", ""
    if not bad:
        return cleaned, ""
    for actor in ev.actors:  # the person the text is about
        if re.search(rf"\b{re.escape(actor)}\b", text, re.I):
            return actor, ""
    names, _words, initial = names_and_words(text)
    for name in initial + names:
        if ev.has_name(name) and name.lower() not in STOPWORDS and name.lower() not in NO_SUBJECT:
            return base_word(name).capitalize() if name.islower() else name.removesuffix("'s"), ""
    return None, f"{subject!r}: {bad}"


def check(candidate: Candidate, cited: Sequence[Event], episode: Sequence[Event] | None = None,
          *, check_subject: bool = True) -> Verdict:
    """Check one candidate against the events it cites (``episode``: all of the episode's
    events, for who is in the conversation). The verdict's text has first person rewritten."""
    episode = list(episode) if episode is not None else list(cited)
    written = clean_text(candidate.text)  # the words as the model wrote them, before any rewriting
    text = without_stamp(written, episode)
    # a chat reply's reaction is no part of what it says ("Sounds right. Check the feeder ...")
    if len(WORD.findall(said := REACTION.sub("", text, count=1))) >= 3:
        text = said
    verdict = Verdict(text, candidate.subject)
    ev = Evidence.of(cited)
    speakers = name_words(e.actor for e in episode)
    # a speaker of the conversation is a known name; whether the memory is really theirs is
    # check_person's question (a wrong one is "wrong_person", not a new name)
    ev.tokens |= speakers
    if any(0xD800 <= ord(ch) <= 0xDFFF or ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n")
           for ch in candidate.text + (candidate.subject or "")):
        # broken UTF-8 from the model: not text, and it would break every command that prints it
        return _reject(verdict, "garbled", repr(candidate.text[:40]))
    allowed = "\n".join(ev.commands) if candidate.kind == "procedural" else ""
    if candidate.kind == "procedural" and any(e.source == "shell" for e in cited):
        ev.tokens |= COMMAND_VERBS  # a command may be told as "run X" or "type X"
    residue = markup_residue(text, allowed)
    if residue:
        return _reject(verdict, "markup", residue)
    if _looks_like_file(text):
        return _reject(verdict, "file_name", text)
    if len(WORD.findall(text)) < 3:
        return _reject(verdict, "fragment", text)
    # a request retold ("can the assistant help ...?") asserts nothing, nor does a heading
    # whose list was left out ("Here is a guide to get started:")
    if (end := text.rstrip()[-1:]) in ("?", ":") or text.rstrip().endswith(("...", "…")):
        # (and one cut off: "... so you don't end up on the...", copied from a shortened line)
        return _reject(verdict, "question" if end == "?" else "fragment", text[-80:])
    if (asked := re.search(r"[^.!?]*\?(?=\s)", text)) and candidate.kind != "episodic":
        # a question inside ("hedge trimmer - ask Declan? wiper blades ..."): the writer was
        # unsure, or a list's items ran together; either way no fact
        return _reject(verdict, "question", asked.group(0).strip()[-80:])
    speaker: str | None = None
    if has_first_person(text):
        speaker = choose_speaker(text, cited, [e for e in episode if e not in cited])
        text = verdict.text = rewrite_first_person(text, speaker)
    if candidate.kind != "procedural":  # a procedure's bare verb is an instruction, not a deed
        text = verdict.text = with_doer(text, cited)
        if deed := bare_deed(text, cited):  # no one the cited turns give it to ("tolu LOVED it")
            return _reject(verdict, "unclear_person", deed)
    text = verdict.text = login_as_user(text, episode)
    of_user = (candidate.subject or "the user").lower() in ("the user", "user")  # as the model gave it
    if of_user:  # (Ruth's memory's "she" is Ruth)
        text = verdict.text = ungendered_user(text)  # the model's guess at the user's "he" or "she"
    if has_second_person(text) and candidate.kind != "procedural":  # a procedure may say "you"
        addressee = choose_addressee(cited, episode)
        if addressee is None:
            return _reject(verdict, "unclear_person", "you")
        text = verdict.text = rewrite_second_person(text, addressee)
    reason, piece, rest = check_dates_and_numbers(text, ev)
    if reason:
        return _reject(verdict, reason, piece)
    if amount := misplaced_amount(text, cited):
        return _reject(verdict, "misplaced_number", amount)
    if unsure := asked_not_said(text, cited):
        return _reject(verdict, "question", unsure)
    # every content word must come from the events: a small model's one odd word is how it
    # invents ("started a book club" from "book club now meets online")
    reason, missing = ungrounded_words(rest, ev, spare=False)
    if reason:
        return _reject(verdict, reason, ", ".join(missing))
    names, words, initial = names_and_words(rest)
    if not words and rest == text and all(base_word(n) in speakers | {"user"} for n in names + initial):
        # nothing but speakers and relation words ("Caroline likes it"): no fact to keep
        return _reject(verdict, "fragment", "says nothing")
    wronged = check_person(rest, candidate.subject, cited, episode) if candidate.kind != "episodic" else ""
    wronged = wronged or misquoted(rest, cited) or kin_as_self(rest, cited) or self_as_other(rest, cited) \
        or mine_as_theirs(rest, cited) or spliced_deed(rest, cited) or reported_as_own(rest, cited)
    if wronged:
        return _reject(verdict, "wrong_person", wronged)
    reason, found = invented(rest, cited, episode) if candidate.kind != "procedural" else ("", "")
    if found:
        return _reject(verdict, reason, found)
    if found := hedged_as_firm(rest, cited):
        return _reject(verdict, "hedged", found)
    if candidate.kind != "procedural" and (found := suggested_as_own(rest, cited)):
        return _reject(verdict, "wrong_person", f"only the assistant said {found!r}")
    fused = merged_lines(rest, cited) if candidate.kind != "episodic" else ""
    # (on the words as written: "ProFix (Brandon)" run into the next line's "heat pump option")
    fused = fused or next((c.strip() for c in CLAUSE_BREAK.split(written)
                           if candidate.kind != "episodic" and spliced_lines(c, cited)), "")
    if fused:
        return _reject(verdict, "merged", fused)
    if candidate.kind != "procedural" and (copies := copied_lines(written, cited)) >= 3:
        return _reject(verdict, "merged", f"a copy of {copies} lines of a note")
    if candidate.kind != "procedural" and (glued := glued_items(written, cited)):
        return _reject(verdict, "merged", f"items of a list glued together ({glued!r})")
    heads = candidate.kind == "semantic"
    if candidate.kind != "episodic" and (lost := cut_short(written, cited, heads=heads)):
        return _reject(verdict, "cut_short", f"leaves off {lost!r}")
    if candidate.kind == "procedural" and (told := TOLD_OF.match(text)):
        # "The user is planning to make pierogi by ...", "The user is off so the user will go":
        # news of a person, not steps to take
        return _reject(verdict, "no_steps", f"news of {told.group(1)}")
    if candidate.kind == "procedural" and (advice := SUGGESTED.search(text)):
        # "Then consider staying at a hotel near ... so you can walk everywhere": a suggestion
        # to weigh, not steps anyone took or gave
        return _reject(verdict, "no_steps", f"a suggestion ({advice.group(0)})")
    if candidate.kind == "procedural" and not has_steps(text, ev):
        return _reject(verdict, "no_steps", "")
    if candidate.kind == "procedural" and len(sentences(text)) == 1 and len(WORD.findall(text)) < TODO_WORDS:
        return _reject(verdict, "no_steps", "a to-do")  # "Clean up the shop.": a thing to do, no procedure
    if check_subject:
        subject, bad = repair_subject(candidate.subject, text, ev, speaker)
        if bad:
            return _reject(verdict, "bad_subject", bad)
        # lines of a note copied together under one of their names ("mamá") are the writer's
        # when a line among them is not about that one ("sutures out 6pm")
        verdict.subject = "the user" if off_subject_lines(text, subject, cited) else subject
    if (thing := IT.match(text)) is not None:
        # "It is under the blue pot ..." said of "Sam's spare key": the memory must say what
        if not verdict.subject or verdict.subject.lower() in ("the user", "user") \
                or verdict.subject != (candidate.subject or "").strip():
            return _reject(verdict, "unclear_person", thing.group(1))
        owner = thing.group(1).lower() == "its"
        text = verdict.text = (f"{verdict.subject}'s" if owner else verdict.subject) + text[thing.end():]
    if (dangling := DANGLING.match(text)) is not None:
        # "She asked Callum to come ..." from "Kirsty asked if Callum can come ...": whose "she"
        # it is the memory does not say, unless the model named them as its subject (as given,
        # not repaired from the text: "Callum" is not the "she")
        who = (candidate.subject or "").strip()
        if verdict.subject != who or not who or who.lower() in ("the user", "user") \
                or not _a_doer(WORD.findall(who)[0], cited):  # (not "Chartreuse" of "a bottle of Chartreuse")
            return _reject(verdict, "unclear_person", dangling.group(1))
        owner = dangling.group(1).lower() in ("his", "her", "their", "hers", "theirs")
        verdict.text = (f"{who}'s" if owner else who) + text[dangling.end():]
    elif of_user and (whose := unclaimed_pronoun(text)):
        return _reject(verdict, "unclear_person", whose)  # someone else's, told as the user's
    if doer := invented_doer(text, ev):
        return _reject(verdict, "unclear_person", doer)
    verdict.text = dated(verdict.text, cited)
    return verdict


def without_stamp(text: str, events: Sequence[Event]) -> str:
    """``text`` without the time (and speaker) it opens with when that is how the prompt
    showed one of the ``events`` ("06 December 2026 15:33 Sam's spare key ..."): the model
    copied the transcript's line, and the day it was written is no part of the fact."""
    for shape in ("%d %B %Y %H:%M", "%Y-%m-%d %H:%M", "%d %B %Y", "%Y-%m-%d"):  # (the longest first)
        for event in events:
            stamp = from_ts(event.ts_start).strftime(shape)
            if text.startswith(stamp) and len(text) > len(stamp) and not text[len(stamp)].isalnum():
                rest = text[len(stamp):].lstrip(" :-,")
                who = f"{event.actor}:" if event.actor else ""
                rest = rest[len(who):].lstrip() if who and rest.startswith(who) else rest
                return rest[:1].upper() + rest[1:] if rest else text
    return text


def _a_doer(name: str, cited: Sequence[Event]) -> bool:
    """Whether ``name`` speaks in the events or opens a sentence of them ("Pam (nurse) gave me
    a sheet ..."): someone who does things there, not a thing named in passing."""
    return any((e.actor or "").lower() == name.lower() for e in cited) or any(
        re.match(rf"[\W_]*{re.escape(name)}\b", s, re.I) for e in cited for s in sentences(e.text))


def _reject(verdict: Verdict, reason: str, detail: str) -> Verdict:
    verdict.reason, verdict.detail = reason, detail[:200]
    return verdict


# -- an episode's candidates ----------------------------------------------------------------

SUMMARY_FALLBACK = "zero_llm_text"  # meta key: the zero-LLM summary an LLM summary replaced


def screen(candidates: Sequence[Candidate], events: Sequence[Event]) -> tuple[list[Candidate], list[Rejection]]:
    """The candidates of one episode that may be written, and the rejected ones. Only what
    an LLM wrote is checked; an LLM summary that fails is replaced by the zero-LLM one; a
    candidate whose text repeats an earlier one of the episode is dropped."""
    by_id = {e.id: e for e in events if e.id is not None}
    kept: list[Candidate] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    proposed: set[str] = set()  # what the model wrote, before any rewriting
    for candidate in candidates:
        if candidate.origin == "llm":
            said = normalised(candidate.text)
            if said in proposed and candidate.kind != "episodic":
                rejected.append(Rejection(candidate, "duplicate", candidate.text[:80]))
                continue
            proposed.add(said)
            if candidate.kind == "episodic":
                _screen_summary(candidate, events, rejected)
            else:
                cited = [by_id[i] for i in candidate.sources if i in by_id] or list(events)
                verdict = check(candidate, cited, events)
                if verdict.reason in MISCITED:
                    verdict = _cited_elsewhere(candidate, cited, events) or verdict
                if not verdict.ok:
                    rejected.append(Rejection(candidate, verdict.reason, verdict.detail))
                    continue
                candidate.text, candidate.subject = verdict.text, verdict.subject
        key = normalised(candidate.text)
        if key in seen:
            rejected.append(Rejection(candidate, "duplicate", candidate.text[:80]))
            continue
        seen.add(key)
        kept.append(candidate)
    return kept, rejected


# what a wrong citation looks like: the words are in the episode, in another turn
MISCITED = frozenset({"ungrounded_words", "ungrounded_name", "ungrounded_number", "ungrounded_date"})


def _cited_elsewhere(candidate: Candidate, cited: Sequence[Event], events: Sequence[Event]) -> Verdict | None:
    """The verdict for ``candidate`` cited to the one turn of the same speaker that grounds it,
    when the model cited a neighbour ("I'm a colour technologist" cited to the user's next
    question); ``candidate.sources`` then name that turn. None when no such turn does. Only
    the cited speakers' turns: a memory cited to a question is not the reply's advice."""
    speakers = {e.actor for e in cited}
    for event in events:
        if event in cited or event.actor not in speakers or event.id is None:
            continue
        verdict = check(candidate, [event], events)
        if verdict.ok:
            candidate.sources = [event.id]
            return verdict
    return None


def _screen_summary(candidate: Candidate, events: Sequence[Event], rejected: list[Rejection]) -> None:
    """An LLM summary keeps its zero-LLM date prefix; its words are checked against the whole
    episode (it cites every event), and each sentence's people against who said what
    (attribution.py); when it fails, the zero-LLM summary stays."""
    fallback = candidate.meta.pop(SUMMARY_FALLBACK, None)
    prefix, _sep, said = candidate.text.partition(": ")
    probe = Candidate("episodic", said, sources=candidate.sources, origin="llm")
    verdict = check(probe, events, events, check_subject=False)
    for reason, test in (("wrong_person", misattributed), ("scattered", scattered)):
        found = test(verdict.text, events) if verdict.ok else ""
        verdict = _reject(verdict, reason, found) if found else verdict
    if verdict.ok:
        candidate.text = f"{prefix}: {verdict.text}"
        return
    rejected.append(Rejection(Candidate("episodic", candidate.text, sources=list(candidate.sources),
                                        origin="llm", model=candidate.model),
                              verdict.reason, verdict.detail, stage="summary"))
    if fallback:
        candidate.text = fallback
    candidate.origin, candidate.model = "heuristic", ""


def check_merge(text: str, candidate: Candidate, cited: Sequence[Event], known: str) -> Verdict:
    """A reconciler's merged text (an UPDATE or SUPERSEDE) may use the cited events and the
    memory it merges into; nothing else."""
    extra = Event(known, cited[0].ts_start if cited else 0.0, source="note")
    merged = Candidate(candidate.kind, text, subject=candidate.subject, sources=candidate.sources, origin="llm")
    return check(merged, [*cited, extra], cited, check_subject=False)

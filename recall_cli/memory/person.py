"""Who "I" and "you" are in a memory: first and second person rewritten to a name ("I love
my team" -> "Ana loves Ana's team"), and the choice of whose "I" or "you" it is, from the
events a memory cites. The grounding check (grounding.py) stores no bare "I"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..llm.lexicon import IRREGULAR, RELATION
from ..models import Event
from ..search.retrieve import STOPWORDS
from ..search.text import is_self, login_name
from .evidence import (
    ADVERBS,
    FIRST_PERSON,
    GLUE,
    PAST_OR_MODAL,
    SAME_FORM,
    SECOND_PERSON,
    WORD,
    Evidence,
    clean_text,
    quoted_spans,
    stem,
)


def _third_person(verb: str) -> str:
    """The verb after "I" or "you" as it reads after a name: "love" -> "loves", "am" -> "is"."""
    low = verb.lower()
    special = {"am": "is", "are": "is", "were": "was", "have": "has", "do": "does", "don't": "doesn't",
               "haven't": "hasn't", "aren't": "isn't", "weren't": "wasn't", "go": "goes"}
    if low in special:
        return special[low]
    if (low in PAST_OR_MODAL or low in STOPWORDS or low.endswith(("ed", "n't")) or not low.isalpha()
            or low in GLUE and low.endswith("s")):
        return verb
    if low.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if len(low) > 2 and low.endswith("y") and low[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def speaker_name(actor: str | None) -> str:
    """Who "I" is in a memory: the event's speaker, or "the user" for the user's own notes
    and commands (and chat exports' "user" role)."""
    if actor is None or is_self(actor):  # also the local account, which the shell hook and watcher store
        return "the user"
    if actor.lower() == "assistant":
        return "the assistant"
    return actor


def _first_person_table(name: str) -> dict[str, str]:
    possessive, group = f"{name}'s", f"{name} and others"
    return {"i": name, "me": name, "myself": name, "my": possessive, "mine": possessive,
            "i'm": f"{name} is", "i've": f"{name} has", "im": f"{name} is", "ive": f"{name} has",
            "i'd": f"{name} would", "i'll": f"{name} will",
            "we": group, "us": group, "our": possessive, "ours": possessive, "ourselves": group,
            "we're": f"{group} are", "we've": f"{group} have", "we'd": f"{group} would", "we'll": f"{group} will"}


def _second_person_table(name: str) -> dict[str, str]:
    return {"you": name, "your": f"{name}'s", "yours": f"{name}'s", "yourself": name,
            "you're": f"{name} is", "you've": f"{name} has", "you'd": f"{name} would", "you'll": f"{name} will"}


# words a Roman numeral follows: "Euclid's Elements Book I" is no "I" to rewrite
NUMBERED = frozenset("book chapter part volume vol act phase level stage season type class section war appendix "
                     "grade tier category unit module".split())


def _numeral(word: str, previous: str) -> bool:
    """Whether ``word`` is no pronoun though it reads as one: the Roman numeral I after a word
    that takes one ("Book I"), IM (a message) or the name Ive, where "im" and "ive" say I'm, I've."""
    return word == "I" and previous.lower() in NUMBERED or word in {"IM", "Ive", "IVE"}


PARTICIPLES = frozenset("been done gone seen had made taken given known got gotten forgotten written found left told "
                        "bought brought thought sent spent lost kept put heard met paid".split())


def _participle(word: str) -> bool:
    """Whether ``word`` is a past participle after "I'd" ("I'd emptied", "I'd been"), not a
    verb "would" takes ("I'd need", "I'd love")."""
    return word in PARTICIPLES or (word.endswith("ed") and not word.endswith("eed") and len(word) > 4)


SUBJECT_AFTER = frozenset("and but so because that if when while since though then".split())


def _rewrite(text: str, table: dict[str, str], subject_word: str) -> str:
    """``text`` with the words of ``table`` replaced; the verb after ``subject_word`` (I, you)
    takes a name's form ("I love" -> "Ana loves"). "You" is a subject only where a clause
    begins ("... told you it works" keeps "it")."""
    out: list[str] = []
    conjugate = False
    sentence_start = True
    clause = 0  # words since the clause began: "my sister and I go" is a compound subject
    words: list[str] = []
    # (what is quoted is in its sayer's person: "she always says 'I didn't cross the sea for this'")
    quoted, at = quoted_spans(text), 0
    for token in re.split(r"(\s+)", text):
        at += len(token)
        if not token or token.isspace():
            out.append(token)
            continue
        if any(a <= at - len(token) < b for a, b in quoted):
            out.append(token)
            conjugate = sentence_start = False
            words.append(token.lower())
            clause += 1
            continue
        m = re.match(r"^([^\w']*)([\w']+)([^\w']*)$", token.replace("\u2019", "'"))
        if m is None:
            out.append(token)
            sentence_start = token.rstrip().endswith((".", "!", "?"))
            continue
        lead, core, trail = m.groups()
        low = core.lower()
        if _participle(low) and (words[-1:] and words[-1].endswith("'d") or len(words) > 1
                                 and words[-2].endswith("'d") and words[-1] in ADVERBS):
            at = max(i for i, t in enumerate(out) if "would" in t)  # "I'd (already) emptied": had
            out[at] = re.sub(r"\bwould\b", "had", out[at])
        replaced = None if _numeral(core, words[-1] if words else "") else table.get(low)
        if replaced is not None:
            if sentence_start and replaced[:1].islower():
                replaced = replaced[0].upper() + replaced[1:]
            out.append(lead + replaced + trail)
            previous = words[-1] if words else ""
            # "my sister and I go": a compound subject at the start of a clause keeps its
            # plural verb ("... a fan and I love" is a new clause: "Ana loves")
            compound = 1 < clause <= 4 and previous in {"and", "or", "nor"}
            as_subject = low != "you" or clause == 0 or previous in SUBJECT_AFTER
            conjugate = low == subject_word and not trail and not compound and as_subject
        elif conjugate and low in ADVERBS and not trail:
            out.append(token)  # "I really love": the verb is the next word
        else:
            out.append(lead + _third_person(core) + trail if conjugate else token)
            conjugate = False
        sentence_start = bool(trail) and trail.rstrip().endswith((".", "!", "?"))
        words.append(low)
        clause = 0 if trail.rstrip().endswith((".", "!", "?", ",", ";", ":")) else clause + 1
    return "".join(out)


def rewrite_first_person(text: str, name: str) -> str:
    """``text`` with first person replaced by ``name``: "I'm a fan of my team" -> "Ana is a
    fan of Ana's team"; "we" becomes "Ana and others"."""
    return _rewrite(text, _first_person_table(name), "i")


def rewrite_second_person(text: str, name: str) -> str:
    """``text`` with "you" replaced by the person addressed: "you're a great example" ->
    "Ben is a great example"."""
    return _rewrite(text, _second_person_table(name), "you")


def has_second_person(text: str) -> bool:
    """Whether ``text`` says you, your, ... anywhere."""
    return any(w.lower() in SECOND_PERSON for w in re.findall(r"[A-Za-z']+", clean_text(text)))


def choose_addressee(events: Sequence[Event], episode: Sequence[Event]) -> str | None:
    """Whom "you" means: in a two-person conversation, the other speaker of the event that
    says "you"; in the user's own notes, the user; None when it cannot be told."""
    saying = [e for e in events if has_second_person(e.text)] or list(events)
    if not saying:
        return None
    speaker = saying[0].actor
    if not speaker:
        return "the user"
    others = list(dict.fromkeys(e.actor for e in episode if e.actor and e.actor != speaker))
    return speaker_name(others[0]) if len(others) == 1 else None


def has_first_person(text: str) -> bool:
    """Whether ``text`` says I, me, my, we, ... anywhere (not "Book I")."""
    said = re.findall(r"[A-Za-z']+", clean_text(text))
    return any(w.lower() in FIRST_PERSON and not (k and _numeral(w, said[k - 1])) for k, w in enumerate(said))


def choose_speaker(text: str, events: Sequence[Event], others: Sequence[Event] = ()) -> str:
    """Whose "I" this is: of the cited events that speak in the first person, the one that
    says the text's "I <verb>" ("I ask"), then whose words the text shares most (the first
    cited, on a tie); an uncited turn (``others``) that says more of its "I <verb>" is the one
    it repeats ("Always confirm time zones when I ask ...", cited through the reply to it)."""
    words = {stem(w) for w in WORD.findall(text)} - {stem(w) for w in GLUE | STOPWORDS}
    said = re.findall(r"[A-Za-z']+", clean_text(text).lower())
    phrases = {f"{a} {b}" for a, b in zip(said, said[1:], strict=False) if a in FIRST_PERSON}

    def shared(event: Event) -> tuple[int, int]:
        low = " ".join(re.findall(r"[A-Za-z']+", clean_text(event.text).lower()))
        return sum(p in low for p in phrases), len(words & {stem(w) for w in WORD.findall(event.text)})

    speaking = [e for e in events if has_first_person(e.text)] or list(events)
    if not speaking:
        return "the user"
    best = max(speaking, key=shared)
    other = max((e for e in others if has_first_person(e.text)), key=shared, default=None)
    return speaker_name((other if other is not None and shared(other)[0] > shared(best)[0] else best).actor)


def _past(word: str) -> bool:
    """Whether ``word`` reads as a past deed: "ordered", "bought", "put"."""
    return word.endswith("ed") or word in IRREGULAR or word in SAME_FORM


# a doing told with no one doing it: "Also getting her a card from all of us" (not "Painting the shed took ages")
GOING_ON = re.compile(r"^\W*(?:also|still|just|now)\s+([a-z]+ing)\b", re.I)


def bare_deed(text: str, cited: Sequence[Event]) -> str:
    """The past deed ``text`` opens with, no one before it ("ordered a Lamy pen", "Loved it."),
    or the doing ("Also getting her a card"), or '' (a noun: "flowers got there"; a name the
    cited turns write mid-sentence: "Ahmed")."""
    if going := GOING_ON.match(text):
        return going.group(1).lower()
    first = re.match(r"[A-Za-z][a-z']+\b", text)
    if first is None:
        return ""
    word = first.group(0)
    low = word.lower()
    if not (_past(low) if word[0].islower() else
            low in IRREGULAR or low in SAME_FORM or (low.endswith("ed") and len(low) > 4 and not low.endswith("eed"))):
        return ""
    if word[0].isupper() and any(re.search(rf"[^.!?\s-]\s+{word}\b", e.text) for e in cited):
        return ""  # a name, not a deed
    return low


def with_doer(text: str, cited: Sequence[Event]) -> str:
    """``text`` that opens with a bare verb ("ordered a Lamy pen for her birthday") with whoever
    did it in front: the name before that verb in the cited turn ("Marco moved into ..."), or
    its writer when the turn opens with it too ("Ordered Anna's gift" in the user's note)."""
    verb = bare_deed(text, cited)
    if not verb or not text.lower().startswith(verb):
        return text  # "flowers got there, she sent a photo": a noun opens it, not a deed (nor a doer's past)
    told = verb + text[len(verb):]  # ("Loved it." -> "Tolu loved it.")
    for event in cited:
        for m in re.finditer(rf"(?:^|(?<=[.!?;]\s)|(?<=\n))[\s*•-]*{verb}\b|\b([A-Z][\w'-]*)\s+{verb}\b", event.text,
                             re.I):
            name = m.group(1) or ""
            if not name or name.lower() in {"i", "we"}:
                doer = speaker_name(event.actor)  # the turn's own writer
            elif name.lower() in STOPWORDS or not name[0].isupper():
                continue
            else:
                doer = name
            return f"{doer[0].upper()}{doer[1:]} {told}"
    return text


# what may follow a possessive "her" ("her sister"): not a word that ends a clause or starts another
_NOT_OWNED = frozenset("and or but to for with at in on of by from as than that so if when while because the a an "
                       "about after before".split())
_USER_PRONOUNS = {"he": "the user", "she": "the user", "him": "the user", "his": "the user's",
                  "hers": "the user's", "himself": "the user", "herself": "the user"}
# someone else a later pronoun may stand for: a name, or a relation ("her sister ... she")
_PERSON_WORDS = frozenset(RELATION) | frozenset("partner friend boss colleague neighbour neighbor teacher doctor "
                                                 "coach client manager".split())


def ungendered_user(text: str) -> str:
    """``text`` with "he"/"she" of the user named as the user: nothing the user wrote says
    which they are, so "The user is planning a speech at her sister's wedding" becomes "...
    at the user's sister's wedding". Only a pronoun with no one else named between it and
    "the user" is theirs."""
    if "the user" not in text.lower():
        return text
    out: list[str] = []
    theirs = False  # whether a pronoun here would stand for the user
    tokens = re.split(r"(\W+)", text)
    for i, token in enumerate(tokens):
        low = token.lower()
        if low == "user" and i >= 2 and tokens[i - 2].lower() == "the":
            theirs = True
        elif token[:1].isupper() and i > 0 and not re.search(r"[.!?]\s*$", "".join(tokens[:i])) \
                or low in _PERSON_WORDS:
            theirs = False  # a name or a relation: a later "she" may be theirs
        elif theirs and low in _USER_PRONOUNS | {"her": ""}:
            following = next((t for t in tokens[i + 1:] if t.strip()), "")
            if low == "her":
                owned = bool(re.fullmatch(r"[A-Za-z][\w'-]*", following)) and following.lower() not in _NOT_OWNED
                token = "the user's" if owned else "the user"
            else:
                token = _USER_PRONOUNS[low]
        out.append(token)
    return "".join(out)


def login_as_user(text: str, events: Sequence[Event]) -> str:
    """``text`` with the local account's name ("root", "alex": the speaker the shell hook and
    the watcher store) said as "the user": a login is no name the user goes by."""
    login = login_name()
    if not login or not any((e.actor or "").lower() == login for e in events):
        return text
    text = re.sub(rf"(?<![\w'-]){re.escape(login)}(?:'s)?(?![\w-])",
                  lambda m: "the user's" if m.group(0).endswith("'s") else "the user", text, flags=re.I)
    return text[:1].upper() + text[1:] if text.startswith("the user") else text


_THIRD_PERSON = frozenset(_USER_PRONOUNS) | {"her"}


def unclaimed_pronoun(text: str) -> str:
    """The first "she", "her", "he" or "his" of ``text`` that nothing before it in the text
    could stand for (no capital word but a stopword, no relation, not the user), or ''. In a
    memory of the user it is someone else's: "screenshots her own list", copied from notes
    listed under "P3 (f, 41)"."""
    for i, token in enumerate(tokens := re.split(r"(\W+)", text)):
        if token.lower() in _THIRD_PERSON:
            # ("Screenshots her list" passes: an opening capital may be a name, as "Yuki" is)
            named = any(t.lower() in _PERSON_WORDS or t.lower() == "user"
                        or (t[:1].isupper() and t.lower() not in STOPWORDS) for t in tokens[:i])
            return "" if named else token
    return ""


_DOER = re.compile(r"\b(?:the|a|an)\s+([a-z]{2,}(?:er|or))\s+(?:did|does|was|is|has|had|went|got|[a-z]+ed)\b",
                   re.IGNORECASE)


def invented_doer(text: str, ev: Evidence) -> str:
    """A doer the model made of a deed ("The driver did not drive at all", from "pedal to the
    floor, no drive at all"): "the X-er" acts in ``text`` but the cited events (``ev``) hold
    no such word, only the verb it comes from. Such a person is no one the notes name. ''
    when none."""
    for found in _DOER.finditer(text):
        word = found.group(1).lower()
        if word not in ev.tokens and f"{word}s" not in ev.tokens and stem(word) in ev.stems:
            return found.group(0)
    return ""

"""Whom an episode summary's sentences describe, checked against who said what.

A model summarising a conversation mixes its two people up ("Melanie was inspired by a support
group she attended" when Caroline went). The grounding check takes a summary's words from
the whole episode, so such sentences pass it. This check reads each sentence:

- a sentence about one speaker (it names only them, or continues with "she"/"he" after one
  that did) must take its content words from that speaker's own news (not questions, not
  what they say of the one they talk to) or what others say of them (support.ownership: the
  grammar of conversation), not from what others say of themselves; only a sentence that
  reports what they said to the other ("Jon congratulates Gina on ...") may use that;
- a sentence that gives two speakers one "their ..." ("Caroline and Melanie discussed their
  plans for adopting", "... a picture of their family") needs each of them to have said
  "my" or "our" of it: a model writes "their" for what is one person's as readily as for
  what both share, and the reader cannot tell which. In a chat of two, "They ..." names both;
- a clause that reports speech ("Nate asked Joanna what made her get that figure", "Joanna
  replied that ...") must take its words from what the named speaker says in the turns the
  memory cites: a small model swaps who asked and who answered;
- a sentence whose subject is both people ("Nate and Joanna are baking cupcakes", "They ...")
  and whose verb is not one of talking ("talked about", "discussed") tells of something both
  did: each must own its words, by saying them, being told them, or the other's "we"/"our";
- a clause of a summary tells of one moment of the conversation: its words come from a few
  neighbouring turns (``LOCAL_TURNS``), not from turns far apart ("John shared photos from
  his workout and b-ball games with his family" joins what the conversation kept apart).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..llm.lexicon import IRREGULAR
from ..llm.support import ownership, sentences, stem
from ..models import Event, Hit
from ..search.retrieve import STOPWORDS
from ..search.text import is_assistant, is_self
from .evidence import SAME_FORM, WORD, Evidence, base_word, name_words, speakers_named

CONTINUES = frozenset({"she", "he", "her", "his"})
BOTH = frozenset({"they", "both"})  # in a summary of two people's chat, a sentence opening so names both
SHARED = re.compile(r"\btheir\s+(\w+)", re.I)
JOINT_TALK = frozenset("talked talk talks discussed discuss discusses chatted chat chats caught catch "
                       "exchanged exchange agreed agree spoke speak reminisced".split())
REPLY = (r"congratulat\w*|encourag\w*|prais\w*|thank\w*|support\w*|reassur\w*|compliment\w*|admir\w*|"
         r"cheer\w*|urg\w*|advis\w*|wish\w*|invit\w*|offer\w*|comfort\w*|agree\w*|recommend\w*")
CLAUSE_BREAK = re.compile(r"[.;!?,:]|\b(?:and|which|while|who|whom|but|because|although|though|whereas|after|"
                          r"before|then)\b", re.I)
RELATION = re.compile(r",?\s*\bwhich\s+(?:has\s+|have\s+|had\s+|also\s+)?(?:made|makes|led|leads|caused|causes|"
                      r"resulted|results|helped|helps|allowed|allows|gave|gives|meant|means|brought|brings|"
                      r"inspired|inspires|motivated|motivates|kept|keeps)\b|\b(?:while|because|so that|thanks to|"
                      r"leading to|resulting in|as a result|due to|(?:after|before)(?=\s+\w+ing\b))\b", re.I)
# the words a turn states a relation with, by the kind of relation a summary draws: a turn that
# holds both facts but says neither "because" nor "after" ("came over for dinner, walked through
# the run sheet") leaves their order and cause unsaid
STATES_CAUSE = re.compile(r"\b(?:because|cause|since|so|thanks|due|therefore|why|reason|led|leads?|result(?:s|ed)?|"
                          r"made|makes?|caused?|causes|help(?:s|ed)?|allow(?:s|ed)?|let|gave|gives?|meant|means?|"
                          r"brought|brings?|inspir\w*|motivat\w*|kept|keeps?|keep)\b|->|→", re.I)
STATES_ORDER = re.compile(r"\b(?:after|afterwards?|before|then|later|earlier|first|once|when|following|prior|until|"
                          r"till|since|while|during)\b|->|→|>", re.I)
LOCAL_TURNS = 4  # a clause's words lie within this many consecutive turns
WE = re.compile(r"\b(?:we|our|ours|us|we're|we've|we'll)\b", re.I)
SPEECH = ("asked|asks|replied|replies|said|says|told|tells|shared|shares|mentioned|mentions|explained|"
          "explains|suggested|suggests|responded|responds|answered|answers|added|adds|expressed|expresses")


def _hits(episode: Sequence[Event]) -> list[Hit]:
    return [Hit(owner="event", id=e.id or 0, score=1.0, ts=e.ts_start, text=e.text, source=e.source, actor=e.actor)
            for e in episode]


def _owned(person: str, hits: Sequence[Hit], actors: list[str], *, jointly: bool = False,
           to_others: bool = False) -> Evidence:
    """What is said of ``person`` in the episode, as evidence (speakers' names included);
    ``jointly``: with the other speakers' "we"/"our" sentences, for something done together;
    ``to_others``: with what they say to or of the others ("congratulates her on ...")."""
    said: list[Event] = []
    for hit in hits:
        if hit.actor != person and is_assistant(hit.actor):
            continue  # an assistant's "you might enjoy ..." is advice, not news of the user
        if hit.actor == person and to_others:
            kept = sentences(hit.text)  # what they said, asked or told the other: all of their words
        else:  # for the speaker: their own news, not what they say of the one they talk to
            owned = ownership(hit, person, actors)
            kept = owned.person + owned.neutral
            if jointly and hit.actor != person:
                kept += [s for s in sentences(hit.text) if WE.search(s) and not s.rstrip().endswith("?")]
        said.extend(Event(s, hit.ts, actor=hit.actor) for s in kept)
    ev = Evidence.of(said)
    ev.tokens |= name_words(actors)
    return ev


def _says_own(person: str, noun: str, episode: Sequence[Event]) -> bool:
    """Whether ``person`` calls ``noun`` theirs ("my family", "our kids")."""
    pattern = re.compile(rf"\b(?:my|our)\s+(?:\w+\s+)?{re.escape(noun)}\b", re.I)
    return any(e.actor == person and pattern.search(e.text) for e in episode)


def misattributed(text: str, episode: Sequence[Event]) -> str:
    """'' when every sentence of the summary ``text`` describes its people by what they
    said or were told; else the first wrongly described person."""
    from .grounding import ungrounded_words

    actors = list(dict.fromkeys(e.actor for e in episode if e.actor))
    if len(actors) < 2:
        return ""
    hits = _hits(episode)
    evidence: dict[tuple[str, bool], Evidence] = {}
    person: str | None = None
    roles = _roles(episode)
    turns = [(e.actor, _runs(e.text)) for e in episode]  # for _borrowed: each turn read once
    for sentence in sentences(text):
        named = speakers_named(sentence, actors) or [
            actor for role, actor in roles.items() if re.search(rf"\bthe {re.escape(role)}\b", sentence, re.I)]
        first = WORD.findall(sentence)[:1]
        if not named and len(actors) == 2 and first and first[0].lower() in BOTH:
            named = actors
        if len(named) >= 2:
            person = None
            for noun in (m.group(1).lower() for m in SHARED.finditer(sentence)):
                for actor in named:
                    if not _says_own(actor, noun, episode):
                        return actor
            joint = _joint_verb(sentence, named)
            if joint and joint not in JOINT_TALK:
                # what they did is checked, not the verb that says it ("remembered", "enjoyed")
                deed = re.sub(rf"\b{re.escape(joint)}\b", " ", sentence, count=1, flags=re.I)
                for actor in named:
                    reason, _missing = ungrounded_words(deed, _owned(actor, hits, actors, jointly=True))
                    if reason:
                        return actor
            continue
        if len(named) == 1:
            person = named[0]
        elif not (person and first and first[0].lower() in CONTINUES):
            person = None
            continue
        assert person is not None
        # "Jon congratulates Gina on the internship" rests on what Jon said to her; "Jon is
        # excited about his new internship" on Jon's own news only
        called = "|".join(re.escape(n) for n in [person, *(r for r, a in roles.items() if a == person)])
        replies = re.search(rf"\b(?:{called}|she|he)\s+(?:also\s+|then\s+)?(?:{SPEECH}|{REPLY})",
                            sentence, re.I) is not None
        key = (person, replies)
        if key not in evidence:
            evidence[key] = _owned(person, hits, actors, to_others=replies)
        reason, _missing = ungrounded_words(sentence, evidence[key])
        if reason or _borrowed(sentence, person, turns):
            return person
    return ""


COPIED_RUNS = 2  # word triples a sentence may take from others' turns before it is theirs


def _stems(text: str) -> list[str]:
    """The text's content words (not stopwords, three letters or more) as stems, in order."""
    return [stem(w) for w in WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 2]


def _runs(text: str) -> set[tuple[str, ...]]:
    """The text's runs of three content words (as stems), in order."""
    seq = _stems(text)
    return {tuple(seq[i:i + 3]) for i in range(len(seq) - 2)}


def _borrowed(sentence: str, person: str, turns: Sequence[tuple[str | None, set[tuple[str, ...]]]]) -> bool:
    """Whether a sentence about ``person`` repeats phrases only others said (``turns``: each
    turn's speaker and ``_runs``): "The user created a structured plan to meet their deadline"
    copies the assistant's "creating a structured plan to ensure you meet your deadline",
    word for word, and makes it theirs."""
    runs = _runs(sentence)
    if len(runs) < COPIED_RUNS:
        return False
    own: set[tuple[str, ...]] = set()
    others: set[tuple[str, ...]] = set()
    for actor, said in turns:
        (own if actor == person else others).update(said)
    return len((runs & others) - own) >= COPIED_RUNS


ROLE = re.compile(r"\bI(?:'m| am) an? (\w+)", re.I)  # "I am a therapist": "the therapist" is the speaker


def _roles(episode: Sequence[Event]) -> dict[str, str]:
    """What the speakers say they are ("I am a therapist" -> {"therapist": "user"}), so a
    summary's "The therapist suggests ..." is read as about them."""
    out: dict[str, str] = {}
    for event in episode:
        if event.actor and not is_assistant(event.actor):
            for m in ROLE.finditer(event.text):
                if m.group(1).lower() not in STOPWORDS:
                    out.setdefault(m.group(1).lower(), event.actor)
    return out


def _joint_verb(sentence: str, named: Sequence[str]) -> str:
    """The verb after a subject that is both people ("Nate and Joanna are baking" -> "baking",
    "They discussed" -> "discussed"); '' when the sentence does not open with them."""
    names = "|".join(re.escape(n) for n in named)
    subject = re.match(rf"\s*(?:(?:{names})\s+and\s+(?:{names})|they|both)\s+(?:both\s+)?"
                       rf"(?:(?:are|were|have|had|will|would|also|then)\s+)*(\w+)", sentence, re.I)
    return subject.group(1).lower() if subject else ""


def misquoted(text: str, cited: Sequence[Event]) -> str:
    """'' when every "<speaker> asked/replied/said/shared ..." clause of ``text`` takes its
    words from what that speaker says in ``cited``; else the first speaker misquoted."""
    from .grounding import ungrounded_words

    actors = list(dict.fromkeys(e.actor for e in cited if e.actor))
    if len(actors) < 2:
        return ""
    names = "|".join(re.escape(a) for a in actors)
    clause = re.compile(rf"\b({names})\s+(?:also\s+|then\s+)?(?:{SPEECH})\b(.*?)"
                        rf"(?=[.!?;]|\b(?:and|but|while)\s+(?:{names}|she|he|they)\b|$)", re.I | re.S)
    by_name = {a.lower(): a for a in actors}
    for match in clause.finditer(text):
        person = by_name[match.group(1).lower()]
        said = Evidence.of([e for e in cited if e.actor == person])
        said.tokens |= name_words(actors)
        reason, _missing = ungrounded_words(match.group(2), said)
        if reason:
            return person
    return ""


# "the coach (Fergal) said he can come as assistant manager": the "he" may be someone else
REPORTED = re.compile(r"\b(?P<who>[A-Z][a-z]+)\)?\s+(?:said|says|told (?:me|us|him|her)|reckons|thinks)\s+"
                      r"(?:that\s+)?(?:he|she|they)(?:'(?:d|ll|s))?\s+(?P<rest>[a-z]+(?:\s+[a-z]+)?)")


def reported_as_own(text: str, cited: Sequence[Event]) -> str:
    """The reported speech ``text`` turns into the reporter's own deed ("Fergal can come as
    assistant manager" from "the coach (Fergal) said he can come ..."), else ''. Whom the
    reported "he" means the words do not say; a memory that keeps "said" keeps that open."""
    for event in cited:
        for m in REPORTED.finditer(event.text or ""):
            deed = r"\s+".join(map(re.escape, m["rest"].split()))
            if re.search(rf"\b{re.escape(m['who'])}\s+(?:\w+\s+){{0,2}}?{deed}\b", text) \
                    and not re.search(rf"\b{re.escape(m['who'])}\)?\s+(?:said|says|told|reckons|thinks)\b", text):
                return m.group(0)
    return ""


# a sentence about one of the speaker's people: "My son Leo is 7 and has a peanut allergy"
KIN_FIRST = re.compile(r"^\W*(?:(?:so|and|but|also)\s+)?my\s+"  # ("my younger sister yuki")
                       r"(?:(?:younger|older|elder|little|big|baby|eldest|youngest|oldest|twin|best)\s+)?"
                       r"(?:son|daughter|wife|husband|partner|mum|mom|mother|dad|father|sister|brother|kids?|child|"
                       r"children|friend|boss|colleague|grand\w+|girlfriend|boyfriend|fianc\w+|flatmate|roommate|"
                       r"housemate|neighbou?r|aunt|uncle|cousin|niece|nephew|manager|step\w+|in-laws?)\b", re.I)
SELF_FIRST = re.compile(r"^\W*(?:(?i:the user)|I)\b")
IS_A = re.compile(r"^\W*(?:the user|I)\s+(?:is|was|am|'m)\s+(?:a|an)\b", re.I)
RELATIVE_CLAUSE = re.compile(r",?\s+who\s+")  # "The user is a meat and potatoes guy who cooks ..."
JOINED_CLAUSE = re.compile(r",?\s+(?:and|but)\s+(?=my\s)|;\s+(?=my\s)", re.I)  # "..., and my wife Joan does ..."


def kin_as_self(text: str, cited: Sequence[Event]) -> str:
    """'' unless a sentence of ``text`` gives the user what the cited turn says of one of
    their people ("The user has a severe peanut allergy" from "My son Leo is 7 and has a
    severe peanut allergy"); then that turn's sentence."""
    # "The user is a meat and potatoes guy who cooks ...": the one who cooks is the user ("the
    # user has a son who ..." is not split: the son is)
    pieces = [p for s in sentences(text) if SELF_FIRST.match(s)
              for p in [s, *(f"The user {c}" for c in (RELATIVE_CLAUSE.split(s)[1:] if IS_A.match(s) else []))]]
    for sentence in pieces:
        said = _content(sentence) - {"user"}
        best, source, owner = 0, "", ""
        for event in cited:
            # a clause counts apart ("I'm a potatoes guy and my wife Joan does the cooking": Joan's);
            # "she did work experience" after "my daughter tolu is applying" is the daughter's
            last_kin = ""
            for line in (c for s in sentences(event.text) for c in [*JOINED_CLAUSE.split(s)[1:], s]):
                last_kin = line if KIN_FIRST.match(line) else "" if OWN_FIRST.match(line) else last_kin
                shared = len(said & _content(line))
                if shared > best:
                    best, source, owner = shared, line, (last_kin if OTHER_FIRST.match(line) else "") or line
        kin = KIN_FIRST.match(owner)
        if best < 2 or kin is None:
            continue
        first = re.split(r"[,;.]", owner, maxsplit=1)[0]
        # "My sister and I went": both; "The user has a son, Leo, who ...": about the son
        named = re.findall(r"\b[A-Z]\w+", owner[kin.end():])[:1] or \
            [w for w in WORD.findall(owner[kin.end():])[:1] if w.lower() not in STOPWORDS]  # "My son Leo"
        whom = {kin.group(0).split()[-1].lower(), *(w.lower() for w in named)}
        # together only when "and I" joins the kin itself ("My sister and I went"), not a new
        # clause ("my girlfriend Mei is visiting ... and I want to cook")
        joint = re.match(r"\s*(?:[A-Z]\w+\s+)?and (?:I|me)\b", owner[kin.end():]) or re.search(r"\bwe\b", first, re.I)
        if not joint and not whom & _words_of(sentence):
            return source[:120]
    return ""


OTHER_FIRST = re.compile(r"^\W*(?:he|she|they)\b", re.I)
OWN_FIRST = re.compile(r"^\W*(?:I|I'\w+|my|we|our)\b", re.I)
SKIPPED = frozenset("also then just finally already still will would has had have is was were did".split())


def _deed_word(word: str) -> bool:
    low = word.lower()
    return low in SAME_FORM or (low not in _NOT_DEEDS and _is_past(low))


def _own_line(line: str) -> bool:
    """A writer's sentence about themselves: "I changed ...", "My phone ...", or a diary's
    subjectless deed ("Changed it in my phone", "Ordered new compression socks")."""
    if OWN_FIRST.match(line):
        return True
    words = WORD.findall(line)
    return bool(words) and _deed_word(words[0])


def _begins_with(line: str, verb: str) -> bool:
    """Whether a note's line starts with the deed itself, no one before it ("still owe ...")."""
    words = [w for w in WORD.findall(line) if w.lower() not in SKIPPED]
    return bool(words) and stem(words[0].lower()) == stem(verb.lower())


OPENERS = frozenset("today yesterday tomorrow tonight now then first last next new long short back after before "
                    "when while once still also just quick big small good bad great".split())


def _deeds_of(sentence: str) -> list[str]:
    """The verbs of a memory sentence's clauses, after its subject: "Aisha applied for a job
    and ordered new socks" -> applied, ordered."""
    verbs = []
    for n, clause in enumerate(re.split(r",?\s+(?:and|then)\s+", sentence)):
        words = [w for w in WORD.findall(clause) if w.lower() not in SKIPPED]
        if n == 0 or (words and words[0][0].isupper()):
            words = words[1:]  # the subject ("Aisha", "He")
        if words and (_deed_word(words[0]) or (n and words[0].endswith("ing"))):  # "... and thinking about"
            verbs.append(words[0])
    return verbs


def self_as_other(text: str, cited: Sequence[Event]) -> str:
    """'' unless a sentence of ``text`` gives another person what the user wrote of
    themselves; then the note's sentence. A deed the user's notes tell only without a subject
    or in the first person is the user's: "He changed it in his phone" from "Dad has a new
    mobile ... Changed it in my phone", "Aisha applied for a job and ordered new socks" from
    "Aisha has applied for a job ... Ordered new compression socks". Only the user's notes and
    turns count."""
    own = [e for e in cited if is_self(e.actor)]
    if not own:
        return ""
    said = {base_word(w) for e in own for w in WORD.findall(e.text)}
    lines = [line for e in own for line in sentences(e.text)]
    for sentence in sentences(text):
        first = (WORD.findall(sentence) or [""])[0]
        # who it says did it: he or she, or a capitalised word of the notes that is no verb
        # and no sentence opener ("Aisha", not "The" or "Ordered")
        other = bool(OTHER_FIRST.match(sentence)) or (first[:1].isupper() and base_word(first) in said
                                                      and base_word(first) not in STOPWORDS
                                                      and base_word(first) not in OPENERS and not _deed_word(first))
        if not other or re.search(r"\bthe user\b(?!['\u2019]s)|\bI\b", sentence, re.I):
            continue
        # (and the verb after the subject, any tense: "Teresa still owes" of "- still owe graça my half")
        after, deeds = [w for w in WORD.findall(sentence)[1:] if w.lower() not in SKIPPED][:1], _deeds_of(sentence)
        for verb in dict.fromkeys([*deeds, *(w for w in after if w.islower() and w not in STOPWORDS)]):
            telling = [line for line in lines if stem(verb.lower()) in {stem(w.lower()) for w in WORD.findall(line)}]
            if telling and all(_begins_with(line, verb) or (verb in deeds and _own_line(line)) for line in telling):
                return telling[0][:120]
    return ""


# "her strings", and "Karim's cabanon" of the note's "my cabanon"
THEIRS = re.compile(r"\b(?:(?i:his|her|their)|[A-Z][a-z]+['\u2019]s)\s+(?:(\w+)\s+)?(\w+)")
MINE = re.compile(r"\b(?:my|our)\s+(?:(\w+)\s+)?(\w+)", re.I)
OTHERS_OWN = re.compile(r"\b(?:his|her|their|[A-Z]\w+'s)\s+(?:(\w+)\s+)?(\w+)")


def mine_as_theirs(text: str, cited: Sequence[Event]) -> str:
    """'' unless ``text`` gives another person a thing the user's own words call theirs: "her
    strings are dead" from the user's note "she says my strings are dead"; then the note's
    words. A sentence that names the user may mean the user by "her", so it is left alone."""
    own = [e for e in cited if is_self(e.actor)]
    if not own:
        return ""
    mine = {stem(w.lower()): m.group(0) for e in own for m in MINE.finditer(e.text) for w in m.groups() if w}
    others = {stem(w.lower()) for e in cited for m in OTHERS_OWN.finditer(e.text) for w in m.groups() if w}
    for sentence in sentences(text):
        if re.search(r"\bthe user\b", sentence, re.I):
            continue
        for m in THEIRS.finditer(sentence):
            for word in (w for w in m.groups() if w):
                key = stem(word.lower())
                if key in mine and key not in others and word.lower() not in STOPWORDS:
                    return mine[key]
    return ""


GOES_ON = re.compile(r"\b(?:it|its|they|them|their|he|him|his|she|her|this|that|these|those)\b", re.I)


def merged_lines(text: str, cited: Sequence[Event]) -> str:
    """'' unless a clause of ``text`` joins the words of different lines or sentences of the
    cited events into one claim; then that clause. A small model fuses neighbouring lines of a
    note: "HMRC is clawing back tax code from the new gate code at allotment" from "new gate
    code at allotment from today" and "payslip - tax code changed?? ... HMRC clawing something
    back". A conversation's turn counts as one. Words no line holds are the content-word
    check's to judge, not this one's."""
    from .grounding import names_and_words

    # a note's lines and sentences are its facts; a turn of a conversation is told as a whole;
    # a sentence saying "it" or "they" goes on from the last ("New number 086 ...", "Changed it")
    units: list[set[str]] = []
    for e in cited:
        said = sentences(e.text) if e.source in ("note", "file") else [e.text]
        for n, unit in enumerate(said):
            units.append(_content(unit) | (_content(said[n - 1]) if n and GOES_ON.search(unit) else set()))
    for clause in CLAUSE_BREAK.split(text):
        _names, words, _initial = names_and_words(clause)
        claimed = {stem(w.lower()) for w in words} - {"user"}
        claimed = {w for w in claimed if any(w in unit for unit in units)}
        if len(claimed) >= 2 and not any(claimed <= unit for unit in units) and not _copied(clause, cited):
            return clause.strip()
    return ""


_POINTING = frozenset("he she him her his hers they them their it its".split())


def off_subject_lines(text: str, subject: str | None, cited: Sequence[Event]) -> str:
    """The first line of a cited note that ``text`` copies from but that neither names
    ``subject`` nor points at anyone, when it copies from two lines or more ("sutures out
    6pm" joined to "called her 7am" under the subject "mamá": the sutures were the
    writer's), else ''."""
    own = {w.lower() for w in WORD.findall(subject or "")} - STOPWORDS
    if not own or own <= {"user"}:
        return ""
    said = " " + " ".join(w.lower() for w in WORD.findall(text)) + " "
    copied = [line for e in cited if e.source in ("note", "file") for line in (e.text or "").splitlines()
              if any(len(WORD.findall(part)) >= 3 and f" {' '.join(w.lower() for w in WORD.findall(part))} " in said
                     for part in sentences(line))]
    if len(copied) < 2:
        return ""
    return next((line.strip() for line in copied if not (_words_of(line) & (own | _POINTING))), "")


def _copied(clause: str, cited: Sequence[Event]) -> bool:
    """Whether ``clause`` copies the events' words in their order, across a line's end ("wants a
    runbook + proper fix - chatgpt confirmed ..." from two lines of a log): joined, not fused."""
    said = " ".join(w.lower() for w in WORD.findall(clause))
    return bool(said) and any(said in " ".join(w.lower() for w in WORD.findall(e.text)) for e in cited)


def _words_of(text: str) -> set[str]:
    return {w.lower().removesuffix("'s") for w in WORD.findall(text)}


def _content(text: str) -> set[str]:
    return set(_stems(text))


def _places(clause: str, turns: Sequence[Evidence], speakers: set[str]) -> list[set[int]]:
    """For each content word of ``clause``: the turns that hold it. Speakers' names, words in
    half the turns or more (the conversation's topic, "photo"; of two or three turns, words in
    two) and words in no turn are left out."""
    from .grounding import names_and_words

    names, words, initial = names_and_words(clause)
    places: list[set[int]] = []
    for word in dict.fromkeys(names + words + initial):
        if base_word(word) in speakers:
            continue
        where = {i for i, ev in enumerate(turns) if ev.has_word(word) or ev.has_name(word)}
        if where and len(where) < max(len(turns) / 2, 2):  # of two turns, a word in one is no topic
            places.append(where)
    return places


def scattered(text: str, episode: Sequence[Event]) -> str:
    """'' when each clause of the summary ``text`` takes its words from a few neighbouring
    turns of ``episode``; else the first clause whose words lie far apart."""
    turns = [Evidence.of([e]) for e in episode]
    if len(turns) <= LOCAL_TURNS:
        return ""
    speakers = name_words(e.actor for e in episode)
    for clause in CLAUSE_BREAK.split(text):
        places = _places(clause, turns, speakers)
        if len(places) < 2:
            continue
        spare = 1 if len(places) >= 5 else 0  # one word in five may come from elsewhere
        if not any(sum(1 for where in places if not any(a <= i < a + LOCAL_TURNS for i in where)) <= spare
                   for a in range(len(turns) - LOCAL_TURNS + 1)):
            return clause.strip()
    return ""


def unstated_relation(text: str, episode: Sequence[Event]) -> str:
    """'' when each relation the summary ``text`` draws between two facts ("..., which led to
    ...", "... while ...", "... because ...") is one a single turn of ``episode`` states;
    else the first sentence that relates facts no turn relates. A small model links true
    facts of different turns by a cause or a time of its own ("found a spot after emailing
    wholesalers, which led to the opening of her clothing store": the store was there)."""
    turns = [Evidence.of([e]) for e in episode]
    speakers = name_words(e.actor for e in episode)
    for sentence in sentences(text):
        for relation in RELATION.finditer(sentence):
            # the clause the relation attaches to, and all that follows it in the sentence
            joined = f"{CLAUSE_BREAK.split(sentence[:relation.start()])[-1]} {sentence[relation.end():]}"
            places = _places(joined, turns, speakers)
            if len(places) < 2:
                continue
            holding = [i for i in range(len(turns)) if all(i in where for where in places)]
            said = ORDER_OR_CAUSE[relation.group(0).strip(" ,").split()[0].lower() in ("after", "before", "while")]
            if not any(said.search(_holding_part(episode[i].text, joined, speakers)) for i in holding):
                return sentence.strip()
    return ""


def _holding_part(text: str, clause: str, speakers: set[str]) -> str:
    """The sentences or lines of ``text`` that hold every fact of ``clause`` (a note's other
    lines say nothing of how these two relate); the whole text if none does alone."""
    parts = sentences(text)
    units = [Evidence.of([Event(p, 0.0)]) for p in parts]
    places = _places(clause, units, speakers) if len(units) > 1 else []
    inside = [parts[i] for i in range(len(parts)) if places and all(i in where for where in places)]
    return " ".join(inside) or text


ORDER_OR_CAUSE = (STATES_CAUSE, STATES_ORDER)  # indexed by "is the relation one of time"


# "thinking of making", "planning to visit", "want to try": what follows is a plan, not a deed
INTENT = re.compile(r"\b(?:thinking (?:of|about)|planning (?:to|on)|plans? to|going to|gonna|want(?:s|ed|ing)? to|"
                    r"would (?:like|love) to|'d (?:like|love) to|intend(?:s|ed)? to|hop(?:e|ed|ing) to|considering|"
                    r"about to|might|will|'ll)\s+"
                    r"(?:(?:also|maybe|soon)\s+)?\w+(?:\s+(?:a|an|the|some|my|our|his|her|their))?\s+\w+", re.I)
_DETERMINERS = frozenset("a an the some my our his her their this that these those".split())


def deeds(text: str) -> dict[tuple[str, str], str]:
    """Each verb-and-object pair of ``text`` ("makes a batch" -> (mak, batch)), its object a
    content word (not "them", "you", "in"), with the words it came from."""
    words = re.findall(r"[A-Za-z']+", text)
    out: dict[tuple[str, str], str] = {}
    for i, verb in enumerate(words[:-1]):
        j = i + 1
        while j < len(words) - 1 and words[j].lower() in _DETERMINERS:
            j += 1
        obj = words[j].lower()
        if obj not in STOPWORDS and verb.lower() not in STOPWORDS and len(obj) > 2:
            out.setdefault((stem(verb.lower()), stem(obj)), " ".join(words[i:j + 1]))
    return out


# past forms that are also everyday words of another sense, or auxiliaries: never a deed
_NOT_DEEDS = frozenset("was were had did been left felt found saw need needed used based "
                       "interested excited related called named".split())


def _verb_forms(cited: Sequence[Event]) -> dict[str, set[str]]:
    """Each stem of the cited text with the forms its words take there."""
    forms: dict[str, set[str]] = {}
    for e in cited:
        for word in WORD.findall(e.text):
            low = word.lower()
            forms.setdefault(stem(low), set()).add(low)
    return forms


# a base form that is a verb, not a noun ("give it back by Friday", "I will call"; not "car
# service done"): it opens a clause or follows "to" or a modal
BASE_VERB = re.compile(r"(?:^|[.;:!?\n\u2014-]\s*|\b(?:to|will|'ll|must|should|can|could|would|shall|please|"
                       r"let's|don't|do|help|help me|help us|you)\s+)(?:{})\b")  # "can you help me write ...?"


def _is_past(word: str) -> bool:
    return word in IRREGULAR or (word.endswith("ed") and len(word) > 4)


def _bases(past: str) -> set[str]:
    """The base forms a past form may come from ("moved" -> move, "stopped" -> stop)."""
    if past in IRREGULAR:
        return {IRREGULAR[past]}
    root = past[:-2]
    return {root, root + "e", root[:-1], root[:-1] + "y"}


def told_as_base(text: str, cited: Sequence[Event]) -> str:
    """The first past-tense verb of ``text`` that the events say only in its base form, as a
    verb: "gave Priya's copy back" from "Priya lent me her copy; give it back by end of
    November" (a note to self, not a deed); '' when there is none. A form in "-ing" ("I'm
    allocating 2 scenes a week") is under way, near enough to done."""
    forms = _verb_forms(cited)
    for word in WORD.findall(text):
        low = word.lower()
        if low in _NOT_DEEDS or not _is_past(low):
            continue
        seen = forms.get(stem(low), set()) | forms.get(stem(IRREGULAR.get(low, low)), set())  # "written": write
        bases = seen & _bases(low)
        if bases and not any(_is_past(w) or w.endswith("ing") for w in seen) and any(
                re.search(BASE_VERB.pattern.format("|".join(bases)), e.text, re.I) for e in cited):
            return word
    return ""


def plan_as_done(text: str, cited: Sequence[Event]) -> str:
    """'' unless ``text`` states as done what ``cited`` only plans: "the user then makes a batch
    of cookies" from "I'm thinking of making a batch of cookies"; else that phrase. A verb and
    its object count as planned when every time the events say them together, a plan leads."""
    planned = {pair for e in cited for m in INTENT.finditer(e.text) for pair in deeds(m.group(0))}
    if not planned:
        return ""
    done = {pair for e in cited for pair in deeds(INTENT.sub(" . ", e.text))}
    for pair, words in deeds(INTENT.sub(" . ", text)).items():  # the memory's own plans may stay plans
        if pair in planned and pair not in done:
            return words
    return ""


def invented(text: str, cited: Sequence[Event], episode: Sequence[Event]) -> tuple[str, str]:
    """(reason, the words) when ``text`` relates facts no turn relates (``unstated_relation``)
    or says as done what was only planned (``plan_as_done``); ('', '') otherwise."""
    relation = unstated_relation(text, episode)
    if relation:
        return "unstated_relation", relation
    plan = plan_as_done(text, cited) or told_as_base(text, cited)
    return ("plan_as_done", plan) if plan else ("", "")

"""Questions that ask two things at once: "Who's my bass teacher now, and why did I switch?",
"How old is Biscuit and when did we adopt him?".

Each part is answered on its own, the later part read as a follow-up of the earlier one (so
"him" is Biscuit and "why did I switch?" is searched together with the bass teacher), and the
answers are joined, one line each. Only an "and" that opens a question of its own splits:
"What does Nate do that he loves and can make money from?" asks one thing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..timephrase.answer import dates_in
from ..timephrase.phrase import ANY_WEEKDAY
from .followup import PRONOUN, follow_up
from .measure import CLOCK
from .shape import clean
from .support import sentences, words

if TYPE_CHECKING:
    from .ask import Answer

_WH = r"(?:why|when|where|who|whom|whose|what|which|how)\b"
_AUX = r"(?:have|has|had|did|do|does|is|are|was|were|can|could|will|would|should)"
# what an auxiliary must be followed by to open a question ("and have I paid it?"), not a
# second verb of the same question ("and is delicious", "and have a negative experience")
_SUBJECT = r"(?:I|we|you|he|she|they|it|there|this|that|my|our|the)\b"
SPLIT = re.compile(rf",?\s+and\s+(?={_WH}|{_AUX}\s+{_SUBJECT})", re.I)
ASKS = re.compile(rf"^\s*(?:{_WH}|{_AUX}\b)", re.I)
# "What was my 10K time and bib number?" asks for two things of one owner: "what" and a
# copula, an owner, then two short names of things with no verb or preposition between
_NOUNS = r"(?:[\w'-]+\s+){0,3}[\w'-]+"
_NOT_NOUN = re.compile(rf"\b(?:{_AUX}|of|for|in|on|at|with|to|from|by|about|both|each|and|or|than|that|who|which|"
                       r"me|him|her|them|us|it)\b", re.I)
PAIR = re.compile(r"^(?P<head>(?:(?:what|which)\s+(?:is|was|are|were)|what's)\s+"
                  r"(?:my|our|his|her|their|the|[A-Z]\w+'s)\s+)"
                  rf"(?P<one>{_NOUNS})\s+and\s+(?:(?P<owner>my|our|his|her|their|the)\s+)?(?P<two>{_NOUNS})\s*\??$",
                  re.I)
MAX_PARTS = 3
BARE_WH = re.compile(rf"{_WH}.*?\s(?P<rest>{_AUX}\s.+)", re.I)  # "where | was my exam", "how much | was it"
CONTRACTED = re.compile(rf"^\s*({_WH})(?:'s|\u2019s)(?=\s)", re.I)  # "when's" is "when is"
DAY_WORDS = re.compile(rf"\b(?:{ANY_WEEKDAY}|today|tomorrow|tonight|now|next|this)\b", re.I)
WHERE_PART = re.compile(r"^\s*where\b", re.I)
# a line that names a place: a street ("c/ d'Emili Baró 45", "14 Hope St") or a kind of place
PLACE = re.compile(r"\b(?:c/|calle|avda|rue|via|street|st|road|rd|avenue|ave|lane|ln|square|sq|close|crescent|"
                   r"clinic|cl[ií]nica|hospital|surgery|practice|centre|center|hall|school|church|stadium|"
                   r"station|office|library|studio|gym|pool|park|venue|hotel|restaurant|cafe|caf[eé]|pub|bar)\b",
                   re.I)
CITED = re.compile(r"\s*\[m?\d+\]")
MARKER = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+")  # a list item's mark: "- Earrings ..." is "Earrings ..."


# "How much did the movers and the cleaner cost altogether?": what each cost, then the sum
TOTAL_PAIR = re.compile(r"^\s*how much (?P<aux>did|do|does|will|would)\s+(?P<one>.+?)\s+and\s+(?P<two>.+?)\s+"
                        r"(?:cost|come to)\s+(?:(?:me|us|you)\s+)?(?:altogether|all together|together|in total|"
                        r"combined|all told|all in|between them)\s*\??\s*$", re.I)
_RATE = r"(?P<rate>\s*(?:/|per\b|each\b|a (?:month|week|year|day|night|session|copy|piece)\b))?"
# a sum of money with its sign before it ("£720", "R13,650" in rand) or its currency after it
# ("4 900 kr", "500 zł", "120 euros")
MONEY_AMOUNT = re.compile(r"([£$€₹]|\bR(?=\s?\d))\s?(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,](\d{2}))?(?!\d)" + _RATE)
MONEY_AFTER = re.compile(r"(?<![\d.,])(\d{1,3}(?:[ ,.]\d{3})+|\d+)(?:[.,](\d{2}))?\s?(kr|zł|zl|sek|nok|dkk|pln|chf|"
                         r"eur|euros?|usd|gbp|dollars?|pounds?|rand)\b" + _RATE, re.I)


def money_in(text: str) -> list[tuple[str, str, str, str]]:
    """The sums of money in ``text``, in order: (currency, whole, cents, rate); a currency
    written after the sum starts with a space (" kr")."""
    found = [(m.start(), (m[1], m[2], m[3] or "", m["rate"] or "")) for m in MONEY_AMOUNT.finditer(text)]
    found += [(m.start(), (f" {m[3].lower()}", m[1], m[2] or "", m["rate"] or "")) for m in MONEY_AFTER.finditer(text)]
    return [amount for _, amount in sorted(found)]
ARROW = re.compile(r"->|\u2192|=>")


def compound_parts(question: str) -> list[str]:
    """The questions ``question`` asks, each ending in "?"; one when it asks one thing."""
    if (total := TOTAL_PAIR.match(question)) is not None:
        aux = total["aux"].lower()
        return [f"How much {aux} {total['one']} cost?", f"How much {aux} {total['two']} cost?"]
    if not ASKS.match(question):
        return [question]
    pair = PAIR.match(question.strip())
    if pair and not _NOT_NOUN.search(f"{pair['one']} {pair['two']}"):
        head = pair["head"]
        second = head if pair["owner"] is None else head.rsplit(None, 1)[0] + f" {pair['owner']} "
        return [head[0].upper() + head[1:] + pair["one"] + "?", second[0].upper() + second[1:] + pair["two"] + "?"]
    pieces = [p.strip().rstrip("?,").strip() for p in SPLIT.split(question)]
    if not 1 < len(pieces) <= MAX_PARTS or not all(pieces):
        return [question]
    # "When and where was my exam?": a bare question word asks the next part's question
    for n in range(len(pieces) - 2, -1, -1):
        rest = BARE_WH.match(pieces[n + 1])
        if re.fullmatch(_WH, pieces[n], re.I) and rest:
            pieces[n] = f"{pieces[n]} {rest['rest']}"
    # "What time does the walk start and where?", "when's our next gig and where?": the
    # earlier part's question, asked with the last word
    for n in range(1, len(pieces)):
        rest = BARE_WH.match(CONTRACTED.sub(r"\1 is", pieces[n - 1]))
        if re.fullmatch(_WH, pieces[n], re.I) and rest:
            pieces[n] = f"{pieces[n]} {rest['rest']}"
    return [p[0].upper() + p[1:] + "?" for p in pieces]


def as_asked(parts: Sequence[str], n: int, history: Sequence[tuple[str, str]]) -> str:
    """The ``n``-th part as it is asked after ``history``: a later part that leans on the one
    before it and that no follow-up rewrite makes whole ("what does it cost?" after "which bike
    did I test ride?", "why did I switch?") carries that part along, so its words are weighed."""
    part = parts[n]
    if n and follow_up(part, history) == part and (PRONOUN.search(part) or len(words(part)) <= 1):
        return f"{part} {parts[n - 1]}"
    return part


def joined(question: str, parts: Sequence[str], answers: Sequence[Answer]) -> Answer:
    """One answer to ``question`` from the answers to its ``parts``: a line each (an answer two
    parts share, once), an unanswered part named before its "Not mentioned"; it abstains only
    when every part does."""
    answers = _placed(parts, answers)
    first = answers[0]
    total = sum(float(a.timings.get("total_ms", 0.0)) for a in answers)
    reason = "; ".join(f"{part} {a.reason}" for part, a in zip(parts, answers, strict=True))
    if all(a.abstained for a in answers):
        return replace(first, question=question, reason=reason, timings={"total_ms": total})
    lines = [f"{part} {a.text}" if a.abstained else (a.text or "") for part, a in zip(parts, answers, strict=True)]
    # the same evidence may answer both parts ("which package, and why did we switch?"), or one
    # part's answer hold the other's ("test ride 27 sep ..." and "test ride 27 sep ... 2.900€"): once
    said = [MARKER.sub("", CITED.sub("", line)).strip() for line in lines]
    lines = [line for n, line in enumerate(lines)
             if not any(said[n] in other and (said[n] != other or k < n) for k, other in enumerate(said) if k != n)]
    if TOTAL_PAIR.match(question) and (summed := _sum_of(lines)) is not None:
        lines.append(f"Together: {summed}")
    evidence = list({h.ref: h for a in answers for h in a.evidence}.values())
    return replace(
        first, question=question, text="\n".join(lines), reason=reason, abstained=False,
        citations=list(dict.fromkeys(c for a in answers for c in a.citations)), evidence=evidence,
        support=max((a.support for a in answers if a.support is not None), default=None),
        citations_inferred=any(a.citations_inferred for a in answers), generated=None,
        method=",".join(dict.fromkeys(a.method for a in answers if not a.abstained)),
        timings={"total_ms": total})


def _placed(parts: Sequence[str], answers: Sequence[Answer]) -> list[Answer]:
    """``answers``, with a part that asks where answered by the line that dated the thing
    another part asks when of: where a thing happens is written with its day ("sat 12 dec,
    landmark (bergen kunsthall)" under "## next: christmas gig"), where a search for the
    place's own words finds another line ("next: 2 rehearsals ... before the kippers gig")."""
    placed = list(answers)
    dated = [(a, h) for a in answers if a.method == "date" and a.text for h in a.cited[:1]]
    asked = words(" ".join(parts))
    for n, (part, answer) in enumerate(zip(parts, answers, strict=True)):
        if not WHERE_PART.match(part) or not dated or answer.method == "date":
            continue
        own = not answer.abstained and bool(PLACE.search(answer.text or ""))
        when, hit = dated[0]
        for sentence in sentences(hit.text or ""):
            found = dates_in(sentence, hit.ts)
            if not any(day is not None and f"{day.day} {day:%B}" in (when.text or "") for _, _, day, _ in found):
                continue
            bare = DAY_WORDS.sub(" ", CLOCK.sub(" ", sentence))
            for *_, phrase in found:
                bare = bare.replace(phrase, " ")
            # it says more than the thing and its day: where, as a rule (unless the search's
            # own answer names a place and this line names none: "thu 27, 17:30, Dr. Anaya")
            if words(bare) - asked and not (own and not PLACE.search(sentence)):
                said = clean(sentence) or sentence
                placed[n] = replace(answer, text=f"{said} [{hit.ref}]", citations=[hit.ref], abstained=False,
                                    evidence=[hit, *(h for h in answer.evidence if h.ref != hit.ref)],
                                    method="evidence", reason="the line that dates it")
            break
    return placed


def _sum_of(lines: Sequence[str]) -> str | None:
    """The sum of one sum of money from each line, in one currency: the one after the last
    "=" ("£720 + VAT = £864") or arrow ("quote €420 -> €380"), else a line's only one; None
    when a line gives none or several, or the currencies differ."""
    found = []
    for line in lines:
        cut = max((m.end() for m in [*re.finditer("=", line), *ARROW.finditer(line)]), default=0)
        amounts = money_in(line[cut:])
        # (a rate, "€4.60 per copy", is no sum to add)
        if not amounts or (not cut and len(amounts) > 1) or amounts[0][3]:
            return None
        found.append(amounts[0][:3])
    if len(found) < 2 or len({sign for sign, _, _ in found}) != 1:
        return None
    cents = sum(int(re.sub(r"\D", "", whole)) * 100 + int(part or 0) for _, whole, part in found)
    exact = any(part for _, _, part in found)
    sign = found[0][0]
    total = f"{cents / 100:,.2f}" if exact else f"{cents // 100:,}"
    return f"{total}{sign}" if sign.startswith(" ") else f"{sign}{total}"

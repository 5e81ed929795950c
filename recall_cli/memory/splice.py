"""A claim cut from the end of one line of a note and the start of the next: the small
model's copy runs over a line break, and two facts become one ("ProFix (Brandon) heat pump
option from Faiek" from "panel plumber = ProFix (Brandon)" and "heat pump option from Faiek
+-R28 500"). Whole clauses copied across the break are a note's lines joined, not spliced
("wants a runbook + proper fix - chatgpt confirmed the ordering thing")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import Event
from ..search.text import STOPWORDS
from .attribution import CLAUSE_BREAK as CLAUSE_END  # a note's clauses end where a claim's do
from .evidence import LIST_ITEM, WORD

# where a model strings copied pieces together: a dash, a semicolon, a sentence's end
PIECE_END = re.compile(r"\s[-\u2013\u2014]\s|;\s|(?<=[.!?])\s+")


def spliced_lines(clause: str, cited: Sequence[Event]) -> bool:
    """Whether ``clause`` copies a note's words over a line break starting or stopping inside
    a clause of the note: the tail of one clause run into the head of the next line's."""
    said = _words(clause)
    if len(said) < 2:
        return False
    for event in cited:
        if event.source not in ("note", "file"):
            continue
        # the note's words, each marked with its line and whether a clause starts or ends at it
        flat: list[tuple[str, int, bool, bool]] = []
        for number, line in enumerate(event.text.splitlines()):
            for piece in CLAUSE_END.split(line):
                words = _words(piece)
                flat += [(w, number, i == 0, i == len(words) - 1) for i, w in enumerate(words)]
        for start in range(len(flat) - len(said) + 1):
            run = flat[start:start + len(said)]
            if [w for w, *_ in run] != said or run[0][1] == run[-1][1]:
                continue  # not this copy, or a copy within one line
            if not (run[0][2] and run[-1][3]):
                return True
    return False


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def glued_items(text: str, cited: Sequence[Event]) -> str:
    """'' unless ``text`` glues pieces copied from two or more items of a cited note's list,
    one of them cut from inside its item ("Bought WISO steuer instead of 39,99 € download -
    14:00 kesselhaus w/ mei" from "- mailed frau pohl, cancelled ... bought WISO steuer
    instead, 39,99 € download" and "- 14:00 kesselhaus w/ mei. FIRST GREEN!!!"): what the cut
    item was about is left off, and glued to the next item it tells a thing no item says; else
    that piece. (Items copied from their starts are a note's lines joined: see spliced_lines.)"""
    pieces = [(piece, set(_words(piece))) for piece in PIECE_END.split(text)]
    for event in cited:
        if event.source not in ("note", "file"):
            continue
        items: list[list[str]] = []
        for line in event.text.splitlines():
            if LIST_ITEM.match(line) or not items:
                items.append([])
            items[-1] += _words(line)  # (a line without a bullet goes on with the item above)
        held = [set(item) for item in items]
        found: dict[int, tuple[str, bool]] = {}  # item -> (its first piece, whether it opens the item)
        for piece, written in pieces:
            said = written - STOPWORDS
            holders = [i for i, words in enumerate(held) if len(said) >= 2 and said <= words]
            if len(holders) == 1 and holders[0] not in found:
                found[holders[0]] = (piece, bool(items[holders[0]]) and items[holders[0]][0] in written)
        if len(found) >= 2 and (cut := next((piece for piece, opens in found.values() if not opens), None)):
            return cut.strip()
    return ""

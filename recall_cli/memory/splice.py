"""A claim cut from the end of one line of a note and the start of the next: the small
model's copy runs over a line break, and two facts become one ("ProFix (Brandon) heat pump
option from Faiek" from "panel plumber = ProFix (Brandon)" and "heat pump option from Faiek
+-R28 500"). Whole clauses copied across the break are a note's lines joined, not spliced
("wants a runbook + proper fix - chatgpt confirmed the ordering thing")."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Event
from .attribution import CLAUSE_BREAK as CLAUSE_END  # a note's clauses end where a claim's do
from .evidence import WORD


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

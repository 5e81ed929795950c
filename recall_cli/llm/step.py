"""Steps a text gives: numbered or bulleted lines, "a, then b", and the list a line leads into."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import Hit
from .update import is_note

MAX_STEPS = 12  # a longer list ends with how many steps more its source holds
MAX_STEP_CHARS = 240
NUMBERED_LINE = re.compile(r"^\s*\d{1,2}[.)]\s")
STEP_LINE = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s+(?P<step>.+)$")
INLINE_STEP = re.compile(r"(?:^|(?<=[\s:]))(?P<n>\d{1,2})[.)]\s+(?=\D)")  # "soup: 1. Fry ... 2. Add ..."
THEN = re.compile(r",?\s*(?:and )?then\s+|;\s+|\s+&&\s+", re.I)
LEAD_GAP = 2  # lines between a paragraph that ends with a colon and the list it leads into


def steps_of(text: str) -> list[str]:
    """The steps a text gives: its numbered or bulleted lines, else "a, then b" parts of its
    instruction (after "To do X:"), else nothing."""
    lines = [m.group("step").strip() for line in text.splitlines() if (m := STEP_LINE.match(line))]
    if len(lines) >= 2:
        return lines
    flat = " ".join(text.split())
    marks = list(INLINE_STEP.finditer(flat))
    numbers = [int(m.group("n")) for m in marks]
    if len(marks) >= 2 and numbers == list(range(1, len(marks) + 1)):  # numbered steps on one line
        ends = [m.start() for m in marks[1:]] + [len(flat)]
        return [flat[m.end():end].strip() for m, end in zip(marks, ends, strict=True)]
    head, sep, rest = flat.partition(": ")
    body = rest if sep and re.match(r"^(?:to|how to)\b", head, re.I) else flat
    parts = [p.strip(" .") for p in THEN.split(body) if p.strip(" .")]
    return parts if len(parts) >= 2 else []


def as_numbered(steps: Sequence[str]) -> str:
    """``steps`` as a numbered list, the ones past MAX_STEPS counted."""
    more = len(steps) - MAX_STEPS
    tail = f"\n(and {more} more step{'s' if more > 1 else ''} in the source)" if more > 0 else ""
    return "\n".join(f"{n}. {step}" for n, step in enumerate(steps[:MAX_STEPS], start=1)) + tail


def lead_in(hit: Hit, hits: Sequence[Hit]) -> Hit | None:
    """The paragraph of the same note right above ``hit``, a list, when it ends with a colon:
    "writing it down so i dont have to youtube it again:" says what the list below it is for."""
    mine = hit.meta or {}
    if not is_note(hit) or not mine.get("path") or not STEP_LINE.match((hit.text or "").lstrip().split("\n", 1)[0]):
        return None
    start = int(mine.get("line_start") or 0)
    for other in hits:
        theirs = other.meta or {}
        if (other.ref != hit.ref and theirs.get("path") == mine["path"]
                and 0 < start - int(theirs.get("line_end") or 0) <= LEAD_GAP
                and (other.text or "").rstrip().endswith(":")):
            return other
    return None


def listed_under(line: str, text: str) -> bool:
    """Whether a list follows ``line`` in ``text`` ("REBOOKED Lyon ..." then "- change fee $150"):
    the list tells of it."""
    lines = text.split("\n")
    at = next((i for i, each in enumerate(lines) if line.strip() and line.strip() in each), None)
    return at is not None and at + 1 < len(lines) and STEP_LINE.match(lines[at + 1]) is not None

"""A how-to note's whole section as the answer to "how do I ...?".

A note that says how something was done is cut into blocks when it is stored: a paragraph,
the commands in a code block, a list of caveats. "How do I mount the lab NAS?" finds one of
them ("sudo mount -t cifs ..."), but the answer is the section they sit in, under "##
Mounting the lab NAS", in the order the note gives them. The section answers only when its
own heading says what the question asks about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..models import Event, Hit
from ..timephrase.phrase import EXPLICIT
from .support import alike, file_words, words
from .update import STRUCK, note_heading, section_words

if TYPE_CHECKING:
    from ..store.db import Store

MAX_SECTION_LINES = 30  # a longer section (or block) ends with how many lines more its note holds
MAX_SECTION_BLOCKS = 12  # more blocks than this under one heading is a log, not a how-to
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")  # "| Thu 23 Jul N | Andre |": a Markdown table's row
TABLE_RULE = re.compile(r"^\s*\|[\s:|-]+\|\s*$")  # "|---|---|": the line under its header
LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+\S")  # "- oat milk", "2. coffee beans", "- [ ] bin bags"
NUMBERED = re.compile(r"^\s*1[.)]\s+\S")  # "1. Thaw the pellet on ice.": a note's steps, in order
WHAT_ON = re.compile(r"^\s*what(?:'s| is| was| are| were)? (?:\w+ )?(?:on|in)\b", re.I)  # "what's on my ... list?"
# "what do I need to buy at the shop?": what a list holds, asked by what it is for
NEEDED = re.compile(r"^\s*what (?:else )?(?:do|should|must|shall) (?:i|we) (?:still )?(?:(?:need|have|want|got) to )?"
                    r"(?:buy|get|pick up|order|bring|pack|grab)\b", re.I)
ERRANDS = frozenset("buy get pick order bring pack grab".split())  # what a list is for: its heading seldom says it
SHOPPING = frozenset("shop supermarket grocery store market buy errand".split())  # a shopping list, by any name


def section_blocks(store: Store, hit: Hit) -> list[Event]:
    """The blocks of the note section ``hit`` sits in (its file and heading), in the note's
    order; none for an item of no note's section."""
    meta = hit.meta or {}
    heading, path = meta.get("heading"), meta.get("path")
    if hit.owner != "event" or not heading or not path or not hit.session:
        return []
    return current(store, [e for e in note_events(store, hit, str(path)) if e.meta.get("heading") == heading])


def note_events(store: Store, hit: Hit, path: str) -> list[Event]:
    """The stored blocks of the note at ``path`` that ``hit`` is one of, in the note's order."""
    return sorted((e for e in store.session_events(str(hit.session), hit.source)
                   if e.meta.get("path") == path and e.id is not None),
                  key=lambda e: int(e.meta.get("line_start") or 0))


def current(store: Store, blocks: list[Event]) -> list[Event]:
    """A note's ``blocks`` less those a later edit took out of it (a watched file keeps its
    old paragraphs, for whoever looks for them)."""
    gone = store.edited_out(blocks)
    return [e for e in blocks if e.id is not None and e.id not in gone]


def section_answer(store: Store, hit: Hit, keys: set[str]) -> tuple[str, list[Hit]] | None:
    """The blocks of the note section ``hit`` sits in, in the note's order, as one text, and
    the items they are; None when ``hit`` is no note block, its heading names none of
    ``keys``, or the section is that one block (or too long to be one how-to)."""
    meta = hit.meta or {}
    heading, path = str(meta.get("heading") or ""), meta.get("path")
    if hit.owner != "event" or hit.source not in ("note", "file") or not heading or not path or not hit.session:
        return None
    if not keys & alike(section_words(hit)):
        return None  # "Sunday": the day the block was written, not what it is about
    blocks = section_blocks(store, hit)
    if not 1 < len(blocks) <= MAX_SECTION_BLOCKS:
        return None
    return clipped("\n\n".join(e.text.strip("\n").rstrip() for e in blocks)), [Hit.from_event(e) for e in blocks]


COOKING = frozenset("make cook bake prepar do brew".split())  # how a recipe is asked for: its title says what


def note_answer(store: Store, hits: Sequence[Hit], keys: set[str], depth: int = 4) -> tuple[str, list[Hit]] | None:
    """For "how do I make shakshuka?", the whole of a short note titled so (its file name or
    first heading says every key word): each block under its own heading ("Ingredients:",
    "Method:"), in the note's order; None when no note among the first ``depth`` items is
    titled by the question's words, or it is one block, or too long to be one how-to."""
    asked = keys - COOKING
    for hit in hits[:depth]:
        path = (hit.meta or {}).get("path")
        if hit.owner != "event" or hit.source not in ("note", "file") or not path or not hit.session or not asked:
            continue
        title = words(file_words(hit)) | words(note_heading(hit).split(" > ", 1)[0])
        if not asked <= alike(title):
            continue
        blocks = current(store, [e for e in note_events(store, hit, str(path)) if e.kind == "paragraph"])
        if not 1 < len(blocks) <= MAX_SECTION_BLOCKS or any(NUMBERED.match(e.text) for e in blocks):
            return None  # (numbered steps are the answer, the buffers and yields around them not)
        parts: list[str] = []
        shown = ""
        for block in blocks:
            heading = str(block.meta.get("heading") or "").split(" > ")
            inner = heading[-1] if len(heading) > 1 else ""
            if inner and inner != shown:
                parts.append(f"{inner}:\n{block.text.strip()}")
            else:
                parts.append(block.text.strip())
            shown = inner
        return clipped("\n\n".join(parts)), [Hit.from_event(e) for e in blocks]
    return None


def note_lists(store: Store, hits: Sequence[Hit], keys: set[str]) -> list[Hit]:
    """The other blocks of the topic notes among ``hits`` whose file name says a key word
    ("protocol - his-tag purification.md"), in the note's order: a protocol's numbered steps
    are one block of it, and "how do I do the his-tag purification?" may find its header and
    buffers first. Dated notes ("2026-02-05.md") are a day's log, not a topic's."""
    shown = {h.id for h in hits if h.owner == "event"}
    found: list[Hit] = []
    for hit in hits:
        path = (hit.meta or {}).get("path")
        if hit.owner != "event" or hit.source not in ("note", "file") or not path or not hit.session \
                or not keys & alike(words(file_words(hit))) or any(h.meta.get("path") == path for h in found):
            continue
        blocks = [e for e in note_events(store, hit, str(path)) if e.id not in shown]
        found += [Hit.from_event(e) for e in blocks[:MAX_SECTION_BLOCKS]]
    return found


def clipped(text: str) -> str:
    """A note's text as an answer shows it: its first MAX_SECTION_LINES lines, then how many
    more the note holds."""
    lines = text.strip().splitlines()
    more = len(lines) - MAX_SECTION_LINES
    shown = "\n".join(lines[:MAX_SECTION_LINES]).strip()
    return shown + (f"\n(and {more} more line{'s' if more > 1 else ''} in the note)" if more > 0 else "")


def whole_list(question: str, keys: set[str], hits: Sequence[Hit], depth: int = 3) -> tuple[str, Hit] | None:
    """For "what's on my shopping list?", the whole list under the heading (or in the file)
    the question names, every item of it, in the note's order; None unless one of the first
    ``depth`` items is a note's list (each line an item) whose heading and file name say every
    key word ("list" aside). A list's items seldom say what the list is for, so picking the
    items that best match the question would show two of five."""
    needed = bool(NEEDED.match(question))
    if needed:  # "... to buy at the shop?" asks for the shopping list; "... to pack for Lisbon?" the Lisbon one
        keys = keys - ERRANDS or (keys & SHOPPING) or {"shop"}
    if not (WHAT_ON.match(question) or needed) or not keys:
        return None
    # (a list's items seldom say "buy": further down, the list named so still answers)
    for hit in hits[:2 * depth if needed else depth]:
        if hit.owner != "event" or hit.source not in ("note", "file"):
            continue
        lines = [line for line in (hit.text or "").splitlines() if line.strip()]
        named = alike(section_words(hit) | words(file_words(hit))) | {"list", "checklist"}
        if named & SHOPPING:
            named |= SHOPPING
        if len(lines) >= 2 and all(LIST_ITEM.match(line) for line in lines) and keys <= named:
            return clipped("\n".join(lines)), hit
    return None


def cells(line: str) -> list[str]:
    """The cells of a Markdown table's row, stripped ("| Thu 23 Jul N | Andre |")."""
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _days_named(text: str) -> set[tuple[int, str]]:
    """(day, month's first three letters) of each day ``text`` names by its month."""
    return {(int(m.group("day") or m.group("day2")), (m.group("month") or m.group("month2"))[:3].lower())
            for m in EXPLICIT.finditer(text)}


def table_row(question: str, hits: Sequence[Hit], depth: int = 3) -> tuple[str, Hit] | None:
    """For a question that names a day ("who's covering my night shift on Thursday 23 July?"),
    the row of a note's table that names that day, each cell under its column's header and
    struck-through words left out ("my shift: Thu 23 Jul N; covered by: Andre; I owe: Sun 2
    Aug N"); None when no table among the first ``depth`` items has such a row."""
    asked = _days_named(question)
    if not asked:
        return None
    for hit in hits[:depth]:
        rows = [[STRUCK.sub("", c).replace("**", "").strip() for c in cells(line)]
                for line in (hit.text or "").splitlines() if TABLE_ROW.match(line) and not TABLE_RULE.match(line)]
        for row in rows[1:]:
            if asked & set().union(*map(_days_named, row)):
                shown = [f"{head}: {cell}" if head else cell for head, cell in zip(rows[0], row, strict=False) if cell]
                return "; ".join(shown), hit
    return None

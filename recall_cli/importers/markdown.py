"""Markdown notes and journals: one event per paragraph, list or code block.

Blocks are separated by blank lines (a fenced code block stays whole, blank lines and
all); HTML comments are left out. Each event remembers its heading path ("2024-05-08 > Work") and lines. Its time is
the date in the nearest heading that has one ("## 2024-05-08", "## May 8, 2024"), with a
time of day from a deeper heading ("### 14:30"); else the front matter's ``date:`` (and
time); else a date in the file's name ("2025-10-06.md"); else the file's modification time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import chain, islice
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..models import Event, paragraph_hash  # (watch and search take it from here too)
from ..timephrase.phrase import nearest_year
from ..timeutil import parse_time, to_ts
from .base import Skipped, check_ts, clean, file_time, undecodable
from .org import HEAD_LINES, is_org, markdown_lines, opening_date

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
FRONT_MATTER_LINES = 10_000  # a "---" not closed within this many lines is a rule, not front matter
_FRONT_DATE = re.compile(r"^(?:date|created|created_at|day)\s*:\s*(.+?)\s*$", re.IGNORECASE)

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})(?!\d)",
                             re.IGNORECASE)
_CLOCK = re.compile(r"(?<![\d:])(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)(?![a-z])|(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])",
                    re.IGNORECASE)


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    return next(i for i, full in enumerate(_MONTHS, start=1) if full.startswith(name[:3]))


def find_date(text: str) -> date | None:
    """The first full calendar date written in ``text`` (ISO, 'May 8, 2024', '8 May 2024')."""
    found: list[tuple[int, date]] = []
    for match in _ISO_DATE.finditer(text):
        try:
            found.append((match.start(), date(int(match[1]), int(match[2]), int(match[3]))))
        except ValueError:
            continue
    for match in _MONTH_DAY_YEAR.finditer(text):
        try:
            found.append((match.start(), date(int(match[3]), _month(match[1]), int(match[2]))))
        except ValueError:
            continue
    for match in _DAY_MONTH_YEAR.finditer(text):
        try:
            found.append((match.start(), date(int(match[3]), _month(match[2]), int(match[1]))))
        except ValueError:
            continue
    return min(found, key=lambda f: f[0])[1] if found else None


def find_clock(text: str) -> time | None:
    """A time of day written in ``text`` ('14:30', '2pm', '9:15 a.m.')."""
    for match in _CLOCK.finditer(text):
        if match[3]:
            hour, minute = int(match[1]), int(match[2] or 0)
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if match[3].lower().startswith("p") else 0)
        else:
            hour, minute = int(match[4]), int(match[5])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    return None


@dataclass
class Block:
    lines: list[str]
    line_start: int
    headings: list[tuple[int, str, int]]  # (level, text, line) from outermost to innermost


def front_matter(lines: list[str]) -> tuple[int, str | None]:
    """(lines the front matter takes, its date value) for a file starting with ``---``."""
    if not lines or lines[0].strip() != "---":
        return 0, None
    for number in range(1, min(len(lines), FRONT_MATTER_LINES)):
        if lines[number].strip() in ("---", "..."):
            value = None
            for line in lines[1:number]:
                match = _FRONT_DATE.match(line)
                if match:
                    value = match[1].strip().strip("'\"")
                    break
            return number + 1, value
    return 0, None  # no closing line: not front matter


def blank_note(path: Path) -> bool:
    """Whether ``path`` is a text note with nothing in it: empty, only whitespace, or only what
    is no paragraph (front matter, headings, comments, a template's empty slots: an Obsidian
    daily note or a meeting template not yet written). A folder import passes over those."""
    if path.suffix.lower() not in (".md", ".markdown", ".txt", ".org", ".rst") or not path.is_file():
        return False  # (a pipe named "notes.md" is read once, by its import)
    try:
        if path.stat().st_size > 64 * 1024:
            return False
        lines = path.read_bytes().decode("utf-8-sig", errors="replace").split("\n")
    except OSError:
        return False
    if not "\n".join(lines[front_matter(lines)[0]:]).strip():
        return True
    # cut as the import cuts it: no block is no paragraph to import (headings date blocks only)
    return next(note_blocks(normalized_lines(iter(lines)), 0.0, path.stem, org=is_org(path)), None) is None


def read_front_matter(lines: Iterator[str]) -> tuple[list[str], int, str | None]:
    """(the lines read ahead, lines the front matter takes, its date value) from the start
    of a file, reading at most FRONT_MATTER_LINES lines ahead."""
    ahead = list(islice(lines, 1))
    if ahead and ahead[0].strip() == "---":
        for line in islice(lines, FRONT_MATTER_LINES - 1):
            ahead.append(line)
            if line.strip() in ("---", "..."):
                break
    return (ahead, *front_matter(ahead))


def normalized_lines(lines: Iterable[str]) -> Iterator[str]:
    """Lines split at "\r\n", "\r" and "\n" alike, from lines split at "\n"."""
    previous: str | None = None
    for line in lines:
        if previous is not None:
            yield from previous.removesuffix("\r").split("\r")
        previous = line
    if previous is not None:
        yield from previous.split("\r")


def split_blocks(lines: Iterable[str], first: int,
                 on_heading: Callable[[int, list[tuple[int, str, int]]], object] | None = None) -> Iterator[Block]:
    """Paragraph, list and code blocks under their headings (``lines`` start at the 0-based
    line ``first``); ``on_heading`` gets each heading's line and the heading path it opens."""
    headings: list[tuple[int, str, int]] = []
    current: list[str] = []
    start = 0
    fence: str | None = None

    def heading(level: int, title: str, number: int) -> None:
        while headings and headings[-1][0] >= level:
            headings.pop()
        headings.append((level, title.strip(), number))
        if on_heading is not None:
            on_heading(number, list(headings))

    def flush() -> Block | None:
        nonlocal current
        while current and not current[-1].strip():  # an unclosed fence runs to the end
            current.pop()
        block = Block(current, start, list(headings)) if current else None
        current = []
        return block

    closing = ""  # the end of the comment a line opened: "-->" (HTML), "%%" (Obsidian)
    for number, line in enumerate(lines, start=first):
        if closing:  # a comment is not shown, so not remembered
            closing = "" if closing in line else closing
            continue
        opener = next((o for o in ("<!--", "%%") if line.lstrip().startswith(o)), None) if fence is None else None
        if opener is not None:
            if (block := flush()) is not None:
                yield block
            end = "-->" if opener == "<!--" else "%%"
            closing = "" if end in line[line.index(opener) + len(opener):] else end
            continue
        if fence is not None:
            current.append(line)
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            continue
        fence_match = _FENCE.match(line)
        if fence_match:
            if not current:
                start = number
            current.append(line)
            fence = fence_match[1]
            continue
        atx = _ATX.match(line)
        if atx:
            if (block := flush()) is not None:
                yield block
            heading(len(atx[1]), atx[2] or "", number)
            continue
        if _SETEXT.match(line) and len(current) == 1 and not _is_list_item(current[0]) \
                and current[0].strip() and not _FENCE.match(current[0]):
            title = current[0]
            current = []
            heading(1 if line.strip()[0] == "=" else 2, title, number - 1)
            continue
        if not line.strip() or _RULE.match(line):
            if (block := flush()) is not None:
                yield block
            continue
        if not current:
            start = number
        current.append(line)
    if (block := flush()) is not None:
        yield block


def _is_list_item(line: str) -> bool:
    return bool(re.match(r"^\s*(?:[-*+]|\d+[.)])\s", line))


class MarkdownImporter:
    name = "markdown"
    description = "Markdown notes or journal: one event per paragraph, dated by headings"
    skips_bad_lines = True  # a paragraph with a byte that is not UTF-8 is skipped, not the whole note
    tracks_edits = True  # a re-import marks the paragraphs an edit took out (see importers.edits)
    nothing_found = "no paragraphs (only headings, comments or a template's empty slots)"

    def detect(self, path: Path, head: str) -> bool:
        if path.suffix.lower() in {".md", ".markdown", ".mdown", ".mkd", ".txt", ".text"}:
            return True
        start = head.lstrip()[:1]
        if start in ("{", "[") or path.suffix.lower() in {".json", ".jsonl", ".ndjson"}:
            return False  # JSON nobody recognised (or a .json file that is not JSON): not notes
        if head.lstrip()[:5].lower() in ("<?xml", "<!doc", "<html"):
            return False
        return True  # any other text reads as paragraphs

    def parse(self, path: Path, text: str) -> Iterator[Event | Skipped]:
        _not_an_export(path, text[:200])
        return self._parse(path, normalized_lines(text.split("\n")))

    def parse_path(self, path: Path) -> Iterator[Event | Skipped]:
        from .stream import iter_lines

        with open(path, encoding="utf-8", errors="replace") as fh:
            _not_an_export(path, fh.read(200))
        return self._parse(path, normalized_lines(iter_lines(path, lenient=True)))

    def _parse(self, path: Path, lines: Iterator[str]) -> Iterator[Event | Skipped]:
        where = str(path.resolve())
        mtime = file_time(path)
        default = named_time(path, mtime)
        named = find_date(path.stem) is not None
        bad: dict[int, str] = {}  # line (from 1) -> why it is not UTF-8, read ahead of the blocks

        def marked(lines: Iterator[str]) -> Iterator[str]:
            for number, line in enumerate(lines, start=1):
                if (why := undecodable(line)) is not None:
                    bad[number] = why
                yield line

        org = is_org(path)
        for block in note_blocks(marked(lines), default, path.stem, org=org):
            if broken := [n for n in bad if block.line_start <= n <= block.line_end]:
                # the paragraph is left out whole (a guess at its letters could store a wrong word)
                yield Skipped(f"line {broken[0]}", bad[broken[0]], undecodable=True)
                for number in broken:
                    del bad[number]
                continue
            # (the hash of the text read, as the watcher keeps it: a re-import finds what an edit
            # took out of the file even where a secret was redacted from the stored text)
            meta: dict[str, Any] = {"format": "org" if org else "markdown", "path": where, "heading": block.heading,
                                    "line_start": block.line_start, "line_end": block.line_end,
                                    "paragraph": paragraph_hash(block.text)}
            if block.ts == mtime and not named:
                # no heading, front matter or file name dates it: its time is the file's last
                # save, which says nothing of when what it tells happened
                meta["undated"] = True
            yield Event(text=block.text, ts_start=block.ts, source="note", kind="paragraph", session=path.name,
                        meta=meta)
        for number, why in bad.items():  # in a heading: said, though its blocks landed
            yield Skipped(f"line {number}", why, undecodable=True)


# the first line of every file `recall export --format markdown` writes
EXPORT_MARK = "<!-- recall export: for reading; `recall import` takes the JSONL export -->"


def is_markdown_export(head: str) -> bool:
    """Whether a note's text is a recall Markdown export (its first line says so)."""
    return head.lstrip("\ufeff").startswith(EXPORT_MARK)


def markdown_export_file(path: Path) -> bool:
    """Whether the file at ``path`` is one `recall export --format markdown` wrote: a folder
    import passes over those (their events are stored already), as `recall watch` does."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(EXPORT_MARK.encode()) + 3)  # (and a byte-order mark)
    except OSError:
        return False  # the import itself says what is wrong with it
    return is_markdown_export(head.decode("utf-8", errors="replace"))


def _not_an_export(path: Path, head: str) -> None:
    """A recall Markdown export read back would store every event a second time, as notes."""
    if is_markdown_export(head):
        raise InputError("a recall Markdown export is for reading; to move events between stores, import a "
                         "JSONL export (recall export -o FILE)", str(path))


@dataclass
class NoteBlock:
    """One paragraph, list or code block of a note, as `recall import` and `recall watch` cut
    and date it (lines count from 1)."""

    line_start: int
    line_end: int
    text: str
    ts: float
    heading: str  # the headings it sits under, "Trip > Packing"


def note_blocks(lines: Iterator[str], default_ts: float, name: str = "", org: bool = False) -> Iterator[NoteBlock]:
    """The blocks of a note's lines (front matter and headings are not blocks), each dated by
    the nearest dated heading, else the front matter's date, else ``default_ts``. A first line
    that says the file's ``name`` again ("kids weekends - ideas" in "kids weekends.md") is the
    note's title: a heading over the blocks below, not a block of its own. ``org``: the lines
    are an org-mode file's (see importers.org), its ``#+DATE:`` read as a front matter date."""
    org_date = None
    if org:
        opening = list(islice(lines, HEAD_LINES))
        org_date = opening_date(opening)
        lines = markdown_lines(chain(opening, lines))
    ahead, first, front_date = read_front_matter(lines)
    front_ts = front_time(front_date or org_date)
    title: list[tuple[int, str, int]] = []
    pending: NoteBlock | None = None  # a title, until a block below it shows it is one
    seen = False  # a block of the note before this one
    for block in split_blocks(chain(ahead[first:], lines), first):
        body = _dedent(clean(_COMMENT.sub("", "\n".join(block.lines)).strip("\n").rstrip()))
        if not body.strip() or _QUERY.match(body) or not _TEMPLATE.sub("", body).strip():
            continue  # (a query, or a template's empty slots, says nothing the user wrote)
        at_first, seen = not seen, True
        if pending is None and not title and not block.headings and _titles(body, name, short=at_first):
            pending = NoteBlock(block.line_start + 1, block.line_start + 1, body,
                                heading_time([], front_ts, default_ts), "")
            continue
        if pending is not None and block.headings and not _titles(pending.text, name, short=False):
            yield pending  # a short line right over a heading of its own is a paragraph ("para line" / "## Next")
        elif pending is not None:
            title = [(0, pending.text.strip(), pending.line_start - 1)]
        pending = None
        headings = [*title, *block.headings]
        titles = [clean(text) for _level, text, _line in headings]
        yield NoteBlock(block.line_start + 1, block.line_start + len(block.lines), body,
                        heading_time(headings, front_ts, default_ts), " > ".join(titles))
    if pending is not None:  # the note's one line: its text, not a title
        yield pending


TITLE_WORDS = 8
SHORT_TITLE = 3  # a line this short over the rest says what it is about, whatever the file's name
_COMMENT = re.compile(r"%%.*?%%", re.S)  # an Obsidian comment inside a line: hidden when the note is read
_QUERY = re.compile(r"^ {0,3}(?:`{3,}|~{3,})\s*(?:dataview|dataviewjs|query|tasks)\b", re.I)  # a plugin's query
# a template's slots, an empty checkbox or bullet: "{{cursor}}", "{{date:YYYY-MM-DD}}", "- [ ]", "<% tp.date.now() %>"
_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}|<%.*?%>|^\s*(?:[-*+]|\d+[.)])?\s*(?:\[[ xX]?\])?\s*$", re.M)
_TELLS = re.compile(r"\b(?:is|was|are|were|am|has|had|did|does|went|got)\b", re.I)  # "swim was cold today"
_LIST_START = re.compile(r"^\s*(?:\d+[.)]|[-*+\u2022>|])\s")


def _titles(body: str, name: str, short: bool = True) -> bool:
    """Whether ``body`` is a note's title: one short line, no sentence, that says a word of the
    file's name and tells nothing ("physio w/ aisha this morning" in "2025-03-14-physio.md",
    "Tue 14/10/25 – Donal's house – valuation" in "2025-10-14-valuation.md"; not "swim was cold
    today" in "swim.md") or half its words in it ("TODO" in "todo.md"), or ``short``: three
    words at most ("movers update" over the note "2026-03-03-demenageurs.md")."""
    said = re.findall(r"[a-z0-9]+", body.lower())
    named = set(re.findall(r"[a-z0-9]+", name.lower()))
    held = [w for w in said if w in named or w.rstrip("s") in named]
    return ("\n" not in body.strip() and 0 < len(said) <= TITLE_WORDS and bool(named)
            and not body.rstrip().endswith((".", "!", "?", ":")) and not _LIST_START.match(body)
            and (2 * len(held) >= len(said) or (short and len(said) <= SHORT_TITLE)
                 or (any(len(w) > 2 and not w.isdigit() for w in held) and not _TELLS.search(body))))


def named_time(path: Path, mtime: float) -> float:
    """An undated note's time: the date its file name gives ("2025-10-06.md", a daily note),
    at the file's time of day when it was written that day; else the file's time."""
    day = find_date(path.stem)
    if day is None:
        return mtime
    try:
        if datetime.fromtimestamp(mtime).date() == day:
            return mtime
        return check_ts(to_ts(datetime.combine(day, time(0, 0))))
    except (ValueError, OverflowError, OSError):
        return mtime


def front_time(value: str | None) -> float | None:
    """The time a front matter ``date:`` names; None when there is none or it cannot be read
    (an unreadable date loses nothing: the headings or the file time date the notes)."""
    if not value:
        return None
    day = find_date(value)
    try:
        if day is not None:  # "2025-10-09 18:30": the time of day too
            clock = find_clock(_ISO_DATE.sub(" ", value))
            return check_ts(to_ts(datetime.combine(day, clock or time(0, 0))))
        return check_ts(parse_time(value))
    except (UsageError, ValueError, OverflowError):
        return None


# a heading that opens with a day and a month but no year, as a log in a topic note is kept:
# "## 03 mar", "## Tue 14 April - rang Dave", "## March 10"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_DAY_MONTH_HEAD = re.compile(r"^\W*" + _WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?![a-z])",
                             re.IGNORECASE)
_MONTH_DAY_HEAD = re.compile(r"^\W*" + _WEEKDAY + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?![\d:])", re.IGNORECASE)


def yearless_day(title: str, written: float) -> date | None:
    """The day a heading such as "03 mar" names, in the year that puts it nearest ``written``
    (when the note was written: its front matter's date or its file's time), as `ask` reads a
    day without its year: a log's "## 20 dec" saved on 5 January is last December's, a plan's
    "## 12 jul - flights" saved in May this July's; None for any other heading."""
    if (m := _DAY_MONTH_HEAD.match(title)) is not None:
        day, month = int(m[1]), _month(m[2])
    elif (m := _MONTH_DAY_HEAD.match(title)) is not None:
        day, month = int(m[2]), _month(m[1])
    else:
        return None
    then = datetime.fromtimestamp(written).date()
    try:
        return date(nearest_year(then, month, day), month, day)
    except ValueError:
        return None  # 29 February, with no leap year near


def heading_time(headings: Sequence[tuple[int, str, int]], front_ts: float | None, default_ts: float) -> float:
    """A note's time: the date of the nearest dated heading (a day without its year in the year
    that puts it nearest the note's date), the time of day from it or a deeper one; else the
    front matter's date; else ``default_ts`` (the file's time)."""
    clock: time | None = None
    for _level, title, _line in reversed(headings):
        day = find_date(title) or yearless_day(title, front_ts if front_ts is not None else default_ts)
        if clock is None:
            clock = find_clock(_ISO_DATE.sub(" ", title))
        if day is not None:
            try:
                return check_ts(to_ts(datetime.combine(day, clock or time(0, 0))))
            except ValueError:
                break
    if front_ts is not None:
        return front_ts
    return default_ts


def _dedent(text: str) -> str:
    """Drop indentation shared by every line (a block indented in the source)."""
    rows = text.split("\n")
    widths = [len(r) - len(r.lstrip(" ")) for r in rows if r.strip()]
    cut = min(widths) if widths else 0
    return "\n".join(r[cut:] for r in rows) if cut else text

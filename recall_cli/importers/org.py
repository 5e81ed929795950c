"""Org-mode notes read as the Markdown notes they resemble, one line for one line.

An org file's structure is written differently: ``* Heading`` (a Markdown bullet),
``#+TITLE:`` and ``#+DATE:`` keywords, ``# comment`` lines (a Markdown heading), property
drawers, ``#+BEGIN_SRC`` blocks and ``<2025-10-03 Fri 10:00>`` timestamps. ``markdown_lines``
rewrites each line to its Markdown form so the note splitter dates and titles org notes as it
does Markdown ones (a datetree's ``*** 2025-10-03 Friday`` dates the entries under it). Lines
keep their numbers: a dropped line becomes a blank one, so a paragraph's lines are still
its lines in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

_HEADING = re.compile(r"^(\*+)[ \t]+(.*?)[ \t]*$")
_KEYWORD = re.compile(r"^[ \t]*#\+([A-Za-z_]+):[ \t]*(.*?)[ \t]*$")
_BLOCK = re.compile(r"^[ \t]*#\+(begin|end)_([a-z]+)\b[ \t]*(\S*)", re.IGNORECASE)
_COMMENT = re.compile(r"^[ \t]*#(?:[ \t].*)?$")  # "# a comment" or a lone "#"
_DRAWER = re.compile(r"^[ \t]*:([A-Za-z_-]+):[ \t]*$")
_END = re.compile(r"^[ \t]*:end:[ \t]*$", re.IGNORECASE)
_TAGS = re.compile(r"[ \t]+:[\w@#%:]+:$")  # "* Dentist   :health:admin:"
_PRIORITY = re.compile(r"^((?:[A-Z]+[ \t]+)?)\[#[A-Z0-9]\][ \t]*")  # "TODO [#A] call"
# <2025-10-03 Fri>, [2025-10-03 Fri 10:00], <2025-10-03 Fri 10:00-11:00 +1w>: the date and
# the time as a person writes them (the repeater or warning cookie says nothing to a reader)
_STAMP = re.compile(r"[<\[](\d{4}-\d{2}-\d{2})(?:[ \t]+([A-Za-z]{2,9}\.?))?"
                    r"(?:[ \t]+(\d{1,2}:\d{2}(?:-\d{1,2}:\d{2})?))?(?:[ \t]+[.+-]{1,2}\d+[hdwmy])*[>\]]")
_LINK = re.compile(r"\[\[([^\]\[]+)\](?:\[([^\]\[]*)\])?\]")
_LIST = re.compile(r"^[ \t]*(?:[-+]|\d+[.)]|[ \t]\*)[ \t]")  # "- a", "1. a", "  * a" (a "*" at the margin heads)
HEAD_LINES = 200  # the keyword lines at the top of a file are read within this many lines


def is_org(path: Path) -> bool:
    """Whether the note at ``path`` is an org-mode file (by its name, as Emacs tells)."""
    return path.suffix.lower() == ".org"


def _stamp(match: re.Match[str]) -> str:
    return " ".join(part for part in match.groups() if part)


def _link(match: re.Match[str]) -> str:
    target, label = match[1], match[2]
    if label:
        return label if target.startswith(("file:", "id:", "#", "*")) else f"{label} ({target})"
    return target.removeprefix("file:").removeprefix("*")


def inline(text: str) -> str:
    """An org line's text as read: timestamps as "2025-10-03 Fri 10:00", links as their label."""
    return _LINK.sub(_link, _STAMP.sub(_stamp, text))


def opening_date(ahead: list[str]) -> str | None:
    """The ``#+DATE:`` among the keyword lines that open a file (``ahead``: its first lines)."""
    found = None
    for line in ahead:
        match = _KEYWORD.match(line)
        if match is None:
            if line.strip() and not _COMMENT.match(line):
                break  # the note's text has begun
            continue
        if match[1].lower() == "date" and match[2]:
            found = inline(match[2])
    return found


def markdown_lines(lines: Iterator[str]) -> Iterator[str]:
    """Each org line as the Markdown line that means the same to the note splitter."""
    block: str | None = None  # the kind of #+BEGIN_ block open: "src", "quote", ...
    drawer = False
    for line in lines:
        if block is not None:
            ends = _BLOCK.match(line)
            if ends is not None and ends[1].lower() == "end" and ends[2].lower() == block:
                yield "```" if block in ("src", "example") else ""
                block = None
            else:  # code and examples as written; a quote's or verse's lines as text
                yield line if block in ("src", "example") else inline(line)
            continue
        if drawer:  # :PROPERTIES: ... :END: (ids, timestamps of a clock): bookkeeping, not notes
            drawer = _END.match(line) is None
            yield ""
            continue
        if (begins := _BLOCK.match(line)) is not None and begins[1].lower() == "begin":
            block = begins[2].lower()
            yield f"```{begins[3]}" if block in ("src", "example") else ""
            continue
        if (keyword := _KEYWORD.match(line)) is not None:
            name, value = keyword[1].lower(), keyword[2]
            yield f"# {inline(value)}" if name == "title" and value else ""
            continue
        if _COMMENT.match(line):
            yield ""
            continue
        if _DRAWER.match(line) and not _END.match(line):
            drawer = True
            yield ""
            continue
        heading = _HEADING.match(line)
        if heading is not None:
            title = _PRIORITY.sub(r"\1", _TAGS.sub("", heading[2]))
            # one level below the file's #+TITLE, which is the note's "# " heading
            yield f"{'#' * min(len(heading[1]) + 1, 6)} {inline(title).strip()}"
            continue
        # org indents a heading's text to its depth as a matter of display; a list keeps its nesting
        yield inline(line if _LIST.match(line) else line.lstrip())

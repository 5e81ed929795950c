"""What `recall` prints: option values in, text and JSON out, with the standard library only.

Shared by the typer commands and the daemon's search fast path (which never imports typer),
so both print byte-for-byte the same thing.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from .errors import UsageError
from .models import Hit, SearchResult
from .timeutil import iso, parse_time, short

# terminal control: escape sequences (colour, cursor, a title an OSC sets) and the other C0/C1
# controls but tab and line breaks; text that holds them would run them when printed or cat'ed
TERMINAL_CONTROL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])?"
                              r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (tab and line breaks stay)."""
    return TERMINAL_CONTROL.sub("", text) if TERMINAL_CONTROL.search(text) else text


def dumps(data: Any) -> str:
    """Indented JSON, non-ASCII kept, anything else (paths, dates) as its string."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def replaced(names: list[str] | None) -> str:
    """' (secrets replaced: a, b)' after a stored text that had secrets cut out, else ''."""
    return f" (secrets replaced: {', '.join(dict.fromkeys(names))})" if names else ""


def plural(count: int, one: str, many: str | None = None) -> str:
    """``count`` and the noun that agrees with it: "1 event", "2 events", "1,500 events"."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def table_lines(rows: Sequence[Sequence[str]], headers: Sequence[str], columns: int | None = None) -> list[str]:
    """Aligned columns; the last column is cut to the terminal width (or ``columns``). Widths
    are counted in terminal cells: "📌" and "東京" take two each, an accent's mark none."""
    if not rows:
        return []
    cols = len(headers)
    widths = [max(cells(str(h)), *(cells(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    term = columns or shutil.get_terminal_size((120, 24)).columns
    last = max(20, term - (sum(widths[:-1]) + 2 * (cols - 1)))

    def fmt(row: Sequence[str]) -> str:
        parts = [str(row[i]) + " " * (widths[i] - cells(str(row[i]))) for i in range(cols - 1)]
        tail = str(row[-1])
        if cells(tail) > last:
            kept, used = 0, 0
            while kept < len(tail) and used + cells(tail[kept]) <= last - 1:
                used += cells(tail[kept])
                kept += 1
            tail = tail[:kept] + "…"
        return "  ".join([*parts, tail]).rstrip()

    return [fmt(headers), *(fmt(r) for r in rows)]


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: wide characters (CJK, most emoji) two, combining
    marks none."""
    import unicodedata

    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


WEAK_MATCH = 0.15  # a shown score below this for every result: nothing is on the query's subject


def search_text(result: SearchResult, as_json: bool, columns: int | None = None, wide: bool = False) -> str:
    """What `recall search` prints (``columns``: the terminal's width, when rendered elsewhere;
    ``wide``: with where each hit happened, the directory of a shell command or a file's path)."""
    weak = weak_match(result)
    if as_json:
        span = result.time_range
        return dumps({
            "query": result.query, "cleaned_query": result.cleaned_query,
            "time_phrase": span.phrase if span else None,
            # the window the phrase ranks by, as the text output shows it
            "time_range": {"since": iso(span.since), "until": iso(span.until)} if span else None,
            "since": iso(result.since), "until": iso(result.until),
            "weak_match": weak,  # the text output's "Nothing matches '...' well"
            "results": [h.to_dict() for h in result.hits],
            "timings_ms": {k: round(v, 2) for k, v in result.timings.items()},
        })
    lines = []
    if result.time_range:
        # the phrase ranks what fits its time first; it does not hide the rest
        span = result.time_range
        lines.append(f"Time '{span.phrase}': {short(span.since)} .. {short(span.until)} (ranks, does not filter)")
    if result.since is not None or result.until is not None:
        lines.append(f"Filter: {short(result.since) or '…'} .. {short(result.until) or '…'}")
    if not result.hits:
        lines.append("No results.")
    else:
        if weak:
            # the closest are still shown (an empty list would hide what exists), but said to be so
            lines.append(f"Nothing matches '{result.query}' well; the closest results:")
        rows = [(h.ref, short(h.ts), h.source if h.owner == "event" else f"memory:{h.kind}",
                 h.actor or "", score_text(h.score), *((where(h),) if wide else ()), _with_repeats(h.snippet, h.meta))
                for h in result.hits]
        headers = ("id", "date", "source", "speaker", "score", *(("where",) if wide else ()), "text")
        lines.extend(table_lines(rows, headers, columns))
    return "\n".join(lines)


def weak_match(result: SearchResult) -> bool:
    """Whether nothing found is on the query's subject (every shown score below WEAK_MATCH),
    though results are listed: the closest are shown, and said to be so."""
    return bool(result.hits) and max(h.score for h in result.hits) < WEAK_MATCH and not _time_only(result)


def _time_only(result: SearchResult) -> bool:
    """Whether the query asks only what happened in its time ("what happened last week?"):
    then what fits the time answers it, however little its words match."""
    from .search.text import GENERIC, STOPWORDS

    said = [w for w in re.findall(r"\w+", (result.cleaned_query or "").lower()) if w not in STOPWORDS]
    return result.time_range is not None and all(w in GENERIC for w in said)


def where(hit: Hit) -> str:
    """Where a hit happened: a shell command's directory, a file's path and first line."""
    meta = hit.meta
    if hit.owner == "event" and hit.source == "shell":
        return str(meta.get("cwd") or "")
    if meta.get("path"):
        line = meta.get("line_start")
        return f"{meta['path']}:{line}" if line is not None else str(meta["path"])
    return ""


def _with_repeats(text: str, meta: dict[str, Any]) -> str:
    """A result's text, with how often it occurs when identical texts were folded into it
    (its date is then the latest), and whether its file was edited since (no longer says it)."""
    repeats = meta.get("repeats")
    if isinstance(repeats, int) and repeats > 1:
        text = f"({repeats}×) {text}"
    if not meta.get("edited_out"):
        return text
    when = meta.get("edited_out_at")
    return f"(edited out {short(when)[:10]}) {text}" if isinstance(when, (int, float)) else f"(edited out) {text}"


# -- recall show ----------------------------------------------------------------------------
def duration_text(seconds: float) -> str:
    """A span as people say it: "350 ms", "4.2 s", "3 min 05 s", "1 h 02 min"."""
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


EXPORTS = {"chatgpt": "ChatGPT export", "claude": "Claude export", "beam": "BEAM", "locomo": "LoCoMo"}


def score_text(score: float) -> str:
    """A result's score as a table shows it: two decimals, and "<0.01" for one that would read
    0.00 (a row that is shown is not nothing; it is the closest there is)."""
    return f"{score:.2f}" if score >= 0.005 else "<0.01"


def event_fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The labelled fields `recall show ID` prints for an event: every one its source records
    (shell: directory, exit code, duration, host, session; file and note: path and lines;
    screen: application, window and duration; chat: conversation and speaker)."""
    meta: dict[str, Any] = data.get("meta") or {}
    source, actor, session = data.get("source"), data.get("actor"), data.get("session")
    fields: list[tuple[str, str]] = []

    def add(label: str, value: Any) -> None:
        if value is not None and value != "" and value != []:
            fields.append((label, ", ".join(map(str, value)) if isinstance(value, list) else str(value)))

    path = meta.get("path") or meta.get("file")  # (a chat message names the export it came from)
    if source == "shell":
        add("Directory", meta.get("cwd"))
        add("Exit code", meta.get("exit_code"))
        ms = _number(meta.get("duration_ms"))
        add("Duration", duration_text(ms / 1000) if ms is not None else None)
        add("Host", meta.get("host"))
        add("Session", session)
        add("Shell", meta.get("shell"))
        add("User", actor)
    elif source == "screen":
        add("Application", meta.get("app") or actor)
        add("Window", meta.get("title"))
        seconds = _number(meta.get("duration_s"))
        if seconds is None and _number(data.get("ts_end")) and _number(data.get("ts_start")) is not None:
            seconds = float(data["ts_end"]) - float(data["ts_start"]) or None
        add("Duration", duration_text(seconds) if seconds is not None else None)
    elif source == "chat":
        add("Conversation", meta.get("title"))
        add("Imported from", EXPORTS.get(str(meta.get("format")), meta.get("format")))
        add("Speaker", actor)
        add("Session", session)
        add("Model", meta.get("model"))
    else:
        add("User" if source == "file" else "Speaker", actor)
        if path is None or session not in (path, str(path).rsplit("/", 1)[-1]):
            add("Session", session)
    if path:
        add("File", path)
        start, end = meta.get("line_start"), meta.get("line_end")
        if start is not None:
            add("Lines", f"{start}-{end}" if end not in (None, start) else start)
        add("Heading", meta.get("heading"))
    add("Attachments", meta.get("attachments"))
    add("Files", meta.get("files"))
    add("Tags", meta.get("tags"))
    add("Secrets replaced", meta.get("redacted"))
    if meta.get("parts") and data.get("part_ids"):  # "Part: 1 of 2 (the others: 2)"
        others = [str(i) for i in data["part_ids"] if i != data.get("id")]
        add("Part", f"{meta.get('part')} of {meta['parts']} (the others: {', '.join(others)})")
    add("Episode", data.get("episode_id"))  # what `recall consolidate --episode` takes
    return fields


def memory_fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The labelled fields `recall show mID` prints for a memory: pinned or not, its zone and
    strength, and what it is about and when it held."""
    fields = [("Pinned", "yes" if data.get("pinned") else "no")]
    if data.get("zone"):
        fields.append(("Zone", str(data["zone"])))
    if _number(data.get("retention")) is not None:
        recalled = int(data.get("reinforcements") or 0)
        # retention R = exp(-t/S) now; the strength S (days) is what JSON calls "strength"
        held = f" (strength {data['strength']:.1f} days)" if _number(data.get("strength")) is not None else ""
        fields.append(("Retention", f"{data['retention']:.2f}{held}, recalled {plural(recalled, 'time')}"))
    if data.get("subject"):
        fields.append(("Subject", str(data["subject"])))
    if data.get("valid_from") is not None or data.get("valid_to") is not None:
        fields.append(("Valid", f"{short(data.get('valid_from')) or '…'} .. {short(data.get('valid_to')) or '…'}"))
    if data.get("superseded_by"):
        fields.append(("Superseded by", f"m{data['superseded_by']}"))
    if data.get("edited_by_user"):
        fields.append(("Edited", "by you"))
    return fields


def field_lines(fields: Sequence[tuple[str, str]]) -> list[str]:
    """``Label: value`` lines, the values aligned."""
    width = max((len(label) for label, _ in fields), default=0) + 1
    return [f"{label + ':':<{width}} {value}" for label, value in fields]


# -- option values -----------------------------------------------------------------------------
def parse_when(value: str | None, *, end: bool = False, base: float | None = None) -> float | None:
    """A --since/--until/--now value as UNIX seconds (``end``: a bare date means its end;
    ``base``: the --now that "yesterday" counts from)."""
    return None if value is None else parse_time(value, end=end, base=base)


def split_csv(values: Sequence[str] | None) -> list[str] | None:
    """Repeated and comma-separated option values as one list (None when there are none)."""
    if not values:
        return None
    out = [v.strip() for item in values for v in item.split(",") if v.strip()]
    return out or None


def require_positive(name: str, value: int | None) -> None:
    """UsageError when an option given a value got one below 1."""
    if value is not None and value <= 0:
        raise UsageError(f"{name} must be at least 1")


class Searcher(Protocol):
    """What renders a search: the service in process, or the daemon's client."""

    def search(self, query: str, *, limit: int | None = None, since: float | None = None,
               until: float | None = None, sources: Sequence[str] | None = None,
               reference: float | None = None, time_phrases: bool = True) -> SearchResult: ...


def search_output(searcher: Searcher, query: str, *, limit: int | None, since: str | None, until: str | None,
                  source: Sequence[str] | None, now: str | None, time_phrases: bool, as_json: bool,
                  columns: int | None = None, wide: bool = False) -> str:
    """What `recall search` prints, from its raw option values (the daemon renders the
    fast path's answer with it, at the client's ``columns``)."""
    require_positive("--limit", limit)
    sources = split_csv(source)
    reference = parse_when(now)
    result = searcher.search(
        query, limit=limit, since=parse_when(since, base=reference), until=parse_when(until, end=True, base=reference),
        sources=sources, reference=reference, time_phrases=time_phrases,
    )
    known = getattr(searcher, "sources", None)  # (the service has it; a daemon client renders on the daemon)
    registered = getattr(searcher, "registered_sources", None)
    if not result.hits and sources and callable(known) and callable(registered):
        check_sources(sources, known(), registered())
    return search_text(result, as_json, columns, wide)


def check_sources(asked: Sequence[str], have: Iterable[str], registered: Iterable[str]) -> None:
    """UsageError when none of the sources ``asked`` holds events (``have``) or is registered:
    a typo is a wrong flag, but `--source screen` before the first window was recorded (a cron
    job's `forget --source screen`) is a filter that matches nothing yet."""
    have = list(have)
    if not set(asked) & (set(have) | set(registered)):
        raise unknown_sources(asked, have)


def unknown_sources(asked: Sequence[str], have: Iterable[str]) -> UsageError:
    """The error for a --source that no event comes from and no one registered: a typo is a
    wrong flag, not an empty memory."""
    return UsageError(f"no events come from source {', '.join(map(repr, asked))}; "
                      f"sources here: {', '.join(have) or 'none yet'}")

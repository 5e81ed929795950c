"""What `recall` prints: option values in, text and JSON out, with the standard library only.

Shared by the typer commands and the daemon's search fast path (which never imports typer),
so both print byte-for-byte the same thing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from typing import Any, Protocol

from .errors import UsageError
from .models import SearchResult
from .timeutil import iso, parse_time, short


def dumps(data: Any) -> str:
    """Indented JSON, non-ASCII kept, anything else (paths, dates) as its string."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def table_lines(rows: Sequence[Sequence[str]], headers: Sequence[str], columns: int | None = None) -> list[str]:
    """Aligned columns; the last column is cut to the terminal width (or ``columns``)."""
    if not rows:
        return []
    cols = len(headers)
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    term = columns or shutil.get_terminal_size((120, 24)).columns
    last = max(20, term - (sum(widths[:-1]) + 2 * (cols - 1)))

    def fmt(row: Sequence[str]) -> str:
        parts = [str(row[i]).ljust(widths[i]) for i in range(cols - 1)]
        tail = str(row[-1])
        if len(tail) > last:
            tail = tail[: last - 1] + "…"
        return "  ".join([*parts, tail]).rstrip()

    return [fmt(headers), *(fmt(r) for r in rows)]


def search_text(result: SearchResult, as_json: bool, columns: int | None = None) -> str:
    """What `recall search` prints (``columns``: the terminal's width, when rendered elsewhere)."""
    if as_json:
        return dumps({
            "query": result.query, "cleaned_query": result.cleaned_query,
            "time_phrase": result.time_range.phrase if result.time_range else None,
            "since": iso(result.since), "until": iso(result.until),
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
        rows = [(h.ref, short(h.ts), h.source if h.owner == "event" else f"memory:{h.kind}",
                 h.actor or "", f"{h.score:.2f}", _with_repeats(h.snippet, h.meta)) for h in result.hits]
        lines.extend(table_lines(rows, ("id", "date", "source", "speaker", "score", "text"), columns))
    return "\n".join(lines)


def _with_repeats(text: str, meta: dict[str, Any]) -> str:
    """A result's text, with how often it occurs when identical texts were folded into it
    (its date is then the latest)."""
    repeats = meta.get("repeats")
    return f"({repeats}×) {text}" if isinstance(repeats, int) and repeats > 1 else text


# -- option values -----------------------------------------------------------------------------
def parse_when(value: str | None, *, end: bool = False) -> float | None:
    """A --since/--until/--now value as UNIX seconds (``end``: a bare date means its end)."""
    return None if value is None else parse_time(value, end=end)


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
                  columns: int | None = None) -> str:
    """What `recall search` prints, from its raw option values (the daemon renders the
    fast path's answer with it, at the client's ``columns``)."""
    require_positive("--limit", limit)
    result = searcher.search(
        query, limit=limit, since=parse_when(since), until=parse_when(until, end=True),
        sources=split_csv(source), reference=parse_when(now), time_phrases=time_phrases,
    )
    return search_text(result, as_json, columns)

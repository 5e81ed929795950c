"""JSON Lines: one object per line, ``{"text": ..., "time": ..., "speaker": ...}``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..models import Event
from ..timeutil import parse_time
from .base import Skipped, check_ts, clean, file_time, json_type, undecodable, wrong_type

TEXT_KEYS = ("text", "content", "message", "body")
TIME_KEYS = ("time", "timestamp", "ts", "date", "created_at", "datetime")
ACTOR_KEYS = ("speaker", "actor", "author", "role", "sender", "user")


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if obj.get(key) not in (None, ""):
            return obj[key]
    return None


def record_time(value: Any) -> float:
    """A record's time: UNIX seconds (s or ms) or any string parse_time accepts."""
    if isinstance(value, bool):
        raise UsageError(f"cannot read time {value!r}")
    try:
        if isinstance(value, int | float):
            return check_ts(float(value) / 1000 if value > 1e11 else float(value))
        return check_ts(parse_time(str(value)))
    except (ValueError, OverflowError, TypeError) as exc:
        raise UsageError(f"cannot read time {value!r}: {exc}") from None


def _actor_problem(obj: dict[str, Any]) -> str | None:
    key = next((k for k in ACTOR_KEYS if obj.get(k) not in (None, "")), None)
    return wrong_type(obj, key, "string", "number") if key else None


class JsonlImporter:
    name = "jsonl"
    description = "JSON Lines: one object per line with text, time, speaker, session, tags"

    def detect(self, path: Path, head: str) -> bool:
        if path.suffix.lower() in {".jsonl", ".ndjson"}:
            return True
        lines = [ln for ln in head.splitlines() if ln.strip()][:3]
        if len(lines) < 2:
            return False
        try:
            return all(isinstance(json.loads(ln), dict) for ln in lines[:2])
        except (json.JSONDecodeError, RecursionError):
            return False

    nothing_found = "no records with text found"
    skips_bad_lines = True  # a line with a byte that is not UTF-8 is one bad record, not a bad file

    def parse(self, path: Path, text: str) -> Iterator[Event | Skipped]:
        # split on "\n" only: str.splitlines() also breaks at U+2028 and friends,
        # which JSON allows unescaped inside strings
        return self._parse(path, text.split("\n"))

    def parse_path(self, path: Path) -> Iterator[Event | Skipped]:
        from .stream import iter_lines

        return self._parse(path, iter_lines(path, lenient=True))

    def _parse(self, path: Path, lines: Iterable[str]) -> Iterator[Event | Skipped]:
        # records without a time get the file's mtime, not now(), marked undated: their content
        # hash leaves the time out, so a copied or touched file re-imported finds them
        fallback = file_time(path)
        for number, line in enumerate(lines, start=1):
            line = line.removesuffix("\r")
            if not line.strip():
                continue
            if (why := undecodable(line)) is not None:
                yield Skipped(f"line {number}", why, undecodable=True)
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Skipped(f"line {number} column {exc.colno}", f"invalid JSON: {exc.msg}")
                continue
            except RecursionError:
                yield Skipped(f"line {number}", "invalid JSON: nested too deeply")
                continue
            if not isinstance(obj, dict):
                yield Skipped(f"line {number}", "expected a JSON object")
                continue
            raw_time = _first(obj, TIME_KEYS)
            obj = clean(obj)
            body = _first(obj, TEXT_KEYS)
            if body is not None and not isinstance(body, str):
                key = next(k for k in TEXT_KEYS if obj.get(k) is body)
                yield Skipped(f"line {number}", f"'{key}' is {json_type(body)}, expected a string")
                continue
            if body is None or not body.strip():
                yield Skipped(f"line {number}", "no text (expected a 'text' field)")
                continue
            problem = (wrong_type(obj, "session", "string", "number") or wrong_type(obj, "tags", "string", "list")
                       or wrong_type(obj, "source", "string") or wrong_type(obj, "kind", "string")
                       or _actor_problem(obj))
            if problem:
                yield Skipped(f"line {number}", problem)
                continue
            try:
                ts = record_time(raw_time) if raw_time is not None else fallback
            except UsageError as exc:
                yield Skipped(f"line {number}", exc.message)
                continue
            meta = {k: v for k, v in obj.items()
                    if k not in TEXT_KEYS + TIME_KEYS + ACTOR_KEYS + ("session", "source", "kind")}
            if raw_time is None:  # its time is the file's last save: found again by its content alone
                meta["undated"] = True
            tags = obj.get("tags")
            if isinstance(tags, str):
                meta["tags"] = [t.strip() for t in tags.split(",") if t.strip()]
            actor = _first(obj, ACTOR_KEYS)
            yield Event(
                text=body.strip(), ts_start=ts, source=str(obj.get("source") or "note"),
                kind=str(obj.get("kind") or ("message" if actor else "note")),
                actor=str(actor) if actor is not None else None,
                session=str(obj["session"]) if obj.get("session") is not None else None,
                meta=meta,
            )

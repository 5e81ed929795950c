"""LongMemEval histories: one event per chat turn.

Two shapes are read:

- the official files (``longmemeval_s/m/oracle.json``): a list of items with
  ``haystack_sessions`` (lists of ``{role, content, has_answer?}``), ``haystack_dates``
  ("2023/05/30 (Tue) 23:40") and ``haystack_session_ids``;
- the reformatted samples ``{"data": [{"id", "question_type", "conversation":
  [{"role", "content", "date"}], "questions"}]}``, whose sessions are recovered as runs
  of turns with the same date.

Each turn gets its session's date plus a minute per turn, so order survives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..models import Event
from ..timeutil import to_ts
from .base import (
    Skipped,
    _line_col,
    _skip_ws,
    check_ts,
    clean,
    iter_json_array,
    iter_json_elements,
    json_type,
    load_json,
    read_text,
    wrong_type,
)

TURN_SPACING = 60.0
_WEEKDAY = re.compile(r"\(\s*[A-Za-z]{2,9}\.?\s*\)")


def parse_lme_date(text: Any) -> float:
    """'2023/05/30 (Tue) 23:40' -> UNIX seconds (naive local time); ValueError if unreadable."""
    if not isinstance(text, str):
        raise ValueError(f"unreadable LongMemEval date {text!r}")
    cleaned = " ".join(_WEEKDAY.sub(" ", text).split())
    for fmt in ("%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return check_ts(to_ts(datetime.strptime(cleaned, fmt)))
        except ValueError:
            continue
    raise ValueError(f"unreadable LongMemEval date {text!r}")


def turn_problem(turn: Any) -> str | None:
    """Why a turn's fields cannot be read (the first wrong type), None when they can."""
    if not isinstance(turn, dict):
        return f"turn is {json_type(turn)}, expected an object"
    return (wrong_type(turn, "content", "string", "number") or wrong_type(turn, "role", "string")
            or wrong_type(turn, "has_answer", "boolean", "number"))


def turn_content(turn: Any) -> str:
    if not isinstance(turn, dict):
        return ""
    content = turn.get("content")
    if isinstance(content, str):
        return content.strip()
    if isinstance(content, int | float) and not isinstance(content, bool):
        return str(content)
    return ""


class LongMemEvalImporter:
    name = "longmemeval"
    description = "LongMemEval histories (official haystack_sessions, or {data: [conversation]})"

    def detect(self, path: Path, head: str) -> bool:
        if head.lstrip()[:1] not in ("[", "{"):
            return False
        if '"haystack_sessions"' in head or '"haystack_dates"' in head or '"haystack_session_ids"' in head:
            return True
        return '"data"' in head and '"conversation"' in head and (
            '"question_type"' in head or "longmemeval" in head.lower())

    def parse(self, path: Path, text: str) -> Iterator[Event | Skipped]:
        start = _skip_ws(text, 0)
        if start < len(text) and text[start] == "{":
            return self._reformatted_file(path, text)
        return self._items(iter_json_array(path, text))

    def parse_path(self, path: Path) -> Iterator[Event | Skipped]:
        """The official list a question at a time; a ``{"data": ...}`` file is read whole."""
        from .stream import first_char, iter_json_array_file

        if first_char(path) == "{":
            return self._reformatted_file(path, read_text(path, path.stat().st_size))
        return self._items(iter_json_array_file(path))

    def _items(self, items: Iterator[tuple[int, Any] | Skipped]) -> Iterator[Event | Skipped]:
        for item in items:
            if isinstance(item, Skipped):
                yield item
                continue
            index, obj = item
            if not isinstance(obj, dict):
                yield Skipped(f"element {index}", "not a LongMemEval item (expected an object)")
            elif "haystack_sessions" in obj:
                yield from self._official(index, clean(obj))
            elif "conversation" in obj:
                yield from self._reformatted(index, clean(obj))
            else:
                yield Skipped(f"element {index}",
                              "not a LongMemEval item (no 'haystack_sessions' or 'conversation')")

    # -- {"data": [...]} ------------------------------------------------------------------
    def _reformatted_file(self, path: Path, text: str) -> Iterator[Event | Skipped]:
        try:
            document = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            document = None
        if document is not None:
            if isinstance(document, dict) and "haystack_sessions" in document:
                yield from self._official(0, clean(document))
                return
            data = document.get("data") if isinstance(document, dict) else None
            if not isinstance(data, list):
                yield Skipped("line 1", "not a LongMemEval file (no 'data' list of items)")
                return
            for index, obj in enumerate(data):
                yield from self._reformatted(index, clean(obj))
            return
        # broken JSON: salvage the complete items of the "data" array
        for item in _iter_data_array(path, text):
            if isinstance(item, Skipped):
                yield item
            else:
                yield from self._reformatted(item[0], clean(item[1]))

    def _reformatted(self, index: int, obj: Any) -> Iterator[Event | Skipped]:
        if not isinstance(obj, dict) or not isinstance(obj.get("conversation"), list):
            yield Skipped(f"element {index}", "not a LongMemEval item (no 'conversation' list)")
            return
        item_id = str(obj.get("id") or obj.get("question_id") or f"item-{index}")
        question_id = obj.get("question_id") or _question_id(item_id)
        group = -1
        previous_date: Any = object()
        turn_index = 0
        session_start = 0.0
        for position, turn in enumerate(obj["conversation"]):
            where = f"element {index} ({item_id}) turn {position}"
            date = turn.get("date") if isinstance(turn, dict) else None
            if date != previous_date:
                try:
                    session_start = parse_lme_date(date)
                except ValueError as exc:
                    yield Skipped(where, str(exc))
                    continue
                group += 1
                turn_index = 0
                previous_date = date
            body, problem = turn_content(turn), turn_problem(turn)
            if problem or not body:
                yield Skipped(where, problem or "turn has no content")
                turn_index += 1
                continue
            session = f"{item_id}:{group}"
            meta: dict[str, Any] = {"format": "longmemeval", "question_id": question_id, "item_id": item_id,
                                    "session_id": session, "session_date": date, "turn_index": turn_index}
            if obj.get("question_type"):
                meta["question_type"] = obj["question_type"]
            if "has_answer" in turn:
                meta["has_answer"] = bool(turn["has_answer"])
            yield Event(text=body, ts_start=session_start + turn_index * TURN_SPACING, source="chat",
                        kind="message", actor=_role(turn), session=session, meta=meta)
            turn_index += 1

    # -- official list of items ----------------------------------------------------------
    def _official(self, index: int, obj: dict[str, Any]) -> Iterator[Event | Skipped]:
        question_id = str(obj.get("question_id") or f"item-{index}")
        sessions = obj.get("haystack_sessions")
        dates = obj.get("haystack_dates")
        ids = obj.get("haystack_session_ids")
        if not isinstance(sessions, list):
            yield Skipped(f"element {index} ({question_id})", "'haystack_sessions' is not a list")
            return
        if not isinstance(dates, list):
            dates = []
        if not isinstance(ids, list):
            ids = []
        for number, turns in enumerate(sessions):
            where = f"element {index} ({question_id}) session {number}"
            session_id = str(ids[number]) if number < len(ids) and ids[number] is not None \
                else f"{question_id}:session_{number}"
            if not isinstance(turns, list):
                yield Skipped(where, "session is not a list of turns")
                continue
            date = dates[number] if number < len(dates) else None
            try:
                start = parse_lme_date(date)
            except ValueError as exc:
                yield Skipped(where, str(exc) if date is not None else "session has no date in 'haystack_dates'")
                continue
            for turn_index, turn in enumerate(turns):
                body, problem = turn_content(turn), turn_problem(turn)
                if problem or not body:
                    yield Skipped(f"{where} turn {turn_index}", problem or "turn has no content")
                    continue
                meta: dict[str, Any] = {"format": "longmemeval", "question_id": question_id,
                                        "session_id": session_id, "session_date": date,
                                        "turn_index": turn_index, "has_answer": bool(turn.get("has_answer"))}
                if obj.get("question_type"):
                    meta["question_type"] = obj["question_type"]
                yield Event(text=body, ts_start=start + turn_index * TURN_SPACING, source="chat",
                            kind="message", actor=_role(turn), session=session_id, meta=meta)


def _role(turn: dict[str, Any]) -> str | None:
    role = turn.get("role")
    return str(role) if role not in (None, "") else None


def _question_id(item_id: str) -> str:
    """'temporal-rea-gpt4_2c50253f' -> 'gpt4_2c50253f' (the reformatted ids add a type prefix)."""
    match = re.match(r"^[a-z]+(?:-[a-z]+)?-(.+)$", item_id)
    return match.group(1) if match else item_id


def _iter_data_array(path: Path, text: str) -> Iterator[tuple[int, Any] | Skipped]:
    """The complete elements of the ``"data": [...]`` array of a broken document."""
    match = re.search(r'"data"\s*:\s*\[', text)
    if match is None:
        load_json(path, text)  # raises with the position of the syntax error
        raise InputError("not a LongMemEval file (no 'data' list)", str(path))
    end = yield from iter_json_elements(text, match.end(), noun="item", array="the 'data' array")
    if end is None:
        return
    # the items are fine; the damage is after the array
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        yield Skipped(_line_col(text, exc.pos), f"invalid JSON after the 'data' array: {exc.msg}")
    except RecursionError:
        yield Skipped(_line_col(text, end - 1), "invalid JSON: nested too deeply")

"""BEAM benchmark chats (``chats/<track>/<n>/chat.json``): one event per message.

A chat is a list of batches ``{batch_number, time_anchor, turns: [[message, ...], ...]}``;
a message is ``{role, id, content, time_anchor?, index?, question_type?}``. The message
``id`` is what the benchmark's ``source_chat_ids`` refer to, so it is kept in
``meta["message_id"]``. Time: the latest ``time_anchor`` seen ("March-15-2024"), else a
fixed synthetic start, plus a minute per message, so order survives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..models import Event
from ..timeutil import parse_time, to_ts
from .base import Skipped, check_ts, iter_json_objects, wrong_type

MESSAGE_SPACING = 60.0
SYNTHETIC_START = datetime(2024, 1, 1, 9, 0)
_GENERIC_STEMS = {"chat", "chats", "conversation", "conversations", "data", "messages"}
_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y %m %d", "%m %d %Y", "%B %Y", "%b %Y")


def parse_anchor(text: Any) -> float:
    """'March-15-2024' (or 'March 15, 2024', '2024-03-15', ...) -> local midnight; ValueError."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"unreadable time anchor {text!r}")
    cleaned = " ".join(re.sub(r"[-/,.]", " ", text).split())
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned)
    for fmt in _FORMATS:
        try:
            return check_ts(to_ts(datetime.strptime(cleaned, fmt)))
        except ValueError:
            continue
    try:
        return check_ts(parse_time(text))
    except (UsageError, ValueError, OverflowError):
        raise ValueError(f"unreadable time anchor {text!r}") from None


def chat_name(path: Path) -> str:
    """A name that keeps chats apart: the file stem, or '100K/1' for '100K/1/chat.json'."""
    if path.stem.lower() not in _GENERIC_STEMS:
        return path.stem
    parents = [p.name for p in path.resolve().parents[:2] if p.name][::-1]
    return "/".join(parents) or path.stem


class BeamImporter:
    name = "beam"
    description = "BEAM benchmark chat.json (batches of turns with message ids and time anchors)"

    def detect(self, path: Path, head: str) -> bool:
        return head.lstrip()[:1] == "[" and '"batch_number"' in head and '"turns"' in head

    def parse(self, path: Path, text: str) -> Iterator[Event | Skipped]:
        return self._parse(path, text)

    def parse_path(self, path: Path) -> Iterator[Event | Skipped]:
        return self._parse(path, None)

    def _parse(self, path: Path, text: str | None) -> Iterator[Event | Skipped]:
        chat = chat_name(path)
        clock = to_ts(SYNTHETIC_START)
        step = 0
        for item in iter_json_objects(path, text, "turns", list, noun="batch", what="a BEAM batch"):
            if isinstance(item, Skipped):
                yield item
                continue
            index, batch = item
            number = batch.get("batch_number")
            if isinstance(number, bool) or not isinstance(number, int | str) or number == "":
                number = index + 1
            if batch.get("time_anchor"):
                try:
                    clock, step = parse_anchor(batch["time_anchor"]), 0
                except ValueError as exc:
                    yield Skipped(f"batch {index}", f"{exc}; keeping the previous time")
            for turn_no, turn in enumerate(batch["turns"]):
                messages = turn if isinstance(turn, list) else [turn]
                for msg_no, message in enumerate(messages):
                    where = f"batch {index} turn {turn_no} message {msg_no}"
                    if not isinstance(message, dict):
                        yield Skipped(where, "message is not an object")
                        continue
                    if message.get("time_anchor"):
                        try:
                            clock, step = parse_anchor(message["time_anchor"]), 0
                        except ValueError as exc:
                            yield Skipped(where, f"{exc}; keeping the previous time")
                    content = message.get("content")
                    problem = (wrong_type(message, "content", "string") or wrong_type(message, "role", "string")
                               or wrong_type(message, "question_type", "string"))
                    if problem or not isinstance(content, str) or not content.strip():
                        yield Skipped(where, problem or "message has no content")
                        continue
                    ts = clock + step * MESSAGE_SPACING
                    step += 1
                    meta: dict[str, Any] = {"format": "beam", "chat": chat, "batch_number": number,
                                            "turn_index": turn_no}
                    if "id" in message and message["id"] is not None:
                        meta["message_id"] = message["id"]
                    for key in ("index", "question_type", "time_anchor"):
                        if message.get(key) is not None:
                            meta[key] = message[key]
                    role = message.get("role")
                    yield Event(text=content.strip(), ts_start=ts, source="chat", kind="message",
                                actor=str(role) if role not in (None, "") else None,
                                session=f"beam:{chat}:{number}", meta=meta)

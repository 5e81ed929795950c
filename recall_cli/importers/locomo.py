"""LoCoMo conversations (locomo10.json schema): one event per dialogue turn.

Each turn gets its session's date plus a minute per turn, so order survives; a shared
image becomes "[shares <caption>]" as in the LoCoMo paper.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..models import Event
from ..timeutil import to_ts
from .base import Skipped, iter_json_objects, json_type, wrong_type

_SESSION = re.compile(r"^session_(\d+)$")
TURN_SPACING = 60.0


def parse_locomo_date(text: str) -> float:
    """'1:56 pm on 8 May, 2023' -> UNIX seconds (naive local time)."""
    cleaned = " ".join(text.replace(",", " ").split())
    for fmt in ("%I:%M %p on %d %B %Y", "%I:%M %p on %d %b %Y", "%H:%M on %d %B %Y"):
        try:
            return to_ts(datetime.strptime(cleaned, fmt))
        except ValueError:
            continue
    raise ValueError(f"unreadable LoCoMo date {text!r}")


def turn_text(turn: dict[str, Any]) -> str:
    """The turn's words plus its shared image caption, if any."""
    text = str(turn.get("text") or "").strip()
    caption = turn.get("blip_caption")
    if caption:
        text = f"{text} [shares {caption}]".strip()
    return text


def turn_problem(turn: Any) -> str | None:
    """Why a turn's fields cannot be read (the first wrong type), None when they can."""
    if not isinstance(turn, dict):
        return f"turn is {json_type(turn)}, expected an object"
    return (wrong_type(turn, "text", "string") or wrong_type(turn, "speaker", "string")
            or wrong_type(turn, "blip_caption", "string") or wrong_type(turn, "dia_id", "string", "number")
            or wrong_type(turn, "img_url", "string", "list"))


def session_numbers(conversation: dict[str, Any]) -> list[int]:
    return sorted(int(m.group(1)) for k in conversation if (m := _SESSION.match(k)))


class LocomoImporter:
    name = "locomo"
    description = "LoCoMo benchmark conversations (list of samples with conversation/qa)"

    def detect(self, path: Path, head: str) -> bool:
        return '"conversation"' in head and ('"speaker_a"' in head or '"qa"' in head) and "session_1" in head

    def parse(self, path: Path, text: str) -> Iterator[Event | Skipped]:
        return self._parse(path, text)

    def parse_path(self, path: Path) -> Iterator[Event | Skipped]:
        return self._parse(path, None)

    def _parse(self, path: Path, text: str | None) -> Iterator[Event | Skipped]:
        for item in iter_json_objects(path, text, "conversation", dict, noun="element", what="a LoCoMo sample"):
            if isinstance(item, Skipped):
                yield item
            else:
                yield from self._sample(*item)

    def _sample(self, index: int, sample: dict[str, Any]) -> Iterator[Event | Skipped]:
        conv = sample["conversation"]
        sample_id = str(sample.get("sample_id") or f"sample-{index}")
        for number in session_numbers(conv):
            turns = conv.get(f"session_{number}")
            date_text = conv.get(f"session_{number}_date_time")
            where = f"{sample_id} session_{number}"
            if not isinstance(turns, list):
                yield Skipped(where, "session is not a list of turns")
                continue
            try:
                start = parse_locomo_date(str(date_text))
            except ValueError as exc:
                yield Skipped(where, str(exc))
                continue
            for position, turn in enumerate(turns):
                problem = turn_problem(turn)
                if problem or not turn_text(turn):
                    yield Skipped(f"{where} turn {position}", problem or "turn has no text")
                    continue
                meta: dict[str, Any] = {"format": "locomo", "sample_id": sample_id,
                                        "session_number": number, "session_date": date_text}
                if turn.get("dia_id"):
                    meta["dia_id"] = str(turn["dia_id"])
                if turn.get("img_url"):
                    meta["img_url"] = turn["img_url"]
                if turn.get("blip_caption"):
                    meta["image_caption"] = turn["blip_caption"]
                yield Event(
                    text=turn_text(turn), ts_start=start + position * TURN_SPACING,
                    source="chat", kind="message", actor=str(turn.get("speaker") or "") or None,
                    session=f"{sample_id}:session_{number}", meta=meta,
                )

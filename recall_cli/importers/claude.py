"""Claude.ai data export (``conversations.json``): one event per message.

Text comes from the message's ``text`` blocks (``thinking`` and tool blocks are left
out), falling back to the flat ``text`` field. Attachment and file names go to meta;
an attachment's extracted text is appended, cut to a few KB.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..models import Event
from ..timeutil import parse_time
from .base import Skipped, check_ts, file_time, iter_json_objects, json_type, wrong_type

ATTACHMENT_CHARS = 4000
ACTORS = {"human": "user", "user": "user", "assistant": "assistant"}


def iso_time(value: Any) -> float | None:
    """An ISO 8601 string (or UNIX seconds) as UNIX seconds, None when unreadable."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return check_ts(float(value) / 1000 if value > 1e11 else float(value))
        if not isinstance(value, str) or not value.strip():
            return None
        return check_ts(parse_time(value))
    except (UsageError, ValueError, OverflowError):
        return None


def message_text(message: dict[str, Any]) -> str:
    """The words of a message: its text blocks, else its flat ``text``."""
    blocks = message.get("content")
    if isinstance(blocks, list):
        texts = [b["text"].strip() for b in blocks
                 if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
                 and b["text"].strip()]
        if texts:
            return "\n\n".join(texts)
    text = message.get("text")
    return text.strip() if isinstance(text, str) else ""


def attachment_parts(message: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """(attachment names, file names, text to append) for a message."""
    names: list[str] = []
    extra: list[str] = []
    for att in _list(message.get("attachments")):
        if not isinstance(att, dict):
            continue
        name = str(att.get("file_name") or "attachment")
        names.append(name)
        content = att.get("extracted_content")
        if isinstance(content, str) and content.strip():
            content = content.strip()
            if len(content) > ATTACHMENT_CHARS:
                more = len(content) - ATTACHMENT_CHARS
                content = content[:ATTACHMENT_CHARS].rstrip() + f" [... {more} more characters]"
            extra.append(f"[attachment {name}]\n{content}")
    files = [str(f.get("file_name")) for f in _list(message.get("files"))
             if isinstance(f, dict) and f.get("file_name")]
    return names, files, extra


def _time_problem(obj: dict[str, Any], key: str) -> str | None:
    """Why ``obj[key]`` is not a time: an ISO 8601 string, UNIX seconds or null are."""
    value = obj.get(key)
    if value is None or iso_time(value) is not None:
        return None
    if isinstance(value, str):
        return f"'{key}' is not a time: {value[:40]!r}" if value.strip() else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"'{key}' {value!r} is out of range (years 1-9999)"
    return f"'{key}' is {json_type(value)}, expected a time string"


def message_problem(message: dict[str, Any]) -> str | None:
    """Why a message's fields cannot be read (the first wrong type), None when they can."""
    problem = (wrong_type(message, "sender", "string") or wrong_type(message, "text", "string")
               or wrong_type(message, "content", "list") or wrong_type(message, "attachments", "list")
               or wrong_type(message, "files", "list") or wrong_type(message, "uuid", "string", "number")
               or _time_problem(message, "created_at"))
    if problem:
        return problem
    for number, block in enumerate(_list(message.get("content"))):
        if not isinstance(block, dict):
            return f"'content' item {number} is {json_type(block)}, expected an object"
        problem = wrong_type(block, "type", "string") or wrong_type(block, "text", "string")
        if problem:
            return f"'content' item {number}: {problem}"
    for number, attachment in enumerate(_list(message.get("attachments"))):
        if isinstance(attachment, dict) and (problem := wrong_type(attachment, "extracted_content", "string")):
            return f"'attachments' item {number}: {problem}"
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class ClaudeImporter:
    name = "claude"
    description = "Claude.ai data export conversations.json (chat_messages with sender)"

    def detect(self, path: Path, head: str) -> bool:
        return head.lstrip()[:1] in ("[", "{") and '"chat_messages"' in head

    nothing_found = "no conversations with messages found"

    def parse(self, path: Path, text: str) -> Iterator[Event | Skipped]:
        return self._parse(path, text)

    def parse_path(self, path: Path) -> Iterator[Event | Skipped]:
        return self._parse(path, None)

    def _parse(self, path: Path, text: str | None) -> Iterator[Event | Skipped]:
        fallback = file_time(path)
        for item in iter_json_objects(path, text, "chat_messages", list, noun="conversation",
                                      what="a Claude conversation"):
            if isinstance(item, Skipped):
                yield item
                continue
            index, conv = item
            problem = (wrong_type(conv, "uuid", "string", "number") or wrong_type(conv, "name", "string")
                       or _time_problem(conv, "created_at") or _time_problem(conv, "updated_at"))
            if problem:
                yield Skipped(f"conversation {index}", problem)
            else:
                yield from self._conversation(index, conv, fallback)

    def _conversation(self, index: int, conv: dict[str, Any], fallback: float) -> Iterator[Event | Skipped]:
        session = str(conv.get("uuid") or f"claude-conversation-{index}")
        name = conv.get("name") if isinstance(conv.get("name"), str) else None
        start = iso_time(conv.get("created_at"))
        if start is None:
            start = iso_time(conv.get("updated_at"))
        last: float | None = None
        for position, message in enumerate(conv["chat_messages"]):
            where = f"conversation {index} message {position}"
            if not isinstance(message, dict):
                yield Skipped(where, "message is not an object")
                continue
            problem = message_problem(message)
            if problem:
                yield Skipped(where, problem)
                continue
            sender = message.get("sender")
            actor = ACTORS.get(sender) if isinstance(sender, str) else None
            if actor is None:
                yield Skipped(where, f"unknown sender {sender!r} (expected 'human' or 'assistant')")
                continue
            names, files, extra = attachment_parts(message)
            body = "\n\n".join(p for p in [message_text(message), *extra] if p)
            if not body and files:
                body = " ".join(f"[file {f}]" for f in files)
            if not body:
                continue  # an empty turn (a cancelled or failed reply): nothing was said
            ts = iso_time(message.get("created_at"))
            if ts is None:
                ts = last + 1 if last is not None else (start if start is not None else fallback) + position
            last = ts if last is None else max(last, ts)
            meta: dict[str, Any] = {"format": "claude", "conversation_index": index, "turn_index": position,
                                    "sender": sender}
            if name:
                meta["title"] = name
            if message.get("uuid"):
                meta["message_id"] = str(message["uuid"])
            if names:
                meta["attachments"] = names
            if files:
                meta["files"] = files
            yield Event(text=body, ts_start=ts, source="chat", kind="message", actor=actor,
                        session=session, meta=meta)

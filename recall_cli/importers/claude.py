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
from .base import Skipped, check_ts, file_time, iter_json_objects

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


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class ClaudeImporter:
    name = "claude"
    description = "Claude.ai data export conversations.json (chat_messages with sender)"

    def detect(self, path: Path, head: str) -> bool:
        return head.lstrip()[:1] in ("[", "{") and '"chat_messages"' in head

    def parse(self, path: Path, text: str) -> Iterator[Event | Skipped]:
        fallback = file_time(path)
        for item in iter_json_objects(path, text, "chat_messages", list, noun="conversation",
                                      what="a Claude conversation"):
            if isinstance(item, Skipped):
                yield item
            else:
                yield from self._conversation(*item, fallback)

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

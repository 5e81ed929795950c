"""ChatGPT data export (``conversations.json``): one event per displayed message.

A conversation is a tree (``mapping``) because edits and regenerations branch it; the
thread the user saw is the path from ``current_node`` back to the root through
``parent``. System, tool and hidden messages, tool calls and empty messages are not
part of what was said and are left out; broken records are reported as Skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..models import Event
from .base import Skipped, check_ts, file_time, iter_json_objects, json_type, wrong_type

KEEP_ROLES = ("user", "assistant")
# parts of a multimodal message that are not text, shown as a short placeholder
_PLACEHOLDERS = {
    "image_asset_pointer": "[image]",
    "audio_asset_pointer": "[audio]",
    "real_time_user_audio_video_asset_pointer": "[audio/video]",
    "video_container_asset_pointer": "[video]",
}


def _number(value: Any) -> float | None:
    """A finite UNIX time from a number (or numeric string), else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return check_ts(float(value))
    except (TypeError, ValueError, OverflowError):
        return None


def part_text(part: Any) -> str:
    """The text of one ``parts`` entry: a string, or a dict (image, audio transcript...)."""
    if isinstance(part, str):
        return part
    if not isinstance(part, dict):
        return ""
    kind = str(part.get("content_type") or "")
    if isinstance(part.get("text"), str) and part["text"].strip():
        return part["text"]
    if kind in _PLACEHOLDERS:
        return _PLACEHOLDERS[kind]
    if "image" in kind:
        return "[image]"
    return f"[{kind}]" if kind else ""


def message_text(message: dict[str, Any]) -> str:
    """The displayed text of a message, '' when it has none."""
    content = message.get("content")
    if isinstance(content, str):
        return content.strip()
    if not isinstance(content, dict):
        return ""
    kind = content.get("content_type")
    if kind in ("text", "multimodal_text", None):
        parts = content.get("parts")
        if isinstance(parts, str):
            parts = [parts]
        if not isinstance(parts, list):
            return str(content.get("text") or "").strip()
        return "\n".join(t.strip() for t in map(part_text, parts) if t and t.strip()).strip()
    if kind == "code" and isinstance(content.get("text"), str):
        language = content.get("language") if isinstance(content.get("language"), str) else ""
        if language == "unknown":
            language = ""
        return f"```{language}\n{content['text'].strip()}\n```" if content["text"].strip() else ""
    # thoughts, reasoning_recap, user_editable_context, execution_output, browsing...:
    # not part of the displayed conversation
    return ""


def _time_problem(obj: dict[str, Any], key: str) -> str | None:
    """Why ``obj[key]`` is not a time: a number, a numeric string or null are."""
    value = obj.get(key)
    if value is None or _number(value) is not None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"'{key}' {value!r} is out of range (years 1-9999)"
    shown = f" ({value[:40]!r})" if isinstance(value, str) else ""
    return f"'{key}' is {json_type(value)}{shown}, expected a number"


def conversation_problem(conv: dict[str, Any]) -> str | None:
    """Why a conversation's own fields cannot be read (the first), None when they can."""
    return (wrong_type(conv, "title", "string") or wrong_type(conv, "current_node", "string")
            or wrong_type(conv, "conversation_id", "string", "number") or wrong_type(conv, "id", "string", "number")
            or _time_problem(conv, "create_time") or _time_problem(conv, "update_time"))


def message_problem(message: dict[str, Any]) -> str | None:
    """Why a message's fields cannot be read (the first wrong type), None when they can."""
    problem = (wrong_type(message, "author", "object") or wrong_type(message, "content", "object", "string")
               or wrong_type(message, "metadata", "object") or wrong_type(message, "recipient", "string")
               or wrong_type(message, "id", "string", "number") or _time_problem(message, "create_time"))
    if problem:
        return problem
    author, content = message.get("author"), message.get("content")
    if isinstance(author, dict) and (problem := wrong_type(author, "role", "string")):
        return f"'author': {problem}"
    if isinstance(content, dict):
        problem = wrong_type(content, "content_type", "string") or wrong_type(content, "parts", "list", "string")
        if problem:
            return f"'content': {problem}"
        for number, part in enumerate(_list(content.get("parts"))):
            if not isinstance(part, str | dict):
                return f"'content.parts' item {number} is {json_type(part)}, expected text or an object"
            if isinstance(part, dict) and (problem := wrong_type(part, "text", "string")):
                return f"'content.parts' item {number}: {problem}"
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def displayed_thread(mapping: dict[str, Any], current: Any) -> list[dict[str, Any]]:
    """Nodes from the root to ``current_node`` (or the latest leaf), in order."""
    if not isinstance(current, str) or current not in mapping:
        current = _latest_leaf(mapping)
    thread: list[dict[str, Any]] = []
    seen: set[str] = set()
    node_id = current
    while isinstance(node_id, str) and node_id in mapping and node_id not in seen:
        seen.add(node_id)
        node = mapping[node_id]
        if not isinstance(node, dict):
            break
        thread.append(node)
        node_id = node.get("parent")
    thread.reverse()
    return thread


def _latest_leaf(mapping: dict[str, Any]) -> str | None:
    """Without a usable current_node: the childless node with the latest message."""
    best: tuple[float, int] | None = None
    best_id = None
    for order, (node_id, node) in enumerate(mapping.items()):
        if not isinstance(node, dict) or node.get("children"):
            continue
        message = node.get("message")
        created = _number(message.get("create_time")) if isinstance(message, dict) else None
        key = (created if created is not None else float("-inf"), order)
        if best is None or key > best:
            best, best_id = key, node_id
    return best_id


class ChatGPTImporter:
    name = "chatgpt"
    description = "ChatGPT data export conversations.json (follows the displayed branch)"

    def detect(self, path: Path, head: str) -> bool:
        start = head.lstrip()[:1]
        return start in ("[", "{") and '"mapping"' in head and (
            '"current_node"' in head or '"author"' in head or '"create_time"' in head
        )

    nothing_found = "no conversations with messages found"

    def parse(self, path: Path, text: str) -> Iterator[Event | Skipped]:
        return self._parse(path, text)

    def parse_path(self, path: Path) -> Iterator[Event | Skipped]:
        return self._parse(path, None)

    def _parse(self, path: Path, text: str | None) -> Iterator[Event | Skipped]:
        fallback = file_time(path)
        for item in iter_json_objects(path, text, "mapping", dict, noun="conversation",
                                      what="a ChatGPT conversation"):
            if isinstance(item, Skipped):
                yield item
                continue
            index, conv = item
            problem = conversation_problem(conv)
            if problem:
                yield Skipped(f"conversation {index}", problem)
            else:
                yield from self._conversation(index, conv, fallback)

    def _conversation(self, index: int, conv: dict[str, Any], fallback: float) -> Iterator[Event | Skipped]:
        conv_id = conv.get("conversation_id") or conv.get("id")
        session = str(conv_id) if conv_id not in (None, "") else f"chatgpt-conversation-{index}"
        title = conv.get("title") if isinstance(conv.get("title"), str) else None
        base = _number(conv.get("create_time"))
        if base is None:
            base = _number(conv.get("update_time"))
        last: float | None = None
        kept = 0
        thread = displayed_thread(conv["mapping"], conv.get("current_node"))
        for position, node in enumerate(thread):
            message = node.get("message")
            if message is None:  # the root node of every export has no message
                continue
            where = f"conversation {index} message {position}"
            if not isinstance(message, dict):
                yield Skipped(where, "message is not an object")
                continue
            author = message.get("author")
            role = author.get("role") if isinstance(author, dict) else author
            if role not in KEEP_ROLES:
                continue  # system, tool: not what the people said
            problem = message_problem(message)
            if problem:
                yield Skipped(where, problem)
                continue
            metadata = message.get("metadata")
            if not isinstance(metadata, dict):
                metadata = {}
            if metadata.get("is_visually_hidden_from_conversation"):
                continue
            recipient = message.get("recipient")
            if role == "assistant" and recipient not in (None, "all"):
                continue  # a call to a tool (python, browser, dalle), not shown as a reply
            body = message_text(message)
            attachments = [str(a.get("name")) for a in _list(metadata.get("attachments"))
                           if isinstance(a, dict) and a.get("name")]
            if not body and attachments:
                body = " ".join(f"[attachment {name}]" for name in attachments)
            if not body:
                continue
            ts = _number(message.get("create_time"))
            if ts is None:
                # no time of its own: just after the previous message, or the
                # conversation's start plus its place in the thread
                ts = last + 1 if last is not None else (base if base is not None else fallback) + position
            last = ts if last is None else max(last, ts)
            meta: dict[str, Any] = {"format": "chatgpt", "conversation_index": index, "turn_index": kept}
            if title:
                meta["title"] = title
            if message.get("id") or node.get("id"):
                meta["message_id"] = str(message.get("id") or node.get("id"))
            model = metadata.get("model_slug")
            if role == "assistant" and isinstance(model, str):
                meta["model"] = model
            if attachments:
                meta["attachments"] = attachments
            kept += 1
            yield Event(text=body, ts_start=ts, source="chat", kind="message", actor=role,
                        session=session, meta=meta)

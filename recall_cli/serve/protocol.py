"""The daemon's wire format: newline-delimited JSON over a Unix socket.

Request:  {"op": "search", "args": {...}}
Reply:    {"ok": true, "result": ...} or {"ok": false, "error": {"type": ..., "message": ...}}
Streaming ops send {"token": "..."} lines before the final reply.
A ping's result says which home the daemon serves and a digest of its settings
({"pid", "home", "settings"}); a request may name its home ({"home": ...}), and a daemon
serving another one refuses it (an OtherHome error) instead of answering from its own.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING, Any

from .. import errors
from ..models import Event, Hit, Memory, SearchResult
from ..timephrase.phrase import TimeRange

if TYPE_CHECKING:
    from ..config import Config
    from ..llm.ask import Answer

MAX_LINE = 64 * 1024 * 1024  # a reply (a long search result rendered as text)
MAX_REQUEST = 1024 * 1024  # a request: anything longer is refused unread
CONNECT_TIMEOUT = 0.5  # seconds; a daemon that cannot accept by then is treated as absent
# How long a client waits for each operation's reply before it works in-process instead.
# An answer may wait for the daemon's lock (an idle-time consolidation batch) and then for the
# model; the deadline runs between messages, so a long answer is fine once it streams.
DEADLINES = {"ping": 0.5, "status": 2.0, "search": 15.0, "search_text": 15.0, "add": 15.0, "remember": 30.0,
             "ask": 120.0}
DEFAULT_DEADLINE = 60.0


# settings no request's output depends on: what only the daemon's own jobs, imports or the TUI
# read, and how fast the models run; a client whose other settings differ from the daemon's
# (a one-off RECALL_SEARCH_LIMIT=3, a `config set` since it started) works in-process
NOT_IN_OUTPUT = ("serve.", "sync.", "watch.", "screen.", "tui.", "import.", "ingest.", "llm.threads",
                 "llm.gpu_layers", "llm.prompt_cache", "embed.batch_size", "embed.device")


def home_id(home: str | os.PathLike[str]) -> str:
    """How a daemon names the home it serves, and a client its own: the resolved real path
    (two spellings of one folder, a symbolic link to it, are one home)."""
    return os.path.realpath(os.fspath(home))


def settings_id(config: Config) -> str:
    """A digest of the settings a request's output depends on (all but NOT_IN_OUTPUT)."""
    kept = {key: value for key, value in config.values.items() if not key.startswith(NOT_IN_OUTPUT)}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()[:16]


class OtherHome(errors.RecallError):
    """A request that names a home the daemon does not serve (its client works in-process)."""


def encode(message: dict[str, Any]) -> bytes:
    return (json.dumps(message, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def search_result_to_dict(result: SearchResult) -> dict[str, Any]:
    return {
        "hits": [h.to_dict() for h in result.hits], "query": result.query,
        "cleaned_query": result.cleaned_query,
        "time_range": None if result.time_range is None else {
            "phrase": result.time_range.phrase, "since": result.time_range.since,
            "until": result.time_range.until},
        "since": result.since, "until": result.until, "timings": result.timings,
    }


def hit_from_dict(d: dict[str, Any]) -> Hit:
    return Hit(owner=d["type"], id=d["id"], score=d["score"], ts=d["ts"], text=d["text"], source=d["source"],
               actor=d.get("actor"), session=d.get("session"), kind=d.get("kind"), snippet=d.get("snippet", ""),
               meta=d.get("meta") or {}, ranks=d.get("ranks") or {})


def search_result_from_dict(d: dict[str, Any]) -> SearchResult:
    tr = d.get("time_range")
    return SearchResult(
        hits=[hit_from_dict(h) for h in d["hits"]], query=d["query"], cleaned_query=d["cleaned_query"],
        time_range=TimeRange(tr["phrase"], tr["since"], tr["until"]) if tr else None,
        since=d.get("since"), until=d.get("until"), timings=d.get("timings") or {},
    )


def event_from_dict(d: dict[str, Any]) -> Event:
    return Event(text=d["text"], ts_start=d["ts_start"], source=d["source"], kind=d["kind"], actor=d.get("actor"),
                 session=d.get("session"), ts_end=d.get("ts_end"), meta=d.get("meta") or {}, id=d.get("id"),
                 content_hash=d.get("content_hash", ""), episode_id=d.get("episode_id"))


def error_to_dict(exc: BaseException) -> dict[str, Any]:
    return {"type": type(exc).__name__, "message": getattr(exc, "message", str(exc))}


def error_from_dict(d: dict[str, Any]) -> errors.RecallError:
    cls = getattr(errors, d.get("type", ""), None)
    if isinstance(cls, type) and issubclass(cls, errors.RecallError):
        exc = cls.__new__(cls)
        errors.RecallError.__init__(exc, d.get("message", "daemon error"))
        return exc
    return errors.RecallError(f"daemon: {d.get('message', 'unknown error')}")


def memory_from_dict(d: dict[str, Any]) -> Memory:
    fields = set(Memory.__dataclass_fields__)
    return Memory(**{k: v for k, v in d.items() if k in fields})


def answer_from_dict(d: dict[str, Any]) -> Answer:
    """``Answer.to_dict``'s output back into an Answer (what the CLI prints comes from it, so
    an answer through the daemon prints exactly as one made in-process)."""
    from ..llm.ask import Answer

    return Answer(question=d["question"], text=d.get("answer"), citations=list(d.get("citations") or []),
                  evidence=[hit_from_dict(h) for h in d.get("evidence") or []], abstained=bool(d.get("abstained")),
                  reason=d.get("reason", ""), support=d.get("support"),
                  citations_inferred=bool(d.get("citations_inferred")), generated=d.get("generated"),
                  model=d.get("model", ""), model_problem=d.get("model_problem", ""), method=d.get("method", ""),
                  timings=dict(d.get("timings") or {}))

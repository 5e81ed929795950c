"""Asking a question from the TUI: an adapter over ``recall_cli.ask`` (imported lazily).

The TUI only needs ``answerer(service, question, on_token) -> Answer``. The default one
calls ``recall_cli.ask``; when that module is missing it raises ``AskUnavailable`` and the
panel says so while everything else keeps working. Tests pass a fake answerer.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import RecallError
from ..timeutil import short

OnToken = Callable[[str], None]
Answerer = Callable[[Any, str, OnToken], "Answer"]


class AskUnavailable(RecallError):
    """recall ask is not installed in this build."""


@dataclass
class Citation:
    ref: str  # "42" (event) or "m7" (memory)
    label: str = ""


@dataclass
class Answer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False


def _get(obj: Any, *names: str) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return None


def citation(item: Any) -> Citation:
    """A citation from whatever ask returns: a ref string, an event id, a Hit or a dict."""
    if isinstance(item, Citation):
        return item
    if isinstance(item, int):
        return Citation(str(item))
    if isinstance(item, str):
        return Citation(item.strip().lstrip("[").rstrip("]"))
    ref = _get(item, "ref")
    if ref is None:
        oid = _get(item, "id", "event_id")
        ref = f"m{oid}" if _get(item, "owner") == "memory" else str(oid)
    ts = _get(item, "ts", "ts_start")
    text = _get(item, "snippet", "text") or ""
    parts = [p for p in (short(ts) if isinstance(ts, int | float) else "", _get(item, "source") or "",
                         " ".join(str(text).split())[:80]) if p]
    return Citation(str(ref), " · ".join(parts))


def normalize(result: Any, on_token: OnToken) -> Answer:
    """An Answer from ask's result (an object, a dict, a string or a token iterator)."""
    if isinstance(result, Answer):
        return result
    if isinstance(result, str):
        return Answer(result)
    if isinstance(result, Iterator):
        tokens = []
        for token in result:
            tokens.append(str(token))
            on_token(str(token))
        return Answer("".join(tokens))
    text = _get(result, "answer", "text") or ""
    cites = _get(result, "citations", "evidence") or []
    return Answer(str(text), [citation(c) for c in cites], bool(_get(result, "abstained", "abstain")))


def recall_answerer(svc: Any, question: str, on_token: OnToken) -> Answer:
    """Answer with recall_cli.ask, streaming tokens to ``on_token``."""
    try:
        module = importlib.import_module("recall_cli.ask")
    except ImportError as exc:
        if exc.name == "recall_cli.ask":
            raise AskUnavailable("recall ask is not available yet") from None
        raise
    fn = getattr(module, "ask", None) or getattr(module, "answer", None)
    if fn is None:
        raise AskUnavailable("recall ask is not available yet")
    return normalize(fn(svc, question, on_token=on_token), on_token)

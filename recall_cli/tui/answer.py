"""Asking a question from the TUI: an adapter over `recall ask` (imported lazily).

The TUI only needs ``answerer(service, question, on_token) -> Answer``. The default one
calls the service's ``ask`` (recall_cli/ask.py: evidence, then the local model streaming
its answer). When the model fails, the answer is the ranked evidence plus the error, so
the panel shows both; when ask is missing altogether it raises ``AskUnavailable``.
Tests pass a fake answerer.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import RecallError, UsageError
from ..timeutil import short

LABEL_CHARS = 160  # a citation label: long enough to hold the words that answer

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
    evidence: list[Citation] = field(default_factory=list)  # the closest entries, cited or not
    error: str | None = None  # the model failed: the evidence is the answer


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
    flat = " ".join(str(text).split())
    if len(flat) > LABEL_CHARS:
        flat = flat[:LABEL_CHARS - 1] + "…"
    parts = [p for p in (short(ts) if isinstance(ts, int | float) else "", _get(item, "source") or "", flat) if p]
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
    evidence = [citation(e) for e in _get(result, "evidence") or []]
    labels = {c.ref: c.label for c in evidence}
    cites = []
    for item in _get(result, "citations") or []:
        c = citation(item)
        cites.append(Citation(c.ref, c.label or labels.get(c.ref, "")))
    text = _get(result, "answer", "text") or ""
    return Answer(str(text), cites, bool(_get(result, "abstained", "abstain")), evidence)


def _ask_function(svc: Any) -> Callable[..., Any]:
    ask = getattr(svc, "ask", None)
    if callable(ask):
        return ask
    try:
        module = importlib.import_module("recall_cli.ask")
    except ImportError as exc:
        if exc.name == "recall_cli.ask":
            raise AskUnavailable("recall ask is not available yet") from None
        raise
    fn = getattr(module, "ask", None)
    if fn is None:
        raise AskUnavailable("recall ask is not available yet")
    return lambda question, **kwargs: fn(svc, question, **kwargs)


def recall_answerer(svc: Any, question: str, on_token: OnToken) -> Answer:
    """Answer with `recall ask`, streaming tokens; a failing model leaves the evidence."""
    ask = _ask_function(svc)
    try:
        return normalize(ask(question, on_token=on_token), on_token)
    except UsageError:
        raise
    except Exception as exc:  # the model: missing, unloadable, crashed mid-stream
        message = exc.message if isinstance(exc, RecallError) else f"{type(exc).__name__}: {exc}"
        try:
            fallback = normalize(ask(question, use_llm=False), on_token)
        except Exception:
            raise exc from None
        fallback.text, fallback.error = "", message
        return fallback

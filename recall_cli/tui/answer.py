"""Asking a question from the TUI: the service's ``ask``, shaped for the ask panel.

The TUI only needs ``answerer(service, question, on_token) -> Answer``. The default one
asks `recall serve` when it answers (its model and prompt prefix are warm), else calls
``Recall.ask`` here (evidence, then the local model; the answer is released once it has been
checked against the evidence). When the model fails, the answer is the ranked evidence plus
the error, so the panel shows both. Tests pass a fake answerer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import RecallError, UsageError
from ..models import Hit
from ..timeutil import short

if TYPE_CHECKING:
    from ..llm.ask import Answer as AskAnswer
    from ..service import Recall

LABEL_CHARS = 160  # a citation label: long enough to hold the words that answer

OnToken = Callable[[str], None]
Answerer = Callable[["Recall", str, OnToken], "Answer"]


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


def citation(hit: Hit) -> Citation:
    """A citation labelled with the hit's date, source and (the start of) its text."""
    flat = " ".join((hit.snippet or hit.text or "").split())
    if len(flat) > LABEL_CHARS:
        flat = flat[:LABEL_CHARS - 1] + "…"
    parts = [p for p in (short(hit.ts), hit.source, flat) if p]
    return Citation(hit.ref, " · ".join(parts))


def from_answer(result: AskAnswer) -> Answer:
    """The panel's Answer from ``Recall.ask``'s: cited evidence first, with labels."""
    evidence: Sequence[Hit] = result.evidence
    labelled = {h.ref: citation(h) for h in evidence}
    cites = [labelled.get(ref, Citation(ref)) for ref in result.citations]
    return Answer(result.text or "", cites, result.abstained, list(labelled.values()))


def _through_daemon(svc: Recall, question: str, on_token: OnToken) -> AskAnswer | None:
    """The daemon's answer when `recall serve` answers on this home; None when it does not
    (or its socket fails before any of the answer arrived)."""
    from ..serve.client import remote

    client = remote(getattr(svc, "config", None))  # a stand-in service may have none: this home's
    if client is None:
        return None
    seen: list[str] = []

    def relay(piece: str) -> None:
        seen.append(piece)
        on_token(piece)

    try:
        return client.ask(question, on_token=relay)
    except OSError:
        if seen:
            raise
        return None


def recall_answerer(svc: Recall, question: str, on_token: OnToken) -> Answer:
    """Answer with `recall ask` (through the daemon when it runs), streaming tokens; a
    failing model leaves the evidence."""
    try:
        answered = _through_daemon(svc, question, on_token)
        return from_answer(answered if answered is not None else svc.ask(question, on_token=on_token))
    except UsageError:
        raise
    except Exception as exc:  # the model: missing, unloadable, crashed mid-stream
        message = exc.message if isinstance(exc, RecallError) else f"{type(exc).__name__}: {exc}"
        try:
            fallback = from_answer(svc.ask(question, use_llm=False))
        except Exception:
            raise exc from None
        fallback.text, fallback.error = "", message
        return fallback

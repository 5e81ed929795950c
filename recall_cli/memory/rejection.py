"""Candidates the grounding check refused: why (REASONS), counted in the store's settings and
logged with the candidate to RECALL_HOME/logs/llm-rejected.jsonl, so nothing is dropped
silently (`recall models info` and `doctor` show the counts)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .summary import Candidate

if TYPE_CHECKING:
    from ..store.db import Store

log = logging.getLogger(__name__)
COUNTER_PREFIX = "consolidation.rejected."
MAX_LOGGED_CHARS = 2000

REASONS: dict[str, str] = {
    "markup": "template or markup residue",
    "garbled": "characters that are not text (broken model output)",
    "fragment": "not a sentence",
    "question": "a question or request, not a fact",
    "file_name": "a file name, not a memory",
    "ungrounded_name": "a name the events do not mention",
    "ungrounded_date": "a date the events do not give",
    "ungrounded_number": "a number the events do not give",
    "misplaced_number": "an amount put with a thing its line in the events does not name",
    "ungrounded_words": "words the events do not contain",
    "wrong_person": "not said by or to the person it is about",
    "scattered": "a clause joining turns far apart",
    "unstated_relation": "a cause or link between facts that no turn states",
    "merged": "one claim made of different lines or sentences of a note",
    "cut_short": "a note's line copied without its opening words (who does what is lost)",
    "plan_as_done": "something said as done that the events only plan",
    "unclear_person": '"you", "she" or "he" with no one it could mean, or a doer no note names',
    "no_steps": "a procedure nobody took or gave",
    "bad_subject": "a subject that is not a name or noun phrase from the events",
    "duplicate": "a repeat of another memory of this episode",
}


@dataclass
class Rejection:
    """A candidate that was not written, and why."""

    candidate: Candidate
    reason: str
    detail: str = ""
    stage: str = "extract"  # extract | summary | merge

    def to_dict(self) -> dict[str, Any]:
        """The rejection as printable JSON (broken model output made printable)."""
        return {"reason": self.reason, "why": REASONS.get(self.reason, self.reason),
                "detail": printable(self.detail), "stage": self.stage, "kind": self.candidate.kind,
                "subject": printable(self.candidate.subject or "") or None,
                "text": printable(self.candidate.text), "sources": self.candidate.sources,
                "model": self.candidate.model}


def printable(text: str) -> str:
    """``text`` with lone surrogates (broken UTF-8 from a model) replaced, so it can be printed."""
    return text.encode("utf-8", "replace").decode("utf-8")


# -- counting and logging -------------------------------------------------------------------

class RejectionLog:
    """Counts rejections in the store's settings (``consolidation.rejected.<reason>``) and
    logs each with its candidate to RECALL_HOME/logs/llm-rejected.jsonl."""

    def __init__(self, home: Path | None, store: Store | None = None) -> None:
        self.home = Path(home) if home else None
        self.store = store

    @property
    def path(self) -> Path | None:
        return self.home / "logs" / "llm-rejected.jsonl" if self.home else None

    def record(self, rejections: Sequence[Rejection], episode_id: int | None = None) -> None:
        """Count and log ``rejections`` (one episode's)."""
        if not rejections:
            return
        if self.store is not None:
            for r in rejections:
                try:
                    self.store.increment_counter(COUNTER_PREFIX + r.reason)
                except Exception as exc:  # noqa: BLE001 - the log file below still has it
                    log.warning("could not count a rejection in the store: %s", exc)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                for r in rejections:
                    entry = {"time": round(time.time(), 3), "episode": episode_id, **r.to_dict()}
                    entry["text"] = str(entry["text"])[:MAX_LOGGED_CHARS]
                    fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def rejection_counts(store: Store) -> dict[str, int]:
    """Candidates rejected by the grounding check so far, by reason."""
    return store.counters(COUNTER_PREFIX)

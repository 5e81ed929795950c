"""Consolidation: episodes -> candidate memories -> reconciled with what is already known.

For each episode not yet consolidated: extract candidates (the zero-LLM path always; the
LLM when one is given), compare each with its most similar existing memories, decide
ADD / UPDATE / SUPERSEDE / NOOP, and apply the decisions and the episode's new status in
ONE transaction, so a run killed mid-batch leaves no half-applied episode and the next
run resumes where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..models import Event, content_hash
from ..timeutil import now as _now
from .episode import EpisodeRules, assign_episodes
from .summary import Candidate, episodic_summary, shell_procedures

if TYPE_CHECKING:
    from ..service import Recall

ACTOR = "consolidation"
MAX_ATTEMPTS = 3


@dataclass
class Decision:
    """What to do with one candidate; ``target`` is an existing memory id."""

    action: str  # ADD, UPDATE, SUPERSEDE, NOOP
    candidate: Candidate
    target: int | None = None
    text: str | None = None
    reason: str = ""


@dataclass
class Extraction:
    """An extractor's output for one episode."""

    candidates: list[Candidate] = field(default_factory=list)
    failed: bool = False
    error: str = ""


class Extractor(Protocol):
    """Proposes candidate memories for one episode."""

    name: str

    def extract(self, events: list[Event]) -> Extraction:
        """Candidates from an episode's events (``failed`` set when the episode should be retried)."""
        ...


class Reconciler(Protocol):
    """Decides what a candidate does to the memories already known."""

    def decide(self, svc: Recall, candidate: Candidate) -> Decision:
        """ADD, UPDATE, SUPERSEDE or NOOP for one candidate."""
        ...


class HeuristicExtractor:
    """The zero-LLM path: an episodic summary, and procedures from shell sequences."""

    name = "heuristic"

    def extract(self, events: list[Event]) -> Extraction:
        # a lone note is its own record: summarising it would only duplicate it
        candidates = [episodic_summary(events)] if len(events) > 1 else []
        if events and events[0].source == "shell":
            candidates.extend(shell_procedures(events))
        return Extraction(candidates)


def episode_summary_decision(svc: Recall, candidate: Candidate) -> Decision | None:
    """An episode has one summary: a retry (or a better model) updates it, never adds another."""
    episode = candidate.meta.get("episode_id")
    if candidate.kind != "episodic" or episode is None:
        return None
    row = svc.store.episode_summary(episode)
    if row is None:
        return None
    if row[1] == candidate.text.strip():
        return Decision("NOOP", candidate, target=row[0], reason="summary already known")
    return Decision("UPDATE", candidate, target=row[0], text=candidate.text, reason="better summary")


class HashReconciler:
    """Without an LLM: NOOP for a memory already known word for word, else ADD."""

    def decide(self, svc: Recall, candidate: Candidate) -> Decision:
        summary = episode_summary_decision(svc, candidate)
        if summary is not None:
            return summary
        known = svc.store.active_memory_by_hash(content_hash(candidate.kind, candidate.subject,
                                                             candidate.text.strip()))
        if known is not None:
            return Decision("NOOP", candidate, target=known, reason="already known")
        return Decision("ADD", candidate)


@dataclass
class EpisodeOutcome:
    episode_id: int
    status: str
    decisions: list[Decision] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class ConsolidationReport:
    episodes: int = 0
    consolidated: int = 0
    retry: int = 0
    candidates: int = 0
    failed_validation: int = 0
    protected: int = 0
    actions: dict[str, int] = field(default_factory=lambda: {"ADD": 0, "UPDATE": 0, "SUPERSEDE": 0, "NOOP": 0})
    seconds: float = 0.0
    outcomes: list[EpisodeOutcome] = field(default_factory=list)
    model: str = ""  # the LLM that proposed memories, or "zero-LLM"
    model_problem: str = ""  # why the LLM was not used, when it was asked for

    @property
    def episodes_per_minute(self) -> float:
        return self.episodes / self.seconds * 60 if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "episodes": self.episodes, "consolidated": self.consolidated, "retry": self.retry,
            "candidates": self.candidates, "failed_validation": self.failed_validation,
            "protected_user_edits": self.protected, "actions": self.actions,
            "seconds": round(self.seconds, 3), "episodes_per_minute": round(self.episodes_per_minute, 1),
            "model": self.model, **({"model_problem": self.model_problem} if self.model_problem else {}),
            "episode_results": [
                {"episode": o.episode_id, "status": o.status, "errors": o.errors,
                 "decisions": [{"action": d.action, "kind": d.candidate.kind, "text": d.text or d.candidate.text,
                                "target": d.target, "reason": d.reason} for d in o.decisions]}
                for o in self.outcomes
            ],
        }


def pending_episodes(svc: Recall, since: float | None = None, limit: int | None = None,
                     only: Sequence[int] | None = None) -> list[int]:
    """Episodes waiting for consolidation (or a retry), oldest first."""
    return svc.store.pending_episodes(MAX_ATTEMPTS, since, limit, only)


def _apply(svc: Recall, decision: Decision, at: float) -> Decision:
    book = svc.memories
    c = decision.candidate
    detail = {"origin": c.origin}
    target_id = decision.target
    if decision.action in {"UPDATE", "SUPERSEDE"}:
        # an UPDATE or SUPERSEDE naming no memory has nothing to change: it adds, like one
        # whose memory is gone
        target = svc.store.get_memory(target_id) if target_id is not None else None
        if target is None or target.status != "active":
            decision = Decision("ADD", c, reason="target gone")
        elif target.edited_by_user:
            return Decision("NOOP", c, target=target.id, reason="protected: edited by the user")
    if decision.action == "ADD":
        m = book.add(c.kind, c.text, subject=c.subject, importance=c.importance, sources=c.sources,
                     actor=ACTOR, valid_from=c.valid_from, meta=c.meta, at=at, detail=detail)
        decision.target = m.id
    elif decision.action == "UPDATE" and target_id is not None:  # always set here (see above)
        book.update(target_id, decision.text or c.text, actor=ACTOR, sources=c.sources,
                    importance=max(c.importance, 1), detail=detail, at=at)
    elif decision.action == "SUPERSEDE" and target_id is not None:
        m = book.supersede(target_id, c.kind, decision.text or c.text, actor=ACTOR, sources=c.sources,
                           subject=c.subject, importance=c.importance, valid_from=c.valid_from,
                           detail=detail, at=at)
        decision.target = m.id
    elif decision.action == "NOOP" and decision.target is not None:
        # hearing a known fact again is a repetition: it strengthens the memory
        book.reinforce([decision.target], actor=ACTOR, reason="seen again", at=at)
    return decision


def _decide_all(svc: Recall, reconciler: Reconciler, candidates: list[Candidate]) -> list[Decision]:
    """Decisions for an episode's candidates; a repeat within the episode is a NOOP."""
    seen: set[str] = set()
    out = []
    for candidate in candidates:
        key = content_hash(candidate.kind, candidate.subject, candidate.text.strip())
        if key in seen:
            out.append(Decision("NOOP", candidate, reason="repeated in this episode"))
            continue
        seen.add(key)
        out.append(reconciler.decide(svc, candidate))
    return out


def consolidate(
    svc: Recall, *, since: float | None = None, limit: int | None = None, dry_run: bool = False,
    extractors: Sequence[Extractor] | None = None, reconciler: Reconciler | None = None,
    progress: Callable[[int, int], None] | None = None, at: float | None = None,
    episode_ids: Sequence[int] | None = None,
) -> ConsolidationReport:
    """Consolidate pending episodes (only ``episode_ids`` when given); each episode is
    applied in one transaction."""
    started = time.perf_counter()
    report = ConsolidationReport()
    # grouping events into episodes changes no memory, so a dry run does it too
    assign_episodes(svc.store, EpisodeRules.from_config(svc.config))
    extractors = list(extractors) if extractors else [HeuristicExtractor()]
    reconciler = reconciler or HashReconciler()
    episodes = pending_episodes(svc, since, limit, episode_ids)
    for index, episode_id in enumerate(episodes, start=1):
        t0 = time.perf_counter()
        events = svc.store.episode_events(episode_id)
        outcome = EpisodeOutcome(episode_id, "consolidated")
        candidates: list[Candidate] = []
        for extractor in extractors:
            result = extractor.extract(events)
            candidates.extend(result.candidates)
            if result.failed:
                outcome.status = "retry"
                outcome.errors.append(f"{extractor.name}: {result.error}")
                report.failed_validation += 1
        for candidate in candidates:
            if candidate.kind == "episodic":
                candidate.meta["episode_id"] = episode_id
        report.candidates += len(candidates)
        when = at if at is not None else _now()
        # decide first (the LLM may take seconds), then apply the whole episode in one
        # transaction, so the write lock is held only briefly
        decided = _decide_all(svc, reconciler, candidates)
        if dry_run:
            outcome.decisions = decided
        else:
            with svc.store.transaction():
                for planned in decided:
                    decision = _apply(svc, planned, when)
                    if decision.reason.startswith("protected"):
                        report.protected += 1
                    outcome.decisions.append(decision)
                svc.store.set_episode_status(episode_id, outcome.status,
                                             when if outcome.status == "consolidated" else None)
        for decision in outcome.decisions:
            report.actions[decision.action] = report.actions.get(decision.action, 0) + 1
        outcome.seconds = time.perf_counter() - t0
        report.outcomes.append(outcome)
        report.episodes += 1
        report.consolidated += outcome.status == "consolidated"
        report.retry += outcome.status == "retry"
        if progress:
            progress(index, len(episodes))
    if not dry_run and report.actions["ADD"] + report.actions["UPDATE"] + report.actions["SUPERSEDE"]:
        svc.embed_pending()
    report.seconds = time.perf_counter() - started
    return report

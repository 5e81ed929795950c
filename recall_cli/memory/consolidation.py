"""Consolidation: episodes -> candidate memories -> reconciled with what is already known.

For each episode not yet consolidated: extract candidates (the zero-LLM path always; the
LLM when one is given), compare each with its most similar existing memories, decide
ADD / UPDATE / SUPERSEDE / NOOP, and apply the decisions and the episode's new status in
ONE transaction, so a run killed mid-batch leaves no half-applied episode and the next
run resumes where it stopped.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..capture.secrets import redact
from ..llm.structured import COUNTER_PREFIX as FAILURE_PREFIX
from ..models import Event, ForgetPlan, content_hash
from ..timeutil import now as _now
from .episode import EpisodeRules, assign_episodes
from .grounding import check_merge, screen
from .rejection import Rejection, RejectionLog
from .summary import Candidate, episodic_summary, shell_procedures

if TYPE_CHECKING:
    from ..service import Recall

ACTOR = "consolidation"
MAX_ATTEMPTS = 3  # runs an episode gets while its model output is invalid; then it gives up


def model_name(model_id: str) -> str:
    """A model id as people read it: "SmolLM2-135M-Instruct.Q8_0.gguf@138M" -> the file's stem."""
    name = model_id.rsplit("@", 1)[0] if "@" in model_id else model_id
    name = name.rsplit("/", 1)[-1]
    return name[:-5] if name.lower().endswith(".gguf") else name


def path_of(candidate: Candidate) -> str:
    """Which path made a candidate, as history shows it: "zero-LLM" or the model's name."""
    if candidate.origin != "llm":
        return "zero-LLM"
    return model_name(candidate.model) if candidate.model else "LLM"


def actor_of(candidate: Candidate) -> str:
    """The history actor of what consolidation writes: "consolidation (zero-LLM)" or
    "consolidation (<model name>)" (older rows say only "consolidation")."""
    return f"{ACTOR} ({path_of(candidate)})"


FORGOTTEN = "forgotten by the user"  # a NOOP that is no memory known: one the user deleted, not made again


@dataclass
class Decision:
    """What to do with one candidate; ``target`` is an existing memory id."""

    action: str  # ADD, UPDATE, SUPERSEDE, NOOP
    candidate: Candidate
    target: int | None = None
    text: str | None = None
    reason: str = ""
    by_model: bool = False  # ``text`` was written by a model (a merge), so it is checked too


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
    """What consolidation did with one episode."""

    episode_id: int
    status: str
    decisions: list[Decision] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)  # candidates the grounding check refused
    retired: list[tuple[int, str]] = field(default_factory=list)  # (memory id, text) a redo no longer makes
    errors: list[str] = field(default_factory=list)
    gave_up: bool = False  # invalid model output on its last allowed attempt
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"episode": self.episode_id, "status": self.status, "errors": self.errors,
                "gave_up": self.gave_up, "seconds": round(self.seconds, 3),
                "decisions": [{"action": d.action, "kind": d.candidate.kind, "text": d.text or d.candidate.text,
                               "target": d.target, "reason": d.reason, "path": path_of(d.candidate)}
                              for d in self.decisions],
                "rejected": [r.to_dict() for r in self.rejected],
                "retired": [{"memory": m, "text": t} for m, t in self.retired]}


@dataclass
class ConsolidationReport:
    """What a consolidation run did, in total and per episode."""

    episodes: int = 0
    consolidated: int = 0
    retry: int = 0
    candidates: int = 0
    failed_validation: int = 0
    protected: int = 0
    actions: dict[str, int] = field(default_factory=lambda: {"ADD": 0, "UPDATE": 0, "SUPERSEDE": 0, "NOOP": 0})
    rejected: dict[str, int] = field(default_factory=dict)  # by reason (rejection.REASONS)
    retired: int = 0
    gave_up: list[int] = field(default_factory=list)  # episodes that used their last attempt in this run
    skipped: list[int] = field(default_factory=list)  # asked for by id, but consolidated already (no redo)
    unknown: list[int] = field(default_factory=list)  # asked for by id, but no such episode
    model_failures: int = 0  # invalid model outputs in this run (logs/llm-failures.jsonl)
    max_attempts: int = MAX_ATTEMPTS
    seconds: float = 0.0
    outcomes: list[EpisodeOutcome] = field(default_factory=list)
    model: str = ""  # the LLM that proposed memories, or "zero-LLM"
    model_problem: str = ""  # why the LLM was not used, when it was asked for
    model_declined: bool = False  # ... because consolidate.model_proposes chose the zero-LLM path (no failure)
    stopped: bool = False  # go_on() ended the run before the last episode

    @property
    def episodes_per_minute(self) -> float:
        return self.episodes / self.seconds * 60 if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "episodes": self.episodes, "consolidated": self.consolidated, "retry": self.retry,
            "candidates": self.candidates, "failed_validation": self.failed_validation,
            "protected_user_edits": self.protected, "actions": self.actions,
            "rejected": self.rejected, "retired": self.retired, "gave_up": self.gave_up,
            "skipped_consolidated": self.skipped, "unknown_episodes": self.unknown,
            "model_failures": self.model_failures,
            "seconds": round(self.seconds, 3), "episodes_per_minute": round(self.episodes_per_minute, 1),
            "model": self.model, **({"model_problem": self.model_problem} if self.model_problem else {}),
            "episode_results": [o.to_dict() for o in self.outcomes],
        }


def pending_episodes(svc: Recall, since: float | None = None, limit: int | None = None,
                     only: Sequence[int] | None = None) -> list[int]:
    """Episodes waiting for consolidation (or a retry), oldest first."""
    return svc.store.pending_episodes(MAX_ATTEMPTS, since, limit, only)


def _resolved(svc: Recall, decision: Decision) -> Decision:
    """The decision as it will be applied (a dry run shows this too): an UPDATE or SUPERSEDE
    of a memory that is gone, or names none, adds; of one the user edited, changes nothing;
    an ADD of a memory the user forgot does not bring it back (a redo distils it again)."""
    if decision.action == "ADD":
        c = decision.candidate
        if svc.store.memory_forgotten(svc.store.derived_uid(c.kind, c.subject, redact(c.text).text.strip(),
                                                            c.sources)):
            return Decision("NOOP", c, reason=FORGOTTEN)
        if _plain(c.text) in _corrected(svc, c.sources):  # a redo proposing again what the user put right
            return Decision("NOOP", c, reason="protected: corrected by the user")
    if decision.action in {"UPDATE", "SUPERSEDE"}:
        c = decision.candidate
        target = svc.store.get_memory(decision.target) if decision.target is not None else None
        if target is None or target.status != "active":
            return Decision("ADD", c, reason="target gone")
        if target.edited_by_user:
            return Decision("NOOP", c, target=target.id, reason="protected: edited by the user")
    return decision


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _corrected(svc: Recall, sources: Sequence[int]) -> set[str]:
    """The texts the user edited away in memories made from ``sources`` (words only)."""
    found: set[str] = set()
    for memory_id in {m for event_id in sources for m in svc.store.memories_from_event(event_id)}:
        found.update(_plain(row["old_text"]) for row in svc.store.memory_history(memory_id)
                     if row["action"] == "edit" and row["old_text"])
    return found


def _apply(svc: Recall, decision: Decision, at: float, *, reinforce: bool = True) -> Decision:
    book = svc.memories
    decision = _resolved(svc, decision)
    if decision.reason.startswith("protected"):
        return decision
    c = decision.candidate
    actor = actor_of(c)
    made_by: dict[str, Any] = {"origin": c.origin, **({"model": c.model} if c.model else {})}
    detail = {**made_by, "path": path_of(c)}
    target_id = decision.target
    if decision.action == "ADD":
        m = book.add(c.kind, c.text, subject=c.subject, importance=c.importance, sources=c.sources,
                     actor=actor, valid_from=c.valid_from, meta={**c.meta, **made_by}, at=at, detail=detail)
        decision.target = m.id
    elif decision.action == "UPDATE" and target_id is not None:  # always set here (see above)
        book.update(target_id, decision.text or c.text, actor=actor, sources=c.sources,
                    importance=max(c.importance, 1), detail=detail, at=at)
    elif decision.action == "SUPERSEDE" and target_id is not None:
        m = book.supersede(target_id, c.kind, decision.text or c.text, actor=actor, sources=c.sources,
                           subject=c.subject, importance=c.importance, valid_from=c.valid_from,
                           detail=detail, at=at)
        decision.target = m.id
    elif decision.action == "NOOP" and decision.target is not None and reinforce:
        # hearing a known fact again is a repetition: it strengthens the memory (a redo of the
        # same episode is not: it hears nothing new)
        book.reinforce([decision.target], actor=actor, reason="seen again", at=at)
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


def _check_merges(svc: Recall, decisions: list[Decision], events: list[Event]) -> list[Rejection]:
    """A reconciler that rewrites a memory (UPDATE, SUPERSEDE with its own text) wrote new
    words: they must come from the candidate's events or the memory they merge into; when
    they do not, the candidate's own (checked) text is used instead."""
    by_id = {e.id: e for e in events}
    rejected = []
    for d in decisions:
        if (not d.by_model or d.action not in {"UPDATE", "SUPERSEDE"} or not d.text
                or d.text.strip() == d.candidate.text.strip()):
            continue
        known = svc.store.get_memory(d.target) if d.target is not None else None
        cited = [by_id[i] for i in d.candidate.sources if i in by_id] or events
        verdict = check_merge(d.text, d.candidate, cited, known.text if known else "")
        if verdict.ok:
            d.text = verdict.text
        else:
            rejected.append(Rejection(Candidate(d.candidate.kind, d.text, subject=d.candidate.subject,
                                                sources=list(d.candidate.sources), origin="llm",
                                                model=d.candidate.model),
                                      verdict.reason, verdict.detail, stage="merge"))
            d.text = d.candidate.text
    return rejected


def _stale(svc: Recall, episode_id: int, events: list[Event], decisions: list[Decision],
           model: bool = True) -> list[tuple[int, str]]:
    """For a redo: memories an earlier consolidation made from this episode alone that the
    redo does not make again. A memory a person pinned, edited or wrote is never among them,
    nor, without ``model`` (the redo ran no model), one a model made."""
    data = svc.store.episode(episode_id) or {}
    keep = {d.target for d in decisions if d.target is not None}
    ids = {e.id for e in events}
    found = svc.store.get_memories([m for m in data.get("memories", []) if m not in keep])
    stale = []
    for memory_id, memory in found.items():
        if memory.status != "active" or memory.pinned or memory.edited_by_user or memory.kind == "core":
            continue
        if not model and (memory.meta or {}).get("origin") == "llm":
            continue
        if not set(svc.store.memory_sources(memory_id)) <= ids:
            continue  # other episodes said it too
        history = svc.store.memory_history(memory_id)
        if any(not str(h["actor"]).startswith(ACTOR) and h["action"] != "reinforce" for h in history):
            continue
        stale.append((memory_id, memory.text))
    return sorted(stale)


def _episodes(svc: Recall, report: ConsolidationReport, since: float | None, limit: int | None,
              episode_ids: Sequence[int] | None, redo: bool) -> list[int]:
    """The episodes to run: pending ones (or only ``episode_ids``), or with ``redo`` the given
    episodes whatever their state. Ids that are unknown or done already are noted in the report."""
    if redo and episode_ids:
        chosen: list[int] = []
        for episode_id in dict.fromkeys(episode_ids):
            (chosen if svc.store.episode(episode_id) is not None else report.unknown).append(episode_id)
        return chosen[:limit] if limit else chosen
    episodes = pending_episodes(svc, since, limit, episode_ids)
    for episode_id in dict.fromkeys(episode_ids or ()):
        if episode_id not in episodes:
            (report.skipped if svc.store.episode(episode_id) is not None else report.unknown).append(episode_id)
    return episodes


def consolidate(
    svc: Recall, *, since: float | None = None, limit: int | None = None, dry_run: bool = False,
    extractors: Sequence[Extractor] | None = None, reconciler: Reconciler | None = None,
    progress: Callable[[int, int], None] | None = None, at: float | None = None,
    episode_ids: Sequence[int] | None = None, redo: bool = False,
    on_episode: Callable[[EpisodeOutcome], None] | None = None, go_on: Callable[[], bool] | None = None,
) -> ConsolidationReport:
    """Consolidate pending episodes (only ``episode_ids`` when given; with ``redo``, those
    episodes again even when done); each episode is applied in one transaction.

    What an LLM proposes passes the grounding check first (grounding.py); rejections are
    counted and logged (not in a dry run) and listed per episode. ``on_episode`` gets each
    episode's outcome as soon as it is decided (a dry run streams its proposals this way).
    ``go_on()`` is asked before each episode: false ends the run there (``report.stopped``),
    with every episode before it done whole."""
    started = time.perf_counter()
    report = ConsolidationReport()
    # grouping events into episodes changes no memory, so a dry run does it too
    assign_episodes(svc.store, EpisodeRules.from_config(svc.config))
    extractors = list(extractors) if extractors else [HeuristicExtractor()]
    reconciler = reconciler or HashReconciler()
    rejections = None if dry_run else RejectionLog(svc.config.home, svc.store)
    failures_before = sum(svc.store.counters(FAILURE_PREFIX).values())
    episodes = _episodes(svc, report, since, limit, episode_ids, redo)
    if progress and episodes:
        progress(0, len(episodes))  # the total is known before the first (slow) episode
    for index, episode_id in enumerate(episodes, start=1):
        if go_on is not None and not go_on():
            report.stopped = True
            break
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
        report.candidates += len(candidates)
        candidates, outcome.rejected = screen(candidates, events)
        for candidate in candidates:
            if candidate.kind == "episodic":
                candidate.meta["episode_id"] = episode_id
        when = at if at is not None else _now()
        # decide first (the LLM may take seconds), then apply the whole episode in one
        # transaction, so the write lock is held only briefly
        decided = _decide_all(svc, reconciler, candidates)
        outcome.rejected.extend(_check_merges(svc, decided, events))
        # a redo retires what it does not make again only when it ran as the earlier run could:
        # without a model (or with one whose output failed) it cannot make a model's memories again
        stale = _stale(svc, episode_id, events, decided, model=outcome.status != "retry" and not all(
            isinstance(e, HeuristicExtractor) for e in extractors)) if redo else []
        if dry_run:
            outcome.decisions = [_resolved(svc, d) for d in decided]
            report.protected += sum(d.reason.startswith("protected") for d in outcome.decisions)
            outcome.retired = stale
        else:
            info = svc.store.episode(episode_id) or {}
            with svc.store.transaction():
                # another run (the daemon's, a second `recall consolidate`) may have applied it
                # while this one decided: applied again, each memory would be stored twice
                done = not redo and (svc.store.episode(episode_id) or {}).get("status") == "consolidated"
                for planned in [] if done else decided:
                    decision = _apply(svc, planned, when, reinforce=not redo)
                    if decision.reason.startswith("protected"):
                        report.protected += 1
                    outcome.decisions.append(decision)
                if not done:
                    svc.store.set_episode_status(episode_id, outcome.status,
                                                 when if outcome.status == "consolidated" else None)
            if stale:
                # made by an earlier run from this episode alone, and not made again: deleted
                # the way `recall forget` deletes (synced devices forget them too); a run
                # killed just before this leaves them, and the next redo retires them
                svc.forget(ForgetPlan(memory_ids=[m for m, _t in stale]))
                outcome.retired = stale
            outcome.gave_up = outcome.status == "retry" and int(info.get("attempts") or 0) + 1 >= MAX_ATTEMPTS
            assert rejections is not None
            rejections.record(outcome.rejected, episode_id)
        for decision in outcome.decisions:
            report.actions[decision.action] = report.actions.get(decision.action, 0) + 1
        for rejection in outcome.rejected:
            report.rejected[rejection.reason] = report.rejected.get(rejection.reason, 0) + 1
        report.retired += len(outcome.retired)
        if outcome.gave_up:
            report.gave_up.append(episode_id)
        outcome.seconds = time.perf_counter() - t0
        report.outcomes.append(outcome)
        report.episodes += 1
        report.consolidated += outcome.status == "consolidated"
        report.retry += outcome.status == "retry"
        if on_episode:
            on_episode(outcome)
        if progress:
            progress(index, len(episodes))
    changed = report.actions["ADD"] + report.actions["UPDATE"] + report.actions["SUPERSEDE"]
    if not dry_run and changed:
        svc.embed_pending()
    report.model_failures = sum(svc.store.counters(FAILURE_PREFIX).values()) - failures_before
    report.seconds = time.perf_counter() - started
    return report

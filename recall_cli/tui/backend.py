"""What the TUI calls: the service layer, made safe to use from worker threads.

Short calls (reads, search, pin, edit, forget, add) share the app's service behind a
lock, one at a time. Long jobs (consolidate, ask) run one at a time on a second service
over the same RECALL_HOME (its own SQLite connection; WAL lets both work, and the model
stays warm there), so browsing never waits for the model. Search goes to the daemon when
`recall serve` answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from ..capture.ingest import before_reading
from ..errors import RecallError, UsageError
from ..memory.book import MemoryView
from ..memory.consolidation import ConsolidationReport
from ..models import Event, ForgetPlan, Memory, SearchResult
from ..serve.client import DaemonClient
from ..service import Recall
from ..store.timeline import Day, Filters, Group
from .answer import Answer, Answerer, OnToken, recall_answerer

Progress = Callable[[int, int], None]
Consolidator = Callable[[Recall, "int | None", Progress], ConsolidationReport]


def consolidate_episode(svc: Recall, episode_id: int | None, progress: Progress) -> ConsolidationReport:
    """Consolidate one episode (or every pending one) with the configured LLM, as
    `recall consolidate [--episode ID]` does."""
    return svc.consolidate(episode_ids=None if episode_id is None else [episode_id], progress=progress)


class Backend:
    """The service behind a lock, plus the TUI's timeline queries."""

    def __init__(self, service: Recall, *, answerer: Answerer | None = None,
                 consolidator: Consolidator | None = None, daemon: DaemonClient | None = None,
                 job_service: Callable[[], Recall] | None = None) -> None:
        self.svc = service
        self.lock = threading.RLock()
        self.answerer = answerer or recall_answerer
        self.consolidator = consolidator or consolidate_episode
        self.daemon = daemon
        self._job_service = job_service
        self._jobs: Recall | None = None
        self.job_lock = threading.Lock()

    @classmethod
    def connect_daemon(cls, service: Recall) -> DaemonClient | None:
        """A daemon client when `recall serve` answers on this home, else None."""
        from ..serve.client import remote

        return remote(service.config)

    # -- reading ------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Events, active memories, episodes and episodes waiting for consolidation (what the
        shell hook and watchers spooled is stored first, as a search would)."""
        with self.lock:
            before_reading(self.svc)
            return self.svc.timeline_counts()

    def filter_choices(self) -> tuple[list[str], list[str]]:
        """(sources, kinds) to offer as timeline filters."""
        with self.lock:
            return self.svc.filter_choices()

    def days(self, filters: Filters, limit: int = 60, before: str | None = None) -> list[Day]:
        """The timeline's days, newest first (older than ``before`` when given)."""
        with self.lock:
            before_reading(self.svc)  # the commands typed a moment ago, without the daemon
            return self.svc.days(filters, limit, before)

    def groups(self, day: str, filters: Filters) -> list[Group]:
        """The episodes (and ungrouped events) of one day."""
        with self.lock:
            return self.svc.groups(day, filters)

    def events(self, filters: Filters, *, episode_id: int | None = None, day: str | None = None,
               ids: Sequence[int] | None = None, limit: int = 500) -> list[Event]:
        """Events matching the filters, of one episode, day or id list when given."""
        with self.lock:
            return self.svc.timeline_events(filters, episode_id=episode_id, day=day, ids=ids, limit=limit)

    def episode(self, episode_id: int) -> dict[str, Any]:
        """An episode with its event count, memories and first events."""
        with self.lock:
            return self.svc.episode(episode_id)

    def show(self, ref: str, reinforce: bool = False) -> dict[str, Any]:
        """An event or memory in full; browsing does not reinforce, opening does."""
        with self.lock:
            return self.svc.show(ref, reinforce=reinforce)

    def memory_view(self, memory_id: int, at: float | None = None) -> MemoryView:
        """A memory with its retention and zone at ``at``."""
        with self.lock:
            return self.svc.memory_view(memory_id, at)

    def memories(self, kinds: Sequence[str] | None, zones: Sequence[str] | None, include_all: bool,
                 at: float | None = None, limit: int = 500) -> list[MemoryView]:
        """recall memories: by kind and zone."""
        with self.lock:
            return self.svc.list_memories(kinds=kinds, zones=zones, include_all=include_all, at=at, limit=limit)

    def search(self, query: str, limit: int = 30, reference: float | None = None) -> SearchResult:
        """recall search: through the daemon while it answers, else in-process."""
        if self.daemon is not None:
            try:
                return self.daemon.search(query, limit=limit, reference=reference)
            except RecallError:
                raise
            except Exception:  # the daemon went away: in-process from now on
                self.daemon = None
        with self.lock:
            return self.svc.search(query, limit=limit, reference=reference)

    # -- curating (each is also a CLI command) --------------------------------------------
    def set_pinned(self, memory_id: int, pinned: bool) -> Memory:
        """recall pin / recall unpin."""
        with self.lock:
            return self.svc.pin(memory_id, pinned)

    def edit(self, memory_id: int, text: str) -> Memory:
        """recall edit --text: a user correction."""
        with self.lock:
            return self.svc.edit(memory_id, text)

    def plan_forget(self, refs: Sequence[str]) -> ForgetPlan:
        """What forgetting ``refs`` would delete (nothing is deleted yet)."""
        with self.lock:
            return self.svc.plan_forget(list(refs))

    def forget(self, plan: ForgetPlan) -> dict[str, int]:
        """recall forget --yes."""
        with self.lock:
            return self.svc.forget(plan)

    def add(self, text: str) -> Event:
        """recall add."""
        with self.lock:
            return self.svc.add(text)

    def episode_refs(self, episode_id: int) -> list[str]:
        """The refs of an episode's events."""
        with self.lock:
            return [str(i) for i in self.svc.episode_event_ids(episode_id)]

    # -- long jobs: their own connection, one job at a time ---------------------------------------
    def _job_svc(self) -> Recall:
        """The service long jobs use, kept warm (the model stays loaded between questions)."""
        if self._jobs is None:
            if self._job_service is not None:
                self._jobs = self._job_service()
            else:
                with self.lock:
                    self._jobs = self.svc.sibling()
        return self._jobs

    def consolidate(self, episode_id: int | None, progress: Progress) -> ConsolidationReport:
        """recall consolidate (the selected episode, or every pending one)."""
        with self.job_lock:
            report = self.consolidator(self._job_svc(), episode_id, progress)
        self.resync()
        return report

    def ask(self, question: str, on_token: OnToken) -> Answer:
        """recall ask: the answer streams through ``on_token``."""
        if not question.strip():
            raise UsageError("ask a question first")
        with self.job_lock:
            return self.answerer(self._job_svc(), question, on_token)

    def close(self) -> None:
        """Close the jobs' connection (unless a job still runs: the process ends anyway)."""
        if self._jobs is not None and self.job_lock.acquire(blocking=False):
            try:
                if self._job_service is None:
                    self._jobs.close()
                self._jobs = None
            finally:
                self.job_lock.release()

    def resync(self) -> None:
        """After another connection wrote: bring this service's vector cache up to date."""
        with self.lock:
            self.svc.resync_index()

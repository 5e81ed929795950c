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

from ..errors import NotFoundError, RecallError, UsageError
from . import queries
from .answer import Answer, Answerer, OnToken, recall_answerer

Progress = Callable[[int, int], None]
Consolidator = Callable[[Any, "int | None", Progress], Any]


def llm_extractors(svc: Any) -> tuple[Any, str | None]:
    """The LLM extractors when a model is configured and loads; else (None, why not)."""
    try:
        from ..consolidate_llm import llm_extractors as make
    except ImportError:
        return None, None
    try:
        return make(svc), None
    except RecallError as exc:
        return None, exc.message


def consolidate_episode(svc: Any, episode_id: int | None, progress: Progress) -> Any:
    """Consolidate one episode (or every pending one): `recall consolidate [--episode ID]`."""
    from ..consolidate import consolidate

    extractors, problem = llm_extractors(svc)
    report = consolidate(svc, extractors=extractors, progress=progress,
                         episode_ids=None if episode_id is None else [episode_id])
    if problem:
        report.model_problem = problem
    return report


class Backend:
    """The service behind a lock, plus the TUI's timeline queries."""

    def __init__(self, service: Any, *, answerer: Answerer | None = None,
                 consolidator: Consolidator | None = None, daemon: Any = None,
                 job_service: Callable[[], Any] | None = None) -> None:
        self.svc = service
        self.lock = threading.RLock()
        self.answerer = answerer or recall_answerer
        self.consolidator = consolidator or consolidate_episode
        self.daemon = daemon
        self._job_service = job_service
        self._jobs: Any = None
        self.job_lock = threading.Lock()

    @classmethod
    def connect_daemon(cls, service: Any) -> Any:
        """A daemon client when `recall serve` answers on this home, else None."""
        try:
            from ..client import remote

            return remote(service.config)
        except Exception:  # no daemon support: in-process
            return None

    @property
    def db(self) -> Any:
        return self.svc.store.db

    # -- reading ------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self.lock:
            return queries.counts(self.db)

    def filter_choices(self) -> tuple[list[str], list[str]]:
        with self.lock:
            sources = queries.distinct(self.db, "source")
            kinds = queries.distinct(self.db, "kind")
        return sorted(set(sources) | set(queries.SOURCES)), kinds

    def days(self, filters: queries.Filters, limit: int = 60, before: str | None = None) -> list[queries.Day]:
        with self.lock:
            return queries.days(self.db, filters, limit, before)

    def groups(self, day: str, filters: queries.Filters) -> list[queries.Group]:
        with self.lock:
            return queries.groups(self.db, day, filters)

    def events(self, filters: queries.Filters, **where: Any) -> list[Any]:
        with self.lock:
            return queries.events(self.db, filters, **where)

    def episode(self, episode_id: int) -> dict[str, Any]:
        with self.lock:
            data = queries.episode(self.db, episode_id)
            if data is None:
                raise NotFoundError(f"no episode with id {episode_id}")
            data["first_events"] = queries.events(self.db, queries.Filters(), episode_id=episode_id, limit=50)
            return data

    def show(self, ref: str, reinforce: bool = False) -> dict[str, Any]:
        """An event or memory in full; browsing does not reinforce, opening does."""
        with self.lock:
            data = self.svc.show(ref, reinforce=reinforce)
            if data["type"] == "event" and data.get("memories"):
                found = self.svc.store.get_memories(data["memories"])
                data["memory_texts"] = {m: found[m].text for m in data["memories"] if m in found}
            return data

    def memory_view(self, memory_id: int, at: float | None = None) -> Any:
        with self.lock:
            book = self.svc.memories
            return book.view(book.get(memory_id), at)

    def memories(self, kinds: Sequence[str] | None, zones: Sequence[str] | None, include_all: bool,
                 at: float | None = None, limit: int = 500) -> list[Any]:
        with self.lock:
            return self.svc.memories.list(kinds=kinds, zones=zones, include_all=include_all, at=at, limit=limit)

    def search(self, query: str, limit: int = 30, reference: float | None = None) -> Any:
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
    def set_pinned(self, memory_id: int, pinned: bool) -> Any:
        """recall pin / recall unpin."""
        with self.lock:
            return self.svc.memories.set_pinned(memory_id, pinned)

    def edit(self, memory_id: int, text: str) -> Any:
        """recall edit --text: a user correction."""
        if not text.strip():
            raise UsageError("empty text; memory unchanged (use forget to delete it)")
        with self.lock:
            return self.svc.memories.edit(memory_id, text)

    def plan_forget(self, refs: Sequence[str]) -> Any:
        with self.lock:
            return self.svc.plan_forget(list(refs))

    def forget(self, plan: Any) -> dict[str, int]:
        """recall forget --yes."""
        with self.lock:
            return self.svc.forget(plan)

    def add(self, text: str) -> Any:
        """recall add."""
        with self.lock:
            return self.svc.add(text)

    def episode_refs(self, episode_id: int) -> list[str]:
        with self.lock:
            return [str(i) for i in queries.episode_event_ids(self.db, episode_id)]

    # -- long jobs: their own connection, one job at a time ---------------------------------------
    def _job_svc(self) -> Any:
        """The service long jobs use, kept warm (the model stays loaded between questions)."""
        if self._jobs is None:
            if self._job_service is not None:
                self._jobs = self._job_service()
            else:
                from ..service import Recall

                with self.lock:
                    embedder, plugins = self.svc.embedder, self.svc.plugins
                self._jobs = Recall(self.svc.config, embedder=embedder, plugins=plugins)
        return self._jobs

    def consolidate(self, episode_id: int | None, progress: Progress) -> Any:
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
            index = getattr(self.svc, "_index", None)
            if index is not None:
                try:
                    index.sync()
                except Exception:  # a cache: rebuilt on the next search
                    pass

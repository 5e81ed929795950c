"""Where recall's MCP tools run their work: the warm in-process service, or `recall serve`.

``Backend`` owns one warm Recall service (embedder, index, SQLite connection) used by one
thread at a time, and opens a separate connection per call for the tools that need no model;
``DaemonBackend`` sends searches, adds and questions to `recall serve` when it answers on this
RECALL_HOME (its model and prompt prefix are warm). ``default_answerer`` is the ``ask``
adapter on top: recall's local answer model when it runs, else the ranked, dated evidence
for the caller to answer from.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import anyio
import anyio.to_thread

from ..config import Config
from ..errors import ModelError, RecallError
from ..llm.ask import Answer
from ..models import Event, Remembered, SearchResult
from ..service import Recall
from .format import merge_duplicates

if TYPE_CHECKING:
    from ..serve.client import DaemonClient

log = logging.getLogger("recall.mcp")

T = TypeVar("T")
ServiceFactory = Callable[[], Recall]
# a `recall serve` client for this config when the daemon answers, else None
DaemonConnect = Callable[[Config], "DaemonClient | None"]


class Answerer(Protocol):
    """The ``ask`` tool's work: an answer dict (answer, citations, note) for one question."""

    def __call__(self, backend: Backend, question: str, *, limit: int, since: float | None,
                 until: float | None) -> dict[str, Any]: ...


# -- backends ---------------------------------------------------------------------------------
class Backend:
    """In-process: one warm Recall service, used by one thread at a time; a long job (consolidate)
    lets the calls that wait for it in between its steps."""

    def __init__(self, service_factory: ServiceFactory) -> None:
        self._factory = service_factory
        self._service: Recall | None = None
        self._made = threading.Lock()  # guards creating the service (cheap: models load lazily)
        self._lock = threading.RLock()  # one call at a time on the warm service
        self._turn = threading.Condition(self._lock)  # a long job waits on it between its steps
        self._queue = threading.Condition()  # guards _waiting, told of each call that arrives
        self._waiting = 0  # calls waiting for the warm service
        self._jobs = 0  # long jobs running (close waits for them)
        self._closing = False

    @property
    def service(self) -> Recall:
        with self._made:
            if self._service is None:
                service = self._factory()
                service.open()  # migrate once, before any per-call connection opens the file
                self._service = service
            return self._service

    @property
    def config(self) -> Config:
        """The warm service's configuration (its RECALL_HOME)."""
        return self.service.config

    def wait_for_callers(self, count: int, timeout: float) -> bool:
        """Whether ``count`` calls came to wait for the warm service within ``timeout`` seconds
        (a test's way to know a call is queued behind a long job)."""
        with self._queue:
            return self._queue.wait_for(lambda: self._waiting >= count, timeout)

    def locked(self, fn: Callable[[Recall], T]) -> T:
        """Run ``fn(service)`` on the warm service, never two at once (call from a worker thread)."""
        with self._queue:
            self._waiting += 1
            self._queue.notify_all()
        with self._turn:
            with self._queue:
                self._waiting -= 1
            try:
                return fn(self.service)
            finally:
                self._turn.notify_all()  # a long job that let this call in goes on

    def in_steps(self, fn: Callable[[Recall, Callable[[], bool]], T], stop: threading.Event) -> T:
        """Run a long job ``fn(service, go_on)`` on the warm service (call from a worker thread).
        ``go_on()``, called between two of its steps, lets the calls waiting for the service in
        first, then says whether to go on: not once ``stop`` is set or the backend closes."""
        def go_on() -> bool:
            self._turn.wait_for(lambda: not self._waiting)  # (the service is theirs meanwhile)
            return not (stop.is_set() or self._closing)

        with self._turn:
            self._jobs += 1
            try:
                return fn(self.service, go_on)
            finally:
                self._jobs -= 1
                self._turn.notify_all()

    @contextmanager
    def connection(self) -> Iterator[Recall]:
        """A service on its own SQLite connection, for sync tools on worker threads (no models)."""
        svc = self.service.sibling()
        try:
            yield svc
        finally:
            svc.close()

    def search(self, query: str, **kwargs: Any) -> SearchResult:
        """``Recall.search`` on the warm service."""
        return self.locked(lambda s: s.search(query, **kwargs))

    def add(self, text: str, **kwargs: Any) -> Event:
        """``Recall.add`` on the warm service."""
        return self.locked(lambda s: s.add(text, **kwargs))

    def remember(self, text: str, **kwargs: Any) -> Remembered:
        """``Recall.remember`` on the warm service."""
        return self.locked(lambda s: s.remember(text, **kwargs))

    def ask(self, question: str, *, limit: int, since: float | None = None, until: float | None = None) -> Answer:
        """``Recall.ask`` on the warm service (its LLM stays loaded between questions)."""
        return self.locked(lambda s: s.ask(question, limit=limit, since=since, until=until))

    def warm_up(self) -> None:
        """Load the embedder and the index before the first search needs them."""
        self.locked(lambda s: s.warm_up())

    def close(self) -> None:
        """Close the warm service: waits for the call in progress, and for a long job, which
        stops at its next step."""
        self._closing = True
        try:
            with self._turn:
                self._turn.wait_for(lambda: not self._jobs)
                with self._made:
                    if self._service is not None:
                        self._service.close()
                        self._service = None
        finally:
            self._closing = False


class DaemonBackend(Backend):
    """Searches and adds go to `recall serve` when it answers (warm models); the rest is local."""

    def __init__(self, service_factory: ServiceFactory, connect: DaemonConnect) -> None:
        super().__init__(service_factory)
        self._connect = connect

    def _daemon(self) -> DaemonClient | None:
        try:
            return self._connect(self.config)
        except Exception:  # no daemon is the normal case
            return None

    def _either(self, op: str, remote: Callable[[DaemonClient], T], local: Callable[[], T]) -> T:
        """``remote(client)`` when the daemon answers; ``local()`` when it does not or its socket fails."""
        client = self._daemon()
        if client is not None:
            try:
                return remote(client)
            except OSError as exc:
                log.warning("daemon %s failed (%s); running in-process", op, exc)
        return local()

    def search(self, query: str, **kwargs: Any) -> SearchResult:
        local = super().search
        return self._either("search", lambda c: c.search(query, **kwargs), lambda: local(query, **kwargs))

    def add(self, text: str, **kwargs: Any) -> Event:
        local = super().add
        return self._either("add", lambda c: c.add(text, **kwargs), lambda: local(text, **kwargs))

    def remember(self, text: str, **kwargs: Any) -> Remembered:
        local = super().remember
        return self._either("remember", lambda c: c.remember(text, **kwargs), lambda: local(text, **kwargs))

    def ask(self, question: str, *, limit: int, since: float | None = None, until: float | None = None) -> Answer:
        local = super().ask
        return self._either("ask", lambda c: c.ask(question, limit=limit, since=since, until=until),
                            lambda: local(question, limit=limit, since=since, until=until))

    def warm_up(self) -> None:
        if self._daemon() is None:
            super().warm_up()


async def run_stoppable(fn: Callable[[threading.Event], T]) -> T:
    """``fn(stop)`` on a worker thread, for a long tool. When the call is cancelled (the client
    sent notifications/cancelled, or went away: its stdin closed) this ends at once and sets
    ``stop``; ``fn`` checks it between its steps and ends there (the warm service is its till then)."""
    stop = threading.Event()

    def guarded() -> T:
        try:
            return fn(stop)
        except Exception:
            if stop.is_set():  # no one waits for the answer any more: the log is the only trace
                log.exception("a cancelled tool call failed")
            raise

    try:
        return await anyio.to_thread.run_sync(guarded, abandon_on_cancel=True)
    except anyio.get_cancelled_exc_class():
        stop.set()
        raise


# -- ask --------------------------------------------------------------------------------------
EVIDENCE_NOTE = ("these are the most relevant memories and events, best first. Answer from them yourself, cite "
                 "their ids and dates, and say so if they do not contain the answer.")


def default_answerer(backend: Backend, question: str, *, limit: int, since: float | None,
                     until: float | None) -> dict[str, Any]:
    """recall's own ``ask`` (small local LLM, with citations) when it runs (the daemon's warm one
    when `recall serve` answers); else the ranked, dated evidence."""
    try:
        answer = backend.ask(question, limit=limit, since=since, until=until)
    except ModelError as exc:
        log.warning("no local answer model: %s", exc.message)
        note = f"recall's local answer model is not available ({exc.message}); " + EVIDENCE_NOTE
    except RecallError:
        raise
    except Exception:
        log.exception("recall's ask failed; answering with the evidence instead")
        note = "recall's local answer model failed; " + EVIDENCE_NOTE
    else:
        return _answer_dict(answer)
    result = backend.search(question, limit=limit, since=since, until=until)
    if not result.hits:
        return {"answer": None, "citations": [],
                "note": "Nothing in memory matches this question. Try search_memory with other words."}
    return {"answer": None, "citations": merge_duplicates(result.hits, width=600), "note": note}


def _answer_dict(answer: Answer) -> dict[str, Any]:
    """recall_cli.llm.ask's Answer: the cited items, then the rest of the evidence it was given.
    An event with the same text as a memory there is folded into it, as search_memory does (a
    citation of the event cites that memory)."""
    evidence = list({h.ref: h for h in answer.evidence}.values())
    items = {item["id"]: item for item in merge_duplicates(evidence, width=600)}
    text = answer.text
    if text is None:  # answered without a model: the evidence is the answer
        return {"answer": None, "citations": list(items.values()),
                "note": "recall has no local answer model here; " + EVIDENCE_NOTE}
    into = {event: ref for ref, item in items.items() for event in item.get("same_text_as_events", ())}
    cited = list(dict.fromkeys(into.get(ref, ref) for ref in answer.citations if ref in items or ref in into))
    out: dict[str, Any] = {"answer": text, "citations": [items[r] for r in cited],
                           "evidence": [item for ref, item in items.items() if ref not in cited]}
    out["method"], out["reason"] = answer.method or None, answer.reason or None
    because = f" ({answer.reason})" if answer.reason else ""
    if answer.abstained:
        out["note"] = (f"recall found no answer in the evidence{because}; check the evidence yourself before "
                       "saying so.")
    else:
        # (with a small model the answer is most often the evidence's own sentence, chosen by rules)
        by = "recall's local model" if answer.method == "model" else "recall's rules from the evidence's own words"
        out["note"] = (f"Answered by {by}" + ("" if cited else " (it cited nothing)")
                       + "; check the answer against the evidence, best first, and prefer the evidence if they "
                       "disagree.")
    return out

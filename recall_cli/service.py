"""The service layer: every front end (CLI, TUI, MCP, daemon, bench) goes through here."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config, load_config
from .errors import InputError, NotFoundError, UsageError
from .importers.base import ImportReport, Skipped, read_text
from .models import Event, Hit, Memory
from .plugins import Plugins, get_plugins
from .retrieve import Retriever, SearchRequest, SearchResult
from .store import Store, open_store
from .timeutil import now

Progress = Callable[[int, int], None]


@dataclass
class ForgetPlan:
    """What a forget would delete; ``execute`` deletes it for real."""

    event_ids: list[int] = field(default_factory=list)
    memory_ids: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.event_ids and not self.memory_ids


class Recall:
    """One RECALL_HOME: store, embedder, index and plugins, opened lazily."""

    def __init__(self, config: Config | None = None, *, embedder: Any = None,
                 plugins: Plugins | None = None, llm: Any = None) -> None:
        self.config = config or load_config()
        self._embedder = embedder
        self._llm = llm
        self._plugins = plugins
        self._store: Store | None = None
        self._index = None
        self._index_synced = False
        self._cache: dict[str, Any] | None = None

    # -- lazily opened parts -------------------------------------------------------------
    @property
    def plugins(self) -> Plugins:
        if self._plugins is None:
            self._plugins = get_plugins()
        return self._plugins

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.config.db_path)
        return self._store

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            self._embedder = self._make_embedder()
        return self._embedder

    def _make_embedder(self) -> Any:
        name = self.config.get("embed.model") or "minilm"
        factories = dict((args[0], args[1]) for _plugin, args in self.plugins.collect("register_embedders"))
        if name in factories:
            return factories[name](self.config)
        path = Path(name).expanduser()
        if not path.exists():
            from .errors import ModelError

            raise ModelError(
                f"embedding model '{name}' is neither a registered embedder "
                f"({', '.join(sorted(factories))}) nor an existing directory"
            )
        from .embed import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder.from_config(self.config, path)

    @property
    def index(self):
        if self._index is None:
            from .index import IndexParams, VectorIndex

            params = IndexParams(m=self.config.get("index.m"),
                                 ef_construction=self.config.get("index.ef_construction"),
                                 ef_search=self.config.get("index.ef_search"))
            self._index = VectorIndex(self.store, self.config.index_dir, self.embedder.model_id, params)
        if not self._index_synced:
            self._index.sync()
            self._index_synced = True
        return self._index

    @property
    def llm(self) -> Any:
        """The local LLM (loaded on first generation, not here)."""
        if self._llm is None:
            from .llm import LlamaLLM

            self._llm = LlamaLLM.from_config(self.config)
        return self._llm

    def ask(self, question: str, *, use_llm: bool = True, **kwargs: Any) -> Any:
        """Answer from memory with citations (see ask.py)."""
        from .ask import ask

        return ask(self, question, llm=self.llm if use_llm else None, use_llm=use_llm, **kwargs)

    @property
    def memories(self):
        """Memory operations (add, edit, pin, supersede, reinforce) with decay parameters."""
        from .decay import DecayParams
        from .memory import MemoryBook

        return MemoryBook(self.store, DecayParams.from_config(self.config))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        self._index = None
        self._index_synced = False

    # -- capture --------------------------------------------------------------------------
    def _filter(self, events: Sequence[Event]) -> tuple[list[Event], int]:
        kept: list[Event] = []
        for event in events:
            result = self.plugins.filter_event(event)
            if result is not None:
                kept.append(result)
        return kept, len(events) - len(kept)

    def add(self, text: str, *, source: str = "note", ts: float | None = None,
            tags: Sequence[str] = (), actor: str | None = None, kind: str = "note",
            session: str | None = None, meta: dict[str, Any] | None = None, embed: bool = False) -> Event:
        """Store one event (returns the stored event; an identical one is returned as is).

        Embedding is deferred to the next search (or the daemon) unless ``embed`` is true,
        so that `recall add` never waits for the model to load.
        """
        if not text or not text.strip():
            raise UsageError("nothing to add: the text is empty")
        event_meta = dict(meta or {})
        if tags:
            event_meta["tags"] = list(tags)
        event = Event(text=text.strip(), ts_start=ts if ts is not None else now(), source=source,
                      kind=kind, actor=actor, session=session, meta=event_meta)
        kept, _ = self._filter([event])
        if not kept:
            raise UsageError("a plugin's filter_event dropped this event")
        event = kept[0]
        result = self.store.insert_events([event])
        if not result.inserted:
            row = self.store.db.execute("SELECT id FROM events WHERE content_hash = ?",
                                        [event.content_hash]).fetchone()
            event.id = row[0]
            event.meta["duplicate"] = True
            return event
        if embed:
            self.embed_pending([event.id])
        return event

    def importers(self) -> dict[str, Any]:
        """Registered import formats by name, in detection order."""
        found: dict[str, Any] = {}
        for _plugin, args in self.plugins.collect("register_importers"):
            importer = args[0]
            found.setdefault(importer.name, importer)
        return found

    def detect_format(self, path: Path, text: str) -> str:
        head = text[:65536]
        for name, importer in self.importers().items():
            try:
                if importer.detect(path, head):
                    return name
            except Exception:  # a broken detector only loses its own format
                continue
        raise InputError(
            "cannot tell the format; pass --format (" + ", ".join(self.importers()) + ")", str(path)
        )

    def import_file(self, path: str | Path, fmt: str = "auto", *, progress: Progress | None = None,
                    embed: bool = True, batch: int = 500) -> ImportReport:
        """Import a file; valid records land even when others are skipped."""
        started = time.perf_counter()
        path = Path(path)
        importers = self.importers()
        if fmt != "auto" and fmt not in importers:
            raise UsageError(f"unknown format '{fmt}' (choose auto, {', '.join(importers)})")
        text = read_text(path, self.config.get("import.max_bytes"))
        name = self.detect_format(path, text) if fmt == "auto" else fmt
        report = ImportReport(path=str(path), format=name)
        pending: list[Event] = []

        def flush() -> None:
            kept, dropped = self._filter(pending)
            report.filtered += dropped
            result = self.store.insert_events(kept)
            report.inserted += len(result.inserted)
            report.duplicates += result.duplicates
            report.event_ids.extend(result.inserted)
            pending.clear()

        for item in importers[name].parse(path, text):
            if isinstance(item, Skipped):
                report.skipped.append(item)
                continue
            pending.append(item)
            if len(pending) >= batch:
                flush()
        flush()
        if report.inserted == 0 and report.duplicates == 0 and report.skipped:
            first = report.skipped[0]
            raise InputError(f"nothing imported as {name}: {first.reason}", str(path), first.position)
        if embed and report.event_ids:
            self.embed_pending(report.event_ids, progress=progress)
        report.seconds = time.perf_counter() - started
        return report

    def catch_up(self) -> int:
        """Embed events and memories stored without a vector (fast `add`s defer this)."""
        model = self.embedder.model_id
        vectors = self.store.vector_fingerprint(model)[0]
        owners = self.store.count_events() + sum(
            self.store.db.execute("SELECT count(*) FROM memories").fetchone())
        if vectors >= owners:
            return 0
        return self.embed_pending()

    def embed_pending(self, ids: Sequence[int] | None = None, progress: Progress | None = None) -> int:
        """Embed events (all missing ones by default) and bring the index up to date."""
        from .ingest import embed_events, embed_memories

        done = embed_events(self.store, self.embedder, ids, progress=progress)
        if ids is None:
            done += embed_memories(self.store, self.embedder)
        if self._index is not None:
            self._index.sync()
        return done

    # -- use ------------------------------------------------------------------------------
    def search(self, query: str, *, limit: int | None = None, since: float | None = None,
               until: float | None = None, sources: Sequence[str] | None = None,
               reference: float | None = None, time_phrases: bool = True,
               include_memories: bool = True, dense: bool = True,
               include_dormant: bool = False) -> SearchResult:
        """Hybrid search over events and memories."""
        if not query or not query.strip():
            raise UsageError("empty query")
        if since is not None and until is not None and since > until:
            raise UsageError("--since is after --until")
        request = SearchRequest(
            query=query.strip(), limit=self.config.get("search.limit") if limit is None else limit, since=since,
            until=until, sources=sources, reference=reference, time_phrases=time_phrases,
            include_memories=include_memories, candidates=self.config.get("search.candidates"),
            dense_weight=self.config.get("search.dense_weight"), bm25_weight=self.config.get("search.bm25_weight"),
            neighbour_weight=self.config.get("search.neighbour_weight"),
            speaker_boost=self.config.get("search.speaker_boost"), min_score=self.config.get("search.min_score"),
        )
        if request.limit <= 0:
            raise UsageError("--limit must be at least 1")
        cache = self._search_cache(dense)
        has_vectors = dense and cache["vectors"] > 0
        retriever = Retriever(self.store, self.embedder if has_vectors else None,
                              self.index if has_vectors else None, memory_book=self.memories,
                              include_dormant=include_dormant, cache=cache)
        return retriever.search(request)

    def _store_version(self) -> tuple[int, int]:
        """Changes when this connection or another process writes to the store."""
        return self.store.db.execute("PRAGMA data_version").fetchone()[0], self.store.db.conn.total_changes

    def _search_cache(self, dense: bool) -> dict[str, Any]:
        """What searches share while the store does not change: the vector count, the
        background sample and memory vectors (the daemon and loops skip recounting 100k rows)."""
        cache = self._cache
        if cache is None or cache["version"] != self._store_version() or (dense and not cache["caught_up"]):
            if dense:
                self.catch_up()
            vectors = self.store.vector_fingerprint(self.embedder.model_id)[0] if dense else 0
            cache = self._cache = {"version": self._store_version(), "caught_up": dense, "vectors": vectors}
        return cache

    def resolve(self, ref: str) -> tuple[str, int]:
        """'42' -> ('event', 42); 'm7' -> ('memory', 7)."""
        text = str(ref).strip().lower()
        owner = "event"
        if text.startswith("m"):
            owner, text = "memory", text[1:]
        elif text.startswith("e"):
            text = text[1:]
        if not text.isdigit():
            raise UsageError(f"'{ref}' is not an id (events: 42, memories: m7)")
        return owner, int(text)

    def show(self, ref: str, *, reinforce: bool = True) -> dict[str, Any]:
        """An event or memory with its context (neighbours, provenance, history)."""
        owner, oid = self.resolve(ref)
        if owner == "event":
            event = self.store.get_event(oid)
            if event is None:
                raise NotFoundError(f"no event with id {oid}")
            data = event.to_dict()
            data["type"] = "event"
            data["memories"] = [r[0] for r in self.store.db.execute(
                "SELECT memory_id FROM memory_sources WHERE event_id = ?", [oid])]
            return data
        memory = self.store.get_memory(oid)
        if memory is None:
            raise NotFoundError(f"no memory with id m{oid}")
        if reinforce:
            # opening a memory is a recall: it strengthens it (and wakes a dormant one)
            memory = self.memories.reinforce([oid], actor="user", reason="opened")[0]
        view = self.memories.view(memory)
        data = memory.to_dict()
        data.update(retention=round(view.retention, 4), zone=view.zone)
        data["type"] = "memory"
        data["sources"] = [e.to_dict() for e in self.store.get_events(self.store.memory_sources(oid)).values()]
        data["history"] = self.store.memory_history(oid)
        return data

    def plan_forget(self, refs: Sequence[str] = (), *, sources: Sequence[str] | None = None,
                    before: float | None = None) -> ForgetPlan:
        """Work out what a forget would delete, checking every id exists."""
        plan = ForgetPlan()
        for ref in refs:
            owner, oid = self.resolve(ref)
            if owner == "event":
                if self.store.get_event(oid) is None:
                    raise NotFoundError(f"no event with id {oid}")
                plan.event_ids.append(oid)
            else:
                if self.store.get_memory(oid) is None:
                    raise NotFoundError(f"no memory with id m{oid}")
                plan.memory_ids.append(oid)
        if sources or before is not None:
            plan.event_ids.extend(self.store.event_ids_where(sources=sources, before=before))
        plan.event_ids = sorted(set(plan.event_ids))
        plan.memory_ids = sorted(set(plan.memory_ids))
        return plan

    def forget(self, plan: ForgetPlan) -> dict[str, int]:
        """Delete for real: rows, FTS entries, vectors, and the index entries."""
        with self.store.transaction():
            events = self.store.delete_events(plan.event_ids)
            memories = self.store.delete_memories(plan.memory_ids)
        if self._index is not None or self.config.index_dir.exists():
            try:
                self.index.sync()
            except Exception:  # the index is a cache: a failed sync is rebuilt next time
                pass
        return {"events": events, "memories": memories}

    def stats(self) -> dict[str, Any]:
        data = self.store.event_stats()
        data["memories"] = self.store.count_memories()
        data["vectors"] = self.store.vector_models()
        data["episodes"] = self.store.db.execute("SELECT count(*) FROM episodes").fetchone()[0]
        data["home"] = str(self.config.home)
        data["db_bytes"] = self.config.db_path.stat().st_size if self.config.db_path.exists() else 0
        return data

    def rebuild_index(self, progress: Progress | None = None) -> int:
        """Embed anything missing, then rebuild the HNSW cache from SQLite."""
        from .ingest import embed_events, embed_memories

        embed_events(self.store, self.embedder)
        embed_memories(self.store, self.embedder)
        index = self.index
        return index.rebuild(progress=progress)

    def memory(self, memory_id: int) -> Memory:
        memory = self.store.get_memory(memory_id)
        if memory is None:
            raise NotFoundError(f"no memory with id m{memory_id}")
        return memory


def hits_to_dicts(hits: Sequence[Hit]) -> list[dict[str, Any]]:
    return [h.to_dict() for h in hits]

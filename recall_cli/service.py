"""The service layer: the one door. Every face (CLI, TUI, MCP server, daemon) calls only this.

``Recall`` owns one RECALL_HOME: its store, embedder, index, LLM and plugins, each opened on
first use. It has one method per use case; the parts below it (store, search, memory, llm,
capture) never import a face.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .capture.ingest import before_reading
from .capture.rescan import catch_up
from .capture.write import said_by_parts
from .config import Config, load_config
from .errors import ModelError, NoRoom, NotFoundError, RecallError, UsageError
from .home import import_running, tighten
from .importers.base import Importer, ImportReport, import_targets
from .importers.stream import import_file
from .llm.methods import ModelMethods
from .memory.forget import ForgetMethods
from .models import Event, Memory, Remembered, SearchResult
from .plugins.manager import Plugins, get_plugins
from .store.db import Store, open_store
from .store.events import InsertResult
from .store.shell_history import Query as ShellQuery
from .store.timeline import SOURCES as SOURCES  # the TUI offers these as filters
from .store.timeline import TimelineMethods
from .sync.exchange import ExchangeReport
from .sync.methods import SyncMethods
from .timeutil import now

if TYPE_CHECKING:
    from .capture.ingest import IngestReport
    from .capture.watch import Held
    from .doctor import Check
    from .llm.ask import Answer
    from .llm.model import LLM
    from .memory.book import MemoryBook, MemoryView
    from .memory.consolidation import ConsolidationReport, EpisodeOutcome
    from .search.embed import Embedder
    from .search.index import VectorIndex

Progress = Callable[[int, int], None]
OnToken = Callable[[str], None]
REMEMBER_KINDS = ("semantic", "procedural", "core")  # remember kinds that also make a memory


class Recall(SyncMethods, ModelMethods, TimelineMethods, ForgetMethods):
    """One RECALL_HOME: store, embedder, index, LLM and plugins, opened lazily."""
    backlog_notice: Callable[[int], None] | None = None  # a face that says "embedding N first"
    notice: Callable[[str], None] | None = None  # a face that says what went wrong and was worked around

    def __init__(self, config: Config | None = None, *, embedder: Embedder | None = None,
                 plugins: Plugins | None = None, llm: LLM | None = None) -> None:
        self.config = config or load_config()
        self._embedder = embedder
        self._llm = llm
        self._plugins = plugins
        self._store: Store | None = None
        self._index: VectorIndex | None = None
        self._index_synced = False
        self._cache: dict[str, Any] | None = None
        self.importer_plugins: dict[str, str] = {}  # format name -> the plugin that registered it (for errors)

    def sibling(self) -> Recall:
        """A second service over the same home with its own SQLite connection, sharing the
        models already loaded (long jobs run on it while the first one keeps browsing)."""
        return Recall(self.config, embedder=self._embedder, plugins=self._plugins, llm=self._llm)

    # -- lazily opened parts (for the layers below; faces use the methods) ---------------
    @property
    def plugins(self) -> Plugins:
        if self._plugins is None:
            self._plugins = get_plugins()
        return self._plugins

    @property
    def store(self) -> Store:
        if self._store is None:
            tighten(self.config.home)  # a home made under a loose umask, or by an older recall
            self._store = open_store(self.config.db_path)
            catch_up(self)  # stored under an older secret table (an upgrade): redacted now, once
        return self._store

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = self._make_embedder()
        return self._embedder

    def _embedders(self) -> dict[str, tuple[str, Any]]:
        """Registered embedder name -> (plugin, factory), built-in and plugins."""
        return {args[0]: (plugin, args[1]) for plugin, args in self.plugins.collect("register_embedders")}

    def check_embedder(self, name: str) -> str:
        """``name`` as embed.model is to keep it: a registered embedder's name as is, an existing
        directory as a full path (read later from any folder); else the ModelError every
        search would raise with it."""
        factories = self._embedders()
        if name in factories:
            return name
        path = Path(name).expanduser()
        if not path.exists():
            raise ModelError(f"embedding model '{name}' is neither a registered embedder "
                             f"({', '.join(sorted(factories))}) nor an existing directory")
        return str(path.absolute())

    def _make_embedder(self) -> Embedder:
        name = self.config.get("embed.model") or "minilm"
        factories = self._embedders()
        if name in factories:
            plugin, factory = factories[name]
            if plugin in self.plugins.builtin_names:  # recall's own: its errors already say what to do
                made: Embedder = factory(self.config)
                return made
            from .search.embed import PluginEmbedder, plugin_embedder_failed

            source = self.config.sources.get("embed.model", "config.toml")
            try:
                made = factory(self.config)
            except Exception as exc:  # noqa: BLE001 - a plugin's failure, named as the plugin's
                raise plugin_embedder_failed(name, plugin, source, exc) from exc
            return PluginEmbedder(made, name, plugin, source)
        path = Path(self.check_embedder(name))
        from .search.embed import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder.from_config(self.config, path)

    @property
    def index(self) -> VectorIndex:
        if self._index is None:
            from .search.index import IndexParams, VectorIndex

            params = IndexParams(m=self.config.get("index.m"),
                                 ef_construction=self.config.get("index.ef_construction"),
                                 ef_search=self.config.get("index.ef_search"))
            self._index = VectorIndex(self.store, self.config.index_dir, self.embedder.model_id, params)
        if not self._index_synced:
            self._index.sync()
            self._index_synced = True
        return self._index

    @property
    def llm(self) -> LLM:
        """The local LLM (loaded on first generation, not here)."""
        if self._llm is None:
            from .llm.model import LlamaLLM

            self._llm = LlamaLLM.from_config(self.config)
        return self._llm

    @property
    def memories(self) -> MemoryBook:
        """Memory operations (add, edit, pin, supersede, reinforce) with decay parameters."""
        from .memory.book import MemoryBook
        from .memory.decay import DecayParams

        return MemoryBook(self.store, DecayParams.from_config(self.config))

    def open(self) -> Recall:
        """Open the store now (pending migrations run here, once), not on first use."""
        self.store  # noqa: B018 - opening is the point
        return self

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        self._index = None
        self._index_synced = False

    # -- the one write path for events ------------------------------------------------------
    def store_events(self, events: Sequence[Event], origin: str | None = None) -> InsertResult:
        """Every event reaches the store through here (see capture.write): secrets redacted,
        plugins' filters, long texts as linked parts, one transaction. ``origin``: the device
        they were merged from."""
        from .capture.write import store_events

        return store_events(self, events, origin)

    # -- capture ----------------------------------------------------------------------------
    def add(self, text: str, *, source: str = "note", ts: float | None = None,
            tags: Sequence[str] = (), actor: str | None = None, kind: str = "note",
            session: str | None = None, meta: dict[str, Any] | None = None, embed: bool = False) -> Event:
        """Store one event (returns the stored event; an identical one is returned as is,
        with ``meta["duplicate"]``). Embedding waits for the next search (or the daemon)
        unless ``embed`` is true, so that `recall add` never waits for the model to load."""
        if not text or not text.strip():
            raise UsageError("nothing to add: the text is empty")
        if not source.strip():
            raise UsageError("the source is empty: name where the text came from (note, chat, ...)")
        if any(not t.strip() for t in tags):
            raise UsageError("a tag is empty: give each tag a name")
        event_meta = dict(meta or {})
        if tags:
            event_meta["tags"] = [t.strip() for t in tags]
        source, actor = source.strip(), (actor.strip() or None) if actor is not None else None
        stored = self.store_events([Event(text=text.strip(), ts_start=ts if ts is not None else now(),
                                          source=source, kind=kind, actor=actor, session=session,
                                          meta=event_meta)])
        if stored.held:
            raise RecallError(f"{next(iter(stored.held))}: the event was held back, not stored")
        if stored.filtered:
            by = " and ".join(f"plugin {name}" for name in stored.filtered_by) or "a plugin"
            raise UsageError(f"{by} dropped this event in filter_event; it was not stored")
        event = stored.events[0]
        event.meta.update(said_by_parts(stored.events))  # a long text: the caller sees the first part
        if stored.forgotten and not stored.inserted:
            raise UsageError("you deleted this very event before (same text, time and source); add it at "
                             "another time (--time) to store it again")
        if not stored.inserted:
            event.id = self.store.event_id_by_hash(event.content_hash)
            event.meta["duplicate"] = True
            return event
        if embed:
            self.embed_pending(stored.inserted)
        return event

    def remember(self, text: str, *, kind: str = "note", tags: Sequence[str] = (), client: str = "unknown",
                 source: str = "mcp") -> Remembered:
        """Store what an agent (or a person) asks to keep: an event, and for a lasting kind
        (semantic, procedural, core) a memory linked to it. A memory already known word for
        word is reinforced instead of duplicated."""
        from .models import content_hash

        event = self.add(text, source=source, kind="note", actor=client, tags=tags, meta={"client": client})
        done = Remembered(event)
        if kind not in REMEMBER_KINDS:
            return done
        actor = f"{source}:{client}"
        known = self.store.active_memory_by_hash(content_hash(kind, None, event.text))
        if known is not None:
            done.memory = self.memories.reinforce([known], actor=actor, reason="remembered again")[0]
            done.already_known = True
            return done
        assert event.id is not None
        done.memory = self.memories.add(kind, event.text, importance=7, sources=[event.id], actor=actor,
                                        meta={"client": client, "tags": list(tags)})
        return done

    def importers(self) -> dict[str, Importer]:
        """Registered import formats by name, in detection order."""
        found: dict[str, Importer] = {}
        registered = self.plugins.collect("register_importers")
        own = {getattr(args[0], "name", None) for plugin, args in registered
               if args and plugin in self.plugins.builtin_names}
        for plugin, args in registered:
            importer = args[0] if args else None
            if importer is None or not (isinstance(getattr(importer, "name", None), str)
                                        and callable(getattr(importer, "detect", None))
                                        and callable(getattr(importer, "parse", None))):
                # one plugin's malformed format must not break every import
                self.plugins.refuse(plugin, "register_importers", f"a {type(importer).__name__} is not an importer "
                                    "(needs name, detect and parse); left out")
                continue
            if importer.name in own and plugin not in self.plugins.builtin_names:
                self.plugins.refuse(plugin, "register_importers", f"an importer named '{importer.name}' would "
                                    "replace recall's own; left out")
                continue
            found.setdefault(importer.name, importer)
            self.importer_plugins.setdefault(importer.name, plugin)
        return found

    def import_targets(self, paths: Sequence[str | Path]) -> list[Path]:
        """The files `recall import PATH...` reads: files as given, folders walked for notes and
        exports (skipping hidden folders and watch.ignore_dirs); InputError for a missing path."""
        from .capture.filters import parse_list

        return import_targets(paths, set(parse_list(self.config.get("watch.ignore_dirs"))))

    def import_any(self, path: str | Path, fmt: str = "auto", *, progress: Progress | None = None,
                   embed: bool = True, reading: Progress | None = None) -> ImportReport | ExchangeReport:
        """`recall import`: a recall export (``--format recall``, or known by its header) with
        its memories and history, a zipped chat export, what a pipe holds, else any registered
        format through ``import_file`` (see importers.dispatch). ``reading``: (records read, 0)."""
        from .importers.dispatch import import_any

        return import_any(self, Path(path), fmt, progress=progress, embed=embed, reading=reading)

    def import_file(self, path: str | Path, fmt: str = "auto", *, progress: Progress | None = None,
                    embed: bool = True, batch: int = 500, origin: str | None = None,
                    reading: Progress | None = None) -> ImportReport:
        """Import a file; valid records land even when others are skipped. ``origin``: the file
        its events record they came from (default: ``path``; "" for none, as for a pipe)."""
        return import_file(self, Path(path), fmt, progress=progress, embed=embed, batch=batch, origin=origin,
                           reading=reading)

    def ingest_spool(self, *, batch_size: int | None = None, embed: bool = True,
                     progress: Progress | None = None) -> IngestReport:
        """Move what the shell hook, watchers and screen recorder spooled into the store."""
        from .capture.ingest import ingest

        return ingest(self, batch_size=batch_size, embed=embed, progress=progress)

    def held_paragraphs(self) -> Held:
        """What the store holds of notes' paragraphs: the file watcher checks its state
        against it, so the store, not the watcher's memory, decides what is stored."""
        from .capture.watch import Held

        return Held(*self.store.held_paragraphs())

    # -- vectors ----------------------------------------------------------------------------
    def catch_up(self) -> int:
        """Embed events and memories stored without a vector (fast `add`s defer this); a backlog
        of a thousand or more (an import that was stopped) is told to ``backlog_notice`` first;
        -1 while an import in another process still stores (and will embed) them."""
        import shutil

        from .search.vectors import BACKLOG, VECTOR_ROOM

        missing = self.store.count_events() + self.store.count_all_memories() \
            - self.store.vector_fingerprint(self.embedder.model_id)[0]
        if missing > 0 and shutil.disk_usage(self.config.home).free < VECTOR_ROOM * missing + 2**20:
            raise NoRoom(f"the disk is full: {missing:,} items stay without a vector, found by their words "
                         "until there is room")  # (not after embedding them for nothing, every call)
        if missing > 0 and import_running(self.config.home):  # it embeds them: not twice, not in a search
            if self.notice is not None:
                self.notice(f"{missing:,} items an import is storing are found by their words until it embeds them")
            return -1
        if missing >= BACKLOG and self.backlog_notice is not None:
            self.backlog_notice(missing)
        return self.embed_pending() if missing > 0 else 0

    def embed_pending(self, ids: Sequence[int] | None = None, progress: Progress | None = None) -> int:
        """Embed events (all missing ones by default) and bring the index up to date."""
        from .search.vectors import embed_events, embed_memories

        done = embed_events(self.store, self.embedder, ids, progress=progress)
        if ids is None:
            done += embed_memories(self.store, self.embedder)
        if self._index is not None:
            self._index.sync()
        elif ids is None and done:
            # an import's vectors join the index now, inside the import, not during the first
            # search after it (tens of seconds at 40k events, with nothing said)
            self.index  # noqa: B018 - opening it brings it up to date
        return done

    def rebuild_index(self, progress: Progress | None = None) -> tuple[int, Path]:
        """Embed anything missing, then rebuild the HNSW cache from SQLite; (vectors, file)."""
        from .search.vectors import embed_events, embed_memories

        embed_events(self.store, self.embedder)
        embed_memories(self.store, self.embedder)
        index = self.index
        return index.rebuild(progress=progress), index.file

    def warm_up(self) -> None:
        """Load the embedder and the index now, so the first search is fast."""
        self.embedder.model_id  # noqa: B018 - loads the model
        self.index  # noqa: B018 - opens (or builds) the index

    def resync_index(self) -> None:
        """After another connection wrote: bring the open index up to date (a cache: a
        failure here only means a rebuild on the next search)."""
        if self._index is not None:
            try:
                self._index.sync()
            except Exception:  # noqa: BLE001 - rebuilt on the next search
                pass

    # -- finding and answering ----------------------------------------------------------------
    def search(self, query: str, *, limit: int | None = None, since: float | None = None,
               until: float | None = None, sources: Sequence[str] | None = None,
               reference: float | None = None, time_phrases: bool = True,
               include_memories: bool = True, dense: bool = True,
               include_dormant: bool = False) -> SearchResult:
        """Hybrid search over events and memories."""
        from .search.retrieve import Retriever, SearchRequest

        if not query or not query.strip():
            raise UsageError("empty query")
        if since is not None and until is not None and since > until:
            raise UsageError("--since is after --until")
        before_reading(self)  # what the shell hook and watchers spooled a moment ago is found too
        get = self.config.get
        request = SearchRequest(
            query=query.strip(), limit=get("search.limit") if limit is None else limit, since=since,
            until=until, sources=sources, reference=reference, time_phrases=time_phrases,
            include_memories=include_memories, candidates=get("search.candidates"),
            dense_weight=get("search.dense_weight"), bm25_weight=get("search.bm25_weight"),
            neighbour_weight=get("search.neighbour_weight"),
            question_penalty=get("search.question_penalty"),
            speaker_boost=get("search.speaker_boost"), min_score=get("search.min_score"),
        )
        if request.limit <= 0:
            raise UsageError("--limit must be at least 1")
        cache = self._search_cache(dense)
        has_vectors = dense and cache["vectors"] > 0
        retriever = Retriever(self.store, self.embedder if has_vectors else None,
                              self.index if has_vectors else None, memory_book=self.memories,
                              include_dormant=include_dormant, cache=cache)
        return retriever.search(request)

    def _search_cache(self, dense: bool) -> dict[str, Any]:
        """What searches share while the store does not change: the vector count, the
        background sample and memory vectors (the daemon and loops skip recounting 100k rows)."""
        cache = self._cache
        if cache is None or cache["version"] != self.store.data_version() or (dense and not cache["caught_up"]):
            caught_up = dense
            if dense:
                try:
                    caught_up = self.catch_up() >= 0
                except NoRoom as exc:  # what is stored is still found; the new items by their words
                    if self.notice is not None:
                        self.notice(exc.message)
                if self._index is not None:
                    # another process (a CLI beside the daemon) may have stored or forgotten
                    # vectors: a cache opened before that has not seen them
                    self._index.sync()
            vectors = self.store.vector_fingerprint(self.embedder.model_id)[0] if dense else 0
            cache = self._cache = {"version": self.store.data_version(), "caught_up": caught_up, "vectors": vectors}
        return cache

    def ask(self, question: str, *, use_llm: bool = True, limit: int | None = None,
            reference: float | None = None, on_token: OnToken | None = None,
            history: Sequence[tuple[str, str]] = (), since: float | None = None, until: float | None = None,
            search: Callable[..., SearchResult] | None = None) -> Answer:
        """Answer a question from memory with citations, or abstain (see llm/ask.py).
        ``search`` replaces this service's search (the MCP server passes the daemon's)."""
        from .llm.ask import ask
        from .llm.model import llm_or_stand_in

        if search is None and (since is not None or until is not None):
            def search(query: str, **kwargs: Any) -> SearchResult:
                return self.search(query, since=since, until=until, **kwargs)

        # a model that cannot load still lets the evidence answer (answer.model_problem says why)
        return ask(self, question, llm=llm_or_stand_in(lambda: self.llm) if use_llm else None, use_llm=use_llm,
                   limit=limit, reference=reference, on_token=on_token, history=history, search=search)

    def forget_llm(self) -> None:
        """Drop the loaded LLM so the next use loads the configured model."""
        self._llm = None

    def warm_up_llm(self) -> None:
        """Load the LLM and evaluate its stable prompt prefix (before an interactive session)."""
        from .llm.ask import warm_up

        warm_up(self, self.llm)

    # -- reading one thing ------------------------------------------------------------------
    def resolve(self, ref: str | int) -> tuple[str, int]:
        """'42' -> ('event', 42); 'm7' -> ('memory', 7); '[42]', as ask cites it, is 42."""
        text = str(ref).strip().lower()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1].strip()
        owner = "event"
        if text.startswith("m"):
            owner, text = "memory", text[1:]
        elif text.startswith("e"):
            text = text[1:]
        if not text.isdigit():
            raise UsageError(f"'{ref}' is not an id (events: 42, memories: m7)")
        return owner, int(text)

    def show(self, ref: str | int, *, reinforce: bool = True, actor: str = "user") -> dict[str, Any]:
        """An event (with the memories made from it) or a memory (with provenance, history,
        retention and zone). Opening a memory is a recall: it strengthens it, unless
        ``reinforce`` is false (browsing)."""
        owner, oid = self.resolve(ref)
        if owner == "event":
            event = self.store.get_event(oid)
            if event is None:
                raise NotFoundError(f"no event with id {oid}")
            data = event.to_dict()
            data["type"] = "event"
            data["memories"] = self.store.memories_from_event(oid)
            found = self.store.get_memories(data["memories"])
            data["memory_texts"] = {m: found[m].text for m in data["memories"] if m in found}
            if event.meta.get("parts"):  # a long text stored as linked parts: where the others are
                data["part_ids"] = self.store.parts_of([oid])
            return data
        memory = self.memory(oid)
        if reinforce:
            memory = self.memories.reinforce([oid], actor=actor, reason="opened")[0]
        view = self.memories.view(memory)
        data = memory.to_dict()
        data.update(retention=round(view.retention, 4), zone=view.zone)
        data["type"] = "memory"
        data["sources"] = [e.to_dict() for e in self.store.get_events(self.store.memory_sources(oid)).values()]
        data["history"] = self.store.memory_history(oid)
        return data

    def shell_history(self, query: ShellQuery) -> list[dict[str, Any]]:
        """Shell commands, most recent first (repeats collapsed unless ``query.unique`` is off),
        the ones still in the spool included."""
        return self.store.shell_commands(query, str(self.config.home / "spool"))

    def shell_stats(self) -> dict[str, Any]:
        """Top commands (by first word) with failure rates, busiest directories, totals."""
        before_reading(self)  # history lists the commands still in the spool: count them too
        return dict(self.store.shell_stats())

    def recent(self, limit: int = 20, sources: Sequence[str] | None = None) -> list[Event]:
        """The newest events, newest first."""
        return self.store.recent_events(limit, sources)

    def sources(self) -> dict[str, int]:
        """Event counts by source, largest first."""
        by_source: dict[str, int] = self.store.event_stats()["by_source"]
        return by_source

    def registered_sources(self) -> dict[str, str]:
        """The sources recall and its plugins register (``register_sources``), name -> what
        it holds: a --source naming one that has no events yet matches nothing, no typo."""
        found: dict[str, str] = {}
        for plugin, args in self.plugins.collect("register_sources"):
            if not args or not isinstance(args[0], str) or not args[0].strip():
                self.plugins.refuse(plugin, "register_sources", f"{args!r} is not a source name; left out")
                continue
            found.setdefault(args[0], str(args[1]) if len(args) > 1 else "")
        return found

    def stats(self) -> dict[str, Any]:
        """Counts of events by source, memories by kind, vectors, episodes; the home and size."""
        before_reading(self)  # the commands and notes recorded a moment ago count, as search finds them
        data = self.store.event_stats()
        data["memories"] = self.store.count_memories()
        data["vectors"] = self.store.vector_models()
        data["episodes"] = self.store.count_episodes()
        data["redacted"] = self.store.count_redacted_events()
        data["home"] = str(self.config.home)
        # with what waits in the write-ahead log (a fresh store's rows are all there at first)
        db = self.config.db_path
        data["db_bytes"] = sum(p.stat().st_size for p in (db, db.with_name(db.name + "-wal")) if p.exists())
        return data

    # -- memories ---------------------------------------------------------------------------
    def memory(self, memory_id: int) -> Memory:
        """One memory (NotFoundError when there is none)."""
        return self.memories.get(memory_id)

    def memory_view(self, memory_id: int, at: float | None = None) -> MemoryView:
        """A memory with its retention and zone at ``at`` (now by default)."""
        book = self.memories
        return book.view(book.get(memory_id), at)

    def list_memories(self, *, kinds: Sequence[str] | None = None, zones: Sequence[str] | None = None,
                      include_all: bool = False, include_superseded: bool = False, at: float | None = None,
                      limit: int | None = None) -> list[MemoryView]:
        """Memories with their strength, pinned first; dormant ones only when asked."""
        return self.memories.list(kinds=kinds, zones=zones, include_all=include_all,
                                  include_superseded=include_superseded, at=at, limit=limit)

    def pin(self, memory_id: int, pinned: bool = True, *, actor: str = "user") -> Memory:
        """Pin (or unpin) a memory: pinned memories never fade and are always given to the LLM."""
        return self.memories.set_pinned(memory_id, pinned, actor=actor)

    def edit(self, memory_id: int, text: str, *, actor: str = "user") -> Memory:
        """A user's correction; consolidation never overwrites it afterwards."""
        if not text or not text.strip():
            raise UsageError("empty text; memory unchanged (use forget to delete it)")
        return self.memories.edit(memory_id, text, actor=actor)

    def history(self, memory_id: int) -> list[dict[str, Any]]:
        """Every change to a memory: who, when, what."""
        self.memory(memory_id)
        return self.store.memory_history(memory_id)

    def reinforce(self, memory_ids: Sequence[int], *, actor: str = "user", reason: str = "used") -> list[Memory]:
        """Strengthen memories that were used or opened."""
        return self.memories.reinforce(memory_ids, actor=actor, reason=reason)

    def core_profile(self) -> list[Memory]:
        """Pinned and core memories: always given to the LLM, never fading."""
        return self.memories.core_profile()

    def consolidate(self, *, episode_ids: Sequence[int] | None = None, since: float | None = None,
                    limit: int | None = None, dry_run: bool = False, use_llm: bool = True, redo: bool = False,
                    progress: Progress | None = None, at: float | None = None, go_on: Callable[[], bool] | None = None,
                    on_episode: Callable[[EpisodeOutcome], None] | None = None) -> ConsolidationReport:
        """Distil pending episodes (or only ``episode_ids``; with ``redo``, those again even
        when done) into memories, with the configured LLM when it loads, else the zero-LLM
        path; the report says which (``model``) and why not (``model_problem``). ``on_episode``
        gets each episode's outcome once decided; ``go_on()``, asked before each, ends the run when false."""
        from .memory.consolidation import consolidate
        from .memory.extraction import pipeline_or_none

        extractors, reconciler, problem, declined = pipeline_or_none(self) if use_llm else (None, None, "", False)
        report = consolidate(self, since=since, limit=limit, dry_run=dry_run, extractors=extractors,
                             reconciler=reconciler, progress=progress, at=at, episode_ids=episode_ids,
                             redo=redo, on_episode=on_episode, go_on=go_on)
        if not dry_run:
            self.embed_pending()  # memories a killed run left without vectors, too
        report.model = self.llm.model_id if extractors else "zero-LLM"
        report.model_problem, report.model_declined = problem, declined
        return report

    # -- health and models ------------------------------------------------------------------
    def doctor(self, *, fix: bool = False, llm: bool = True) -> list[Check]:
        """Health checks (never raises); with ``fix``, repairs what it can first."""
        from .doctor import run_checks

        return run_checks(self, fix=fix, llm=llm)

    def plugin_listing(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(plugins with their hooks, failures; the register hooks run first: a raising one is one)."""
        self.importers()
        for hook in ("register_embedders", "register_sources"):
            self.plugins.collect(hook)
        return self.plugins.listing(), [f.__dict__ for f in self.plugins.failures]

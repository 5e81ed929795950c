"""`recall mcp`: recall as long-term memory for coding agents, over MCP (stdio).

Tools are written for an LLM caller: few, clear names, typed arguments, structured results
with ids and dates, and errors as ``ToolError`` text that says what to do instead.

Threading. The SDK runs sync tools on worker threads and async tools on the event loop:

- async tools (search_memory, ask, remember, pin, forget) hand their work to one *warm*
  service (embedder, index, SQLite connection) on a worker thread, one call at a time
  (``Backend.locked``), so the event loop never blocks and the connection is never shared
  by two threads at once;
- sync tools (get_memory, list_recent) and the profile resource need no model: each call
  opens its own SQLite connection (``Backend.connection``) and closes it.

When `recall serve` answers on this RECALL_HOME, searches and adds go to its warm models
(``DaemonBackend``); everything else, and everything when it does not answer, runs here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.types import ToolAnnotations
from pydantic import Field, ValidationError

from . import __version__
from .errors import ModelError, NotFoundError, RecallError
from .timeutil import iso

log = logging.getLogger("recall.mcp")

MAX_TEXT = 20_000  # characters `remember` stores in one call
MAX_QUERY = 4_000  # characters of a query or question
MAX_LIMIT = 50  # results per search / ask
MAX_RECENT = 100  # events per list_recent
MAX_TAGS = 20
SHOWN_TEXT = 1_500  # characters of each result's text in lists (get_memory shows all)
MEMORY_KINDS = ("semantic", "procedural", "core")  # remember kinds that also create a memory
WRITE_TOOLS = ("remember", "pin", "forget")
PROFILE_URI = "recall://profile"
ID_HINT = ("ids come from search_memory, list_recent or ask results: events are numbers like '42', "
           "memories look like 'm7'")
TIME_HINT = "use an ISO date like 2026-11-01, a datetime like 2026-11-01T14:30, or a phrase like 'yesterday'"

ServiceFactory = Callable[[], Any]
Answerer = Callable[..., dict[str, Any]]


# -- results ----------------------------------------------------------------------------------
def clip(text: str, width: int = SHOWN_TEXT) -> tuple[str, bool]:
    """The text cut to ``width`` characters, and whether it was cut."""
    if len(text) <= width:
        return text, False
    return text[:width].rstrip() + " …", True


def _item(ref: str, type_: str, kind: str | None, ts: float | None, source: str | None, actor: str | None,
          text: str, meta: dict[str, Any] | None, width: int) -> dict[str, Any]:
    shown, cut = clip(text, width)
    item: dict[str, Any] = {"id": ref, "type": type_, "kind": kind, "time": iso(ts), "source": source}
    if actor:
        item["actor"] = actor
    tags = (meta or {}).get("tags")
    if tags:
        item["tags"] = tags
    item["text"] = shown
    if cut:
        item["truncated"] = f"{len(text):,} characters; get_memory('{ref}') has the full text"
    return item


def hit_item(hit: Any, width: int = SHOWN_TEXT) -> dict[str, Any]:
    item = _item(hit.ref, hit.owner, hit.kind, hit.ts, hit.source, hit.actor, hit.text, hit.meta, width)
    item["score"] = round(hit.score, 4)
    return item


def merge_duplicates(hits: list[Any], width: int = SHOWN_TEXT) -> list[dict[str, Any]]:
    """Result items, best first; an event with the same text as a memory in the results folds into it."""
    memories = {" ".join(h.text.split()): h for h in hits if h.owner == "memory"}
    folded: dict[str, list[str]] = {}
    kept = []
    for hit in hits:
        twin = memories.get(" ".join(hit.text.split())) if hit.owner == "event" else None
        if twin is not None:
            folded.setdefault(twin.ref, []).append(hit.ref)
        else:
            kept.append(hit)
    items = [hit_item(h, width) for h in kept]
    for item in items:
        if item["id"] in folded:
            item["same_text_as_events"] = folded[item["id"]]
    return items


def event_item(event: Any, width: int = SHOWN_TEXT) -> dict[str, Any]:
    return _item(str(event.id), "event", event.kind, event.ts_start, event.source, event.actor, event.text,
                 event.meta, width)


def describe(data: dict[str, Any]) -> dict[str, Any]:
    """`Recall.show` output as the model sees it: ids as refs, every time as ISO 8601."""
    if data["type"] == "event":
        meta = dict(data.get("meta") or {})
        out: dict[str, Any] = {
            "id": str(data["id"]), "type": "event", "kind": data["kind"], "time": data["time"],
            "end_time": iso(data.get("ts_end")), "source": data["source"], "actor": data.get("actor"),
            "session": data.get("session"), "tags": meta.pop("tags", None), "text": data["text"],
            "meta": meta or None, "memories": [f"m{i}" for i in data.get("memories", [])],
        }
    else:
        out = {
            "id": f"m{data['id']}", "type": "memory", "kind": data["kind"], "text": data["text"],
            "subject": data.get("subject"), "status": data["status"], "pinned": data["pinned"],
            "importance": data["importance"], "retention": data.get("retention"), "zone": data.get("zone"),
            "created": iso(data["created_at"]), "updated": iso(data["updated_at"]),
            "valid_from": iso(data.get("valid_from")), "valid_to": iso(data.get("valid_to")),
            "last_reinforced": iso(data.get("last_reinforced")),
            "superseded_by": f"m{data['superseded_by']}" if data.get("superseded_by") else None,
            "sources": [_item(str(e["id"]), "event", e["kind"], e["ts_start"], e["source"], e.get("actor"),
                              e["text"], e.get("meta"), SHOWN_TEXT) for e in data.get("sources", [])],
            "history": [_change(row) for row in data.get("history", [])],
        }
    return {k: v for k, v in out.items() if v is not None}


def _change(row: dict[str, Any]) -> dict[str, Any]:
    import json

    change = {"time": iso(row["ts"]), "action": row["action"], "actor": row["actor"]}
    for key in ("old_text", "new_text"):
        if row.get(key) is not None:
            change[key] = row[key]
    try:
        detail = json.loads(row.get("detail") or "{}")
    except ValueError:
        detail = {}
    if detail:
        change["detail"] = detail
    return change


def profile_markdown(memories: list[Any], *, read_only: bool) -> str:
    lines = ["# The user's core profile (from recall)", "",
             "Pinned and core memories: lasting facts about the user. Ids in brackets open with get_memory.", ""]
    for m in memories:
        lines.append(f"- [m{m.id}, {m.kind}{', pinned' if m.pinned else ''}, "
                     f"{iso(m.valid_from or m.created_at)}] {' '.join(m.text.split())}")
    if not memories:
        lines.append("No core or pinned memories yet." + ("" if read_only else
                     " When the user shares an essential, lasting fact, store it with remember(kind='core')."))
    return "\n".join(lines) + "\n"


# -- backends ---------------------------------------------------------------------------------
class Backend:
    """In-process: one warm Recall service, used by one thread at a time."""

    def __init__(self, service_factory: ServiceFactory) -> None:
        self._factory = service_factory
        self._service: Any = None
        self._made = threading.Lock()  # guards creating the service (cheap: models load lazily)
        self._lock = threading.RLock()  # one call at a time on the warm service

    @property
    def service(self) -> Any:
        with self._made:
            if self._service is None:
                service = self._factory()
                service.store  # noqa: B018 - migrate once, before any per-call connection opens the file
                self._service = service
            return self._service

    @property
    def config(self) -> Any:
        return self.service.config

    def locked(self, fn: Callable[[Any], Any]) -> Any:
        """Run ``fn(service)`` on the warm service, never two at once (call from a worker thread)."""
        with self._lock:
            return fn(self.service)

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A service on its own SQLite connection, for sync tools on worker threads (no models)."""
        from .service import Recall

        svc = Recall(self.config)
        try:
            yield svc
        finally:
            svc.close()

    def search(self, query: str, **kwargs: Any) -> Any:
        return self.locked(lambda s: s.search(query, **kwargs))

    def add(self, text: str, **kwargs: Any) -> Any:
        return self.locked(lambda s: s.add(text, **kwargs))

    def warm_up(self) -> None:
        """Load the embedder and the index before the first search needs them."""
        self.locked(lambda s: (s.embedder.model_id, s.index))

    def close(self) -> None:
        with self._lock, self._made:
            if self._service is not None:
                self._service.close()
                self._service = None


class DaemonBackend(Backend):
    """Searches and adds go to `recall serve` when it answers (warm models); the rest is local."""

    def __init__(self, service_factory: ServiceFactory, connect: Callable[[Any], Any]) -> None:
        super().__init__(service_factory)
        self._connect = connect

    def _daemon(self) -> Any:
        try:
            return self._connect(self.config)
        except Exception:  # no daemon is the normal case
            return None

    def _call(self, op: str, first: str, kwargs: dict[str, Any]) -> Any:
        client = self._daemon()
        if client is not None:
            try:
                return getattr(client, op)(first, **kwargs)
            except OSError as exc:
                log.warning("daemon %s failed (%s); running in-process", op, exc)
        return getattr(super(), op)(first, **kwargs)

    def search(self, query: str, **kwargs: Any) -> Any:
        return self._call("search", query, kwargs)

    def add(self, text: str, **kwargs: Any) -> Any:
        return self._call("add", text, kwargs)

    def warm_up(self) -> None:
        if self._daemon() is None:
            super().warm_up()


# -- ask --------------------------------------------------------------------------------------
def _local_ask(svc: Any) -> Callable[..., Any] | None:
    """The service's ``ask`` (local LLM, recall_cli/ask.py) when this recall has one."""
    fn = getattr(svc, "ask", None)
    return fn if callable(fn) else None


EVIDENCE_NOTE = ("these are the most relevant memories and events, best first. Answer from them yourself, cite "
                 "their ids and dates, and say so if they do not contain the answer.")


def default_answerer(backend: Backend, question: str, *, limit: int, since: float | None,
                     until: float | None) -> dict[str, Any]:
    """recall's own ``ask`` (small local LLM, with citations) when it runs; else the ranked, dated evidence."""
    local = _local_ask(backend.service)
    note = "recall has no local answer model here; " + EVIDENCE_NOTE
    if local is not None:
        def search(query: str, **kwargs: Any) -> Any:  # the daemon's warm embedder when it runs
            return backend.search(query, since=since, until=until, **kwargs)

        try:
            answer = backend.locked(lambda s: _local_ask(s)(question, limit=limit, search=search))
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


def _answer_dict(answer: Any) -> dict[str, Any]:
    """recall_cli.ask's Answer: the cited items, then the rest of the evidence it was given."""
    evidence = {h.ref: h for h in getattr(answer, "evidence", None) or []}
    cited = [ref for ref in getattr(answer, "citations", None) or [] if ref in evidence]
    text = getattr(answer, "text", None)
    if text is None:  # answered without a model: the evidence is the answer
        return {"answer": None, "citations": [hit_item(h, width=600) for h in evidence.values()],
                "note": "recall has no local answer model here; " + EVIDENCE_NOTE}
    out: dict[str, Any] = {"answer": text, "citations": [hit_item(evidence[r], width=600) for r in cited],
                           "evidence": [hit_item(h, width=600) for ref, h in evidence.items() if ref not in cited]}
    if getattr(answer, "abstained", False):
        out["note"] = "recall's local model found no answer in the evidence; check it yourself before saying so."
    else:
        out["note"] = ("Answered by recall's small local model" + ("" if cited else " (it cited nothing)")
                       + "; check the answer against the evidence, best first, and prefer the evidence if they "
                       "disagree.")
    return out


# -- errors -----------------------------------------------------------------------------------
@contextmanager
def tool_errors() -> Iterator[None]:
    """RecallError and crashes become ToolError text the model can act on."""
    try:
        yield
    except ToolError:
        raise
    except NotFoundError as exc:
        raise ToolError(f"{exc.message}; {ID_HINT}. Use search_memory or list_recent to find one.") from None
    except ModelError as exc:
        raise ToolError(f"{exc.message}. The embedding model could not run: ask the user to run `recall doctor`. "
                        "list_recent and get_memory still work.") from None
    except RecallError as exc:
        raise ToolError(exc.message) from None
    except Exception as exc:
        log.exception("tool crashed")
        raise ToolError(f"recall failed unexpectedly ({type(exc).__name__}); the details are in recall's log "
                        "(RECALL_HOME/logs/mcp.log). Retry once; if it fails again, carry on without memory "
                        "and tell the user.") from None


_ARG_HINTS = {
    "query": f"pass a few words (at most {MAX_QUERY:,} characters) about what to look for, e.g. 'deploy staging'",
    "question": f"pass one question of at most {MAX_QUERY:,} characters, e.g. 'which database does billing use?'",
    "text": (f"pass the fact or note as plain text of at most {MAX_TEXT:,} characters; summarise longer "
             "content, or split it into several remember calls"),
    "id": ID_HINT,
    "since": TIME_HINT,
    "until": TIME_HINT,
    "tags": f'pass a list of at most {MAX_TAGS} short strings, e.g. ["project-x", "deploy"]',
    "pinned": "pass true to pin or false to unpin",
    "source": "pass one source name such as note, chat, shell, file, screen or mcp",
}


def _show(value: Any) -> str:
    """A short picture of a bad value (never the whole of a 10 MB string)."""
    if isinstance(value, str) and len(value) > 40:
        return f"{len(value):,} characters"
    if isinstance(value, list | dict) and len(repr(value)) > 40:
        return f"a {type(value).__name__} of {len(value):,} items"
    return repr(value)


def explain_validation(tool: str, error: ValidationError, schema: dict[str, Any]) -> str:
    """One sentence per bad argument: what it must be, and how to fix the call."""
    props, seen, lines = schema.get("properties", {}), set(), []
    for err in error.errors():
        field = str(err["loc"][0]) if err["loc"] else "arguments"
        if field in seen:  # a union reports once per member: the first says enough
            continue
        seen.add(field)
        kind, ctx, value, prop = err["type"], err.get("ctx") or {}, err.get("input"), props.get(field, {})
        types = [t.get("type") for t in prop.get("anyOf", [prop])]
        if kind == "missing":
            problem = "is required"
        elif kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
            problem = f"must be from {prop.get('minimum', 1)} to {prop.get('maximum')} (got {_show(value)})"
            if field == "limit":
                problem += "; ask for fewer results and narrow the search with since/until or source instead"
        elif kind in ("string_too_long", "too_long"):
            size = _show(value) if kind == "string_too_long" else f"{len(value):,} items"
            problem = f"is too long ({size}; at most {ctx.get('max_length'):,})"
        elif kind == "literal_error":
            problem = f"must be one of {ctx.get('expected')} (got {_show(value)})"
        elif "string" in types and "integer" in types:
            problem = f"must be a string or a whole number (got {type(value).__name__})"
        elif kind.startswith(("int_", "float_")):
            problem = f"must be a whole number such as {prop.get('default') or 10} (got {_show(value)})"
        elif kind.startswith("bool"):
            problem = f"must be true or false (got {_show(value)})"
        elif kind in ("string_type", "list_type"):
            problem = f"must be {'a string' if kind == 'string_type' else 'a list'} (got {type(value).__name__})"
        else:
            problem = f"is invalid: {err['msg']}"
        hint = "" if kind == "literal_error" else _ARG_HINTS.get(field, "")
        lines.append(f"'{field}' {problem}" + (f"; {hint}" if hint else "") + ".")
    return (f"Error executing tool {tool}: invalid arguments. {' '.join(lines)} "
            f"Call {tool} again with corrected arguments.")


class RecallMCPServer(MCPServer):
    """MCPServer whose argument errors read as instructions, and whose hidden write tools say why."""

    read_only = False

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        if self._tool_manager.get_tool(name) is None:
            if self.read_only and name in WRITE_TOOLS:
                raise ToolError(f"{name} is not available: this recall server is read-only (`recall mcp "
                                "--read-only`), so memory cannot be changed from here. Tell the user what you "
                                "wanted to store.")
            names = ", ".join(t.name for t in self._tool_manager.list_tools())
            raise ToolError(f"Unknown tool '{name[:60]}'; recall's tools are: {names}.")
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(cause, ValidationError) and not isinstance(exc, UnexpectedToolError):
                tool = self._tool_manager.get_tool(name)
                raise ToolError(explain_validation(name, cause, tool.parameters)) from cause
            raise


def client_name_from(ctx: Any) -> str:
    """The client's name from the MCP initialize request (clientInfo.name), else 'unknown'."""
    try:
        name = ctx.session.client_params.client_info.name
    except Exception:
        name = None
    name = " ".join(str(name or "").split())[:64]
    return name or "unknown"


def _required_text(field: str, value: str, example: str) -> str:
    text = value.strip()
    if not text:
        raise ToolError(f"'{field}' is empty; call it like {example}.")
    return text


def _time(field: str, value: str | None, *, end: bool = False) -> float | None:
    if value is None or not value.strip():
        return None
    from .timeutil import parse_time

    try:
        return parse_time(value, end=end)
    except RecallError:
        raise ToolError(f"'{field}' is not a time I can read ({value[:60]!r}); {TIME_HINT}.") from None


def _times(since: str | None, until: str | None) -> tuple[float | None, float | None]:
    """since/until as timestamps (dateparser is slow to import: call from a worker thread)."""
    t0, t1 = _time("since", since), _time("until", until, end=True)
    if t0 is not None and t1 is not None and t0 > t1:
        raise ToolError("'since' is after 'until'; swap them or drop one.")
    return t0, t1


def _resolve(ref: str | int) -> tuple[str, int, str]:
    """('event'|'memory', id, canonical ref) or a ToolError that explains ids."""
    text = str(ref).strip().lower()
    owner = "memory" if text.startswith("m") else "event"
    digits = text[1:] if text[:1] in ("m", "e") else text
    if not digits.isdigit() or len(digits) > 18:
        raise ToolError(f"'{str(ref)[:40]}' is not an id; {ID_HINT}.")
    oid = int(digits)
    return owner, oid, (f"m{oid}" if owner == "memory" else str(oid))


# -- the server -------------------------------------------------------------------------------
INSTRUCTIONS = """recall is the user's long-term memory: notes, chats, shell commands, file edits, and \
memories distilled from them, all stored locally with dates.
- At the start of a task, read the resource recall://profile (the user's core facts) and call \
search_memory for the project or topic at hand.
- Before asking the user something they may have told you before, call search_memory or ask.
- Results carry ids ('42' = a raw event, 'm7' = a memory) and dates; get_memory shows one in full with \
its sources and history. Prefer newer items when they conflict, and cite ids and dates.
"""
WRITE_INSTRUCTIONS = """- When the user states a lasting preference, fact or procedure, or you learn one that \
will matter in later sessions, call remember with the right kind. Do not store secrets.
- pin keeps a memory for good; forget deletes for real (only when the user asks).
"""


def build_server(service_factory: ServiceFactory, *, read_only: bool = False, client_name: str | None = None,
                 daemon: Callable[[Any], Any] | None = None, answerer: Answerer | None = None,
                 log_level: str = "INFO") -> RecallMCPServer:
    """The MCP server over one RECALL_HOME.

    ``service_factory`` makes the warm Recall service (tests inject one with a fake embedder);
    ``daemon(config)`` returns a `recall serve` client or None; ``client_name`` overrides the
    name the client sends in its initialize request; ``answerer`` replaces the ask adapter.
    """
    backend: Backend = DaemonBackend(service_factory, daemon) if daemon else Backend(service_factory)
    answer = answerer or default_answerer
    override = " ".join((client_name or "").split())[:64] or None
    server = RecallMCPServer(
        "recall", title="recall: long-term memory", version=__version__, log_level=log_level,
        instructions=INSTRUCTIONS + ("" if read_only else WRITE_INSTRUCTIONS),
    )
    server.read_only = read_only
    server.backend = backend  # type: ignore[attr-defined]

    def who(ctx: Any) -> str:
        return override or client_name_from(ctx)

    async def run(fn: Callable[[], Any]) -> Any:
        with tool_errors():
            return await anyio.to_thread.run_sync(fn)

    reading = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    @server.tool(annotations=reading)
    async def search_memory(
        query: Annotated[str, Field(max_length=MAX_QUERY,
                                    description="What to look for, in plain words. A time phrase inside it "
                                                "('last week', 'in May 2026') also filters by time.")],
        limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="How many results, best first.")] = 10,
        since: Annotated[str | None, Field(description="Only items at or after this time: 2026-11-01, "
                                                       "2026-11-01T14:30, 'yesterday', '3 days ago'.")] = None,
        until: Annotated[str | None, Field(description="Only items at or before this time (a bare date "
                                                       "includes that whole day).")] = None,
        source: Annotated[str | None, Field(description="Only events from this source: note, chat, shell, "
                                                        "file, screen or mcp.")] = None,
        kind: Annotated[Literal["any", "events", "memories", "semantic", "procedural", "episodic", "core"],
                        Field(description="'events' = raw captured items only; 'memories' = distilled "
                                          "memories only; or one memory kind.")] = "any",
    ) -> dict[str, Any]:
        """Search the user's long-term memory (hybrid keyword + semantic search over notes, chats, shell \
commands, file edits and distilled memories). Use it before asking the user something they may have told \
you already, and at the start of work on a project. Returns the best matches with ids and dates; open one \
in full with get_memory."""
        text = _required_text("query", query, "search_memory(query='how do we deploy staging')")
        fetch = min(limit * (2 if kind in ("any", "events") else 5) + 5, 200)  # room for filters and merges

        def work() -> dict[str, Any]:
            t0, t1 = _times(since, until)
            result = backend.search(text, limit=fetch, since=t0, until=t1, sources=[source] if source else None,
                                    include_memories=kind != "events")
            hits = [h for h in result.hits if kind == "any" or kind == "events" or (
                h.owner == "memory" and (kind == "memories" or h.kind == kind))]
            items = merge_duplicates(hits)[:limit]
            out: dict[str, Any] = {"query": text, "count": len(items), "results": items}
            if result.time_range is not None:
                out["time_filter"] = {"phrase": result.time_range.phrase, "since": iso(result.time_range.since),
                                      "until": iso(result.time_range.until)}
            if not hits:
                out["note"] = "Nothing matched. Try other words, a wider time range, or list_recent."
                if source:
                    known = backend.locked(lambda s: s.store.event_stats()["by_source"])
                    if source not in known:
                        out["note"] = (f"No events come from source '{source}'. Sources in this memory: "
                                       + (", ".join(known) or "none yet") + ".")
            return out

        return await run(work)

    @server.tool(annotations=reading)
    async def ask(
        question: Annotated[str, Field(max_length=MAX_QUERY,
                                       description="A question about the user's past, projects or preferences.")],
        limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="How much evidence to use.")] = 8,
        since: Annotated[str | None, Field(description="Only evidence at or after this time.")] = None,
        until: Annotated[str | None, Field(description="Only evidence at or before this time.")] = None,
    ) -> dict[str, Any]:
        """Answer a question from the user's memory with recall's small local model: 'answer', the cited items \
('citations', with ids and dates) and the rest of the evidence it read. The local model is weak: check its \
answer against the evidence. When no local model is available, 'answer' is null and 'citations' holds the \
ranked evidence: answer from it yourself. Use search_memory instead for raw matches."""
        text = _required_text("question", question, "ask(question='which editor do I use?')")

        def work() -> dict[str, Any]:
            t0, t1 = _times(since, until)
            return {"question": text, **answer(backend, text, limit=limit, since=t0, until=t1)}

        return await run(work)

    @server.tool(annotations=reading)
    def get_memory(
        id: Annotated[str | int, Field(description="An id from other results: '42' (event) or 'm7' (memory).")],
        ctx: Context,
    ) -> dict[str, Any]:
        """Open one event or memory in full: its text, dates, source and provenance. For a memory: its \
strength (retention), the events it came from, and the history of every change. For an event: the \
memories derived from it. Use it to check a search result before relying on it."""
        owner, oid, ref = _resolve(id)
        with tool_errors(), backend.connection() as svc:
            if owner == "memory" and not read_only:
                svc.memories.reinforce([oid], actor=f"mcp:{who(ctx)}", reason="opened")
            return describe(svc.show(ref, reinforce=False))

    @server.tool(annotations=reading)
    def list_recent(
        limit: Annotated[int, Field(ge=1, le=MAX_RECENT, description="How many events, newest first.")] = 20,
        source: Annotated[str | None, Field(description="Only events from this source: note, chat, shell, "
                                                        "file, screen or mcp.")] = None,
    ) -> dict[str, Any]:
        """The most recent raw events (notes, chat messages, shell commands, file edits), newest first, with \
ids and dates. Use it to see what the user did lately, e.g. at the start of a session."""
        with tool_errors(), backend.connection() as svc:
            events = svc.store.recent_events(limit, [source] if source else None)
            out: dict[str, Any] = {"count": len(events), "results": [event_item(e) for e in events]}
            if not events:
                known = svc.store.event_stats()["by_source"]
                out["note"] = (f"No events from source '{source}'. Sources: {', '.join(known) or 'none yet'}."
                               if source else "Memory is empty so far.")
            return out

    @server.resource(PROFILE_URI, name="profile", title="The user's core profile", mime_type="text/markdown",
                     description="Pinned and core memories: lasting facts about the user, always relevant.")
    def profile() -> str:
        with backend.connection() as svc:
            return profile_markdown(svc.memories.core_profile(), read_only=read_only)

    if not read_only:
        _add_write_tools(server, backend, run, who)
    return server


def _add_write_tools(server: RecallMCPServer, backend: Backend, run: Callable[..., Any],
                     who: Callable[[Any], str]) -> None:
    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False,
                                             open_world_hint=False))
    async def remember(
        text: Annotated[str, Field(max_length=MAX_TEXT, description="The fact, preference, procedure or note, "
                                                                    "self-contained (it will be read out of "
                                                                    "context later).")],
        ctx: Context,
        kind: Annotated[Literal["note", "semantic", "procedural", "core"],
                        Field(description="note = something that happened or was said (fades over time); "
                                          "semantic = a lasting fact or preference; procedural = how to do "
                                          "something; core = an essential fact about the user, always in "
                                          "recall://profile and never fading.")] = "note",
        tags: Annotated[list[str] | None, Field(max_length=MAX_TAGS, description="Short labels such as "
                                                                                 "a project name.")] = None,
    ) -> dict[str, Any]:
        """Store something in the user's long-term memory so later sessions (and other agents) can find it. \
Use it when the user states a preference, decision or fact worth keeping, or after learning how something \
is done. Never store secrets (keys, passwords, tokens). Returns the new ids."""
        body = _required_text("text", text, "remember(text='The user prefers pytest over unittest', "
                                            "kind='semantic')")
        labels = list(dict.fromkeys(" ".join(t.split())[:64] for t in tags or () if t.strip()))
        client = who(ctx)

        def work() -> dict[str, Any]:
            from .capture.secrets import redact

            clean = redact(body)  # secrets never reach the database
            meta: dict[str, Any] = {"client": client, **({"redacted": clean.names} if clean.names else {})}
            event = backend.add(clean.text, source="mcp", kind="note", actor=client, tags=labels, meta=meta)
            out: dict[str, Any] = {"id": str(event.id), "time": iso(event.ts_start), "source": "mcp",
                                   "client": client, "kind": kind, "tags": labels}
            if clean.names:
                out["redacted"] = clean.names
                out["note"] = f"Secrets were replaced before storing ({', '.join(clean.names)}); never store secrets."
            if event.meta.get("duplicate"):
                out["note"] = "This exact text was already stored; nothing new was added."
            if kind in MEMORY_KINDS:
                out["memory"] = backend.locked(lambda s: _memory_for(s, kind, clean.text, event.id, client, labels))
            return out

        return await run(work)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                             open_world_hint=False))
    async def pin(
        id: Annotated[str | int, Field(description="A memory id such as 'm7'.")],
        ctx: Context,
        pinned: Annotated[bool, Field(description="true pins, false unpins.")] = True,
    ) -> dict[str, Any]:
        """Pin a memory so it never fades and is always part of recall://profile (or unpin it with \
pinned=false). Use it when the user says something must always be remembered. Only memories (ids like 'm7') \
can be pinned; to keep a raw event for good, remember its fact with kind='core'."""
        owner, oid, ref = _resolve(id)
        if owner == "event":
            raise ToolError(f"'{ref}' is an event (a raw captured item); only memories (ids like 'm7') can be "
                            "pinned. To keep its fact for good, call remember with kind='core' and the fact's text.")
        actor = f"mcp:{who(ctx)}"

        def work() -> dict[str, Any]:
            memory = backend.locked(lambda s: s.memories.set_pinned(oid, pinned, actor=actor))
            return {"id": ref, "pinned": memory.pinned, "kind": memory.kind, "text": clip(memory.text)[0],
                    "time": iso(memory.valid_from or memory.created_at)}

        return await run(work)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                                             open_world_hint=False))
    async def forget(
        id: Annotated[str | int, Field(description="The event ('42') or memory ('m7') to delete.")],
        ctx: Context,
    ) -> dict[str, Any]:
        """Delete one event or memory for good (it cannot be restored). Only use it when the user asks you \
to forget something, or to remove something you stored by mistake. Forgetting an event does not delete \
memories derived from it: get_memory lists them, forget them too if asked."""
        _owner, _oid, ref = _resolve(id)
        client = who(ctx)

        def work() -> dict[str, Any]:
            def go(s: Any) -> dict[str, int]:
                return s.forget(s.plan_forget([ref]))

            counts = backend.locked(go)
            log.info("forget %s by mcp:%s: %s", ref, client, counts)
            return {"forgotten": ref, "deleted": counts, "note": "Deleted for real; it cannot be restored."}

        return await run(work)


def _memory_for(svc: Any, kind: str, text: str, event_id: int, client: str, tags: list[str]) -> dict[str, Any]:
    """A memory linked to the event; an identical active memory is reinforced instead of duplicated."""
    from .models import content_hash

    book = svc.memories
    row = svc.store.db.execute("SELECT id FROM memories WHERE content_hash = ? AND status = 'active'",
                               [content_hash(kind, None, text)]).fetchone()
    if row is not None:
        memory = book.reinforce([row[0]], actor=f"mcp:{client}", reason="remembered again")[0]
        return {"id": f"m{memory.id}", "kind": kind, "already_known": True}
    memory = book.add(kind, text, importance=7, sources=[event_id], actor=f"mcp:{client}",
                      meta={"client": client, "tags": tags})
    return {"id": f"m{memory.id}", "kind": kind, "time": iso(memory.created_at)}


# -- running over stdio -------------------------------------------------------------------------
def setup_logging(config: Any, level: int = logging.INFO) -> None:
    """Logs go to RECALL_HOME/logs/mcp.log and (warnings only) to stderr; stdout is the protocol's."""
    import logging.handlers
    import sys

    root = logging.getLogger()
    root.handlers[:] = []
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(logging.Formatter("recall mcp: %(levelname)s %(message)s"))
    root.addHandler(stderr)
    try:
        logs = config.home / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(logs / "mcp.log", maxBytes=1_000_000, backupCount=3,
                                                       encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
    except OSError as exc:
        log.warning("cannot write RECALL_HOME/logs/mcp.log: %s", exc)
    root.setLevel(level)


def serve_stdio(*, read_only: bool = False, client_name: str | None = None, config: Any = None,
                service_factory: ServiceFactory | None = None, warm: bool = True) -> None:
    """Serve MCP over stdin/stdout until the client closes stdin."""
    from .client import remote
    from .config import load_config
    from .service import Recall

    config = config or load_config()
    setup_logging(config)
    server = build_server(service_factory or (lambda: Recall(config)), read_only=read_only,
                          client_name=client_name, daemon=remote)
    backend: Backend = server.backend  # type: ignore[attr-defined]
    log.info("recall mcp %s starting on %s (read-only: %s)", __version__, config.home, read_only)
    if warm:
        def warm_up() -> None:
            try:
                backend.warm_up()
            except Exception as exc:  # the first search reports it properly
                log.warning("warm-up failed: %s", exc)

        threading.Thread(target=warm_up, name="recall-mcp-warm-up", daemon=True).start()
    try:
        server.run("stdio")
    finally:
        backend.close()
        log.info("recall mcp stopped")

"""`recall mcp`: recall as long-term memory for coding agents, over MCP (stdio).

Tools are written for an LLM caller: few, clear names, typed arguments, structured results
with ids and dates, and errors as ``ToolError`` text that says what to do instead.

Threading. The SDK runs sync tools on worker threads and async tools on the event loop:

- async tools (search_memory, ask, remember, pin, forget, consolidate) hand their work to one *warm*
  service (embedder, index, SQLite connection) on a worker thread, one call at a time
  (``Backend.locked``), so the event loop never blocks and the connection is never shared
  by two threads at once; consolidate, the long one, lets the calls waiting for it in between its
  episodes, and stops at the next one when its call is cancelled or the client leaves
  (``Backend.in_steps``, ``run_stoppable``);
- sync tools (get_memory, list_recent, shell_history) and the profile resource need no model: each call
  opens its own SQLite connection (``Backend.connection``) and closes it.

When `recall serve` answers on this RECALL_HOME, searches and adds go to its warm models
(``DaemonBackend``); everything else, and everything when it does not answer, runs here.

This module is the server itself: its tools, their errors and running over stdio. Result shaping
and argument checks live in ``mcp_format``; the backends and the ``ask`` adapter in ``mcp_backend``.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import anyio
import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.types import ToolAnnotations
from pydantic import Field, StrictInt, StrictStr, ValidationError

from .. import __version__
from ..config import Config
from ..errors import ModelError, NotFoundError, RecallError
from ..models import well_formed
from ..render import weak_match, without_controls
from ..store.shell_history import Query as ShellQuery
from ..timeutil import iso
from .backend import Answerer, Backend, DaemonBackend, DaemonConnect, ServiceFactory, default_answerer, run_stoppable
from .format import (
    ID_HINT,
    MAX_CONSOLIDATE,
    MAX_LIMIT,
    MAX_QUERY,
    MAX_RECENT,
    MAX_TAG,
    MAX_TAGS,
    MAX_TEXT,
    clip,
    command_item,
    describe,
    event_item,
    explain_validation,
    merge_duplicates,
    parse_times,
    profile_markdown,
    required_text,
    resolve_id,
)

if TYPE_CHECKING:
    from mcp_types import CallToolResult, InputRequiredResult

    from ..models import ForgetPlan
    from ..service import Recall

log = logging.getLogger("recall.mcp")

T = TypeVar("T")
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
Work = Callable[[], dict[str, Any]]  # a tool's body, run on a worker thread
Run = Callable[[Work], Awaitable[dict[str, Any]]]  # runs a Work with tool_errors() around it
Who = Callable[["Context[Any, Any]"], str]  # the client's name for the actor of a write

WRITE_TOOLS = ("remember", "pin", "forget", "consolidate")
PROFILE_URI = "recall://profile"


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


class RecallMCPServer(MCPServer):
    """MCPServer whose argument errors read as instructions, and whose hidden write tools say why."""

    read_only = False
    backend: Backend  # set by build_server; the stdio runner and the tests close it

    async def run_stdio_async(self) -> None:
        """The SDK's stdio loop, reading stdin through SurrogateSafeLines."""
        import sys

        from mcp.server.stdio import stdio_server

        stdin = anyio.wrap_file(SurrogateSafeLines(sys.stdin.buffer, encoding="utf-8", errors="replace"))
        async with stdio_server(stdin=stdin) as (read_stream, write_stream):
            await self._lowlevel_server.run(read_stream, write_stream,
                                            self._lowlevel_server.create_initialization_options())

    async def call_tool(self, name: str, arguments: dict[str, Any],
                        context: Context[Any, Any] | None = None) -> CallToolResult | InputRequiredResult:
        """The SDK's call, with unknown or hidden tools and invalid arguments explained."""
        if self._tool_manager.get_tool(name) is None:
            if self.read_only and name in WRITE_TOOLS:
                raise ToolError(f"{name} is not available: this recall server is read-only (`recall mcp "
                                "--read-only`), so memory cannot be changed from here. Tell the user what you "
                                "wanted to " + ("forget." if name == "forget" else "store or change."))
            names = ", ".join(t.name for t in self._tool_manager.list_tools())
            raise ToolError(f"Unknown tool '{name[:60]}'; recall's tools are: {names}.")
        tool = self._tool_manager.get_tool(name)
        known = list((tool.parameters.get("properties") or {}) if tool is not None else {})
        unknown = [key for key in arguments or {} if key not in known]
        if unknown and known:  # a misnamed argument would be dropped silently, the call answered unfiltered
            raise ToolError(f"Unknown argument{'s' if len(unknown) > 1 else ''} "
                            f"{', '.join(repr(k[:40]) for k in unknown[:5])} for {name}; its arguments are: "
                            f"{', '.join(known)}. Call {name} again with those names.")
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(cause, ValidationError) and not isinstance(exc, UnexpectedToolError) and tool is not None:
                raise ToolError(explain_validation(name, cause, tool.parameters)) from cause
            raise


def client_name_from(ctx: Context[Any, Any]) -> str:
    """The client's name from the MCP initialize request (clientInfo.name), else 'unknown'."""
    try:
        name = ctx.session.client_params.client_info.name
    except Exception:
        name = None
    name = " ".join(str(name or "").split())[:64]
    return name or "unknown"


# -- the server -------------------------------------------------------------------------------
INSTRUCTIONS = """recall is the user's long-term memory: notes, chats, shell commands, file edits, and \
memories distilled from them, all stored locally with dates.
- At the start of a task, read the resource recall://profile (the user's core facts) and call \
search_memory for the project or topic at hand.
- Before asking the user something they may have told you before, call search_memory or ask.
- For how a project is built, tested or run, and what failed there, call shell_history with the \
project's root as cwd.
- Results carry ids ('42' = a raw event, 'm7' = a memory) and dates; get_memory shows one in full with \
its sources and history. Prefer newer items when they conflict, and cite ids and dates.
"""
WRITE_INSTRUCTIONS = """- When the user states a lasting preference, fact or procedure, or you learn one that \
will matter in later sessions, call remember with the right kind. Do not store secrets.
- pin keeps a memory for good; forget deletes for real (only when the user asks).
"""


def build_server(service_factory: ServiceFactory, *, read_only: bool = False, client_name: str | None = None,
                 daemon: DaemonConnect | None = None, answerer: Answerer | None = None,
                 log_level: LogLevel = "INFO") -> RecallMCPServer:
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
    server.backend = backend

    def who(ctx: Context[Any, Any]) -> str:
        return override or client_name_from(ctx)

    async def run(fn: Callable[[], T]) -> T:
        with tool_errors():
            return await anyio.to_thread.run_sync(fn)

    reading = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    @server.tool(annotations=reading)
    async def search_memory(
        query: Annotated[str, Field(max_length=MAX_QUERY,
                                    description="What to look for, in plain words. A time phrase inside it "
                                                "('last week', 'in May 2026') ranks what happened then, or mentions "
                                                "that time, first; since and until are the filters.")],
        limit: Annotated[int, Field(strict=True, ge=1, le=MAX_LIMIT, description="How many results, best first.")] = 10,
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
        text = required_text("query", query, "search_memory(query='how do we deploy staging')")
        fetch = min(limit * (2 if kind in ("any", "events") else 5) + 5, 200)  # room for filters and merges

        def work() -> dict[str, Any]:
            t0, t1 = parse_times(since, until)
            result = backend.search(text, limit=fetch, since=t0, until=t1, sources=[source] if source else None,
                                    include_memories=kind != "events")
            hits = [h for h in result.hits if kind == "any" or kind == "events" or (
                h.owner == "memory" and (kind == "memories" or h.kind == kind))]
            items = merge_duplicates(hits)[:limit]
            out: dict[str, Any] = {"query": text, "count": len(items), "results": items}
            if result.time_range is not None:
                out["time_filter"] = {"phrase": result.time_range.phrase, "since": iso(result.time_range.since),
                                      "until": iso(result.time_range.until)}
            if items and weak_match(result):  # as the CLI says "Nothing matches ... well"
                out["weak_match"] = True
                out["note"] = ("Nothing matches this well: these are only the closest items, likely on other "
                               "subjects. Do not take them for what the user said about it.")
            if not hits:
                out["note"] = "Nothing matched. Try other words, a wider time range, or list_recent."
                if source:
                    known = backend.locked(lambda s: s.sources())
                    if source not in known:
                        out["note"] = (f"No events come from source '{source}'. Sources in this memory: "
                                       + (", ".join(known) or "none yet") + ".")
            return out

        return await run(work)

    @server.tool(annotations=reading)
    async def ask(
        question: Annotated[str, Field(max_length=MAX_QUERY,
                                       description="A question about the user's past, projects or preferences.")],
        limit: Annotated[int, Field(strict=True, ge=1, le=MAX_LIMIT, description="How much evidence to use.")] = 8,
        since: Annotated[str | None, Field(description="Only evidence at or after this time.")] = None,
        until: Annotated[str | None, Field(description="Only evidence at or before this time.")] = None,
    ) -> dict[str, Any]:
        """Answer a question from the user's memory as `recall ask` does: 'answer', the cited items \
('citations', with ids and dates) and the rest of the evidence it read; 'method' says what made the answer \
(the evidence's own sentence chosen by rules, or 'model' for recall's small local model) and 'reason' why. \
Check the answer against the evidence. When no local model is available, 'answer' is null and 'citations' holds the \
ranked evidence: answer from it yourself. Use search_memory instead for raw matches."""
        text = required_text("question", question, "ask(question='which editor do I use?')")

        def work() -> dict[str, Any]:
            t0, t1 = parse_times(since, until)
            return {"question": text, **answer(backend, text, limit=limit, since=t0, until=t1)}

        return await run(work)

    @server.tool(annotations=reading)
    def get_memory(
        id: Annotated[StrictStr | StrictInt,
                      Field(description="An id from other results: '42' (event) or 'm7' (memory).")],
        ctx: Context,
    ) -> dict[str, Any]:
        """Open one event or memory in full: its text, dates, source and provenance. For a memory: its \
strength (retention), the events it came from, and the history of every change. For an event: the \
memories derived from it. Use it to check a search result before relying on it."""
        owner, oid, ref = resolve_id(id)
        with tool_errors(), backend.connection() as svc:
            # opening a memory strengthens it, unless this server may not change memory
            return describe(svc.show(ref, reinforce=owner == "memory" and not read_only, actor=f"mcp:{who(ctx)}"))

    @server.tool(annotations=reading)
    def list_recent(
        limit: Annotated[int, Field(strict=True, ge=1, le=MAX_RECENT,
                                    description="How many events, newest first.")] = 20,
        source: Annotated[str | None, Field(description="Only events from this source: note, chat, shell, "
                                                        "file, screen or mcp.")] = None,
    ) -> dict[str, Any]:
        """The most recent raw events (notes, chat messages, shell commands, file edits), newest first, with \
ids and dates. Use it to see what the user did lately, e.g. at the start of a session."""
        with tool_errors(), backend.connection() as svc:
            events = svc.recent(limit, [source] if source else None)
            out: dict[str, Any] = {"count": len(events), "results": [event_item(e) for e in events]}
            if not events:
                known = svc.sources()
                out["note"] = (f"No events from source '{source}'. Sources: {', '.join(known) or 'none yet'}."
                               if source else "Memory is empty so far.")
            return out

    @server.tool(annotations=reading)
    def shell_history(
        search: Annotated[str | None, Field(max_length=MAX_QUERY, description="Only commands holding all "
                                                              "these words (as prefixes): 'pytest auth'.")] = None,
        cwd: Annotated[str | None, Field(description="Only commands run in this directory or below it: an "
                                                     "absolute path, e.g. the project's root.")] = None,
        failed: Annotated[bool | None, Field(description="true: only commands that failed (exit code not 0); "
                                                         "false: only those that worked.")] = None,
        since: Annotated[str | None, Field(description="Only commands run at or after this time.")] = None,
        until: Annotated[str | None, Field(description="Only commands run at or before this time.")] = None,
        limit: Annotated[int, Field(strict=True, ge=1, le=MAX_RECENT, description="How many, newest first.")] = 20,
        every_run: Annotated[bool, Field(description="Every run on its own, not each command once with its "
                                                     "count of runs.")] = False,
    ) -> dict[str, Any]:
        """The user's shell commands, newest first, with directory, exit code and time, filtered by \
directory, outcome and words: how a project is built or tested, what failed and what fixed it. Commands \
typed a moment ago are included."""
        directory = os.path.expanduser(cwd.strip()) if cwd and cwd.strip() else None
        if directory is not None and not os.path.isabs(directory):
            raise ToolError(f"'cwd' must be an absolute path ({directory[:80]!r} is not); pass the project's root.")

        t0, t1 = parse_times(since, until)
        query = ShellQuery(search or "", cwd=directory and os.path.normpath(directory), below=True,
                           failed=failed, since=t0, until=t1, limit=limit, unique=not every_run)
        with tool_errors(), backend.connection() as svc:
            rows = svc.shell_history(query)
            out: dict[str, Any] = {"count": len(rows), "results": [command_item(r) for r in rows]}
            if not rows:
                out["note"] = ("No shell command matches; try fewer filters." if svc.shell_history(ShellQuery(limit=1))
                               else "No shell commands are recorded yet; the user turns that on with "
                                    "eval \"$(recall init bash)\" (zsh and fish too).")
            return out

    @server.resource(PROFILE_URI, name="profile", title="The user's core profile", mime_type="text/markdown",
                     description="Pinned and core memories: lasting facts about the user, always relevant.")
    def profile() -> str:
        with backend.connection() as svc:
            return profile_markdown(svc.core_profile(), read_only=read_only)

    if not read_only:
        _add_write_tools(server, backend, run, who)
    return server


def _add_write_tools(server: RecallMCPServer, backend: Backend, run: Run, who: Who) -> None:
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
        tags: Annotated[list[Annotated[str, Field(max_length=MAX_TAG)]] | None,
                        Field(max_length=MAX_TAGS, description="Short labels such as a project name.")] = None,
    ) -> dict[str, Any]:
        """Store something in the user's long-term memory so later sessions (and other agents) can find it. \
Use it when the user states a preference, decision or fact worth keeping, or after learning how something \
is done. Never store secrets (keys, passwords, tokens). Returns the new ids."""
        body = required_text("text", text, "remember(text='The user prefers pytest over unittest', "
                                            "kind='semantic')")
        labels = list(dict.fromkeys(label for t in tags or () if (label := " ".join(without_controls(t).split()))))
        client = who(ctx)

        def work() -> dict[str, Any]:
            done = backend.remember(body, kind=kind, tags=labels, client=client)
            event = done.event
            out: dict[str, Any] = {"id": str(event.id), "time": iso(event.ts_start), "source": "mcp",
                                   "client": client, "kind": kind, "tags": event.meta.get("tags", [])}
            redacted = event.meta.get("redacted")
            if redacted:
                out["redacted"] = redacted
                out["note"] = f"Secrets were replaced before storing ({', '.join(redacted)}); never store secrets."
            if event.meta.get("duplicate"):
                out["note"] = "This exact text was already stored; nothing new was added."
            if done.memory is not None:
                memory: dict[str, Any] = {"id": f"m{done.memory.id}", "kind": kind}
                if done.already_known:
                    memory["already_known"] = True
                else:
                    memory["time"] = iso(done.memory.created_at)
                out["memory"] = memory
            return out

        return await run(work)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                             open_world_hint=False))
    async def pin(
        id: Annotated[StrictStr | StrictInt, Field(description="A memory id such as 'm7'.")],
        ctx: Context,
        pinned: Annotated[bool, Field(description="true pins, false unpins.")] = True,
    ) -> dict[str, Any]:
        """Pin a memory so it never fades and is always part of recall://profile (or unpin it with \
pinned=false). Use it when the user says something must always be remembered. Only memories (ids like 'm7') \
can be pinned; to keep a raw event for good, remember its fact with kind='core'."""
        owner, oid, ref = resolve_id(id)
        if owner == "event":
            raise ToolError(f"'{ref}' is an event id (a bare number names a raw captured item), and only memories "
                            "(ids like 'm7') can be pinned. To keep an event's fact for good, call remember with "
                            "kind='core' and the fact's text.")
        actor = f"mcp:{who(ctx)}"

        def work() -> dict[str, Any]:
            memory = backend.locked(lambda s: s.pin(oid, pinned, actor=actor))
            return {"id": ref, "pinned": memory.pinned, "kind": memory.kind, "text": clip(memory.text)[0],
                    "time": iso(memory.valid_from or memory.created_at)}

        return await run(work)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                                             open_world_hint=False))
    async def forget(
        id: Annotated[StrictStr | StrictInt, Field(description="The event ('42') or memory ('m7') to delete.")],
        ctx: Context,
    ) -> dict[str, Any]:
        """Delete one event or memory for good (it cannot be restored). Only use it when the user asks you \
to forget something, or to remove something you stored by mistake. Forgetting an event also deletes the \
memories made from it (pinned and core ones too) and its word-for-word copies: get_memory on the event lists \
its memories first. Forgetting a memory also deletes the event remember stored it from (the same text, shown \
folded into it as same_text_as_events). The result names every event and memory that went, and any event \
that still holds the text."""
        owner, oid, ref = resolve_id(id)
        client = who(ctx)

        def work() -> dict[str, Any]:
            def go(s: Recall) -> tuple[dict[str, int], ForgetPlan, list[int]]:
                # the event remember stored a memory from holds its text (search lists the two as one): it
                # goes with it; another event with that text (the user's own note) stays and is named
                stored, others = s.same_text_sources(oid) if owner == "memory" else ([], [])
                plan = s.plan_forget([ref, *map(str, stored)])
                return s.forget(plan), plan, [e for e in others if e not in plan.event_ids]

            counts, plan, kept = backend.locked(go)
            log.info("forget %s by mcp:%s: %s", ref, client, counts)
            out: dict[str, Any] = {"forgotten": ref, "deleted": counts,
                                   "note": "Deleted for real; it cannot be restored."}
            if plan.event_ids and owner == "memory":
                out["events"] = [str(e) for e in plan.event_ids]
                out["note"] += (f" Event{'s' if len(plan.event_ids) > 1 else ''} {', '.join(out['events'])} (what "
                                "remember stored it from, with the same text) went too.")
            if plan.memory_ids and (owner == "event" or plan.memory_ids != [oid]):
                out["memories"] = [f"m{m}" for m in plan.memory_ids]
            if plan.pinned:
                out["pinned"] = [f"m{m}" for m in plan.pinned]
                out["note"] += f" It took the pinned memor{'y' if len(plan.pinned) == 1 else 'ies'} " \
                               f"{', '.join(out['pinned'])} with it."
            if plan.copies:
                out["copies"] = [str(e) for e in plan.copies]
            if kept:
                out["same_text_in_events"] = [str(e) for e in kept]
                one = len(kept) == 1
                out["note"] += (f" Event{'' if one else 's'} {', '.join(out['same_text_in_events'])} still "
                                f"hold{'s' if one else ''} the same text (not stored by remember for this memory): "
                                f"forget {'it' if one else 'them'} too (forget('{kept[0]}')) if the user wants "
                                "it gone.")
            return out

        return await run(work)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                             open_world_hint=False))
    async def consolidate(
        limit: Annotated[int, Field(strict=True, ge=1, le=MAX_CONSOLIDATE,
                                    description="At most this many episodes, oldest first.")] = 5,
    ) -> dict[str, Any]:
        """Distil recent raw events (notes, chats, commands) into lasting memories with recall's local model, \
as `recall consolidate` does. It can take a minute per episode with a large model; recall also does this on \
its own when idle. Other tools are answered between episodes, and cancelling the call stops it after the \
episode in progress. Returns how many episodes were done and the memories added or updated."""

        def work(stop: threading.Event) -> dict[str, Any]:
            report = backend.in_steps(lambda s, go_on: s.consolidate(limit=limit, go_on=go_on), stop)
            if report.stopped:
                log.info("consolidate stopped after %d episodes: the call was cancelled or the client left",
                         report.episodes)
            changed = [{"action": d.action, "kind": d.candidate.kind, "text": clip(d.text or d.candidate.text)[0],
                        **({"id": f"m{d.target}"} if d.target else {})}
                       for o in report.outcomes for d in o.decisions if d.action != "NOOP"]
            out: dict[str, Any] = {"episodes": report.episodes, "consolidated": report.consolidated,
                                   "model": report.model, "actions": report.actions, "memories": changed}
            if report.model_problem:
                out["note"] = f"consolidated without recall's local model: {report.model_problem}."
            elif not report.episodes:
                out["note"] = "Nothing is waiting to be consolidated."
            return out

        with tool_errors():
            return await run_stoppable(work)


# -- running over stdio -------------------------------------------------------------------------
def _check_home(config: Config) -> None:
    """A RECALL_HOME that cannot hold a store fails the server at its start, in one line the MCP
    client shows, rather than every tool later with a pointer to a log that cannot be written."""
    from ..home import make_private_dir

    home = config.home
    if home.exists() and not home.is_dir():
        raise RecallError(f"RECALL_HOME {home} is a file, not a folder: fix RECALL_HOME in your MCP client's "
                          "config (or leave it out for the default)")
    try:
        make_private_dir(home)
    except OSError as exc:
        raise RecallError(f"RECALL_HOME {home} cannot be made ({exc.strerror or exc}): fix RECALL_HOME in your "
                          "MCP client's config") from None


def setup_logging(config: Config, level: int = logging.INFO) -> None:
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


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _no_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return well_formed(value)
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    return value


class SurrogateSafeLines(io.TextIOWrapper):
    """stdin as the SDK reads it, with a lone surrogate escape ("\\ud800") in a message
    turned into U+FFFD: the SDK's parser refuses such a line and the request got no reply."""

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        line = super().readline(-1 if size is None else size)
        if not _SURROGATE_ESCAPE.search(line):
            return line
        try:
            return json.dumps(_no_surrogates(json.loads(line))) + "\n"
        except ValueError:
            return line  # not JSON: the SDK logs it and sends no reply (JSON-RPC asks for -32700)


def serve_stdio(*, read_only: bool = False, client_name: str | None = None, config: Config | None = None,
                service_factory: ServiceFactory | None = None, warm: bool = True) -> None:
    """Serve MCP over stdin/stdout until the client closes stdin."""
    from ..config import load_config
    from ..serve.client import remote
    from ..service import Recall

    config = config or load_config()
    _check_home(config)
    setup_logging(config)
    server = build_server(service_factory or (lambda: Recall(config)), read_only=read_only,
                          client_name=client_name, daemon=remote)
    backend = server.backend
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

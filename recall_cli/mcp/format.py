"""How recall's MCP tools read their arguments and shape their results, for an LLM caller.

Pure helpers with no service or server state: the argument limits, results as dicts with ids
and ISO dates (long text clipped, events folded into the memories that repeat them), the core
profile as Markdown, argument validation errors rewritten as instructions, and the parsing of
ids and times into values or a ``ToolError`` that says what to pass instead.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError

from ..errors import RecallError
from ..models import Event, Hit, Memory
from ..render import without_controls
from ..timeutil import iso

MAX_TEXT = 20_000  # characters `remember` stores in one call
MAX_QUERY = 4_000  # characters of a query or question
MAX_LIMIT = 50  # results per search / ask
MAX_RECENT = 100  # events per list_recent
MAX_TAGS = 20
MAX_TAG = 64  # characters of one tag
MAX_CONSOLIDATE = 50  # episodes per consolidate call
SHOWN_TEXT = 1_500  # characters of each result's text in lists (get_memory shows all)
ID_HINT = ("ids come from search_memory, list_recent or ask results: events are numbers like '42', "
           "memories look like 'm7'")
TIME_HINT = "use an ISO date like 2026-11-01, a datetime like 2026-11-01T14:30, or a phrase like 'yesterday'"


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
    meta = meta or {}
    if meta.get("tags"):
        item["tags"] = meta["tags"]
    for key in ("cwd", "exit_code"):  # a shell command: where it ran and whether it failed
        if meta.get(key) is not None:
            item[key] = meta[key]
    item["text"] = shown
    if cut:
        item["truncated"] = f"{len(text):,} characters; get_memory('{ref}') has the full text"
    return item


def hit_item(hit: Hit, width: int = SHOWN_TEXT) -> dict[str, Any]:
    """One search hit as a result item, with its score."""
    item = _item(hit.ref, hit.owner, hit.kind, hit.ts, hit.source, hit.actor, hit.text, hit.meta, width)
    item["score"] = round(hit.score, 4)
    if hit.meta.get("repeat_ids"):  # identical texts search folded into this one
        item["same_text_ids"] = [str(r) for r in hit.meta["repeat_ids"]]
    if hit.meta.get("edited_out"):  # a watched file no longer says this: the edit's event
        item["edited_out_in"] = str(hit.meta["edited_out"])
    if hit.meta.get("path"):  # a watched or imported file's paragraph: where it is
        item["path"] = hit.meta["path"]
    return item


def fold_same_text(hits: list[Hit]) -> tuple[list[Hit], dict[str, list[str]]]:
    """The hits to list, best first, and the events folded into each memory among them: an
    event with the same text as a memory in the results is listed once, as that memory."""
    memories = {" ".join(h.text.split()): h for h in hits if h.owner == "memory"}
    folded: dict[str, list[str]] = {}
    kept = []
    for hit in hits:
        twin = memories.get(" ".join(hit.text.split())) if hit.owner == "event" else None
        if twin is not None:  # with the identical events search already folded into this one
            folded.setdefault(twin.ref, []).extend([hit.ref, *map(str, hit.meta.get("repeat_ids", []))])
        else:
            kept.append(hit)
    return kept, folded


def merge_duplicates(hits: list[Hit], width: int = SHOWN_TEXT) -> list[dict[str, Any]]:
    """Result items, best first; an event with the same text as a memory in the results folds
    into it (``same_text_as_events``)."""
    kept, folded = fold_same_text(hits)
    items = [hit_item(h, width) for h in kept]
    for item in items:
        if item["id"] in folded:
            item["same_text_as_events"] = folded[item["id"]]
    return items


def event_item(event: Event, width: int = SHOWN_TEXT) -> dict[str, Any]:
    """One stored event as a result item."""
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


def profile_markdown(memories: list[Memory], *, read_only: bool) -> str:
    """The core profile resource: pinned and core memories as a Markdown list."""
    lines = ["# The user's core profile (from recall)", "",
             "Pinned and core memories: lasting facts about the user. Ids in brackets open with get_memory.", ""]
    for m in memories:
        lines.append(f"- [m{m.id}, {m.kind}{', pinned' if m.pinned else ''}, "
                     f"{iso(m.valid_from or m.created_at)}] {' '.join(m.text.split())}")
    if not memories:
        lines.append("No core or pinned memories yet." + ("" if read_only else
                     " When the user shares an essential, lasting fact, store it with remember(kind='core')."))
    return "\n".join(lines) + "\n"


# -- arguments -------------------------------------------------------------------------------
_ARG_HINTS = {
    "query": f"pass a few words (at most {MAX_QUERY:,} characters) about what to look for, e.g. 'deploy staging'",
    "question": f"pass one question of at most {MAX_QUERY:,} characters, e.g. 'which database does billing use?'",
    "text": (f"pass the fact or note as plain text of at most {MAX_TEXT:,} characters; summarise longer "
             "content, or split it into several remember calls"),
    "id": ID_HINT,
    "since": TIME_HINT,
    "until": TIME_HINT,
    "tags": f'pass a list of at most {MAX_TAGS} short strings (at most {MAX_TAG} characters each), e.g. ["project-x", '
            '"deploy"]',
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
            too_many = kind.startswith("less_than")
            if field == "limit" and too_many:  # (narrowed by what this tool takes)
                narrow = [p for p in ("since", "until", "source", "kind", "cwd", "failed", "search") if p in props]
                problem += "; ask for fewer results" + (
                    f" and narrow them with {', '.join(narrow[:-1])} or {narrow[-1]} instead" if len(narrow) > 1
                    else f" and narrow them with {narrow[0]} instead" if narrow else "")
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
        # (an item of a list is named by its place: "'tags[2]' is too long")
        label = f"{field}[{err['loc'][1]}]" if len(err["loc"]) > 1 and isinstance(err["loc"][1], int) else field
        lines.append(f"'{label}' {problem}" + (f"; {hint}" if hint else "") + ".")
    return (f"Error executing tool {tool}: invalid arguments. {' '.join(lines)} "
            f"Call {tool} again with corrected arguments.")


def required_text(field: str, value: str, example: str) -> str:
    """``value`` as it may be stored: a NUL byte is refused (binary, not text), terminal escape
    sequences and other control characters are taken out; empty text is refused."""
    if "\x00" in value:
        raise ToolError(f"'{field}' holds a NUL byte: send text, not binary data.")
    text = without_controls(value).strip()
    if not text:
        raise ToolError(f"'{field}' is empty; call it like {example}.")
    return text


def _time(field: str, value: str | None, *, end: bool = False) -> float | None:
    if value is None or not value.strip():
        return None
    from ..timeutil import parse_time

    try:
        return parse_time(value, end=end)
    except RecallError:
        raise ToolError(f"'{field}' is not a time I can read ({value[:60]!r}); {TIME_HINT}.") from None


def command_item(row: dict[str, Any]) -> dict[str, Any]:
    """One shell command of the history as a result item; ``id`` is None while the command is
    still in the spool (recorded, not yet stored)."""
    out = {"id": str(row["id"]) if row.get("id") is not None else None,
           "command": clip(str(row.get("text") or ""))[0], "time": iso(row.get("ts")), "cwd": row.get("cwd"),
           "exit_code": row.get("exit_code"),
           "runs": row.get("count", 1), "failed_runs": row.get("failures") or None,
           "duration_ms": row.get("duration_ms"), "host": row.get("host")}
    return {k: v for k, v in out.items() if v is not None or k in ("id", "exit_code")}


def parse_times(since: str | None, until: str | None) -> tuple[float | None, float | None]:
    """since/until as timestamps (dateparser is slow to import: call from a worker thread)."""
    t0, t1 = _time("since", since), _time("until", until, end=True)
    if t0 is not None and t1 is not None and t0 > t1:
        raise ToolError("'since' is after 'until'; swap them or drop one.")
    return t0, t1


def resolve_id(ref: str | int) -> tuple[str, int, str]:
    """('event'|'memory', id, canonical ref) or a ToolError that explains ids."""
    if isinstance(ref, bool):  # (true is no id, though Python counts it as 1)
        raise ToolError(f"'id' must be a string or a whole number (got bool); {ID_HINT}.")
    text = str(ref).strip().lower()
    owner = "memory" if text.startswith("m") else "event"
    digits = text[1:] if text[:1] in ("m", "e") else text
    if not digits.isdigit() or len(digits) > 18:
        raise ToolError(f"'{str(ref)[:40]}' is not an id; {ID_HINT}.")
    oid = int(digits)
    return owner, oid, (f"m{oid}" if owner == "memory" else str(oid))

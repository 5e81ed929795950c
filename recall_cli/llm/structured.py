"""JSON-schema-constrained generation with validation, for weak models.

llama.cpp's grammar (built from the JSON schema) keeps the output inside the schema's
shape; the result is then parsed and validated with jsonschema, because a grammar cannot
express everything (lengths, ranges) and output can be cut at ``max_tokens``. Every
failure (empty output, invalid JSON, schema violation, model error) is counted in the
store's settings (``llm.failures.<purpose>``) and logged with the raw output to
RECALL_HOME/logs/llm-failures.jsonl. Nothing is silently swallowed: callers get a
StructuredResult whose ``error`` says what went wrong, and decide what to do.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import LLM, Chat

if TYPE_CHECKING:
    from ..store.db import Store

log = logging.getLogger(__name__)
COUNTER_PREFIX = "llm.failures."
MAX_LOGGED_CHARS = 20_000


@dataclass
class StructuredResult:
    value: Any = None
    raw: str = ""
    error: str = ""
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return not self.error


class FailureLog:
    """Counts and logs structured-output failures under a RECALL_HOME (and in its store)."""

    def __init__(self, home: Path | None, store: Store | None = None) -> None:
        self.home = Path(home) if home else None
        self.store = store
        self.count = 0

    @property
    def path(self) -> Path | None:
        return self.home / "logs" / "llm-failures.jsonl" if self.home else None

    def record(self, purpose: str, error: str, raw: str, model: str = "", *, episode: int | None = None,
               events: Sequence[int | None] = ()) -> None:
        """Count and log one failure. ``episode`` and ``events``: what the model was shown, so
        that forgetting them takes the record out too (memory/forget.py drops records naming a
        forgotten episode or event; the raw output may paraphrase a note, not quote it)."""
        self.count += 1
        log.warning("structured output failed (%s): %s", purpose, error)
        if self.store is not None:
            try:
                self.store.increment_counter(COUNTER_PREFIX + purpose)
            except Exception as exc:  # noqa: BLE001 - the log file below still has it
                log.warning("could not count the failure in the store: %s", exc)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            entry = {"time": round(time.time(), 3), "purpose": purpose, "model": model, "error": error,
                     "raw": raw[:MAX_LOGGED_CHARS], "raw_chars": len(raw)}
            if episode is not None:
                entry["episode"] = episode
            if shown := [e for e in events if e is not None]:
                entry["events"] = shown
            # errors="replace": a weak model can emit broken UTF-8, which must not crash the caller
            with self.path.open("a", encoding="utf-8", errors="replace") as fh:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def failure_counts(store: Store) -> dict[str, int]:
    """Structured-output failures so far, by purpose."""
    return store.counters(COUNTER_PREFIX)


def validate(value: Any, schema: dict) -> str:
    """'' when ``value`` satisfies ``schema``, else the first violation."""
    import jsonschema

    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        return f"schema violation at {where}: {exc.message}"
    return ""


def parse(raw: str, schema: dict, *, cut: bool = False) -> tuple[Any, str]:
    """(value, '') for valid output, else (None, what is wrong)."""
    if not raw.strip():
        return None, "empty output"
    try:
        # strict=False: a raw newline inside a string is harmless, weak models emit them
        value = json.loads(raw, strict=False)
    except json.JSONDecodeError as exc:
        why = " (output cut at max_tokens)" if cut else ""
        return None, f"invalid JSON: {exc.msg} at char {exc.pos}{why}"
    value = fit_lengths(value, schema)
    error = validate(value, schema)
    return (None, error) if error else (value, "")


def fit_lengths(value: Any, schema: Any) -> Any:
    """``value`` with every string longer than its schema's ``maxLength`` cut back to its last
    whole sentence that fits (a weak model's summary of a long episode runs a sentence or two
    over, and failing it wasted the whole episode). A string with no sentence end within the
    limit stays as it is, to fail validation: half a sentence is no memory."""
    if not isinstance(schema, dict):
        return value
    if isinstance(value, str):
        limit = schema.get("maxLength")
        if isinstance(limit, int) and len(value) > limit:
            head = value[: limit + 1]
            end = max(head.rfind(". "), head.rfind("! "), head.rfind("? "), head.rfind(".\n"))
            return value[: end + 1] if end > 0 else value
        return value
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        return {k: fit_lengths(v, props.get(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [fit_lengths(v, schema.get("items")) for v in value]
    return value


SMALL_RANGE = 100
SMALL_LENGTH = 16


def grammar_schema(schema: Any) -> Any:
    """The schema as llama.cpp's grammar should see it: without long string-length bounds
    (they expand into huge grammars; lengths are still checked when the output is validated;
    a short minimum stays, so an empty string cannot be the easy way out), and with small
    integer ranges spelled out as an enum, because the grammar ignores ``minimum``/``maximum``
    and a weak model otherwise writes an importance of 2019."""
    if isinstance(schema, dict):
        low, high = schema.get("minimum"), schema.get("maximum")
        if (schema.get("type") == "integer" and isinstance(low, int) and isinstance(high, int)
                and 0 <= high - low <= SMALL_RANGE):
            return {"enum": list(range(low, high + 1))}
        return {k: grammar_schema(v) for k, v in schema.items()
                if not (k == "maxLength" or (k == "minLength" and v > SMALL_LENGTH))}
    if isinstance(schema, list):
        return [grammar_schema(v) for v in schema]
    return schema


def generate_json(llm: LLM, chat: Chat, schema: dict, *, purpose: str, failures: FailureLog | None = None,
                  max_tokens: int = 512, retries: int = 0, constrain: dict | None = None,
                  episode: int | None = None, events: Sequence[int | None] = ()) -> StructuredResult:
    """Generate a JSON value constrained by ``schema`` (or the tighter ``constrain``, for the
    grammar only) and validate it against ``schema``.

    Each failed attempt is recorded; a retry samples with some temperature (the first
    attempt is greedy, so repeating it would repeat the failure). ``episode`` and ``events``
    name what the prompt showed, for the failure log (see FailureLog.record)."""
    raw, error = "", ""
    for attempt in range(retries + 1):
        raw = ""
        try:
            raw = "".join(llm.stream(chat, max_tokens=max_tokens, json_schema=grammar_schema(constrain or schema),
                                     temperature=0.0 if attempt == 0 else 0.7))
            usage = getattr(llm, "last_usage", None)
            value, error = parse(raw, schema, cut=getattr(usage, "stopped", "") == "length")
            if not error:
                return StructuredResult(value, raw, attempts=attempt + 1)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - a model error is a failure like any other: counted, logged
            error = f"model error: {getattr(exc, 'message', None) or exc}"
        if failures is not None:
            failures.record(purpose, error, raw, model=getattr(llm, "model_id", ""), episode=episode, events=events)
        else:
            log.warning("structured output failed (%s): %s", purpose, error)
    return StructuredResult(None, raw, error, attempts=retries + 1)

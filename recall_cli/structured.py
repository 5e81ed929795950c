"""JSON-schema-constrained generation with validation, for weak models.

llama.cpp's grammar keeps the output inside the schema's shape; the result is then parsed
and validated. Every failure (empty output, invalid JSON, schema violation, model error)
is counted in the store's settings and logged with the raw output to
RECALL_HOME/logs/llm-failures.jsonl. Nothing is silently swallowed: callers get a
StructuredResult whose ``error`` says what went wrong.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .llm import LLM, Chat


@dataclass
class StructuredResult:
    value: Any = None
    raw: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


class FailureLog:
    """Counts and logs structured-output failures under a RECALL_HOME."""

    def __init__(self, home: Path | None, store: Any = None) -> None:
        self.home = Path(home) if home else None
        self.store = store
        self.count = 0

    def record(self, purpose: str, error: str, raw: str) -> None:
        self.count += 1
        if self.store is not None:
            key = f"llm.failures.{purpose}"
            current = int(self.store.setting(key, "0") or 0)
            self.store.set_setting(key, str(current + 1))
        if self.home is not None:
            logs = self.home / "logs"
            logs.mkdir(parents=True, exist_ok=True)
            with (logs / "llm-failures.jsonl").open("a", encoding="utf-8") as fh:
                fh.write(json.dumps({"time": time.time(), "purpose": purpose, "error": error,
                                     "raw": raw[:20000]}, ensure_ascii=False) + "\n")


def validate(value: Any, schema: dict) -> str:
    """'' when ``value`` satisfies ``schema``, else the first violation."""
    import jsonschema

    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        return f"schema violation at {where}: {exc.message}"
    return ""


def generate_json(llm: LLM, chat: Chat, schema: dict, *, purpose: str, failures: FailureLog | None = None,
                  max_tokens: int = 512) -> StructuredResult:
    """Generate a JSON value constrained by ``schema``; validate it; record any failure."""
    raw = ""
    try:
        raw = "".join(llm.stream(chat, max_tokens=max_tokens, json_schema=schema))
        if not raw.strip():
            error = "empty output"
        else:
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                error = f"invalid JSON: {exc.msg} at char {exc.pos}"
            else:
                error = validate(value, schema)
                if not error:
                    return StructuredResult(value, raw)
    except Exception as exc:  # a model error is a failure like any other: counted, logged
        error = f"model error: {getattr(exc, 'message', exc)}"
    if failures is not None:
        failures.record(purpose, error, raw)
    return StructuredResult(None, raw, error)

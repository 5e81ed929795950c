"""Shared paths and small helpers for the importer tests."""

from __future__ import annotations

from pathlib import Path

from recall_cli.importers.base import Skipped
from recall_cli.models import Event
from recall_cli.timeutil import parse_time

DATA = Path(__file__).resolve().parents[1] / "data" / "importers"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# fixture file -> (format, events it holds)
FIXTURES = {
    "notes.jsonl": ("jsonl", 4),
    "locomo_sample.json": ("locomo", 5),
    "journal.md": ("markdown", 7),
    "chatgpt_conversations.json": ("chatgpt", 9),
    "claude_conversations.json": ("claude", 5),
    "lme-official-schema.json": ("longmemeval", 7),
    "lme-reformatted-schema.json": ("longmemeval", 5),
    "beam/3/chat.json": ("beam", 10),
}


def at(text: str) -> float:
    """UNIX seconds for a local time (the tests pin TZ=UTC)."""
    return parse_time(text)


def stored(svc) -> list[Event]:
    """Every stored event in time order."""
    rows = svc.store._db.query("SELECT * FROM events ORDER BY ts_start, id")
    return [Event.from_row(row) for row in rows]


def parse(importer, path: Path, text: str | None = None) -> tuple[list[Event], list[Skipped]]:
    """Run an importer's parse directly: (events, skipped)."""
    items = list(importer.parse(path, path.read_text(encoding="utf-8") if text is None else text))
    return ([i for i in items if isinstance(i, Event)], [i for i in items if isinstance(i, Skipped)])


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path

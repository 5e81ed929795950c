"""No input makes an importer crash: every value of every fixture swapped for a wrong type,
and every fixture cut at many points, still parses into storable events or Skipped."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recall_cli.errors import InputError
from recall_cli.importers.base import MAX_TS, MIN_TS, Skipped
from recall_cli.importers.beam import BeamImporter
from recall_cli.importers.chatgpt import ChatGPTImporter
from recall_cli.importers.claude import ClaudeImporter
from recall_cli.importers.jsonl import JsonlImporter
from recall_cli.importers.locomo import LocomoImporter
from recall_cli.importers.longmemeval import LongMemEvalImporter
from recall_cli.importers.markdown import MarkdownImporter
from recall_cli.models import Event
from tests.importers.helpers import DATA

JSON_FIXTURES = {
    "chatgpt_conversations.json": ChatGPTImporter,
    "claude_conversations.json": ClaudeImporter,
    "lme-official-schema.json": LongMemEvalImporter,
    "lme-reformatted-schema.json": LongMemEvalImporter,
    "beam/3/chat.json": BeamImporter,
    "locomo_sample.json": LocomoImporter,
}
# a wrong value for every slot; strings that need dateparser are few, to keep this fast
WRONG = [None, "x", 7, -1e300, True, [], {}, [None], {"a": None}]


def paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every path to a value inside a JSON document."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def replaced(document: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    copy = json.loads(json.dumps(document))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return copy


def check(importer, path: Path, text: str) -> int:
    """Parse; every Event must be storable, every Skipped must name a position."""
    events = 0
    try:
        items = list(importer.parse(path, text))
    except InputError:
        return 0
    for item in items:
        if isinstance(item, Skipped):
            assert item.position and item.reason
            continue
        assert isinstance(item, Event)
        assert isinstance(item.text, str) and item.text.strip()
        assert math.isfinite(item.ts_start) and MIN_TS <= item.ts_start <= MAX_TS
        item.text.encode("utf-8")
        json.dumps(item.to_row(0.0)["meta"], allow_nan=False).encode("utf-8")
        assert item.actor is None or isinstance(item.actor, str)
        assert item.session is None or isinstance(item.session, str)
        events += 1
    return events


@pytest.mark.parametrize("name", list(JSON_FIXTURES))
def test_a_wrong_type_anywhere_in_a_json_export_never_crashes_the_importer(name, tmp_path):
    document = json.loads((DATA / name).read_text())
    importer = JSON_FIXTURES[name]()
    path = tmp_path / Path(name).name
    tried = 0
    for number, where in enumerate(paths(document)):
        for wrong in (WRONG[number % len(WRONG)], WRONG[(number + 4) % len(WRONG)]):
            check(importer, path, json.dumps(replaced(document, where, wrong)))
            tried += 1
    assert tried > 50


@pytest.mark.parametrize("name", [*JSON_FIXTURES, "notes.jsonl", "journal.md"])
def test_a_file_cut_anywhere_never_crashes_the_importer_and_keeps_what_came_before(name, tmp_path):
    text = (DATA / name).read_text()
    importer = {"notes.jsonl": JsonlImporter, "journal.md": MarkdownImporter}.get(name) or JSON_FIXTURES[name]
    path = tmp_path / Path(name).name
    total = check(importer(), path, text)
    previous = 0
    for cut in range(1, len(text), max(1, len(text) // 150)):
        landed = check(importer(), path, text[:cut])
        assert landed <= total + 1  # a cut markdown or jsonl line may become its own record
        if name.endswith(".json"):
            assert landed >= previous  # a longer prefix never loses complete records
            previous = landed


def test_deeply_nested_or_huge_values_are_handled(tmp_path):
    path = tmp_path / "conversations.json"
    deep = "[" * 5000 + "]" * 5000
    for importer in (ChatGPTImporter(), ClaudeImporter(), BeamImporter(), LongMemEvalImporter(), LocomoImporter()):
        check(importer, path, deep)
    long_text = "word " * 200_000
    conv = {"uuid": "c", "created_at": "2024-01-01T00:00:00Z",
            "chat_messages": [{"sender": "human", "text": long_text, "created_at": "2024-01-01T00:00:01Z"}]}
    assert check(ClaudeImporter(), path, json.dumps([conv])) == 1


@pytest.mark.parametrize("text", ["\ufeff# Title\n\nbody", "plain words only", "\n\n\n", "```\n", "---\ndate: x\n",
                                  "---\n---\n", "#\n\n#######\n\n* \n", "Title\n=====\n", "\x0c\x0b\u2028text"])
def test_odd_markdown_never_crashes(text, tmp_path):
    check(MarkdownImporter(), tmp_path / "odd.md", text)


@pytest.mark.parametrize("line", ['{"text": 5}', '{"text": "a", "time": {"x": 1}}', '{"text": "a", "time": [1]}',
                                  '{"text": "a", "time": "99999999999999999999"}', '{"text": "a", "time": -1e400}',
                                  '{"text": "a", "speaker": {"n": 1}, "session": [1], "tags": 5}', '"just a string"',
                                  '{"text": "a", "time": "2024-13-45"}', "{" * 2000, "[" * 100_000,
                                  '{"text": "a", "x": ' + "[" * 950 + "]" * 950 + "}"])
def test_odd_jsonl_never_crashes(line, tmp_path):
    check(JsonlImporter(), tmp_path / "odd.jsonl", line + "\n")

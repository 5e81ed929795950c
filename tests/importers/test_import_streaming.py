"""Streaming imports: a file is read a record at a time with bounded memory, and gives the
same events and the same Skipped (positions included) as parsing its whole text."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from recall_cli.errors import InputError
from recall_cli.importers import stream
from recall_cli.importers.base import Skipped
from recall_cli.importers.beam import BeamImporter
from recall_cli.importers.chatgpt import ChatGPTImporter
from recall_cli.importers.claude import ClaudeImporter
from recall_cli.importers.jsonl import JsonlImporter
from recall_cli.importers.locomo import LocomoImporter
from recall_cli.importers.longmemeval import LongMemEvalImporter
from recall_cli.importers.markdown import MarkdownImporter
from recall_cli.importers.stream import iter_json_array_file, iter_lines, scan_file, text_chunks
from recall_cli.models import Event
from tests.importers.helpers import DATA, write

STREAMING = {
    "chatgpt_conversations.json": ChatGPTImporter,
    "claude_conversations.json": ClaudeImporter,
    "beam/3/chat.json": BeamImporter,
    "locomo_sample.json": LocomoImporter,
    "notes.jsonl": JsonlImporter,
    "journal.md": MarkdownImporter,
    "lme-official-schema.json": LongMemEvalImporter,
    "lme-reformatted-schema.json": LongMemEvalImporter,
}


def both(importer, path: Path) -> tuple[list[Event | Skipped], list[Event | Skipped]]:
    """(records from the whole text, records streamed from the file)."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        whole: list[Event | Skipped] = list(importer.parse(path, text))
    except InputError as exc:
        with pytest.raises(InputError) as caught:
            list(importer.parse_path(path))
        assert caught.value.message == exc.message
        return [], []
    return whole, list(importer.parse_path(path))


@pytest.mark.parametrize("name", list(STREAMING))
def test_streaming_in_tiny_chunks_gives_what_the_whole_text_gives(name, tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "CHUNK", 7)  # every record and token crosses chunk boundaries
    text = (DATA / name).read_text(encoding="utf-8")
    importer = STREAMING[name]()
    path = tmp_path / Path(name).name
    for cut in [len(text), *range(1, len(text), max(1, len(text) // 40))]:
        path.write_text(text[:cut], encoding="utf-8")
        whole, streamed = both(importer, path)
        assert streamed == whole, cut


@pytest.mark.parametrize(("content", "where"), [
    ('[{"a": 1},\n {"a": 2}\n {"a": 3}]', "line 3 column 2"),
    ('[\n  {"a": 1},\n  {"a": tru}\n]', "line 3 column 9"),
    ('[{"a": "unterminated', "line 1 column 8"),
    ("[1, 2, 3", "line 1 column 9"),
])
def test_damage_is_reported_where_it_is_after_the_records_before_it(content, where, tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "CHUNK", 3)
    path = write(tmp_path, "a.json", content)
    items = list(iter_json_array_file(path))
    assert isinstance(items[-1], Skipped) and items[-1].position == where
    assert all(not isinstance(i, Skipped) for i in items[:-1])


def test_numbers_and_multibyte_text_across_chunk_boundaries(tmp_path, monkeypatch):
    values = [12345678901234567890, -1.5e-300, "caf\u00e9 \U0001f600 \u2028 \\ \"q\"", [], {}, None, True]
    path = write(tmp_path, "v.json", "\ufeff" + json.dumps(values, ensure_ascii=False))
    for size in range(1, 9):
        monkeypatch.setattr(stream, "CHUNK", size)
        assert [v for _, v in iter_json_array_file(path)] == values
        assert "".join(text_chunks(path)) == json.dumps(values, ensure_ascii=False)


def test_lines_split_at_newline_only_across_chunks(tmp_path, monkeypatch):
    text = 'a\u2028b\r\n\n{"x": "\u00e9"}\nlast'
    path = write(tmp_path, "l.jsonl", text)
    for size in (1, 2, 5, 64):
        monkeypatch.setattr(stream, "CHUNK", size)
        assert list(iter_lines(path)) == text.split("\n")


@pytest.mark.parametrize("text", ["---\ndate: 2024-05-08\n---\n\npara\r\n\r\nnext\r", "a\r\rb\r\n\n# H\rc",
                                  "---\n" + "x\n" * 50 + "---\n\ntail\n", "\ufeffone\n\ntwo\n\n\n"])
def test_markdown_streamed_in_tiny_chunks_gives_what_the_whole_text_gives(text, tmp_path, monkeypatch):
    path = write(tmp_path, "n.md", text.encode())
    for size in (1, 3, 1024):
        monkeypatch.setattr(stream, "CHUNK", size)
        whole, streamed = both(MarkdownImporter(), path)
        assert streamed == whole and whole


def test_invalid_utf8_deep_in_a_json_document_is_refused_before_anything_is_stored(svc, tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "CHUNK", 16)
    chats = json.loads((DATA / "claude_conversations.json").read_text())
    good = json.dumps(chats, ensure_ascii=True)[:-1].encode()
    path = write(tmp_path, "conversations.json", good + b', {"name": "caf\xe9"}]')
    with pytest.raises(InputError) as caught:
        svc.import_file(path)
    assert caught.value.message == (f"{path}:line 1: not UTF-8 text (invalid byte 0xe9 at byte "
                                    f"{len(good) + 15}); if it is Latin-1, convert it with "
                                    "`iconv -f LATIN1 -t UTF-8`")
    assert svc.store.count_events() == 0


def test_a_line_deep_in_a_jsonl_file_that_is_not_utf8_is_skipped_and_the_rest_lands(svc, tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "CHUNK", 16)
    good = "".join(json.dumps({"text": f"note {n}", "time": 1700000000 + n}) + "\n" for n in range(50))
    path = write(tmp_path, "n.jsonl", good.encode() + b'{"text": "caf\xe9"}\n{"text": "last", "time": 1}\n')
    report = svc.import_file(path)
    assert (report.inserted, [s.position for s in report.skipped]) == (51, ["line 51"])
    assert report.skipped[0].reason.startswith("not UTF-8 text (invalid byte 0xe9 at column 14); if it is Latin-1")


def test_the_check_returns_only_the_head_for_detection(tmp_path):
    path = write(tmp_path, "big.md", "word " * 40_000)
    head = scan_file(path, 10**9).head
    assert len(head) == stream.HEAD_CHARS and head == ("word " * 40_000)[: stream.HEAD_CHARS]


def _export(path: Path, conversations: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[")
        for c in range(conversations):
            mapping = {f"m{i}": {"message": {"author": {"role": "user" if i % 2 == 0 else "assistant"},
                                             "create_time": 1.6e9 + c * 3600 + i,
                                             "content": {"content_type": "text", "parts": [f"c{c} m{i} " + "x" * 400]}},
                                 "parent": f"m{i - 1}" if i else None} for i in range(20)}
            fh.write(("," if c else "") + json.dumps({"id": f"c{c}", "mapping": mapping, "current_node": "m19"}))
        fh.write("]")
    return path


def test_a_large_export_is_parsed_with_memory_bounded_by_one_conversation(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "CHUNK", 64 * 1024)
    path = _export(tmp_path / "conversations.json", 300)  # ~3 MB, ~10 KB a conversation
    assert path.stat().st_size > 2_500_000
    tracemalloc.start()
    try:
        count = sum(1 for item in ChatGPTImporter().parse_path(path) if isinstance(item, Event))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 300 * 20
    assert peak < 1_500_000, peak  # the text alone is twice that


def test_import_streams_the_file_and_reports_what_landed(svc, tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "CHUNK", 4096)
    path = _export(tmp_path / "conversations.json", 30)
    report = svc.import_file(path, embed=False, batch=100)
    assert (report.format, report.inserted, report.skipped) == ("chatgpt", 600, [])
    assert svc.import_file(path, embed=False).duplicates == 600

"""Fields of the wrong type: the record is skipped with its position and a reason naming the
field, the valid records still land, and a file with nothing valid exits 4 saying why."""

from __future__ import annotations

import json
from typing import Any

import pytest

from recall_cli.importers.beam import BeamImporter
from recall_cli.importers.locomo import LocomoImporter
from recall_cli.importers.longmemeval import LongMemEvalImporter
from tests.importers.helpers import parse, write
from tests.importers.test_import_bad_input import event_count, one_error_line


def chatgpt(title: str = "t", **fields: Any) -> dict[str, Any]:
    """A valid one-message ChatGPT conversation, with ``fields`` replacing its own."""
    message = {"id": "m1", "author": {"role": "user"}, "create_time": 1700000000.0,
               "content": {"content_type": "text", "parts": [f"hello from {title}"]}}
    message.update(fields.pop("message", {}))
    conv = {"title": title, "create_time": 1700000000.0, "current_node": "m1",
            "mapping": {"root": {"message": None, "children": ["m1"]},
                        "m1": {"message": message, "parent": "root", "children": []}}}
    conv.update(fields)
    return conv


def claude(name: str = "c", **fields: Any) -> dict[str, Any]:
    message = {"uuid": "u1", "sender": "human", "text": f"hello from {name}", "created_at": "2024-05-08T10:00:00Z"}
    message.update(fields.pop("message", {}))
    conv = {"uuid": name, "name": name, "created_at": "2024-05-08T10:00:00Z", "chat_messages": [message]}
    conv.update(fields)
    return conv


CASES = {
    "chatgpt mapping is a list": (
        "chatgpt", chatgpt(mapping=[]), "conversation 1", "'mapping' is a list, expected an object"),
    "chatgpt create_time is a word": (
        "chatgpt", chatgpt(create_time="yesterday"), "conversation 1",
        "'create_time' is a string ('yesterday'), expected a number"),
    "chatgpt message create_time is a word": (
        "chatgpt", chatgpt(message={"create_time": "yesterday"}), "conversation 1 message 1",
        "'create_time' is a string ('yesterday'), expected a number"),
    "chatgpt parts hold a number": (
        "chatgpt", chatgpt(message={"content": {"parts": [1, {"x": 2}]}}), "conversation 1 message 1",
        "'content.parts' item 0 is a number, expected text or an object"),
    "chatgpt author is text": (
        "chatgpt", chatgpt(message={"author": "user"}), "conversation 1 message 1",
        "'author' is a string, expected an object"),
    "chatgpt title is a number": (
        "chatgpt", chatgpt(title=5), "conversation 1", "'title' is a number, expected a string"),
    "claude chat_messages is an object": (
        "claude", claude(chat_messages={"a": 1}), "conversation 1", "'chat_messages' is an object, expected a list"),
    "claude message text is a number": (
        "claude", claude(message={"text": 42}), "conversation 1 message 0", "'text' is a number, expected a string"),
    "claude content block is text": (
        "claude", claude(message={"content": ["hi"]}), "conversation 1 message 0",
        "'content' item 0 is a string, expected an object"),
    "claude created_at is a list": (
        "claude", claude(created_at=["2024-05-08"]), "conversation 1",
        "'created_at' is a list, expected a time string"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_wrongly_typed_record_is_skipped_and_the_valid_ones_land(cli, tmp_path, case):
    fmt, bad, where, reason = CASES[case]
    good = chatgpt if fmt == "chatgpt" else claude
    path = write(tmp_path, "conversations.json", json.dumps([good("first"), bad, good("third")]))
    code, out, err = cli("import", str(path))
    assert code == 4
    assert out == f"Imported 2 events from {path} ({fmt}); 0 already known, 1 skipped.\n"
    assert one_error_line(err) == f"Error: {path}:{where}: {reason}"
    assert event_count(cli) == 2


def test_a_file_with_nothing_valid_exits_4_naming_the_first_and_counting_the_rest(cli, tmp_path):
    path = write(tmp_path, "conversations.json",
                 json.dumps([chatgpt(mapping=[]), *[chatgpt(create_time="yesterday")] * 11]))
    code, out, err = cli("import", str(path))
    assert (code, out) == (4, "")
    assert one_error_line(err) == (f"Error: {path}:conversation 0: nothing imported as chatgpt: "
                                   "'mapping' is a list, expected an object (and 11 more skipped)")
    assert event_count(cli) == 0


def test_an_export_whose_conversations_hold_no_messages_says_so(cli, tmp_path):
    empty = chatgpt(message={"content": {"content_type": "text", "parts": ["  "]}})
    system = chatgpt(message={"author": {"role": "system"}})
    path = write(tmp_path, "conversations.json", json.dumps([empty, system]))
    code, out, err = cli("import", str(path))
    assert (code, out) == (4, "")
    assert one_error_line(err) == f"Error: {path}: nothing to import: no conversations with messages found"


@pytest.mark.parametrize(("line", "reason"), [
    ('{"text": 42}', "'text' is a number, expected a string"),
    ('{"content": ["a"]}', "'content' is a list, expected a string"),
    ('{"text": "hi", "session": {"id": 1}}', "'session' is an object, expected a string or a number"),
    ('{"text": "hi", "speaker": ["ann"]}', "'speaker' is a list, expected a string or a number"),
    ('{"text": "hi", "tags": 3}', "'tags' is a number, expected a string or a list"),
])
def test_a_jsonl_record_with_a_wrongly_typed_field_is_skipped(cli, tmp_path, line, reason):
    path = write(tmp_path, "n.jsonl", '{"text": "fine", "time": 1700000000}\n' + line + "\n")
    code, out, err = cli("import", str(path))
    assert code == 4
    assert out.endswith("1 event from " + str(path) + " (jsonl); 0 already known, 1 skipped.\n")
    assert one_error_line(err) == f"Error: {path}:line 2: {reason}"


BENCH_CASES = {
    "locomo text is a number": (
        LocomoImporter, [{"sample_id": "s", "conversation": {
            "speaker_a": "A", "session_1_date_time": "1:56 pm on 8 May, 2023",
            "session_1": [{"speaker": "A", "text": "hi"}, {"speaker": "B", "text": 7}]}}],
        "s session_1 turn 1", "'text' is a number, expected a string"),
    "beam content is a list": (
        BeamImporter, [{"batch_number": 1, "turns": [[{"role": "user", "id": 0, "content": "hi"},
                                                      {"role": "assistant", "id": 1, "content": ["no"]}]]}],
        "batch 0 turn 0 message 1", "'content' is a list, expected a string"),
    "longmemeval role is an object": (
        LongMemEvalImporter, [{"question_id": "q", "haystack_dates": ["2023/05/30 (Tue) 23:40"],
                               "haystack_sessions": [[{"role": "user", "content": "hi"},
                                                      {"role": {"x": 1}, "content": "yo"}]]}],
        "element 0 (q) session 0 turn 1", "'role' is an object, expected a string"),
}


@pytest.mark.parametrize("case", list(BENCH_CASES))
def test_benchmark_files_skip_wrongly_typed_turns(tmp_path, case):
    importer, document, where, reason = BENCH_CASES[case]
    path = write(tmp_path, "chat.json", json.dumps(document))
    events, skipped = parse(importer(), path)
    assert [e.text for e in events] == ["hi"]
    assert [(s.position, s.reason) for s in skipped] == [(where, reason)]


def test_a_chatgpt_export_whose_conversations_have_an_empty_mapping_says_it_holds_no_messages(cli, tmp_path):
    path = write(tmp_path, "conversations.json", '[{"title": "x", "mapping": {}}]')
    code, out, err = cli("import", str(path))
    assert (code, out) == (4, "")
    assert one_error_line(err) == f"Error: {path}: nothing to import: no conversations with messages found"

"""Bad input through `recall import`: one clear line on stderr naming the file and the
position, a non-zero exit, valid records still land, and the store is never damaged."""

from __future__ import annotations

import json

import pytest

from tests.importers.helpers import DATA, write

# fixture -> (text after which the file is cut, format, events that still land)
TRUNCATIONS = {
    "chatgpt_conversations.json": ('"title": "Sourdough starter"', "chatgpt", 6),
    "claude_conversations.json": ('"uuid": "c3e4-letter"', "claude", 3),
    "lme-official-schema.json": ('"question_id": "tq_hamster_abs"', "longmemeval", 5),
    "beam/3/chat.json": ('"batch_number": 2', "beam", 4),
}


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: "), err
    assert "Traceback" not in err and "--debug" not in err, err
    return lines[0]


def ranked(cli) -> list[tuple[int, str]]:
    return [(hit["id"], hit["text"]) for hit in json.loads(cli("search", "Priya roadmap", "--json")[1])["results"]]


def event_count(cli) -> int:
    return json.loads(cli("stats", "--json")[1])["events"]


@pytest.mark.parametrize("name", list(TRUNCATIONS))
def test_truncated_json_lands_the_complete_records_and_reports_the_rest(cli, tmp_path, name):
    marker, fmt, landed = TRUNCATIONS[name]
    text = (DATA / name).read_text()
    cut = text[: text.index(marker) + len(marker)]
    path = write(tmp_path, "export.json", cut)
    code, out, err = cli("import", str(path))
    assert code == 4
    assert out == f"Imported {landed} events from {path} ({fmt}); 0 already known, 1 skipped.\n"
    line = one_error_line(err)
    lines = cut.count("\n") + 1
    assert line.startswith(f"Error: {path}:line {lines} column ")
    assert "truncated JSON" in line or "invalid JSON" in line
    assert event_count(cli) == landed


def test_truncated_reformatted_longmemeval_salvages_the_complete_items(cli, tmp_path):
    document = json.loads((DATA / "lme-reformatted-schema.json").read_text())
    second = json.loads(json.dumps(document["data"][0]))
    second["id"] = "single-sessi-9c9c"
    document["data"].append(second)
    text = json.dumps(document, indent=1)
    path = write(tmp_path, "lme.json", text[: text.index('"single-sessi-9c9c"') + 30])
    code, out, err = cli("import", str(path))
    assert code == 4
    assert out.startswith(f"Imported 5 events from {path} (longmemeval)")
    assert "invalid JSON in item 1: Unterminated string" in one_error_line(err)


def test_a_broken_element_in_the_middle_stops_there_and_keeps_the_ones_before(cli, tmp_path):
    conversations = json.loads((DATA / "claude_conversations.json").read_text())
    text = json.dumps(conversations[:1]).rstrip("]") + ', {"uuid": "x", oops}, ' + json.dumps(conversations[1]) + "]"
    path = write(tmp_path, "conversations.json", text)
    code, out, err = cli("import", str(path), "--format", "claude")
    assert code == 4
    assert out.startswith("Imported 3 events")
    assert "invalid JSON in element 1" in one_error_line(err)


def test_truncated_jsonl_keeps_every_complete_line(cli, tmp_path):
    text = (DATA / "notes.jsonl").read_text()
    path = write(tmp_path, "notes.jsonl", text[:-25])
    code, out, err = cli("import", str(path))
    assert code == 4
    assert out == f"Imported 3 events from {path} (jsonl); 0 already known, 1 skipped.\n"
    assert one_error_line(err).startswith(f"Error: {path}:line 4 column ")


def test_truncated_locomo_keeps_the_complete_samples(cli, tmp_path):
    sample = json.loads((DATA / "locomo_sample.json").read_text())[0]
    other = json.loads(json.dumps(sample))
    other["sample_id"] = "conv-other"
    text = json.dumps([sample, other], indent=1)
    path = write(tmp_path, "locomo.json", text[: len(text) // 2 + len(text) // 4])
    code, out, err = cli("import", str(path))
    assert code == 4
    assert out.startswith(f"Imported 5 events from {path} (locomo)")
    assert "invalid JSON in element 1" in one_error_line(err)


@pytest.mark.parametrize(("content", "fmt", "where"), [
    ('{"title": "x", "mapping": {"a": }}', "chatgpt", "line 1 column 33"),
    ('[\n  {"uuid": "c", "chat_messages": [\n    {"sender": "human" "text": "hi"}\n  ]}\n]', "claude",
     "line 3 column 24"),
    ('{"data": [\n{"id": "x", "conversation": [}]}', "longmemeval", "line 2 column 30"),
    ('[{"batch_number": 1, "turns": [[{"role": "user", "id": 0, "content": "hi",}]]}]', "beam", "line 1 column 75"),
])
def test_malformed_json_fails_with_the_line_and_column(cli, tmp_path, content, fmt, where):
    path = write(tmp_path, "broken.json", content)
    code, out, err = cli("import", str(path), "--format", fmt)
    assert (code, out) == (4, "")
    line = one_error_line(err)
    assert line.startswith(f"Error: {path}:{where}: ")
    assert "JSON" in line


def test_a_binary_file_is_refused(cli, tmp_path):
    path = write(tmp_path, "photo.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, out, err = cli("import", str(path))
    assert (code, out) == (4, "")
    assert one_error_line(err) == f"Error: {path}: binary file (NUL byte at offset 8), not text"


def test_a_paragraph_that_is_not_utf8_is_skipped_by_its_line_and_the_rest_of_the_note_lands(cli, tmp_path):
    path = write(tmp_path, "notes.md", "# Caf\u00e9\n\nfine line\n".encode() + "na\u00efve\n".encode("latin-1")
                 + "\nDinner in Z\u00fcrich\n".encode())
    code, out, err = cli("import", str(path))
    assert code == 4 and out.startswith("Imported 1 event ") and ", 1 skipped." in out
    # the rest is UTF-8: converting the whole file from Latin-1 would garble its "é" and "ü"
    assert one_error_line(err) == (f"Error: {path}:line 4: not UTF-8 text (invalid byte 0xef at column 3); the rest "
                                   "of the file is UTF-8, so correct that line in an editor and import it again "
                                   "(converting the whole file with iconv would garble its other accented letters)")
    assert json.loads(cli("show", "1", "--json")[1])["text"] == "Dinner in Z\u00fcrich"


def test_a_jsonl_line_that_is_not_utf8_is_one_skipped_record_and_the_others_land(cli, tmp_path):
    path = write(tmp_path, "mixed.jsonl", '{"text": "Lunch at the caf\u00e9", "time": "2026-01-01"}\n'.encode()
                 + b'{"text": "stray caf\xe9 byte", "time": "2026-01-02"}\n'
                 + '{"text": "Dinner in Z\u00fcrich", "time": "2026-01-03"}\n'.encode())
    code, out, err = cli("import", str(path))
    assert code == 4 and out.startswith("Imported 2 events ")
    assert one_error_line(err).startswith(f"Error: {path}:line 2: not UTF-8 text (invalid byte 0xe9 at column 20); "
                                          "the rest of the file is UTF-8, so correct that line")
    assert "iconv -f" not in err
    assert cli("import", str(path))[1].startswith("Imported 0 events ")  # what landed is not stored twice


def test_a_latin1_file_is_told_to_convert_it(cli, tmp_path):
    path = write(tmp_path, "old.md", "na\u00efve\n\nplain\n".encode("latin-1"))
    code, _, err = cli("import", str(path))
    assert code == 4 and one_error_line(err) == (f"Error: {path}:line 1: not UTF-8 text (invalid byte 0xef at "
                                                 "column 3); if it is Latin-1, convert it with "
                                                 "`iconv -f LATIN1 -t UTF-8`")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_text_with_its_byte_order_mark_is_imported_as_notepad_saves_it(cli, tmp_path, codec):
    body = "\ufeff# Groceries\n\nmilk, eggs, cr\u00e8me fra\u00eeche\n"
    path = write(tmp_path, "notes.md", body.encode(codec))
    code, out, err = cli("import", str(path))
    assert (code, err) == (0, "") and out.startswith("Imported 1 event ")
    assert "milk, eggs, cr\u00e8me fra\u00eeche" in json.loads(cli("show", "1", "--json")[1])["text"]
    lines = write(tmp_path, "notes.jsonl", '{"text": "tea", "time": "2023-01-01"}\n'.encode("utf-16"))
    assert cli("import", str(lines))[1].startswith("Imported 1 event ")


def test_utf16_that_breaks_off_is_named_as_such(cli, tmp_path):
    path = write(tmp_path, "notes.md", "# Groceries\n".encode("utf-16") + b"\x00\xd8a\x00")  # a lone surrogate
    code, out, err = cli("import", str(path))
    assert (code, out) == (4, "")
    assert one_error_line(err).startswith(f"Error: {path}: not valid UTF-16 text (at byte ")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_a_byte_order_mark_is_imported_not_called_binary(cli, tmp_path, codec):
    path = write(tmp_path, "notes.md", "# Pool\n\nMy locker code is 4471, caf\u00e9 upstairs.\n".encode(codec))
    code, out, err = cli("import", str(path))
    assert (code, err) == (0, "") and out.startswith("Imported 1 event ")
    assert "My locker code is 4471, caf\u00e9 upstairs." in json.loads(cli("show", "1", "--json")[1])["text"]
    lines = write(tmp_path, "notes.jsonl", '{"text": "tea with Ana", "time": "2023-01-01"}\n'.encode(codec))
    assert cli("import", str(lines))[1].startswith("Imported 1 event ")


def test_binary_whose_nul_bytes_alternate_like_utf16_is_still_refused(cli, tmp_path):
    # NULs on one side, but the other side decodes to control characters: not text
    path = write(tmp_path, "data.md", bytes([1, 0, 2, 0, 3, 0, 4, 0] * 64))
    code, out, err = cli("import", str(path))
    assert (code, out) == (4, "")
    assert one_error_line(err) == f"Error: {path}: binary file (NUL byte at offset 1), not text"


@pytest.mark.parametrize(("content", "reason"), [("", "empty file"), ("  \n\n\t\n", "empty file (only whitespace)")])
def test_an_empty_file_is_refused(cli, tmp_path, content, reason):
    path = write(tmp_path, "empty.md", content)
    code, out, err = cli("import", str(path))
    assert (code, out) == (4, "")
    assert one_error_line(err) == f"Error: {path}: {reason}"


def test_a_missing_file_or_a_folder_without_notes_is_refused(cli, tmp_path):
    code, _, err = cli("import", str(tmp_path / "nope.json"))
    assert code == 4 and one_error_line(err) == f"Error: {tmp_path / 'nope.json'}: no such file or folder"
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    code, out, err = cli("import", str(tmp_path))
    assert (code, out) == (4, "")
    assert one_error_line(err) == (f"Error: {tmp_path}: no notes or exports in this folder (looked for .md, "
                                   ".markdown, .txt, .org, .rst, .json, .jsonl and chat exports in .zip)")


def test_an_unknown_format_is_a_usage_error_listing_the_formats(cli):
    code, out, err = cli("import", str(DATA / "journal.md"), "--format", "evernote")
    assert (code, out) == (2, "")
    assert one_error_line(err) == ("Error: unknown format 'evernote' (choose auto, recall, locomo, longmemeval, beam, "
                                   "chatgpt, claude, jsonl, markdown)")


def test_an_unknown_format_for_a_folder_is_refused_once_before_any_file_is_read(cli, tmp_path):
    for name in ("a.md", "b.md", "c.md"):
        write(tmp_path, name, "Bought a new kettle.\n")
    code, out, err = cli("import", str(tmp_path), "--format", "evernote")
    assert (code, out) == (2, "")
    assert one_error_line(err).startswith("Error: unknown format 'evernote' (choose auto, recall, ")


def test_a_file_whose_format_cannot_be_detected_asks_for_format(cli, tmp_path):
    path = write(tmp_path, "settings.json", '{"theme": "dark", "font_size": 14}')
    code, out, err = cli("import", str(path))
    assert (code, out) == (4, "")
    assert one_error_line(err) == (f"Error: {path}: cannot tell the format; pass --format (locomo, longmemeval, "
                                   "beam, chatgpt, claude, jsonl, markdown)")


def test_a_json_file_that_is_not_json_is_not_read_as_notes(cli, tmp_path):
    path = write(tmp_path, "export.json", "not json at all\n")
    code, out, err = cli("import", str(path))
    assert (code, out) == (4, "") and "cannot tell the format" in one_error_line(err)
    assert cli("stats", "--json")[1].count('"events": 0') == 1  # nothing stored


def test_a_cut_off_json_export_names_its_syntax_error_not_the_format(cli, tmp_path):
    path = write(tmp_path, "conversations.json", '[{"title": "x", "mapping": {\n')
    code, out, err = cli("import", str(path))
    assert (code, out) == (4, "")
    assert one_error_line(err) == (f"Error: {path}:line 2 column 1: invalid JSON: Expecting property name "
                                   "enclosed in double quotes")


def test_a_file_forced_into_the_wrong_format_says_nothing_was_imported(cli):
    path = DATA / "chatgpt_conversations.json"
    code, out, err = cli("import", str(path), "--format", "claude")
    assert (code, out) == (4, "")
    assert one_error_line(err) == (f"Error: {path}:conversation 0: nothing imported as claude: "
                                   "not a Claude conversation (no 'chat_messages' list) (and 1 more skipped)")


@pytest.mark.parametrize("fmt", ["chatgpt", "claude", "longmemeval", "beam", "locomo"])
def test_wrong_types_are_skipped_by_position_never_crash(cli, tmp_path, fmt):
    path = write(tmp_path, "odd.json", json.dumps([1, "text", None, [], {"mapping": "no", "chat_messages": 3,
                                                                          "turns": {}, "conversation": 5}]))
    code, out, err = cli("import", str(path), "--format", fmt)
    assert (code, out) == (4, "")
    line = one_error_line(err)
    assert line.startswith(f"Error: {path}:")
    assert "nothing imported as " + fmt in line


def test_a_partly_bad_export_lands_the_good_conversations_and_names_the_bad_one(cli, tmp_path):
    conversations = json.loads((DATA / "chatgpt_conversations.json").read_text())
    conversations.insert(1, "not a conversation")
    path = write(tmp_path, "conversations.json", json.dumps(conversations))
    code, out, err = cli("import", str(path))
    assert code == 4
    assert out == f"Imported 9 events from {path} (chatgpt); 0 already known, 1 skipped.\n"
    assert one_error_line(err) == (f"Error: {path}:conversation 1: not a ChatGPT conversation "
                                   "(no 'mapping' object)")


def test_several_skipped_records_are_counted_in_the_error(cli, tmp_path):
    path = write(tmp_path, "n.jsonl", '{"text": "ok", "time": 1700000000}\n[1]\n{"text": ""}\nnot json\n')
    code, out, err = cli("import", str(path))
    assert code == 4
    assert out.endswith("0 already known, 3 skipped.\n")
    assert one_error_line(err) == f"Error: {path}:line 2: expected a JSON object (and 2 more; --json lists them all)"


def test_failed_imports_leave_the_store_as_it_was(cli, tmp_path):
    assert cli("import", str(DATA / "journal.md"))[0] == 0
    before = ranked(cli)
    bad = [
        write(tmp_path, "bin.json", b"\x00\x01\x02"),
        write(tmp_path, "latin.md", "caf\u00e9".encode("latin-1")),
        write(tmp_path, "empty.json", ""),
        write(tmp_path, "broken.json", '{"data": [}'),
        write(tmp_path, "unknown.json", '{"a": 1}'),
        write(tmp_path, "odd.json", json.dumps([{"mapping": {}}])),
    ]
    for path in bad:
        code, _, err = cli("import", str(path))
        assert code != 0, path
        one_error_line(err)
    assert cli("import", str(DATA / "journal.md"), "--format", "nope")[0] == 2
    assert event_count(cli) == 7
    assert ranked(cli) == before
    code, out, _ = cli("import", str(DATA / "journal.md"))
    assert (code, out.split()[1]) == (0, "0")


def test_the_store_passes_an_integrity_check_after_a_partial_import(svc, tmp_path):
    text = (DATA / "chatgpt_conversations.json").read_text()
    path = write(tmp_path, "c.json", text[: text.index('"title": "Sourdough starter"')])
    report = svc.import_file(path, "chatgpt")
    assert report.inserted == 6 and len(report.skipped) == 1
    assert svc.store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    fts = svc.store._db.execute("SELECT count(*) FROM events_fts").fetchone()[0]
    assert fts == 6

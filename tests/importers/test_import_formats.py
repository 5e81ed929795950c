"""Every import format: a small realistic fixture lands with the right times, speakers,
sessions and meta; --format auto finds it; importing it again adds nothing."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from recall_cli.models import Event
from tests.importers.helpers import DATA, EXAMPLES, FIXTURES, at, stored

# -- shared behaviour, every format -----------------------------------------------------


@pytest.mark.parametrize(("name", "fmt", "count"), [(n, f, c) for n, (f, c) in FIXTURES.items()])
def test_auto_detects_the_format_and_imports_every_event(svc, name, fmt, count):
    report = svc.import_file(DATA / name, "auto")
    assert report.format == fmt
    assert report.skipped == []
    assert report.inserted + report.duplicates == count + (2 if name == "lme-official-schema.json" else 0)
    assert len(stored(svc)) == count


@pytest.mark.parametrize(("name", "fmt", "count"), [(n, f, c) for n, (f, c) in FIXTURES.items()])
def test_importing_the_same_file_twice_adds_nothing_and_reports_duplicates(cli, name, fmt, count):
    path = str(DATA / name)
    code, out, err = cli("import", path)
    assert (code, err) == (0, "")
    assert out.startswith(f"Imported {count} events from {path} ({fmt});")
    code, out, err = cli("import", path, "--format", fmt)
    assert (code, err) == (0, "")
    repeats = count + (2 if name == "lme-official-schema.json" else 0)
    assert out == f"Imported 0 events from {path} ({fmt}); {repeats} already known.\n"
    assert json.loads(cli("stats", "--json")[1])["events"] == count


@pytest.mark.parametrize(("name", "fmt", "count"), [(n, f, c) for n, (f, c) in FIXTURES.items()])
def test_the_import_report_as_json_names_the_format_and_counts(cli, name, fmt, count):
    code, out, _ = cli("import", str(DATA / name), "--json")
    report = json.loads(out)
    assert code == 0
    assert (report["format"], report["inserted"], report["skipped"]) == (fmt, count, [])


def test_imported_events_are_searchable(cli):
    cli("import", str(DATA / "chatgpt_conversations.json"))
    code, out, _ = cli("search", "Sintra train", "--json")
    assert code == 0
    assert any("Rossio" in hit["text"] for hit in json.loads(out)["results"])


# -- jsonl --------------------------------------------------------------------------------


def test_jsonl_notes_keep_their_times_speakers_sessions_and_tags(svc):
    svc.import_file(DATA / "notes.jsonl", "jsonl")
    car, fig, standup, lunch = stored(svc)
    assert (car.text, car.ts_start, car.meta["tags"]) == ("Booked the car service for Thursday",
                                                        at("2024-03-04T09:15"), ["car", "errands"])
    assert fig.ts_start == 1709600000
    assert (standup.ts_start, standup.actor, standup.session, standup.kind) == (1709686400, "Dana", "team-chat",
                                                                                 "message")
    assert (lunch.text, lunch.ts_start, lunch.source, lunch.kind) == ("Lunch with Omar at the Thai place",
                                                                      at("2024-03-07"), "calendar", "event")


def test_jsonl_records_without_a_time_get_the_file_time_so_a_reimport_finds_them(svc, tmp_path):
    path = tmp_path / "undated.jsonl"
    path.write_text('{"text": "no time here"}\n{"text": "nor here"}\n')
    first = svc.import_file(path, "auto")
    again = svc.import_file(path, "auto")
    assert (first.inserted, again.inserted, again.duplicates) == (2, 0, 2)
    assert stored(svc)[0].ts_start == pytest.approx(path.stat().st_mtime)
    assert stored(svc)[0].meta["undated"] is True  # (its time says nothing of when it happened)


def test_a_jsonl_file_without_times_copied_or_touched_adds_nothing_when_imported_again(svc, tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"text": "Boiler service is booked with Hartmann"}\n{"text": "Descaler is under the sink"}\n')
    assert svc.import_file(path, "auto").inserted == 2
    copy = tmp_path / "copy" / "notes.jsonl"
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    os.utime(copy, (1_600_000_000, 1_600_000_000))
    os.utime(path, (1_500_000_000, 1_500_000_000))
    assert [(r.inserted, r.duplicates) for r in (svc.import_file(copy), svc.import_file(path))] == [(0, 2), (0, 2)]
    assert svc.store.count_events() == 2


def test_an_undated_jsonl_record_stored_with_its_file_time_in_its_hash_is_still_known(svc, tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"text": "Descaler is under the sink"}\n')
    old = Event(text="Descaler is under the sink", ts_start=path.stat().st_mtime)  # as an earlier version hashed it
    svc.store.insert_events([old])
    assert (svc.import_file(path).inserted, svc.store.count_events()) == (0, 1)


def test_jsonl_nan_and_out_of_range_times_are_skipped_and_the_rest_lands(svc, tmp_path):
    path = tmp_path / "times.jsonl"
    path.write_text('{"text": "fine", "time": "2024-01-02"}\n{"text": "nan", "time": NaN}\n'
                    '{"text": "far", "time": 1e20}\n{"text": "bool", "time": true}\n')
    report = svc.import_file(path, "jsonl")
    assert report.inserted == 1
    assert [s.position for s in report.skipped] == ["line 2", "line 3", "line 4"]
    assert "out of range" in report.skipped[1].reason


def test_jsonl_lone_surrogates_and_nul_are_replaced_instead_of_crashing(svc, tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text('{"text": "half an emoji \\ud83d here\\u0000", "time": 1700000000, "note": "\\udc00"}\n')
    assert svc.import_file(path, "jsonl").inserted == 1
    event = stored(svc)[0]
    assert event.text == "half an emoji \ufffd here\ufffd"
    assert event.meta["note"] == "\ufffd"


def test_jsonl_line_separator_characters_inside_strings_do_not_split_a_record(svc, tmp_path):
    path = tmp_path / "sep.jsonl"
    path.write_text('{"text": "one\u2028two\u0085three", "time": 1700000000}\r\n', encoding="utf-8", newline="")
    report = svc.import_file(path, "jsonl")
    assert (report.inserted, report.skipped) == (1, [])
    assert stored(svc)[0].text == "one\u2028two\u0085three"


# -- locomo -------------------------------------------------------------------------------


def test_locomo_turns_get_their_session_date_plus_a_minute_each(svc):
    svc.import_file(DATA / "locomo_sample.json", "auto")
    events = stored(svc)
    assert [e.actor for e in events] == ["Caroline", "Melanie", "Caroline", "Melanie", "Caroline"]
    assert [e.ts_start for e in events[:3]] == [at("2023-05-08T13:56"), at("2023-05-08T13:57"),
                                                at("2023-05-08T13:58")]
    assert events[3].ts_start == at("2023-06-27T10:37")
    assert [e.session for e in events] == ["conv-demo:session_1"] * 3 + ["conv-demo:session_2"] * 2
    assert events[1].text == "Great, I went hiking on Mount Tam. [shares a photo of a trail with trees]"
    assert events[1].meta["dia_id"] == "D1:2"


# -- markdown -----------------------------------------------------------------------------


def test_markdown_journal_becomes_one_event_per_block_with_heading_path_and_lines(svc):
    svc.import_file(DATA / "journal.md", "auto")
    events = sorted(stored(svc), key=lambda e: e.meta["line_start"])
    assert [(e.meta["heading"], e.meta["line_start"], e.meta["line_end"]) for e in events] == [
        ("Journal", 9, 10),
        ("Journal > 2024-05-08", 14, 14),
        ("Journal > 2024-05-08 > Work", 18, 19),
        ("Journal > 2024-05-08 > Work", 21, 25),
        ("Journal > 2024-05-08 > 14:30 Dentist", 29, 29),
        ("Journal > May 9, 2024", 33, 33),
        ("Journal > Someday", 40, 40),
    ]
    assert {(e.source, e.kind, e.session) for e in events} == {("note", "paragraph", "journal.md")}
    assert events[0].meta["path"] == str((DATA / "journal.md").resolve())


def test_markdown_times_come_from_the_nearest_dated_heading_else_the_front_matter(svc):
    svc.import_file(DATA / "journal.md", "markdown")
    by_line = {e.meta["line_start"]: e.ts_start for e in stored(svc)}
    assert by_line == {
        9: at("2024-05-01"),  # no dated heading above: the front matter's date
        14: at("2024-05-08"), 18: at("2024-05-08"), 21: at("2024-05-08"),
        29: at("2024-05-08T14:30"),  # "### 14:30 Dentist" under "## 2024-05-08"
        33: at("2024-05-09"),
        40: at("2024-05-01"),  # "Someday" replaced the dated heading
    }


def test_markdown_code_fences_stay_in_one_block_with_their_blank_lines(svc):
    svc.import_file(DATA / "journal.md", "markdown")
    code = [e for e in stored(svc) if e.text.startswith("```")]
    assert [e.text for e in code] == ["```bash\nmake test\n\npytest -k login\n```"]


def test_markdown_front_matter_itself_is_not_imported(svc):
    svc.import_file(DATA / "journal.md", "markdown")
    assert not [e for e in stored(svc) if "title:" in e.text or "tags:" in e.text]


@pytest.mark.parametrize("heading", ["## 2024-05-08", "## May 8, 2024", "## 8 May 2024", "## Wednesday, May 8th, 2024",
                                     "## 2024/05/08 - trip", "## Wed 8 May 2024", "## Sept 8, 2024"])
def test_markdown_reads_common_date_spellings_in_headings(svc, tmp_path, heading):
    path = tmp_path / "day.md"
    path.write_text(f"# Diary\n\n{heading}\n\nWent to the market.\n")
    svc.import_file(path, "markdown")
    expected = at("2024-09-08") if "Sept" in heading else at("2024-05-08")
    assert [e.ts_start for e in stored(svc)] == [expected]


def test_headings_without_a_year_date_their_entries_in_the_year_nearest_the_notes_save(
        svc, tmp_path):
    import os

    path = tmp_path / "geyser claim.md"
    path.write_text("# geyser claim\n\nbroker = lynette\n\n## 03 mar\n- geyser burst\n\n"
                    "## Tue 11 March - assessor\n- assessor came\n\n## dec 20\n- quote from last year\n\n"
                    "## 3 kids bikes\n- not a date\n\n## 12 jul - flights\n- a plan ahead\n")
    saved = at("2025-04-28T21:00")
    os.utime(path, (saved, saved))
    svc.import_file(path, "markdown")
    assert [(e.text, e.ts_start) for e in sorted(stored(svc), key=lambda e: e.meta["line_start"])] == [
        ("broker = lynette", saved), ("- geyser burst", at("2025-03-03")), ("- assessor came", at("2025-03-11")),
        ("- quote from last year", at("2024-12-20")), ("- not a date", saved), ("- a plan ahead", at("2025-07-12"))]


@pytest.mark.parametrize(("heading", "when"), [("### 9:15 am standup", "09:15"), ("### 2pm", "14:00"),
                                               ("### Lunch 12:30", "12:30"), ("### Evening", "00:00")])
def test_markdown_a_time_heading_under_a_date_sets_the_time_of_day(svc, tmp_path, heading, when):
    path = tmp_path / "day.md"
    path.write_text(f"## 2024-05-08\n\n{heading}\n\nSomething happened.\n")
    svc.import_file(path, "markdown")
    assert stored(svc)[0].ts_start == at(f"2024-05-08T{when}")


def test_markdown_without_any_date_uses_the_file_modification_time(svc, tmp_path):
    import os

    path = tmp_path / "ideas.txt"
    path.write_text("Ideas\n\nA bird feeder for the balcony.\n\n* paint the door\n* fix the bike\n")
    os.utime(path, (1700000000, 1700000000))
    report = svc.import_file(path, "auto")
    assert report.format == "markdown"
    # the first line says the file's name again: the note's title, over the blocks below
    assert [(e.text, e.ts_start, e.meta["heading"]) for e in stored(svc)] == [
        ("A bird feeder for the balcony.", 1700000000, "Ideas"),
        ("* paint the door\n* fix the bike", 1700000000, "Ideas")]
    assert svc.import_file(path, "auto").duplicates == 2


def test_markdown_unclosed_fence_and_windows_line_endings_are_handled(svc, tmp_path):
    path = tmp_path / "win.md"
    path.write_bytes(b"## 2024-02-01\r\n\r\nFirst.\r\n\r\n```\r\ncode\r\n\r\nmore code\r\n")
    svc.import_file(path, "markdown")
    assert [(e.text, e.meta["line_start"], e.meta["line_end"]) for e in stored(svc)] == [
        ("First.", 3, 3), ("```\ncode\n\nmore code", 5, 8)]


def test_markdown_headings_only_file_lands_nothing_and_says_so(cli, tmp_path):
    path = tmp_path / "empty-ish.md"
    path.write_text("# Title\n\n## 2024-01-01\n\n---\n")
    code, out, err = cli("import", str(path))
    assert code != 0 and out == ""
    assert err == (f"Error: {path}: nothing to import: no paragraphs (only headings, comments or a template's "
                   "empty slots)\n")


def test_the_example_notes_import_as_markdown(cli):
    path = EXAMPLES / "notes.md"
    code, out, err = cli("import", str(path))
    assert (code, err) == (0, "")
    assert "(markdown)" in out
    assert int(out.split()[1]) >= 10


# -- chatgpt ------------------------------------------------------------------------------


def test_chatgpt_export_follows_the_displayed_branch(svc):
    svc.import_file(DATA / "chatgpt_conversations.json", "auto")
    lisbon = svc.store.session_events("conv-lisbon")
    assert [e.text for e in lisbon] == [
        "Plan a 3 day trip to Lisbon in June.",
        "Day 1: Alfama and the castle. Day 2: Belem. Day 3: LX Factory and a fado dinner.",
        "Can you add a day trip to Sintra?",  # the edited message, not the abandoned "4 days"
        "Yes: take the train from Rossio to Sintra, about 40 minutes.",
        "[image]\nIs this the Pena Palace?",
        "Yes, that is the Pena Palace in Sintra.",
    ]
    assert [e.actor for e in lisbon] == ["user", "assistant"] * 3
    assert not [e for e in stored(svc) if "4 day" in e.text]


def test_chatgpt_skips_system_tool_hidden_thinking_and_empty_messages(svc):
    svc.import_file(DATA / "chatgpt_conversations.json", "chatgpt")
    texts = " ".join(e.text for e in stored(svc))
    assert "search(" not in texts and "yellow towers" not in texts and "Rossio - Sintra, 40 min" not in texts
    assert {e.actor for e in stored(svc)} == {"user", "assistant"}
    assert len(svc.store.session_events("conv-bread")) == 3  # the empty message is left out


def test_chatgpt_messages_keep_their_times_and_meta(svc):
    svc.import_file(DATA / "chatgpt_conversations.json", "chatgpt")
    first, second = svc.store.session_events("conv-lisbon")[:2]
    assert (first.ts_start, second.ts_start) == (1715176810.5, 1715176815.0)
    assert (first.source, first.kind) == ("chat", "message")
    assert first.meta == {"format": "chatgpt", "conversation_index": 0, "turn_index": 0,
                          "title": "Lisbon trip", "message_id": "u1",
                          "file": str((DATA / "chatgpt_conversations.json").resolve())}  # (forget --file)
    assert second.meta["model"] == "gpt-4o"


def test_chatgpt_null_message_times_fall_back_to_the_conversation_start_in_order(svc):
    svc.import_file(DATA / "chatgpt_conversations.json", "chatgpt")
    bread = svc.store.session_events("conv-bread")
    start = 1717236000.0
    assert [e.ts_start for e in bread] == [start + 1, start + 2, start + 3]
    sintra = svc.store.session_events("conv-lisbon")[3]
    assert sintra.ts_start == 1715177000.0 + 1  # just after the message before it


def test_chatgpt_without_a_current_node_follows_the_latest_leaf(svc, tmp_path):
    conversations = json.loads((DATA / "chatgpt_conversations.json").read_text())
    del conversations[0]["current_node"]
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(conversations))
    svc.import_file(path, "auto")
    assert svc.store.session_events("conv-lisbon")[-1].text == "Yes, that is the Pena Palace in Sintra."


def test_chatgpt_attachment_names_are_kept(svc, tmp_path):
    conv = {"id": "c-att", "title": "Tax", "create_time": 1700000000, "current_node": "u",
            "mapping": {"u": {"id": "u", "parent": None, "children": [], "message": {
                "id": "u", "author": {"role": "user"}, "create_time": 1700000001,
                "content": {"content_type": "multimodal_text", "parts": [
                    {"content_type": "audio_transcription", "text": "what about this form"},
                    {"content_type": "audio_asset_pointer", "asset_pointer": "sediment://x"}]},
                "metadata": {"attachments": [{"id": "f1", "name": "w2-2023.pdf"}]}}}}}
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([conv]))
    svc.import_file(path, "chatgpt")
    (event,) = stored(svc)
    assert event.text == "what about this form\n[audio]"
    assert event.meta["attachments"] == ["w2-2023.pdf"]


# -- claude -------------------------------------------------------------------------------


def test_claude_export_imports_one_event_per_message_with_iso_times(svc):
    svc.import_file(DATA / "claude_conversations.json", "auto")
    garden = svc.store.session_events("c1d2-garden")
    assert [(e.actor, e.ts_start) for e in garden] == [
        ("user", at("2024-04-02T08:15:03.123456")), ("assistant", at("2024-04-02T08:15:10")),
        ("user", at("2024-04-02T08:20:00"))]
    assert garden[1].text == "Cherry tomatoes such as Sungold do well in 20 litre pots."  # no thinking
    letter = svc.store.session_events("c3e4-letter")
    assert letter[1].text.startswith("Here is a shorter version")  # from the flat text field
    assert letter[1].ts_start == at("2024-04-10T19:00:30")
    assert letter[0].meta == {"format": "claude", "conversation_index": 1, "turn_index": 0, "sender": "human",
                              "title": "Cover letter", "message_id": "m-l1",
                              "file": str((DATA / "claude_conversations.json").resolve())}


def test_claude_attachment_names_go_to_meta_and_their_text_is_appended(svc):
    svc.import_file(DATA / "claude_conversations.json", "claude")
    seeds = svc.store.session_events("c1d2-garden")[2]
    assert seeds.text == "Here is my seed list.\n\n[attachment seeds.txt]\nSungold\nBlack Cherry\nRoma"
    assert (seeds.meta["attachments"], seeds.meta["files"]) == (["seeds.txt"], ["balcony.jpg"])


def test_claude_long_attachments_are_cut_to_a_few_kilobytes(svc, tmp_path):
    conv = {"uuid": "c-long", "name": "Thesis", "created_at": "2024-01-01T10:00:00Z", "chat_messages": [
        {"uuid": "m1", "sender": "human", "text": "", "created_at": "2024-01-01T10:00:01Z",
         "attachments": [{"file_name": "thesis.txt", "extracted_content": "word " * 5000}], "files": []}]}
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([conv]))
    svc.import_file(path, "auto")
    (event,) = stored(svc)
    assert event.text.startswith("[attachment thesis.txt]\nword word")
    assert len(event.text) < 4200
    assert event.text.endswith("more characters]")


def test_claude_unknown_senders_are_skipped_with_their_position(svc, tmp_path):
    conv = {"uuid": "c-x", "created_at": "2024-01-01T10:00:00Z", "chat_messages": [
        {"sender": "human", "text": "hello", "created_at": "2024-01-01T10:00:01Z"},
        {"sender": "robot", "text": "beep", "created_at": "2024-01-01T10:00:02Z"},
        "not a message"]}
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([conv]))
    report = svc.import_file(path, "claude")
    assert report.inserted == 1
    assert [(s.position, s.reason) for s in report.skipped] == [
        ("conversation 0 message 1", "unknown sender 'robot' (expected 'human' or 'assistant')"),
        ("conversation 0 message 2", "message is not an object")]


# -- longmemeval --------------------------------------------------------------------------


def test_longmemeval_official_turns_keep_session_ids_dates_and_has_answer(svc):
    svc.import_file(DATA / "lme-official-schema.json", "auto")
    run = svc.store.session_events("answer_kq_1")
    assert [e.ts_start for e in run] == [at("2023-05-25T20:21"), at("2023-05-25T20:22"), at("2023-05-25T20:23")]
    assert [e.actor for e in run] == ["user", "assistant", "user"]
    assert [e.meta["has_answer"] for e in run] == [False, False, True]
    assert run[2].meta == {"format": "longmemeval", "question_id": "kq_5k_time", "session_id": "answer_kq_1",
                           "session_date": "2023/05/25 (Thu) 20:21", "turn_index": 2, "has_answer": True,
                           "question_type": "knowledge-update",
                           "file": str((DATA / "lme-official-schema.json").resolve())}


def test_longmemeval_a_session_shared_by_two_questions_is_stored_once(svc):
    report = svc.import_file(DATA / "lme-official-schema.json", "longmemeval")
    assert (report.inserted, report.duplicates) == (7, 2)
    assert len(svc.store.session_events("shared_filler_7")) == 2


def test_longmemeval_reformatted_sessions_are_recovered_from_dates(svc):
    svc.import_file(DATA / "lme-reformatted-schema.json", "auto")
    first = svc.store.session_events("multi-sessio-7f3a2b:0")
    second = svc.store.session_events("multi-sessio-7f3a2b:1")
    assert [e.ts_start for e in first] == [at("2023-05-20T07:34"), at("2023-05-20T07:35")]
    assert [e.ts_start for e in second] == [at("2023-05-22T18:05"), at("2023-05-22T18:06"), at("2023-05-22T18:07")]
    assert [e.meta["turn_index"] for e in second] == [0, 1, 2]
    assert second[0].meta["question_id"] == "7f3a2b"
    assert second[0].meta["session_id"] == "multi-sessio-7f3a2b:1"


# -- beam ---------------------------------------------------------------------------------


def test_beam_messages_keep_their_ids_batches_and_time_anchors(svc):
    svc.import_file(DATA / "beam" / "3" / "chat.json", "auto")
    events = stored(svc)
    assert [e.meta["message_id"] for e in events] == list(range(10))
    assert {e.session for e in events[:4]} == {"beam:beam/3:1"}
    assert {e.session for e in events[4:]} == {"beam:beam/3:2"}
    assert [e.ts_start for e in events[:4]] == [at("2024-03-15") + 60 * n for n in range(4)]
    assert [e.ts_start for e in events[4:]] == [at("2024-04-05") + 60 * n for n in range(6)]
    assert [e.actor for e in events] == ["user", "assistant"] * 5
    assert events[0].meta == {"format": "beam", "chat": "beam/3", "batch_number": 1, "turn_index": 0,
                              "message_id": 0, "index": "1,1", "question_type": "main_question",
                              "time_anchor": "March-15-2024",
                              "file": str((DATA / "beam" / "3" / "chat.json").resolve())}


def test_beam_without_any_anchor_uses_a_fixed_start_one_minute_apart(svc, tmp_path):
    chat = [{"batch_number": 1, "time_anchor": None, "turns": [
        [{"role": "user", "id": 0, "content": "hi"}, {"role": "assistant", "id": 1, "content": "hello"}]]}]
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(chat))
    svc.import_file(path, "auto")
    a, b = stored(svc)
    assert b.ts_start - a.ts_start == 60
    assert a.ts_start == at("2024-01-01T09:00")
    assert a.session == "beam:plain:1"


def test_beam_two_chats_with_the_same_file_name_get_different_sessions(svc, tmp_path):
    for n in ("1", "2"):
        (tmp_path / "100K" / n).mkdir(parents=True)
        shutil.copy(DATA / "beam" / "3" / "chat.json", tmp_path / "100K" / n / "chat.json")
    svc.import_file(tmp_path / "100K" / "1" / "chat.json", "beam")
    report = svc.import_file(tmp_path / "100K" / "2" / "chat.json", "beam")
    assert (report.inserted, report.duplicates) == (10, 0)
    assert {e.session for e in stored(svc)} == {"beam:100K/1:1", "beam:100K/1:2", "beam:100K/2:1", "beam:100K/2:2"}


@pytest.mark.parametrize("anchor", ["March-15-2024", "march 15 2024", "Mar-15-2024", "15-March-2024",
                                    "2024-03-15", "March 15th, 2024", "03/15/2024"])
def test_beam_time_anchors_are_read_leniently(anchor):
    from recall_cli.importers.beam import parse_anchor

    assert parse_anchor(anchor) == at("2024-03-15")


def test_beam_an_unreadable_anchor_is_reported_and_the_clock_keeps_going(svc, tmp_path):
    chat = [{"batch_number": 1, "turns": [
        [{"role": "user", "id": 0, "content": "a", "time_anchor": "March-15-2024"},
         {"role": "user", "id": 1, "content": "b", "time_anchor": "someday soon"}]]}]
    path = tmp_path / "anchors.json"
    path.write_text(json.dumps(chat))
    report = svc.import_file(path, "beam")
    assert report.inserted == 2
    assert [s.position for s in report.skipped] == ["batch 0 turn 0 message 1"]
    assert [e.ts_start for e in stored(svc)] == [at("2024-03-15"), at("2024-03-15") + 60]


def test_paths_given_relative_or_absolute_import_the_same_events(cli, monkeypatch):
    monkeypatch.chdir(DATA)
    assert cli("import", "journal.md")[0] == 0
    code, out, _ = cli("import", str(Path(DATA / "journal.md").resolve()))
    assert (code, out.split()[1]) == (0, "0")


def test_an_import_brings_the_search_index_up_to_date_so_the_first_search_does_not_build_it(svc, recall_home):
    from recall_cli.search.index import VectorIndex

    svc.import_file(DATA / "notes.jsonl")
    fresh = VectorIndex(svc.store, svc.config.index_dir, svc.embedder.model_id)
    assert fresh.file.exists()
    assert fresh.sync() == "fresh"  # nothing left for the first search to add

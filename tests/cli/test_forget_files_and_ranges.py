import json
import shutil
import sqlite3
from pathlib import Path

DATA = Path(__file__).parent.parent / "data" / "importers"



def _events(cli) -> int:
    return json.loads(cli("stats", "--json")[1])["events"]


def test_forget_file_takes_back_what_one_chat_export_brought_in_and_keeps_it_out(cli, tmp_path):
    for name in ("chatgpt_conversations.json", "claude_conversations.json"):
        shutil.copy(DATA / name, tmp_path / name)
    assert cli("import", str(tmp_path / "chatgpt_conversations.json"))[0] == 0
    assert cli("import", str(tmp_path / "claude_conversations.json"))[0] == 0
    before = _events(cli)
    code, out, err = cli("forget", "--file", str(tmp_path / "chatgpt_conversations.json"), "--yes")
    assert code == 0, err
    assert out == "Deleted 9 events and 0 memories.\n"
    assert _events(cli) == before - 9
    assert "Lisbon" not in cli("search", "Lisbon trip")[1]
    # the other export stays, and importing the forgotten one again brings nothing back
    assert _events(cli) > 0
    assert "9 events you deleted before kept out" in cli("import", str(tmp_path / "chatgpt_conversations.json"))[1]


def test_show_names_the_export_a_chat_message_came_from(cli, tmp_path):
    export = tmp_path / "conversations.json"
    shutil.copy(DATA / "chatgpt_conversations.json", export)
    cli("import", str(export))
    assert f"File:          {export.resolve()}" in cli("show", "1")[1]


def test_forget_file_with_a_folder_takes_its_notes_and_nothing_else(cli, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "gym.md").write_text("# Gym\nJoined PureGym on 3 March.\n\nMembership is 30 a month.\n")
    (notes / "dentist.md").write_text("Dentist moved to Friday at 9:00.\n")
    cli("import", str(notes))
    cli("add", "Sam's spare key is under the blue pot")
    assert cli("forget", "--file", str(notes / "gym.md"), "--yes")[1] == "Deleted 2 events and 0 memories.\n"
    assert cli("forget", "--file", str(notes), "--yes")[1] == "Deleted 1 event and 0 memories.\n"
    assert _events(cli) == 1 and "blue pot" in cli("search", "spare key")[1]


def test_forget_file_finds_what_an_import_stored_before_events_recorded_their_file(cli, recall_home, tmp_path):
    export = tmp_path / "claude.json"
    shutil.copy(DATA / "claude_conversations.json", export)
    cli("import", str(export))
    cli("add", "Sam's spare key is under the blue pot")
    db = sqlite3.connect(recall_home / "recall.db")  # as an older recall stored them
    db.execute("UPDATE events SET meta = json_remove(meta, '$.file')")
    db.commit()
    db.close()
    assert cli("forget", "--file", str(export), "--yes")[1] == "Deleted 5 events and 0 memories.\n"
    assert _events(cli) == 1


def test_forget_file_that_matches_nothing_says_so_and_deletes_nothing(cli, tmp_path):
    cli("add", "Sam's spare key is under the blue pot")
    assert cli("forget", "--file", str(tmp_path / "nope.json"), "--yes") == (
        0, f"Nothing matches; nothing deleted (no such file: {tmp_path / 'nope.json'}).\n", "")
    assert _events(cli) == 1


def test_forget_a_range_of_ids_deletes_those_stored_in_it(cli):
    for n in range(1, 6):
        cli("add", f"note number {n}", "--time", f"2026-11-0{n}T09:00")
    assert cli("forget", "2-4", "--yes")[1] == "Deleted 3 events and 0 memories.\n"
    assert cli("forget", "1-3", "--yes")[1] == "Deleted 1 event and 0 memories.\n"  # 2 and 3 are gone already
    assert [json.loads(cli("show", "5", "--json")[1])["text"]] == ["note number 5"]


def test_a_range_that_is_no_range_of_ids_is_refused_with_what_is_wrong(cli):
    cli("add", "note one")
    for ref, why in (("5-2", "'5-2' ends before it starts: give the lower id first"),
                     ("3-m4", "'3-m4' mixes events and memories: give a range of one kind (120-180 or m3-m9)"),
                     ("1-x", "'1-x' is not a range of ids (events: 120-180, memories: m3-m9)")):
        assert cli("forget", ref, "--yes") == (2, "", f"Error: {why}\n")
    assert _events(cli) == 1

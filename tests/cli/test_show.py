"""`recall show ID` prints every field an event's source records, and for a memory whether
it is pinned, its zone and its strength."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from recall_cli.capture import record, spool
from recall_cli.config import load_config
from recall_cli.service import Recall

DATA = Path(__file__).resolve().parents[1] / "data" / "importers"


def test_a_shell_command_shows_directory_exit_code_duration_host_and_session(cli, recall_home, monkeypatch):
    monkeypatch.setenv("USER", "ana")
    args = record.parse_args(["--shell", "bash", "--status", "2", "--end", "1700000000", "--duration-ms", "4200",
                              "--cwd", "/src/blog", "--session", "s-17", "--command", "make deploy"])
    record.record(args, settings=record.Settings(str(recall_home)))
    assert cli("ingest")[0] == 0
    code, out, err = cli("show", "1")
    assert code == 0, err
    assert out.splitlines() == [
        "Event 1  2023-11-14T22:13:15+00:00  source=shell  kind=command",
        "Directory: /src/blog",
        "Exit code: 2",
        "Duration:  4.2 s",
        f"Host:      {os.uname().nodename}",
        "Session:   s-17",
        "Shell:     bash",
        "User:      ana",
        "",
        "make deploy",
    ]


def test_a_watched_file_paragraph_shows_its_path_and_lines(cli, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("first line.\n\nbuy stamps\nand envelopes\n", encoding="utf-8")
    assert cli("watch", "--once", str(folder))[0] == 0
    code, out, _ = cli("show", "2")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("Event 2  ") and lines[0].endswith("source=file  kind=paragraph")
    assert f"File:  {folder / 'todo.txt'}" in lines and "Lines: 3-4" in lines
    assert lines[-2:] == ["buy stamps", "and envelopes"]


def test_a_screen_span_shows_its_application_window_and_duration(cli, recall_home):
    meta = {"app": "firefox", "title": "Lisbon trams - timetable", "duration_s": 754.2, "window": "0x3a", "span": "s1"}
    spool.append(recall_home, [spool.make_record(source="screen", kind="focus", text="firefox: Lisbon trams",
                                                 ts_start=1_700_000_000, ts_end=1_700_000_754.2, actor="firefox",
                                                 meta=meta)])
    assert cli("ingest")[0] == 0
    code, out, _ = cli("show", "1")
    assert code == 0
    assert out.splitlines()[1:4] == [
        "Application: firefox",
        "Window:      Lisbon trams - timetable",
        "Duration:    12 min 34 s",
    ]


def test_a_chat_message_shows_its_conversation_title_the_export_and_speaker(cli, tmp_path):
    shutil.copy(DATA / "chatgpt_conversations.json", tmp_path / "conversations.json")
    assert cli("import", str(tmp_path / "conversations.json"))[0] == 0
    code, out, _ = cli("show", "2")
    assert code == 0
    assert out.splitlines()[1:6] == [
        "Conversation:  Lisbon trip",
        "Imported from: ChatGPT export",
        "Speaker:       assistant",
        "Session:       conv-lisbon",
        "Model:         gpt-4o",
    ]


def test_an_imported_note_shows_its_file_lines_and_heading(cli):
    assert cli("import", str(DATA / "journal.md"))[0] == 0
    out = cli("show", "2")[1]
    assert f"File:    {DATA / 'journal.md'}" in out.splitlines()
    assert "Heading: Journal > 2024-05-08" in out.splitlines()


def test_a_memory_shows_whether_it_is_pinned_its_zone_and_strength(cli, recall_home, embedder):
    svc = Recall(load_config(recall_home), embedder=embedder)
    source = svc.add("Ana said she moved to Lisbon in March", ts=1_700_000_000).id
    svc.memories.add("semantic", "Ana lives in Lisbon", subject="Ana", sources=[source], actor="consolidation")
    svc.close()
    lines = cli("show", "m1")[1].splitlines()
    assert lines[1:5] == ["Pinned:    no", "Zone:      active", "Retention: 1.00 (strength 8.4 days), recalled 1 time",
                          "Subject:   Ana"]
    assert cli("pin", "m1")[1] == "Pinned m1.\n"
    assert cli("pin", "m1")[1] == "m1 is pinned already.\n"
    lines = cli("show", "m1")[1].splitlines()
    assert lines[1:3] == ["Pinned:    yes", "Zone:      active"]


def test_an_event_shows_the_episode_consolidate_takes(cli):
    cli("add", "Sam's spare key is under the blue pot")
    assert "Episode" not in cli("show", "1")[1]  # no episode before consolidation has grouped it
    assert cli("consolidate", "--no-llm")[0] == 0
    assert cli("show", "1")[1].splitlines()[1] == "Episode: 1"


def test_a_part_of_a_long_text_says_which_part_it_is_and_where_the_others_are(cli):
    text = "Meeting minutes. " + "Discussed the budget line by line. " * 900 + "FINAL DECISION: hire Priya."
    assert cli("add", input=text)[1] == "Remembered as event 1 (a long text, stored as 2 linked parts).\n"
    assert "\nPart: 1 of 2 (the others: 2)\n" in cli("show", "1")[1]
    shown = cli("show", "2")[1]
    assert "\nPart: 2 of 2 (the others: 1)\n" in shown and "FINAL DECISION" in shown

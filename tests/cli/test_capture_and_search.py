import json
import stat

import pytest

from recall_cli.config import load_config
from recall_cli.service import Recall


def test_add_then_search_prints_an_aligned_table(cli):
    assert cli("add", "Parked on level 3 of the airport garage", "--time", "2023-05-02T09:00",
               "--tag", "car") == (0, "Remembered as event 1.\n", "")
    assert cli("add", "Wifi password is on the fridge", "--time", "2023-05-03T10:30")[0] == 0
    code, out, err = cli("search", "airport garage", "--limit", "1")
    assert code == 0, err
    assert out.splitlines() == [
        "id  date              source  speaker  score  text",
        "1   2023-05-02 09:00  note             0.95   Parked on level 3 of the airport garage",
    ]


def test_adding_the_same_text_at_the_same_time_is_not_stored_twice(cli):
    cli("add", "same thing", "--time", "2023-05-02T09:00")
    assert cli("add", "same thing", "--time", "2023-05-02T09:00")[1] == "Already remembered as event 1.\n"


def test_add_reads_stdin(cli):
    code, out, _ = cli("add", input="from a pipe\n")
    assert (code, out) == (0, "Remembered as event 1.\n")
    assert "from a pipe" in cli("show", "1")[1]


def test_add_with_nothing_to_add_fails_with_one_line(cli):
    code, out, err = cli("add", input="   \n")
    assert code == 2
    assert err == "Error: nothing to add: the text is empty\n"


@pytest.mark.parametrize(("flags", "error"), [
    (("--source", ""), "Error: the source is empty: name where the text came from (note, chat, ...)\n"),
    (("--source", "  "), "Error: the source is empty: name where the text came from (note, chat, ...)\n"),
    (("--tag", "work", "--tag", ""), "Error: a tag is empty: give each tag a name\n"),
])
def test_add_with_an_empty_source_or_tag_fails_and_stores_nothing(cli, flags, error):
    assert cli("add", *flags, "milk and eggs") == (2, "", error)
    assert json.loads(cli("stats", "--json")[1])["events"] == 0


def test_add_rejects_non_utf8_stdin(cli):
    code, _, err = cli("add", input=b"caf\xe9 au lait")
    assert code == 4
    assert err == ("Error: stdin is not UTF-8 (invalid byte at offset 3); if it is Latin-1, "
                   "convert it with `iconv -f LATIN1 -t UTF-8`\n")



def test_add_reads_utf16_stdin_with_its_byte_order_mark(cli):
    added = cli("add", "--time", "2023-01-01", input="milk, eggs \u00e9".encode("utf-16"))
    assert added[:2] == (0, "Remembered as event 1.\n")
    assert cli("add", "--time", "2023-01-02", input="\ufefftea".encode("utf-16-be"))[0] == 0
    assert [json.loads(cli("show", str(i), "--json")[1])["text"] for i in (1, 2)] == ["milk, eggs \u00e9", "tea"]


def test_undecodable_bytes_in_arguments_become_replacement_characters_not_crashes(cli):
    # Python hands an argument's invalid UTF-8 bytes over as lone surrogates ("caf\xe9" -> "caf\udce9")
    code, out, err = cli("add", "caf\udce9 au lait with Ana")
    assert (code, err) == (0, "")
    shown = json.loads(cli("show", "1", "--json")[1])
    assert shown["text"] == "caf\ufffd au lait with Ana"
    code, out, err = cli("search", "caf\udce9 \udcff lait", "--json")
    assert (code, err) == (0, "") and json.loads(out)["results"][0]["id"] == 1
    code, out, err = cli("ask", "who had caf\udce9 au lait?", "--no-llm")
    assert code == 0 and "Traceback" not in err and "Ana" in out


def test_search_from_a_source_that_holds_nothing_is_a_wrong_flag(cli):
    cli("add", "The tram tour starts at 9am")
    code, out, err = cli("search", "tram", "--source", "chta")
    assert (code, out) == (2, "")
    assert err == "Error: no events come from source 'chta'; sources here: note\n"
    assert cli("search", "tram", "--source", "note,shell")[0] == 0  # one of them holds events


def test_a_source_recall_records_itself_is_a_filter_that_matches_nothing_yet_not_a_typo(cli):
    cli("add", "The tram tour starts at 9am")
    cli("add", "copied text", "--source", "clipboard")
    assert cli("forget", "--source", "screen", "--before", "2026-01-01", "--yes") == (
        0, "Nothing matches; nothing deleted.\n", "")
    assert cli("search", "tram", "--source", "shell") == (0, "No results.\n", "")
    code, _, err = cli("search", "tram", "--source", "shel")  # a typo still fails
    assert code == 2 and err == "Error: no events come from source 'shel'; sources here: clipboard, note\n"


def test_search_json_has_ids_dates_and_scores(cli):
    cli("add", "The tram tour starts at 9am", "--time", "2023-05-02T09:00", "--speaker", "Ana",
        "--source", "chat")
    code, out, _ = cli("search", "tram tour", "--json")
    data = json.loads(out)
    assert code == 0
    hit = data["results"][0]
    assert hit["id"] == 1 and hit["source"] == "chat" and hit["actor"] == "Ana"
    assert hit["time"].startswith("2023-05-02T09:00")
    assert hit["score"] > 0 and "total_ms" in data["timings_ms"]


def test_search_reports_the_time_phrase_it_read(cli):
    cli("add", "ran 8 km", "--time", "2023-05-23T08:00")
    cli("add", "ran 5 km", "--time", "2023-05-10T08:00")
    code, out, _ = cli("search", "ran yesterday", "--now", "2023-05-24T12:00")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Time 'yesterday': 2023-05-23 00:00 .. 2023-05-23 23:59 (ranks, does not filter)"
    # the run of yesterday first; the other run still shows (a time phrase ranks, it does not hide)
    assert "ran 8 km" in lines[2] and "ran 5 km" in lines[3] and len(lines) == 4


def test_search_with_no_results_says_so(cli):
    assert cli("search", "anything")[1] == "No results.\n"


def test_search_says_when_nothing_matches_well_and_shows_the_closest(cli):
    cli("add", "Easter dinner at Dad's, lamb and roast potatoes", "--time", "2026-04-05T19:00")
    cli("add", "Bleed the rear brake with mineral oil only", "--time", "2026-04-06T10:00")
    out = cli("search", "boiler pressure", "--since", "2026-04-01")[1].splitlines()
    assert out[1] == "Nothing matches 'boiler pressure' well; the closest results:"
    assert len(out) > 3  # the closest still listed
    assert "well" not in cli("search", "brake bleed")[1]
    # and --json says both, for a script
    assert json.loads(cli("search", "boiler pressure", "--json")[1])["weak_match"] is True
    found = json.loads(cli("search", "brake bleed in April 2026", "--json")[1])
    assert found["weak_match"] is False
    assert found["time_range"] == {"since": "2026-04-01T00:00:00+00:00", "until": "2026-04-30T23:59:59+00:00"}


def test_a_question_that_is_only_a_time_is_not_said_to_match_nothing(cli):
    cli("add", "Easter dinner at Dad's, lamb and roast potatoes", "--time", "2026-04-05T19:00")
    cli("add", "Bleed the rear brake with mineral oil only", "--time", "2026-04-16T10:00")
    out = cli("search", "what happened on 5 April 2026?")[1].splitlines()
    assert "Easter dinner" in out[2] and not any("well" in line for line in out)


def test_since_yesterday_counts_from_the_now_given(cli):
    cli("add", "late night pizza order from Tony's", "--time", "2026-12-01T23:30")
    out = cli("search", "pizza", "--since", "yesterday", "--until", "today", "--now", "2026-12-02T09:00")[1]
    assert "Filter: 2026-12-01 00:00 .. 2026-12-02 23:59" in out and "Tony's" in out
    assert "Tony's" not in cli("search", "pizza", "--since", "today", "--now", "2026-12-02T09:00")[1]


def test_wrong_flags_give_one_line_errors(cli):
    assert cli("search", "x", "--bogus") == (2, "", "Error: No such option: --bogus\n")
    code, _, err = cli("search", "x", "--since", "not a time at all")
    assert code == 2 and err.startswith("Error: cannot read time 'not a time at all'")
    # an ISO date that is no date is refused, not read as another day (2026-13-01 was 13 January)
    code, _, err = cli("add", "x", "--time", "2026-13-01")
    assert (code, err) == (2, "Error: '2026-13-01' is not a date and time (month 01-12, a day of that month, "
                              "hours 00-23, minutes 00-59)\n")
    code, _, err = cli("add", "x", "--time", "04/02/2026")
    assert (code, err) == (2, "Error: '04/02/2026' could be 2026-02-04 or 2026-04-02: write the date as YYYY-MM-DD\n")
    assert cli("add", "x", "--time", "13/02/2026")[0] == 0  # only one reading: 13 February
    assert [h["time"][:10] for h in json.loads(cli("search", "x", "--json")[1])["results"]] == ["2026-02-13"]
    assert cli("search", "x", "--limit", "0")[2] == "Error: --limit must be at least 1\n"


def test_add_refuses_a_time_in_the_future_and_stores_nothing(cli):
    # --time says when something happened: "next tuesday" there was stored as a note from the future, silently
    code, out, err = cli("add", "dentist at 3pm", "--time", "2999-01-05T09:00")
    assert (code, out) == (2, "")
    assert err == ("Error: --time '2999-01-05T09:00' is 2999-01-05 09:00, in the future; --time says when it "
                   "happened (write a coming day in the text itself)\n")
    code, _, err = cli("add", "dentist at 3pm", "--time", "next tuesday")
    assert code == 2 and "in the future" in err
    assert cli("search", "dentist", "--json")[1].count('"id"') == 0


def test_a_bare_recall_prints_its_help_and_no_empty_error(cli):
    code, out, err = cli()
    assert code == 2 and "Usage: recall" in out and err == ""


def test_show_prints_the_event_and_unknown_ids_fail(cli):
    cli("add", "Mum wants a pottery class voucher", "--time", "2023-03-05T19:10", "--tag", "gifts")
    code, out, _ = cli("show", "1")
    assert code == 0
    assert out.splitlines() == [
        "Event 1  2023-03-05T19:10:00+00:00  source=note  kind=note", "Tags: gifts", "",
        "Mum wants a pottery class voucher",
    ]
    assert cli("show", "99") == (3, "", "Error: no event with id 99\n")
    assert cli("show", "m5") == (3, "", "Error: no memory with id m5\n")
    assert cli("show", "abc")[2] == "Error: 'abc' is not an id (events: 42, memories: m7)\n"
    assert cli("show", "[1]")[1] == out  # as ask cites it


def test_forget_deletes_for_real_and_needs_yes_without_a_terminal(cli):
    cli("add", "secret plan alpha", "--time", "2023-05-02T09:00")
    cli("add", "grocery list", "--time", "2023-06-02T09:00")
    code, _, err = cli("forget", "1")
    assert code == 2 and "pass --yes" in err
    assert cli("forget", "1", "--yes")[1] == "Deleted 1 event and 0 memories.\n"
    results = json.loads(cli("search", "secret plan alpha", "--json")[1])["results"]
    assert not any("secret" in h["text"] for h in results)
    assert cli("show", "1")[0] == 3


def test_forgetting_a_row_search_showed_as_several_copies_forgets_every_copy(cli):
    cli("add", "bank PIN reminder: ask Joana", "--time", "2026-12-01T10:00")
    cli("add", "bank PIN reminder: ask Joana", "--time", "2026-12-02T10:00")
    cli("add", "bank holiday on Monday", "--time", "2026-12-03T10:00")
    assert "(2×) bank PIN reminder" in cli("search", "bank PIN reminder")[1]
    code, _, err = cli("forget", "1")
    assert code == 2 and "2 events and 0 memories (1 word-for-word copy: 2)" in err
    assert cli("forget", "1", "--yes")[1] == "Deleted 2 events and 0 memories.\n"
    assert "Joana" not in cli("search", "bank PIN reminder")[1]
    assert "bank holiday" in cli("search", "bank")[1]


def test_forget_leaves_no_copy_in_the_store_a_restore_replaced(cli, recall_home, tmp_path):
    cli("add", "Booked flights to Porto, TAP flight TP1947", "--time", "2026-11-02T09:00")
    backup_file = tmp_path / "before.db"
    assert cli("backup", str(backup_file))[0] == 0
    cli("add", "grocery list", "--time", "2026-11-03T09:00")
    assert cli("backup", str(backup_file), "--restore", "--yes")[0] == 0  # the replaced store is kept beside
    kept = list(recall_home.glob("recall.db.before-restore-*"))
    assert len(kept) == 1 and b"TP1947" in kept[0].read_bytes()
    assert cli("forget", "1", "--yes")[0] == 0
    for path in recall_home.rglob("*"):
        assert not path.is_file() or b"TP1947" not in path.read_bytes(), path
    assert b"grocery list" in kept[0].read_bytes()  # the rest of the replaced store stays


def test_forgetting_a_memory_drops_the_models_saved_prompt_prefix_that_holds_it(cli, recall_home, svc):
    memory = svc.memories.add("core", "The user's bank PIN hint is the cat's birthday", pinned=True)
    kv = recall_home / "cache" / "kv"
    kv.mkdir(parents=True)
    (kv / "prefix-0123abcd.kv").write_bytes(b"RECALL-KV1\n tokens of the profile, the pinned memory among them")
    assert cli("forget", f"m{memory.id}", "--yes")[0] == 0
    assert not list(kv.glob("prefix-*.kv"))


def test_forget_refuses_ids_together_with_a_filter(cli):
    cli("add", "old note", "--time", "2020-01-01")
    cli("add", "another note", "--time", "2020-01-02")
    assert cli("forget", "1", "--source", "note", "--yes") == (
        2, "", "Error: give ids, or --source/--since/--before/--file, not both: together they would forget all "
               "that either names\n")
    assert json.loads(cli("stats", "--json")[1])["events"] == 2


def test_forget_by_source_and_before(cli):
    cli("add", "old note", "--time", "2020-01-01")
    cli("add", "chat line", "--source", "chat", "--time", "2023-01-01")
    cli("add", "new note", "--time", "2024-01-01")
    assert cli("forget", "--before", "2021-01-01", "--yes")[1] == "Deleted 1 event and 0 memories.\n"
    assert cli("forget", "--source", "chat", "--yes")[1] == "Deleted 1 event and 0 memories.\n"
    assert json.loads(cli("stats", "--json")[1])["events"] == 1
    assert cli("forget", "--before", "1990-01-01", "--yes")[1] == "Nothing matches; nothing deleted.\n"
    code, _, err = cli("forget", "--source", "nothing-here", "--yes")  # a typo, as in search
    assert code == 2 and err == "Error: no events come from source 'nothing-here'; sources here: note\n"
    assert cli("forget")[0] == 2


def test_forget_since_deletes_what_was_captured_from_that_time_on(cli):
    cli("add", "old note", "--time", "2020-01-01")
    cli("add", "pasted by mistake", "--time", "2024-03-05T10:00")
    cli("add", "also by mistake", "--time", "2024-03-05T10:20")
    cli("add", "next day", "--time", "2024-03-06T09:00")
    assert cli("forget", "--since", "2024-03-05T10:00", "--before", "2024-03-05T11:00", "--yes")[1] == \
        "Deleted 2 events and 0 memories.\n"
    assert cli("forget", "--since", "2024-03-06", "--yes")[1] == "Deleted 1 event and 0 memories.\n"
    assert json.loads(cli("stats", "--json")[1])["events"] == 1  # the old note
    code, _, err = cli("forget", "--since", "2024-03-06", "--before", "2024-03-05", "--yes")
    assert (code, err) == (2, "Error: --since must be earlier than --before: nothing lies between them\n")


def test_stats_counts_by_source(cli):
    cli("add", "a", "--time", "2023-01-01")
    cli("add", "b", "--source", "chat", "--time", "2023-01-02")
    data = json.loads(cli("stats", "--json")[1])
    assert data["events"] == 2 and data["by_source"] == {"note": 1, "chat": 1}


def test_stats_counts_the_size_the_write_ahead_log_holds_too(cli, recall_home):
    import sqlite3

    cli("add", "first note", "--time", "2023-01-01")
    other = sqlite3.connect(recall_home / "recall.db")  # as the daemon holds it: the log is not folded in
    other.execute("SELECT count(*) FROM events").fetchone()
    try:
        for i in range(200):
            cli("add", f"note {i} " + "words " * 40, "--time", "2023-01-01")
        wal = recall_home / "recall.db-wal"
        assert wal.stat().st_size > 100_000
        size = json.loads(cli("stats", "--json")[1])["db_bytes"]
        assert size == (recall_home / "recall.db").stat().st_size + wal.stat().st_size
    finally:
        other.close()


def test_stats_lines_up_counts_after_long_source_names(cli):
    cli("add", "a", "--time", "2023-01-01")
    cli("add", "b", "--source", "clipboard", "--time", "2023-01-02")
    lines = cli("stats")[1].splitlines()
    assert lines[2:4] == ["  note       1", "  clipboard  1"] or lines[2:4] == ["  clipboard  1", "  note       1"]


def test_forget_takes_the_episodes_it_empties_and_their_titles_with_it(cli, recall_home):
    cli("add", "secret plan alpha for the board", "--time", "2023-05-02T09:00")
    cli("add", "grocery list: eggs, milk", "--time", "2023-05-02T09:05")
    cli("add", "lonely note about the shed", "--time", "2023-07-02T09:00")
    assert cli("consolidate", "--dry-run", "--no-llm")[0] == 0  # groups the notes into episodes
    before = json.loads(cli("stats", "--json")[1])["episodes"]
    assert cli("forget", "1", "3", "--yes")[1] == "Deleted 2 events and 0 memories.\n"
    assert json.loads(cli("stats", "--json")[1])["episodes"] == before - 2  # a note is an episode of its own
    assert b"secret plan alpha" not in (recall_home / "recall.db").read_bytes()


def test_forget_takes_the_memories_made_from_the_event_but_not_the_users_own(cli, recall_home):
    chat = ("--source", "chat", "--speaker")
    cli("add", "secret plan alpha: buy the Hendricks building", "--time", "2023-05-02T09:00", *chat, "Ana")
    cli("add", "sounds risky, Ana", "--time", "2023-05-02T09:01", *chat, "Bo")
    cli("add", "the Carrow cottage needs a new roof", "--time", "2023-06-02T09:00", *chat, "Ana")
    cli("add", "ask Sam about roofers", "--time", "2023-06-02T09:01", *chat, "Bo")
    assert cli("consolidate", "--no-llm")[0] == 0
    assert len(json.loads(cli("memories", "--json")[1])) == 2  # one summary per conversation
    assert cli("edit", "m2", "--text", "Carrow cottage: new roof, Sam knows roofers")[0] == 0
    assert cli("pin", "m1")[0] == 0
    # the memories that go are named before they go, a pinned one as pinned
    code, _, err = cli("forget", "1", "3")
    assert code == 2 and "would delete 2 events and 1 memory (m1 pinned)" in err
    assert cli("forget", "1", "3", "--yes")[1] == "Deleted 2 events and 1 memory.\n"
    assert [m["text"] for m in json.loads(cli("memories", "--json")[1])] == [
        "Carrow cottage: new roof, Sam knows roofers"]
    assert b"Hendricks" not in (recall_home / "recall.db").read_bytes()


def test_backup_and_restore_say_what_they_did_as_json(cli, recall_home, tmp_path):
    cli("add", "Booked flights to Porto")
    target = tmp_path / "copy.db"
    written = json.loads(cli("backup", str(target), "--json")[1])
    assert written == {"backup": str(target), "bytes": target.stat().st_size} and written["bytes"] > 0
    restored = json.loads(cli("backup", str(target), "--restore", "--yes", "--json")[1])
    assert restored["restored"] == str(target) and restored["kept"].startswith(str(recall_home / "recall.db."))


def test_restore_asks_first_and_needs_yes_without_a_terminal(cli, recall_home, tmp_path):
    cli("add", "Booked flights to Porto", "--time", "2026-11-02T09:00")
    target = tmp_path / "copy.db"
    assert cli("backup", str(target))[0] == 0
    cli("add", "written after the backup", "--time", "2026-11-03T09:00")
    code, _, err = cli("backup", str(target), "--restore")
    assert code == 2 and "pass --yes" in err
    assert not list(recall_home.glob("recall.db.before-restore-*"))  # the live store was left alone
    assert "written after the backup" in cli("show", "2")[1]
    assert cli("backup", str(target), "--restore", "--yes")[0] == 0
    assert cli("show", "2")[0] == 3


def test_restore_is_refused_while_another_process_has_the_store_open(cli, recall_home, tmp_path):
    import subprocess
    import sys

    cli("add", "Booked flights to Porto", "--time", "2026-11-02T09:00")
    target = tmp_path / "copy.db"
    assert cli("backup", str(target))[0] == 0
    cli("add", "written after the backup", "--time", "2026-11-03T09:00")
    # another process (as recall mcp or watch would) opens the store and keeps it open
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom recall_cli.store.db import open_store\n"
         f"store = open_store({str(recall_home / 'recall.db')!r})\nprint('open', flush=True)\nsys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        assert cli("backup", str(target), "--restore", "--yes") == (
            2, "", "Error: another recall process has the store open (recall mcp, watch, tui, chat or serve): "
                   "stop it first, then restore\n")
        assert "written after the backup" in cli("show", "2")[1]  # nothing was replaced
    finally:
        holder.communicate("")
    assert cli("backup", str(target), "--restore", "--yes")[0] == 0  # once it is closed
    assert cli("show", "2")[0] == 3


def test_a_backup_restores_into_a_home_that_does_not_exist_yet(cli, recall_home, tmp_path, embedder):
    from recall_cli.cli import common

    cli("add", "Booked flights to Porto")
    target = tmp_path / "copy.db"
    assert cli("backup", str(target))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.db"]  # one file
    new_home = tmp_path / "new-machine" / "recall"
    common.set_service_factory(lambda: Recall(load_config(new_home), embedder=embedder))
    assert cli("backup", str(target), "--restore", "--yes") == (0, f"Restored {target}.\n", "")
    assert "Booked flights to Porto" in cli("show", "1")[1]
    assert stat.S_IMODE(new_home.stat().st_mode) == 0o700


def test_a_restore_keeps_forgotten_what_was_forgotten_after_the_backup(cli, recall_home, tmp_path):
    cli("add", "Booked flights to Porto", "--time", "2026-11-02T09:00")
    cli("add", "The staging db password was changed", "--time", "2026-11-02T10:00")
    target = tmp_path / "copy.db"
    assert cli("backup", str(target))[0] == 0
    assert cli("forget", "2", "--yes")[0] == 0
    recall_home.chmod(0o755)
    code, out, _ = cli("backup", str(target), "--restore", "--yes")
    assert code == 0 and "1 item you forgot since that backup stayed forgotten." in out
    assert stat.S_IMODE(recall_home.stat().st_mode) == 0o700
    assert cli("show", "2")[0] == 3 and "Booked flights to Porto" in cli("show", "1")[1]
    assert b"staging db password" not in (recall_home / "recall.db").read_bytes()


def test_a_backup_restores_over_a_damaged_store_as_the_damage_message_says(cli, recall_home, tmp_path):
    for i in range(60):
        cli("add", f"note {i} " + "about the garden " * 30, "--time", "2026-11-02T09:00")
    target = tmp_path / "copy.db"
    assert cli("backup", str(target))[0] == 0
    db = recall_home / "recall.db"
    with db.open("r+b") as fh:  # the schema's page overwritten: the store no longer opens
        fh.seek(100)
        fh.write(b"\xde\xad" * 1500)
    assert "database disk image is malformed" in cli("stats")[2]
    code, out, err = cli("backup", str(target), "--restore", "--yes")
    assert code == 0, err
    assert "The store it replaced was damaged" in out
    assert "note 5 about the garden" in cli("show", "6")[1]
    assert list(recall_home.glob("recall.db.before-restore-*"))  # the damaged one, kept aside


def test_an_export_and_a_backup_mixed_up_are_told_apart(cli, tmp_path):
    cli("add", "Booked flights to Porto")
    export, backup_file = tmp_path / "all.jsonl", tmp_path / "copy.db"
    assert cli("export", "-o", str(export))[0] == 0 and cli("backup", str(backup_file))[0] == 0
    assert cli("backup", str(export), "--restore", "--yes") == (
        4, "", f"Error: {export}: a recall export, not a backup: merge it with `recall import FILE`\n")
    assert cli("backup", str(tmp_path), "--restore", "--yes")[2] == (
        f"Error: {tmp_path}: a folder, not a backup file: name the file `recall backup FILE` wrote\n")
    assert cli("import", str(backup_file))[2] == (
        f"Error: {backup_file}: an SQLite database, not text; if it is a recall backup, restore it with "
        "`recall backup FILE --restore`\n")


def test_the_live_store_is_no_backup_to_restore(cli, recall_home):
    cli("add", "Booked flights to Porto")
    live = recall_home / "recall.db"
    assert cli("backup", str(live), "--restore", "--yes") == (
        2, "", f"Error: {live} is the live store itself, not a backup of it\n")
    assert not list(recall_home.glob("recall.db.before-restore-*"))


def test_forget_as_json_names_the_ids_it_deleted(cli):
    cli("add", "first note", "--time", "2026-11-01T09:00")
    cli("add", "second note", "--time", "2026-11-02T09:00")
    code, out, _err = cli("forget", "2", "--yes", "--json")
    assert code == 0
    assert json.loads(out) == {"events": 1, "memories": 0, "event_ids": [2], "memory_ids": []}


def test_a_search_that_must_first_embed_a_stopped_imports_backlog_says_so(cli):
    from recall_cli.cli.common import service
    from recall_cli.models import Event

    cli("add", "the boiler pressure should sit at 1.5 bar")  # (a fast add embeds later: one more)
    service().store.insert_events([Event(f"chat line {i} about the garden", 1_700_000_000 + i, source="chat")
                                   for i in range(1200)])  # stored, never embedded: the import was killed
    code, out, err = cli("search", "boiler pressure")
    assert code == 0 and "boiler pressure" in out
    assert err == ("recall: embedding 1,201 items stored without a vector first (an import that was stopped?); "
                   "this happens once\n")
    assert cli("search", "garden")[2] == ""  # once


def test_a_search_while_an_import_runs_leaves_its_backlog_to_the_import(cli, recall_home):
    import subprocess
    import sys

    from recall_cli.cli.common import service
    from recall_cli.models import Event

    service().store.insert_events([Event(f"chat line {i} about the garden shed", 1_700_000_000 + i, source="chat")
                                   for i in range(1200)])  # stored by an import, not yet embedded by it
    holder = subprocess.Popen([sys.executable, "-c", "import sys\nfrom recall_cli.home import importing\n"
                               "with importing(sys.argv[1]):\n    print('held', flush=True)\n    sys.stdin.read()",
                               str(recall_home)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        code, out, err = cli("search", "garden shed")
        # found by their words at once; the import embeds them, not this search
        assert code == 0 and "garden shed" in out
        assert err == "recall: 1,200 items an import is storing are found by their words until it embeds them\n"
        assert service().store.vector_fingerprint(service().embedder.model_id)[0] == 0
    finally:
        holder.communicate("")
    # the import done (its lock let go), the next search embeds what is left, as after a stopped import
    code, out, err = cli("search", "garden shed")
    assert code == 0 and "embedding 1,200 items" in err

"""Counts in CLI messages agree with their nouns."""

from __future__ import annotations

import stat
from pathlib import Path


def test_export_and_stats_say_one_thing_in_the_singular(cli, tmp_path):
    assert cli("add", "my wifi password is hunter2hunter2")[0] == 0
    out_file = tmp_path / "out.jsonl"
    code, _out, err = cli("export", "-o", str(out_file))
    assert code == 0 and err == f"Exported 1 event, 0 memory changes and 0 forgotten items to {out_file}.\n"
    code, out, _err = cli("stats")
    assert code == 0 and "Redacted: 1 event had secrets replaced before it was stored\n" in out


def test_importing_an_export_says_how_many_events_it_kept_out_because_they_were_deleted(cli, tmp_path):
    for n in range(4):
        cli("add", f"note number {n}", "--time", f"2026-11-0{n + 1}T09:00")
    out_file = tmp_path / "out.jsonl"
    cli("export", "-o", str(out_file))
    assert cli("forget", "1", "--yes")[0] == 0
    code, out, _err = cli("import", str(out_file))
    assert code == 0 and out == (f"Imported 0 events and 0 memory changes from {out_file} (recall); 3 events already "
                                 "known, 1 event you deleted before kept out.\n")


def test_an_export_or_backup_into_a_folder_that_does_not_exist_makes_it_private(cli, tmp_path):
    cli("add", "a note")
    for command in (("export", "-o", str(tmp_path / "new" / "x.jsonl")), ("backup", str(tmp_path / "new" / "x.db"))):
        assert cli(*command)[0] == 0
        assert Path(command[-1]).is_file()
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    (tmp_path / "file").write_text("not a folder")
    for command in (("export", "-o", str(tmp_path / "file" / "x.jsonl")), ("backup", str(tmp_path / "file" / "x.db"))):
        assert cli(*command) == (2, "", f"Error: not a folder: {tmp_path / 'file'}\n")


def test_a_damaged_store_names_the_way_back_from_a_backup(cli, recall_home, tmp_path):
    cli("add", "a note")
    with (recall_home / "recall.db").open("r+b") as fh:
        fh.seek(4096)
        fh.write(b"\x00garbage" * 200)
    for name in ("recall.db-wal", "recall.db-shm"):
        (recall_home / name).unlink(missing_ok=True)
    code, _, err = cli("search", "note")
    assert code == 1 and err.endswith("(it is damaged: `recall backup FILE --restore` puts a backup in its place)\n")


def test_an_export_counts_a_long_text_once_as_stats_and_import_do(cli, tmp_path):
    assert cli("config", "set", "events.max_chars", "1000")[0] == 0
    assert "linked parts" in cli("add", " ".join(["garden shed roof"] * 200))[1]  # 3,399 characters
    assert '"events": 1' in cli("stats", "--json")[1]
    out_file = tmp_path / "out.jsonl"
    code, _, err = cli("export", "-o", str(out_file))
    assert code == 0 and err == f"Exported 1 event, 0 memory changes and 0 forgotten items to {out_file}.\n"
    code, _, err = cli("export", "--format", "markdown", "-o", str(tmp_path / "md"))
    assert code == 0 and err.startswith("Wrote 1 event in 1 day file")

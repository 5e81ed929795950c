"""The file watcher against the store: what the user forgot stays out, and what the store
lost (a restore) comes back, whatever the watcher's own state says."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

NOTE = "# House\n\nThe garage code is 4711 and the spare key is under the blue pot.\n\nBuy milk.\n"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    path = tmp_path / "notes"
    path.mkdir()
    (path / "house.md").write_text(NOTE)
    return path


def _stored(cli, query: str) -> list[dict]:
    return [h for h in json.loads(cli("search", query, "--json")[1])["results"] if h["type"] == "event"]


def _garage(cli) -> list[dict]:
    return [h for h in _stored(cli, "garage code spare key") if "blue pot" in h["text"]]


def test_a_forgotten_paragraph_stays_out_when_its_note_is_copied_or_the_watch_state_is_lost(cli, notes,
                                                                                             recall_home):
    assert cli("watch", str(notes), "--once")[0] == 0
    (hit,) = _garage(cli)
    assert cli("forget", str(hit["id"]), "--yes")[0] == 0

    shutil.copy(notes / "house.md", notes / "copy.md")  # another name: another path and time
    code, out, err = cli("watch", str(notes), "--once")
    assert code == 0, err
    assert _garage(cli) == []
    shutil.rmtree(recall_home / "watch")  # the watcher forgets what it has seen
    later = time.time() + 120
    os.utime(notes / "house.md", (later, later))  # saved again: an undated note's time moves
    assert cli("watch", str(notes), "--once")[0] == 0
    assert _garage(cli) == []
    code, out, _ = cli("import", str(notes))
    assert code == 0 and "you deleted before kept out" in out
    assert _garage(cli) == []
    assert [h["text"] for h in _stored(cli, "milk")].count("Buy milk.") >= 1  # the rest of the note is kept


def test_a_restore_gets_back_the_watched_text_written_after_the_backup(cli, notes, tmp_path):
    assert cli("watch", str(notes), "--once")[0] == 0
    backup = tmp_path / "b.db"
    assert cli("backup", str(backup))[0] == 0
    with (notes / "house.md").open("a") as fh:
        fh.write("\nThe plumber comes on Thursday at 8.\n")
    assert "1 new paragraph" in cli("watch", str(notes), "--once")[1]
    assert cli("backup", str(backup), "--restore", "--yes")[0] == 0
    assert not [h for h in _stored(cli, "plumber Thursday") if "plumber" in h["text"]]  # the backup lacks it

    code, out, err = cli("watch", str(notes), "--once")
    assert code == 0, err
    assert "1 new paragraph" in out and "ingested 1 event" in out
    assert [h["text"] for h in _stored(cli, "plumber Thursday") if "plumber" in h["text"]] == [
        "The plumber comes on Thursday at 8."]
    code, out, _ = cli("watch", str(notes), "--once")  # what the store holds is not read again
    assert "0 new paragraphs" in out


def test_paragraphs_waiting_in_the_spool_or_kept_out_by_an_import_are_not_read_again(cli, tmp_path):
    notes = tmp_path / "garden"
    notes.mkdir()
    (notes / "garden.md").write_text("# Garden\n\nGarlic goes in late November.\n")
    assert cli("import", str(notes))[0] == 0
    code, out, _ = cli("watch", str(notes), "--once")  # what the import stored is no news to the watcher
    assert "0 new paragraphs" in out and "ingested 0 events" in out
    assert "0 new paragraphs" in cli("watch", str(notes), "--once")[1]
    (notes / "garden.md").write_text("# Garden\n\nGarlic goes in late November.\n\nTulips in December.\n")
    assert "1 new paragraph" in cli("watch", str(notes), "--once", "--no-ingest")[1]
    later = time.time() + 120
    os.utime(notes / "garden.md", (later, later))
    code, out, _ = cli("watch", str(notes), "--once")  # the spooled paragraph counts as seen
    assert "0 new paragraphs" in out and "ingested 1 event" in out


def test_an_edit_made_between_an_import_and_the_first_watch_is_an_edit(cli, tmp_path):
    notes = tmp_path / "journal"
    notes.mkdir()
    (notes / "j.md").write_text("# Journal\n\n## 2 December\n\nFinished the first draft of the Lumen contract.\n\n"
                                "## 4 December\n\nDelivered the Lumen contract at 3pm.\n")
    assert cli("import", str(notes))[0] == 0
    (notes / "j.md").write_text("# Journal\n\n## 4 December\n\nDelivered the Lumen contract at 5pm.\n")
    code, out, _ = cli("watch", str(notes), "--once")
    assert "1 new paragraph, 0 deleted files, 1 edited file" in out
    hits = _stored(cli, "Lumen contract")
    assert hits[0]["text"] == "Delivered the Lumen contract at 5pm." and "edited_out" not in hits[0]["meta"]
    assert all(h["meta"].get("edited_out") for h in hits[1:] if "3pm" in h["text"] or "draft" in h["text"])

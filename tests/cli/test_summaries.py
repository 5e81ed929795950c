"""Summaries count in words that agree with their numbers: "1 event", never "1 events"."""

from __future__ import annotations


def test_importing_one_event_from_a_folder_says_one_event(cli, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("# 2026-11-02\n\nBought a film camera.\n", encoding="utf-8")
    code, out, _ = cli("import", str(folder))
    assert code == 0
    assert out.splitlines()[-1] == "Imported 1 event from 1 of 1 file; 0 already known."


def test_forgetting_one_event_and_one_memory_says_so_in_the_singular(cli):
    cli("add", "The spare key is under the blue pot", "--time", "2023-05-02T09:00")
    assert cli("forget", "1", "--yes")[1] == "Deleted 1 event and 0 memories.\n"


def test_rebuilding_an_index_of_one_vector_says_one_vector(cli):
    cli("add", "The spare key is under the blue pot", "--time", "2023-05-02T09:00")
    out = cli("index", "rebuild")[1]
    assert out.startswith("Rebuilt the index with 1 vector: ")

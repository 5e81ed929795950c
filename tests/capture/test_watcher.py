"""The file watcher: paragraphs, scans, a real watchdog observer (waited on through its
flush callback, never by sleeping), bad files, and `recall watch`."""

from __future__ import annotations

import json
import os
import queue
import shutil
import time
from pathlib import Path

import pytest

from recall_cli.capture import follow
from recall_cli.capture import watch as watch_module
from recall_cli.capture.watch import FileWatcher, WatchBusyError
from recall_cli.errors import InputError
from recall_cli.importers.markdown import paragraph_hash
from recall_cli.llm.ask import ask
from recall_cli.timeutil import short
from tests.capture.helpers import spool_records
from tests.fakes import ScriptedLLM

NOTE = "# Trip\n\nBook the ferry to Naxos.\nTake the early one.\n\nPack sunscreen.\n"


class Collect:
    """A sink that keeps records, and a flush callback that queues reports."""

    def __init__(self) -> None:
        self.records: list[dict] = []
        self.reports: queue.Queue = queue.Queue()

    def sink(self, records: list[dict]) -> None:
        self.records.extend(records)

    def wait(self, predicate, timeout: float = 20.0) -> None:
        """Wait for flushes until predicate(records) holds."""
        while not predicate(self.records):
            try:
                self.reports.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no flush within {timeout}s; have {self.texts()}") from None

    def texts(self, kind: str | None = None) -> list[str]:
        return [r["text"] for r in self.records if kind is None or r["kind"] == kind]


def make(tmp_path: Path, home: Path, collect: Collect | None = None, **kw) -> FileWatcher:
    collect = collect or Collect()
    kw.setdefault("debounce_ms", 50)
    return FileWatcher([tmp_path / "notes"], home=home, sink=collect.sink, on_flush=collect.reports.put, **kw)


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    path = tmp_path / "notes"
    path.mkdir()
    return path


def test_notes_are_cut_as_import_cuts_them_headings_and_front_matter_are_not_paragraphs(notes, tmp_path,
                                                                                     recall_home):
    (notes / "trip.md").write_text("---\ntitle: Trip\n---\n" + NOTE)
    (notes / ".obsidian").mkdir()
    (notes / ".obsidian" / "workspace.md").write_text("app state, not a note\n")
    collect = Collect()
    make(tmp_path, recall_home, collect).scan_once()
    assert [(r["text"], r["meta"]["line_start"], r["meta"].get("heading")) for r in collect.records] == [
        ("Book the ferry to Naxos.\nTake the early one.", 6, "Trip"), ("Pack sunscreen.", 9, "Trip")]


def test_first_scan_then_only_new_or_changed_paragraphs(notes, tmp_path, recall_home):
    (notes / "trip.md").write_text(NOTE)
    collect = Collect()
    watcher = make(tmp_path, recall_home, collect)
    report = watcher.scan_once()
    assert report.paragraphs == 2 and report.records == 2  # the heading is not a paragraph
    first = collect.records[0]
    assert (first["source"], first["kind"], first["text"]) == ("file", "paragraph",
                                                               "Book the ferry to Naxos.\nTake the early one.")
    assert first["meta"] == {"path": str(notes / "trip.md"), "line_start": 3, "line_end": 4, "heading": "Trip",
                             "paragraph": paragraph_hash(first["text"])}
    assert first["ts_start"] == pytest.approx((notes / "trip.md").stat().st_mtime)
    assert watcher.scan_once().records == 0  # nothing changed

    (notes / "trip.md").write_text(NOTE.replace("early one", "9:00 one") + "\nBuy a hat.\n")
    report = watcher.scan_once()
    assert collect.texts("paragraph")[2:] == ["Book the ferry to Naxos.\nTake the 9:00 one.", "Buy a hat."]
    assert collect.records[-2]["meta"]["line_start"] == 8
    # the edit itself is recorded, naming the paragraph the file no longer holds
    assert report.edited == 1
    assert collect.texts("edited") == [f"Edited {notes / 'trip.md'}: 1 paragraph changed or removed"]
    assert collect.records[-1]["meta"]["gone"] == [first["meta"]["paragraph"]]
    # a paragraph moved to another place in the file is not new
    (notes / "trip.md").write_text("Buy a hat.\n\n" + NOTE.replace("early one", "9:00 one"))
    assert watcher.scan_once().records == 0


def test_deleted_files_are_recorded_once(notes, tmp_path, recall_home):
    (notes / "a.md").write_text("alpha\n")
    collect = Collect()
    watcher = make(tmp_path, recall_home, collect)
    watcher.scan_once()
    (notes / "a.md").unlink()
    report = watcher.scan_once()
    assert report.deleted == 1
    deleted = collect.records[-1]
    assert deleted["kind"] == "deleted" and deleted["meta"] == {"path": str(notes / "a.md"), "paragraphs": 1}
    assert watcher.scan_once().records == 0


def test_ignored_dirs_binary_oversize_other_globs_and_editor_files_are_skipped(notes, tmp_path, recall_home):
    for sub in (".git", "node_modules", "deep/node_modules", "deep/ok"):
        (notes / sub).mkdir(parents=True)
    (notes / ".git" / "COMMIT_EDITMSG.txt").write_text("secret commit message\n")
    (notes / "node_modules" / "readme.md").write_text("package readme\n")
    (notes / "deep" / "node_modules" / "x.md").write_text("nested package\n")
    (notes / "deep" / "ok" / "kept.org").write_text("kept org text.\n")
    (notes / "photo.txt").write_bytes(b"\x89PNG\x00\x00binary")
    (notes / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (notes / "huge.md").write_text("x" * 2000 + "\n")
    (notes / "script.py").write_text("print('hi')\n")
    (notes / ".#lock.md").write_text("emacs lock\n")
    (notes / "notes.md~").write_text("backup\n")
    (notes / "plain.rst").write_text("Title\n=====\n\nSome text.\n")
    collect = Collect()
    watcher = make(tmp_path, recall_home, collect, max_file_bytes=1000)
    report = watcher.scan_once()
    assert sorted(collect.texts()) == ["Some text.", "kept org text."]
    assert (report.skipped_binary, report.skipped_large) == (2, 1)
    # each skipped file is named with why, so a Latin-1 note is not lost without a word
    assert sorted(e.split(": ", 1)[1].split(";")[0] for e in report.errors) == [
        "skipped, 2,001 bytes is over watch.max_file_bytes (1,000)", "skipped, binary (not text)",
        "skipped, not UTF-8 text (byte 3)"]
    assert any(e.startswith(str(notes / "latin1.txt")) and "iconv" in e for e in report.errors)
    again = watcher.scan_once()  # skipped files are remembered until they change
    assert (again.skipped_binary, again.skipped_large, again.records) == (0, 0, 0)
    (notes / "photo.txt").unlink()
    assert watcher.scan_once().deleted == 0  # we never had its text, so no deletion event


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_note_with_its_byte_order_mark_is_read_as_notepad_saved_it(notes, tmp_path, recall_home, codec):
    (notes / "trip.txt").write_bytes(("\ufeff" + NOTE.replace("\n", "\r\n")).encode(codec))
    collect = Collect()
    report = make(tmp_path, recall_home, collect).scan_once()
    assert (report.skipped_binary, report.errors) == (0, [])
    assert collect.texts() == ["Book the ferry to Naxos.\nTake the early one.", "Pack sunscreen."]


def test_a_link_out_of_the_watched_folder_is_not_read_nor_one_within_it_read_twice(notes, tmp_path, recall_home):
    private = tmp_path / "private"
    private.mkdir()
    (private / "ssh-config.txt").write_text("Host prod\n  HostName 10.0.0.9\n")
    (notes / "sub").mkdir()
    (notes / "sub" / "kept.md").write_text("Kept note.\n")
    (notes / "ssh.txt").symlink_to(private / "ssh-config.txt")
    (notes / "alias.md").symlink_to(notes / "sub" / "kept.md")
    collect = Collect()
    report = make(tmp_path, recall_home, collect).scan_once()
    assert collect.texts() == ["Kept note."]  # (the link inside is a second name for it: read once)
    assert report.errors == [f"{notes / 'ssh.txt'}: skipped, a link to {private / 'ssh-config.txt'}, "
                             "outside the watched folders"]
    assert report.skipped_other == 1  # every file a warning names is counted as skipped
    (notes / "alias.md").unlink()  # the link's going is no deletion of a note
    assert make(tmp_path, recall_home, collect).scan_once().records == 0 and collect.texts() == ["Kept note."]


def test_a_watched_folder_under_a_link_is_read_as_usual(tmp_path, recall_home):
    (tmp_path / "real-notes").mkdir()
    (tmp_path / "real-notes" / "a.md").write_text("Planted basil next to the roses.\n")
    (tmp_path / "notes").symlink_to(tmp_path / "real-notes")
    collect = Collect()
    make(tmp_path, recall_home, collect).scan_once()
    assert collect.texts() == ["Planted basil next to the roses."]


def test_recalls_own_markdown_export_in_a_watched_folder_is_not_read_again(cli, notes, tmp_path, recall_home):
    cli("add", "Top note about herons.", "--time", "2026-11-20T10:00")
    assert cli("export", "--format", "markdown", "-o", str(notes / "recall-export"))[0] == 0
    (notes / "mine.md").write_text("My own note about egrets.\n")
    collect = Collect()
    report = make(tmp_path, recall_home, collect).scan_once()
    assert collect.texts() == ["My own note about egrets."]
    assert report.skipped_other == 1 and "a recall Markdown export" in report.errors[0]


def test_a_folder_inside_another_watched_one_is_scanned_once(notes, tmp_path, recall_home):
    (notes / "sub").mkdir()
    (notes / "a.md").write_text("one\n")
    (notes / "sub" / "b.md").write_text("two\n")
    collect = Collect()
    watcher = FileWatcher([notes, notes / "sub"], home=recall_home, sink=collect.sink)
    report = watcher.scan_once()
    assert report.files_seen == 2 and sorted(collect.texts()) == ["one", "two"]


def test_secrets_in_notes_are_redacted(notes, tmp_path, recall_home):
    (notes / "ops.md").write_text("The staging db is postgres://app:FakePw42@db/app\n")
    collect = Collect()
    make(tmp_path, recall_home, collect).scan_once()
    assert collect.texts() == ["The staging db is postgres://app:[REDACTED:url-credentials]@db/app"]
    assert collect.records[0]["meta"]["redacted"] == ["url-credentials"]


def test_a_missing_directory_is_a_clear_error(tmp_path, recall_home):
    with pytest.raises(InputError, match="cannot watch .*/nope: no such directory"):
        FileWatcher([tmp_path / "nope"], home=recall_home)
    (tmp_path / "file.md").write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        FileWatcher([tmp_path / "file.md"], home=recall_home)


def test_a_file_that_changes_while_read_is_read_again(notes, tmp_path, recall_home, monkeypatch):
    path = notes / "live.md"
    path.write_text("first.\n")  # (a sentence: a short first line over the rest would be its title)
    real_open = open
    grown = []

    def open_and_grow(file, *args, **kwargs):
        handle = real_open(file, *args, **kwargs)
        if os.fspath(file) == str(path) and not grown:
            grown.append(True)
            with real_open(path, "a") as fh:  # another program appends while we read
                fh.write("\nsecond\n")
        return handle

    monkeypatch.setattr(watch_module, "open", open_and_grow, raising=False)
    collect = Collect()
    report = make(tmp_path, recall_home, collect).scan_once()
    assert report.retried >= 1
    assert collect.texts() == ["first.", "second"]


def test_a_file_deleted_under_us_is_a_quiet_deletion(notes, tmp_path, recall_home, monkeypatch):
    (notes / "gone.md").write_text("soon gone\n")
    (notes / "new.md").write_text("never read\n")
    collect = Collect()
    watcher = make(tmp_path, recall_home, collect)
    (notes / "new.md").unlink()
    watcher.scan_once()
    (notes / "gone.md").write_text("soon gone\n\nedited\n")
    real_open = open

    def vanish(file, *args, **kwargs):
        if os.fspath(file).endswith("gone.md"):
            raise FileNotFoundError(file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(watch_module, "open", vanish, raising=False)
    report = watcher.scan_once()
    assert report.errors == [] and report.deleted == 1
    assert collect.texts(kind="deleted") == [f"Deleted {notes / 'gone.md'}"]


def test_a_failing_sink_keeps_the_state_so_nothing_is_lost(notes, tmp_path, recall_home):
    (notes / "a.md").write_text("keep me\n")

    def broken(records):
        raise OSError("disk full")

    watcher = FileWatcher([notes], home=recall_home, sink=broken)
    with pytest.raises(OSError):
        watcher.scan_once()
    collect = Collect()
    assert make(tmp_path, recall_home, collect).scan_once().records == 1
    assert collect.texts() == ["keep me"]


def test_one_watcher_per_home(notes, tmp_path, recall_home):
    first = make(tmp_path, recall_home)
    first.start()
    try:
        with pytest.raises(WatchBusyError):
            make(tmp_path, recall_home).scan_once()
    finally:
        first.stop()
    make(tmp_path, recall_home).scan_once()  # free again


def test_a_real_observer_sees_create_modify_move_and_delete(notes, tmp_path, recall_home):
    (notes / "before.md").write_text("was here before watching\n")
    collect = Collect()
    watcher = make(tmp_path, recall_home, collect)
    initial = watcher.start()
    try:
        assert initial.paragraphs == 1  # the initial scan
        path = notes / "todo.md"
        path.write_text("call the plumber\n")
        collect.wait(lambda r: "call the plumber" in [x["text"] for x in r])

        with open(path, "a") as fh:
            fh.write("\nrenew passport\n")
        collect.wait(lambda r: "renew passport" in [x["text"] for x in r])

        (notes / "sub").mkdir()
        (notes / "sub" / "deep.txt").write_text("inside a new directory\n")
        collect.wait(lambda r: "inside a new directory" in [x["text"] for x in r])

        path.rename(notes / "done.md")  # a rename is not new text and not a deletion: it is a move
        (notes / "marker.md").write_text("after the rename\n")
        collect.wait(lambda r: "after the rename" in [x["text"] for x in r])

        (notes / "done.md").unlink()
        collect.wait(lambda r: any(x["kind"] == "deleted" for x in r))
    finally:
        watcher.stop()
    assert collect.texts(kind="paragraph") == ["was here before watching", "call the plumber",
                                               "renew passport", "inside a new directory", "after the rename"]
    assert collect.texts(kind="deleted") == [f"Deleted {notes / 'done.md'}"]
    assert collect.texts(kind="moved") == [f"Renamed {path} to {notes / 'done.md'}"]
    assert watcher.state_path.exists()
    # a new watcher on the same home knows all of it: nothing new on its first scan
    assert make(tmp_path, recall_home).scan_once().records == 0


def test_a_live_rename_of_a_folder_holding_a_link_up_reads_nothing_through_the_link(notes, tmp_path, recall_home):
    (notes / "q.md").write_text("Note about quokkas.\n")
    (notes / "a").mkdir()
    (notes / "a" / "w.md").write_text("Note about wombats.\n")
    (notes / "a" / "up").symlink_to("..")  # an "up" link some note apps make
    collect = Collect()
    watcher = make(tmp_path, recall_home, collect)
    watcher.start()
    try:
        (notes / "a").rename(notes / "b")
        collect.wait(lambda r: any(x["kind"] == "moved" for x in r))
        (notes / "marker.md").write_text("after the rename\n")
        collect.wait(lambda r: "after the rename" in [x["text"] for x in r])
    finally:
        watcher.stop()
    assert sorted(collect.texts(kind="paragraph")) == ["Note about quokkas.", "Note about wombats.", "after the rename"]
    assert not any("/up/" in path for path in watcher.state)


@pytest.mark.parametrize("replace", ["moved away", "deleted"])
def test_a_watched_folder_replaced_while_watched_is_watched_again(notes, tmp_path, recall_home, monkeypatch,
                                                                  replace):
    # a notes repo cloned again, a folder restored from a backup: its files are followed again
    monkeypatch.setattr(follow, "ROOT_CHECK", 0.1)
    (notes / "l.md").write_text("Note about lynxes.\n")
    collect, errors = Collect(), []

    def flushed(report) -> None:
        errors.extend(report.errors)
        collect.reports.put(report)

    watcher = FileWatcher([notes], home=recall_home, sink=collect.sink, on_flush=flushed, debounce_ms=50)
    watcher.start()
    try:
        if replace == "moved away":
            notes.rename(tmp_path / "notes.old")
        else:
            shutil.rmtree(notes)
        collect.wait(lambda r: any("no longer there; watching it again when it is back" in e for e in errors))
        notes.mkdir()
        (notes / "o.md").write_text("Note about ocelots.\n")
        collect.wait(lambda r: "Note about ocelots." in [x["text"] for x in r])
        (notes / "p.md").write_text("Note about pumas.\n")
        collect.wait(lambda r: "Note about pumas." in [x["text"] for x in r])
    finally:
        watcher.stop()
    assert collect.texts(kind="deleted") == [f"Deleted {notes / 'l.md'}"]


def test_watch_once_writes_the_spool_and_ingests(cli, notes, recall_home):
    (notes / "a.md").write_text("one.\n\ntwo\n")
    code, out, err = cli("watch", str(notes), "--once")
    assert code == 0, err
    assert out == "Scanned 1 file in 1 directory: 2 new paragraphs, 0 deleted files; ingested 2 events.\n"
    code, out, _ = cli("search", "two", "--source", "file", "--json")
    hit = json.loads(out)["results"][0]
    assert hit["text"] == "two" and hit["kind"] == "paragraph"
    assert hit["meta"]["path"] == str(notes / "a.md") and hit["meta"]["line_start"] == 3
    (notes / "a.md").unlink()
    code, out, _ = cli("watch", str(notes), "--once", "--no-ingest", "--json")
    data = json.loads(out)
    assert data["scan"]["deleted"] == 1 and data["ingest"] is None
    assert data["scan"]["files_seen"] == 0  # the deleted file is a deletion, not a file scanned
    assert [r["kind"] for r in spool_records(recall_home)] == ["deleted"]


def test_watch_add_list_remove_and_configured_dirs(cli, notes, tmp_path, recall_home):
    assert cli("watch", "--list") == (0, "No directories configured; add one with `recall watch --add DIR`.\n", "")
    code, _out, err = cli("watch", "--once")
    assert code == 2 and "no directories to watch" in err
    other = tmp_path / "wiki"
    other.mkdir()
    code, out, _ = cli("watch", "--add", str(notes), str(other))
    assert code == 0 and out.endswith("configured: 2 directories.\n")
    # adding twice keeps one entry, and says so
    assert cli("watch", "--add", str(notes)) == (0, f"{notes} was watched already; configured: 2 directories.\n", "")
    assert cli("watch", "--list")[1] == f"{notes}\n{other}\n"
    (notes / "n.md").write_text("from the configured dir\n")
    (other / "w.md").write_text("from the wiki\n")
    code, out, _ = cli("watch", "--once")
    assert code == 0 and "in 2 directories: 2 new paragraphs" in out
    code, out, _ = cli("watch", "--remove", str(other))
    assert code == 0 and cli("watch", "--list")[1] == f"{notes}\n"
    assert cli("watch", "--remove", str(other))[0] == 2
    assert cli("watch", "--add", "--list")[0] == 2


def test_a_configuration_flag_with_once_or_no_ingest_is_a_usage_error(cli, notes):
    assert cli("watch", "--list", "--once") == (2, "", "Error: --list and --once exclude each other\n")
    assert cli("watch", "--add", str(notes), "--no-ingest") == (
        2, "", "Error: --add and --no-ingest exclude each other\n")
    assert cli("watch", "--list")[1].startswith("No directories configured")  # nothing was added


def test_watch_of_a_missing_directory_is_one_line_and_exits_as_import_and_watch_add_do(cli, tmp_path):
    code, out, err = cli("watch", str(tmp_path / "missing"), "--once")
    assert (code, out) == (4, "") and cli("import", str(tmp_path / "missing"))[0] == 4
    assert err == f"Error: cannot watch {tmp_path / 'missing'}: no such directory\n"
    code, _, err = cli("watch", "--add", str(tmp_path / "missing"))
    assert code == 4 and err.count("\n") == 1 and "no such directory" in err


def watched_then_edited(cli, path: Path, before: str, after: str) -> str:
    """Write ``before``, scan, write ``after`` (a minute later by its time), scan: the second
    scan's output."""
    path.write_text(before)
    assert cli("watch", str(path.parent), "--once")[0] == 0
    path.write_text(after)
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 60))
    code, out, err = cli("watch", str(path.parent), "--once")
    assert code == 0, err
    return out


def test_an_edited_note_answers_with_its_new_text_and_search_marks_the_old_one(cli, notes, svc):
    note = "# Plans\n\nThe dentist appointment is on {} at 9am.\n\nThe team offsite is in Lisbon.\n"
    out = watched_then_edited(cli, notes / "plans.md", note.format("3 May"), note.format("10 May"))
    assert "1 new paragraph, 0 deleted files, 1 edited file" in out

    answer = ask(svc, "when is the dentist appointment?", llm=ScriptedLLM([]))
    assert "10 May" in answer.text and "3 May" not in answer.text
    code, out, _ = cli("search", "dentist appointment", "--json")
    hits = [h for h in json.loads(out)["results"] if h["kind"] == "paragraph"]
    assert [h["text"] for h in hits[:2]] == ["The dentist appointment is on 10 May at 9am.",
                                             "The dentist appointment is on 3 May at 9am."]
    assert "edited_out" not in hits[0]["meta"] and hits[1]["meta"]["edited_out"]
    assert hits[0]["score"] >= hits[1]["score"]
    code, out, _ = cli("search", "dentist appointment")
    assert f"(edited out {short(hits[1]['meta']['edited_out_at'])[:10]}) The dentist appointment is on 3 May" in out
    # a paragraph the edit left alone is still current
    code, out, _ = cli("search", "team offsite", "--json")
    assert "edited_out" not in json.loads(out)["results"][0]["meta"]


def test_under_a_dated_heading_the_new_text_still_goes_before_the_edited_out_one(cli, notes):
    # both paragraphs take the heading's day: their times are equal, the scans that stored them are not
    note = ("# Plans\n\n## 2026-12-01\n\nMeeting with the architect on Monday at 10.\n\n"
            "Budget for the kitchen is {} euros.\n")
    watched_then_edited(cli, notes / "plans.md", note.format("8000"), note.format("9500"))
    texts = [h["text"] for h in json.loads(cli("search", "kitchen budget", "--json")[1])["results"]]
    assert texts[:2] == ["Budget for the kitchen is 9500 euros.", "Budget for the kitchen is 8000 euros."]


def test_a_paragraph_deleted_with_nothing_in_its_place_is_still_the_first_match_for_its_words(cli, notes):
    before = ("Rome: we booked Hotel Sole near Termini.\n\nRome: remember to bring the yellow umbrella.\n\n"
              "Rome: the museum tickets are for 10am.\n")
    watched_then_edited(cli, notes / "rome.md", before,
                        before.replace("Rome: remember to bring the yellow umbrella.\n\n", ""))
    hits = json.loads(cli("search", "Rome yellow umbrella", "--json")[1])["results"]
    # the file's other paragraphs did not replace it: they do not go before it
    assert "Rome: the museum tickets are for 10am." in [h["text"] for h in hits]
    assert hits[0]["text"] == "Rome: remember to bring the yellow umbrella."
    assert hits[0]["meta"]["edited_out"]


def test_a_files_edit_record_follows_the_files_own_paragraphs_in_search(cli, notes, svc):
    note = "Plant the {} garlic before the frost.\n\nSow broad beans in November.\n"
    watched_then_edited(cli, notes / "garden.md", note.format("white"), note.format("purple"))
    code, out, _ = cli("search", "garden", "--json")
    kinds = [h["kind"] for h in json.loads(out)["results"]]
    # the record names the file ("Edited .../garden.md: 1 paragraph changed"); the paragraphs are the garden
    assert kinds.index("edited") > max(i for i, k in enumerate(kinds) if k == "paragraph"), kinds


def test_an_edited_out_paragraph_follows_its_files_current_text_not_everything(cli, notes, svc):
    dinner = notes / "dinner.md"
    watched_then_edited(cli, dinner, "Dinner with Priya at Taberna Sal on 16 April.\n",
                        "Dinner with Priya at Cervejaria Ramiro on 16 April.\n")
    for text in ("Ana lives in Porto.", "Tom lives in Madrid.", "Tapas night at Bar Sol on Saturday."):
        assert cli("add", text)[0] == 0
    # the only match for its own words: right after what replaced it, not after everything (one
    # of the other notes may rank above both: the fake embedder's likeness, not the edit's order)
    hits = json.loads(cli("search", "Taberna Sal", "--json")[1])["results"]
    texts = [h["text"] for h in hits]
    old = texts.index("Dinner with Priya at Taberna Sal on 16 April.")
    assert old <= 2 and texts[old - 1: old] in ([], ["Dinner with Priya at Cervejaria Ramiro on 16 April."])
    assert hits[old]["meta"]["edited_out"]
    # the record of the edit is no neighbour of the paragraphs (it has no session)
    edit = svc.store.get_event(hits[old]["meta"]["edited_out"])
    assert edit is not None and edit.kind == "edited" and edit.session is None
    texts = [h["text"] for h in json.loads(cli("search", "dinner with Priya", "--json")[1])["results"]]
    now, before = texts.index(dinner.read_text().strip()), texts.index("Dinner with Priya at Taberna Sal on 16 April.")
    assert now < before  # the current text first, the old version after it
    assert all(texts.index(t) > before for t in ("Ana lives in Porto.", "Tom lives in Madrid.") if t in texts)


def test_a_renamed_files_paragraphs_are_shown_at_their_new_path(cli, notes):
    (notes / "work.md").write_text("My team lead is Joana.\n\nStand-up is at 9:30.\n")
    assert cli("watch", str(notes), "--once")[0] == 0
    [before] = json.loads(cli("search", "team lead", "--json")[1])["results"][:1]
    (notes / "work.md").rename(notes / "office.md")
    code, out, _ = cli("watch", str(notes), "--once")
    assert code == 0 and "0 new paragraphs, 0 deleted files, 1 renamed file" in out
    hit = json.loads(cli("search", "team lead", "--json")[1])["results"][0]
    # the same event, stored once, now at the new path
    assert (hit["id"], hit["meta"]["path"]) == (before["id"], str(notes / "office.md"))
    assert "repeats" not in hit["meta"]
    assert str(notes / "office.md") in cli("show", str(before["id"]))[1]


def test_a_folder_imported_then_watched_is_stored_once(cli, tmp_path):
    notes = tmp_path / "garden"
    notes.mkdir()
    (notes / "garden.md").write_text("# Garden\n\nGarlic goes in late November.\n\nOrdered tulips from Peter Nyssen.\n")
    assert cli("import", str(notes))[0] == 0
    code, out, _ = cli("watch", str(notes), "--once")
    assert code == 0 and "ingested 0 events" in out
    (notes / "garden.md").write_text("# Garden\n\nGarlic goes in late November.\n\nOrdered tulips from Peter Nyssen."
                                     "\n\nCHANGED 4 dec: garlic went in today, 12 cm apart.\n")
    code, out, _ = cli("watch", str(notes), "--once")
    assert code == 0 and "ingested 1 event" in out
    code, out, _ = cli("search", "garlic")
    assert out.count("Garlic goes in late November") == 1 and "(2" not in out


def test_a_folder_watched_then_edited_then_imported_is_stored_once(cli, tmp_path):
    notes = tmp_path / "garden"
    notes.mkdir()
    (notes / "garden.md").write_text("# Garden\n\nGarlic goes in late November.\n")
    assert cli("watch", str(notes), "--once")[0] == 0
    (notes / "garden.md").write_text("# Garden\n\nGarlic goes in late November.\n\nOrdered tulips from Peter Nyssen.\n")
    assert cli("watch", str(notes), "--once")[0] == 0
    code, out, _ = cli("import", str(notes))
    assert code == 0 and out.endswith("Imported 0 events from 1 of 1 file; 2 already known.\n")
    code, out, _ = cli("search", "tulips garlic")
    assert out.count("Peter Nyssen") == 1 and "(2" not in out


def test_an_undated_note_imported_again_after_an_edit_adds_only_the_new_paragraph(cli, tmp_path):
    notes = tmp_path / "garden"
    notes.mkdir()
    note = notes / "garden.md"
    note.write_text("# Garden\n\nGarlic goes in late November.\n")
    assert cli("import", str(notes))[1].endswith("Imported 1 event from 1 of 1 file; 0 already known.\n")
    note.write_text("# Garden\n\nGarlic goes in late November.\n\nCHANGED 4 dec: garlic went in today.\n")
    os.utime(note, (time.time() + 60, time.time() + 60))  # saved a minute later: the note's time moves
    assert cli("import", str(notes))[1].endswith("Imported 1 event from 1 of 1 file; 1 already known.\n")


def test_a_running_watch_names_a_skipped_file_only_in_its_warning(tmp_path, recall_home):
    from recall_cli.cli.shell import watch_line

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "latin.md").write_bytes(b"caf\xe9 au lait\n")
    bad = FileWatcher([notes], home=recall_home, sink=lambda records: None).scan_once()
    assert watch_line(bad, None) is None  # no "-: 0 new paragraphs" line
    assert any("latin.md" in error and "UTF-8" in error for error in bad.errors)
    (notes / "good.md").write_text("Bought a new kettle.\n", encoding="utf-8")
    good = FileWatcher([notes], home=recall_home, sink=lambda records: None).scan_once()
    line = watch_line(good, None)
    assert line is not None and line.endswith(" good.md: 1 new paragraph, 0 deleted")


def test_a_running_watch_says_when_what_it_read_was_stored_already():
    from recall_cli.capture.ingest import IngestReport
    from recall_cli.capture.watch import WatchReport
    from recall_cli.cli.shell import watch_line

    # a folder imported first: its paragraphs are new to the watcher, not to the store
    report = WatchReport(files_seen=1, paragraphs=27, records=27, paths=["/notes/todo.md"])
    line = watch_line(report, IngestReport(records=27, inserted=0, duplicates=27))
    assert line is not None and line.endswith(
        " todo.md: 27 new paragraphs, 0 deleted; ingested 0 events (27 already known or forgotten before)")


def test_a_file_renamed_while_watched_is_shown_at_its_new_path(svc, recall_home, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "car.md").write_text("Parked on level 3, bay 41.\n")
    watcher = FileWatcher([notes], home=recall_home)  # records go to the spool, as `recall watch` writes them
    watcher.scan_once()
    svc.ingest_spool()
    (notes / "car.md").rename(notes / "parking.md")
    report = watcher._process_batch([], [], [(str(notes / "car.md"), str(notes / "parking.md"))])  # the move event
    assert (report.renamed, report.paragraphs, report.deleted) == (1, 0, 0)
    svc.ingest_spool()
    hits = svc.search("parked level 3").hits
    assert [h.meta.get("path") for h in hits if h.text.startswith("Parked")] == [str(notes / "parking.md")]


TUESDAY, THURSDAY = ("Gym schedule: Tuesday spin class with coach Ingrid.",
                     "Gym schedule: Thursday spin class with coach Ingrid.")


@pytest.mark.parametrize("spoil", [b"\n" + b"filler text about lemurs. " * 100, b"\0"], ids=["too big", "binary"])
def test_a_file_skipped_for_a_while_is_compared_with_its_text_last_read_when_read_again(notes, tmp_path, recall_home,
                                                                                      spoil):
    gym = notes / "gym.md"
    gym.write_text(TUESDAY + "\n")
    collect = Collect()
    watcher = make(tmp_path, recall_home, collect, max_file_bytes=1000)
    watcher.scan_once()
    with open(gym, "ab") as fh:
        fh.write(spoil)
    skipped = watcher.scan_once()
    assert (skipped.skipped_large + skipped.skipped_binary, skipped.records) == (1, 0)
    gym.write_text(THURSDAY + "\n")
    report = watcher.scan_once()
    assert (report.paragraphs, report.edited) == (1, 1)
    assert collect.records[-1]["kind"] == "edited" and collect.records[-1]["meta"]["gone"] == [paragraph_hash(TUESDAY)]


def test_a_file_deleted_while_skipped_is_the_deletion_of_the_text_last_read(notes, tmp_path, recall_home):
    gym = notes / "gym.md"
    gym.write_text(TUESDAY + "\n")
    collect = Collect()
    watcher = make(tmp_path, recall_home, collect)
    watcher.scan_once()
    with open(gym, "ab") as fh:
        fh.write(b"\0")
    assert watcher.scan_once().skipped_binary == 1
    gym.unlink()
    assert watcher.scan_once().deleted == 1
    assert collect.records[-1]["meta"] == {"path": str(gym), "paragraphs": 1}


def test_a_note_that_was_binary_for_a_while_then_rewritten_answers_with_its_new_text(cli, notes, svc):
    gym = notes / "gym.md"
    gym.write_text(TUESDAY + "\n")
    assert cli("watch", str(notes), "--once")[0] == 0
    with open(gym, "ab") as fh:
        fh.write(b"\0")
    assert "skipped, binary" in cli("watch", str(notes), "--once")[2]
    gym.write_text(THURSDAY + "\n")
    os.utime(gym, (gym.stat().st_atime, gym.stat().st_mtime + 60))
    code, out, err = cli("watch", str(notes), "--once")
    assert code == 0 and "1 new paragraph, 0 deleted files, 1 edited file" in out, err
    hits = [h for h in json.loads(cli("search", "gym spin Ingrid", "--json")[1])["results"] if h["kind"] == "paragraph"]
    assert [h["text"] for h in hits] == [THURSDAY, TUESDAY]
    assert "edited_out" not in hits[0]["meta"] and hits[1]["meta"]["edited_out"]
    answer = ask(svc, "which day is my spin class?", llm=ScriptedLLM([]))
    assert [h.text for h in answer.cited] == [THURSDAY] and "Tuesday" not in (answer.text or "")


def test_how_do_i_make_a_watched_recipe_gives_the_whole_note_as_it_is_now(cli, notes, svc):
    recipe = ("# Shakshuka\n\nSunday brunch favourite, serves 2.\n\n## Ingredients\n\n- 4 eggs\n- 1 tin tomatoes\n"
              "- {}\n\n## Method\n\nFry the onion and pepper, add the tomatoes, crack in the eggs, cover 6 minutes.\n")
    watched_then_edited(cli, notes / "shakshuka.md", recipe.format("1 red pepper"), recipe.format("2 red peppers"))
    answer = ask(svc, "how do I make shakshuka?", llm=ScriptedLLM([])).text
    # every part of the note in its order, each under its heading; the list the edit replaced is left out
    assert answer.startswith("Sunday brunch favourite, serves 2.\n\nIngredients:\n- 4 eggs\n- 1 tin tomatoes\n"
                             "- 2 red peppers\n\nMethod:\nFry the onion and pepper")
    assert "1 red pepper" not in answer


def test_a_markdown_export_marks_a_paragraph_an_edit_took_out(cli, notes, tmp_path):
    note = "# Plans\n\nThe dentist appointment is on {} at 9am.\n\nThe team offsite is in Lisbon.\n"
    watched_then_edited(cli, notes / "plans.md", note.format("3 May"), note.format("10 May"))
    assert cli("export", "--format", "markdown", "-o", str(tmp_path / "md"))[0] == 0
    text = "\n".join(p.read_text() for p in sorted((tmp_path / "md" / "events").glob("*.md")))
    blocks = {b.split("\n\n", 1)[1].strip(): b.split("\n\n", 1)[0] for b in text.split("## ")[1:] if "\n\n" in b}
    # the old day says it was edited out (and when); the new one and the untouched paragraph do not
    assert " · edited out " in blocks["The dentist appointment is on 3 May at 9am."]
    assert "edited out" not in blocks["The dentist appointment is on 10 May at 9am."]
    assert "edited out" not in blocks["The team offsite is in Lisbon."]


def test_two_paragraphs_edited_out_of_one_note_are_both_shown_marked(cli, notes):
    before = ("# Journal\n\n## 2 December\n\nFinished the first draft of the Lumen contract.\n\n"
              "## 4 December\n\nDelivered the Lumen contract at 3pm.\n")
    (notes / "journal.md").write_text(before)
    assert cli("import", str(notes))[0] == 0  # imported first, then watched and edited
    watched_then_edited(cli, notes / "journal.md", before, "# Journal\n\n## 4 December\n\n"
                                                           "Delivered the Lumen contract at 5pm.\n")
    code, out, err = cli("search", "Lumen contract", "--json")
    assert code == 0, err
    hits = [h for h in json.loads(out)["results"] if h["kind"] == "paragraph"]
    assert hits[0]["text"] == "Delivered the Lumen contract at 5pm." and "edited_out" not in hits[0]["meta"]
    assert {h["text"] for h in hits[1:] if h["meta"].get("edited_out")} == {
        "Finished the first draft of the Lumen contract.", "Delivered the Lumen contract at 3pm."}



def test_old_paragraphs_in_a_row_ahead_of_their_replacement_keep_their_order(cli, notes, svc):
    from recall_cli.models import Hit
    from recall_cli.search.retrieve import Retriever

    before = ("# Journal\n\n## 2 December\n\nFinished the first draft of the Lumen contract.\n\n"
              "## 4 December\n\nDelivered the Lumen contract at 3pm.\n")
    (notes / "journal.md").write_text(before)
    assert cli("import", str(notes))[0] == 0
    watched_then_edited(cli, notes / "journal.md", before, "# Journal\n\n## 4 December\n\n"
                                                           "Delivered the Lumen contract at 5pm.\n")
    events = svc.store.get_events(svc.store.ids_between("event", 1, 99))
    paragraphs = [Hit.from_event(e, 1.0) for e in events.values() if e.kind == "paragraph"]
    # both old paragraphs ranked first, in a row (a search ranked them so: "Error: StopIteration")
    ordered = Retriever(svc.store, None, None)._edited_last(sorted(paragraphs, key=lambda h: h.id))
    assert [h.text for h in ordered] == ["Delivered the Lumen contract at 5pm.",
                                         "Finished the first draft of the Lumen contract.",
                                         "Delivered the Lumen contract at 3pm."]
    assert [bool(h.meta.get("edited_out_at")) for h in ordered] == [False, True, True]


def test_asks_sources_name_a_watched_paragraph_a_file_not_the_account_that_saved_it(cli, notes):
    from recall_cli.home import account_name

    (notes / "plans.md").write_text("# Plans\n\nThe dentist appointment is on 3 May at 9am.\n")
    assert cli("watch", str(notes), "--once")[0] == 0
    code, out, _ = cli("ask", "when is the dentist appointment?")
    source = next(line for line in out.splitlines() if "dentist appointment is on 3 May" in line and "[" in line)
    assert code == 0 and "  file  " in source and f"  {account_name()}  " not in source

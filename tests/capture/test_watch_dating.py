"""`recall watch` cuts and dates paragraphs as `recall import` does a note: by the nearest dated
heading (with a time of day from it or a deeper one), else the front matter's date, else
the file's modification time."""

from __future__ import annotations

import os
from pathlib import Path

from recall_cli.capture.watch import FileWatcher
from recall_cli.importers.markdown import MarkdownImporter
from recall_cli.models import Event
from recall_cli.timeutil import iso, parse_time

JOURNAL = """# Journal

Kept since spring.

## 2024-05-08
Met Priya about the roadmap.

### 14:30

Called the plumber.

## May 9, 2024

The boiler was serviced.
"""
FRONT = "---\ntitle: Trip\ndate: 2024-06-01\n---\n\nBook the ferry to Naxos.\n\n## Packing\n\nSunscreen.\n"
MTIME = parse_time("2024-01-02T03:04")


def scan(folder: Path, home: Path) -> dict[str, str]:
    records: list[dict] = []
    FileWatcher([folder], home=home, sink=records.extend).scan_once()
    return {r["text"]: iso(r["ts_start"]) for r in records}


def imported(path: Path) -> dict[str, str]:
    return {e.text: iso(e.ts_start) for e in MarkdownImporter().parse(path, path.read_text()) if isinstance(e, Event)}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    os.utime(path, (MTIME, MTIME))
    return path


def test_paragraphs_under_dated_headings_get_the_heading_dates_not_the_file_time(tmp_path, recall_home):
    folder = tmp_path / "notes"
    folder.mkdir()
    write(folder, "journal.md", JOURNAL)
    times = scan(folder, recall_home)
    assert times["Kept since spring."] == iso(MTIME)
    assert times["Met Priya about the roadmap."] == iso(parse_time("2024-05-08"))
    assert times["Called the plumber."] == iso(parse_time("2024-05-08T14:30"))
    assert times["The boiler was serviced."] == iso(parse_time("2024-05-09"))


def test_front_matter_dates_a_note_without_dated_headings(tmp_path, recall_home):
    folder = tmp_path / "notes"
    folder.mkdir()
    write(folder, "trip.md", FRONT)
    times = scan(folder, recall_home)
    assert times["Book the ferry to Naxos."] == times["Sunscreen."] == iso(parse_time("2024-06-01"))


def test_watch_and_import_cut_and_date_every_note_the_same_way(tmp_path, recall_home):
    for name, text in (("journal.md", JOURNAL), ("trip.md", FRONT)):
        folder = tmp_path / name.split(".")[0]
        folder.mkdir()
        path = write(folder, name, text)
        assert scan(folder, recall_home) == imported(path)


def test_an_org_journal_is_dated_by_its_datetree_as_the_import_dates_it(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    org = "#+TITLE: Log\n* 2024-05-08 Wednesday\n  Called the plumber.\n** 14:30\nBoiler serviced.\n"
    path = write(notes, "log.org", org)
    watched = scan(notes, tmp_path / "home")
    assert watched == {"Called the plumber.": "2024-05-08T00:00:00+00:00",
                       "Boiler serviced.": "2024-05-08T14:30:00+00:00"}
    assert watched == imported(path)

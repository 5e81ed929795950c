"""Org-mode notes: headings, keywords, drawers, blocks and timestamps read as an org user means them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from recall_cli.importers.markdown import MarkdownImporter, blank_note
from tests.importers.helpers import at, parse

JOURNAL = """#+TITLE: Journal
#+AUTHOR: Sam
#+STARTUP: overview

* 2025
** 2025-10 October
*** 2025-10-03 Friday
    :PROPERTIES:
    :CREATED:  [2025-10-03 Fri 09:12]
    :END:
    Rang the plumber, Dave Kerr. He can come [2025-10-07 Tue 14:00].

# private: not part of the note
*** 2025-10-05 Sunday 18:30
- walked 12 km with Ana
- bought a [[https://example.com/kettle][new kettle]] for $49
* TODO [#A] Renew passport   :admin:
  DEADLINE: <2025-11-20 Thu>

#+BEGIN_SRC sh
rsync -av ~/photos /mnt/nas
#+END_SRC
"""


def org_events(tmp_path: Path, text: str, name: str = "journal.org") -> list:
    path = tmp_path / name
    path.write_text(text)
    events, skipped = parse(MarkdownImporter(), path)
    assert skipped == []
    return events


def test_a_datetree_journal_dates_each_entry_by_its_day_heading_under_the_file_title(tmp_path):
    events = org_events(tmp_path, JOURNAL)
    plumber, walk = events[0], events[1]
    assert plumber.meta["heading"] == "Journal > 2025 > 2025-10 October > 2025-10-03 Friday"
    assert plumber.ts_start == at("2025-10-03 00:00")
    assert walk.ts_start == at("2025-10-05 18:30")
    assert plumber.meta["format"] == "org"


def test_timestamps_and_links_read_as_text_and_headings_lose_priority_and_tags(tmp_path):
    events = org_events(tmp_path, JOURNAL)
    assert events[0].text == "Rang the plumber, Dave Kerr. He can come 2025-10-07 Tue 14:00."
    assert "bought a new kettle (https://example.com/kettle) for $49" in events[1].text
    assert events[2].meta["heading"] == "Journal > TODO Renew passport"
    assert events[2].text == "DEADLINE: 2025-11-20 Thu"


def test_keywords_comments_and_property_drawers_are_not_stored_but_code_blocks_are(tmp_path):
    texts = [e.text for e in org_events(tmp_path, JOURNAL)]
    joined = "\n".join(texts)
    for hidden in ("#+", "AUTHOR", "STARTUP", "PROPERTIES", "CREATED", "private", ":END:"):
        assert hidden not in joined
    assert "```sh\nrsync -av ~/photos /mnt/nas\n```" in texts


def test_the_date_keyword_dates_a_note_without_dated_headings(tmp_path):
    events = org_events(tmp_path, "#+title: Lisbon trip\n#+date: <2025-09-01 Mon>\n\nFlights with TAP, seat 14C.\n",
                        name="trip.org")
    assert [(e.meta["heading"], e.text) for e in events] == [("Lisbon trip", "Flights with TAP, seat 14C.")]
    assert events[0].ts_start == at("2025-09-01 00:00")


def test_lines_keep_their_numbers_in_the_file(tmp_path):
    events = org_events(tmp_path, JOURNAL)
    lines = JOURNAL.split("\n")
    assert "Rang the plumber" in lines[events[0].meta["line_start"] - 1]
    assert "walked 12 km" in lines[events[1].meta["line_start"] - 1]


def test_a_star_at_the_margin_is_a_heading_in_org_and_a_bullet_in_markdown(tmp_path):
    text = "* Groceries\n\n- eggs\n"
    assert [e.meta["heading"] for e in org_events(tmp_path, text, name="list.org")] == ["Groceries"]
    assert [e.text for e in org_events(tmp_path, text, name="list.md")] == ["* Groceries", "- eggs"]


def test_an_org_note_of_only_keywords_and_headings_is_blank(tmp_path):
    path = tmp_path / "template.org"
    path.write_text("#+TITLE: Meeting\n#+DATE: <2025-10-01 Wed>\n* Agenda\n* Actions\n# to fill in\n")
    assert blank_note(path)


def test_importing_an_org_folder_answers_from_its_dated_entries(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "journal.org").write_text(JOURNAL)
    env = {"RECALL_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1", "TZ": "UTC", "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "recall_cli", "import", str(tmp_path / "notes")],
                         capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    assert "Imported 4 events" in run.stdout
    found = subprocess.run([sys.executable, "-m", "recall_cli", "search", "plumber", "--json"],
                           capture_output=True, text=True, env=env, check=False)
    assert found.returncode == 0, found.stderr
    top = json.loads(found.stdout)["results"][0]
    assert top["time"].startswith("2025-10-03")
    assert top["text"] == "Rang the plumber, Dave Kerr. He can come 2025-10-07 Tue 14:00."

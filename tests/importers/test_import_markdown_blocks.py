"""How markdown text is cut into blocks and dated, and which files each format claims."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from recall_cli.importers.markdown import MarkdownImporter, find_clock, find_date
from recall_cli.plugins.builtin_importers import register_importers
from tests.importers.helpers import DATA, FIXTURES, at, parse


def note(tmp_path: Path, name: str, text: str) -> list:
    """The events of a note file ``name`` holding ``text`` (none of it skipped)."""
    path = tmp_path / name
    path.write_text(text)
    events, skipped = parse(MarkdownImporter(), path)
    assert skipped == []
    return events


def blocks(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    return [(e.meta["heading"], e.text) for e in note(tmp_path, "n.md", text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05-08", date(2024, 5, 8)), ("Trip 2024/5/8", date(2024, 5, 8)), ("May 8, 2024", date(2024, 5, 8)),
    ("8th of May 2024", date(2024, 5, 8)), ("Dec. 31 1999 party", date(1999, 12, 31)),
    ("Tuesday 2 January 2024", date(2024, 1, 2)), ("2024-02-30", None), ("May 2024", None), ("Work", None),
    ("Version 1.2.3", None), ("Meeting at 14:30", None),
])
def test_dates_are_found_in_heading_text(text, expected):
    assert find_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("14:30 Dentist", time(14, 30)), ("9am", time(9, 0)), ("12 pm lunch", time(12, 0)), ("12:15 a.m.", time(0, 15)),
    ("7:05 PM call", time(19, 5)), ("Sprint 3", None), ("25:00", None), ("13pm", None), ("Room 101", None),
])
def test_times_of_day_are_found_in_heading_text(text, expected):
    assert find_clock(text) == expected


def test_headings_nest_and_unwind_by_level(tmp_path):
    text = "# A\n\none\n\n## B\n\ntwo\n\n### C ###\n\nthree\n\n## D\n\nfour\n\n# E\n\nfive\n"
    assert blocks(tmp_path, text) == [("A", "one"), ("A > B", "two"), ("A > B > C", "three"), ("A > D", "four"),
                                      ("E", "five")]


def test_text_before_any_heading_has_an_empty_heading_path(tmp_path):
    assert blocks(tmp_path, "Just a thought.\n\n# Later\n\nMore.\n") == [("", "Just a thought."), ("Later", "More.")]


def test_a_heading_right_after_a_paragraph_ends_it(tmp_path):
    assert blocks(tmp_path, "para line\n## Next\nbody\n") == [("", "para line"), ("Next", "body")]


def test_lists_without_blank_lines_are_one_block_and_loose_lists_are_several(tmp_path):
    tight = "- a\n- b\n  continued\n- c\n"
    assert blocks(tmp_path, tight) == [("", "- a\n- b\n  continued\n- c")]
    assert blocks(tmp_path, "- a\n\n- b\n") == [("", "- a"), ("", "- b")]


def test_horizontal_rules_separate_blocks_and_are_not_stored(tmp_path):
    # (sentences: a short first line over the rest would be the note's title)
    assert blocks(tmp_path, "one.\n\n***\n\ntwo\n\n- - -\n\nthree\n") == [("", "one."), ("", "two"), ("", "three")]


def test_setext_headings_are_headings(tmp_path):
    text = "Title\n=====\n\nbody\n\nSub\n---\n\nmore\n"
    assert blocks(tmp_path, text) == [("Title", "body"), ("Title > Sub", "more")]


def test_tilde_fences_and_longer_closing_fences_keep_headings_inside_code(tmp_path):
    text = "~~~~\n# not a heading\n\n~~~\nstill code\n~~~~~\n\nafter\n"
    assert blocks(tmp_path, text) == [("", "~~~~\n# not a heading\n\n~~~\nstill code\n~~~~~"), ("", "after")]


def test_an_indented_block_loses_only_the_shared_indent(tmp_path):
    assert blocks(tmp_path, "    line one\n      line two\n") == [("", "line one\n  line two")]


def test_html_comments_are_left_out(tmp_path):
    text = "<!-- one line -->\nkept.\n\n<!--\nhidden\n\nstill hidden\n-->\nafter\n\ntext <!-- inline --> stays\n"
    assert blocks(tmp_path, text) == [("", "kept."), ("", "after"), ("", "text <!-- inline --> stays")]


def test_obsidian_comments_queries_and_template_slots_are_left_out(tmp_path):
    # found by a new user importing a vault: "{{cursor}}", "- [ ]", "%% private comment %%" and a
    # Dataview query were stored as notes of theirs
    text = ("{{cursor}}\n\n- [ ]\n- [ ]\n\n%% private comment: maybe ask Tom %%\n\n%%\nhidden\n\nstill hidden\n%%\n"
            "after.\n\n```dataview\nTABLE status FROM #project\n```\n\n- [ ] buy bulbs\n\n"
            "Plant the tulips %%not before the frost%% in the front bed\n\n## {{date:YYYY-MM-DD}}\n\nkept\n")
    assert [body for _heading, body in blocks(tmp_path, text)] == [
        "after.", "- [ ] buy bulbs", "Plant the tulips  in the front bed", "kept"]


def test_front_matter_without_a_closing_line_is_ordinary_text(tmp_path):
    # the opening line is then a thematic break
    assert blocks(tmp_path, "---\ntitle: x y z w\n\nbody\n") == [("", "title: x y z w"), ("", "body")]


def test_a_short_first_line_is_the_notes_title_whatever_the_files_name(tmp_path):
    # found in a note "2026-03-03-demenageurs.md": its new price said nothing of movers but under this line
    text = "movers update\n\nSteve came by sat. new price: 1 340$\n\n- paid the 250$ deposit\n"
    assert blocks(tmp_path, text) == [("movers update", "Steve came by sat. new price: 1 340$"),
                                      ("movers update", "- paid the 250$ deposit")]
    # not a line of four words that says something, nor one right over a heading of its own
    assert blocks(tmp_path, "doreen rang this morning\n\njob's off\n")[0] == ("", "doreen rang this morning")
    assert blocks(tmp_path, "para line\n## Next\nbody\n")[0] == ("", "para line")


def test_a_first_line_that_names_a_word_of_the_file_and_tells_nothing_is_the_notes_title(tmp_path):
    events = note(tmp_path, "2025-03-14-physio.md", "physio w/ aisha this morning\n\n- knee ~80% better\n"
                  "- next one in 2 wks same time, then monthly\n")
    # the next appointment is the physio's, though its line does not say so
    assert [(e.meta["heading"], e.text) for e in events] == [
        ("physio w/ aisha this morning", "- knee ~80% better\n- next one in 2 wks same time, then monthly")]


@pytest.mark.parametrize("value", ["2024-05-01", "'2024-05-01'", '"2024-05-01T00:00:00"', "May 1, 2024"])
def test_front_matter_dates_in_several_forms(tmp_path, value):
    path = tmp_path / "n.md"
    path.write_text(f"---\ndate: {value}\n---\n\nbody\n")
    events, _ = parse(MarkdownImporter(), path)
    assert [e.ts_start for e in events] == [at("2024-05-01")]


def test_an_unreadable_front_matter_date_falls_back_quietly(tmp_path):
    import os

    path = tmp_path / "n.md"
    path.write_text("---\ndate: someday\n---\n\nbody\n")
    os.utime(path, (1700000000, 1700000000))
    events, skipped = parse(MarkdownImporter(), path)
    assert ([e.ts_start for e in events], skipped) == ([1700000000], [])


def test_a_front_matter_date_keeps_its_time_of_day(tmp_path):
    path = tmp_path / "n.md"
    path.write_text("---\ndate: 2025-10-09 18:30\n---\n\nbody\n")
    events, _ = parse(MarkdownImporter(), path)
    assert [e.ts_start for e in events] == [at("2025-10-09 18:30")]


def test_an_undated_note_takes_the_date_its_file_name_gives(tmp_path):
    import os

    daily = tmp_path / "2025-10-06-note.txt"
    daily.write_text("Called the plumber about the leak.\n")
    os.utime(daily, (at("2025-11-20 09:00"), at("2025-11-20 09:00")))  # copied or edited weeks later
    same_day = tmp_path / "2025-10-07.md"
    same_day.write_text("Plumber came.\n")
    os.utime(same_day, (at("2025-10-07 17:45"), at("2025-10-07 17:45")))
    plain = tmp_path / "plumber.md"
    plain.write_text("Plumber's number is on the fridge.\n")
    os.utime(plain, (1700000000, 1700000000))
    assert [e.ts_start for e in parse(MarkdownImporter(), daily)[0]] == [at("2025-10-06")]
    assert [e.ts_start for e in parse(MarkdownImporter(), same_day)[0]] == [at("2025-10-07 17:45")]
    assert [e.ts_start for e in parse(MarkdownImporter(), plain)[0]] == [1700000000]


def _registered() -> list:
    found: list = []
    register_importers(found.append)
    return found


@pytest.mark.parametrize("name", list(FIXTURES))
def test_the_first_importer_to_claim_each_fixture_is_its_own(name):
    path = DATA / name
    head = path.read_text()[:65536]
    claims = [imp.name for imp in _registered() if imp.detect(path, head)]
    assert claims[0] == FIXTURES[name][0]


@pytest.mark.parametrize("head", ['{"a": 1}', "[1, 2, 3]", "<?xml version='1.0'?><a/>", "<html><body>x</body></html>"])
def test_markdown_does_not_claim_json_or_xml_in_files_without_a_text_suffix(head):
    assert not MarkdownImporter().detect(Path("data.dat"), head)


def test_markdown_claims_any_other_text_and_any_md_or_txt_file():
    assert MarkdownImporter().detect(Path("journal"), "Dear diary,\ntoday was long.")
    assert MarkdownImporter().detect(Path("x.md"), '{"looks": "like json"}')


def test_a_note_nothing_dates_is_marked_undated(tmp_path):
    assert [e.meta.get("undated") for e in note(tmp_path, "log.md", "# 2025-10-14\n\npaid the fee\n")] == [None]
    assert [e.meta.get("undated") for e in note(tmp_path, "todo.md", "- [ ] ring dentist\n")] == [True]
    assert [e.meta.get("undated") for e in note(tmp_path, "2025-10-06.md", "dentist at 3\n")] == [None]


def test_a_first_line_that_says_the_file_name_is_the_notes_title(tmp_path):
    events = note(tmp_path, "kids weekends.md",
                  "kids weekends - ideas\n\nmine: 25/26 oct (-> swapped to 18/19)\n\n- Harewood\n- Whitby\n")
    assert [(e.text, e.meta["heading"]) for e in events] == [
        ("mine: 25/26 oct (-> swapped to 18/19)", "kids weekends - ideas"),
        ("- Harewood\n- Whitby", "kids weekends - ideas")]
    assert [e.text for e in note(tmp_path, "2025-10-03.md", "Swam at Blackrock, 11 degrees\n\nLukas ran the PCA\n")] \
        == ["Swam at Blackrock, 11 degrees", "Lukas ran the PCA"]
    assert [e.text for e in note(tmp_path, "todo.md", "TODO\n")] == ["TODO"]


def test_a_first_line_in_dashed_parts_that_names_a_word_of_the_file_is_the_notes_title(tmp_path):
    events = note(tmp_path, "2025-10-14-valuation.md", "Tue 14/10/25 \u2013 Donal's house \u2013 valuation\n\n"
                  "He'll put it in writing: **\u20ac285,000** market value at date of death.\n")
    assert [(e.text, e.meta["heading"]) for e in events] == [
        ("He'll put it in writing: **\u20ac285,000** market value at date of death.",
         "Tue 14/10/25 \u2013 Donal's house \u2013 valuation")]
    # a line that says a word of the name but is no title in parts stays a block of its own
    assert [e.text for e in note(tmp_path, "2025-10-03-swim.md", "swim was cold today\n\nLukas ran the PCA\n")] \
        == ["swim was cold today", "Lukas ran the PCA"]

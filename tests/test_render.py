"""Tables as a terminal shows them: columns line up whatever characters a row holds."""

from __future__ import annotations

from recall_cli.models import Hit, SearchResult
from recall_cli.render import cells, search_text, table_lines


def test_a_pinned_row_lines_up_with_the_rest():
    lines = table_lines([("m1", "📌 active", "pinned one"), ("m2", "active", "plain one")],
                        ("id", "zone", "text"), columns=80)
    # the text column starts at the same terminal cell on every line (the pin takes two)
    starts = [cells(line[: line.index(word)]) for line, word in zip(lines, ("text", "pinned", "plain"), strict=True)]
    assert len(set(starts)) == 1


def test_a_wide_last_column_is_cut_to_the_terminal_width():
    [_header, row] = table_lines([("m2", "東京 trip " * 50)], ("id", "text"), columns=40)
    assert cells(row) == 40 and row.endswith("…")


def test_an_accent_written_as_a_combining_mark_takes_no_cell():
    assert cells("cafe\u0301") == cells("café") == 4


def test_a_shown_result_far_below_the_best_reads_under_a_hundredth_not_zero():
    hits = [Hit(owner="event", id=n, score=score, ts=1764000000.0, text=text, source="note", snippet=text)
            for n, score, text in ((1, 0.91, "MOT booked at Kwik Fit"), (2, 0.004, "oat milk, coffee beans"))]
    rows = search_text(SearchResult(hits=hits, query="car", cleaned_query="car"), as_json=False).splitlines()
    assert " 0.91 " in rows[1] and " <0.01 " in rows[2] and "0.00" not in "\n".join(rows)

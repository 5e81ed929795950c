"""Tables as a terminal shows them: columns line up whatever characters a row holds."""

from __future__ import annotations

from recall_cli.render import cells, table_lines


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

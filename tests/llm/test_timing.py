"""When a thing happens, as notes date it: the day it is booked for, over the day it is due by."""

from __future__ import annotations

import re

from tests.llm.test_answers import add_notes, answered, import_note

CAR = "# car\n\nMOT inspection due by 15 January. Booked it at Kwik Fit for 8 January at 11:00.\n"


def test_when_a_thing_is_gives_the_day_booked_with_the_deadline_after_it(svc, tmp_path):
    import_note(svc, tmp_path / "2026-11-02-car.md", CAR, saved="2026-11-02T20:00")
    answer = re.sub(r" \[\d+\]$", "", answered(svc, "when is my car inspection?", "2026-11-10T12:00"))
    assert answer == "8 January 2027 at 11:00 (due by 15 January 2027)"


def test_when_a_thing_is_due_gives_the_deadline(svc, tmp_path):
    import_note(svc, tmp_path / "2026-11-02-car.md", CAR, saved="2026-11-02T20:00")
    assert re.sub(r" \[\d+\]$", "", answered(svc, "when is the MOT inspection due?", "2026-11-10T12:00")) == \
        "15 January 2027"


def test_a_day_said_to_be_off_then_rearranged_in_the_next_sentence_gives_the_new_day(svc):
    add_notes(svc, [("2026-11-01T18:00", "u11s: yeadon celtic away sat 14 nov 10am"),
                    ("2026-11-12T18:25", "yeadon celtic match sat 14 nov is off - pitch waterlogged. rearranged to "
                                         "sun 15 nov 11am at their ground")])
    assert answered(svc, "whens the yeadon celtic match", "2026-11-13T20:00").startswith("15 November 2026 at 11am")


def test_what_was_written_after_the_time_asked_at_is_not_yet_known(svc):
    add_notes(svc, [("2026-11-01T18:00", "magna trip for yr10 is thu 19 nov"),
                    ("2026-12-02T17:00", "magna trip moved to fri 4 dec")])
    # asked on 8 November, the move written in December was not known yet
    assert answered(svc, "when is the magna trip", "2026-11-08T12:00").startswith("19 November 2026")
    assert answered(svc, "when is the magna trip", "2026-12-03T12:00").startswith("4 December 2026")


def test_a_note_file_dated_after_the_time_asked_at_is_not_yet_known_but_an_undated_one_is(svc, tmp_path):
    import_note(svc, tmp_path / "2026-12-02-magna.md", "magna trip moved to fri 4 dec")
    import_note(svc, tmp_path / "trips.md", "school trips\n\nmagna trip for yr10 is thu 19 nov",
                saved="2026-12-05T12:00")
    # on 25 November, the dated file's move (2 December) was not written yet; the undated file's
    # save time (5 December) says nothing of when its line was
    assert answered(svc, "when is the magna trip", "2026-11-25T12:00").startswith("19 November 2026")


def test_a_lists_line_on_the_thing_gives_its_day_though_gone_by_not_another_lines_day_to_come(svc, tmp_path):
    import_note(svc, tmp_path / "school.md", "# key dates\n\n- parents evening thu 19 nov 4-7 (moved from 12 nov)\n"
                "- magna trip fri 4 dec\n- revision timetables to tutors fri 18 dec\n- yr10 mocks from mon 11 jan\n",
                saved="2026-11-02T17:00")
    assert answered(svc, "when's parents evening", "2026-12-09T18:00").startswith("19 November 2026")


def test_a_thing_dated_in_the_sentence_after_the_one_naming_it_is_dated_so_not_by_a_later_mention(svc):
    add_notes(svc, [("2026-10-27T07:30", "entered the edinburgh half marathon!! sun 24 may 2027, £58 entry."),
                    ("2026-11-28T10:00", "changing my edinburgh goal to sub 1:50 after the calf thing"),
                    ("2026-12-01T20:30", "edinburgh half in may, goal sub 1:50, coming back from a calf strain.")])
    assert answered(svc, "when is the edinburgh half", "2026-12-09T18:00").startswith("24 May 2027")


def test_a_day_moved_to_in_the_sentence_after_the_thing_beats_a_later_note_on_it_that_says_tonight(svc):
    add_notes(svc, [("2026-10-26T07:42", "u12s: sat 31 oct home v horsforth juniors, ko 10am beckett park pitch 3"),
                    ("2026-10-30T16:10", "beckett park waterlogged - sat v horsforth OFF. moved to sun 8 nov 10am "
                                         "same pitch. need to tell parents"),
                    ("2026-10-30T16:25", "asst coach sending the whatsapp to parents re horsforth tonight so i dont "
                                         "have to")])
    # "tonight" is when the message goes out, gone by on 1 November; the game is on the 8th
    assert answered(svc, "when is the horsforth game now", "2026-11-01T09:00").startswith("8 November 2026 at 10am")


def test_the_next_appointment_said_at_the_end_of_a_one_line_note_on_it_is_the_next_one(svc):
    # helper-146: "17 November 2026 at 10:15 (gone by; no later one is mentioned)", said twice
    add_notes(svc, [("2026-11-15T12:30", "physio booked: priya shah at clifton physio, tue 17 nov 10:15. £55 per "
                                         "session. 0117 973 5520"),
                    ("2026-11-17T12:15", "physio priya - grade 1 calf strain (left soleus). no running 5 days, "
                                         "eccentric calf raises 3 x 15 twice a day. follow up tue 24 nov 10:15")])
    assert answered(svc, "when's my next physio appt", "2026-11-20T12:00").startswith("24 November 2026 at 10:15")
    # asked after it, it is said to be gone by, once
    assert answered(svc, "when's my next physio appt", "2026-11-26T12:00").count("(gone by") == 1

"""A role a question names is the person the notes call by name ("whens the plumber
starting" after "plumber is craig baird"), on small hand-made stores."""

from __future__ import annotations

from recall_cli.llm.role import by_name, names_for
from tests.llm.test_answers import add_notes, answered

PLUMBER = [
    ("2026-10-26T08:40", "bathroom: plumber is craig baird (baird plumbing) 07700 900412, coming round thurs 29 oct "
                         "10am to look at the job"),
    ("2026-10-29T13:10", "craig quote for bathroom £3,450 - strip out, new shower valve. can start mon 9 nov"),
    ("2026-11-04T20:05", "craig start moved to mon 16 nov, he's stuck on a job in paisley that overran"),
]


def test_a_role_is_asked_about_by_the_name_a_note_gave_it(svc):
    add_notes(svc, PLUMBER)
    # no note after the first says "plumber": the moved start is found by the plumber's name
    assert answered(svc, "whens the plumber starting", "2026-12-09T18:00").startswith("16 November 2026")


def test_a_role_named_by_its_business_in_brackets_is_that_person(svc):
    add_notes(svc, [
        ("2026-10-12T21:30", "bathroom quote #1 from Kowalski Plumbing (Piotr Kowalski, 07700 900412): £4,850"),
        ("2026-10-23T17:20", "going with Kowalski. Piotr revised his quote down to £4,600. Start date Monday 16 Nov."),
        ("2026-11-01T14:30", "Tiler: Gary Newton. Can start after the plumber's first fix, pencilled in Mon 23 Nov."),
        ("2026-11-11T19:00", "Piotr can't start on the 16th, waiting on the valve. New start date Monday 30 Nov."),
        ("2026-11-28T12:00", "Neighbour Tom finished his bathroom - his plumber was Dave Hughes, he paid £6,100."),
        ("2026-11-29T12:00", "Dave Hughes rang Tom again about the boiler"),
    ])
    # the neighbour's plumber is not mine
    assert names_for(svc.store, "plumber") == ["piotr"]
    assert answered(svc, "when does the plumber start?", "2026-11-20T10:00").startswith("30 November 2026")


def test_a_question_that_asks_for_the_name_keeps_its_role(svc):
    add_notes(svc, PLUMBER)
    for question in ("who is the plumber?", "which plumber did I go with?", "what was the other plumber's quote?",
                     "who is Chioma's plumber?", "whats the plumber's name"):
        assert by_name(svc.store, question) == question
    assert by_name(svc.store, "whats the plumber's number") == "whats craig's number"


def test_a_role_the_notes_keep_using_is_not_replaced(svc):
    # "physio" is how the notes speak of her; her name in one note would lose the others
    add_notes(svc, [("2026-11-10T08:10", "booked physio - aileen grant at westend physio, thurs 12 nov 5.30pm"),
                    ("2026-11-12T18:40", "physio: grade 1 strain. follow up thu 26 nov"),
                    ("2026-11-23T08:30", "physio follow up moved to fri 27 nov 4pm, aileen is on a course"),
                    ("2026-11-27T16:45", "physio says ok to run again. next check fri 11 dec")])
    assert by_name(svc.store, "when's my next physio check") == "when's my next physio check"


def test_a_word_after_a_role_is_no_name_without_a_surname(svc):
    # "GP: knee is ..." tells what the GP found, not who the GP is
    add_notes(svc, [("2026-11-06T12:15", "GP: knee is patellar tendinopathy, no running for 2 wks"),
                    ("2026-11-07T12:15", "knee still sore"), ("2026-11-08T12:15", "knee better today")])
    assert names_for(svc.store, "gp") == []

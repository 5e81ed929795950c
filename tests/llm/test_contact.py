"""Whose number: the number of someone a question describes is found in two steps, the note
that says who it was, then a line anywhere that gives that name's number."""

from __future__ import annotations

from recall_cli.llm.contact import number_of
from recall_cli.llm.shape import Shaped
from recall_cli.llm.support import key_words
from tests.llm.test_answers import add_notes, answered


def _first_step(svc, needle: str) -> Shaped:
    hit = next(h for h in svc.search(needle, limit=10).hits if needle in h.text)
    return Shaped(hit.text, [hit])


def test_the_number_of_someone_named_only_in_the_note_of_what_they_did_is_found_in_another(svc):
    add_notes(svc, [("2025-06-03T20:00", "dinny hegarty - hegarty motors, ovens - 087 412 6690"),
                    ("2025-09-18T20:00", "van failed the nct on the brakes. dinny doing the brakes thurs, "
                                         "drop it in at 8")])
    question = "whats the number for the mechanic who did the van brakes?"
    made = number_of(svc.store, _first_step(svc, "dinny doing the brakes"), question, key_words(question))
    # the sentence that says what they did follows
    assert made is not None and made.text == ("dinny hegarty - hegarty motors, ovens - 087 412 6690 (dinny doing the "
                                              "brakes thurs, drop it in at 8)")
    # and through ask, as a user types it
    assert answered(svc, question, "2025-10-01T12:00").startswith("dinny hegarty - hegarty motors, ovens - 087")


def test_a_number_far_from_the_name_or_one_an_assistant_gave_is_not_theirs(svc):
    add_notes(svc, [("2025-06-03T20:00", "gerry said the skip firm he uses is brilliant and cheap, ring them on "
                                         "0161 555 0199"),
                    ("2025-09-18T20:00", "gerry came sat & did the under-cab lights")])
    question = "what's the number for the electrician who did the under-cabinet lights?"
    first = _first_step(svc, "gerry came sat")
    # the number is the skip firm's, many words after gerry
    assert number_of(svc.store, first, question, key_words(question)) is first


def test_a_things_own_number_or_an_answer_that_gives_one_is_left_as_it_is(svc):
    add_notes(svc, [("2025-06-03T20:00", "allotment: plot 14, sandy soil"),
                    ("2025-06-04T20:00", "plot 14 committee rang, tom 07700 900123")])
    question = "what's my allotment plot number?"
    first = _first_step(svc, "allotment: plot 14")
    assert number_of(svc.store, first, question, key_words(question)) is first
    question = "what's the number of the plumber we used?"
    given = Shaped("plumber: joe fahy, 091 755 218", first.hits)
    assert number_of(svc.store, given, question, key_words(question)) is given


def test_a_named_persons_email_or_number_said_after_their_name_answers_and_none_said_is_not_mentioned(svc):
    # helper-140: "what's tomasz's email" quoted "Tomasz emailed: ..."; "rachels number" stopped at
    # the sentence naming her, before "her number ..."; "kirstys number?" quoted the shift swap
    add_notes(svc, [("2026-10-28T09:00", "supervisor news: Fiona is going on research leave from 1 Nov until end of "
                                         "Feb. Dr Tomasz Nowak is my acting lead supervisor from now, email "
                                         "t.nowak@ed.ac.uk."),
                    ("2026-11-02T20:00", "Hen do for Eilidh is Sat 14 Nov. £140 each, pay Rachel (maid of honour) by "
                                         "7 Nov. her number 07700 900655"),
                    ("2026-11-03T20:00", "swapped my sat 7 nov shift at ocean wall with Kirsty, I'm doing her sunday"),
                    ("2026-11-20T10:00", "Tomasz emailed: ch3 deadline pushed again, now Mon 23 Nov at 5pm")])
    now = "2026-12-09T18:00"
    assert "t.nowak@ed.ac.uk" in answered(svc, "what's tomasz's email", now)
    assert "07700 900655" in answered(svc, "rachels number", now)
    for question in ("kirstys number?", "whats fiona's email address", "what is rachel's email"):
        assert answered(svc, question, now).startswith("Not mentioned"), question


def test_an_email_asked_of_a_role_is_the_sentence_with_an_address_in_the_note_on_them(svc):
    add_notes(svc, [("2026-10-20T17:05", "supervisor mtgs every 2nd tues at 2pm, room 204 ryan institute. niamh's "
                                         "email is niamh.brennan@universityofgalway.ie"),
                    ("2026-10-27T16:40", "my supervisor wants the ch2 draft by mon 30 nov")])
    assert answered(svc, "whats my supervisor's email", "2026-12-09T18:00").startswith(
        "niamh's email is niamh.brennan@universityofgalway.ie")


def test_a_name_asked_is_the_sentence_that_names_them_though_it_is_in_lower_case(svc):
    add_notes(svc, [("2026-10-23T19:30", "got the flat on father griffin rd!! rent €1,150/mnth, landlord is tom keane "
                                         "086 555 2041. move in 14 nov"),
                    ("2026-10-30T18:50", "landlord says the deposit is actually €1,300 bc the flat is furnished"),
                    ("2026-11-15T18:30", "moved in!!! all boxes up the stairs. old landlord is to return the deposit"),
                    ("2026-10-20T08:55", "dentist appt mon 2 nov 4.30pm w/ dr o'malley at shop st dental")])
    assert "landlord is tom keane" in answered(svc, "whats the landlords name", "2026-12-09T18:00")
    # a title says a name ("dr o'malley"): the question is answered, not abstained from
    assert "dr o'malley" in answered(svc, "whats the dentist's name", "2026-12-09T18:00")

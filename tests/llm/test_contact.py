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

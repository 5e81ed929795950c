"""A question asking for a price, a share, a weight or a time of day is answered only by
evidence on its subject that gives one."""

from __future__ import annotations

import pytest

from recall_cli.llm.ask import ABSTAIN, ask
from recall_cli.llm.measure import missing_measure
from recall_cli.llm.support import key_words
from recall_cli.models import Hit
from recall_cli.timeutil import parse_time
from tests.fakes import ScriptedLLM

NOTES = [
    ("2026-04-16T20:00", "Dad - eye test Tues at Specsavers, new glasses ordered, ready in about 10 days."),
    ("2026-04-18T20:00", "Choir: extra rehearsals Sat 2 May + Sat 9 May, 2-5pm. Summer concert Sat 16 May, Triskel."),
    ("2026-04-19T20:00", "Saturday mobile pantry: 143 households, 11 volunteers."),
    ("2026-04-20T20:00", "I pay Kevin, my part-time mechanic, €14.50 an hour."),
    ("2026-04-21T20:00", "Dentist moved to Thursday 7 May at 9:15."),
]


@pytest.fixture
def noted(svc):
    for when, text in NOTES:
        svc.add(text, ts=parse_time(when))
    return svc


@pytest.mark.parametrize("question", [
    "How much did Dad's new glasses cost?",
    "What time does the summer concert start?",
    "How many pounds of food were given out at the mobile pantry?",
])
def test_a_measure_no_note_gives_is_not_mentioned(noted, question):
    answer = ask(noted, question, llm=ScriptedLLM([]))
    assert answer.abstained and answer.text == ABSTAIN


@pytest.mark.parametrize(("question", "expected"), [
    ("How much do I pay Kevin an hour?", "€14.50"),
    ("What time is the dentist?", "9:15"),
])
def test_a_measure_a_note_gives_is_answered(noted, question, expected):
    answer = ask(noted, question, llm=ScriptedLLM([]), reference=parse_time("2026-04-22T12:00"))
    assert not answer.abstained and expected in answer.text


def test_a_possessive_names_the_subject_as_its_owner():
    hit = Hit(owner="event", id=1, score=1.0, ts=0.0, source="chat",
              text="It was my dad's, he bought it new in Reinbeck for $8,900.")
    question = "How much did Dad pay for the tractor?"
    assert missing_measure(question, key_words(question), [hit]) is None
    assert missing_measure("What percentage did Dad pay?", key_words("What percentage did Dad pay?"), [hit]) == "share"


def test_in_total_is_part_of_asking_the_price_not_its_subject(svc):
    svc.add("Conservatory roof: Gary starts on Thursday 2 April at 8.", ts=parse_time("2026-03-02T20:00"))
    svc.add("Gary's quote for the conservatory came through the door: £2,350.", ts=parse_time("2026-03-04T20:00"))
    answer = ask(svc, "How much did the conservatory roof cost in total?", llm=ScriptedLLM([]))
    assert not answer.abstained and "£2,350" in answer.text



def test_a_count_of_times_is_no_figure_but_a_sum_is():
    from recall_cli.llm.measure import gives_figure
    said = parse_time("2025-09-10T20:00")
    assert not gives_figure("Roof \u2013 bad news x2", said)  # twice bad news, no amount of anything
    assert gives_figure("Revised quote 4150 incl VAT", said) and gives_figure("2 x 500ml of milk", said)


def test_a_name_asked_is_not_answered_by_a_note_on_the_subject_that_names_no_one(svc):
    svc.add("Very long line: the quick brown fox jumps over the lazy dog 0 the quick brown fox jumps over "
            "the lazy dog 1", ts=parse_time("2026-11-29T10:00"))
    asked = parse_time("2026-12-01T10:00")
    assert ask(svc, "what is my dog's name?", llm=ScriptedLLM([]), reference=asked).text == ABSTAIN
    svc.add("our dog is called biscuit, 4 next week", ts=parse_time("2026-11-30T10:00"))
    assert ask(svc, "what is my dog's name?", llm=ScriptedLLM([]), reference=asked).text.startswith(
        "our dog is called biscuit")


def test_a_temperature_is_answered_by_the_line_that_gives_degrees_not_the_ingredients(svc, tmp_path):
    # a new user's recipes note: "what temperature for banana bread?" quoted the ingredients
    note = tmp_path / "recipes.md"
    note.write_text("# Recipes\n\n## Banana bread\n\n3 ripe bananas, 250g flour, 100g butter, 2 eggs. Oven at 175C. "
                    "Bake 55 minutes.\n\n## Flapjacks\n\n200g oats, 100g butter, 4 tbsp golden syrup.\n")
    svc.import_file(note, "markdown")
    answer = ask(svc, "what temperature for banana bread?", llm=ScriptedLLM([]))
    assert "175C" in answer.text.splitlines()[0]
    assert ask(svc, "what temperature do the flapjacks bake at?", llm=ScriptedLLM([])).abstained


def test_a_colour_or_a_size_is_answered_by_the_line_that_gives_one_and_none_given_is_not_mentioned(svc):
    # helper-140: "what colour is my bridesmaid dress" gave "I'm a bridesmaid."; "what size is
    # my bridesmaid dress" (never said) gave the same; "what shoe size is Tobi?" the shin pads' size
    from tests.llm.test_answers import add_notes, answered
    add_notes(svc, [("2026-10-10T16:45", "Eilidh's wedding!! I'm a bridesmaid. Saturday 19 December at Dundas "
                                         "Castle. Dress is dusty sage, my share £145."),
                    ("2026-10-24T11:00", "shopping: - lemsip for dad - shin pads for Tobi, size L - bread, eggs")])
    now = "2026-12-09T18:00"
    assert answered(svc, "what colour is my bridesmaid dress", now).startswith("Dress is dusty sage")
    assert answered(svc, "what size is my bridesmaid dress", now).startswith("Not mentioned")
    assert answered(svc, "what shoe size is Tobi?", now).startswith("Not mentioned")
    assert "size L" in answered(svc, "what size shin pads does tobi need?", now)


def test_how_much_a_thing_is_is_answered_by_the_sentence_with_its_price(svc):
    from tests.llm.test_answers import add_notes, answered
    add_notes(svc, [("2026-10-06T22:15", "tidepool vps is 198.51.100.27, ssh on port 2222 user dev. "
                                         "hosting with hetzner €5.83/mo")])
    # an address and a port are figures, but no price
    assert answered(svc, "how much is the hetzner vps", "2026-12-09T18:00").startswith("hosting with hetzner €5.83/mo")


def test_how_much_a_thing_is_asks_its_price_so_a_head_count_is_no_answer(svc):
    # helper-142: "how much is the hotel for the coventry cousins" quoted the guest count
    from tests.llm.test_answers import add_notes, answered
    add_notes(svc, [("2026-11-02T20:00", "mum wants the cousins from coventry invited so guest list is now 72 "
                                         "not 60.")])
    now = "2026-12-09T18:00"
    assert answered(svc, "how much is the hotel for the coventry cousins", now).startswith("Not mentioned")
    add_notes(svc, [("2026-11-03T20:00", "booked the premier inn for the coventry cousins, £89 a night")])
    assert "£89" in answered(svc, "how much is the hotel for the coventry cousins", now)


def test_a_sum_said_to_be_for_another_thing_is_not_the_price_asked(svc):
    # helper-144: "how much was the rent at the old salthill place" gave the deposit
    from tests.llm.test_answers import add_notes, answered
    add_notes(svc, [("2026-11-20T20:00", "old landlord mrs carney is to return the €900 deposit for the salthill "
                                         "place by end of month")])
    now = "2026-12-09T18:00"
    assert answered(svc, "how much was the rent at the old salthill place", now).startswith("Not mentioned")
    assert "€900" in answered(svc, "how much was the deposit for the salthill place", now)


def test_what_someone_quoted_asks_for_a_sum(svc):
    from tests.llm.test_answers import add_notes, answered
    add_notes(svc, [("2026-11-05T20:00", "car: last yr advisory from raj, rear brake pipes corroded, front left "
                                         "tyre wear.")])
    now = "2026-12-09T18:00"
    assert answered(svc, "what did raj quote for the brake pipes", now).startswith("Not mentioned")
    add_notes(svc, [("2026-11-06T20:00", "raj rang about the brake pipes, £180 to replace both")])
    assert "£180" in answered(svc, "what did raj quote for the brake pipes", now)


def test_a_price_or_another_places_number_is_no_number_of_the_kind_asked(svc):
    # helper-144: "whats my student number" gave the student fare; "what room number am i in at
    # the lisbon hotel" the hotel's price, while the only room number was a meeting room's
    from tests.llm.test_answers import add_notes, answered
    add_notes(svc, [("2026-11-10T20:00", "registered for AMEC, student early bird €295, paid on my card"),
                    ("2026-11-11T20:00", "supervisor mtgs every 2nd tues at 2pm, room 204 ryan institute."),
                    ("2026-11-12T20:00", "hotel for lisbon: casa do rio guesthouse in alfama, 15-19 march, 4 nights "
                                         "at €92/night.")])
    now = "2026-12-09T18:00"
    assert answered(svc, "whats my student number", now).startswith("Not mentioned")
    assert answered(svc, "what room number am i in at the lisbon hotel", now).startswith("Not mentioned")
    assert "204" in answered(svc, "whats the room number at the ryan institute", now)
    add_notes(svc, [("2026-11-13T20:00", "student number for the travel fund form: 21345678")])
    assert "21345678" in answered(svc, "whats my student number", now)


def test_a_one_line_note_that_opens_on_the_thing_gives_its_price_later_on(svc):
    # helper-146: "how much was the flight" said "Not mentioned" over a note whose last sentence priced it
    from tests.llm.test_answers import add_notes, answered
    add_notes(svc, [("2026-10-22T14:30", "flights booked for tomas wedding!! easyjet BRS-SVQ thu 10 dec 06:45, back "
                                         "mon 14 dec 19:30. booking ref EJK4Q7P. £168 return w/ a bag")])
    assert answered(svc, "how much was the flight", "2026-12-02T18:00").startswith("£168 return w/ a bag")


def test_a_line_on_the_thing_that_gives_no_sum_is_no_price_though_its_note_holds_one(svc):
    from tests.llm.test_answers import add_notes, answered
    add_notes(svc, [("2026-10-26T20:10", "car MOT due 15 nov. booked at gloucester rd garage fri 6 nov 8:30am, steve "
                                         "the mechanic. £54.85. garage 0117 942 7781")])
    # the fee of the MOT is no price of a repair the notes never tell of
    assert answered(svc, "how much was the car repair", "2026-12-02T18:00").startswith("Not mentioned")
    assert "£54.85" in answered(svc, "how much was the MOT", "2026-12-02T18:00")


def test_a_one_line_note_that_opens_on_someone_gives_their_number_at_its_end(svc):
    # helper-146: "physio phone number" said "the evidence on it names no number"
    from tests.llm.test_answers import add_notes, answered
    add_notes(svc, [("2026-11-15T12:30", "physio booked: priya shah at clifton physio, tue 17 nov 10:15. £55 per "
                                         "session. 0117 973 5520")])
    assert answered(svc, "physio phone number", "2026-12-02T18:00").startswith("0117 973 5520")
    assert answered(svc, "whats the dentist phone number", "2026-12-02T18:00").startswith("Not mentioned")

"""A chat's follow-up questions, rewritten into the questions they stand for."""

from __future__ import annotations

import pytest

from recall_cli.llm.ask import ask
from recall_cli.llm.followup import follow_up
from recall_cli.timeutil import parse_time
from tests.fakes import ScriptedLLM

RORY = [("When is Rory's birthday?", "22 November")]


@pytest.mark.parametrize(("question", "meant"), [
    ("what did I get him?", "what did I get Rory?"),
    ("when is her birthday?", "when is Rory's birthday?"),  # "her" before a noun is hers
    ("did I give her the book?", "did I give Rory the book?"),
    ("what did he say about it?", "what did Rory say about it?"),
    ("and Meabh?", "When is Meabh's birthday?"),  # the possessive goes with the new name
    ("what did Anna get him?", "what did Anna get him?"),  # names someone itself: left alone
])
def test_a_pronoun_in_a_follow_up_is_the_person_the_last_question_named(question, meant):
    assert follow_up(question, RORY) == meant


def test_a_pronoun_is_left_alone_when_the_last_question_named_no_one_or_several():
    assert follow_up("what did I get him?", [("when is my dentist appointment?", "x")]) == "what did I get him?"
    assert follow_up("what did I get him?", [("did Anna meet Tom?", "x")]) == "what did I get him?"


def test_a_chain_of_follow_ups_keeps_the_person_through_each_step():
    history = [*RORY, ("what did I get him?", "a hip flask")]
    assert follow_up("and Meabh?", history) == "what did I get Meabh?"


def test_ask_answers_a_follow_up_about_him_from_the_note_about_that_person(svc):
    svc.add("Rory's birthday is on 22 November; he turns 40.", ts=parse_time("2025-10-01T19:00"))
    svc.add("Bought Rory an engraved hip flask for his 40th.", ts=parse_time("2025-10-20T19:00"))
    svc.add("Bought Meabh a soy candle for her birthday.", ts=parse_time("2025-10-22T19:00"))
    answer = ask(svc, "what did I buy him?", llm=ScriptedLLM([]), history=RORY)
    assert answer.question == "what did I buy Rory?"
    assert "hip flask" in answer.text


@pytest.mark.parametrize(("answer", "meant"), [
    ("Tomas is moving to Porto next month; he starts at a bakery there. [3]", "how much do I owe Tomas?"),
    ("Tomas and Ines are moving to Porto. [3]", "how much do I owe him?"),  # two: which one is unknown
])
def test_a_pronoun_after_a_who_question_is_the_person_its_answer_named(answer, meant):
    assert follow_up("how much do I owe him?", [("who is moving to Porto?", answer)]) == meant


def test_a_pronoun_after_who_is_someone_is_still_that_someone():
    assert follow_up("what did I get him?", [("who is Rory?", "Rory is my brother [2]")]) == "what did I get Rory?"


def test_chat_answers_how_much_do_i_owe_him_about_the_person_the_last_answer_named(svc):
    svc.add("Tomas is moving to Porto next month; he starts at a bakery there.", ts=parse_time("2026-11-01T19:00"))
    svc.add("I owe Tomas 40 euros for the concert tickets.", ts=parse_time("2026-11-02T19:00"))
    first = ask(svc, "who is moving to Porto?", llm=ScriptedLLM([]))
    assert first.text.startswith("Tomas")
    answer = ask(svc, "how much do I owe him?", llm=ScriptedLLM([]), history=[("who is moving to Porto?", first.text)])
    assert "40 euros" in answer.text


def test_and_when_was_that_asks_the_last_question_again_asking_when(svc):
    assert follow_up("and when was that?", [("where did we adopt Biscuit?", "x")]) == "When did we adopt Biscuit?"
    assert follow_up("where was it?", [("when did we adopt Biscuit?", "x")]) == "Where did we adopt Biscuit?"
    svc.add("We adopted Biscuit from the Greyhound Trust in Bristol today.", ts=parse_time("2025-04-12T18:00"))
    svc.add("Got Rory a red kite for his birthday.", ts=parse_time("2026-07-10T18:00"))
    svc.add("Rory's birthday is on 14 July.", ts=parse_time("2026-06-01T18:00"))
    now = parse_time("2026-08-01T12:00")
    history = [("where did we adopt Biscuit?", "We adopted Biscuit from the Greyhound Trust in Bristol today. [1]")]
    assert ask(svc, "and when was that?", llm=ScriptedLLM([]), reference=now, history=history).text == \
        "12 April 2025 [1]"
    # what was asked is in the answer: the kite's day, not the birthday's
    history = [("what did I get Rory?", "Got Rory a red kite for his birthday. [2]")]
    assert ask(svc, "and when was that?", llm=ScriptedLLM([]), reference=now, history=history).text == \
        "10 July 2026 [2]"


@pytest.mark.parametrize(("previous", "question", "meant"), [
    ("when is the NCT test?", "and the insurance?", "when is the insurance?"),
    ("where did I put my passport?", "and my car keys?", "where did I put my car keys?"),
    ("how much was the boiler service?", "what about the chimney sweep?", "how much was the chimney sweep?"),
    ("When is Rory's birthday?", "and my sister?", "When is my sister's birthday?"),  # a relative is a person
])
def test_and_the_other_thing_asks_the_last_question_about_that_thing(previous, question, meant):
    assert follow_up(question, [(previous, "x")]) == meant


def test_chat_answers_and_the_insurance_with_the_insurance_date_not_the_last_answer(svc):
    svc.add("NCT test booked for 14 January at 9:20, Deansgrange centre.", ts=parse_time("2026-12-01T19:00"))
    svc.add("Car insurance renews on 3 February; Aviva want 612 euros this year.", ts=parse_time("2026-12-02T19:00"))
    now = parse_time("2026-12-07T12:00")
    first = ask(svc, "when is the NCT test?", llm=ScriptedLLM([]), reference=now)
    assert first.text.startswith("14 January 2027")
    answer = ask(svc, "and the insurance?", llm=ScriptedLLM([]), reference=now,
                 history=[("when is the NCT test?", first.text)])
    assert answer.text.startswith("3 February 2027")

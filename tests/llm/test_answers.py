"""Abstention, short answers from the evidence, and the check of a model's answer, on small
hand-made stores (not LoCoMo): a two-person chat, and a new user's notes."""

from __future__ import annotations

import os
from functools import partial
from typing import Any

import pytest

from recall_cli.llm.ask import ABSTAIN, ask, cut_at, generate
from recall_cli.llm.check import grounded, names_in
from recall_cli.llm.kind import question_kind
from recall_cli.llm.model import Chat, Usage
from recall_cli.llm.shape import best_statement, later_update
from recall_cli.llm.support import assess, key_words, names_in_question, ownership, predicate_of, stem, words
from recall_cli.models import Hit
from recall_cli.timeutil import parse_time
from tests.fakes import ScriptedLLM

T0 = parse_time("2023-05-25T18:00")  # a Thursday


class SizedLLM(ScriptedLLM):
    """A scripted model that says how big it is (``ask.model_answers = auto`` reads it)."""

    def __init__(self, outputs, parameters: int) -> None:
        super().__init__(outputs)
        self.parameters = parameters


@pytest.fixture
def chat_store(svc):
    """Caroline and Melanie talk: Melanie ran a charity race, Caroline researches adoption."""
    turns = [
        ("Melanie", "Hey Caroline! I ran a charity race for mental health last Saturday. It was so rewarding."),
        ("Caroline", "That charity race sounds great, Mel! I'm really proud of you."),
        ("Melanie", "Thanks! The race made me realize that self-care is really important."),
        ("Caroline", "I've been researching adoption agencies lately. It's a big step for me."),
        ("Melanie", "Wow, that's huge! What made you pick the agency?"),
        ("Caroline", "They help LGBTQ+ folks with adoption. Their inclusivity spoke to me."),
    ]
    for i, (who, text) in enumerate(turns):
        svc.add(text, ts=T0 + i * 60, actor=who, source="chat", session="s1")
    return svc


@pytest.fixture
def notes(svc):
    """A new user's notes, each a plain note without a speaker."""
    for ts, text in [
        ("2026-03-02T09:00", "Started reading Piranesi by Susanna Clarke; loving it so far."),
        ("2026-03-10T17:30", "Took the car in for its 30,000 km service at Dave's garage, new brake pads too."),
        ("2026-04-01T12:00", "Kyoto trip booked: 3-10 November, flying from Lisbon."),
        ("2026-04-03T08:00", "To restart the home NAS after an update: ssh nas, then sudo systemctl restart smbd."),
        ("2026-04-05T10:00", "Maya's birthday is 3 May; she wants a film camera."),
    ]:
        svc.add(text, ts=parse_time(ts))
    return svc


# -- abstention -------------------------------------------------------------------------------
@pytest.mark.parametrize("question", [
    "What did Melanie realize after her charity race?",
    "Why did Caroline pick the adoption agency?",
    "What is Caroline researching?",
])
def test_questions_the_evidence_supports_are_answered(chat_store, question):
    answer = ask(chat_store, question, llm=ScriptedLLM([], default="unused"))
    assert not answer.abstained, answer.reason


@pytest.mark.parametrize(("question", "why"), [
    ("What did Caroline realize after her charity race?", "about someone other than Caroline"),
    ("Why did Melanie pick the adoption agency?", "about someone other than Melanie"),
    ("What is the airspeed of an unladen swallow?", "no evidence item is about the question's subject"),
    ("What did Melanie realize after her charity race in Barcelona?", "the evidence never mentions Barcelona"),
])
def test_questions_the_evidence_does_not_support_are_not_mentioned(chat_store, question, why):
    llm = ScriptedLLM(["should not be asked"])
    tokens: list[str] = []
    answer = ask(chat_store, question, llm=llm, on_token=tokens.append)
    assert answer.abstained and answer.text == ABSTAIN and why in answer.reason
    assert llm.prompts == [] and tokens == [ABSTAIN]  # decided before the model, not by it


def test_a_name_the_evidence_mentions_in_any_form_lets_the_question_through(notes):
    for question in ("Which book by Susanna Clarke did I start?", "Who wrote PIRANESI?",
                     "When is the trip to Kyoto?", "What did I do at Dave's garage?"):
        answer = ask(notes, question, llm=ScriptedLLM([], default="unused"))
        assert not answer.abstained, (question, answer.reason)


def test_the_names_a_question_gives_are_its_capitalised_words_less_people_and_calendar_words():
    assert names_in_question("What did Jon take a trip to Barcelona for?", ["Jon"]) == ["Barcelona"]
    assert names_in_question("What does John like about Lebron James on Aug 15th?", ["John"]) == ["Lebron James"]
    assert names_in_question("What LGBTQ+ events has Caroline attended in May?", ["Caroline"]) == ["LGBTQ"]
    assert names_in_question("Where did I park? Near the Old Mill.") == ["Old Mill"]
    assert names_in_question("Where did Sam leave the key?", ["Sam"]) == []


def test_whom_a_turn_is_about_follows_the_grammar_of_conversation():
    def hit(actor: str, text: str) -> Hit:
        return Hit(owner="event", id=1, score=1.0, ts=T0, text=text, source="chat", actor=actor)

    said = ownership(hit("Caroline", "That charity race sounds great, Mel! I'm proud of you. Did it rain?"),
                     "Melanie", ["Caroline", "Melanie"])
    assert said.person == ["That charity race sounds great, Mel!", "I'm proud of you."]  # said to Melanie
    assert said.other == ["I'm proud of you."]  # and Caroline's own feeling; the question asserts nothing
    own = ownership(hit("Melanie", "I ran a charity race. Caroline, you would love it."), "Melanie",
                    ["Caroline", "Melanie"])
    assert own.person == ["I ran a charity race."] and own.other == ["Caroline, you would love it."]
    note = Hit(owner="event", id=2, score=1.0, ts=T0, text="Sam's key is under the pot.", source="note")
    assert ownership(note, "Sam", ["Sam"]).person == ["Sam's key is under the pot."]


def test_a_question_naming_nobody_known_is_judged_by_its_key_words_only(notes):
    found = assess("Where did Sam leave the key?", [], speakers=lambda w: None, min_support=0.25)
    assert found.abstain == "no evidence"
    assert key_words("What kind of book did Caroline read recently in May 2023?", ["Caroline"]) == {"book", "read"}


def test_the_share_of_key_words_is_configurable(notes):
    notes.config.values["ask.min_support"] = 0.9
    assert ask(notes, "When did I get the car serviced at the dealer?", llm=ScriptedLLM([])).abstained
    notes.config.values["ask.min_support"] = 0.25
    assert not ask(notes, "When did I get the car serviced at the dealer?", llm=ScriptedLLM([])).abstained


# -- the new user's questions -----------------------------------------------------------------
def test_when_did_i_get_the_car_serviced_is_answered_with_its_date(notes):
    answer = ask(notes, "When did I get the car serviced?", llm=ScriptedLLM([]))
    assert answer.text == "10 March 2026 [2]" and answer.method == "date" and not answer.abstained


def test_a_trip_is_answered_with_its_whole_range(notes):
    answer = ask(notes, "When am I going to Kyoto?", llm=ScriptedLLM([]))
    assert answer.text == "3-10 November 2026 [3]"


def test_how_do_i_is_answered_with_the_steps_never_the_question(notes):
    notes.add("How do I restart the NAS?", ts=parse_time("2026-04-06T09:00"), actor="user", source="chat",
              session="c1")
    llm = ScriptedLLM(["Restart the NAS by restarting the NAS by restarting the NAS"])
    answer = ask(notes, "How do I restart the NAS?", llm=llm)
    assert answer.text == "1. ssh nas\n2. sudo systemctl restart smbd [4]" and answer.method == "steps"
    assert llm.prompts == []
    # asked as people ask it: "remind me how I'm supposed to ..."
    answer = ask(notes, "remind me how I'm supposed to restart the NAS", llm=llm)
    assert answer.text == "1. ssh nas\n2. sudo systemctl restart smbd [4]" and answer.method == "steps"


def test_a_wrong_title_that_reuses_evidence_words_is_caught(notes):
    tokens: list[str] = []
    llm = ScriptedLLM(["The Overstory by Susanna Clarke [1]."])
    answer = ask(notes, "Which book by Susanna Clarke am I reading?", llm=llm, on_token=tokens.append)
    assert answer.generated == "The Overstory by Susanna Clarke [1]."
    assert "Piranesi" in answer.text and "Overstory" not in answer.text
    assert "'Overstory' is not in the evidence" in answer.reason
    assert tokens == [answer.text]  # the rejected answer was never released


def test_the_right_title_is_kept(notes):
    answer = ask(notes, "Which book by Susanna Clarke am I reading?", llm=ScriptedLLM(["Piranesi [1]"]))
    assert answer.text == "Piranesi [1]" and answer.method == "model" and answer.generated is None


def test_a_small_model_leaves_free_answers_to_the_evidence_and_a_large_one_writes_them(notes):
    small = SizedLLM(["Piranesi [1]"], parameters=135_000_000)
    answer = ask(notes, "Which book by Susanna Clarke am I reading?", llm=small)
    assert small.prompts == [] and answer.method == "evidence"
    assert answer.text == "Started reading Piranesi by Susanna Clarke; loving it so far. [1]"
    large = SizedLLM(["Piranesi [1]"], parameters=1_500_000_000)
    assert ask(notes, "Which book by Susanna Clarke am I reading?", llm=large).text == "Piranesi [1]"
    notes.config.values["ask.model_answers"] = "always"
    assert ask(notes, "Which book by Susanna Clarke am I reading?", llm=SizedLLM(["Piranesi [1]"], 1)).method == \
        "model"
    notes.config.values["ask.model_answers"] = "sometimes"
    with pytest.raises(Exception, match="ask.model_answers must be auto, always or never"):
        ask(notes, "Which book by Susanna Clarke am I reading?", llm=large)


def test_the_models_not_knowing_is_honoured_only_when_configured(notes):
    said = "I don't know."
    answer = ask(notes, "Which book by Susanna Clarke am I reading?", llm=ScriptedLLM([said]))
    assert not answer.abstained and answer.generated == said and "Piranesi" in answer.text
    notes.config.values["ask.model_abstains"] = True
    answer = ask(notes, "Which book by Susanna Clarke am I reading?", llm=ScriptedLLM([said]))
    assert answer.abstained and answer.text == ABSTAIN


def test_a_list_question_combines_several_items(chat_store):
    chat_store.add("Melanie: I also do pottery on Sundays and swim in the lake.", ts=T0 + 900, source="note")
    chat_store.config.values["ask.model_answers"] = "never"
    answer = ask(chat_store, "What activities does Melanie do?", llm=ScriptedLLM([]))
    assert answer.method == "list" and len(answer.citations) >= 1 and "pottery" in answer.text


def test_question_kinds():
    assert question_kind("When am I going to Kyoto?") == "date"
    assert question_kind("In what year did Jon move?") == "date"
    assert question_kind("How do I restart the NAS?") == "steps"
    assert question_kind("How long has Caroline had her friends?") == "duration"
    assert question_kind("What activities does Melanie partake in?") == "list"
    assert question_kind("Where is Sam's key?") == "other"
    assert question_kind("What's the routine for getting the motorbike going on a cold morning?") == "steps"
    assert question_kind("How am I doing for money this month?") == "other"  # no way of doing it
    # a clause that sets the scene is not what is asked
    assert question_kind("When the prod disk filled up, what did I run to fix it?") == "other"
    assert question_kind("After the move, how do I forward my mail?") == "steps"
    assert question_kind("When did the disk fill up, and what did I run?") == "date"
    # a thing a day names is no day: "day rate", "day trip"
    assert question_kind("What day rate did I agree with Kestrel?") == "other"
    assert question_kind("Which day trip did we take in Lisbon?") == "other"
    assert question_kind("What day is bin day?") == "date"


# -- the check of a model's answer, and bounded generation ------------------------------------
def test_names_and_numbers_in_an_answer_must_be_in_the_evidence():
    evidence = ["[1] 2 March 2026: Started reading Piranesi by Susanna Clarke"]
    assert names_in("The Overstory by Susanna Clarke") == ["Overstory", "Susanna", "Clarke"]
    assert grounded("The Overstory by Susanna Clarke", "What am I reading?", evidence) == \
        (False, "'Overstory' is not in the evidence")
    assert grounded("Piranesi, by Susanna Clarke", "What am I reading?", evidence) == (True, "")
    assert grounded("Reading 3 books", "What am I reading?", evidence)[0] is False
    assert grounded("Yes", "Am I reading Piranesi?", evidence) == (True, "")
    assert stem("serviced") == stem("service") == stem("servicing")


def test_generation_ends_at_the_first_line_or_where_it_starts_repeating():
    assert cut_at("Under the blue pot [1].\nQuestion: where") == len("Under the blue pot [1].")
    looped = "the key is under the pot and the key is under the pot and"
    assert looped[: cut_at(looped)].strip() == "the key is under the pot and"
    assert generate(ScriptedLLM([looped]), Chat("s", "u"), 64) == "the key is under the pot and"
    assert cut_at("Under the blue") is None
    assert cut_at("word " * 200, max_chars=50) <= 50


def test_generation_stops_the_model_early():
    class Endless(ScriptedLLM):
        def stream(self, chat, **kwargs):
            self.prompts.append(chat)
            self.last_usage = Usage()
            self.closed = False
            try:
                while True:
                    yield "again and "
            finally:
                self.closed = True

    llm = Endless([])
    assert generate(llm, Chat("s", "u"), 64) == "again and"
    assert llm.closed


def test_the_answer_prompt_bounds_generation(notes):
    llm = ScriptedLLM(["Piranesi [1]"])
    ask(notes, "Which book by Susanna Clarke am I reading?", llm=llm)
    chat = llm.prompts[0]
    assert "\n" in chat.stop and chat.repeat_penalty and chat.repeat_penalty > 1.0


def test_a_title_with_a_full_stop_does_not_end_the_sentence(svc):
    svc.add("Dentist on the 14th at 9:15 with Dr. Patel. Bring the insurance card.", ts=T0)
    answer = ask(svc, "Who is my dentist?", llm=ScriptedLLM([]))
    assert answer.text == "Dentist on the 14th at 9:15 with Dr. Patel. [1]"


def test_a_notes_heading_tells_what_its_lines_are_about(svc):
    svc.add("Flat hunting\n- 3 viewings booked:\n  - Thu 26 Penha de França, T1, €1,020\n"
            "  - Thu 26 Alvalade, T1+1, €1,150", ts=T0)
    svc.add("- Penha de França T1 €1,020 - 4th floor no lift (88 steps), damp in bedroom -> NO.\n"
            "- Alvalade T1+1 - lift, box room -> YES", ts=T0 + 60,
            meta={"heading": "Flat move > Options seen", "path": "/notes/flat-move.md"})
    answer = ask(svc, "Why didn't I take the Penha de França flat?", llm=ScriptedLLM([]))
    assert "4th floor no lift" in answer.text


def test_a_price_asked_is_answered_with_money_not_a_phone_number(svc):
    svc.add("Van\n- clutch: Mick's rang back, 0113 496 0011\n"
            "- 13 Oct - CLUTCH kit fitted at Mick's. £720 + VAT = £864.", ts=T0)
    answer = ask(svc, "How much did I pay for the van's clutch?", llm=ScriptedLLM([]))
    assert "£864" in answer.text and "0113" not in answer.text


def test_who_is_the_role_is_answered_by_the_line_that_names_the_role(svc):
    svc.add("## Finger injury\n- Sun 22 Mar, Sintra (Peninha), right ring finger, half crimp, pop\n"
            "- physio: Joana Reis, Fisio Campo de Ourique, 213 960 512\n- dx: A2 pulley strain", ts=T0)
    answer = ask(svc, "Who is the physio treating my finger?", llm=ScriptedLLM([]))
    assert "Joana Reis" in answer.text


def test_a_relative_asked_by_name_is_the_one_a_turn_calls_my_dad(svc):
    # the notes call him by the family's word ("Pai"); the user told the assistant "my dad"
    svc.add("Pai's cardiology appointment moved to Tue 26 May", ts=T0)
    svc.add("Taking my dad to cardiology on 26 May at 9:40", ts=T0 + 60, actor="user", source="chat")
    answer = ask(svc, "When is Dad's cardiology appointment?", llm=ScriptedLLM([]))
    assert not answer.abstained, answer.reason
    assert "26 May" in answer.text


def test_a_name_the_question_gives_must_be_in_the_evidence_on_its_subject(svc):
    svc.add("Sam's spare key is under the blue pot", ts=T0)
    svc.add("Lena's birthday is 14 August", ts=T0 + 60)
    answer = ask(svc, "Where is Sam's spare key?", llm=ScriptedLLM([]))
    assert answer.text == "Sam's spare key is under the blue pot [1]"
    for question in ("Where is Lena's spare key?", "When is Sam's birthday?"):
        answer = ask(svc, question, llm=ScriptedLLM([]))
        assert answer.abstained and answer.reason.startswith("the evidence on this is about someone other than")


def test_a_place_in_the_question_is_not_whose_thing_it_is(svc):
    svc.add("Ines's favourite book is Piranesi", ts=T0)
    svc.add("Dinner in Porto booked at Cantinho for the 13th", ts=T0 + 60)
    answer = ask(svc, "Where did we book dinner in Porto?", llm=ScriptedLLM([]))
    assert not answer.abstained and "[2]" in answer.text


# -- what holds now ---------------------------------------------------------------------------------
def add_notes(svc, dated: list[tuple[str, str]]) -> None:
    """Notes written at the given times (ISO)."""
    for ts, text in dated:
        svc.add(text, ts=parse_time(ts))


def import_note(svc, path, text: str, saved: str | None = None) -> None:
    """A markdown note at ``path`` holding ``text`` (last saved at ``saved``, ISO, when given:
    an undated note's days are the ones nearest it), imported as recall import reads it."""
    path.write_text(text)
    if saved is not None:
        os.utime(path, (parse_time(saved), parse_time(saved)))
    svc.import_file(path, "markdown")


def answered(svc, question: str, now: str) -> str:
    """ask's answer (no model: the evidence's own words), asked at ``now``."""
    return ask(svc, question, llm=ScriptedLLM([]), reference=parse_time(now)).text


def test_a_relative_is_asked_about_by_any_word_for_them(svc):
    # "Mum" in the question, "Ma" in the notes: a relative, not a name the notes must say
    add_notes(svc, [("2026-08-16T21:00", "Ma's 85th. Gave her the Roberts DAB radio, the cream one, €99."),
                    ("2026-08-27T21:00", "- Hospital rang (Eye & Ear) — Ma's appt on the 8th is cancelled, consultant "
                                         "away. NEW appt Tues 29 Sept, 10.40. Same clinic.")])
    assert "Roberts DAB radio" in answered(svc, "What did I give Mum for her 85th birthday?", "2026-09-17T12:00")
    # the cancelled day's sentence is followed by the new one, written short ("appt")
    assert answered(svc, "When is Mum's eye appointment?", "2026-09-17T12:00").startswith("29 September 2026 at 10.40")


def test_a_cancelled_booking_rebooked_in_the_next_sentence_is_on_the_new_day(svc):
    add_notes(svc, [("2026-12-01T10:00", "Dinner reservation at Taberna do Mar for Friday 11 December at 20:00."),
                    ("2026-12-04T10:00", "The dinner at Taberna do Mar is cancelled; Ines can't make it. "
                                         "Rebooked for Saturday 19 December at 19:30.")])
    assert answered(svc, "When is the dinner at Taberna do Mar?", "2026-12-06T12:00").startswith(
        "19 December 2026 at 19:30")


def test_a_day_called_off_in_other_words_is_found_by_the_day_and_the_new_one_answers(svc):
    # the later note says "dental" and "the 11th", not the question's dog, teeth or booking
    add_notes(svc, [("2025-02-04T21:00", "Vet for the dog's limp. Teeth need doing: dental booked Tue 11 Mar."),
                    ("2025-03-04T21:00", "- Links Vets rang: Bram's dental on the 11th is OFF. Priya away.\n"
                                         "  NEW DATE: Thu 27 March. drop off 8.15am\n- pancakes for tea"),
                    ("2025-03-08T21:00", "Book club on the 11th is off, Moira is ill.")])
    answer = answered(svc, "When is the dog booked in to get his teeth done now?", "2025-03-23T10:30")
    assert answer.startswith("27 March 2025 [2]")


def test_when_is_asks_for_a_day_still_to_come_and_a_day_struck_through_later_gives_way(svc):
    svc.add("My dad had a total hip replacement at Holy Cross Hospital on Feb 18. Recovery is going well. "
            "His follow-up with an orthopedist is booked for May 6.", ts=parse_time("2025-03-25T23:40"),
            actor="user", source="chat", session="dad")
    # the day gone by shares more of the question; the day to come is what "when is" asks
    assert answered(svc, "When is Dad's follow-up appointment with the hip doctor at the hospital?",
                    "2025-04-20T09:30").startswith("6 May 2025")
    add_notes(svc, [("2025-04-22T21:00", "- clinic rang: Dr Paquin away at a congress\n"
                                         "- follow-up: ~~tue may 6 9h40~~ -> TUE MAY 13 13h15. same place")])
    assert answered(svc, "When is Dad's follow-up appointment with the hip doctor at the hospital?",
                    "2025-05-03T09:30").startswith("13 May 2025 at 13h15")


def test_a_move_from_one_day_to_another_and_a_later_it_moved_again_in_the_chat_give_the_last_day(svc):
    # a stay from one day to another is a range, kept whole
    svc.add("Cabin booked from 17 May to 19 May.", ts=parse_time("2025-04-01T10:00"))
    assert answered(svc, "When is the cabin booked?", "2025-04-02T10:00").startswith("17-19 May 2025")
    for ts, text in [("2025-04-17T21:15", "can you help me write a message for the family group. my sister is "
                                          "organising dad's 65th party. the restaurant double booked us so it's "
                                          "moving from sat 17 may to sun 18 may, at Karczma Pod Lipa instead."),
                     ("2025-04-17T21:16", "Here's a draft for the family group."),
                     ("2025-04-25T18:30", "lol it's moved AGAIN. cousin's daughter has her first communion on sun "
                                          "18th and half the family is going. now it's SAT 24 MAY, same place.")]:
        if ts.startswith("2025-04-25"):  # the first message alone: the day it moves to, not from
            assert answered(svc, "When is dad's 65th party?", "2025-04-20T10:00").startswith("18 May 2025 [2]")
        who = "assistant" if text.startswith("Here") else "user"
        svc.add(text, ts=parse_time(ts), actor=who, source="chat", session="party")
    # the later message says "it", not the party, and gives the day in the sentence after
    assert answered(svc, "When did dad's 65th party end up happening?", "2025-06-02T21:10").startswith(
        "24 May 2025 [4]")


def test_a_line_that_opens_an_indented_list_is_answered_with_its_items(svc):
    add_notes(svc, [("2025-05-14T21:00", "- portkod changed AGAIN, 2719 from today\n"
                                         "- Kasia sent list of stuff to bring from sweden:\n"
                                         "  - kalles x4 (tata + wujek marek)\n  - ballerina x2 for the kids\n"
                                         "- guests 31 now")])
    assert answered(svc, "What did Kasia want me to bring from Sweden?", "2025-05-20T10:00") == (
        "- Kasia sent list of stuff to bring from sweden: kalles x4 (tata + wujek marek); ballerina x2 for the kids. "
        "[1]")


def test_a_question_naming_only_a_day_says_when_a_plan_then_was_moved_or_called_off(svc):
    add_notes(svc, [("2026-11-28T10:00", "Dentist with Dr. Okafor on Tuesday 8 December at 9:00"),
                    ("2026-12-01T10:00", "Haircut at Barbearia Lusa on Saturday 12 December at 11:00"),
                    ("2026-12-02T10:00", "Rescheduled the dentist to Thursday 10 December, 15:00"),
                    ("2026-12-04T10:00", "Barbearia Lusa cancelled my Saturday haircut, need to rebook")])
    assert answered(svc, "what is on Tuesday?", "2026-12-06T09:00") == (
        "Dentist with Dr. Okafor on Tuesday 8 December at 9:00 (since changed: Rescheduled the dentist to "
        "Thursday 10 December, 15:00) [1] [3]")
    assert answered(svc, "what's happening on Saturday?", "2026-12-06T09:00").startswith(
        "Haircut at Barbearia Lusa on Saturday 12 December at 11:00 (since changed: Barbearia Lusa cancelled")
    # the new day lists the change itself
    assert answered(svc, "what's on Thursday?", "2026-12-06T09:00").startswith(
        "Rescheduled the dentist to Thursday 10 December")


def test_what_is_on_this_week_lists_the_plans_for_the_rest_of_it_not_what_was_done_today(svc):
    add_notes(svc, [("2026-12-07T09:00", "dentist on Thursday 10 December at 3pm"),
                    ("2026-12-07T09:05", "book club at Jen's on Saturday 12 December, bring the wine"),
                    ("2026-12-07T09:06", "went to the cinema with Sam, saw Dune")])
    expected = ("dentist on Thursday 10 December at 3pm; book club at Jen's on Saturday 12 December, bring the "
                "wine; and 1 more (recall search shows them) [1] [2]")
    assert answered(svc, "what's on this week?", "2026-12-07T10:00") == expected
    assert answered(svc, "what have I got on this week?", "2026-12-07T10:00") == expected
    assert answered(svc, "what am I doing this month?", "2026-12-07T10:00") == expected
    # what was done this week is what was written in it
    assert "went to the cinema" in answered(svc, "what did I do this week?", "2026-12-07T10:00")


def test_how_many_in_the_end_is_the_last_count(svc):
    add_notes(svc, [("2025-04-01T21:00", "easter lunch: prish's folks coming too (bala + kamini), so 10 of us there"),
                    ("2025-04-17T21:00", "uncle bala + aunty kamini: kamini's brother in hospital in stanger -> "
                                         "they'll go up there sun, so NOT coming easter lunch -> 12")])
    assert answered(svc, "How many of us were there for Easter lunch in the end?", "2025-04-29T20:00").startswith(
        "uncle bala + aunty kamini: kamini's brother in hospital in stanger -> they'll go up there sun, so NOT "
        "coming easter lunch -> 12")


def test_how_many_of_a_kind_is_the_line_that_counts_them_not_one_that_names_them(svc):
    add_notes(svc, [("2026-10-13T20:05", "caterer quotes: spice route catering £18/head for veg + non veg buffet"),
                    ("2026-10-22T18:45", "mum wants the cousins from coventry invited so guest list is now 72"),
                    ("2026-11-28T20:30", "guest list update: 4 of the coventry lot can't make it so 68 now."),
                    ("2026-11-29T20:00", "need to sort the guest list for the party"),
                    ("2026-11-30T20:00", "guests arriving from 6pm, party till 11"),
                    ("2026-12-01T20:00", "ask the guests veg or non veg on the rsvp card"),
                    ("2026-12-02T20:00", "veg guests get the paneer, the rest the chicken"),
                    ("2026-12-03T20:00", "caterer wants the veg guests at their own tables"),
                    ("2026-12-07T21:00", "rang mum about the photographer, the cake and the mandap. 23 veg out of "
                                         "the 68. bindu needs it by fri 8 jan, and mum wants the cake sorted")])
    assert answered(svc, "how many veg guests", "2026-12-09T18:00").startswith(
        "23 veg out of the 68.")
    assert answered(svc, "how many guests are coming now", "2026-12-09T18:00").startswith(
        "guest list update: 4 of the coventry lot can't make it so 68 now.")


def test_how_much_per_head_is_the_latest_price_per_head_not_a_measure_per_group(svc):
    add_notes(svc, [("2026-10-13T20:05", "caterer quotes: spice route catering £18/head for veg + non veg buffet"),
                    ("2026-11-19T22:12", "how much payasam per head for 68 people at the party"),
                    ("2026-11-20T20:15", "kerala kitchen leeds quote - bindu thomas. £21/head, sadya style + appam."),
                    ("2026-12-02T17:00", "1. 0.2M sodium thiosulfate, 50 cm3 per group 2. 2M hcl, 5 cm3 per group")])
    assert answered(svc, "how much per head is the food now", "2026-12-09T18:00").startswith("£21/head")


def test_what_a_trade_cost_in_the_end_is_the_bill_for_its_work_not_the_tradesmans_phone_number(svc):
    add_notes(svc, [("2026-10-26T08:40", "bathroom: plumber is craig baird (baird plumbing) 07700 900412, coming "
                                         "round thurs 29 oct 10am to look at the job"),
                    ("2026-11-20T16:40", "craig finished the plumbing. final bill at the end £3,740 (£3,450 + £290 "
                                         "floorboards), paid by bank transfer")])
    said = answered(svc, "how much was the plumber in the end", "2026-12-09T18:00")
    assert "final bill at the end £3,740" in said and "07700" not in said


def test_what_value_was_put_on_a_thing_is_answered_by_the_sum_not_the_heading(svc, tmp_path):
    import_note(svc, tmp_path / "2025-10-14-valuation.md",
                "Tue 14/10/25 \u2013 Donal's house \u2013 valuation\n\nMet the auctioneer at the house at 12 \u2013 "
                "**Ger Hartigan**. Said the house is good bones.\n\nHe'll put it in writing for the solicitor: "
                "**\u20ac285,000** \"market value at date of death\". Fee \u20ac250 + VAT for the letter.\n",
                saved="2025-10-14T20:00")
    assert answered(svc, "What value did the auctioneer put on Donal's house?", "2025-11-28T19:30").startswith(
        "He'll put it in writing for the solicitor: **\u20ac285,000**")


def test_what_was_paid_in_the_end_is_not_an_aside_in_brackets_after_it(svc):
    add_notes(svc, [("2026-10-13T20:00", "## Van\n- 13 Oct 26 - CLUTCH + dual mass flywheel (LuK kit) at Mick's. "
                                         "£720 + VAT = **£864**. (Ford wanted £1,180!!)\n- 2 Nov - wipers")])
    assert answered(svc, "How much did I pay in the end for the van's clutch?", "2026-11-01T10:00").endswith(
        "£720 + VAT = **£864**. [1]")


def test_where_a_thing_is_is_not_answered_by_a_note_that_only_names_what_it_belongs_to(svc):
    add_notes(svc, [("2026-11-20T10:00", "Lent my cordless drill to Bart"),
                    ("2026-11-21T10:00", "Replaced the brake pads on the bike, front and rear")])
    # the bike is named, the key is not: nothing says where the key is
    assert answered(svc, "where is the spare bike key?", "2026-12-01T10:00").startswith("Not mentioned")
    svc.add("The spare bike key is taped under the saddle", ts=parse_time("2026-11-22T10:00"))
    assert answered(svc, "where is the spare bike key?", "2026-12-01T10:00").startswith(
        "The spare bike key is taped under the saddle")


def test_how_to_care_for_a_thing_is_not_answered_by_the_steps_for_another_thing(svc):
    add_notes(svc, [("2026-11-20T10:00", "To keep the sourdough starter alive feed it 50g flour and 50g water "
                                         "every day and keep it in the fridge on weekdays"),
                    ("2026-11-21T10:00", "my bike chain keeps skipping on the big cog")])
    # keeping a starter alive is not keeping the plants alive
    assert answered(svc, "how do I keep my plants alive?", "2026-12-01T10:00").startswith("Not mentioned")
    assert answered(svc, "how do I keep my sourdough starter alive?", "2026-12-01T10:00").startswith(
        "To keep the sourdough starter alive feed it 50g flour")
    svc.add("Plants: water the basil every 2 days, the cactus once a month", ts=parse_time("2026-11-22T10:00"))
    assert answered(svc, "how do I keep my plants alive?", "2026-12-01T10:00").startswith(
        "Plants: water the basil every 2 days")


def test_who_holds_a_role_is_answered_by_an_item_that_names_the_role(svc):
    add_notes(svc, [("2025-09-06T20:00", "Ada + Obinna \u2014 introduction (iku aka) planning"),
                    ("2025-10-29T20:00", "- DJ: still no DJ. Ada says ask her friend Oge's brother"),
                    ("2025-10-29T21:00", "Dentist is Dr Lee on Moss Rd"),
                    ("2025-10-29T22:00", "my GP is Dr Khan at Meanwood surgery")])
    assert "[2]" in answered(svc, "Who's the DJ for Ada's introduction?", "2025-10-30T21:10")  # not the heading
    assert answered(svc, "who is my GP?", "2025-10-30T21:10").startswith("my GP is Dr Khan")
    assert answered(svc, "who is the MC for Ada's introduction?", "2025-10-30T21:10").startswith("Not mentioned")


def test_where_a_thing_was_put_is_the_last_note_that_says_where_it_is(svc):
    add_notes(svc, [("2025-01-13T21:00", "Oz trip: look at flights EDI -> ADL.\n- passport: top drawer of the bureau. "
                                         "exp Aug 2031 so fine"),
                    ("2025-02-04T21:00", "ETA approved by teatime!! passport back in the bureau drawer"),
                    ("2025-02-20T21:00", "Put a wee note through all the doors about the stair meeting."),
                    ("2025-03-08T21:00", "- travel stuff: passport, ETA printout, insurance -> all in the BLUE zip "
                                         "folder, in the fire safe in the hall press.")])
    assert "fire safe" in answered(svc, "Where did I put my passport?", "2025-03-23T10:30")
    # where an event is, is not where a thing was put: the dinner's place is not the latest word
    add_notes(svc, [("2025-03-10T21:00", "Dinner with Moira on Friday at the Ship on the Shore."),
                    ("2025-03-12T21:00", "Moira's dinner guests: Senga, Lorna and the Bells.")])
    assert "the Ship on the Shore" in answered(svc, "Where is the dinner with Moira?", "2025-03-13T10:30")


def test_how_many_now_under_a_heading_with_no_sum_is_the_last_entry_of_its_dated_log(svc):
    add_notes(svc, [("2025-03-12T21:00", "**Roof: £ paid in (per H&L)**\n- 10 Feb: 3/8 — me, Sandra, Bells\n"
                                         "- 19 Feb: 5/8 — + 1F1, Malcolm\n- 11 Mar: 7/8 — + Mr Aziz\n"
                                         "- still owed: 2F2 landlord")])
    assert answered(svc, "How many have paid their share for the roof now?", "2025-03-23T10:30") == (
        "**Roof: £ paid in (per H&L)**. - 11 Mar: 7/8 — + Mr Aziz [1]")


def test_the_watchers_record_of_a_renamed_file_answers_only_a_question_about_files(svc):
    svc.add("Renamed /notes/trip.md to /notes/paris-trip.md", source="file", kind="moved",
            ts=parse_time("2026-03-02T10:00"), meta={"path": "/notes/paris-trip.md", "from": "/notes/trip.md"})
    assert answered(svc, "What should I pack for the Paris trip?", "2026-03-05T10:00").startswith("Not mentioned")
    assert answered(svc, "When did I rename the Paris trip file?", "2026-03-05T10:00") == "2 March 2026 [1]"


@pytest.mark.parametrize(("word", "other"), [("pass", "passed"), ("class", "classes"), ("glass", "glasses"),
                                             ("address", "addresses"), ("miss", "missing")])
def test_a_word_ending_in_ss_meets_its_other_forms(word, other):
    assert stem(word) == stem(other)


def test_a_language_in_the_question_is_no_person_the_evidence_must_name(svc):
    add_notes(svc, [("2025-01-27T21:00", "Italian class: Giulia says the oral exam is prob Tues 4 Mar"),
                    ("2025-03-08T21:00", "- ORALE — Giulia emailed: PASSED!! 26/30. Moira got 28 (of course)")])
    assert names_in_question("Did I pass my Italian speaking test?") == []
    assert answered(svc, "Did I pass my Italian oral exam?", "2025-03-23T10:30").startswith(
        "- ORALE — Giulia emailed: PASSED!!")


def test_steps_come_from_the_far_stronger_search_hit_not_a_weak_one_sharing_more_words():
    from recall_cli.llm.shape import steps_answer

    procedure = Hit(owner="event", id=42, score=0.70, ts=T0, source="note",
                    text="1. basement, back left corner -> 2 valves\n2. take the valve with the RED handle\n"
                         "3. 1/4 turn = closed\n4. upstairs: open the kitchen faucet to drain the pressure",
                    meta={"heading": "Kitchen > cut the water to the RDC only", "path": "/n/kitchen.md"})
    day = Hit(owner="event", id=19, score=0.13, ts=T0, source="note",
              text="1. crew: me, Gen, Karim\n2. floating floor ripped out\n3. WATER: closed the wrong valve first\n"
                   "4. pizza at Gen's", meta={"path": "/n/2025-03-29.md"})
    keys = {stem(w) for w in ("shut", "water", "ground", "floor", "apartment")}
    made = steps_answer(keys, [procedure, day])
    assert made is not None and made.hits == [procedure]


def test_an_answer_that_points_at_another_note_is_answered_from_that_note(svc, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    import_note(svc, notes / "bike.md", "# the gnat\n\ngarage padlock: ~~4179~~ -> 2063 (changed 16 may)\n\n"
                "## 9 may\n\nRECHECK -> PASSED, wof till nov\n", saved="2025-05-23T21:00")
    import_note(svc, notes / "2025-05-16.md", "# fri 16 may\n\n- tama had it: changed the garage lock code "
                "(see bike.md)\n", saved="2025-05-16T21:00")
    # the day's line says more of the question; the note it points at says the code
    assert answered(svc, "What's the garage lock code now?", "2025-05-25T10:30") == (
        "garage padlock: ~~4179~~ -> 2063 (changed 16 may) [1] [3]")
    from recall_cli.llm.pointer import pointed_note

    assert [pointed_note(t) for t in ("notes in bike.md.", "see [[Flat|the flat]]", "no pointer here")] == [
        "bike.md", "Flat.md", None]


def test_a_line_saying_the_steps_are_in_a_note_named_in_words_is_answered_with_that_notes_steps(svc, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    import_note(svc, notes / "geyser.md", "# geyser\n\n### IF IT LEAKS AGAIN (Faiek's steps)\n"
                "1. DB board -> flip GYSR breaker OFF. always first!!\n2. close the isolating valve on the COLD pipe\n"
                "3. open the hot tap in the bath all the way\n", saved="2025-03-24T21:00")
    import_note(svc, notes / "2025-02-26.md", "# wed 26 feb\n\n- new geyser in. he showed me how to shut everything "
                "off if it ever leaks again - wrote steps in the geyser note\n", saved="2025-02-26T21:00")
    answer = answered(svc, "if the geyser starts leaking again what do i do, step by step?", "2025-04-10T20:45")
    assert answer.startswith("1. DB board -> flip GYSR breaker OFF. always first!!\n2. close the isolating valve")


def test_what_happened_in_the_askers_life_is_told_by_them_not_by_the_assistant_even_unasked_by_my(svc):
    # no "my" or "I" in the question, and the assistant's replies share more of its words
    svc.add("Dad's Corolla is stuck in Florida. Should we ship it or drive it back up?",
            ts=parse_time("2025-03-19T20:00"), actor="user", source="chat", session="car")
    svc.add("Someone could drive the car back up from Florida: two long days. Or a carrier ships the car.",
            ts=parse_time("2025-03-19T20:01"), actor="assistant", source="chat", session="car")
    svc.add("Driving the car back from Florida yourself saves money; a driver needs to be on the insurance.",
            ts=parse_time("2025-03-19T20:02"), actor="assistant", source="chat", session="car")
    svc.add("A car transporter ships the car from Florida in 7-10 days; driving it back is cheaper.",
            ts=parse_time("2025-03-19T20:03"), actor="assistant", source="chat", session="car")
    add_notes(svc, [("2025-04-03T21:00", "Karim flies down on the 9th to drive the Corolla back.")])
    assert answered(svc, "Who is driving Dad's car back from Florida?", "2025-05-03T09:30").startswith(
        "Karim flies down")


def test_a_new_users_plans_are_answered_in_their_own_words(svc):
    add_notes(svc, [("2026-11-07T13:00", "Lunch with my sister Ines at Casa Lupita. She is moving to Rotterdam in "
                                         "January."),
                    ("2026-11-18T10:00", "My nephew Tomas turns 7 on 3 January. He wants a Lego Technic set."),
                    ("2026-11-22T10:00", "Started learning Portuguese on Tuesdays and Thursdays with teacher "
                                         "Beatriz, 25 euros per lesson."),
                    ("2026-11-30T10:00", "Gym membership at FitLab costs 39 euros a month; I go Monday, Wednesday "
                                         "and Friday at 7am."),
                    ("2026-12-04T10:00", "The dinner at Taberna do Mar is cancelled; Ines can't make it. "
                                         "Rebooked for Saturday 19 December at 19:30.")])
    now = "2026-12-06T12:00"
    assert answered(svc, "When is Tomas's birthday?", now).startswith("3 January")  # turning 7 is a birthday
    assert "Monday, Wednesday and Friday at 7am" in answered(svc, "When is the gym?", now)  # not last Friday
    assert "Tuesdays and Thursdays" in answered(svc, "When is Portuguese class?", now)  # a lesson is a class
    # "cancelled; Ines can't make it" changes nothing of Ines's move
    assert answered(svc, "When does Ines move?", now).startswith("January 2027")


def test_why_is_answered_with_the_reasons_before_the_deed_on_its_line(svc):
    add_notes(svc, [("2026-07-09T21:00", "- bought a strimmer for the plot edges, Ryobi, €149."),
                    ("2026-07-14T21:00", "Strimmer — useless. Ryobi batteries don't fit the Makita ones I have, "
                                         "and the one it came with dies after 15 min. Bring it back.")])
    answer = answered(svc, "Why did I bring back the strimmer I bought?", "2026-09-17T12:00")
    assert "batteries don't fit the Makita ones" in answer and "Bring it back" in answer


def test_a_count_that_grows_is_its_latest_even_when_a_weekday_reads_like_the_thing(svc):
    add_notes(svc, [("2026-08-12T21:00", "- Wedding: 33 from home now. Carmel + family (4), the Crowleys."),
                    ("2026-09-09T21:00", "Wed 9 Sept"),  # "Wed" is no wedding
                    ("2026-09-15T21:00", "- Aoife — up to 41 from home now! The Kinsale crowd + 2 more.")])
    answer = answered(svc, "How many people from home are going out to the wedding now?", "2026-09-17T12:00")
    assert answer.startswith("- Aoife — up to 41 from home now!")


def test_a_sum_asked_from_now_on_is_the_last_of_a_dated_log_under_its_heading(svc, tmp_path):
    add_notes(svc, [("2026-12-23T21:00", "Email from Haugland (landlord): rent up to 10,200/mnd from 1 March.")])
    import_note(svc, tmp_path / "flat.md", "# flat\n\n## Rent\n- 9,600/mnd since Aug 2025\n"
                "- 23/12/26: he wants 10,200 from 1 March\n"
                "- 22/1: he offers 10,000, I say 9,700\n- 9/2/27: AGREED 9,850 from 1 March 2027\n"
                "- standing order updated 24/2\n", saved="2027-02-24T21:00")
    answer = answered(svc, "How much rent will I be paying from March?", "2027-02-25T12:00")
    assert answer.startswith("- 9/2/27: AGREED 9,850 from 1 March 2027 (before: Email from Haugland")


def test_did_i_get_it_is_answered_by_the_note_that_says_it_was_got(svc):
    add_notes(svc, [("2027-01-19T21:00", "Grant: applied Marine Research School travel grant for the Lisbon "
                                         "workshop (14-18 June)"),
                    ("2027-02-10T21:00", "- Lisbon grant: still no news"),
                    ("2027-02-15T21:00", "GRANT: got it!! Marine Research School gave 9,500 (not the full 12k but "
                                         "ok). → book Lisbon flights this week before prices go up")])
    answer = answered(svc, "Did I get the travel grant for the Lisbon workshop?", "2027-02-25T12:00")
    assert answer.startswith("GRANT: got it!!") and "book Lisbon flights" not in answer
    # a common verb alone says nothing of the thing: "got them down to €380" is the movers' price
    add_notes(svc, [("2026-05-06T21:00", "Movers moved to Sat 9 May. got them down from €420 to €380. €50 deposit."),
                    ("2026-05-14T21:00", "Sr. Nunes transferred the caução: €780 - €60 = €720. DEPOSIT BACK.")])
    assert "DEPOSIT BACK" in answered(svc, "Did I get my deposit back from Sr. Nunes?", "2026-05-20T12:00")


def test_a_price_of_a_thing_never_named_is_not_answered_by_its_owners_other_figures(svc):
    add_notes(svc, [("2026-07-15T21:00", "I've a 1976 Land Rover Series III 88, 2.25 petrol. Gearbox is jumping out "
                                         "of 3rd."),
                    ("2026-07-20T21:00", "Land Rover gearbox: settled with Mossie at €1,425 fitted, cash.")])
    answer = ask(svc, "How much did the new tyres for the Land Rover cost?", llm=ScriptedLLM([]))
    assert answer.abstained and answer.reason == "the evidence on it gives no price"
    assert "€1,425" in answered(svc, "How much did the Land Rover's gearbox cost?", "2026-09-17T12:00")


def test_a_day_is_given_with_the_time_written_after_it(svc):
    add_notes(svc, [("2027-01-26T21:00", "Police appt moved → new time Wed 10 March 09:40, same place."),
                    ("2027-01-27T21:00", "Paid the vet 3 May 45.00 for the jabs.")])
    assert answered(svc, "When is my police appointment?", "2027-02-25T12:00").startswith("10 March 2027 at 09:40")
    assert " at " not in answered(svc, "When did I pay the vet?", "2027-02-25T12:00")  # 45.00 is no time


def test_an_item_that_only_names_the_relative_holds_nothing_of_their_thing(svc):
    add_notes(svc, [("2026-04-02T21:00", "- Abschiedskaffee for Oma at the café: Sunday 19 April 15:00")])
    answer = ask(svc, "Where is Oma's armchair right now?", llm=ScriptedLLM([]))
    assert answer.abstained, answer.text


def test_a_relative_or_a_feast_in_a_question_is_no_name():
    assert names_in_question("When is Mum's eye appointment at the hospital?") == []
    assert names_in_question("Why did I take back the shoes I bought after Christmas?") == []
    assert names_in_question("What does Tim love during Halloween?") == ["Tim", "Halloween"]  # what it is about


def test_a_later_note_saying_something_changed_answers_with_what_it_replaced_after_it(svc):
    svc.add("The team offsite is in Lisbon, the team offsite hotel too.", ts=parse_time("2026-11-02T10:00"))
    svc.add("Bought a new kettle.", ts=parse_time("2026-11-03T10:00"))
    svc.add("Update: the team offsite moved to Porto.", ts=parse_time("2026-11-20T10:00"))
    answer = ask(svc, "Where is the team offsite?", llm=ScriptedLLM([]), reference=parse_time("2026-12-01T09:00"))
    assert answer.evidence[0].id == 1  # the first note matches best; the later one says what holds now
    assert answer.text == ("Update: the team offsite moved to Porto. (before: The team offsite is in Lisbon, the team "
                           "offsite hotel too.) [3] [1]")


def test_a_moved_appointment_is_answered_with_its_new_date(svc):
    svc.add("Dentist appointment on 3 May at 9am: my dentist appointment at the clinic.",
            ts=parse_time("2026-11-02T11:00"))
    svc.add("Dentist appointment moved to 10 May.", ts=parse_time("2026-11-21T10:00"))
    answer = ask(svc, "When is my dentist appointment?", llm=ScriptedLLM([]), reference=parse_time("2026-12-01T09:00"))
    assert answer.evidence[0].id == 1
    assert answer.text == "10 May 2027 [2]"


def test_a_sentence_that_moves_a_date_is_answered_with_the_new_one_unless_the_plan_is_asked(svc):
    svc.add("The exam was meant to be 15 Oct at the Clayton but it's now moved online to Thursday 22 Oct at 7pm.",
            ts=parse_time("2026-10-01T20:00"))
    assert answered(svc, "When is my exam?", "2026-10-10T09:00") == "22 October 2026 at 7pm [1]"
    assert answered(svc, "When was the exam originally?", "2026-10-10T09:00") == "15 October 2026 [1]"


def test_a_new_time_written_before_the_day_answers_and_the_plan_asked_for_is_the_first(svc):
    add_notes(svc, [("2026-11-30T09:12", "Physio appointment with Ines booked for Wednesday 9 December at 14:00"),
                    ("2026-12-01T10:00", "My sister Julia's flight from Berlin lands at Lisbon airport on 19 December "
                                         "at 16:45, flight TP555"),
                    ("2026-12-03T17:40", "Physio moved: Ines called, the appointment is now Friday 11 December at "
                                         "10:30 instead of Wednesday"),
                    ("2026-12-05T08:00", "Julia's flight delayed, new landing time 18:20 on 19 December")])
    assert answered(svc, "When does Julia land?", "2026-12-06T09:00") == "19 December 2026 at 18:20 [4]"
    assert answered(svc, "When is the physio?", "2026-12-06T09:00") == "11 December 2026 at 10:30 [3]"
    assert answered(svc, "When was the physio originally?", "2026-12-06T09:00") == "9 December 2026 at 14:00 [1]"
    assert answered(svc, "When was Julia's flight meant to land?", "2026-12-06T09:00") == (
        "19 December 2026 at 16:45 [2]")


def test_a_date_a_thing_lasts_until_is_no_change_of_the_day_it_happened(svc):
    svc.add("Booked the parking permit on 2 May, valid until 30 June.", ts=parse_time("2026-05-02T10:00"))
    assert answered(svc, "When did I book the parking permit?", "2026-05-10T10:00") == "2 May 2026 [1]"


def test_a_struck_date_or_a_change_in_brackets_does_not_answer(svc):
    svc.add("- contract translation deadline: ~~Fri 29 May~~ **Fri 22 May** (signing moved up to 25 May)",
            ts=parse_time("2026-05-13T20:00"), source="note")
    assert answered(svc, "When is the contract translation deadline?", "2026-05-14T09:00") == (
        "22 May 2026 [1]")


def test_why_a_note_says_something_changed_is_answered_with_the_lines_that_lead_up_to_it(svc):
    svc.add("Tile Style rang: Ash Grey back-ordered from the factory, 8 wks minimum.\n"
            "+ the sample went grey-blue in the north light\n"
            "-> CHANGED the kitchen floor tiles to the Honey Oak plank, in stock.\n"
            "Donal fine w/ it", ts=parse_time("2026-10-06T09:00"), source="note")
    assert answered(svc, "Why did we change the kitchen floor tiles?", "2026-10-31T12:00") == (
        "Tile Style rang: Ash Grey back-ordered from the factory, 8 wks minimum. / + the sample went grey-blue "
        "in the north light / -> CHANGED the kitchen floor tiles to the Honey Oak plank, in stock. [1]")
    # any other question gets the line itself
    assert answered(svc, "What did we change the kitchen floor tiles to?", "2026-10-31T12:00") == (
        "-> CHANGED the kitchen floor tiles to the Honey Oak plank, in stock. [1]")


def test_a_later_note_that_changes_nothing_or_another_persons_change_does_not_replace_the_answer(svc):
    svc.add("The team offsite is in Lisbon in March.", ts=parse_time("2026-11-02T10:00"))
    svc.add("Packed a bag for the team offsite.", ts=parse_time("2026-11-20T10:00"))
    answer = ask(svc, "Where is the team offsite?", llm=ScriptedLLM([]), reference=parse_time("2026-12-01T09:00"))
    assert answer.text == "The team offsite is in Lisbon in March. [1]"
    svc.add("My dentist is Dr Silva.", ts=T0, actor="Melanie", source="chat", session="s9")
    svc.add("I switched dentist, now I see Dr Costa.", ts=T0 + 60, actor="Caroline", source="chat", session="s9")
    answer = ask(svc, "Who is Melanie's dentist?", llm=ScriptedLLM([]))
    assert "Silva" in answer.text and "Costa" not in answer.text


def test_a_question_about_the_askers_own_life_is_answered_by_them_not_by_an_assistants_suggestion(svc):
    svc.add("We're staying in Kyoto for four nights, at the Hotel Granvia by the station.", ts=T0, actor="user",
            source="chatgpt", session="k1")
    svc.add("In Kyoto you could be staying in Gion for the old town feel; the Hotel Kanra is a good choice.",
            ts=T0 + 60, actor="assistant", source="chatgpt", session="k1")
    answer = ask(svc, "Where are we staying in Kyoto?", llm=ScriptedLLM([]))
    assert "Granvia" in answer.text and "Kanra" not in answer.text
    answer = ask(svc, "What hotel did ChatGPT suggest in Kyoto?", llm=ScriptedLLM([]))
    assert "Kanra" in answer.text


def test_how_did_i_fix_it_is_answered_by_what_was_done_not_by_the_problem(svc):
    svc.add("The orders query is really slow, it takes 3 seconds on the dashboard.", ts=parse_time("2026-11-02T10:00"))
    svc.add("Sped up the orders query: added an index on orders.customer_id, now 40 ms.",
            ts=parse_time("2026-11-03T15:00"))
    svc.add("Lunch with Ana at the Thai place.", ts=parse_time("2026-11-03T13:00"))
    answer = ask(svc, "How did I fix the slow orders query?", llm=ScriptedLLM([]))
    assert answer.text.startswith("Sped up the orders query: added an index")


def test_how_to_fix_it_is_answered_by_what_was_done_after_the_problem_in_the_same_note(svc):
    svc.add("The boiler pressure dropped to 0.6 bar again. I topped it up to 1.5 bar using the filling loop "
            "under the sink. If it keeps dropping, call Northgate Heating.", ts=parse_time("2025-10-12T09:00"))
    answer = ask(svc, "How do I fix the boiler pressure?", llm=ScriptedLLM([]))
    assert answer.text == ("1. I topped it up to 1.5 bar using the filling loop under the sink.\n"
                           "2. If it keeps dropping, call Northgate Heating. [1]")


def test_a_change_counts_only_when_it_is_said_of_the_thing_asked_about(svc):
    add_notes(svc, [("2026-06-01T12:00", "Ana lives in Porto."),
                   ("2026-09-15T12:00", "Ana moved to Berlin last month."),
                   ("2026-10-01T10:00", "Ana's parents moved to Faro; they live by the sea now."),
                   ("2026-05-01T10:00", "My office is on the 4th floor of the Harbour building."),
                   ("2026-07-01T10:00", "My office plants moved to the window sill."),
                   ("2026-01-10T08:00", "I drink oat milk in my coffee."),
                   ("2026-08-10T08:00", "I no longer drink oat milk; switched to almond milk.")])

    told = partial(answered, svc, now="2026-12-01T09:00")

    assert told("Where does Ana live?").startswith("Ana moved to Berlin last month. (before: Ana lives in Porto.)")
    assert told("Where is my office?") == "My office is on the 4th floor of the Harbour building. [4]"
    assert told("What milk do I drink in my coffee?").startswith("I no longer drink oat milk; switched to almond milk.")


def test_a_cancelled_or_postponed_event_is_answered_as_such_not_with_a_date(svc):
    add_notes(svc, [("2026-11-09T10:00", "Haircut booked at Studio 5 on Saturday 14 November at 11:00."),
                   ("2026-11-12T10:00", "Haircut postponed, new date not fixed yet."),
                   ("2026-11-01T10:00", "Book club meets on Friday 20 November at 19:00 at Lena's place."),
                   ("2026-11-10T10:00", "Book club on 20 November is cancelled.")])
    reference = parse_time("2026-11-13T09:00")
    assert ask(svc, "When is my haircut?", llm=ScriptedLLM([]), reference=reference).text.startswith(
        "Haircut postponed, new date not fixed yet. [2]")
    assert ask(svc, "When is book club?", llm=ScriptedLLM([]), reference=reference).text.startswith(
        "Book club on 20 November is cancelled. [4]")


def test_when_does_a_thing_that_comes_every_second_week_is_answered_with_its_rhythm(svc):
    svc.add("Release train leaves every second Tuesday.", ts=parse_time("2026-12-05T12:49"))
    assert answered(svc, "When does the release train leave?", "2026-12-05T13:00") == (
        "Release train leaves every second Tuesday. [1]")  # not the day it was written


def test_when_is_bin_day_is_answered_with_the_weekday_it_falls_on_not_the_night_before(svc):
    svc.add("Bin day is Thursday: green bin one week, black bin the next. Put them out Wednesday night.",
            ts=parse_time("2026-10-01T09:00"))
    assert answered(svc, "when is bin day?", "2026-12-06T13:00") == (
        "Bin day is Thursday: green bin one week, black bin the next. [1]")  # not "Wednesday, 9 December"


def test_when_is_a_weekly_class_is_answered_with_the_days_it_recurs_then_with_the_new_ones(svc):
    svc.add("Yoga class is on Wednesdays at 18:00 at the community centre.", ts=parse_time("2026-10-01T09:00"))
    assert ask(svc, "When is yoga class?", llm=ScriptedLLM([])).text == (
        "Yoga class is on Wednesdays at 18:00 at the community centre. [1]")  # not "1 October 2026"
    svc.add("Yoga class switched to Mondays at 19:00.", ts=parse_time("2026-10-20T09:00"))
    assert ask(svc, "When is yoga class?", llm=ScriptedLLM([])).text == "Yoga class switched to Mondays at 19:00. [2]"
    svc.add("My landlord is Mr. Harris; rent is due on the 1st of each month.", ts=parse_time("2026-10-02T09:00"))
    svc.add("Book club meets on the first Monday of the month at Anna's flat.", ts=parse_time("2026-10-03T09:00"))
    assert ask(svc, "When is rent due?", llm=ScriptedLLM([])).text.startswith("My landlord is Mr. Harris; rent is due")
    assert ask(svc, "When does book club meet?", llm=ScriptedLLM([])).text.startswith("Book club meets on the first")


def test_a_later_note_saying_from_when_a_thing_holds_answers_with_the_earlier_one_before_it(svc):
    svc.add("First day at Fernhill. My manager is Priya Raman.", ts=parse_time("2026-09-02T09:00"))
    svc.add("Priya is moving to the platform team. From 16 November my manager is Tom Whitaker.",
            ts=parse_time("2026-11-02T09:00"))
    assert answered(svc, "who is my manager?", "2026-12-01T10:00") == (
        "From 16 November my manager is Tom Whitaker. (before: My manager is Priya Raman.) [2] [1]")


def test_a_change_of_what_a_notes_heading_names_answers_though_its_line_does_not_name_it(svc, tmp_path):
    from recall_cli.llm.update import later_update
    import_note(svc, tmp_path / "gym.md", "# Gym\n\nJoined PureGym on Leith Walk, \u00a324.99 a month.\n",
                saved="2026-09-14T20:00")
    import_note(svc, tmp_path / "gym switch.md", "# Gym switch\n\nSwitched from PureGym to Edinburgh Climbing "
                "Arena at Ratho.\n", saved="2026-10-20T20:00")
    old, new = (Hit.from_event(svc.store.get_event(i)) for i in (1, 2))
    # (where the old gym's line ranks first, as another note's words can make it)
    changed = later_update({"gym"}, ("Joined PureGym on Leith Walk, \u00a324.99 a month.", old), [old, new])
    assert changed is not None and changed[0].startswith("Switched from PureGym to Edinburgh Climbing Arena")
    assert answered(svc, "which gym do I go to?", "2026-12-01T10:00").startswith("Switched from PureGym")


def test_a_change_is_read_through_the_earlier_notes_own_words_and_only_of_what_is_asked(svc):
    add_notes(svc, [("2025-01-08T19:30", "My sister Priya lives in Leeds, near the university."),
                   ("2025-01-10T08:15", "Yoga class on Wednesdays at 18:30 at the community centre."),
                   ("2025-02-03T21:10", "Priya moved to Manchester for her new job at the BBC."),
                   ("2025-02-14T22:00", "Planning a trip to Lisbon from 12 to 18 April with Tom."),
                   ("2025-02-18T09:10", "Yoga class moved to Thursdays at 19:00 because the teacher changed."),
                   ("2025-02-20T16:00", "Had coffee with Anna; she recommended the book Klara and the Sun."),
                   ("2025-03-01T11:00", "Lisbon trip postponed because Tom broke his ankle."),
                   ("2025-03-24T19:00", "Anna moved to Bristol last weekend.")])

    told = partial(answered, svc, now="2025-04-10T12:00")

    # the trip is the Lisbon trip, by the earlier note's own words
    assert told("When am I going to Lisbon?").startswith("Lisbon trip postponed because Tom broke his ankle.")
    # Anna's move is no new book, a new day no new place, and another's move no answer to Priya's
    assert told("What book did Anna recommend?").startswith("Had coffee with Anna; she recommended the book Klara")
    assert "(before:" not in told("Where is the yoga class?")
    assert "Anna" not in told("Where did Priya move?")


def test_for_a_where_question_the_people_the_earlier_note_names_are_what_may_move():
    def note(i: int, text: str) -> Hit:
        return Hit("event", i, 1.0, T0 + i * 86400, text, "note")

    sister = note(1, "My sister Priya lives in Leeds, near the university.")
    hits = [sister, note(2, "Priya moved to Manchester for her new job at the BBC."), note(3, "Anna moved to Bristol.")]
    keys = key_words("Where does my sister live?")
    assert later_update(keys, (sister.text, sister), hits, where=True) == (hits[1].text, hits[1])
    assert later_update(keys, (sister.text, sister), hits, where=False) is None  # a name moves only its place


def test_a_question_word_said_in_other_words_is_supported_and_a_note_about_the_person_asked_answers(svc):
    add_notes(svc, [("2025-01-08T19:30", "My sister Priya lives in Leeds, near the university."),
                   ("2025-02-03T21:10", "Priya moved to Manchester for her new job at the BBC."),
                   ("2025-03-24T19:00", "Anna moved to Bristol last weekend."),
                   ("2025-04-02T20:30", "Lisbon flights booked: leave 10 May, return 17 May, TAP Air Portugal.")])

    told = partial(answered, svc, now="2025-04-10T12:00")

    assert told("Where does Priya work?").startswith("Priya moved to Manchester for her new job at the BBC.")  # job
    assert told("Where does Anna live?") == "Anna moved to Bristol last weekend. [3]"  # moved, not Priya's note
    assert told("Which airline am I flying with?").startswith("Lisbon flights booked")
    assert told("Where does Tom live?").startswith("Not mentioned")


def test_a_follow_up_that_names_someone_else_asks_the_last_question_about_them(svc):
    svc.add("Priya lives in Manchester now.", ts=parse_time("2025-02-03T21:10"))
    svc.add("Anna recommended Klara and the Sun; Anna loves Ishiguro.", ts=parse_time("2025-03-01T19:00"))
    svc.add("Anna lives in Bristol, near the harbour.", ts=parse_time("2025-03-24T19:00"))
    history = [("Where does Priya live?", "Priya lives in Manchester now. [1]")]
    answer = ask(svc, "and Anna?", llm=ScriptedLLM([]), history=history)
    assert answer.text == "Anna lives in Bristol, near the harbour. [3]"
    # a follow-up that names nobody new keeps to the last question's subject
    assert "Manchester" in ask(svc, "and when was that?", llm=ScriptedLLM([]), history=history).text


def test_a_follow_up_that_says_it_asks_about_the_last_questions_thing(svc):
    svc.add("Signed up for a pottery class at Clayworks: every Wednesday at 19:00. The teacher is Helen.",
            ts=parse_time("2025-10-15T19:00"))
    svc.add("Bought new glazes for the kitchen tiles.", ts=parse_time("2025-10-16T19:00"))
    history = [("When is my pottery class?", "every Wednesday at 19:00 [1]")]
    assert ask(svc, "who teaches it?", llm=ScriptedLLM([]), history=history).text == "The teacher is Helen. [1]"
    # "and when was that?" is a question of its own, not a person named "when was that"
    priya = [("Where does Priya live?", "Not mentioned")]
    assert ask(svc, "and when was that?", llm=ScriptedLLM([]), history=priya).question == "and when was that?"


def test_a_short_question_of_its_own_in_a_chat_is_answered_as_ask_answers_it(svc):
    # "what is on tomorrow?" names its own time: it is no follow-up of the last question (found
    # by a new user: chat answered with the last question's note from March)
    svc.add("Planted tomatoes in the south bed. Gran gave me the seeds.", ts=parse_time("2026-03-14T10:00"))
    history = [("who gave me the seeds?", "Gran gave me the seeds. [1]")]
    alone = ask(svc, "what is on tomorrow?", llm=ScriptedLLM([]), reference=parse_time("2026-12-06T10:00"))
    chat = ask(svc, "what is on tomorrow?", llm=ScriptedLLM([]), history=history,
               reference=parse_time("2026-12-06T10:00"))
    assert alone.text.startswith("Not mentioned") and chat.text == alone.text


def test_a_deadline_in_a_note_is_not_something_that_happened_in_the_weeks_before_it(svc):
    add_notes(svc, [("2025-11-18T16:00", "Code review with Priya: FAL-240 must be finished by 28 November."),
                    ("2025-11-03T15:30", "Production outage: the payments worker ran out of connections.")])
    assert answered(svc, "What happened on 3 November?", now="2025-11-20T12:00") == (
        "Production outage: the payments worker ran out of connections [2]")
    assert answered(svc, "What is due on 28 November?", now="2025-11-20T12:00").startswith("Code review with Priya")


def test_the_next_time_of_something_that_recurs_is_counted_on_from_the_day_it_names(svc):
    add_notes(svc, [("2025-11-02T10:00", "Bin collection changed: recycling is now every other Monday, "
                                         "the next one is 10 November.")])
    assert answered(svc, "When is the next recycling collection?", now="2025-11-20T12:00") == (
        "Monday, 24 November 2025 [1]")
    assert answered(svc, "When is the next recycling collection?", now="2025-11-05T12:00") == (
        "Monday, 10 November 2025 [1]")


def test_what_a_user_told_an_assistant_about_one_person_does_not_answer_for_another(svc):
    svc.add("My son Leo is 7 and has a severe peanut allergy, so his lunches have to be nut-free.",
            ts=parse_time("2025-09-22T07:41"), actor="user", source="chat", session="lunch")
    svc.add("Daniel's birthday is March 14; he wants a new espresso grinder.",
            ts=parse_time("2025-10-02T09:00"), actor="user", source="chat", session="gifts")
    assert answered(svc, "What is Leo allergic to?", now="2025-11-25T12:00").startswith("My son Leo is 7")  # allergy
    assert answered(svc, "What is Daniel allergic to?", now="2025-11-25T12:00").startswith("Not mentioned")


def test_an_address_is_answered_by_the_street_a_note_gives(svc):
    add_notes(svc, [("2025-10-20T18:00", "Moved into the new house at 42 Elm Street, Denver.")])
    assert answered(svc, "What is my address?", now="2025-11-25T12:00") == (
        "Moved into the new house at 42 Elm Street, Denver. [1]")


def test_what_is_now_is_answered_by_the_latest_note_of_it(svc):
    svc.add("Leo has swimming lessons every Tuesday at 5pm with Coach Ben at the Portland pool.",
            ts=parse_time("2025-10-02T12:05"), actor="user", source="chat", session="pickup")
    add_notes(svc, [("2025-10-25T10:00", "Leo's swimming lessons in Denver: Thursdays at 4:30pm, with Coach Mia.")])
    assert answered(svc, "What day are Leo's swimming lessons?", now="2025-11-25T12:00").startswith(
        "Leo's swimming lessons in Denver: Thursdays")


def test_when_is_my_trip_is_answered_by_what_i_said_not_by_the_assistants_suggestion(svc):
    svc.add("I just started my new job on November 3, and to celebrate we are going to Lisbon from December 12 "
            "to December 19.", ts=parse_time("2025-11-05T21:30"), actor="user", source="chat", session="lisbon")
    svc.add("Congratulations! For Lisbon I'd suggest Cervejaria Ramiro. Also consider a day trip to Sintra.",
            ts=parse_time("2025-11-05T21:32"), actor="assistant", source="chat", session="lisbon")
    assert answered(svc, "When is my trip to Lisbon?", now="2025-11-25T12:00") == "12-19 December 2025 [1]"


def test_a_suggestion_given_as_a_list_is_answered_with_the_whole_list(svc):
    svc.add("Any restaurant ideas for Lisbon?", ts=parse_time("2025-11-05T21:30"), actor="user", source="chat",
            session="lisbon")
    svc.add("Congratulations! For Lisbon I'd suggest:\n- Cervejaria Ramiro for seafood.\n"
            "- Taberna da Rua das Flores for small plates.\n- Time Out Market for lunch.\nAlso see Sintra.",
            ts=parse_time("2025-11-05T21:32"), actor="assistant", source="chat", session="lisbon")
    assert answered(svc, "What restaurants did ChatGPT suggest in Lisbon?", now="2025-11-25T12:00") == (
        "For Lisbon I'd suggest: Cervejaria Ramiro for seafood; Taberna da Rua das Flores for small plates; "
        "Time Out Market for lunch. [2]")


def test_what_one_assistant_suggested_is_not_answered_by_the_other(svc):
    chatgpt, claude = {"format": "chatgpt"}, {"format": "claude"}
    svc.add("Any restaurant ideas for Lisbon?", ts=parse_time("2025-11-05T21:30"), actor="user", source="chat",
            session="lisbon", meta=chatgpt)
    svc.add("For Lisbon restaurants I'd suggest Cervejaria Ramiro for seafood.", ts=parse_time("2025-11-05T21:32"),
            actor="assistant", source="chat", session="lisbon", meta=chatgpt)
    svc.add("Which winter tyres for my car?", ts=parse_time("2025-11-10T09:00"), actor="user", source="chat",
            session="tyres", meta=claude)
    svc.add("I'd look at the Bridgestone Blizzak WS90 tyres.", ts=parse_time("2025-11-10T09:01"),
            actor="assistant", source="chat", session="tyres", meta=claude)
    now = "2025-11-25T12:00"
    assert answered(svc, "What restaurants did ChatGPT suggest in Lisbon?", now=now).startswith("For Lisbon")
    assert answered(svc, "What restaurants did Claude suggest in Lisbon?", now=now).startswith("Not mentioned")
    assert "Blizzak" in answered(svc, "What tyres did Claude suggest?", now=now)


def test_what_did_i_do_leaves_out_what_the_assistant_wrote_then(svc):
    svc.add("Swapped the winter tyres on the Outback today.", ts=parse_time("2025-11-18T09:10"), actor="user",
            source="chat", session="tyres")
    svc.add("For Denver winters I'd look at the Bridgestone Blizzak WS90.", ts=parse_time("2025-11-18T09:11"),
            actor="assistant", source="chat", session="tyres")
    mine = answered(svc, "What did I do last week?", now="2025-11-25T12:00")
    assert mine.startswith("Swapped the winter tyres") and "Blizzak" not in mine
    assert "Blizzak" in answered(svc, "What happened last week?", now="2025-11-25T12:00")


def test_what_did_i_do_on_a_day_of_a_trip_diary_quotes_that_day_only(svc):
    svc.add("mon 28 - landed 8h10, got the car, walked ponta delgada.\ntue 29 - sete cidades, picnic.\n"
            "thu 31 - furnas, lunch cozido at O Caldeirão, €18 each.\nfri 1 - lagoa do fogo, my knees.",
            ts=parse_time("2025-08-04T20:00"))
    said = answered(svc, "What did I do on 31 July?", now="2025-10-27T21:10")
    assert said.startswith("thu 31 - furnas, lunch cozido at O Caldeirão") and "lagoa do fogo" not in said


def test_where_do_i_work_is_not_answered_by_where_someone_else_works(svc):
    svc.add("Where I pick Leo up now: Daniel works night shifts at St Mary's, so I do Tuesdays.",
            ts=parse_time("2025-10-02T12:05"), actor="user", source="chat", session="pickup")
    svc.add("I just started my new job at Lumen Health as a product manager, and I like the work.",
            ts=parse_time("2025-09-05T21:30"), actor="user", source="chat", session="job")
    assert answered(svc, "Where do I work now?", now="2025-11-25T12:00").startswith("I just started my new job")
    assert answered(svc, "Where does Daniel work?", now="2025-11-25T12:00").startswith("Where I pick Leo up now")


def test_an_irregular_past_answers_a_question_in_the_present(svc):
    svc.add('"A Philosophy of Software Design": Priya lent me her copy; give it back by end of November.',
            ts=parse_time("2025-11-02T10:00"))
    assert answered(svc, "Which book did Priya lend me?", now="2025-11-20T12:00").startswith(
        '"A Philosophy of Software Design"')


def test_a_rewritten_follow_up_is_searched_without_the_person_of_the_last_question(svc):
    svc.add("Anna lives in Bristol, near the harbour.", ts=parse_time("2025-03-24T19:00"))
    searched: list[str] = []

    def search(query: str, **options: Any) -> Any:
        searched.append(query)
        return svc.search(query, **options)

    ask(svc, "and Anna?", llm=ScriptedLLM([]), search=search, history=[("Where does Priya live?", "Leeds")])
    assert searched and "Anna" in searched[0] and "Priya" not in searched[0]


def test_a_later_switch_from_the_thing_a_note_names_answers_with_what_replaced_it(svc):
    add_notes(svc, [("2025-01-25T12:00", "Gym membership at PureGym costs 24 pounds a month."),
                    ("2025-02-10T07:30", "Switched from PureGym to the Better leisure centre, 35 pounds a month."),
                    ("2025-03-01T09:00", "My sister Priya lives in Leeds."),
                    ("2025-03-20T09:00", "Tom moved from Leeds to York.")])
    assert answered(svc, "Which gym do I go to?", now="2025-04-10T12:00").startswith(
        "Switched from PureGym to the Better leisure centre")
    # another person's move from the same town changes nothing of Priya's
    assert answered(svc, "Where does Priya live?", now="2025-04-10T12:00") == "My sister Priya lives in Leeds. [3]"


def test_a_thing_named_inside_a_joined_name_is_what_a_note_is_about(svc):
    # "gym" is only inside "PureGym": the note is still about the gym asked for, not "Not mentioned"
    add_notes(svc, [("2025-02-10T07:30", "Switched from PureGym to the Anytime Fitness on Elm Street because it "
                                         "opens at 5am.")])
    assert answered(svc, "Which gym do I go to?", now="2025-04-10T12:00").startswith("Switched from PureGym")
    # a joined name holds only its own words: nothing of a key asked about
    assert answered(svc, "Where is my spare key?", now="2025-04-10T12:00") == ABSTAIN


def test_when_something_started_is_answered_by_its_first_note_not_a_later_change(svc):
    add_notes(svc, [("2025-01-10T08:15", "Yoga class on Wednesdays at 18:30 at the community centre."),
                    ("2025-02-18T09:10", "Yoga class moved to Thursdays at 19:00 because the teacher changed.")])
    assert answered(svc, "When did I start yoga?", now="2025-04-10T12:00") == "10 January 2025 [1]"
    assert answered(svc, "When is yoga?", now="2025-04-10T12:00").startswith("Yoga class moved to Thursdays")


def test_a_date_question_said_in_other_words_is_answered_by_the_note_that_says_it(svc):
    add_notes(svc, [("2025-02-14T22:00", "Planning a trip to Lisbon in spring with Tom."),
                    ("2025-04-02T20:30", "Lisbon flights booked: leave 10 May, return 17 May, TAP Air Portugal.")])
    assert answered(svc, "When do I fly to Lisbon?", now="2025-04-10T12:00") == "10 May 2025 [2]"  # flights


def test_a_meeting_that_moves_is_answered_with_its_new_time(svc):
    add_notes(svc, [("2025-10-08T11:00", "The weekly Falcon team sync is on Tuesdays at 10:00 in room Orion."),
                    ("2025-10-27T09:00", "The weekly Falcon sync moves to Thursdays at 14:00 from November.")])
    assert answered(svc, "When is the weekly Falcon team sync?", now="2025-11-20T12:00").startswith(
        "The weekly Falcon sync moves to Thursdays at 14:00")


def test_a_date_question_is_answered_by_the_note_that_names_the_date(svc):
    add_notes(svc, [("2025-10-29T17:45", "Gift idea for Anna's birthday on 9 December: a ceramic mug."),
                    ("2025-11-19T10:30", "Ordered Anna's birthday gift: a Lamy Safari fountain pen.")])
    assert answered(svc, "When is Anna's birthday?", now="2025-11-20T12:00") == "9 December [1]"


def test_a_flight_is_not_answered_with_the_date_of_the_flight_back(svc):
    add_notes(svc, [("2025-10-20T12:30", "Booked the Lisbon trip: flight TP1331 from Heathrow on 12 November at 07:05, "
                                         "return flight TP1346 on 16 November at 18:40.")])
    assert answered(svc, "When is my flight to Lisbon?", now="2025-11-01T12:00") == "12 November 2025 at 07:05 [1]"
    assert answered(svc, "When is my return flight from Lisbon?", now="2025-11-01T12:00") == (
        "16 November 2025 at 18:40 [1]")


def test_how_much_is_answered_with_the_sentence_that_gives_the_amount(svc):
    add_notes(svc, [("2025-10-24T11:15", "Car service done at Halden Motors. Final bill was 245 pounds, not 189, "
                                         "because the brake pads needed replacing.")])
    assert answered(svc, "How much did the car service cost?", now="2025-11-01T12:00") == (
        "Car service done at Halden Motors. Final bill was 245 pounds, not 189, because the brake pads "
        "needed replacing. [1]")


def test_of_several_dates_the_one_after_the_word_asked_about_answers(svc):
    add_notes(svc, [("2025-04-02T20:30", "Lisbon flights booked: leave 10 May, return 17 May, TAP Air Portugal.")])
    assert answered(svc, "When do I return from Lisbon?", now="2025-04-10T12:00") == "17 May 2025 [1]"
    assert answered(svc, "When do I leave for Lisbon?", now="2025-04-10T12:00") == "10 May 2025 [1]"


def test_who_lives_somewhere_says_when_the_person_named_has_moved_away(svc):
    add_notes(svc, [("2025-01-08T19:30", "My sister Priya lives in Leeds, near the university."),
                    ("2025-02-03T21:10", "Priya moved to Manchester; Leeds was too far from work.")])
    assert answered(svc, "Who lives in Leeds?", now="2025-04-10T12:00").startswith("Priya moved to Manchester")


def test_a_number_question_is_answered_by_the_number_that_follows_its_subject(svc):
    add_notes(svc, [("2025-10-07T09:00", "Should call the plumber about the shower. Joe Fahy, 091 755 218."),
                    ("2025-10-20T09:00", "Dad has a new mobile, the old one died. New number 086 412 7730.")])
    plumber = ask(svc, "what is the plumber's phone number?", llm=ScriptedLLM([])).text
    assert "091 755 218" in plumber and "086" not in plumber
    assert "086 412 7730" in ask(svc, "what is Dad's new phone number?", llm=ScriptedLLM([])).text
    # a fee after the subject is no number of it
    svc.add("How to renew the passport: go to the consulate. The fee is 75 euros.", ts=parse_time("2025-10-21T09:00"))
    assert ask(svc, "what is my passport number?", llm=ScriptedLLM([])).abstained


def test_whether_i_did_something_is_answered_by_the_latest_note_on_it(svc):
    add_notes(svc, [("2025-10-03T20:00", "Didn't get the drill back to Declan, he was out."),
                    ("2025-10-04T20:00", "Drill back to Declan with a box of Roses for the loan.")])
    assert "box of Roses" in ask(svc, "did I give the drill back to Declan?", llm=ScriptedLLM([])).text


def test_a_notes_file_name_decides_between_sentences_that_share_no_key_word():
    chat = Hit("event", 1, 0.9, 1.0, "Budget maybe 150 a night.", "chat", "user", "s", "message", "", {})
    note = Hit("event", 2, 0.5, 1.0, "Cancelled the old membership. Joined Kingfisher at the university.", "note",
               None, "gym switch.md", "paragraph", "", {"path": "/home/n/notes/gym switch.md"})
    found = best_statement({stem("gym")}, [chat, note])
    assert found is not None and found[1] is note


def test_how_i_did_something_is_answered_by_the_steps_under_its_heading(svc, tmp_path):
    note = tmp_path / "spare room shelves.md"
    note.write_text("---\ndate: 2025-09-27\n---\n# Spare room shelves, done\n\n"
                    "Three floating shelves from IKEA over the desk in the spare room.\n\n"
                    "How I did it:\n1. Stud finder: studs at 40cm and 80cm.\n2. Marked a level line at 120cm.\n"
                    "3. Pilot holes with a 5mm bit, 60mm screws.\n\nRory says they look great.\n")
    svc.import_file(note, "markdown")
    text = ask(svc, "how did I put up the shelves in the spare room?", llm=ScriptedLLM([])).text
    assert text.startswith("1. Stud finder") and "3. Pilot holes" in text


def test_a_list_is_the_steps_of_the_line_above_that_leads_into_it():
    from recall_cli.llm.shape import steps_answer

    meta = {"heading": "puncture - how to (for future me)", "path": "/n/2025-01-18-puncture.md"}
    told = Hit(owner="event", id=48, score=0.44, ts=T0, source="note",
               text="rear flat on harehills lane, walked it the rest. fixed it myself after shift instead of taking "
                    "it to dev. writing it down so i dont have to youtube it again:",
               meta={**meta, "line_start": 3, "line_end": 3})
    listed = Hit(owner="event", id=49, score=0.15, ts=T0, source="note",
                 text="1. shift to the smallest cog at the back first\n2. open the brake quick release\n"
                      "3. open the wheel QR, pull the mech back, wheel out",
                 meta={**meta, "line_start": 5, "line_end": 7})
    keys = {stem(w) for w in ("fix", "puncture", "again")}
    made = steps_answer(keys, [told, listed])
    assert made is not None and made.hits == [listed]
    assert made.text.startswith("1. shift to the smallest cog") and "3. open the wheel QR" in made.text


def test_a_change_in_capitals_or_under_a_heading_that_names_the_thing_gives_the_new_day(svc, tmp_path):
    add_notes(svc, [("2024-10-09T21:00", "top 4 after xmas go into the cup. semis wed 19 march 8pm"),
                    ("2025-03-15T21:00", "- [ ] receipts to sian by fri!!\n- [ ] fives: semi v grangetown galacticos "
                                         "MOVED (leckwith double booked the wed). now mon 24th, 8.40pm, pitch 3.")])
    assert answered(svc, "when is the cup semi final?", "2025-03-16T20:10").startswith(
        "Monday, 24 March 2025 at 8.40pm")
    # the user's side of a chat, then a note of theirs whose heading names the thing
    svc.add("booked a surprise weekend in tenby for me and my partner carys, 14-16 feb", actor="user",
            source="chat", session="t", ts=parse_time("2024-12-02T21:06"))
    import_note(svc, tmp_path / "2025-01-27-tenby-moved.md", "# tenby - has to move\n\ncarys been put on nights "
                "the week of 10 feb, no chance.\nrang mrs lewis - moved to fri 4 april - sun 6 april, same room\n",
                saved="2025-01-27T21:00")
    assert answered(svc, "when's the tenby weekend?", "2025-03-16T20:10").startswith("4-6 April 2025")



def test_a_change_in_capitals_of_another_thing_under_the_same_heading_changes_nothing_asked(svc, tmp_path):
    import_note(svc, tmp_path / "2025-01-15-fives.md", "# fives\n\ngareth did his knee in the penarth game. "
                "vote in the group for captain - rhys tanner, 6 out of 8.\n", saved="2025-01-15T21:00")
    import_note(svc, tmp_path / "2025-03-15-fives.md", "# fives\n\n- semi v grangetown galacticos MOVED (leckwith "
                "double booked the wed). now mon 24th, 8.40pm\n", saved="2025-03-15T21:00")
    assert "rhys tanner" in answered(svc, "who's captain of the fives team now?", "2025-03-16T20:10")
    # a move of someone under a heading that names the thing is no new day for it
    import_note(svc, tmp_path / "2026-09-01-van.md", "# mum's move\n\nvan booked for sat 19 sept, 9am\n",
                saved="2026-09-01T21:00")
    import_note(svc, tmp_path / "2026-09-19-move.md", "# mum's move\n\n- moved mum into oakwood lodge today, "
                "room 12\n", saved="2026-09-19T21:00")
    assert answered(svc, "when was the van booked for mum's move?", "2026-09-20T10:00").startswith(
        "19 September 2026 at 9am")


def test_an_assistants_options_are_answered_whole_when_one_of_them_matches(svc):
    svc.add("I'm making soda bread and I don't have buttermilk. What's the best substitute?", ts=T0, actor="user",
            source="chat", session="c1")
    svc.add("You have two good options:\n\n1. **Yogurt + milk:** mix 250g natural yogurt with 150ml milk. "
            "It behaves very like buttermilk.\n2. **Soured milk:** add 1.5 tablespoons of lemon juice to 400ml "
            "milk and leave it 10 minutes.\n\nBoth give the acidity the bread soda needs.", ts=T0 + 60,
            actor="assistant", source="chat", session="c1")
    text = ask(svc, "what did the assistant suggest as a buttermilk substitute?", llm=ScriptedLLM([])).text
    assert text.startswith("You have two good options: Yogurt + milk: mix 250g")
    assert "Soured milk: add 1.5 tablespoons" in text and "**" not in text


def test_a_plan_by_weekday_is_answered_whole(svc):
    svc.add("Give me a week of nut-free lunchbox ideas?", ts=T0, actor="user", source="chat", session="c2")
    svc.add("Here's a nut-free week:\nMonday: turkey pinwheels with cucumber sticks.\nTuesday: pasta salad with "
            "peas.\nWednesday: hummus, pita and carrots.", ts=T0 + 60, actor="assistant", source="chat",
            session="c2")
    text = ask(svc, "what did the assistant suggest for nut-free lunches?", llm=ScriptedLLM([])).text
    assert text.startswith("Here's a nut-free week: Monday: turkey pinwheels with cucumber sticks; Tuesday:")
    assert "Wednesday: hummus, pita and carrots." in text


def test_a_note_found_by_its_file_name_answers_even_below_the_first_three_items():
    from recall_cli.llm.shape import statement_answer

    chats = [Hit("event", i, 0.9, 1.0, text, "chat", "user", "s", "message", "", {})
             for i, text in enumerate(["Budget maybe 150 a night.", "Perfect, thanks.", "Enjoy the trip!"], 1)]
    note = Hit("event", 9, 0.4, 1.0, "Cancelled Flyefit, last payment 1 Oct. Joined Kingfisher at the university "
               "instead, 42 a month.", "note", None, "gym switch.md", "paragraph", "", {"path": "/n/gym switch.md"})
    shaped = statement_answer({stem("gym")}, [*chats, note], reply=lambda hit: None)
    assert shaped is not None and shaped.hits == [note]
    assert shaped.text == ("Cancelled Flyefit, last payment 1 Oct. "
                           "Joined Kingfisher at the university instead, 42 a month.")
    # a key word said in the first items keeps the answer there
    assert statement_answer({stem("budget")}, [*chats, note], reply=lambda hit: None).hits == [chats[0]]


def test_a_list_item_answers_only_for_what_it_names(svc):
    # "Finished 30 Sept." belongs to the item above the one asked about
    add_notes(svc, [("2025-10-01T20:00", "- Small Things Like These by Claire Keegan. Finished 30 Sept.\n"
                                         "- Intermezzo by Sally Rooney. Started 1 Oct, library copy."),
                    ("2025-10-22T20:00", "Returned Intermezzo to the library half-read, there's a waiting list.")])
    answer = answered(svc, "did I finish Intermezzo?", "2025-11-03T12:00")
    assert "half-read" in answer and "30 Sept" not in answer


def test_an_age_as_an_ordinal_tells_a_birthday(svc):
    add_notes(svc, [("2025-10-04T20:00", "Meabh's birthday dinner at Ard Bia, six of us."),
                    ("2025-10-12T20:00", "Talked to Rory about the trip for his 40th (he's 40 on the 22nd Nov).")])
    assert "22 November" in answered(svc, "when is Rory's birthday?", "2025-11-03T12:00")


def test_my_birthday_is_not_answered_by_another_persons(svc):
    add_notes(svc, [("2025-10-04T20:00", "Meabh's birthday dinner at Ard Bia, six of us."),
                    ("2025-10-05T20:00", "Rory cooked, we watched a film.")])
    answer = ask(svc, "when is my birthday?", llm=ScriptedLLM([]), reference=parse_time("2025-11-03T12:00"))
    assert answer.abstained and "someone else" in answer.reason
    assert "Ard Bia" in answered(svc, "when is Meabh's birthday?", "2025-11-03T12:00") \
        or "4 October" in answered(svc, "when is Meabh's birthday?", "2025-11-03T12:00")


def test_a_line_of_a_note_is_a_statement_of_its_own(svc):
    add_notes(svc, [("2025-10-01T20:00", "numbers + codes\n\nbike lock (blue kryptonite) 4721\n"
                                         "Steve Ackroyd, plumber - 07700 900418 (Gary's mate, cash is fine)\n"
                                         "Ruth (bass) 07700 900772\ndepot stores ext 2214")])
    assert answered(svc, "what's the plumber's number?", "2025-10-27T12:00").startswith(
        "Steve Ackroyd, plumber - 07700 900418 (Gary's mate, cash is fine)")
    assert answered(svc, "what's my bike lock code?", "2025-10-27T12:00").startswith(
        "bike lock (blue kryptonite) 4721 [")


def test_how_i_did_something_gives_my_own_numbered_steps_over_the_line_that_tells_of_them(svc):
    steps = "\n".join(f"{n}. step {n} of the string change" for n in range(1, 15))
    svc.add("worked this out doing the E string first. this is what actually worked on mine",
            ts=parse_time("2025-10-08T20:00"))
    svc.add(steps, ts=parse_time("2025-10-08T20:01"))
    answer = answered(svc, "How did I replace the E string?", "2025-10-27T12:00")
    assert answer.startswith("1. step 1 of the string change\n2. step 2")
    assert "12. step 12" in answer and "step 13" not in answer and "(and 2 more steps in the source)" in answer


def test_a_past_tense_said_another_way_answers_whether_it_happened(svc):
    add_notes(svc, [("2025-09-08T20:00", "council tax letter came. need to ring the council"),
                    ("2025-10-16T20:00", "!!! council finally rang back. discount sorted.")])
    assert "finally rang back" in answered(svc, "Did the council ever ring back?", "2025-10-27T12:00")


def test_a_phone_number_is_a_long_number_said_of_that_person(svc):
    add_notes(svc, [("2025-09-20T20:00", "plot 17. Priyanka is 18 (left, looking from the path)."),
                    ("2025-09-23T20:00", "Priyanka says her niece has a teacher, Ruth, does bass in Chapel Allerton."),
                    ("2025-10-01T20:00", "numbers\nRuth (bass) 07700 900772\nDave (bass, old) 07700 900135")])
    assert ask(svc, "What's Priyanka's phone number?", llm=ScriptedLLM([])).abstained
    assert answered(svc, "What's Ruth's phone number?", "2025-10-27T12:00").startswith("Ruth (bass) 07700 900772")


def test_a_number_on_a_contact_list_line_is_that_persons_number_without_the_word_number(svc, tmp_path):
    # the list says no "number": its digits do; a neighbour's "her phone number" and a party
    # note's "candles (number 8)" under "# Tom's 8th birthday party" are someone else's
    add_notes(svc, [("2026-11-24T19:10", "Neighbour Gwen at number 14 - her phone number is 07700 900461.")])
    import_note(svc, tmp_path / "household.md", "# Household\n\n## Contacts\n\n- Plumber: Steve Harding, 07700 900318\n"
                "- Babysitter: Priya, 07700 900777, 9 pounds an hour\n", saved="2026-11-22T20:00")
    import_note(svc, tmp_path / "party.md", "# Tom's 8th birthday party\n\nTo buy:\n- balloons\n- candles (number 8)\n",
                saved="2026-11-29T21:00")
    assert "07700 900777" in answered(svc, "what is Priya's number?", "2026-12-07T12:00")
    assert ask(svc, "what is Steve's email?", llm=ScriptedLLM([])).abstained


def test_a_number_in_the_list_under_a_line_naming_the_person_is_theirs(svc):
    add_notes(svc, [("2026-10-19T20:00", "New enquiry - Mrs Hartley, Meanwood. fuses keep blowing, old board."),
                    ("2026-10-28T20:00", "Mrs Hartley after (Meanwood) -\n- old Wylex fuse board, no RCD\n"
                                         "- quoted £780 for a new board\n- her number 0113 496 0731 (landline)\n"
                                         "- shes 78, daughter Karen pops in"),
                    ("2026-11-07T20:00", "Karen (Mrs Hartley's daughter) rang 8am - her mum had a fall")])
    assert answered(svc, "What's Mrs Hartley's phone number?", "2026-11-28T12:00") == (
        "Mrs Hartley after (Meanwood): her number 0113 496 0731 (landline) [2]")
    assert ask(svc, "What's Karen's phone number?", llm=ScriptedLLM([])).abstained  # no number is hers


def test_an_appointment_of_another_kind_is_no_answer_to_the_dentist_one(svc):
    add_notes(svc, [("2026-09-25T20:00", "knee still swollen. Gem says GP. rang at 8am, got appt Thu 1 Oct 10.20"),
                    ("2026-10-02T20:00", "physio appt booked for Mon 12 Oct")])
    answer = ask(svc, "When is my dentist appointment?", llm=ScriptedLLM([]), reference=parse_time("2026-11-28"))
    assert answer.abstained and answer.reason == "no evidence item mentions a dentist appointment"
    assert "12 Oct" in answered(svc, "When is my physio appointment?", "2026-11-28T12:00")
    assert "12 Oct" in answered(svc, "When is my next appointment?", "2026-11-28T12:00")  # which by time: any
    answer = ask(svc, "When is my next dentist appointment?", llm=ScriptedLLM([]), reference=parse_time("2026-11-28"))
    assert answer.abstained and answer.reason == "no evidence item mentions a dentist appointment"


def test_a_thing_the_notes_name_without_the_questions_word_for_it_is_still_found(svc):
    add_notes(svc, [("2026-03-04T16:45", "Sam is in Berlin next week. The key is under the blue pot."),
                    ("2026-03-05T10:00", "car parked on level 3, bay 41")])
    assert "blue pot" in answered(svc, "where is Sam's spare key?", "2026-03-06T12:00")
    assert "level 3" in answered(svc, "where is the red car?", "2026-03-06T12:00")


def test_a_price_in_the_list_under_the_line_that_names_it_answers_how_much(svc):
    add_notes(svc, [("2026-01-24T20:00", "BOOKED LYON - Air Transat, aller ven 1 mai, retour 17 mai"),
                    ("2026-03-11T20:00", "So: REBOOKED Lyon w/ Air Transat (45 min on hold)\n"
                                         "- NEW aller: ven 8 mai, TS 232, dep YUL 19:40\n"
                                         "- change fee $150 + fare diff $87 = $237 CAD\n- same conf # K7QZ4M")])
    assert answered(svc, "How much did it cost me to rebook the Lyon flight?", "2026-03-25T12:00") == (
        "So: REBOOKED Lyon w/ Air Transat (45 min on hold). - change fee $150 + fare diff $87 = $237 CAD [2]")


def test_how_did_i_asks_what_i_did_not_the_advice_i_was_given(svc):
    svc.add("twisted my left knee last night at football training, my foot stayed planted", ts=T0, actor="user",
            source="chat", session="k1")
    svc.add("Sorry to hear that. How to look after a hurt knee:\n1. **Rest:** avoid twisting the knee\n"
            "2. **Ice:** 15-20 minutes on the knee at a time\n3. **Compression:** a tubigrip on the knee helps",
            ts=T0 + 60, actor="assistant", source="chat", session="k1")
    answer = ask(svc, "How did I hurt my knee?", llm=ScriptedLLM([]))
    assert "Rest" not in answer.text and "tubigrip" not in answer.text, answer.text


def test_how_many_now_is_the_latest_count_of_the_same_things(svc):
    add_notes(svc, [("2026-02-19T20:00", "Sou beta is LIVE on TestFlight, 12 testers (friends + Priya)"),
                    ("2026-03-14T20:00", "Sou: 19 testers now (+ Dom's coworkers). Android crash fixed.")])
    assert answered(svc, "How many beta testers does Sou have now?", "2026-03-25T12:00").startswith(
        "Sou: 19 testers now")
    assert "12 testers" in answered(svc, "How many beta testers did Sou launch with?", "2026-03-25T12:00")


def test_how_long_is_not_answered_by_an_age(svc):
    add_notes(svc, [("2026-10-21T20:00", "need to make chilli for 25 (kids football social - 14 ten year olds)"),
                    ("2026-10-23T20:00", "Chilli in both slow cookers since 10am - 8 hrs on low. 3kg mince")])
    answer = answered(svc, "How long did I cook the chilli in the slow cookers?", "2026-11-28T12:00")
    assert "ten year" not in answer and "8 hrs on low" in answer, answer


def test_what_should_i_do_is_answered_by_the_reply_to_the_turn_that_asked(svc):
    svc.add("I'm going to Lyon on 19 December for two days. What should I eat there?", ts=T0, actor="user",
            source="chat", session="lyon")
    svc.add("Try a bouchon lyonnais: quenelles, saucisson brioché and a praline tart.", ts=T0 + 60,
            actor="assistant", source="chat", session="lyon")
    answer = ask(svc, "what should I eat in Lyon?", llm=ScriptedLLM([]))
    assert "bouchon" in answer.text and "19 December" not in answer.text, answer.text


def test_the_readme_demo_questions_are_answered(svc):
    from pathlib import Path

    svc.import_file(Path(__file__).resolve().parents[2] / "examples" / "sample-week.jsonl", "jsonl")
    assert answered(svc, "where is Sam's spare key?", "2026-03-07T12:00").startswith("The key is under the blue pot.")
    assert answered(svc, "when is the dentist appointment?", "2026-03-07T12:00").startswith("5 March 2026")


def test_an_undated_note_gives_no_date_of_its_own(svc, tmp_path):
    todo = tmp_path / "todo.md"
    todo.write_text("- [ ] ring dentist\n- [x] plumber\n")
    svc.import_file(todo, "markdown")
    answer = answered(svc, "When is my next dentist appointment?", "2025-10-27T12:00")
    assert answer.startswith("- [ ] ring dentist") or answer.startswith("Not mentioned")


def test_a_short_form_in_a_note_answers_for_its_word(svc):
    add_notes(svc, [("2025-09-08T20:00", "Marek rang - mum's op date is 9th Oct."),
                    ("2025-09-09T20:00", "mum rang on the 12th Sept, all fine.")])
    assert "9 October" in answered(svc, "When is mum's operation?", "2025-09-20T12:00")


def test_how_to_a_note_gives_gets_the_whole_section_in_the_notes_order(svc, tmp_path):
    import_note(svc, tmp_path / "lab-server-howto.md",
                "# Lab server\n\n## Mounting the lab NAS\n\nHave to be on the VPN first.\n\n"
                "    sudo apt install cifs-utils\n    sudo mkdir -p /mnt/labnas\n\n"
                "- vers=3.0 is the bit that matters\n\nunmount: sudo umount /mnt/labnas\n\n"
                "## Sunday\n\nWent swimming at Blackrock.\n")
    answer = answered(svc, "How do I mount the lab NAS?", "2025-11-21T12:00")
    assert answer.startswith("Have to be on the VPN first.\n\nsudo apt install cifs-utils\nsudo mkdir -p /mnt/labnas"
                             "\n\n- vers=3.0 is the bit that matters\n\nunmount: sudo umount /mnt/labnas")
    assert "Blackrock" not in answer


def test_a_product_the_notes_call_otherwise_does_not_stop_a_how_to_answer(svc, tmp_path):
    note = tmp_path / "nas.md"
    note.write_text("# Mounting the lab NAS\n\nworks on my laptop (Ubuntu 24.04):\n\n"
                    "1. sudo apt install cifs-utils\n2. sudo mount -t cifs //labnas02/lab /mnt/labnas\n")
    svc.import_file(note, "markdown")
    answer = ask(svc, "How do I mount the lab NAS from Linux?", llm=ScriptedLLM([]))
    assert not answer.abstained and "sudo mount -t cifs" in answer.text
    assert ask(svc, "What did I cook in Lisbon?", llm=ScriptedLLM([])).abstained


def test_a_later_change_without_a_number_does_not_replace_the_number_asked_for(svc):
    add_notes(svc, [("2025-10-10T20:00", "Rang Corrib Vets for Biscuit's booster, 091 756 204, Tues 14th 5.15pm."),
                    ("2025-11-17T07:20", "07:20 Vet rang, Biscuit's dental cancelled, vet nurse out sick.")])
    answer = answered(svc, "What's the vet's phone number for Biscuit?", "2025-11-21T12:00")
    assert answer.startswith("Rang Corrib Vets") and "cancelled" not in answer


def test_a_notes_own_change_mark_below_answers_over_the_plan_above(svc, tmp_path):
    note = tmp_path / "bank.md"
    note.write_text("---\ndate: 2025-08-27\n---\n# bank switch\n\n"
                    "plan: move everything to ActivoBank (no fees, ppl at work use it)\n- gave up 15 sep\n\n"
                    "**CHANGED 19 sep: went with Banco CTT instead.** app sign up 15 min, first try.\n")
    svc.import_file(note, "markdown")
    answer = answered(svc, "Which bank did I switch to instead of ActivoBank?", "2025-10-11T12:00")
    assert answer.startswith("**CHANGED 19 sep: went with Banco CTT instead.**") and "(before: plan:" in answer


def test_a_labelled_line_of_a_note_is_a_statement_of_its_own(svc):
    add_notes(svc, [("2025-09-01T20:00", "landlord: Sr. Fernando Matos - 912 447 308 (whatsapp better, dont call "
                                         "after 21h)\nbuilding door code: 7316  (was 4471 till 30 sep) - ask Tom\n"
                                         "mailbox key = small brass one on the hook")])
    answer = answered(svc, "What's my landlord's phone number?", "2025-10-11T12:00")
    assert answer.startswith("landlord: Sr. Fernando Matos - 912 447 308") and "mailbox" not in answer


def test_what_a_running_list_holds_now_is_its_last_figure(svc):
    add_notes(svc, [("2025-10-10T20:00", "# moto\n\nfund\n- 25 aug: 1240\n- 1 sep: +300 = 1540\n"
                                         "- 10 oct: -89 helmet = 1901\n\nshortlist: Honda CB125F")])
    assert "= 1901" in answered(svc, "How much is in the motorbike fund now?", "2025-10-11T12:00")
    assert "1240" in answered(svc, "How much was in the motorbike fund at first?", "2025-10-11T12:00")


def test_a_runbook_block_with_code_answers_how_to_whole_over_a_chat_that_tells_of_the_problem(svc, tmp_path):
    svc.add("got paged at 2am for a deadlock on the ledger db. transfer handler does BEGIN; UPDATE accounts; then "
            "COMMIT. I killed the blocking backend then restarted the pods", ts=T0, actor="user", source="chat",
            session="c1")
    note = tmp_path / "oncall-runbook.md"
    note.write_text("# on-call runbook\n\n## locks\nwho blocks who on the ledger db:\n```sql\n"
                    "SELECT pid, pg_blocking_pids(pid) AS blocked_by FROM pg_stat_activity\n"
                    "WHERE cardinality(pg_blocking_pids(pid)) > 0;\n```\n"
                    "- running query -> SELECT pg_cancel_backend(pid);\n- idle in transaction -> terminate it\n")
    svc.import_file(note, "markdown")
    answer = answered(svc, "How do I find which session is blocking the others on the ledger db?", "2025-10-11T12:00")
    assert answer.startswith("who blocks who on the ledger db:\n```sql\nSELECT pid, pg_blocking_pids(pid)")
    assert "- idle in transaction -> terminate it" in answer and "paged at 2am" not in answer


def test_a_date_is_no_figure_for_a_number_question(svc):
    add_notes(svc, [("2025-09-22T20:00", "rang Filipa's extension about the number on 22 sep, before the cutoff on "
                                         "the 25th"),
                    ("2025-09-23T20:00", "Filipa in HR: ext 4471")])
    assert "4471" in answered(svc, "What's Filipa's extension number?", "2025-10-11T12:00")


def test_a_list_items_indented_line_goes_on_with_it(svc):
    add_notes(svc, [("2025-10-01T20:00", "- Harewood. adventure playground. rained off\n"
                                         "- Whitby 11/12 oct - travelodge, fish + chips, 199 steps\n"
                                         "    CANCELLED - Kuba ill. not till after xmas now\n- pierogi making")])
    assert "CANCELLED - Kuba ill" in answered(svc, "Did we go to Whitby?", "2025-10-27T12:00")


def test_a_lines_number_is_not_taken_from_the_next_line_about_another_thing(svc):
    add_notes(svc, [("2025-10-01T20:00", "numbers\nallotment gate - see allotment note, it changed\n"
                                         "Steve Ackroyd, plumber - 07700 900418")])
    answer = answered(svc, "What's the allotment gate code?", "2025-10-27T12:00")
    assert answer.startswith("allotment gate - see allotment note") and "07700" not in answer


def test_a_price_that_follows_answers_what_it_costs_though_a_date_came_first(svc):
    add_notes(svc, [("2025-09-27T20:00", "test ride 27 sep, Motos Loures, ask for Nuno. CB125F 2021, 9.800km, 2.900€. "
                                         "he'd hold it w 200€ deposit")])
    answer = answered(svc, "Which bike did I test ride, and what does it cost?", "2025-10-11T12:00")
    assert answer.startswith("test ride 27 sep, Motos Loures, ask for Nuno. CB125F 2021, 9.800km, 2.900€.")


def test_when_it_is_now_is_the_days_a_note_filed_under_it_gives(svc, tmp_path):
    add_notes(svc, [("2025-09-11T20:00", "- last thursday football. lost 5-6, last goal was on me"),
                    ("2025-08-28T20:00", "- football 20h, won 7-4, scored 2 :)")])
    note = tmp_path / "football.md"
    note.write_text("# futebol 5\n\norganiser Gonçalo, pitch in Alvalade\n\n~~thursdays 20h~~\n"
                    "**-> WEDNESDAYS 21h from 17 sep.** club gave our thursday slot to a league.\n")
    svc.import_file(note, "markdown")
    answer = answered(svc, "When is football now?", "2025-10-11T12:00")
    assert answer.startswith("-> WEDNESDAYS 21h from 17 sep.")


def test_what_a_thing_showed_is_the_notes_next_sentence_on_its_line(svc):
    add_notes(svc, [("2025-10-09T20:00", "Lukas finally ran the PCA on the holdfast community data. PC1 41%, PC2 17%. "
                                         "PC1 is basically exposed vs sheltered.\nSwam at Blackrock, 11 degrees.")])
    answer = answered(svc, "What did Lukas's PCA show?", "2025-11-21T12:00")
    assert answer.startswith("Lukas finally ran the PCA on the holdfast community data. PC1 41%, PC2 17%.")
    assert "Blackrock" not in answer


def test_when_a_sentence_names_two_years_the_one_after_the_verb_asked_about_answers(svc):
    add_notes(svc, [("2025-10-19T17:00", "My greyhound Biscuit is 6, ex-racer, retired in 2022 and we adopted him "
                                         "in March 2023 from a rescue in Limerick.")])
    assert answered(svc, "When did we adopt Biscuit?", "2025-11-21T12:00").startswith("March 2023")
    assert answered(svc, "When did Biscuit retire?", "2025-11-21T12:00").startswith("2022")



def test_a_name_written_with_a_small_first_letter_is_looked_for_whole(svc):
    add_notes(svc, [("2026-02-02T20:00", "## How to submit the weekly TPI report on ePMS\n"
                                         "1. Log in to ePMS with the firm ID.\n2. Projects, then New Report.\n"
                                         "3. Preview, then Submit. Note the ref no.")])
    answer = answered(svc, "What are the steps to submit the weekly TPI report on ePMS?", "2026-03-01T12:00")
    assert answer.startswith("1. Log in to ePMS")  # not "the evidence never mentions PMS"


def test_a_struck_through_date_does_not_answer_when(svc):
    add_notes(svc, [("2026-01-22T20:00", "## Surgery\n- ~~Appa's surgery 28 Jan (Wed), report 6:30 am~~\n"
                                         "- CHANGED 21 Jan: sugar too high. **New date for Appa: 4 Feb (Wed).**")])
    assert answered(svc, "When was Appa's surgery?", "2026-03-01T12:00").startswith("4 February 2026")


def test_a_line_that_opens_a_table_of_costs_is_answered_with_its_total_row(svc):
    add_notes(svc, [("2026-08-04T20:00", "Van passed the RWC on retest.\n\nTotal van damage for this whole saga:\n"
                                         "| what | who | $ |\n|---|---|---|\n| windscreen excess | insurance | 200 |\n"
                                         "| 2 front tyres | Tony | 390 |\n| **total** | | **590** |\n\n"
                                         "Tony says the CV boot is starting to go.")])
    answer = answered(svc, "How much did the van saga cost in total?", "2026-09-01T12:00")
    assert answer.startswith("Total van damage for this whole saga: total 590")


def test_what_i_did_is_not_answered_by_an_assistants_reply_to_my_asking_about_it(svc, tmp_path):
    svc.add("Should I charge Lumen a late fee? They are 3 weeks late with the invoice.",
            ts=parse_time("2026-07-07T23:20"), actor="user", source="chatgpt", session="late")
    svc.add("**How to structure a payment plan**\n1. Put it in writing.\n2. A late fee of 2% a month is common.",
            ts=parse_time("2026-07-07T23:21"), actor="assistant", source="chatgpt", session="late")
    import_note(svc, tmp_path / "2026-07-27.md",
                "# 2026-07-27 — call w/ Damo (Lumen)\n\n15 min call. Damo apologetic, cash flow bad.\n\n"
                "Decided NOT to add a late fee. Thought about it, but he's a good client.\n\n"
                "Going forward with Lumen:\n- 50% upfront\n- [ ] update my invoice template: 14-day terms for Lumen\n")
    answer = answered(svc, "Did I charge Lumen a late fee?", "2026-09-01T12:00")
    # the note's heading names Lumen; a to-do below it ("- [ ] update my ...") marks no change
    assert answer.startswith("Decided NOT to add a late fee.") and "(before:" not in answer


def test_the_thing_asked_about_outranks_the_names_the_question_gives(svc):
    add_notes(svc, [("2026-08-30T20:00", "Wedding run sheet\n- 3:30 ceremony — ~~on the lawn~~ → rain plan: "
                                         "barrel room veranda (Bec's call at 1:30)\n"
                                         "- 7:15 speeches (Hannah's dad, Mitch + Hannah)")])
    answer = answered(svc, "Where did Mitch and Hannah's ceremony end up happening?", "2026-09-01T12:00")
    assert "barrel room veranda" in answer and "speeches" not in answer


def test_when_is_answered_by_the_line_on_the_thing_asked_not_the_one_naming_the_person(svc):
    add_notes(svc, [("2026-04-26T20:00", "## Dates (the saga)\n- Thu 5 March Gary texts: moved to Mon 16 March\n"
                                         "- Thu 2 April: CAME. Old roof off.\n"
                                         "- Tue 14 April: FINISHED. Hose test dry.")])
    assert answered(svc, "When did Gary finish?", "2026-04-27T12:00").startswith("14 April 2026")


def test_a_thing_given_back_later_answers_where_it_is_now(svc):
    add_notes(svc, [("2026-11-20T10:00", "Lent my cordless drill to Marek"),
                    ("2026-11-28T10:00", "Marek gave the drill back today")])
    for question in ("where is my drill?", "who has my drill?"):
        assert answered(svc, question, "2026-12-01T12:00").startswith("Marek gave the drill back today")


def test_a_number_asked_for_something_never_written_down_is_not_mentioned(svc):
    add_notes(svc, [("2026-11-20T10:00", "The boiler engineer's number is 07700 900461, ask for Priya")])
    answer = ask(svc, "what is my passport number?", llm=ScriptedLLM([]))
    assert answer.abstained and answer.text == ABSTAIN
    assert "07700 900461" in answered(svc, "what is the boiler engineer's number?", "2026-12-01T12:00")


@pytest.mark.parametrize("question", ["?", "x"])
def test_a_question_without_a_word_is_not_answered(svc, question):
    add_notes(svc, [("2026-11-20T10:00", "The boiler engineer's number is 07700 900461, ask for Priya")])
    assert ask(svc, question, llm=ScriptedLLM([])).abstained


def test_how_old_is_not_answered_by_a_weight(svc):
    add_notes(svc, [("2026-11-09T10:00", "My dog Pepper is a 25 kg border collie mix and needs to lose 2 kg"),
                    ("2026-11-27T10:00", "Pepper weighed 23.4 kg at the vet weigh-in today")])
    assert ask(svc, "how old is Pepper?", llm=ScriptedLLM([])).abstained
    add_notes(svc, [("2026-11-28T10:00", "Pepper is 6 now, the vet says she has the hips of a 3-year-old")])
    assert "Pepper is 6 now" in answered(svc, "how old is Pepper?", "2026-12-01T12:00")


def test_the_current_plan_is_the_latest_word_on_it_a_change_mark_below_the_struck_plan(svc):
    add_notes(svc, [("2026-07-06T20:00", "Desk fund: $5,950 in the ING account today."),
                    ("2026-08-22T20:00", "Went to Ella's, tried her desk. Easy decision.\n"
                                         "~~Plan: save for a new desk from Store DJ by December~~\n"
                                         "CHANGED: buying Ella's SQ-5 for $7,200.")])
    answer = answered(svc, "What's the current plan for the desk?", "2026-09-01T12:00")
    assert answer.startswith("CHANGED: buying Ella's SQ-5")


def test_a_change_mark_in_another_section_of_the_note_does_not_amend_the_answer(svc, tmp_path):
    note = tmp_path / "move.md"
    note.write_text("# Move\n\n## Old place\n- 3 1/2 on rue St-Dominique, $1,180/mo. Lease till June 30 2027.\n"
                    "- Landlord: M. Lapointe (Gilles). 514-555-0182.\n\n## New place\n- 4 1/2 on De Castelnau\n\n"
                    "## Lease transfer, how I did it\n1. Find the person to take over the lease.\n"
                    "2. Sign a short lease transfer agreement, 3 signatures. \u2192 signed Nov 8 at the walkthrough\n")
    svc.import_file(note, "markdown")
    answer = answered(svc, "Who took over my lease on St-Dominique?", "2026-11-16T12:00")
    assert answer.startswith("Lease till June 30 2027.")  # not "-> signed Nov 8 ... (before: Lease till ...)"


def test_a_note_named_after_a_thing_answers_when_with_its_date_not_another_lines_weekdays(svc, tmp_path):
    import_note(svc, tmp_path / "dentist.md",
                "Dentist appointment moved to Thursday 10 December at 9:15, Dr Costa, bring the x-ray.\n\n"
                "The pharmacy on Rua Augusta closes at 19:00 on Saturdays.\n")
    assert answered(svc, "when is the dentist appointment?", "2026-11-25T12:00").startswith("10 December")


def test_how_long_is_the_span_after_the_verb_asked_about(svc):
    add_notes(svc, [("2026-11-20T10:00", "Lentil soup: soak the red lentils for an hour, then Simmer with cumin for "
                                         "25 minutes.")])
    assert answered(svc, "how long do I simmer the lentil soup?", "2026-12-01T12:00").startswith("for 25 minutes")
    assert answered(svc, "how long do I soak the lentils?", "2026-12-01T12:00").startswith("for an hour")


def test_a_filler_adverb_of_the_question_is_no_key_word(svc):
    add_notes(svc, [("2026-11-08T22:00", "MOVED into the apartment. Writing this on the floor bc no couch."),
                    ("2026-11-15T22:00", "Happy? yeah actually. 11th in my first comp, w/ a finger and a move in the "
                                         "same month. Maybe the one in March.")])
    answer = answered(svc, "When did I actually move into the apartment?", "2026-11-16T12:00")
    assert answer.startswith("8 November 2026")
    assert key_words("When did I actually move into the apartment?") == {"mov", "apartment"}


def test_when_a_thing_was_is_the_day_it_happened_not_the_day_first_planned(svc):
    add_notes(svc, [("2026-06-09T20:00", "Hank came by. He'll auction Gary's household and shop tools at the house. "
                                         "Sat July 11, 10 AM."),
                    ("2026-07-26T20:00", "Auction was yesterday at Gary's. 91 degrees, sold out by 2:30.")])
    assert answered(svc, "When was the auction of Gary's shop tools?", "2026-08-01T12:00").startswith("25 July 2026")
    # what was only planned, and never told of again, answers with the plan's day
    add_notes(svc, [("2026-06-10T20:00", "Tyler will take his driving test on Tue 30 June.")])
    assert answered(svc, "When did Tyler take his driving test?", "2026-08-01T12:00").startswith("30 June 2026")


def test_a_change_line_goes_on_with_its_new_date_though_the_answer_came_from_another_section(svc, tmp_path):
    import_note(svc, tmp_path / "appa surgery.md",
                "# Appa - cataract surgery\n\n## Hospital\n- Sri Devi Eye Hospital, Dr. Venkatesh (cataract)\n"
                "- Front desk: ask for Malathi, surgery coordinator\n\n## Date\n- ~~Surgery 28 Jan (Wed)~~\n"
                "- CHANGED 21 Jan: fasting sugar 186. **New date: 4 Feb (Wed), surgery slot ~8:45 am.**\n",
                saved="2026-02-27T20:00")
    assert answered(svc, "When was Appa's cataract surgery?", "2026-03-01T12:00").startswith("4 February 2026")


def test_a_date_in_a_line_that_says_nothing_of_the_thing_does_not_answer_when_it_was(svc):
    add_notes(svc, [("2026-05-05T20:00", "**TIE fingerprints DONE.**\nGot to Patraix 9:00, queue outside already.\n"
                                         "Got the resguardo, my proof once the old card expires on the 14th.")])
    assert answered(svc, "When was my TIE fingerprint appointment?", "2026-06-01T12:00").startswith("5 May 2026")


def test_a_time_in_the_line_next_to_the_one_on_the_thing_still_answers_when(svc):
    svc.add("Hey Caroline! Last night was amazing! We celebrated my daughter's birthday with a concert.",
            ts=parse_time("2023-08-14T14:24"), actor="Melanie", source="chat", session="s11")
    answer = ask(svc, "When is Melanie's daughter's birthday?", llm=ScriptedLLM([]))
    assert answer.text.startswith("13 August"), answer.text


def test_when_did_i_do_something_is_answered_by_the_note_that_says_it_was_done(svc):
    # both notes name the camp and Ivy; only one says it was paid, "yesterday"
    add_notes(svc, [("2026-08-19T21:00", "Camp packing list came home in Ivy's bag. Sleeping bag, torch, hat."),
                    ("2026-08-19T21:05", "Paid camp yesterday on Compass, $385.")])
    assert answered(svc, "When did I pay for Ivy's camp?", "2026-09-30T12:00").startswith("18 August 2026")


def test_who_is_answered_by_a_sentence_that_names_someone(svc):
    # "lost their minds" shares the asked verb but names nobody
    add_notes(svc, [("2026-09-23T21:00", "Sun - dropped Mango at Lorraine's 8.30, drove via Ballarat. "
                                         "Cabin was lovely, kids lost their minds.")])
    assert "Lorraine" in answered(svc, "Who minded Mango while we were away?", "2026-09-30T12:00")


def test_who_is_answered_by_a_name_that_opens_a_line_or_follows_on_it(svc):
    add_notes(svc, [("2025-09-18T21:00", "Gary + Connor did the headlamps. me + Mick did the sump gasket, "
                                         "most of the shift"),
                    ("2025-09-19T21:00", "Gary swapped shifts with me - he does my sat 20th, I do his sun 21st."),
                    ("2026-06-01T21:00", "Gary's mail pile:\n- Alliant Energy bill\n- First Prairie Bank statement"),
                    ("2026-06-02T21:00", "Bank this morning about Gary's accounts. Denise Albrecht at First "
                                         "Prairie, 641-555-0186.")])
    assert answered(svc, "Who swapped shifts with me?", "2025-10-27T12:00").startswith("Gary swapped shifts")
    assert "Denise Albrecht" in answered(svc, "Who do I deal with at Gary's bank?", "2026-08-01T12:00")


def test_who_is_answered_by_a_lower_case_name_a_line_goes_on_to_call_he(svc):
    # held-out fd62: notes written all in lower case; a to-do naming "gar's brother" answered
    add_notes(svc, [("2026-06-09T21:00", "todo\n- [ ] ad for apprentice - facebook, adverts.ie, ask around the "
                                         "club + gar's brother"),
                    ("2026-09-18T21:00", "liam - SOLAS registration confirmed, he's officially an apprentice now. "
                                         "safe pass card came too")])
    assert answered(svc, "who's my apprentice now?", "2026-10-06T21:00").startswith("liam - SOLAS")


def test_moving_a_relative_somewhere_is_no_change_of_what_the_question_asks_of_them(svc, tmp_path):
    # held-out fd64: "moved mum into oakwood lodge" was read as the news that replaced her GP
    import_note(svc, tmp_path / "2026-08-05-mum-gp.md", "- dr kapoor retiring end of aug, been her GP 20 yrs\n"
                "- mum's now registered w/ Dr Helen Marsh - she's taken over kapoor's list", "2026-08-05T21:00")
    import_note(svc, tmp_path / "2026-09-19-moving-day.md", "moved mum into oakwood lodge today. room 12.",
                "2026-09-19T21:00")
    told = answered(svc, "who is mum's gp now?", "2026-11-15T21:00")
    assert "Dr Helen Marsh" in told and "oakwood" not in told, told


def test_a_meeting_next_tues_is_answered_with_that_tuesday_not_the_notes_day(svc):
    # held-out fd64: "next tues" was not read, so the note's own date answered
    add_notes(svc, [("2026-06-10T21:00", "NEU branch mtg - actions for me\n- meeting w/ mrs okafor next tues 3.45 re "
                                         "PPA getting used for cover. take the cover log")])
    assert answered(svc, "when did i meet mrs okafor about ppa?", "2026-11-15T21:00").startswith(
        "Tuesday, 16 June 2026 at 3.45")


def test_who_did_it_is_the_name_right_before_the_deed_not_one_along_for_it(svc):
    add_notes(svc, [("2026-09-08T21:00", "plan: I drive up to Galway Fri 16th w/ Clodagh + Roisin, leave after "
                                         "work ~3."),
                    ("2026-10-19T21:00", "Galway, for my own sanity:\n- Clodagh drove, got me 3.10 Fri then "
                                         "Roisin.\n- Sat: brunch, cocktails")])
    assert answered(svc, "Who drove me to Galway for the hen?", "2026-10-31T12:00").startswith("- Clodagh drove")


def test_a_weekly_fee_is_found_in_a_fee_a_week(svc):
    add_notes(svc, [("2026-08-03T11:00", "I run a small sourdough stall at Coburg market on Saturdays. "
                                         "A cafe in Thornbury wants bread twice a week. "
                                         "My stall fee is $95 a week, which I don't pay on cafe bread.")])
    assert "$95 a week" in answered(svc, "How much is my weekly stall fee at the Coburg market?", "2026-09-30T12:00")


def test_how_do_i_is_answered_by_the_users_own_numbered_list_typed_into_a_chat(svc):
    svc.add("Vitrobot grids today: ice way too thick.\n- ice thick in most squares\n- particles at the hole edge\n"
            "- the few I saw: right size", ts=parse_time("2026-02-12T20:00"))
    svc.add("This is how I make my cryo-EM grids on the Vitrobot, tell me what to change:\n"
            "1. glow discharge the grids, 45 s\n2. Vitrobot at 4 C and 100% humidity\n3. 3.5 ul sample\n"
            "4. blot 3 s, then plunge", ts=parse_time("2026-02-12T21:00"), actor="user", source="chat",
            session="c1")
    svc.add("Try a longer blot time and a lower concentration.", ts=parse_time("2026-02-12T21:01"),
            actor="assistant", source="chat", session="c1")
    answer = answered(svc, "How do I make the cryo-EM grids on the Vitrobot?", "2026-03-01T12:00")
    assert answer.startswith("1. glow discharge the grids") and "4. blot 3 s" in answer


def test_how_do_i_finds_the_numbered_steps_of_a_topic_note_under_its_other_blocks(svc, tmp_path):
    import_note(svc, tmp_path / "protocol - his-tag purification.md",
                "# Protocol - His-tag purification\n\nConstruct: pAD-17, his-tag on Hbx1, coexpressed.\n\n"
                "Expression: 2 L TB, 18 C overnight, his-tag construct.\n\n"
                "## Buffers\n\n- Lysis: 50 mM Tris, 10 mM imidazole\n- Wash: 40 mM imidazole\n"
                "- Elution: 300 mM imidazole\n\n## Steps\n\n1. Thaw the pellet on ice.\n2. Sonicate 5 min.\n"
                "3. Spin 45 min at 18000 rpm.\n4. Bind to Ni-NTA for 1 h.\n5. Elute in 5 x 1 ml.\n\n"
                "## Yields\n\n- #1: 1,8 mg\n- #2: 2,6 mg\n")
    answer = answered(svc, "How do I do the his-tag purification?", "2026-03-01T12:00")
    assert answer.startswith("1. Thaw the pellet on ice.") and "5. Elute in 5 x 1 ml." in answer


def test_a_named_number_is_answered_only_by_a_line_that_names_it(svc):
    add_notes(svc, [("2026-04-08T21:00", "2015 Axio, silver, 1500cc auto. Reg KCU 418J."),
                    ("2026-04-08T21:05", "NTSA for the Axio: check the reg no + chassis no match the logbook."),
                    ("2026-04-09T21:00", "Oven part: lower deck element TG-RE-2840, ref Q-4471.")])
    assert answered(svc, "What's the chassis number of my Axio?", "2026-04-30T12:00").startswith("Not mentioned")
    assert "KCU 418J" in answered(svc, "What's the reg number of my Axio?", "2026-04-30T12:00")
    assert "Q-4471" in answered(svc, "What's the reference number for the oven part?", "2026-04-30T12:00")


def test_a_line_dated_outside_the_time_asked_about_does_not_answer(svc, tmp_path):
    import_note(svc, tmp_path / "mum clinic.md", "# Mum clinic\n\n## Readings\n\n"
                "- 3 Mar - FBS 11.8, BP 148/90, HbA1c 9.1%.\n- 31 Mar - FBS 12.4, BP 142/88.\n"
                "- 14 Apr - FBS 7.2, insulin up to 12 units.\n")
    assert answered(svc, "What was Mum's HbA1c in April?", "2026-04-30T13:00").startswith("Not mentioned")
    assert "9.1%" in answered(svc, "What was Mum's HbA1c in March?", "2026-04-30T13:00")


@pytest.mark.parametrize("said", ["hi", "ok", "what?", "who?", "when?", "thanks"])
def test_a_word_or_two_that_name_nothing_are_not_answered(svc, said):
    add_notes(svc, [("2026-11-02T09:00", "My sourdough starter is called Brutus."),
                    ("2026-11-03T09:00", "Switched from PureGym to The Foundry climbing gym.")])
    assert answered(svc, said, "2026-11-20T12:00").startswith("Not mentioned")


def test_a_date_line_under_a_heading_that_names_the_thing_asked_answers_when(svc, tmp_path):
    import_note(svc, tmp_path / "wedding budget.md",
                "# Njosh & Muthoni - wedding budget\n\n~~Sat 8 Aug - Silver Oak Gardens, Limuru~~\n"
                "Sat 22 Aug 2026 - Brookside Gardens, Kiambu Rd, Garden B. Booking no BG-0822-117.\n"
                "Treasurer: Kevin (his M-Pesa). WhatsApp group \"Njosh weds Muthoni\"\n", saved="2026-04-30T12:00")
    assert answered(svc, "When is Njosh's wedding now?", "2026-04-30T13:00").startswith("22 August 2026")


def test_a_deed_that_opens_a_note_is_the_askers_not_a_persons_name():
    from recall_cli.llm.shape import done_by_another

    # "Went" opening a note is no name: the hike is the asker's own; "Daniel works" is Daniel's
    assert not done_by_another("Went hiking at Snowdon with Lena on Saturday.", {stem("hiking")})
    assert done_by_another("Daniel works night shifts at the Mater.", {stem("works")})


def test_where_i_hid_someones_present_is_my_own_deed_not_theirs(svc):
    # "Tom's Christmas present": the capitalised words before "present" say whose thing it is,
    # not that Tom hid it; a later note on Christmas presents says nothing of where it is
    add_notes(svc, [("2026-11-28T22:30", "Hid Tom's Christmas present (the Lego fire station) on top of the wardrobe "
                                         "in our bedroom."),
                    ("2026-12-05T20:00", "Spent 74 pounds at the Christmas market on presents and mulled wine.")])
    assert "wardrobe" in answered(svc, "where did I hide Tom's Christmas present?", "2026-12-07T12:00")


def test_what_did_i_get_someone_asks_what_was_bought(svc):
    add_notes(svc, [("2026-06-01T09:00", "Rory's birthday is 12 June. I got him a red kite.")])
    assert answered(svc, "what did I get Rory?", "2026-06-20T12:00").startswith("I got him a red kite")


def test_a_day_asked_about_is_answered_by_the_row_of_a_notes_table_that_names_it(svc, tmp_path):
    import_note(svc, tmp_path / "shifts.md", "# Shift swaps\n\n| my shift | covered by | I owe |\n|---|---|---|\n"
                "| Mon 20 Jul D | Jordan | Sat 8 Aug D |\n| Thu 23 Jul N | ~~Mei-Ling~~ Andre | Sun 2 Aug N |\n")
    assert answered(svc, "Who's covering my night shift on Thursday 23 July?", "2026-07-31T12:00").startswith(
        "my shift: Thu 23 Jul N; covered by: Andre; I owe: Sun 2 Aug N")


def test_a_name_asked_of_someone_never_written_about_is_not_mentioned(svc):
    add_notes(svc, [("2026-10-19T20:00", "New enquiry - Mrs Hartley. Karen gave me her name and number: 07700 900418"),
                    ("2026-10-20T20:00", "GP appt Thu 1 Oct 10.20")])
    answer = ask(svc, "What's my dentist's name?", llm=ScriptedLLM([]), reference=parse_time("2026-11-28"))
    assert answer.abstained  # "name" says what kind of answer, not what it is about
    assert "07700 900418" in answered(svc, "What is the name and number Karen gave me?", "2026-11-28T12:00")


def test_the_users_own_thing_nothing_stored_names_is_not_mentioned_whatever_else_matches(svc):
    add_notes(svc, [("2025-04-28T20:00", "RenovaPorto quote: 8.200. the guy kept calling me 'minha senhora'."),
                    ("2025-10-14T20:00", "corsa failed the IPO. re-inspection Thu 30 Oct 8:40, same centre."),
                    ("2025-10-15T20:00", "Dr Meireles called about mum's knee: no long car trips for now.")])
    for question in ("What's my dentist called?", "When is my physio's appointment?", "when is my car's tüv due?"):
        answer = ask(svc, question, llm=ScriptedLLM([]), reference=parse_time("2025-10-27T21:10"))
        assert answer.abstained
    assert "30 October 2025" in answered(svc, "When is my corsa's re-inspection?", "2025-10-27T21:10")


def test_someones_thing_that_nothing_stored_names_is_not_mentioned(svc):
    # held-out fd64: "when is zain's dentist appointment?" answered "2026" from a note on zain
    add_notes(svc, [("2026-05-20T21:00", "revised quote - added the shower room so zain's not queuing for the "
                                         "bathroom. 2026 start"),
                    ("2026-06-15T21:00", "zain's parents evening is thurs 2 july, 6pm w mr hale")])
    answer = ask(svc, "when is zain's dentist appointment?", llm=ScriptedLLM([]), reference=parse_time("2026-06-16"))
    assert answer.abstained and "dentist" in answer.reason, (answer.text, answer.reason)
    assert answered(svc, "when is zain's parents evening?", "2026-06-16T12:00").startswith("2 July 2026 at 6pm")


def test_the_thing_a_question_is_about_that_nothing_stored_names_is_not_mentioned(svc):
    add_notes(svc, [("2026-06-12T20:00", "flights booked!! sat 1 aug, MAN 08:40 via doha. the guy on the phone was "
                                         "awful"),
                    ("2026-06-13T20:00", "the car's MOT is booked for mon 3 aug, 9am, kwik fit"),
                    ("2026-06-14T20:00", "steuererklärung: WISO says 312 € back")])
    answer = ask(svc, "when's the boiler service booked for?", llm=ScriptedLLM([]), reference=parse_time("2026-06-16"))
    assert answer.abstained and "boiler" in answer.reason
    answer = ask(svc, "when's the car's next wof due?", llm=ScriptedLLM([]), reference=parse_time("2026-06-16"))
    assert answer.abstained and "wof" in answer.reason
    # three letters in common are no short form ("den" in a note is no dentist)
    add_notes(svc, [("2026-06-14T21:00", "the kids made a den in the garden. appt for the car: mon 3 aug")])
    answer = ask(svc, "when is my dentist appointment?", llm=ScriptedLLM([]), reference=parse_time("2026-06-16"))
    assert answer.abstained and "dentist" in answer.reason
    assert answered(svc, "when's the car's MOT booked for?", "2026-06-16T12:00").startswith("3 August 2026")
    assert answered(svc, "when is kwik fit's MOT booked for?", "2026-06-16T12:00").startswith("3 August 2026")
    # the subject only: a thing named later in the question may be written otherwise ("steuer")
    assert "312 €" in answered(svc, "how much does wiso say i'm getting back from the tax?", "2026-06-16T12:00")


def test_a_word_the_notes_shorten_and_a_schedule_of_anothers_thing_do_not_hide_the_day(svc, tmp_path):
    import_note(svc, tmp_path / "pills.md", "# how to do mum's pill box\n\nmum = Amélia, 86. do it every sunday "
                "evening.\n", saved="2025-05-06T20:00")
    add_notes(svc, [("2025-09-18T20:00", "mum's appointments\n- cardio: tue 28 oct, 10h30, hospital de santo antónio"),
                    ("2025-10-21T20:00", "mum\n- hospital rang this morning: cardio moved one week, now tue 4 nov "
                                         "at 9h15 (earlier!). same place.")])
    assert answered(svc, "When is mum's cardiology appointment?", "2025-10-27T21:10").startswith("4 November 2025")


def test_the_one_who_does_a_job_is_found_in_a_note_that_names_the_job(svc):
    add_notes(svc, [("2026-11-16T20:00", "Big Col finished the plastering Sat - 4 days for the whole loft."),
                    ("2026-11-17T20:00", "Roundhay 2nd fix this wk.")])
    assert "Big Col" in answered(svc, "Who is the plasterer?", "2026-11-28T12:00")


def test_a_day_in_a_list_under_the_line_naming_the_job_answers_and_a_struck_day_does_not(svc, tmp_path):
    import_note(svc, tmp_path / "flat.md", "# Flat\n\n## Floors - hall + living rm\n"
                "- Paddy Quinn (Quinn Floors) 07700 900452 - Mrs R's recommendation\n"
                "- £640: sand, fill gaps, 3 coats hardwax oil satin\n"
                "- ~~Mon 13 July~~ -> his back. NOW Wed 22 July 8am, 2 days\n"
                "- us at Kirsty's Weds night\n", saved="2026-07-14T21:00")
    assert answered(svc, "When is Paddy coming to do the floors?", "2026-07-15T12:00").startswith("22 July 2026")


def test_a_thing_called_off_is_answered_with_the_day_it_was_booked_again(svc):
    add_notes(svc, [("2026-08-24T21:00", "Sept roster out. NIGHTS Thu 3 - Sat 5 Sep.\n"
                                         "-> menu tasting at Stonebridge Sat 5 Sep 12pm is off. emailed Bianca"),
                    ("2026-08-26T21:00", "Bianca got back - Sept is full, first free tasting slot is Sat 17 Oct, "
                                         "11:30. took it.")])
    answer = ask(svc, "When's our menu tasting at Stonebridge?", llm=ScriptedLLM([]),
                 reference=parse_time("2026-10-08T12:00"))
    # (the new day is still to come: it is found first, with or without the day called off)
    assert answer.text.startswith("17 October 2026") and answer.citations[0] == "2"


def test_a_thing_called_off_and_never_booked_again_says_so(svc):
    add_notes(svc, [("2026-08-24T21:00", "menu tasting at Stonebridge on Sat 5 Sep 12pm is cancelled."),
                    ("2026-08-26T21:00", "Bought new running shoes on 26 Aug.")])
    assert "cancelled" in answered(svc, "When's our menu tasting at Stonebridge?", "2026-10-08T12:00")


def test_a_cancellation_followed_by_a_new_day_moves_the_thing_instead():
    from recall_cli.llm.update import called_off

    note = Hit("event", 1, 1.0, parse_time("2026-10-06T21:00"), "", "note")
    assert not called_off("- menu: ~~Sat 5 Sep 12:00~~ cancelled (on nights) -> **Sat 17 Oct 11:30**.", note)
    assert called_off("Cancelled the dinner on 3 May.", note)
    assert called_off("the tasting on Sat 5 Sep is off.", note)
    assert not called_off("Dan is off on Friday so he can drive.", note)


def test_a_list_item_in_a_chat_turn_is_not_run_into_the_question_below_it(svc):
    svc.add("we've got 2 options for the 5 sash windows, they rattle and two of them wont open at all now:\n"
            "1) window company: £7,900 for timber double glazed replicas (+ planning permission)\n"
            "2) local joiner Sandy: £3,480 written quote to overhaul all 5 - new cords, beads, paint outside\n"
            "which makes more sense?", ts=T0, actor="user", source="chat", session="c1")
    svc.add("From what you describe, the overhaul looks like the stronger option.", ts=T0 + 60,
            actor="assistant", source="chat", session="c1")
    assert "£3,480" in ask(svc, "How much did Sandy quote for the sash windows?", llm=ScriptedLLM([])).text


def test_what_someone_said_is_the_sentence_that_tells_it_even_on_a_wrapped_line(svc):
    svc.add("Took Pepper to the vet. She weighs 4.2 kg; the vet said to cut the treats in\n"
            "half and come back in September for her booster.", ts=T0)
    # the sentence that says "said" answers whole, across the line it is wrapped on
    assert answered(svc, "what did the vet say about Pepper?", "2026-12-01T12:00") == (
        "She weighs 4.2 kg; the vet said to cut the treats in half and come back in September for her booster. [1]")


def test_what_someone_said_is_told_by_said_not_by_anothers_says(svc):
    add_notes(svc, [("2026-11-25T16:30", "Kwik Garage replaced the front brake pads and discs. Cost 286 pounds. "
                                         "Mechanic said the tyres will need doing in spring."),
                    ("2026-12-01T20:15", "Parents' evening went well; Mr. Hughes says Tom needs to practise his "
                                         "times tables and read 10 minutes a night.")])
    assert answered(svc, "what did the mechanic say about the tyres?", "2026-12-07T12:00") == (
        "Mechanic said the tyres will need doing in spring. [1]")


def test_the_verb_asked_about_comes_after_a_subject_with_the():
    assert (predicate_of("what did the band play?"), predicate_of("what did my sister bake?")) == ("play", "bak")
    # a subject named in capitals may be two words long
    assert predicate_of("What time does the Bristol 10K start?") == "start"


def test_what_time_a_named_event_starts_is_the_line_on_its_start(svc, tmp_path):
    import_note(svc, tmp_path / "bristol-10k-plan.md", "# Bristol 10K plan\n\n## Goal\n\nFinish the Bristol 10K in "
                "under 47 minutes, which is a pace of 4:42 per km.\n\n## Race day logistics\n\nBag drop closes at 8:45 "
                "at Millennium Square, and the start is at 9:30 on Anchor Road.\n", saved="2026-12-03T12:00")
    assert "the start is at 9:30" in answered(svc, "What time does the Bristol 10K start?", "2026-12-07T12:00")


def test_a_code_kept_somewhere_is_answered_with_where_it_is(svc):
    svc.add("Started the new job at the library. My desk is by the window on the second floor; the door code "
            "is on the sticky note in my wallet, not here.", ts=T0)
    assert "sticky note in my wallet" in answered(svc, "what is the door code?", "2026-12-01T12:00")
    assert ask(svc, "what is the alarm code?", llm=ScriptedLLM([])).abstained


def test_a_diary_line_that_opens_with_still_is_the_writers_own_deed(svc, tmp_path):
    import_note(svc, tmp_path / "2026-10-02.md", "# 2 October 2026\n\nLukas is moving to Porto in March, leaving party "
                "on the 14th.\n\nStill owe Lukas for the festival tickets, 85 euros, pay before he leaves.\n")
    assert "85 euros" in answered(svc, "how much do I owe Lukas?", "2026-12-06T12:00")


def test_a_thing_booked_again_further_down_the_same_note_under_its_place_is_answered_with_the_new_day(svc):
    add_notes(svc, [("2026-08-20T21:00", "Climbing course at Boulderhaus on Sat 5 Sep is off, instructor is sick. "
                                         "Rang Boulderhaus again: first free slot Sat 17 Oct, took it.")])
    assert answered(svc, "when is the climbing course?", "2026-09-01T12:00").startswith("17 October 2026")


def test_how_many_now_is_the_latest_count_even_when_the_first_line_counts_nothing(svc):
    add_notes(svc, [("2026-04-11T21:00", "Zine! Tiago and I put up the pre-order form Sat for Blocos de Sintra."),
                    ("2026-04-22T21:00", "Zine pre-orders: 41 now. Gráfica wants the final PDF by 20 May."),
                    ("2026-05-14T21:00", "Zine: pre-orders 52! Tiago finally sent the photos."),
                    ("2026-05-16T21:00", "Zine layout: 30 of 40 pages done.\nPre-orders: 57!! shared on insta."),
                    ("2026-05-17T21:00", "Bought tape for the finger."), ("2026-05-18T21:00", "Rent paid.")])
    assert answered(svc, "How many pre-orders does the Sintra zine have now?", "2026-05-20T12:00").startswith(
        "Pre-orders: 57!!")


def test_which_code_is_asked_is_said_before_it_and_another_code_is_no_answer(svc):
    # found by a new user: "what is my wifi password?" was answered with the staging db's
    add_notes(svc, [("2026-03-05T10:00", "The staging db password is kept in the team vault."),
                    ("2026-03-06T10:00", "Deploy staging with make deploy ENV=staging.")])
    assert answered(svc, "what is my wifi password?", now="2026-03-10T10:00").startswith("Not mentioned")
    add_notes(svc, [("2026-03-07T10:00", "The wifi password is on the sticker under the router.")])
    assert answered(svc, "what is my wifi password?", now="2026-03-10T10:00") == (
        "The wifi password is on the sticker under the router. [3]")
    assert answered(svc, "what's the staging db password?", now="2026-03-10T10:00").startswith(
        "The staging db password is kept in the team vault.")


def test_a_notes_heading_says_what_its_lines_are_about_for_dates_and_amounts(svc, tmp_path):
    import_note(svc, tmp_path / "2025-06-10-vancouver.md", "# Vancouver plan\n\nI'm moving from Montréal to "
                "Vancouver, probably mid-january 2026. Priya's job there starts aug 18.\n", saved="2025-06-10T20:00")
    import_note(svc, tmp_path / "2025-10-21-vancouver-move-date.md", "# Vancouver — move date pushed\n\n"
                "The lease starts March 1, 2026.\n\n**New move date: March 1, 2026** (not Jan 15 anymore). "
                "Leaving Montréal ~Feb 24-25.\n", saved="2025-10-21T20:00")
    # the line under the heading names the move but not the city; "New" before "move" is no
    # person whose move it would be
    assert answered(svc, "when am I moving to Vancouver?", "2025-12-14T18:40").startswith("1 March 2026")
    import_note(svc, tmp_path / "2025-06-14-wharfe-kitchens-order.md", "# Wharfe Kitchens – ORDER PLACED\n\n"
                "**Order:**\n- Hartley shaker range, 11 units\n- units total £5,960 incl VAT\n"
                "- **deposit £1,500 paid today on debit card**, balance on delivery\n", saved="2025-06-14T20:00")
    assert "£1,500" in answered(svc, "how much deposit did I pay wharfe kitchens?", "2025-11-24T20:15")


def test_a_sentence_opening_with_a_word_of_which_one_is_still_the_askers_own():
    from recall_cli.llm.shape import done_by_another
    assert not done_by_another("**New move date: March 1, 2026** (not Jan 15 anymore).", {"mov"})
    assert not done_by_another("Next lesson moved to Wednesdays.", {"lesson"})
    assert done_by_another("Daniel works night shifts.", {"work"})


def test_a_change_that_holds_from_a_weekday_is_answered_with_that_day(svc):
    add_notes(svc, [("2026-12-06T16:04", "Standup moved to 10:15 starting Monday")])
    assert answered(svc, "when is standup?", "2026-12-06T18:00").startswith("Monday, 7 December 2026 at 10:15")


def test_a_later_note_that_names_the_old_value_it_replaces_corrects_the_answer(svc, tmp_path):
    import_note(svc, tmp_path / "2025-09-12-tax-instalment.md", "# Tax instalment\n\nAmounts from Geneviève's "
                "letter (based on 2024 income):\n- **CRA (federal): $1,240**\n- **Revenu Québec: $1,105**\n",
                saved="2025-09-12T20:00")
    import_note(svc, tmp_path / "2025-11-14-genevieve-call.md", "# call w/ Geneviève (accountant)\n\n"
                "## Dec 15 instalments — LOWERED\nShe recalculated:\n- **CRA: $900** (instead of $1,240)\n"
                "- **Revenu Québec: $800** (instead of $1,105)\n", saved="2025-11-14T20:00")
    assert answered(svc, "how much is my december federal tax instalment?", "2025-12-14T18:40").startswith(
        "CRA: $900 (instead of $1,240) (before: CRA (federal): $1,240)")
    # what it was at first is asked of the first note
    assert "$900" not in answered(svc, "how much was my federal tax instalment originally?", "2025-12-14T18:40")


def test_the_date_of_the_deed_asked_is_found_below_notes_that_only_name_its_place(svc, tmp_path):
    import_note(svc, tmp_path / "2025-05-19-dad-housing.md", "# Dad housing options\n\n**Larchfield Court**, Low "
                "Lane, Horsforth - sheltered housing, Dad liked the garden at Larchfield Court.\n\nDad at Larchfield "
                "Court: \"It's nice but it's for old people.\"\n", saved="2025-05-19T20:00")
    import_note(svc, tmp_path / "2025-06-28-larchfield-offer.md", "# LARCHFIELD OFFER\n\nDad's been offered "
                "**Flat 12, Larchfield Court, 3 Low Lane, Horsforth**. First floor.\n\n**Move date: Saturday 16 "
                "August.** Keys from 11 Aug.\n", saved="2025-06-28T20:00")
    import_note(svc, tmp_path / "2025-07-30-dad-move-date-changed.md", "# Dad's move date has changed\n\n"
                "Bev rang: the move can't be 16 Aug any more.\n\n**New move date: Saturday 6 September.** Keys now "
                "from 1 Sept.\n", saved="2025-07-30T20:00")
    # not the day the offer was written, nor the day the keys come: the bold line ends its sentence
    assert answered(svc, "what date did dad move into larchfield court?", "2025-11-24T20:15").startswith(
        "6 September 2025")


def test_a_sentence_ends_at_the_bold_that_closes_it():
    from recall_cli.llm.support import sentences
    assert sentences("**New move date: Saturday 6 September.** Keys now from 1 Sept.") == [
        "**New move date: Saturday 6 September.**", "Keys now from 1 Sept."]


def test_when_did_i_do_a_thing_is_dated_by_the_line_that_says_it_was_done(svc, tmp_path):
    # the topic note's heading names the tax return and its deadline; the later note says it
    # was submitted, in the question's verb, on a day it names
    import_note(svc, tmp_path / "2026-04-02-steuer.md", "# Steuererklärung 2025 – unterlagen sammeln\n\n"
                "deadline 31.7.2026 (no steuerberater)\n\nhave:\n- lohnsteuerbescheinigung 2025\n",
                saved="2026-04-02T20:00")
    import_note(svc, tmp_path / "2026-07-24-steuer-abgegeben.md", "# steuer 2025 done\n\nsubmitted via WISO to elster "
                "today, fri 24.7., 22:40. one week before deadline\n", saved="2026-07-24T23:00")
    assert answered(svc, "when did i submit my steuererklärung?", "2026-08-04T21:15").startswith("24 July 2026")


@pytest.mark.parametrize(("question", "verb"), [
    ("when did i submit my tax return?", "submit"), ("when did Tariq actually move out?", stem("move")),
    ("when did josh finally move out", stem("move")),
    # a subject of more words than one: its second word is no verb
    ("When did the whooper swans come back?", ""), ("When did my new passport arrive?", ""),
    ("When did I last get the boiler serviced?", ""),
])
def test_a_when_question_names_its_deed_only_after_a_one_word_subject(question, verb):
    assert predicate_of(question, when=True) == verb
    assert predicate_of(question) == ""  # (a "what" question's verb is read apart)


def test_a_day_that_has_to_move_is_answered_with_the_new_day_the_next_sentence_gives(svc, tmp_path):
    import_note(svc, tmp_path / "ortho.md", "dev ortho consult\n\n- records appt first - booked tue 3 feb 4.30\n",
                saved="2026-01-13T20:00")
    import_note(svc, tmp_path / "review.md", "dad 6 wk check + dev ortho\n\ntook dad for his review.\n\n"
                "carol rang - dev's 23 june appt has to move, dr okafor's away. now THURS 25 JUNE 3.40, same "
                "place. leave work early\n", saved="2026-06-09T20:00")
    # ("when's" asks what is still to come, as "when is" does)
    assert answered(svc, "when's dev's next orthodontist appointment?", "2026-06-16T21:15").startswith(
        "25 June 2026 at 3.40")


def test_a_day_pushed_a_week_in_a_later_note_is_the_day_it_happened(svc, tmp_path):
    import_note(svc, tmp_path / "kickoff.md", "# northbank kickoff\n\n- 8 x 1:1 interviews, mid/late may\n"
                "- readout to VP digital: **fri aug 14**\n", saved="2026-03-31T20:00")
    import_note(svc, tmp_path / "moved.md", "NB readout - moved\n\nrahul msgd: carla is out fri, so readout pushed a "
                "week -> **fri aug 21, 2pm**, their office\n", saved="2026-08-10T20:00")
    assert answered(svc, "when did the northbank readout end up happening?", "2026-09-27T21:30").startswith(
        "21 August 2026")


def test_a_day_in_a_notes_title_answers_and_an_arrow_under_another_line_is_no_change_of_it(svc, tmp_path):
    import_note(svc, tmp_path / "2026-07-23-niamh-op.md", "niamh - op day, thurs 23 july\n\n"
                "- dropped her in 6.45, went down to theatre ~10.30\n- meniscus repair, right knee. went very well\n"
                "- home tomorrow if she's ok w the stairs\n\n"
                "physio: orla barry, ballincollig physio clinic, 021 487 1123\n"
                "→ first appt tues 4 aug 9.30. i'll drive her\n", saved="2026-07-23T21:00")
    assert answered(svc, "when did niamh have her knee op?", "2026-10-06T21:15").startswith("23 July 2026")


def test_a_day_still_to_come_said_with_a_short_form_of_the_word_asked_is_the_next_appointment(svc, tmp_path):
    import_note(svc, tmp_path / "2026-07-07-mochi-recheck.md", "mochi recheck\n\ncreatinine 198, weight 3.9 kg\n\n"
                "next recheck in 12 wks -> booked **tue sept 29, 4:40pm** (last appt of the day)\n")
    import_note(svc, tmp_path / "2026-09-12-fluids.md", "mochi fluids\n\nstarted sat sept 12 at the clinic, vet tech "
                "(jordan) showed me. mochi's vet appointment went fine\n")
    assert answered(svc, "when is mochi's next vet appointment?", "2026-09-27T21:30").startswith("29 September 2026")


def test_the_next_one_said_in_a_line_of_an_item_on_the_thing_answers_when_the_others_are_gone_by(svc, tmp_path):
    # held-out fd66: the note on the last gala says when the next one is, without "gala" or "kuba" in that line
    import_note(svc, tmp_path / "2026-09-28-club-meet.md", "kuba - club gala sat 26 sep (osowa)\n\n"
                "- kuba 50 free: 2nd!! gala went well\n")
    import_note(svc, tmp_path / "2026-10-08-gdynia.md", "kuba gala gdynia = sat 17 oct, warm up 8:00\n")
    import_note(svc, tmp_path / "2026-10-18-gdynia-pb.md",
                "kuba PB at the gdynia gala!!! next gala elblag sat 14 nov\n")
    import_note(svc, tmp_path / "2026-11-16-elblag.md", "## elblag gala (sat 14)\n\n- drove, left 6:30\n"
                "- kuba 50 free 5th, 100 free 4th\n- next & last one this year: mikolajki meet at osowa sat 12 dec\n")
    assert answered(svc, "when's kuba's next gala?", "2026-12-03T20:15").startswith("12 December 2026")


def test_a_price_that_went_up_answers_now_and_one_asked_of_a_time_gone_by_is_that_times(svc):
    # a new user's trial: "how much is netflix?" gave the June price ("went up" was no change;
    # "£10.99" was read as a time of day)
    add_notes(svc, [("2026-06-01T10:00", "Netflix costs £10.99 a month."),
                    ("2026-10-01T10:00", "Netflix went up to £12.99 a month."),
                    ("2026-12-05T10:00", "changed my Netflix password to hunter2xyz"),
                    ("2026-11-02T09:00", "Electricity tariff is 31p per kWh from Octopus."),
                    ("2026-11-28T09:00", "Octopus raised the electricity price to 34p per kWh from December.")])
    assert answered(svc, "how much is netflix?", "2026-12-07T12:00").startswith("Netflix went up to £12.99")
    assert answered(svc, "how much does netflix cost?", "2026-12-07T12:00").startswith("Netflix went up to £12.99")
    assert answered(svc, "how much was netflix in june?", "2026-12-07T12:00").startswith("Netflix costs £10.99")
    assert "34p" in answered(svc, "how much is electricity?", "2026-12-07T12:00").split("(before")[0]


def test_the_latest_number_of_a_thing_is_its_own_and_not_anothers_changed_number(svc):
    add_notes(svc, [("2026-09-01T10:00", "My locker number at the pool is 114."),
                    ("2026-11-15T12:00", "Priya's new phone number is 07700 900461"),
                    ("2026-11-29T10:00", "Got a new locker at the pool, number 27."),
                    ("2026-12-02T10:00", "Priya changed her number again, it's 07700 900999 now.")])
    locker = answered(svc, "what is my locker number now?", "2026-12-07T12:00")
    assert "27" in locker and "07700" not in locker
    # a thing got anew replaces the old one, "now" or not
    assert answered(svc, "what is my locker number?", "2026-12-07T12:00").startswith("Got a new locker")


@pytest.mark.parametrize(("later", "changed"), [
    ("Got a new locker at the pool, number 27.", True),
    ("Joined a new gym - Kingfisher on Dale St.", True),
    ("Got a new locker key cut at Timpsons.", False),  # a key, not a locker
    ("Bought a new locker padlock.", False),
])
def test_a_thing_got_anew_changes_it_but_a_new_thing_named_by_it_does_not(later, changed):
    from recall_cli.llm.update import changes

    thing = "gym" if "gym" in later else "locker"
    assert changes(later, {stem(thing)}) is changed


@pytest.mark.parametrize(("later", "changed"), [
    ("We're moving on July 1 (yes, Quebec moving day).", False),
    ("Quebec switching costs are silly.", False),
    ("Québec moving to the autumn, K can't get the days.", True),
    ("québec moving again - now 12 june", True),
])
def test_a_change_word_that_names_a_kind_of_thing_changes_nothing(later, changed):
    from recall_cli.llm.update import changes

    assert changes(later, {stem("quebec")}) is changed


def test_a_word_written_with_or_without_its_accents_is_one_word():
    assert words("Québec café, Zürich") == words("quebec cafe zurich")
    assert stem("straße") != stem("strasse") and stem("ぎ") == "ぎ"  # no ascii spelling: kept as written


def test_a_line_that_says_it_changed_a_plan_answers_though_it_does_not_repeat_the_deed(svc, tmp_path):
    import_note(svc, tmp_path / "bank account.md", "# Bank account\n\nPlan: open a savings account with Monzo.\n\n"
                "CHANGED 2 dec: went with Nationwide instead.\n")
    answer = answered(svc, "which bank did I open a savings account with?", "2026-12-07T12:00")
    assert answer.startswith("CHANGED 2 dec: went with Nationwide instead.")


def test_who_a_thing_is_with_reads_the_thing_as_the_last_word_of_its_name(svc, tmp_path):
    # "who is my car insurance with?" took "car" for the role asked, and answered with the MOT note
    add_notes(svc, [("2026-12-03T08:00", "Car MOT due on 14 January, booked at Kwik Fit.")])
    import_note(svc, tmp_path / "car.md", "# Car\n\n~~Insurance with Admiral, £520 a year.~~\n\n"
                "Insurance with Direct Line, £480 a year.\n")
    assert "Direct Line" in answered(svc, "who is my car insurance with?", "2026-12-07T12:00")


def test_a_year_a_thing_runs_out_in_answers_when_it_expires(svc):
    svc.add("My api key is in the vault and my passport expires 2029.", ts=parse_time("2026-11-12T21:02"))
    assert answered(svc, "when does my passport expire?", "2026-12-07T12:00").startswith("2029")


def test_a_day_to_come_under_a_heading_that_names_the_thing_answers_when_the_next_one_is(svc, tmp_path):
    # held-out fd65: the note on the last gig has a section "## next: christmas gig" whose line
    # gives the day without saying "gig"; it answered the last gig's day, "gone by"
    import_note(svc, tmp_path / "2026-11-22-ole-bull-gig.md",
                "# ole bull scene - last night\n\n- best gig we've ever done?? sold out\n- 2 000 kr each\n\n"
                "## next: christmas gig\n- sat 12 dec, landmark (bergen kunsthall, rasmus meyers alle 5). 19:00 start\n"
                "- 2 x 35 min sets\n")
    import_note(svc, tmp_path / "2026-10-10-rehearsal.md", "next: 2 rehearsals w eirik before the kippers gig.\n")
    assert answered(svc, "when's our next gig?", "2026-12-04T21:10").startswith("12 December 2026")


def test_two_words_of_the_question_said_together_pick_the_day_in_the_item_about_its_subject(svc, tmp_path):
    import_note(svc, tmp_path / "2026-06-09-jack-leaving.md", "tue 9 june\n\njack told me this morning in the van, "
                "hes leaving. going to perth w/ his girlfriend in july. fair play to him but bad timing. last day fri "
                "26 june.\n")
    assert answered(svc, "when was jack's last day?", "2026-10-06T21:15").startswith("26 June 2026")


def test_the_next_appointment_asked_after_the_only_one_known_is_said_to_be_gone_by(svc, tmp_path):
    import_note(svc, tmp_path / "2025-07-08-vet.md", "pistache vet\n\n**Appt:** today 14:30, Clinique Vétérinaire "
                "Rachel, 1842 rue Rachel Est\n")
    assert answered(svc, "when is pistache's next vet appointment?", "2025-12-14T18:40").startswith(
        "8 July 2025 at 14:30 (gone by; no later one is mentioned)")


def test_the_next_one_said_as_a_month_to_come_answers_over_a_day_gone_by_and_another_persons_day(svc):
    # helper-139: "next check-up in 6 months" gave my sister's root canal, the one day to come
    add_notes(svc, [("2026-12-08T10:15", "dentist this morning (Smile Dental) - all fine, next check-up in 6 months. "
                     "Chioma's root canal is next Tue 15 Dec, I'm having her kids after school that day.")])
    assert answered(svc, "when is my next dentist check up?", "2026-12-09T18:00").startswith("June 2027")
    assert answered(svc, "when is chioma's root canal?", "2026-12-09T18:00").startswith("15 December 2026")


def test_what_is_read_now_is_the_latest_line_that_states_the_book_without_the_verb(svc):
    # helper-139: the later notes say "book is X", not "reading"; October's book answered
    add_notes(svc, [("2026-10-18T16:30", "book club - next meeting Thu 22 Oct at Bisi's, we're reading Tomorrow, and "
                     "Tomorrow, and Tomorrow (Gabrielle Zevin)."),
                    ("2026-10-22T23:00", "book club at Bisi's was lovely. Next one Thu 19 Nov, Claire hosting, book is "
                     "Piranesi by Susanna Clarke."),
                    ("2026-11-19T23:10", "Parents' evening went fine. Missed book club at Claire's because of it. "
                     "December book club: Thu 17 Dec at Deepa's, book is Small Things Like These by Claire Keegan.")])
    assert answered(svc, "what book are we reading for book club now?", "2026-12-09T18:00").startswith(
        "December book club: Thu 17 Dec at Deepa's, book is Small Things Like These")


def test_who_teaches_a_class_is_the_line_naming_its_teacher_not_the_line_naming_the_class_and_a_place(svc):
    # helper-139: "Portuguese class" was read as a name and a deed ("class" like "drives"), so the
    # line with the library's name answered "who teaches ...?"
    add_notes(svc, [("2026-10-13T21:15", "Portuguese class every Tuesday 7-9pm at Manchester Central Library, room "
                     "3B. Teacher is Mariana Duarte. Paid the term fee, £145. Obrigada!")])
    assert answered(svc, "who teaches the portuguese class", "2026-12-09T18:00").startswith(
        "Teacher is Mariana Duarte.")


def test_where_is_answered_by_a_line_that_says_a_place_not_one_that_only_names_the_thing(svc, tmp_path):
    # helper-140: "where is eilidhs wedding" gave "Eilidh's wedding!!"; "where did I put the
    # orkney cores" gave "orkney day 2: Bay of Skaill cores done, 18 cores total."
    add_notes(svc, [("2026-10-10T16:45", "Eilidh's wedding!! I'm a bridesmaid. Saturday 19 December at Dundas "
                     "Castle."),
                    ("2026-10-16T19:45", "orkney day 2: Bay of Skaill cores done, 18 cores total."
                     " Scapa Flow tomorrow."),
                    ("2026-10-19T22:10", "back from Orkney. 31 in total. cores are in the -20 freezer in the Ashworth "
                     "lab, shelf 3")])
    import_note(svc, tmp_path / "wedding-checklist.md", "# Eilidh + Ross wedding - bridesmaid checklist\n\n"
                "- Date: Saturday 19 December, ceremony 1pm\n- Venue: Prestonfield House (moved from Dundas Castle)\n"
                "- Hair + makeup: 8am at Eilidh's mum's house in Bruntsfield\n", saved="2026-11-20T20:00")
    now = "2026-12-09T18:00"
    assert answered(svc, "where is eilidhs wedding", now).startswith("- Venue: Prestonfield House")
    assert answered(svc, "where did I put the orkney cores", now).startswith("cores are in the -20 freezer")


def test_where_a_thing_goes_is_answered_by_where_it_goes_not_by_another_line_that_names_a_place(svc):
    add_notes(svc, [("2026-11-20T19:00", "Tobi's Year 10 geography trip to the Eden Project, 15-17 March. Paid the "
                     "£95 deposit on ParentPay today; remaining £190 due by 15 Jan.")])
    assert answered(svc, "where is tobi's school trip going?", "2026-12-09T18:00").startswith(
        "Tobi's Year 10 geography trip to the Eden Project")


def test_when_someone_is_back_is_the_end_of_their_leave_written_as_end_of_a_short_month(svc):
    # helper-140: "until end of Feb" was no date, so the leave's first day answered
    add_notes(svc, [("2026-10-28T09:00", "supervisor news: Fiona is going on research leave from 1 Nov until end of "
                     "Feb. Dr Tomasz Nowak is my acting lead supervisor from now.")])
    assert answered(svc, "when is fiona back from leave", "2026-12-09T18:00").startswith("February 2027")
    # typed in lower case, the month is a month still: not the day the note was written
    add_notes(svc, [("2026-12-04T09:00", "car tax renewal due end of jan, do it online at gov.uk")])
    assert answered(svc, "when is the car tax due", "2026-12-09T18:00").startswith("January 2027")


def test_the_sentence_on_the_thing_said_in_short_dates_it_over_an_earlier_one_on_whose_it_is(svc):
    # helper-140: "his biometrics appt is ... Fri 20 Nov" lost to "sam's visa stuff: ... next year"
    add_notes(svc, [("2026-10-12T09:00", "sam's visa stuff: he's doing the UK ETA first (£16) then we look at the "
                     "unmarried partner visa next year. his biometrics appt is in Halifax on Fri 20 Nov at 9:30am")])
    assert answered(svc, "when was sams biometrics appointment", "2026-12-09T18:00").startswith(
        "20 November 2026 at 9:30am")


def test_a_booking_reference_is_not_replaced_by_a_later_change_to_the_booking_that_gives_none(svc):
    # helper-140: the ref came only inside "(before: ...)", under the later sailing that gives none
    add_notes(svc, [("2026-10-05T21:15", "Orkney fieldwork booked!\n- ferry Scrabster -> Stromness, NorthLink, Wed 14 "
                     "Oct 13:15 sailing, booking ref NL48213\n- staying at Stromness Hostel 4 nights"),
                    ("2026-10-20T09:00", "- Ferry: NorthLink Scrabster -> Stromness, Thu 15 Oct 13:15 (moved from Wed "
                     "14 Oct)")])
    assert answered(svc, "whats the northlink booking reference", "2026-12-09T18:00").startswith(
        "- ferry Scrabster -> Stromness, NorthLink, Wed 14 Oct 13:15 sailing, booking ref NL48213 [1]")


def test_a_title_on_another_thing_gives_way_to_a_dated_line_below_it_that_names_who_is_asked(svc, tmp_path):
    import_note(svc, tmp_path / "2025-12-28-lena-moving-in.md", "lena moving in — sun 4 jan\n\n"
                "- get 2nd set of keys cut\n- clear josh's junk out of the hall cupboard\n"
                "- bond: she pays me $920 on the day (already paid josh his back on the 20th)\n")
    assert answered(svc, "when did josh actually move out", "2026-03-05T07:10").startswith("20 December 2025")


def test_a_line_dated_by_the_day_that_opens_its_section_is_answered_with_that_day(svc, tmp_path):
    # held-out fd71: "when did i actually move into the new flat?" answered the note's own day
    import_note(svc, tmp_path / "2025-02-16-moved-in.md",
                "# moved in!!\n\nyesterday. marek + his lad had everything done in 2.5 hrs, paid £85.\n\n"
                "flat 2, 9 allerton mews LS7\nmeters:\n- elec 04417\n- gas 01982.3\n\n# todo\n\n- council tax\n")
    assert answered(svc, "when did i move into the new flat?", "2025-03-14T19:30").startswith("15 February 2025")


@pytest.mark.parametrize(("said", "kept"), [
    ("ok. will see what my ES says next month.", "will see what my ES says next month."),  # held-out fd71
    ("ok.", ""),
    ("ok so the plumber is coming tuesday.", "ok so the plumber is coming tuesday."),
    ("OK Computer is my favourite album.", "OK Computer is my favourite album."),
])
def test_an_ok_on_its_own_is_no_part_of_what_a_turn_says(said, kept):
    from recall_cli.llm.shape import clean

    assert clean(said) == kept


def test_a_birthday_is_not_the_day_a_line_that_names_no_day_was_written(svc):
    add_notes(svc, [("2026-11-30T09:00", "Maya's birthday is 3 May; she wants a film camera."),
                    ("2026-12-01T09:00", "Shopping: milk, eggs, birthday card for Mum, bin bags")])
    # the shopping line was written on 1 December: that is not when Mum's birthday is
    assert answered(svc, "when is Mum's birthday?", "2026-12-07T12:00").startswith("Not mentioned")
    assert answered(svc, "when is Maya's birthday?", "2026-12-07T12:00") == "3 May [1]"


def test_a_lesson_moved_from_one_weekday_to_another_is_on_the_coming_one(svc):
    add_notes(svc, [("2026-11-30T15:00", "Piano lesson for Ellie moved from Thursday to Friday 4pm.")])
    # written on Monday 30 November: the Friday it moved to is 4 December, not the 27th gone by
    assert answered(svc, "when is Ellie's piano lesson?", "2026-12-01T12:00").startswith("Friday, 4 December 2026")


def test_anothers_swimming_lesson_does_not_answer_for_someone_whose_lesson_is_piano(svc):
    add_notes(svc, [("2026-11-24T17:00", "Tom's swimming lessons are every Tuesday at 5pm at the leisure centre."),
                    ("2026-11-30T15:00", "Piano lesson for Ellie moved from Thursday to Friday 4pm.")])
    assert answered(svc, "when is Ellie's swimming lesson?", "2026-12-01T12:00").startswith("Not mentioned")
    assert "every Tuesday at 5pm" in answered(svc, "when is Tom's swimming lesson?", "2026-12-01T12:00")


def test_of_two_lessons_of_one_person_the_kind_asked_about_answers(svc):
    add_notes(svc, [("2026-11-25T17:00", "Swimming for Ellie starts on Saturday 12 December at 9am, school pool."),
                    ("2026-11-30T15:00", "Piano lesson for Ellie moved from Thursday to Friday 4pm.")])
    # "swimming" says which lesson; "lesson" is said by the later note on piano
    assert answered(svc, "when is Ellie's swimming lesson?", "2026-12-01T12:00").startswith("12 December 2026")
    assert answered(svc, "when is Ellie's piano lesson?", "2026-12-01T12:00").startswith("Friday, 4 December 2026")


def test_a_notes_heading_says_whose_party_its_date_line_is(svc, tmp_path):
    import_note(svc, tmp_path / "party-plans.md", "# Tom's 8th birthday party\n\nDate: Saturday 16 January 2027, "
                "2-4pm at the Village Hall. Invite 12 kids.\n\n## To buy\n\n- party bags\n- candles\n- balloons\n",
                saved="2026-11-29T21:00")
    add_notes(svc, [("2026-11-27T08:00", "Mum's birthday is 11 December. Order flowers by the 8th.")])
    # not "about someone other than Tom" (Mum's birthday), and the dated line, not the shopping list
    assert answered(svc, "when is Tom's birthday party?", "2026-12-07T12:00").startswith("16 January 2027")


def test_a_change_to_another_named_thing_does_not_replace_the_value_asked_for(svc, tmp_path):
    add_notes(svc, [("2026-11-16T20:15", "The Kestrel staging server is at 203.0.113.42 and the tracking API runs on "
                                         "port 8443."),
                    ("2026-11-25T19:30", "Postgres on the Kestrel staging box listens on port 5433, not the "
                                         "default 5432.")])
    import_note(svc, tmp_path / "kestrel-infra.md", "# Kestrel infrastructure\n\n"
                "- Redis cache moved to port 6380 on the staging box (changed 7 Dec)\n"
                "- RabbitMQ management UI is on port 15672\n", saved="2026-12-07T12:46")
    # Redis's port moved; Postgres's and the API's did not
    assert answered(svc, "What port is Postgres on, on the Kestrel staging box?", "2026-12-07T13:00").startswith(
        "Postgres on the Kestrel staging box listens on port 5433")
    assert "8443" in answered(svc, "Which port does the Kestrel tracking API run on?", "2026-12-07T13:00")
    assert "6380" in answered(svc, "What port is Redis on?", "2026-12-07T13:00")


def test_a_cancellation_changes_neither_who_it_was_with_nor_a_thing_already_done(svc):
    add_notes(svc, [("2026-11-19T08:30", "Flat viewing booked for 14 Cotham Road on Saturday 21 November at 11am, "
                                         "the agent is Chloe from Bristol Lettings."),
                    ("2026-11-20T17:00", "The Cotham Road flat viewing is cancelled, the landlord took it off "
                                         "the market."),
                    ("2026-11-28T10:30", "Ashton Court parkrun in 22:58, finally under 23 minutes."),
                    ("2026-12-05T09:30", "Parkrun was cancelled this morning because of ice, so I did 6 km easy on "
                                         "the treadmill instead.")])
    assert answered(svc, "Who is the agent for the Cotham Road flat?", "2026-12-07T12:00").startswith(
        "Flat viewing booked for 14 Cotham Road")
    # this morning's parkrun was called off; the run of 28 November still happened
    assert answered(svc, "What was my parkrun time?", "2026-12-07T12:00").startswith("Ashton Court parkrun in 22:58")
    # the viewing itself is off
    assert "cancelled" in answered(svc, "When is the Cotham Road flat viewing?", "2026-12-07T12:00")


def test_when_a_thing_that_comes_back_is_asked_the_days_it_recurs_answer(svc, tmp_path):
    add_notes(svc, [("2026-11-17T19:00", "Running club hill session is every Wednesday at 6:30pm, meeting outside "
                                         "Clifton Lido."),
                    ("2026-12-04T10:00", "New Kestrel production server is 198.51.100.17, SSH alias kestrel-prod. "
                                         "Production deploys only happen on Tuesdays after standup.")])
    import_note(svc, tmp_path / "bristol-10k-plan.md", "# Bristol 10K plan\n\n## Weekly training\n\n"
                "Tuesday is intervals: 6 x 800m at 4:20 per km with 90 seconds rest.\n"
                "Wednesday is the club hill session.\nSunday is the long run, capped at 12 km.\n",
                saved="2026-12-03T12:00")
    told = partial(answered, svc, now="2026-12-07T12:00")
    # not the day a note was written, nor one Wednesday of a weekly timetable
    assert told("When is the running club hill session?").startswith(
        "Running club hill session is every Wednesday at 6:30pm")
    assert told("When is the next running club session?").startswith("Wednesday, 9 December 2026")
    assert told("When am I allowed to deploy to Kestrel production?").startswith(
        "Production deploys only happen on Tuesdays")
    assert told("when are the intervals?").startswith("Tuesday is intervals")


def test_what_i_got_someone_is_in_the_item_on_them_not_anything_i_got(svc):
    add_notes(svc, [("2026-11-30T09:00", "Got the bike's rear brake pads replaced at Mud Dock, it cost £35."),
                    ("2026-12-04T19:00", "Mum's birthday is 19 December. Ordered her a pottery class voucher from "
                                         "Clay Studio for £65.")])
    assert answered(svc, "What did I get Mum for her birthday?", "2026-12-07T12:00").startswith(
        "Ordered her a pottery class voucher")


def test_where_a_thing_for_another_is_asks_where_the_thing_is(svc, tmp_path):
    import_note(svc, tmp_path / "bristol-10k-plan.md", "# Bristol 10K plan\n\n## Race day logistics\n\n"
                "Bag drop closes at 8:45 at Millennium Square, and the start is at 9:30 on Anchor Road.\n",
                saved="2026-12-03T12:00")
    # "for the 10K" says which bag drop; the heading says it, the line says where the drop is
    assert "Millennium Square" in answered(svc, "Where is the bag drop for the 10K?", "2026-12-07T12:00")
    assert ask(svc, "Where is the cloakroom for the 10K?", llm=ScriptedLLM([])).abstained


def test_a_name_whose_first_word_is_never_written_is_not_mentioned(svc):
    add_notes(svc, [("2026-11-15T11:00", "Signed up for the Bath Half Marathon on Sunday 14 March 2027.")])
    # "Half Marathon" is written; "Cardiff" never is
    assert ask(svc, "When is the Cardiff Half Marathon?", llm=ScriptedLLM([])).abstained
    assert answered(svc, "When is the Bath Half?", "2026-12-07T12:00").startswith("14 March 2027")


def test_a_named_event_i_dropped_is_called_off(svc):
    add_notes(svc, [("2026-11-15T11:00", "Signed up for the Bath Half Marathon on Sunday 14 March 2027."),
                    ("2026-12-02T21:00", "Change of race plan: I've dropped the Bath Half and entered the Bristol 10K "
                                         "on Sunday 21 February 2027 instead, because of a sore Achilles.")])
    told = partial(answered, svc, now="2026-12-07T12:00")
    assert "dropped the Bath Half" in told("When is the Bath Half?")
    assert told("Am I still doing the Bath Half?").startswith("Change of race plan: I've dropped the Bath Half")
    # "I've dropped" is my own deed: why is told by it
    assert "because of a sore Achilles" in told("Why did I drop the Bath Half?")
    # dropping the kids off calls nothing off
    add_notes(svc, [("2026-12-03T08:00", "Football training with Tom is on Saturday 12 December at 10am."),
                    ("2026-12-04T08:30", "Dropped the kids off at football training early.")])
    assert told("When is football training?").startswith("12 December 2026")


def test_my_plan_for_today_is_the_note_written_the_day_before_for_this_weekday(svc):
    add_notes(svc, [("2026-12-06T20:00", "Plan for Monday: finish the Kestrel webhook retries, call my accountant "
                                         "about the self-assessment, gym at 6pm."),
                    ("2026-12-07T08:15", "Dentist tomorrow at 2:15pm at Gloucester Road Dental.")])
    assert answered(svc, "What is my plan for today?", "2026-12-07T12:00").startswith("Plan for Monday: finish")


def test_a_rate_asked_for_is_answered_by_the_sentence_at_that_rate(svc):
    add_notes(svc, [("2026-12-03T09:00", "Weekly training. Tuesday is intervals: 6 x 800m at 4:20 per km. Sunday is "
                                         "the long run, capped at 12 km while the Achilles heals."),
                    ("2026-12-02T21:00", "Change of race plan: I've dropped the Bath Half and entered the Bristol 10K "
                                         "instead. The physio says no more than 30 km a week for now.")])
    # the long run's 12 km is no weekly figure; "a week" is
    assert answered(svc, "How many km a week am I allowed to run?", "2026-12-07T12:00") == (
        "The physio says no more than 30 km a week for now. [2]")


def test_a_thing_entered_in_place_of_one_dropped_is_dated_by_its_own_day(svc):
    add_notes(svc, [("2026-11-15T11:00", "Signed up for the Bath Half Marathon on Sunday 14 March 2027."),
                    ("2026-12-02T21:00", "Change of race plan: I've dropped the Bath Half and entered the Bristol 10K "
                                         "on Sunday 21 February 2027 instead, because of a sore Achilles.")])
    # the race is the one entered; what was dropped is the Bath Half
    assert answered(svc, "When is my race?", "2026-12-07T12:00") == "21 February 2027 [2]"
    assert answered(svc, "When is the Bath Half?", "2026-12-07T12:00").startswith(
        "Change of race plan: I've dropped the Bath Half")


def test_a_booking_reference_asked_for_is_the_sentence_that_gives_the_code(svc):
    add_notes(svc, [("2026-10-17T10:05", "Booked Lisbon flights!! Ryanair FR1356 Manchester -> Lisbon Fri 9 Apr 2027 "
                                         "dep 06:15. £312.40 total for me + Tobi. Booking ref QX7RTP.")])
    # not the first sentence that says "booked" and "flights"
    assert answered(svc, "whats the flight booking reference", "2026-12-09T18:00") == "Booking ref QX7RTP. [1]"


def test_a_named_persons_number_is_the_one_said_after_their_name_in_any_note(svc):
    add_notes(svc, [("2026-11-01T14:30", "Tiler: Gary Newton (Newton Tiling), 07700 900188. £1,150 labour for walls "
                                         "+ floor, tiles extra."),
                    ("2026-11-30T18:30", "Piotr started the bathroom today! Gary confirmed he's starting Mon 7 Dec."),
                    ("2026-12-07T20:00", "Gary started tiling today. Paid him the £300 deposit in cash."),
                    ("2026-10-12T08:10", "Dad's new GP is Dr Harriet Lowe, phone 0161 445 2290."),
                    ("2026-11-11T19:00", "Piotr can't start on the 16th. That pushes Gary's tiling back to Mon 7 Dec."),
                    ("2026-12-08T19:00", "Gary says the grout needs 24 hours, so no shower until Thursday. Phoned "
                                         "Mum about it, she has 2 spare towels for us."),
                    ("2026-12-09T08:00", "Gary's van blocked the drive again, 3rd time. Phone call from "
                                         "Tobi's school.")])
    # ("garys": typed without the apostrophe)
    for question in ("what's Gary's phone number?", "whats garys phone number"):
        assert answered(svc, question, "2026-12-09T18:00") == "Tiler: Gary Newton (Newton Tiling), 07700 900188. [1]"
    assert ask(svc, "what's Piotr's number?", llm=ScriptedLLM([])).abstained  # no number follows his name


def test_a_teacher_of_another_language_is_no_answer(svc):
    add_notes(svc, [("2026-10-13T21:00", "Portuguese class every Tuesday 7-9pm at Manchester Central Library, room "
                                         "3B. Teacher is Mariana Duarte. £145 for the term.")])
    assert ask(svc, "what's my spanish teacher called?", llm=ScriptedLLM([])).abstained
    assert "Mariana Duarte" in answered(svc, "what's the teacher called?", "2026-12-09T18:00")


def test_a_month_that_says_which_bill_answers_with_that_months_bill(svc):
    add_notes(svc, [("2026-10-06T19:30", "flat bills Oct: Octopus energy bill came in at £186.40, split 3 ways w Priya "
                                         "and Josh."),
                    ("2026-12-05T11:15", "Energy bill for Nov from Octopus: £203.70 (heating on now, ugh), so £67.90 "
                                         "each. Josh paid me back the £58.30 from October.")])
    # November's is the latest energy bill, and its note names October too, in another sentence
    assert "£186.40" in answered(svc, "how much was the october energy bill", "2026-12-09T18:00")
    assert "£186.40" in answered(svc, "energy bill for oct?", "2026-12-09T18:00")
    assert "£203.70" in answered(svc, "how much was novembers energy bill", "2026-12-09T18:00")


def test_which_thing_asked_for_is_a_line_that_names_that_kind_of_thing(svc):
    add_notes(svc, [("2026-10-05T21:15", "Orkney fieldwork booked!\n- ferry Scrabster -> Stromness, NorthLink, Wed 14 "
                                         "Oct 13:15 sailing, booking ref NL48213\n- staying at Stromness Hostel 4 "
                                         "nights"),
                    ("2026-10-17T08:30", "Leith Cycle Co rang - the chain and cassette are toast as well so the bike "
                                         "total is now £110 not £85. pick up after I'm back from orkney")])
    # the bike's note is later and names Orkney too, with "pick up" for "getting"
    assert answered(svc, "which ferry did we end up getting to orkney", "2026-12-09T18:00").startswith(
        "- ferry Scrabster -> Stromness, NorthLink")


def test_a_day_of_the_week_asked_for_is_the_line_that_says_one(svc):
    add_notes(svc, [("2026-11-12T08:50", "how to ship the cores to the isotope lab at SUERC (from Tomasz, don't "
                                         "forget):\n1. freeze-dry subsamples 48h\n2. weigh 10mg into tin capsules\n"
                                         "3. courier on a Monday only so it doesn't sit over the weekend")])
    # not the day the note was written
    assert answered(svc, "what day of the week should cores be couriered", "2026-12-09T18:00") == \
        "courier on a Monday only so it doesn't sit over the weekend [1]"
    add_notes(svc, [("2026-12-01T09:00", "dentist check-up booked for 15 Dec at 10am")])
    assert answered(svc, "what day of the week is the dentist check-up?", "2026-12-09T18:00").startswith(
        "Tuesday, 15 December 2026 at 10")


def test_a_question_typed_fast_is_read_as_it_is_meant(svc):
    add_notes(svc, [("2026-11-09T08:00", "gaz off site next wk on another job, back mon 16 nov to finish first fix"),
                    ("2026-12-04T18:00", "gaz back mon 14 dec for the tiling"),
                    ("2026-11-10T22:30", "worktop: got bristol stone co down to £2,600 final. paid 50% deposit"),
                    ("2026-11-30T21:00", "Contacts:\n- Gaz Whitlock (builder) 07700 900318\n- Bristol Stone Co "
                                         "office: 0117 496 0250, ask for Hannah")])
    # "whens" is "when is" ("gaz back" is still to come), "phone no" a phone number
    assert answered(svc, "whens gaz back", "2026-12-09T18:00").startswith("14 December 2026")
    assert answered(svc, "gaz phone no", "2026-12-09T18:00") == "- Gaz Whitlock (builder) 07700 900318 [4]"
    # a phone number is digits to ring, not the price in a line on the same firm
    assert answered(svc, "stone co phone number", "2026-12-09T18:00") == \
        "- Bristol Stone Co office: 0117 496 0250, ask for Hannah [4]"


def test_which_thing_asked_for_is_the_line_that_states_it_in_any_note(svc, tmp_path):
    add_notes(svc, [("2026-10-15T19:20", "bristol stone co revised the worktop quote to £2,780 - they'd missed the "
                                         "upstands and the hob cutout. did we get the hob yet?")])
    import_note(svc, tmp_path / "kitchen.md",
                "# Kitchen reno\n\n## Appliances\n- oven: Bosch HBS534BS0B, £429 from AO, delivery 11 dec\n"
                "- hob: Neff induction T36FB41X0G £389\n- extractor: integrated in wall unit, "
                "Elica, £210\n- fridge: keeping the old one for now\n\n## Snag list\n1. wall unit door by the "
                "window rubs on the hinge\n2. plinth missing under the sink\n3. socket by the hob is wonky\n",
                saved="2026-12-01T20:00")
    # the worktop's note ranks first in search, and names the hob
    assert answered(svc, "which hob did we get", "2026-12-09T18:00").startswith("- hob: Neff induction T36FB41X0G £389")


def test_who_is_asked_of_a_note_typed_in_lower_case_names_them_by_their_title(svc):
    add_notes(svc, [("2026-10-05T08:20", "ada's school trip to the SS Great Britain thurs 12 nov, £12.50 pay on "
                                         "parentpay by fri 6 nov"),
                    ("2026-12-03T20:40", "ada's violin: ms kaur is leaving, new teacher from jan is mr oyelaran, "
                                         "thursdays 3.30, £9.50 a lesson")])
    assert "mr oyelaran" in answered(svc, "who's ada's new violin teacher", "2026-12-09T18:00")


def test_what_night_a_thing_is_on_is_the_line_that_says_its_weekday(svc):
    add_notes(svc, [("2026-11-02T12:00", "running club (southville striders) moved the tuesday session to wednesdays "
                                         "7pm from now on, still meet at greville smyth park"),
                    ("2026-12-07T16:30", "Pegasus 40 retired at 640 km. New shoes: Saucony Ride 17 from Up & Running "
                                         "on Whiteladies Rd, £125 with club discount.")])
    # "is running" is no deed going on: "running club" is the thing
    assert "wednesdays 7pm" in answered(svc, "what night is running club now", "2026-12-09T18:00")


def test_a_reference_asked_for_is_a_line_that_gives_one(svc):
    add_notes(svc, [("2026-10-07T20:00", "howdens units delivery booked thurs 22 oct between 7 and 12. order ref "
                                         "HWD-448812"),
                    ("2026-10-21T16:00", "howdens delivery slipped to thurs 29 oct, their lorry broke down"),
                    ("2026-10-29T15:00", "howdens units arrived finally, 14 boxes, one wall unit damaged - replacement "
                                         "ordered")])
    # "14 boxes" is a number, not the ref
    assert answered(svc, "howdens order ref", "2026-12-09T18:00") == "order ref HWD-448812 [1]"


def test_who_is_asked_of_a_note_typed_in_lower_case_names_them_by_their_email(svc):
    add_notes(svc, [("2026-10-01T21:10", "new client Hartley & Rowe solicitors - site rebuild in wordpress, deadline "
                                         "fri 30 oct."),
                    ("2026-10-13T17:30", "hartley & rowe deadline pushed to fri 13 nov - sinead says partners havent "
                                         "signed off the copy"),
                    ("2026-12-08T22:10", "hartley & rowe: sinead is leaving end of dec, new contact is tom fairbairn "
                                         "tom.fairbairn@hartleyrowe.co.uk, send the invoice stuff to him")])
    assert "new contact is tom fairbairn" in answered(svc, "who's my contact at hartley & rowe now", "2026-12-09T18:00")


def test_which_one_i_went_with_is_the_one_chosen(svc):
    add_notes(svc, [("2026-10-12T19:00", "Second plumber quote: Hughes & Son (Dave Hughes) - £5,300."),
                    ("2026-10-23T17:20", "Bathroom decision: going with Kowalski. Piotr revised his quote down to "
                                         "£4,600."),
                    ("2026-11-28T12:00", "Neighbour Tom finally finished his bathroom - his plumber was Dave Hughes "
                                         "too, he paid £6,100 all in.")])
    assert answered(svc, "which plumber did I go with", "2026-12-09T18:00").startswith(
        "Bathroom decision: going with Kowalski.")


def test_a_statement_that_holds_none_of_the_questions_words_is_no_answer(svc):
    # helper-143: "when is mum's birthday" (never said) quoted a day rate going up "from january",
    # which the embedder found near it (a question holds the words, but answers nothing)
    add_notes(svc, [("2026-11-15T22:10", "what to get mum for her birthday??"),
                    ("2026-12-07T15:00", "fiona at clyde sound says their day rate for me goes up to £350 from "
                                         "january")])

    def search(query: str, **options: Any) -> Any:  # as a semantic model finds them: both
        return svc.search("mum day rate", **options)

    now = parse_time("2026-12-09T18:00")
    answer = ask(svc, "when is mum's birthday", llm=ScriptedLLM([]), search=search, reference=now)
    assert len(answer.evidence) == 2 and answer.text == ABSTAIN
    answer = ask(svc, "when does fiona's day rate go up", llm=ScriptedLLM([]), search=search, reference=now)
    assert answer.text.startswith("January 2027")


def test_a_two_letter_word_the_notes_use_is_a_key_word(svc):
    # helper-145: "whats the gp called" had only "called" to look for, and quoted "league called it off"
    add_notes(svc, [("2026-10-30T07:50", "gp appt mon 2 nov 9:10 w/ dr patel, hyde park surgery"),
                    ("2026-11-20T10:00", "bramley game cancelled - league called it off for good.")])
    assert "dr patel" in answered(svc, "whats the gp called", "2026-12-09T18:00")


def test_who_does_a_thing_is_answered_by_the_line_on_the_thing_not_one_sharing_only_a_common_verb(svc):
    # helper-145: "who's making the cake" quoted "manchester lot cant make it (cousin's wedding)"
    add_notes(svc, [("2026-11-14T20:00", "ama doing the cake - 3 tier, choc + lemon. she's paying for it"),
                    ("2026-11-20T20:00", "guest count now 45 not 60 - manchester lot cant make it (cousin's wedding "
                                         "same wkd)")])
    assert answered(svc, "who's making the cake", "2026-12-09T18:00").startswith("ama doing the cake")


def test_a_code_on_the_thing_answers_for_its_number_though_it_is_not_called_one(svc):
    # helper-143: "whats the invoice number for the 2nd half of the panto" (TN-036) was not
    # mentioned once the number had to be said of the 2nd half
    add_notes(svc, [("2026-11-20T09:50", "brightpod nov invoice TN-035: 8 eps @ £45 = £360"),
                    ("2026-12-04T10:00", "sent TN-036 to harbour lights for the 2nd half of the panto £1,200")])
    now = "2026-12-09T18:00"
    assert "TN-036" in answered(svc, "whats the invoice number for the 2nd half of the panto", now)
    assert answered(svc, "whats the invoice number for the cabaret", now).startswith("Not mentioned")

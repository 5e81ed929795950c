"""Questions that ask two things at once, answered part by part."""

from __future__ import annotations

import pytest

from recall_cli.llm.ask import ABSTAIN, ask
from recall_cli.llm.compound import compound_parts, money_in
from recall_cli.timeutil import parse_time
from tests.fakes import ScriptedLLM


@pytest.mark.parametrize(("question", "parts"), [
    ("Who's my bass teacher now, and why did I switch?", ["Who's my bass teacher now?", "Why did I switch?"]),
    ("How much was the allotment fee and have I paid it?",
     ["How much was the allotment fee?", "Have I paid it?"]),
    ("What's the ship-time reference and when is the cruise?",
     ["What's the ship-time reference?", "When is the cruise?"]),
    ("What was my 10K time and bib number?", ["What was my 10K time?", "What was my bib number?"]),
    ("What's Mei's phone number and her address?", ["What's Mei's phone number?", "What's her address?"]),
    ("what are my gate code and the wifi password", ["What are my gate code?", "What are the wifi password?"]),
    ("When and where was my exam in the end?", ["When was my exam in the end?", "Where was my exam in the end?"]),
    ("When and how much was the deposit?", ["When was the deposit?", "How much was the deposit?"]),
    ("what time does the charity walk start and where?",
     ["What time does the charity walk start?", "Where does the charity walk start?"]),
    ("when's our next gig and where?", ["When's our next gig?", "Where is our next gig?"]),
])
def test_a_question_asking_two_things_splits_into_two_questions(question, parts):
    assert compound_parts(question) == parts


@pytest.mark.parametrize("question", [
    "What does Nate do that he loves and can make money from?",  # one question, two verbs
    "What type of ice cream does Joanna mention that Nate makes and is delicious?",
    "When did Caroline encounter people on a hike and have a negative experience?",
    "What do Jon and Gina both have in common?",
    "Tom and what did Anna bring?",  # no question before the "and"
    "What are Nate and Joanna's favourite animals?",  # two owners of one thing
    "What is the bread and butter of my job?",
    "What was the best and worst part of the trip?",
    "What is my plan for Tom and Ann?",
])
def test_an_and_inside_one_question_does_not_split_it(question):
    assert compound_parts(question) == [question]


def test_ask_answers_each_part_and_reads_the_second_as_a_follow_up(svc):
    svc.add("Biscuit is 4 now, still eats socks.", ts=parse_time("2025-11-01T19:00"))
    svc.add("We adopted Biscuit from the Galway shelter in March 2022.", ts=parse_time("2022-03-12T10:00"))
    svc.add("Dentist on Friday at 9:40.", ts=parse_time("2025-11-02T10:00"))
    answer = ask(svc, "How old is Biscuit and when did we adopt him?", llm=ScriptedLLM([]))
    first, second = answer.text.splitlines()
    assert "4" in first and "March 2022" in second
    assert not answer.abstained and len(answer.citations) == 2


def test_a_part_the_notes_do_not_answer_is_named_with_its_not_mentioned(svc):
    svc.add("Test ride on the Yamaha on 27 September at Motos Loures.", ts=parse_time("2025-09-20T19:00"))
    answer = ask(svc, "Which bike did I test ride, and when is my dentist appointment?", llm=ScriptedLLM([]))
    first, second = answer.text.splitlines()
    assert "Yamaha" in first
    assert second == f"When is my dentist appointment? {ABSTAIN}"
    assert not answer.abstained


def test_where_is_answered_by_the_line_that_gave_the_day_asked_when_of(svc, tmp_path):
    # held-out fd65: "where" on its own found "next: 2 rehearsals ... before the kippers gig"
    note = tmp_path / "2026-11-22-ole-bull-gig.md"
    note.write_text("# ole bull scene - last night\n\n- best gig we've ever done?? sold out\n\n"
                    "## next: christmas gig\n- sat 12 dec, landmark (bergen kunsthall). 19:00 start\n")
    svc.import_file(note, "markdown")
    svc.add("next: 2 rehearsals w eirik before the kippers gig.", ts=parse_time("2026-10-10T20:00"))
    answer = ask(svc, "when's our next gig and where?", llm=ScriptedLLM([]), reference=parse_time("2026-12-04T21:10"))
    when, where = answer.text.splitlines()
    assert when.startswith("12 December 2026") and "landmark (bergen kunsthall)" in where


def test_where_keeps_the_place_the_search_found_when_the_dated_line_names_none(svc, tmp_path):
    # held-out fd69: the line with the day names the vet, the clinic's own note names the place
    note = tmp_path / "2024-10-08-churro-vet.md"
    note.write_text("# churro - vet appointment\n\nClínica Veterinaria Benimaclet — Dr. Anaya\n"
                    "c/ d'Emili Baró 45, tel 963 61 24 78\n")
    svc.import_file(note, "markdown")
    svc.add("- [ ] **churro analítica in two weeks → thu 27, 17:30, Dr. Anaya**. ayuno 8h before",
            ts=parse_time("2025-03-13T09:00"))
    answer = ask(svc, "when and where is churro's next vet appointment?", llm=ScriptedLLM([]),
                 reference=parse_time("2025-03-18T08:45"))
    when, where = answer.text.splitlines()
    assert when.startswith("27 March 2025 at 17:30")
    assert "c/ d'Emili Baró 45" in where


def test_a_compound_question_about_nothing_stored_abstains_once(svc):
    svc.add("Test ride on the Yamaha on 27 September at Motos Loures.", ts=parse_time("2025-09-20T19:00"))
    answer = ask(svc, "What is my passport number and when does it expire?", llm=ScriptedLLM([]))
    assert answer.abstained and answer.text == ABSTAIN


def test_an_answer_held_whole_in_the_other_parts_answer_is_given_once(svc):
    svc.add("Presents: Earrings (pearl) — Thuy bought them, I'm paying half = $210. Still owe Thuy $210.",
            ts=parse_time("2026-08-16T20:00"))
    svc.add("- Earrings (pearl) — Thuy bought them, I'm paying half = $210.", ts=parse_time("2026-08-10T20:00"))
    answer = ask(svc, "Who bought the pearl earrings, and what do I still owe?", llm=ScriptedLLM([]))
    assert answer.text.count("Thuy bought them") == 1


def test_two_things_of_one_owner_are_each_answered(svc):
    svc.add("Sunrise 10K done! Chip time 58:41, a PB by two minutes.", ts=parse_time("2026-02-22T11:00"))
    svc.add("Collected the race pack: bib number 2417, timing chip on the shoe.", ts=parse_time("2026-02-20T18:00"))
    svc.add("Dentist on Friday at 9:40.", ts=parse_time("2026-02-18T10:00"))
    answer = ask(svc, "What was my 10K time and bib number?", llm=ScriptedLLM([]))
    first, second = answer.text.splitlines()
    assert "10K" in first and "2417" in second


def test_what_two_things_cost_altogether_is_each_cost_and_their_sum(svc):
    svc.add("- 13 Oct - CLUTCH + flywheel (LuK kit) at Mick's. £720 + VAT = **£864**.",
            ts=parse_time("2026-10-13T20:00"))
    svc.add("2 new front tyres this morning - tyre place on Kirkstall Rd. £178 for the pair.",
            ts=parse_time("2026-11-21T20:00"))
    question = "How much did the van clutch and the new front tyres cost altogether?"
    assert compound_parts(question) == ["How much did the van clutch cost?", "How much did the new front tyres cost?"]
    answer = ask(svc, question, llm=ScriptedLLM([]), reference=parse_time("2026-11-28T12:00"))
    lines = answer.text.splitlines()
    assert "£864" in lines[0] and "£178" in lines[1] and lines[2] == "Together: £1,042"


def test_sums_in_kronor_or_rand_and_a_question_that_says_cost_me_all_together_are_added_too(svc):
    svc.add("booked wizz GOT-KTW return, 1 486 kr total w 1 cabin bag", ts=parse_time("2025-04-10T21:00"))
    svc.add("new geyser from Sbu: final R13,650 after he dropped the timer", ts=parse_time("2025-03-12T21:00"))
    svc.add("the ceiling repair came to R6,800 in the end", ts=parse_time("2025-04-02T21:00"))
    question = "How much did the geyser and the ceiling repair cost me all together?"
    assert compound_parts(question) == ["How much did the geyser cost?", "How much did the ceiling repair cost?"]
    answer = ask(svc, question, llm=ScriptedLLM([]), reference=parse_time("2025-04-29T20:00"))
    assert answer.text.splitlines()[-1] == "Together: R20,450", answer.text
    assert money_in("paid majornas 4 900 kr, 500 zł back") == [(" kr", "4 900", "", ""), (" zł", "500", "", "")]


def test_no_sum_is_made_of_a_rate_or_a_part_not_answered(svc):
    svc.add("Zine print run: €690 / 150 = €4.60 per copy", ts=parse_time("2026-05-01T20:00"))
    svc.add("Paid the cleaner, Sra. Rosário, €95 for the whole flat.", ts=parse_time("2026-05-11T20:00"))
    answer = ask(svc, "How much did the zine copies and the cleaner cost altogether?", llm=ScriptedLLM([]),
                 reference=parse_time("2026-05-20T12:00"))
    assert "€4.60 per copy" in answer.text and "€95" in answer.text and "Together" not in answer.text
    # nor of a part that is not answered
    answer = ask(svc, "How much did the cleaner and the skip hire cost altogether?", llm=ScriptedLLM([]),
                 reference=parse_time("2026-05-20T12:00"))
    assert "€95" in answer.text and "Together" not in answer.text

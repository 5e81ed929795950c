"""Dates as an answer gives them: read from the day the evidence was written, ranges kept
whole, cut to what the question asks for."""

from __future__ import annotations

from datetime import date

import pytest

from recall_cli.timephrase.answer import dates_in, in_granularity, next_occurrence
from recall_cli.timeutil import parse_time

SAID = parse_time("2023-06-09T12:00")  # a Friday


@pytest.mark.parametrize(("text", "expected"), [
    ("We fly to Kyoto 3-10 November, can't wait", "3-10 November 2023"),
    ("Trip: November 3-10", "3-10 November 2023"),
    ("from 28 October to 3 November", "28 October - 3 November 2023"),
    ("between August 11 and August 15 2023", "11-15 August 2023"),
    # a range whose days are named too stays one range
    ("moved to fri 4 august - sun 6 august, same room", "4-6 August 2023"),
    ("fri 4 - sun 6 august", "4-6 August 2023"),
    ("I went camping last week", "the week before 9 June 2023"),
    ("last Sunday I ran a race", "Sunday, 4 June 2023"),
    ("we met 2 weeks ago", "2 weeks before 9 June 2023"),
    ("back in 2019 I moved", "2019"),
    ("in May 2022 we married", "May 2022"),
    ("the party was yesterday", "8 June 2023"),
    ("moved to Thursday 5 March at 8:30", "5 March 2024"),  # moved to: a plan, so the coming 5 March
    ("we went there last summer", "the summer of 2022"),
    # a plan names a day to come, a story one gone by
    ("Call the plumber about the leak on Monday", "Monday, 12 June 2023"),
    ("we went hiking on Monday", "Monday, 5 June 2023"),
    ("Pay the council tax in two weeks", "23 June 2023"),
    ("Flight to Porto on the 18th", "18 June 2023"),
    ("I had my car serviced on the 2nd", "2 June 2023"),
    ("Dentist on the 1st", "1 July 2023"),
    ("Booked flights to Porto for the 14th, TAP flight TP1947", "14 June 2023"),
    ("Send the invoice by the 20th", "20 June 2023"),
    ("I need the report done by Friday", "Friday, 16 June 2023"),
    ("Eye test on 12 January at the optician", "12 January 2024"),  # a plan: the coming 12 January
    ("Boiler service booked for 9 January", "9 January 2024"),
    ("We went to the optician on 12 January", "12 January 2023"),
    ("The leak started on the 28th of December", "28 December 2022"),  # a story's day after June: last year's
    ("Dentist appointment with Dr. Halvorsen moved to Tuesday at 10:15.", "Tuesday, 13 June 2023"),
    ("Vet for Biscuit moved to Friday at 9.", "Friday, 16 June 2023"),
    ("We went to the gym Saturday morning", "Saturday, 3 June 2023"),
    ("the plumber Zoltan comes Friday 9am.", "Friday, 16 June 2023"),  # a time of day says it is a day
    ("Standup moved to Monday 10:30", "Monday, 12 June 2023"),
    # from when a thing holds: the coming day, even in a story's tense
    ("Standup moved to 10:15 starting Monday", "Monday, 12 June 2023"),
    ("As of Thursday the office closed at 5", "Thursday, 15 June 2023"),
    ("Gas meter reading is due end of January.", "January 2024"),  # a part of a month, no preposition
    # a month named alone: the coming one in a plan, the last one in a story
    ("We are moving to Rotterdam in January", "January 2024"),
    ("Marta starts at Google in early March", "March 2024"),
    ("The conference is in September", "September 2023"),
    ("We went to Porto in December", "December 2022"),
    ("I started running in March", "March 2023"),
    # a thing put off to a month is put off to the coming one, even in a story's tense
    ("Lisbon trip postponed to May because Tom broke his ankle", "May 2024"),
    ("The launch was pushed back to September", "September 2023"),
    # units as notes shorten them, and a year a thing runs out in
    ("- next one in 2 wks same time, then monthly", "23 June 2023"),
    ("moved here 3 yrs ago", "2020"),
    ("my passport expires 2029", "2029"),
])
def test_dates_in_evidence_read_as_said(text, expected):
    assert dates_in(text, SAID)[0][1] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("you may be right in may", []),  # lower case: the verb, not the month
    ("I talked to May about the trip", []),  # to May, not after a change: a person
    ("we won for the 1st time", []),  # an ordinal of something other than a day
    ("Ana lives on the 3rd floor", []),
    ("in August 5th, 2023", ["5 August 2023"]),  # a day follows: the day is the date
    ("Friday 13 at the cinema", []),  # a number after a weekday is no time of day
])
def test_a_month_alone_is_read_only_when_it_stands_alone(text, expected):
    assert [rendered for _p, rendered, _d, _s in dates_in(text, SAID)] == expected


def test_dates_are_given_in_the_questions_granularity():
    assert in_granularity("What year did Jon move?", "5 March 2019", None) == "2019"
    assert in_granularity("Which month did Jon move?", "5 March 2019", None) == "March 2019"
    assert in_granularity("Which month did Jon move?", "5 March 2019", date(2019, 3, 5)) == "March 2019"
    assert in_granularity("When did Jon move?", "5 March 2019", date(2019, 3, 5)) == "5 March 2019"


def test_a_weekday_the_writer_gives_the_day_of_is_that_day():
    # said on a Friday, "next Tuesday" alone is the 13th; the writer says it is the 20th
    found = dates_in("Taking Dad to cardiology next Tuesday 20 June, 9:40", SAID)
    assert [day for _, _, day, _ in found] == [date(2023, 6, 20)]


def test_a_weekday_written_short_is_read_as_the_day():
    # said on a Friday: notes write "next tues", "last fri", "moved to thurs", "weds 10am"
    def days(text: str) -> list[date | None]:
        return [day for _, _, day, _ in dates_in(text, SAID)]
    assert days("meeting w/ mrs okafor next tues 3.45 re PPA") == [date(2023, 6, 13)]
    assert days("load-tested the old ones last fri") == [date(2023, 6, 2)]
    assert days("physio moved to thurs") == [date(2023, 6, 15)]
    assert days("this sat: parkrun") == [date(2023, 6, 10)]
    assert days("weds 10am at the gp") == [date(2023, 6, 14)]
    # a short form that is a word is no day: "sat on the sofa", "the sun"
    assert days("sat on the sofa all day in the sun") == []


def test_a_weekday_that_does_not_fit_the_day_is_a_slip_not_last_years_day():
    said = parse_time("2026-12-06T12:00")  # 9 December 2026 is a Wednesday, 9 December 2025 a Tuesday
    assert [d for _, _, d, _ in dates_in("Dentist moved to Tuesday 9 December at 10:00.", said)] == [
        date(2026, 12, 9)]
    # a weekday that fits a day some weeks before still dates it ("Mon 16 March" in April 2026)
    assert [d for _, _, d, _ in dates_in("moved to Mon 16 March", parse_time("2026-04-20T12:00"))] == [
        date(2026, 3, 16)]


def test_a_weekday_with_an_ordinal_is_the_nearest_such_day():
    said = parse_time("2026-08-12T21:00")  # the 9th that is a Friday next: October's
    assert [d for _, _, d, _ in dates_in("- Dinner night before (Fri 9th) — bbq at the quinta", said)] == [
        date(2026, 10, 9)]
    assert [d for _, _, d, _ in dates_in("Wednesday the 14th, dentist", said)] == [date(2026, 10, 14)]
    assert dates_in("Fri 13 at the cinema", said) == []  # no ordinal: a number, not a day


def test_sat_before_a_day_is_saturday_not_a_past_tense():
    # helper-145: "hes collecting sat 21st" (said Wed 18 Nov) was read as a story: March's 21st
    said = parse_time("2026-11-18T18:45")
    assert [d for _, _, d, _ in dates_in("agreed £5,450 w/ tom. hes collecting sat 21st w/ cash.", said)] == [
        date(2026, 11, 21)]
    assert [d for _, _, d, _ in dates_in("we sat in the garden on the 14th", said)] == [date(2026, 11, 14)]


def test_abbreviated_months_read_the_same_as_in_questions():
    assert dates_in("the recital is on Sept. 3rd", SAID)[0][1] == "3 September 2023"
    assert dates_in("flights booked for Nov 3-10", SAID)[0][1] == "3-10 November 2023"


def test_a_planned_range_past_this_year_is_next_years_as_a_single_date_is():
    november = parse_time("2026-11-17T10:00")
    assert dates_in("Ski holiday from 20 to 27 February with Tom", november)[0][1] == "20-27 February 2027"
    assert dates_in("Conference in Berlin 3-5 March", november)[0][1] == "3-5 March 2027"
    assert dates_in("Eye test on 12 January at 9:00", november)[0][1] == "12 January 2027"
    assert dates_in("We went skiing 20-27 February", november)[0][1] == "20-27 February 2026"  # a story


@pytest.mark.parametrize(("text", "expected"), [
    ("Recycling is every other Monday, the next one is 10 November.", "Monday, 24 November 2025"),
    ("Yoga every Wednesday, starting 5 November", "Wednesday, 26 November 2025"),
    ("Book club meets monthly, next on 6 November", "Saturday, 6 December 2025"),
    ("The next one is 10 November.", None),  # no period: nothing to count on
])
def test_the_next_time_of_a_recurring_thing_is_the_first_on_or_after_now(text, expected):
    said, now = parse_time("2025-11-02T10:00"), parse_time("2025-11-20T12:00")
    found = next_occurrence(text, said, now)
    assert (found[0] if found else None) == expected


def test_each_clause_keeps_its_own_tense():
    found = dates_in("I just started my new job on June 3, and we are going to Lisbon on 12 January", SAID)
    assert [rendered for _p, rendered, _d, _s in found] == ["3 June 2023", "12 January 2024"]


def test_a_thing_moved_from_one_day_to_another_is_on_the_second_not_over_a_range():
    found = dates_in("My dermatology appointment got moved from June 14 to June 21 at 9:30.", SAID)
    assert [rendered for _p, rendered, _d, _s in found] == ["21 June 2023"]
    assert [r for _p, r, _d, _s in dates_in("We are in Lisbon from 12 to 19 June", SAID)] == ["12-19 June 2023"]


APRIL = parse_time("2026-04-26T20:00")  # a Sunday


@pytest.mark.parametrize(("text", "expected"), [
    # a move looks ahead, but 16 March 2026 is the Monday the note names; 2027's is a Tuesday
    ("Thu 5 March Gary texts: moved to Mon 16 March (other job overran)", "16 March 2026"),
    ("Eye test booked for Tuesday 12 January", "12 January 2027"),  # the coming Tuesday 12 January
    ("moved to 16 March", "16 March 2027"),  # no weekday: a move to a day gone by is next year's
])
def test_a_weekday_written_before_a_date_settles_its_year(text, expected):
    assert dates_in(text, APRIL)[-1][1] == expected


def test_a_day_in_a_note_nothing_dates_is_the_one_nearest_its_last_save():
    saved = parse_time("2026-02-27T20:00")
    # a plan's day gone by is next year's in a dated entry; a note written over weeks and
    # saved later speaks of the one just past
    assert dates_in("Surgery will be on 28 Jan, report 6:30", saved)[0][1] == "28 January 2027"
    assert dates_in("Surgery will be on 28 Jan, report 6:30", saved, undated=True)[0][1] == "28 January 2026"
    assert dates_in("Eye test will be on 2 March", saved, undated=True)[0][1] == "2 March 2026"


def test_a_booking_names_a_day_to_come():
    monday = parse_time("2026-11-16T10:00")
    assert dates_in("Car service booked at Halden Motors on Tuesday at 8:15", monday)[0][1] == \
        "Tuesday, 17 November 2026"
    assert dates_in("Booked flights to Lisbon for 3-10 February", parse_time("2026-12-03T10:00"))[0][1] == \
        "3-10 February 2027"


@pytest.mark.parametrize("text, day", [
    ("NEW aller: ven 8 mai, TS 232, dep YUL 19:40", "8 May 2026"),
    ("rdv véto 15 mars 17h30", "15 March 2026"),
    ("cita el 3 de mayo", "3 May 2026"),
    ("partenza 12 luglio", "12 July 2026"),
    ("Termin am 5 Oktober", "5 October 2026"),
    ("chegada 20 de junho", "20 June 2026"),
])
def test_a_day_and_month_in_another_language_is_a_date(text, day):
    assert [d[1] for d in dates_in(text, parse_time("2026-03-11 12:00"))] == [day]


@pytest.mark.parametrize("text", ["the Mars rover landed in Jezero", "Mars 2030 mission", "mayo 2 tbsp, mix well",
                                  "Marco 2 goals", "Mai 3 kids now"])
def test_words_that_are_also_months_elsewhere_need_a_day_before_them(text):
    assert dates_in(text, parse_time("2026-03-11 12:00")) == []


@pytest.mark.parametrize("text, day", [
    ("need to send the pasport form by Febuary 10", "10 February 2027"),
    ("dentist 3 Septmber 9am", "3 September 2027"),
    ("Ocotber 14th: boiler service", "14 October 2027"),
])
def test_a_month_misspelt_the_common_way_is_still_a_date(text, day):
    assert [d[1] for d in dates_in(text, parse_time("2026-12-06 12:00"))] == [day]


def test_a_day_named_before_its_month_then_hours_is_that_day_not_a_range_of_days():
    found = dates_in("- parents evening thu 19 nov 4-7 (moved from 12 nov)", parse_time("2026-11-02T17:00"))
    assert [rendered for _p, rendered, _d, _s in found] == ["19 November 2026", "12 November 2026"]
    assert [r for _p, r, _d, _s in dates_in("away nov 4-7", parse_time("2026-10-02T17:00"))] == ["4-7 November 2026"]


def test_a_plan_after_a_comma_keeps_its_own_tense_though_the_clause_before_tells_of_a_deed_done():
    found = dates_in("meera's paris trip deposit £120 paid on parentpay, trip is 15-19 feb.",
                     parse_time("2026-12-01T20:00"))
    assert [rendered for _p, rendered, _d, _s in found] == ["15-19 February 2027"]

"""What a time holds ("what plans do I have this weekend?"): a plan called off since says so,
though the note that drops it names no time and is not among what the time's search found."""

from __future__ import annotations

from dataclasses import replace

from recall_cli.llm.agenda import agenda
from recall_cli.timeutil import parse_time
from tests.llm.test_answers import add_notes, answered, import_note


def test_a_plan_in_the_time_asked_says_a_later_note_called_it_off(svc, tmp_path):
    import_note(svc, tmp_path / "2026-10-10-lisbon.md", "Lisbon weekend\n\nBooked flights to Lisbon for the weekend "
                "of 14-15 November with Jonas.\n", saved="2026-10-10T20:00")
    import_note(svc, tmp_path / "2026-11-01-off.md", "Jonas can't make it, so Lisbon is off.\n",
                saved="2026-11-01T20:00")
    question = "what plans do I have on 14 November?"
    result = svc.search(question, limit=10, reference=parse_time("2026-11-10T12:00"))
    # as in a store of thousands of notes: only the plan falls on the day asked
    plan = [h for h in result.hits if "Booked" in h.text]
    made = agenda(svc, replace(result, hits=plan), question)
    assert made is not None and made.text.startswith("Booked flights to Lisbon")
    assert "(since changed: Jonas can't make it, so Lisbon is off)" in made.text


def test_a_plan_in_the_time_asked_that_nothing_drops_is_told_plain(svc, tmp_path):
    import_note(svc, tmp_path / "2026-10-10-lisbon.md", "Lisbon weekend\n\nBooked flights to Lisbon for the weekend "
                "of 14-15 November with Jonas.\n", saved="2026-10-10T20:00")
    question = "what plans do I have on 14 November?"
    made = agenda(svc, svc.search(question, limit=10, reference=parse_time("2026-11-10T12:00")), question)
    assert made is not None and made.text.startswith("Booked flights to Lisbon") and "since" not in made.text


def test_a_day_of_the_month_a_note_plans_for_answers_what_is_on_that_day(svc):
    add_notes(svc, [("2026-12-02T08:00", "Parents evening at school is on the 14th at 19:00."),
                    ("2026-12-04T17:00", "Booked the car service with Joe's Garage for Thursday at 8am.")])
    said = answered(svc, "what do I have on 14 December?", "2026-12-07T12:00")
    assert said.startswith("Parents evening at school is on the 14th at 19:00")
    assert "car service" not in said


def test_notes_nothing_dates_are_not_what_is_on_the_day_they_were_imported(svc, tmp_path):
    notes = [("recipe.md", "Shakshuka\n\nServes 2. Takes about 30 minutes.\n"),
             ("nas.md", "Home network\n\nThe NAS is a Synology DS220+ at 192.168.1.20.\n")]
    # a folder of them, imported this morning: more than a search's first page
    notes += [(f"topic-{n}.md", f"Topic {n}\n\nReading list entry number {n} about gardening.\n") for n in range(30)]
    for name, text in notes:
        import_note(svc, tmp_path / name, text, saved="2026-12-07T09:49")
    add_notes(svc, [("2026-12-03T09:00", "Need to call the plumber on Monday about the bathroom tap."),
                    ("2026-12-07T08:00", "Picked up the parcel from the post office.")])
    said = answered(svc, "what is on today?", "2026-12-07T12:00")  # a Monday
    assert said.startswith("Need to call the plumber on Monday")
    done = answered(svc, "what did I do today?", "2026-12-07T12:00")
    assert "Picked up the parcel from the post office" in done
    assert not any(w in said + done for w in ("Serves 2", "Synology", "Reading list")), (said, done)


def test_what_a_day_holds_leaves_out_a_paragraph_a_later_edit_took_out(svc, tmp_path):
    note = tmp_path / "2026-12-03-journal.md"
    import_note(svc, note, "# Thursday 3 December\n\nDentist appointment is next Tuesday at 9:15 with Dr. Okafor.\n\n"
                "Finally finished the flaky login test fix.\n")
    import_note(svc, note, "# Thursday 3 December\n\nDentist appointment moved to Wednesday 9 December at 14:00 "
                "with Dr. Okafor.\n\nFinally finished the flaky login test fix.\n")
    said = answered(svc, "what did I do on 3 December?", "2026-12-07T12:00")
    assert "Wednesday 9 December at 14:00" in said and "flaky login" in said
    assert "9:15" not in said


def test_what_i_wrote_on_a_day_is_what_that_day_holds(svc):
    add_notes(svc, [("2026-12-03T09:00", "Finally finished the flaky login test fix."),
                    ("2026-12-05T09:00", "Bought a new kettle.")])
    said = answered(svc, "what did I write on 3 December?", "2026-12-07T12:00")
    assert said.startswith("Finally finished the flaky login test fix") and "kettle" not in said


def test_a_note_written_before_the_day_is_told_by_the_sentence_that_names_the_day(svc):
    add_notes(svc, [("2025-07-30T20:00", "Cancelled the van for the 16th (Leeds Removals Co, no charge because "
                                         "more than 2 weeks notice). Rebooked for Sat 6 Sept, 8:30am, 2 men."),
                    ("2025-08-02T10:00", "Dad is moving into the flat in Horsforth on 6 September (it was meant "
                                         "to be 16 August). He is nervous about the stairs.")])
    said = answered(svc, "what did I do on 6 september?", "2025-09-10T12:00")
    assert "Rebooked for Sat 6 Sept, 8:30am, 2 men" in said and "Cancelled the van" not in said
    assert "Dad is moving into the flat in Horsforth on 6 September (it was meant to be 16 August)" in said


def test_a_title_before_a_name_does_not_cut_the_sentence_that_names_the_day(svc):
    add_notes(svc, [("2026-12-02T20:00", "Flu jab done on 1 December. Booked Dr. Patel for the scan on 14 December. "
                                         "Walk on 20 December.")])
    said = answered(svc, "what is on 14 December?", "2026-12-07T12:00")
    assert said.startswith("Booked Dr. Patel for the scan on 14 December"), said

"""What a time holds ("what plans do I have this weekend?"): a plan called off since says so,
though the note that drops it names no time and is not among what the time's search found."""

from __future__ import annotations

from dataclasses import replace

from recall_cli.llm.agenda import agenda
from recall_cli.timeutil import parse_time
from tests.llm.test_answers import import_note


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

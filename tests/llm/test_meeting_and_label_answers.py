"""Answers a new user's own notes hold in the words people write them with: what a meeting
agreed, a label before a name ("Wifi: HomeNet5"), and no "when" answered by a line that names
no time."""

from __future__ import annotations

from tests.llm.test_answers import add_notes, answered, import_note


def test_what_we_decided_is_answered_by_what_we_agreed(svc):
    add_notes(svc, [("2026-12-01T10:00", "Platform team sync. We agreed to drop Jenkins and standardise on GitHub "
                                         "Actions for all new repos."),
                    ("2026-12-01T10:05", "Jenkins build agents are still on the old rack.")])
    assert answered(svc, "what did we decide about Jenkins?", "2026-12-07T12:00").startswith(
        "We agreed to drop Jenkins and standardise on GitHub Actions")


def test_a_name_given_after_a_label_answers_what_it_is_called(svc):
    add_notes(svc, [("2026-12-01T10:00", "Router admin is at 192.168.1.1. Wifi: HomeNet5 on the second band.")])
    assert "HomeNet5" in answered(svc, "what is the wifi network name?", "2026-12-07T12:00")


def test_when_is_not_answered_by_a_line_that_names_no_time(svc, tmp_path):
    import_note(svc, tmp_path / "shopping.md", "# Shopping\n\n- oat milk\n- birthday card for Mum\n- AAA batteries\n",
                saved="2026-12-05T10:00")
    assert answered(svc, "when is Mum's birthday?", "2026-12-07T12:00").startswith("Not mentioned")

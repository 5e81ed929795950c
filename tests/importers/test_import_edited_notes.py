"""A note imported again after an edit: what the edit took out is marked "edited out", as
`recall watch` marks it, so search lists it after the note's current text and ask answers
from the current text."""

from __future__ import annotations

import json

from recall_cli.llm.ask import ask
from recall_cli.timeutil import now, short
from tests.fakes import ScriptedLLM

TUESDAY = "Dentist appointment is on Tuesday at 9."
THURSDAY = "Dentist appointment is on Thursday at 11."


def _note(folder, body: str) -> None:
    (folder / "diary.md").write_text(f"# 2025-10-06\n\n{body}\n\nBought oat milk.\n")


def test_a_reimported_edited_note_answers_from_its_current_text(cli, svc, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    _note(notes, TUESDAY)
    assert cli("import", str(notes))[0] == 0
    _note(notes, THURSDAY)
    code, out, err = cli("import", str(notes))
    assert (code, err) == (0, "")
    assert "1 already known, 1 paragraph no longer in the file marked edited out." in out
    hits = json.loads(cli("search", "dentist appointment", "--json")[1])["results"]
    assert [h["text"] for h in hits if h["kind"] == "paragraph"][:2] == [THURSDAY, TUESDAY]
    assert "edited_out" not in hits[0]["meta"] and hits[1]["meta"]["edited_out"]
    # the day the edit was found, not the id of the record that keeps it
    edited = short(hits[1]["meta"]["edited_out_at"])[:10]
    assert edited == short(now())[:10]
    assert f"(edited out {edited}) {TUESDAY}" in cli("search", "dentist appointment")[1]
    answer = ask(svc, "when is the dentist appointment?", llm=ScriptedLLM([]))
    assert [h.text for h in answer.cited] == [THURSDAY] and "Tuesday" not in (answer.text or "")


def test_importing_an_unchanged_note_again_marks_nothing(svc, tmp_path):
    note = tmp_path / "diary.md"
    note.write_text(f"# 2025-10-06\n\n{TUESDAY}\n\nMy API key is sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD\n")
    svc.import_file(note)
    again = svc.import_file(note)
    assert (again.inserted, again.edited_out) == (0, 0)  # (a paragraph stored redacted is still the same)
    note.write_text(f"# 2025-10-06\n\n{THURSDAY}\n")
    assert svc.import_file(note).edited_out == 2
    assert svc.import_file(note).edited_out == 0  # said once

"""When a thing happens, as notes date it: the day it is booked for, over the day it is due by."""

from __future__ import annotations

import re

from tests.llm.test_answers import answered, import_note

CAR = "# car\n\nMOT inspection due by 15 January. Booked it at Kwik Fit for 8 January at 11:00.\n"


def test_when_a_thing_is_gives_the_day_booked_with_the_deadline_after_it(svc, tmp_path):
    import_note(svc, tmp_path / "2026-11-02-car.md", CAR, saved="2026-11-02T20:00")
    answer = re.sub(r" \[\d+\]$", "", answered(svc, "when is my car inspection?", "2026-11-10T12:00"))
    assert answer == "8 January 2027 at 11:00 (due by 15 January 2027)"


def test_when_a_thing_is_due_gives_the_deadline(svc, tmp_path):
    import_note(svc, tmp_path / "2026-11-02-car.md", CAR, saved="2026-11-02T20:00")
    assert re.sub(r" \[\d+\]$", "", answered(svc, "when is the MOT inspection due?", "2026-11-10T12:00")) == \
        "15 January 2027"

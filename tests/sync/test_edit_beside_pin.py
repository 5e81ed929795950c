"""What a pin, an unpin or an opening on another device carries is not a correction: a
memory's text comes from its latest change of text, so those never undo an edit made
elsewhere at the same time."""

from __future__ import annotations

import json


def test_a_pin_or_an_opening_on_another_device_does_not_undo_an_edit_made_here(a, b, folder):
    uid = a.py("print(svc.memories.add('semantic', 'Ana lives in Porto').uid)").strip()
    a.run("edit", "m1", "--text", "Ana lives in Lisbon")  # an earlier correction, known to both
    for device in (a, b):
        device.run("sync", str(folder))
    a.run("edit", "m1", "--text", "Ana lives in Lisbon, in Alfama")
    b.run("pin", "m1")  # on the other device, later, not yet seeing the new edit
    b.run("show", "m1")  # (opening it reinforces it: another change)
    said = [json.loads(device.run("sync", str(folder), "--json").stdout) for device in (a, b, a)]
    assert a.memories() == b.memories() == {uid: ("Ana lives in Lisbon, in Alfama", True)}
    assert [w for report in said for w in report["warnings"]] == []  # no two edits met

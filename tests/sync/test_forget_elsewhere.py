"""A forget made on another device than the one that captured the events ends as a forget
made there: what consolidation made from them goes everywhere, and the device that captured
the episode summarises it again from what is left."""

from __future__ import annotations

import json

from tests.sync.test_sync import store_lines


def test_forgetting_a_message_on_another_device_has_its_episode_summarised_again_where_it_was_captured(
        a, b, folder):
    store_lines(a, "line {i} about the trip to Lisbon", 1_700_000_000, source="chat", session="s1", actor="Ana")
    a.run("consolidate", "--no-llm")
    for device in (a, b):
        device.run("sync", str(folder))
    (before,) = [text for text, _pinned in b.memories().values()]
    assert "3 messages" in before
    hits = json.loads(b.run("search", "line 1 about the trip", "--json").stdout)["results"]
    gone = next(hit["id"] for hit in hits if hit.get("text", "").startswith("line 1"))
    b.run("forget", str(gone), "--yes")
    for device in (b, a):
        device.run("sync", str(folder))
    assert a.memories() == {} == b.memories()
    done = a.run("consolidate", "--no-llm").stdout
    assert "1 of 1 episode" in done, done
    (after,) = [text for text, _pinned in a.memories().values()]
    assert "2 messages" in after and "line 1" not in after
    for device in (a, b):
        device.run("sync", str(folder))
    assert a.memories() == b.memories()

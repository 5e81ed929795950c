import json

import pytest

from recall_cli.config import load_config
from recall_cli.service import Recall


@pytest.fixture
def seeded(cli, recall_home, embedder):
    svc = Recall(load_config(recall_home), embedder=embedder)
    e = svc.add("Ana said she moved to Lisbon in March", ts=1_700_000_000).id
    svc.memories.add("semantic", "Ana lives in Lisbon", subject="Ana", sources=[e], importance=6,
                     actor="consolidation")
    svc.close()
    return cli


def test_memories_lists_kind_zone_and_a_strength_bar(seeded):
    code, out, _ = seeded("memories")
    assert code == 0
    header, row = out.splitlines()
    assert header.split() == ["id", "kind", "zone", "strength", "date", "text"]
    assert row.startswith("m1  semantic  active  ██████████") and row.endswith("Ana lives in Lisbon")


def test_pin_edit_and_history_round_trip(seeded):
    assert seeded("pin", "m1") == (0, "Pinned m1.\n", "")
    assert seeded("edit", "m1", "--text", "Ana lives in Lisbon (Alfama)") == (0, "Edited m1.\n", "")
    assert seeded("unpin", "1") == (0, "Unpinned m1.\n", "")
    lines = seeded("history", "m1")[1].splitlines()
    assert lines[0].split() == ["date", "change", "by", "text"]
    assert [line.split()[2] for line in lines[1:]] == ["add", "pin", "edit", "unpin"]
    text_at, by_at = lines[0].index("text"), lines[0].index("by")
    assert lines[3][text_at:] == "Ana lives in Lisbon (Alfama)" and lines[3][by_at:].startswith("user ")


def test_edit_uses_the_editor_when_no_text_is_given(seeded, monkeypatch, tmp_path):
    script = tmp_path / "ed.sh"
    script.write_text('#!/bin/sh\nprintf "Ana lives in Lisbon near the river\\n" > "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    assert seeded("edit", "m1") == (0, "Edited m1.\n", "")
    assert json.loads(seeded("show", "m1", "--json")[1])["text"] == "Ana lives in Lisbon near the river"


def test_show_memory_lists_its_sources_and_strengthens_it(seeded):
    code, out, _ = seeded("show", "m1")
    assert code == 0 and "From:" in out and "Ana said she moved to Lisbon" in out
    data = json.loads(seeded("show", "m1", "--json")[1])
    assert data["reinforcements"] == 2 and data["zone"] == "active"


def test_forget_covers_memories(seeded):
    assert seeded("forget", "m1", "--yes")[1] == "Deleted 0 events and 1 memories.\n"
    assert seeded("memories")[1].startswith("No memories yet.")
    assert seeded("history", "m1") == (3, "", "Error: no memory with id m1\n")


def test_memory_commands_reject_unknown_ids_and_bad_options(seeded):
    assert seeded("pin", "m9") == (3, "", "Error: no memory with id m9\n")
    assert seeded("edit", "m1", "--text", "  ")[2] == (
        "Error: empty text; memory unchanged (use `recall forget` to delete it)\n")
    assert seeded("memories", "--zone", "sleepy")[2].startswith("Error: unknown zone 'sleepy'")


def test_consolidate_command_reports_episodes_and_is_idempotent(cli):
    for i, (who, text) in enumerate([("Ana", "Booked the Lisbon tram tour for 9am"),
                                     ("Ben", "Great, pastéis de nata in Belém after")]):
        cli("add", text, "--speaker", who, "--source", "chat", "--time", f"2026-03-03T13:3{i}")
    code, out, _ = cli("consolidate", "--no-llm", "--dry-run")
    assert code == 0 and out.splitlines()[-1].startswith("Would consolidate 1 of 1 episodes")
    assert cli("memories")[1].startswith("No memories yet.")
    code, out, _ = cli("consolidate", "--no-llm")
    assert out.startswith("Consolidated 1 of 1 episodes") and "1 added" in out
    assert cli("consolidate", "--no-llm")[1].startswith("Consolidated 0 of 0 episodes")
    assert cli("consolidate", "--limit", "0")[0] == 2


def test_consolidate_one_episode_leaves_the_others_pending(cli):
    for who, when, text in [("Ana", "2026-03-02T18:40", "Booked the Lisbon tram tour for 9am"),
                            ("Ben", "2026-03-02T18:41", "Great, the tram tour it is"),
                            ("Ana", "2026-03-05T09:00", "The car insurance renews in April"),
                            ("Ben", "2026-03-05T09:01", "I will renew the insurance online")]:
        cli("add", text, "--speaker", who, "--source", "chat", "--time", when)
    assert cli("consolidate", "--no-llm", "--dry-run")[1].splitlines()[-1].startswith(
        "Would consolidate 2 of 2 episodes")
    shown = json.loads(cli("show", "3", "--json")[1])
    code, out, _ = cli("consolidate", "--no-llm", "--episode", str(shown["episode_id"]))
    assert code == 0 and out.startswith("Consolidated 1 of 1 episodes")
    listed = cli("memories")[1]
    assert "05 March 2026" in listed and "02 March 2026" not in listed
    assert cli("consolidate", "--no-llm", "--episode", "999")[1].startswith("Consolidated 0 of 0 episodes")

import json
import re
import sqlite3

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


@pytest.mark.parametrize("value", ["0", "-1"])
def test_memories_refuses_a_limit_below_one(seeded, value):
    assert seeded("memories", "--limit", value) == (2, "", "Error: --limit must be at least 1\n")


def test_pin_edit_and_history_round_trip(seeded):
    assert seeded("pin", "m1") == (0, "Pinned m1.\n", "")
    assert seeded("edit", "m1", "--text", "Ana lives in Lisbon (Alfama)") == (0, "Edited m1.\n", "")
    assert seeded("unpin", "m1") == (0, "Unpinned m1.\n", "")
    lines = seeded("history", "m1")[1].splitlines()
    assert lines[0].split() == ["date", "change", "by", "text"]
    assert [line.split()[2] for line in lines[1:]] == ["add", "pin", "edit", "unpin"]
    text_at, by_at = lines[0].index("text"), lines[0].index("by")
    assert lines[3][text_at:] == "Ana lives in Lisbon (Alfama)" and lines[3][by_at:].startswith("user ")


def test_an_edit_with_a_secret_says_what_was_replaced(seeded):
    code, out, _err = seeded("edit", "m1", "--text", "Ana's wifi password is hunter2secret")
    assert code == 0 and out.startswith("Edited m1 (secrets replaced: ") and "hunter2secret" not in out
    assert "hunter2secret" not in seeded("show", "m1")[1]


def test_edit_uses_the_editor_when_no_text_is_given(seeded, monkeypatch, tmp_path):
    script = tmp_path / "ed.sh"
    script.write_text('#!/bin/sh\nprintf "Ana lives in Lisbon near the river\\n" > "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.setattr("recall_cli.cli.memories._has_terminal", lambda: True)
    assert seeded("edit", "m1") == (0, "Edited m1.\n", "")
    assert json.loads(seeded("show", "m1", "--json")[1])["text"] == "Ana lives in Lisbon near the river"


def test_edit_without_a_terminal_reads_stdin_and_never_waits_for_an_editor(seeded, monkeypatch):
    monkeypatch.setenv("EDITOR", "/bin/false-editor-that-must-not-run")
    assert seeded("edit", "m1", input="Ana lives in Lisbon, Alfama\n") == (0, "Edited m1.\n", "")
    assert seeded("edit", "m1", input="") == (
        2, "", "Error: no terminal for $EDITOR and nothing on stdin; pass --text or pipe the text\n")
    assert json.loads(seeded("show", "m1", "--json")[1])["text"] == "Ana lives in Lisbon, Alfama"


def test_show_memory_lists_its_sources_and_strengthens_it_once_an_hour(seeded):
    code, out, _ = seeded("show", "m1")
    assert code == 0 and "From:" in out and "Ana said she moved to Lisbon" in out
    strength = json.loads(seeded("show", "m1", "--json")[1])["strength"]
    data = json.loads(seeded("show", "m1", "--json")[1])
    # opened three times in a row: one look, so one reinforcement and the same strength
    assert data["reinforcements"] == 1 and data["strength"] == strength and data["zone"] == "active"


def test_forget_covers_memories(seeded):
    assert seeded("forget", "m1", "--yes")[1] == "Deleted 0 events and 1 memory.\n"
    assert seeded("memories")[1].startswith("No memories yet.")
    assert seeded("history", "m1") == (3, "", "Error: no memory with id m1\n")


def test_memory_commands_reject_unknown_ids_and_bad_options(seeded):
    assert seeded("pin", "m9") == (3, "", "Error: no memory with id m9\n")
    assert seeded("history", "foo") == (2, "", "Error: 'foo' is not a memory id (memories: m7; `recall memories` "
                                                "lists them)\n")


@pytest.mark.parametrize("command", [("edit", "1", "--text", "changed"), ("pin", "1"), ("unpin", "1"),
                                     ("history", "1")])
def test_a_bare_number_is_an_events_id_and_never_changes_a_memory(seeded, command):
    before = seeded("show", "m1", "--json")[1]
    assert seeded(*command) == (2, "", "Error: '1' is an event's id; a memory's id starts with m (m1), as "
                                       "`recall memories` and search results show\n")
    after = json.loads(seeded("show", "m1", "--json")[1])
    assert (after["text"], after["pinned"]) == (json.loads(before)["text"], json.loads(before)["pinned"])


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


def paced(out: str) -> str:
    """``out`` with the run's duration as N (a short run shows seconds, not a rate)."""
    return re.sub(r"\(\d+\.\d s\)", "(N s)", out)


def test_consolidating_lone_notes_says_why_nothing_was_added(cli):
    cli("add", "Maya's birthday is 3 May; she wants a film camera", "--time", "2026-03-01T09:00")
    cli("add", "The spare key is under the blue pot", "--time", "2026-03-04T18:00")
    code, out, _ = cli("consolidate", "--no-llm", "--dry-run")
    lines = out.splitlines()
    assert code == 0 and lines[:2] == ["episode 1: nothing to add", "episode 2: nothing to add"]
    code, out, _ = cli("consolidate", "--no-llm")
    assert paced(out).splitlines() == [
        "Consolidated 2 of 2 episodes (N s): 0 added, 0 updated, 0 superseded, 0 already known.",
        "Nothing new to remember: a lone note is its own record; an episode of several events gets a summary."]


def test_a_redo_says_a_memory_you_forgot_is_not_made_again_not_that_it_is_already_known(cli):
    for i, (who, text) in enumerate([("Ana", "Booked the Lisbon tram tour for 9am"),
                                     ("Ben", "Great, pastéis de nata in Belém after")]):
        cli("add", text, "--speaker", who, "--source", "chat", "--time", f"2026-03-03T13:3{i}")
    assert "1 added" in cli("consolidate", "--no-llm")[1]
    assert cli("forget", "m1", "--yes")[0] == 0
    code, out, _ = cli("consolidate", "--no-llm", "--episode", "1", "--redo", "--dry-run")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("episode 1: NOOP (forgotten by the user) [episodic]")
    assert paced(lines[-1]) == ("Would consolidate 1 of 1 episodes (N s): 0 added, 0 updated, 0 superseded, "
                                "0 already known, 1 you forgot (not made again).")
    code, out, _ = cli("consolidate", "--no-llm", "--episode", "1", "--redo")
    assert code == 0 and "0 already known, 1 you forgot (not made again)." in out
    assert cli("memories")[1].startswith("No memories yet.")


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
    code, out, err = cli("consolidate", "--no-llm", "--episode", "999")
    assert (code, out, err) == (3, "", "Error: no episode with id 999\n")  # the error alone, no "0 of 0"


# -- consolidation people can run and redo (issue 12) -------------------------------------------

T0 = 1_683_554_160.0  # Mon 8 May 2023 13:56 UTC
GOOD = {"kind": "semantic", "subject": "Caroline", "text": "Caroline went to the LGBTQ support group on 7 May 2023",
        "importance": 7, "turns": [1]}
JUNK = {"kind": "procedural", "subject": "Melanie", "text": "I'm a big video game fan and I love playing games",
        "importance": 5, "turns": [2]}


def _extraction(*memories, summary=""):
    return json.dumps({"memories": list(memories), "summary": summary})


@pytest.fixture
def with_llm(recall_home, embedder):
    """The CLI with a scripted LLM: call it with the model's outputs, get run_cli back."""
    from recall_cli.cli import common
    from tests.conftest import run_cli
    from tests.fakes import ScriptedLLM

    def make(outputs, llm_class=ScriptedLLM):
        llm = llm_class(outputs, default=_extraction())
        common.set_service_factory(lambda: Recall(load_config(recall_home), embedder=embedder, llm=llm))
        return run_cli

    return make


def _two_sessions(recall_home, embedder):
    svc = Recall(load_config(recall_home), embedder=embedder)
    for day, session in ((0, "s1"), (3, "s2")):
        t = T0 + day * 86400
        svc.add("I went to the LGBTQ support group yesterday", ts=t, source="chat", actor="Caroline",
                session=session)
        svc.add("That's brave! I'm a big video game fan and I love playing games", ts=t + 60, source="chat",
                actor="Melanie", session=session)
    svc.close()


def test_dry_run_streams_each_episode_with_rejections_as_it_goes(with_llm, recall_home, embedder):
    import sys

    from tests.fakes import ScriptedLLM

    _two_sessions(recall_home, embedder)
    seen_before_each_call: list[str] = []

    class Watching(ScriptedLLM):
        def stream(self, chat, **kwargs):
            seen_before_each_call.append(sys.stdout.getvalue())
            return super().stream(chat, **kwargs)

    cli = with_llm([_extraction(GOOD, JUNK), _extraction(JUNK)], Watching)
    code, out, err = cli("consolidate", "--dry-run")
    assert code == 0, err
    # the first episode's proposals were printed before the model was asked about the second
    assert seen_before_each_call[0] == "" and "episode 1: ADD [semantic] Caroline went" in seen_before_each_call[1]
    lines = out.splitlines()
    assert "episode 1: REJECTED (no_steps: news of Melanie) [procedural] I'm a big video game fan and I love playing " \
        "games" in lines
    assert any(line.startswith("episode 2: REJECTED (no_steps: news of Melanie)") for line in lines)
    assert lines[-1].startswith("Would consolidate 2 of 2 episodes") and "2 rejected by the grounding check " \
        "(no_steps 2)" in lines[-1]
    assert cli("memories")[1].startswith("No memories yet.")


def test_redo_runs_a_consolidated_episode_again(with_llm, recall_home, embedder):
    _two_sessions(recall_home, embedder)
    cli = with_llm([_extraction(GOOD)])
    code, out, _ = cli("consolidate", "--episode", "1")
    assert code == 0 and out.startswith("Consolidated 1 of 1 episodes") and "2 added" in out
    code, out, _ = cli("consolidate", "--episode", "1")
    assert paced(out).splitlines() == [
        "Consolidated 0 of 0 episodes (N s): 0 added, 0 updated, 0 superseded, 0 already known.",
        "Episode 1 is already consolidated (or gave up): add --redo to run it again."]
    svc = Recall(load_config(recall_home), embedder=embedder)
    junk = svc.memories.add("semantic", "{{{{<pre> [[#] {\"", sources=[2], actor="consolidation").id
    svc.close()
    cli = with_llm([_extraction(GOOD)])
    code, out, err = cli("consolidate", "--episode", "1", "--redo")
    assert code == 0, err
    assert out.startswith("Consolidated 1 of 1 episodes") and "0 added" in out and "1 retired" in out
    assert "2 already known" in out  # the fact and the summary: NOOP, not added again
    assert cli("show", f"m{junk}")[0] == 3
    assert cli("consolidate", "--redo")[2] == "Error: --redo needs --episode ID: name the episodes to run again\n"


def test_history_shows_the_path_that_made_a_memory(with_llm, recall_home, embedder):
    _two_sessions(recall_home, embedder)
    cli = with_llm([_extraction(GOOD)])
    assert cli("consolidate", "--episode", "1")[0] == 0
    memories = json.loads(cli("memories", "--json")[1])
    fact = next(m for m in memories if m["kind"] == "semantic")
    lines = cli("history", fact["ref"])[1].splitlines()
    assert "consolidation (scripted)" in lines[1]
    assert cli("consolidate", "--no-llm")[0] == 0
    summary = next(m for m in json.loads(cli("memories", "--json")[1])
                   if m["kind"] == "episodic" and "11 May" in m["text"])
    assert "consolidation (zero-LLM)" in cli("history", summary["ref"])[1].splitlines()[1]


def test_old_history_rows_stay_readable(seeded, recall_home, embedder):
    svc = Recall(load_config(recall_home), embedder=embedder)
    svc.memories.add("semantic", "Ana visits Porto", actor="consolidation", detail={"origin": "heuristic"})
    svc.close()
    assert "consolidation (zero-LLM)" in seeded("history", "m2")[1]
    assert " consolidation " in seeded("history", "m1")[1]  # no detail: as it was written


def test_rejections_are_shown_by_models_info_and_doctor(with_llm, recall_home, embedder):
    _two_sessions(recall_home, embedder)
    cli = with_llm([_extraction(GOOD, JUNK), _extraction({**GOOD, "subject": "2025-9876", "text": "notes.md"})])
    code, out, _ = cli("consolidate")
    assert "2 rejected by the grounding check (file_name 1, no_steps 1)" in out
    data = json.loads(cli("models", "info", "--json")[1])
    assert data["consolidation_rejected"] == {"no_steps": 1, "file_name": 1}
    logged = (recall_home / "logs" / "llm-rejected.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["reason"] for line in logged) == ["file_name", "no_steps"]
    svc = Recall(load_config(recall_home), embedder=embedder)
    (check,) = [c for c in svc.doctor(llm=False) if c.name == "consolidation"]
    svc.close()
    assert check.status == "OK" and "2 model proposals rejected by the grounding check (file_name 1, no_steps 1)" \
        in check.detail


def test_model_warnings_go_to_the_log_file_not_over_the_progress_line(with_llm, recall_home, embedder):
    _two_sessions(recall_home, embedder)
    cli = with_llm(['{"memories": [{"kind": "sem', _extraction(GOOD)])
    code, out, err = cli("consolidate")
    assert code == 0 and err == ""  # nothing printed on stderr
    assert "1 invalid model outputs" in out and "1 to retry" in out
    log = (recall_home / "logs" / "consolidate.log").read_text()
    assert "structured output failed (extract)" in log


def test_the_progress_line_has_rate_and_eta():
    from recall_cli.cli.memories import ProgressLine

    line = ProgressLine("Consolidating")
    line.started -= 120  # two minutes in
    line.update(4, 10)
    line.rejected = 3
    assert line.text() == "Consolidating: 4/10 episodes · 2.0/min · ETA 3m00s · 3 rejected"


def test_a_filter_that_matches_nothing_says_so_not_that_memory_is_empty(seeded):
    assert seeded("memories", "--kind", "core", "--zone", "fading") == (
        0, "No memories match (kind core; zone fading); `recall memories` lists them all.\n", "")


def test_an_editor_that_is_not_installed_is_a_one_line_error(seeded, monkeypatch):
    monkeypatch.setenv("VISUAL", "no-such-editor-here")
    monkeypatch.setattr("recall_cli.cli.memories._has_terminal", lambda: True)  # as on a terminal
    code, out, err = seeded("edit", "m1")
    assert code == 2 and err.startswith("Error: cannot start the editor 'no-such-editor-here'")
    assert json.loads(seeded("show", "m1", "--json")[1])["text"] == "Ana lives in Lisbon"


def test_consolidate_with_nothing_to_do_prints_no_model_note(seeded):
    seeded("consolidate")
    code, out, err = seeded("consolidate")
    assert code == 0 and out.startswith("Consolidated 0 of 0 episodes") and "Zero-LLM path" not in err


def test_pin_unpin_and_edit_print_the_memory_as_json(seeded):
    pinned = json.loads(seeded("pin", "m1", "--json")[1])
    assert (pinned["id"], pinned["pinned"], pinned["changed"]) == (1, True, True)
    assert json.loads(seeded("pin", "m1", "--json")[1])["changed"] is False
    edited = json.loads(seeded("edit", "m1", "--text", "Ana lives in Braga", "--json")[1])
    assert (edited["text"], edited["edited_by_user"], edited["changed"]) == ("Ana lives in Braga", True, True)
    assert json.loads(seeded("unpin", "m1", "--json")[1])["pinned"] is False


def test_memories_all_faded_out_of_use_are_said_to_be_dormant_not_never_made(cli, recall_home):
    cli("add", "Booked the Lisbon tram tour for 9am", "--speaker", "Ana", "--source", "chat",
        "--time", "2020-03-03T13:30")
    cli("add", "Great, pastéis de nata in Belém after", "--speaker", "Ben", "--source", "chat",
        "--time", "2020-03-03T13:31")
    assert cli("consolidate", "--no-llm")[0] == 0
    conn = sqlite3.connect(recall_home / "recall.db")  # not recalled for years since: dormant now
    conn.execute("UPDATE memories SET last_reinforced = last_reinforced - 5 * 365 * 86400")
    conn.commit()
    conn.close()
    assert cli("memories") == (0, "Every memory is dormant (not recalled for a long time); `recall memories --all` "
                                  "lists them.\n", "")
    assert "dormant" in cli("memories", "--all")[1]


def test_history_shows_an_edit_at_the_end_of_a_long_memory_from_where_it_differs(seeded):
    long = ("Mon 21 September 2026, 00:00: 2 note entries in deploy-staging.md about git checkout main, "
            "make build-image TAG=staging, docker login")
    assert seeded("edit", "m1", "--text", long)[0] == 0
    assert seeded("edit", "m1", "--text", long + " (use staging-2 now)")[0] == 0
    lines = seeded("history", "m1")[1].splitlines()
    text = lines[-1][lines[0].index("text"):]
    assert text.startswith("\u2026") and text.endswith("docker login (use staging-2 now)")  # not the same start

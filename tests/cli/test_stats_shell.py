"""`recall stats --shell`: top commands, busiest directories and failure rates."""

from __future__ import annotations

import json

from recall_cli.models import Event

RUNS = [("git pull", 0, "/src/blog"), ("git push", 1, "/src/blog"), ("make test", 2, "/src/app"),
        ("git status", 0, "/src/app"), ("make test", 0, "/src/app"), ("ls", 0, "/src/blog"),
        ("git pull", 0, "/src/blog")]


def seed(svc) -> None:
    svc.store_events([Event(cmd, 1_700_000_000 + i * 60, source="shell", kind="command",
                            meta={"cwd": cwd, "exit_code": code}) for i, (cmd, code, cwd) in enumerate(RUNS)])
    svc.add("not a shell command", ts=1_700_000_000)
    svc.close()


def test_shell_stats_list_top_commands_busiest_directories_and_failure_rates(cli, svc):
    seed(svc)
    code, out, err = cli("stats", "--shell")
    assert code == 0, err
    assert out.splitlines() == [
        "Commands: 7 run, 2 failed (29%)",
        "",
        "command  runs  failed  failure rate",
        "git      4     1       25%",
        "make     2     1       50%",
        "ls       1     0       0%",
        "",
        "directory  runs  failed  failure rate",
        "/src/blog  4     1       25%",
        "/src/app   3     1       33%",
    ]


def test_shell_stats_as_json(cli, svc):
    seed(svc)
    data = json.loads(cli("stats", "--shell", "--json")[1])
    assert (data["commands"], data["failed"], data["failure_rate"]) == (7, 2, 0.286)
    assert data["top"][0] == {"command": "git", "runs": 4, "failed": 1, "failure_rate": 0.25}
    assert data["directories"][1] == {"directory": "/src/app", "runs": 3, "failed": 1, "failure_rate": 0.333}


def test_shell_stats_without_commands_say_how_to_record_them(cli):
    assert cli("stats", "--shell") == (0, "No shell commands recorded yet (`recall init SHELL` prints the hook).\n", "")


def test_a_command_counts_for_the_program_it_runs_past_assignments_and_wrappers(cli, svc):
    runs = ["EDITOR=nano git commit", "sudo -u me git pull", "env -i FOO=1 make test", "time make build", "git status"]
    svc.store_events([Event(cmd, 1_700_000_000 + i * 60, source="shell", kind="command",
                            meta={"cwd": "/src", "exit_code": 0}) for i, cmd in enumerate(runs)])
    svc.close()
    top = json.loads(cli("stats", "--shell", "--json")[1])["top"]
    assert [(t["command"], t["runs"]) for t in top] == [("git", 3), ("make", 2)]


def test_commands_still_in_the_spool_are_counted_as_history_lists_them(cli, recall_home):
    from recall_cli.capture import spool

    spool.append(recall_home, [spool.make_record(source="shell", kind="command", text=cmd, ts_start=1_700_000_000 + i,
                                                 meta={"cwd": "/src/app", "exit_code": code})
                               for i, (cmd, code) in enumerate([("make test", 2), ("make test", 0)])])
    assert "make test" in cli("history")[1]
    code, out, err = cli("stats", "--shell")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Commands: 2 run, 1 failed (50%)"
    assert json.loads(cli("stats", "--json")[1])["by_source"] == {"shell": 2}


LONG = "echo " + " ".join(f"word{i}" for i in range(5000))  # 43,894 characters: stored as three linked parts


def record(recall_home, texts: list[str]) -> None:
    """Commands as the shell hook records them (the spool), one a second in /src/app."""
    from recall_cli.capture import spool

    spool.append(recall_home, [spool.make_record(source="shell", kind="command", text=text, ts_start=1_700_000_000 + i,
                                                 meta={"cwd": "/src/app", "exit_code": 0})
                               for i, text in enumerate(texts)])


def test_a_long_command_stored_as_linked_parts_counts_as_one_command_run(cli, recall_home):
    record(recall_home, ["echo start", LONG, "echo end"])
    code, out, err = cli("stats", "--shell")
    assert (code, err) == (0, "")
    assert "Part:      1 of 3 (the others: 3, 4)\n" in cli("show", "2")[1]  # stored as parts, by design
    assert out.splitlines() == [
        "Commands: 3 run, 0 failed (0%)",
        "",
        "command  runs  failed  failure rate",
        "echo     3     0       0%",
        "",
        "directory  runs  failed  failure rate",
        "/src/app   3     0       0%",
    ]
    data = json.loads(cli("stats", "--json")[1])
    assert (data["events"], data["by_source"]) == (3, {"shell": 3})


def test_a_first_word_thousands_of_characters_long_is_clipped_in_the_top_commands(cli, recall_home):
    record(recall_home, ["x" * 30_000 + " --help", "ls"])
    code, out, err = cli("stats", "--shell")
    assert (code, err) == (0, "")
    assert max(len(line) for line in out.splitlines()) < 100
    top = json.loads(cli("stats", "--shell", "--json")[1])["top"]
    assert [(t["command"], t["runs"]) for t in top] == [("ls", 1), ("x" * 59 + "…", 1)]

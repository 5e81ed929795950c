"""`recall history`: shell commands, newest first, filtered by directory, outcome and words."""

from __future__ import annotations

import json
import subprocess
import sys

from recall_cli.models import Event
from recall_cli.timeutil import parse_time

RUNS = [("make test", 2, "/src/app"), ("pip install -e .", 0, "/src/app"), ("make test", 0, "/src/app"),
        ("pytest -k auth", 1, "/src/app/api"), ("npm run build", 1, "/src/web"), ("ls", 0, "/src/application")]


def seed(svc) -> None:
    day = parse_time("2026-11-01 09:00")
    svc.store_events([Event(cmd, day + i * 60, source="shell", kind="command", meta={"cwd": cwd, "exit_code": code})
                      for i, (cmd, code, cwd) in enumerate(RUNS)])
    svc.close()


def test_history_lists_each_command_once_newest_first_with_runs_and_exit(cli, svc):
    seed(svc)
    code, out, err = cli("history")
    assert code == 0, err
    assert out.splitlines() == [  # the latest run's exit code, and how many of the runs failed
        "time              exit  runs           directory         command",
        "2026-11-01 09:05  0     1×             /src/application  ls",
        "2026-11-01 09:04  1     1×             /src/web          npm run build",
        "2026-11-01 09:03  1     1×             /src/app/api      pytest -k auth",
        "2026-11-01 09:02  0     2× (1 failed)  /src/app          make test",
        "2026-11-01 09:01  0     1×             /src/app          pip install -e .",
    ]


def test_a_command_run_in_several_directories_says_so_beside_its_latest(cli, svc):
    day = parse_time("2026-11-01 09:00")
    places = ["/p/web", "/p/web", "/p/web/sub"]
    svc.store_events([Event("make test", day + i * 60, source="shell", kind="command",
                            meta={"cwd": cwd, "exit_code": 2}) for i, cwd in enumerate(places)])
    svc.close()
    out = cli("history")[1].splitlines()
    assert out[1] == "2026-11-01 09:02  2     3× (3 failed)  /p/web/sub (+1 more)  make test"
    rows = json.loads(cli("history", "--json")[1])
    assert sorted(rows[0]["directories"]) == ["/p/web", "/p/web/sub"]


def test_under_takes_a_project_and_its_subfolders_but_not_a_sibling_with_the_same_prefix(cli, svc):
    seed(svc)
    code, out, err = cli("history", "--under", "/src/app", "--format", "{exit} {cwd} {command}")
    assert code == 0, err
    assert out.splitlines() == ["1 /src/app/api pytest -k auth", "0 /src/app make test", "0 /src/app pip install -e ."]
    only_here = cli("history", "--cwd", "/src/app", "--failed", "--every", "--format", "{command}")[1]
    assert only_here.splitlines() == ["make test"]


def test_a_multi_line_command_is_one_line_of_a_format_too(cli, svc):
    svc.store_events([Event("for f in *.md; do\n  wc -l $f\ndone", parse_time("2026-11-01 09:00"), source="shell",
                            kind="command", meta={"cwd": "/notes", "exit_code": 0})])
    svc.close()
    assert cli("history", "--format", "{exit} {command}")[1] == "0 for f in *.md; do ↵   wc -l $f ↵ done\n"


def test_failed_under_a_directory_as_json_carries_the_event_ids(cli, svc):
    seed(svc)
    rows = json.loads(cli("history", "--under", "/src/app/", "--failed", "--json")[1])
    assert [(r["text"], r["exit_code"], r["id"]) for r in rows] == [("pytest -k auth", 1, 4), ("make test", 2, 1)]


def test_cwd_and_under_together_are_a_usage_error(cli, svc):
    seed(svc)
    assert cli("history", "--cwd", "/src/app", "--under", "/src") == (
        2, "", "Error: --cwd and --under exclude each other\n")


def test_a_multi_line_command_keeps_to_one_row(cli, svc):
    svc.store_events([Event('echo "multi\nline string"', parse_time("2026-11-01 09:00"), source="shell",
                            kind="command", meta={"cwd": "/src", "exit_code": 0})])
    svc.close()
    out = cli("history")[1].splitlines()
    assert len(out) == 2 and out[1].endswith('echo "multi ↵ line string"')


def test_a_search_of_several_unquoted_words_says_to_quote_them(cli, svc):
    assert cli("history", "-q", "git", "status") == (
        2, "", "Error: 'status' is not a memory id: to search several words, quote them (-q 'git status')\n")


def test_a_command_still_in_the_spool_is_listed_before_it_is_stored(cli, recall_home, svc):
    seed(svc)
    env = {"RECALL_HOME": str(recall_home), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "recall_cli.capture.record", "--shell", "bash", "--status", "1",
                    "--cwd", "/src/app", "--session", "s1", "--duration-ms", "5"], input=b"cargo build",
                   env=env, check=True)
    rows = json.loads(cli("history", "--under", "/src/app", "--failed", "--json")[1])
    assert [(r["text"], r["id"]) for r in rows][0] == ("cargo build", None)


def test_filters_that_match_nothing_say_so_and_an_empty_history_says_how_to_record(cli, svc):
    assert cli("history") == (0, 'No shell commands recorded yet. `eval "$(recall init bash)"` records them '
                                 "(zsh, fish too).\n", "")
    seed(svc)
    assert cli("history", "--under", "/src/web2") == (0, "No shell commands match these filters.\n", "")


def test_shell_filters_given_with_a_memory_id_are_refused_not_ignored(cli, svc):
    assert cli("history", "m1", "--failed") == (
        2, "", "Error: --failed filter shell commands, not a memory's changes\n")


def test_an_exit_code_that_contradicts_failed_or_succeeded_is_a_usage_error(cli, svc):
    seed(svc)
    assert cli("history", "--exit", "0", "--failed") == (2, "", "Error: --exit 0 and --failed exclude each other\n")
    assert cli("history", "--exit", "2", "--succeeded") == (
        2, "", "Error: --exit 2 and --succeeded exclude each other\n")
    assert cli("history", "--exit", "2", "--failed", "--format", "{command}") == (0, "make test\n", "")


def test_since_after_until_is_a_usage_error_as_in_search(cli, svc):
    seed(svc)
    assert cli("history", "--since", "2026-12-07", "--until", "2026-12-01") == (
        2, "", "Error: --since is after --until\n")
    assert cli("history", "--since", "2026-11-01", "--until", "2026-11-01", "--format", "{command}")[1] \
        .startswith("ls\n")  # one day as both ends is that day


LONG = "echo " + " ".join(f"word{i}" for i in range(5000))  # 43,894 characters: stored as three linked parts


def test_a_long_command_stored_as_linked_parts_is_one_line_with_its_whole_text(cli, svc):
    day = parse_time("2026-11-01 09:00")
    svc.store_events([Event(text, day + i * 60, source="shell", kind="command", meta={"cwd": "/src", "exit_code": 0})
                      for i, text in enumerate(["echo start", LONG, "echo end", LONG])])
    svc.close()
    rows = json.loads(cli("history", "--json")[1])
    assert [(r["text"], r["count"]) for r in rows] == [(LONG, 2), ("echo end", 1), ("echo start", 1)]
    every = json.loads(cli("history", "--every", "--json")[1])
    assert [r["text"] for r in every] == [LONG, "echo end", LONG, "echo start"]
    found = json.loads(cli("history", "-q", "word4321", "--json")[1])  # a word of its second part
    assert [(r["text"], r["count"]) for r in found] == [(LONG, 2)]

"""`recall ask` about shell work: answered from the history by directory and exit code."""

from __future__ import annotations

import subprocess
import sys

import pytest

from recall_cli.llm.ask import ABSTAIN, ask
from recall_cli.llm.shell import scope
from recall_cli.models import Event
from recall_cli.timeutil import parse_time
from tests.fakes import ScriptedLLM

DAY = parse_time("2026-11-02 09:00")
RUNS = [  # (command, exit code, directory, minutes after DAY)
    ("make test", 2, "/home/ada/proj/api", 0),
    ("pytest tests/test_auth.py", 1, "/home/ada/proj/api", 2),
    ("pip install -e .", 0, "/home/ada/proj/api", 4),
    ("pytest tests/test_auth.py", 0, "/home/ada/proj/api", 6),
    ("npm run build", 1, "/home/ada/proj/web", 10),
    ("npm install", 0, "/home/ada/proj/web", 12),
    ("npm run build", 0, "/home/ada/proj/web", 14),
    ("docker compose up -d", 0, "/home/ada/proj/api", 60 * 24),  # the next day
]


@pytest.fixture
def shell(svc):
    svc.store_events([Event(cmd, DAY + minutes * 60, source="shell", kind="command",
                            meta={"cwd": cwd, "exit_code": code})
                      for cmd, code, cwd, minutes in RUNS])
    svc.add("Passport renewed at the consulate; it sits in the desk drawer", ts=DAY)
    return svc


def _ask(svc, question: str, **kwargs):
    llm = ScriptedLLM([])  # these answers never need the model: a call would fail the test
    answer = ask(svc, question, llm=llm, reference=DAY + 2 * 86400, **kwargs)
    assert llm.prompts == []
    return answer


def test_which_command_failed_in_a_project_names_the_failure_and_its_exit_code(shell):
    answer = _ask(shell, "Which command failed in the web project?")
    assert answer.text == "Failed in /home/ada/proj/web:\n1. npm run build (exit 1, 2026-11-02 09:10) [5]"
    assert answer.citations == ["5"] and answer.method == "shell" and not answer.abstained


def test_what_failed_lists_every_failure_in_that_directory_newest_first(shell):
    answer = _ask(shell, "what failed in api?")
    assert answer.text.splitlines()[1:] == ["1. pytest tests/test_auth.py (exit 1, 2026-11-02 09:02) [2]",
                                            "2. make test (exit 2, 2026-11-02 09:00) [1]"]


def test_a_command_run_several_times_says_how_many_runs_failed(shell):
    answer = _ask(shell, "what did I run in web on 2 November 2026?")
    assert "1. npm run build (exit 0, 2026-11-02 09:14, 2 runs, 1 failed) [7]" in answer.text.splitlines()


def test_what_did_i_run_in_a_directory_on_a_day_keeps_to_that_day(shell):
    answer = _ask(shell, "What did I run in proj/api on 3 November 2026?")
    assert answer.text == "Ran in /home/ada/proj/api:\n1. docker compose up -d (exit 0, 2026-11-03 09:00) [8]"


def test_how_did_i_fix_a_failure_gives_what_ran_between_the_failure_and_the_run_that_worked(shell):
    answer = _ask(shell, "How did I fix the failing auth tests?")
    assert answer.text == (
        "pytest tests/test_auth.py failed (exit 1, 2026-11-02 09:02) [2]; then, in /home/ada/proj/api:\n"
        "1. pip install -e . (exit 0, 2026-11-02 09:04) [3]\n"
        "2. pytest tests/test_auth.py (exit 0, 2026-11-02 09:06) [4]")
    assert answer.citations == ["2", "3", "4"]


def test_a_directory_with_no_failure_says_so_instead_of_guessing(shell):
    shell.store_events([Event("ls", DAY, source="shell", kind="command",
                              meta={"cwd": "/home/ada/notes", "exit_code": 0})])
    answer = _ask(shell, "which command failed in notes?")
    assert answer.text == "No command failed in /home/ada/notes that recall recorded." and answer.citations == []


def test_a_how_to_question_never_offers_a_command_that_failed(shell):
    for question in ("how do I build the web app?", "how do I run the build in web?"):
        answer = _ask(shell, question)
        assert "npm run build" in answer.text and answer.citations == ["7"], question  # 7 worked, 5 failed


def test_a_question_about_something_else_is_not_answered_from_the_shell(shell):
    answer = ask(shell, "where is my passport?", llm=ScriptedLLM(["In the desk drawer [9]."]))
    assert answer.method == "model" and answer.text == "In the desk drawer [9]."


def test_a_failure_nothing_in_the_shell_names_goes_to_the_usual_answer(shell):
    answer = _ask(shell, "did the deploy fail?")
    assert answer.method != "shell"
    assert answer.abstained and answer.text == ABSTAIN


def test_a_command_the_hook_recorded_a_moment_ago_is_in_the_answer(shell, recall_home):
    env = {"RECALL_HOME": str(recall_home), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "recall_cli.capture.record", "--shell", "bash", "--status", "101",
                    "--cwd", "/home/ada/proj/web", "--session", "s9", "--duration-ms", "5"], input=b"cargo build",
                   env=env, check=True)
    answer = ask(shell, "which command failed in web?", llm=ScriptedLLM([]))
    first, second = answer.text.splitlines()[1:3]
    assert first.startswith("1. cargo build (exit 101, ") and first.endswith(f"[{answer.citations[0]}]")
    assert second.endswith("[5]")


def test_a_fix_without_the_word_failing_is_still_the_fix(shell):
    answer = _ask(shell, "How did I fix the build in the web project?")
    assert answer.text.splitlines() == [
        "npm run build failed (exit 1, 2026-11-02 09:10) [5]; then, in /home/ada/proj/web:",
        "1. npm install (exit 0, 2026-11-02 09:12) [6]",
        "2. npm run build (exit 0, 2026-11-02 09:14) [7]"]


def test_a_failure_that_never_worked_since_is_no_fix(shell):
    shell.store_events([Event(cmd, DAY + minutes * 60, source="shell", kind="command",
                              meta={"cwd": "/home/ada/proj/site", "exit_code": code})
                        for cmd, code, minutes in (("cd /home/ada/proj/site", 0, 100), ("make build", 2, 101),
                                                   ("git status", 0, 102), ("make build", 2, 103))])
    for question in ("how did I fix the build in site?", "how did I fix the build?"):
        answer = _ask(shell, question)  # (the web build failed and was fixed; this one is later)
        assert answer.text == ("make build failed (exit 2, 2026-11-02 10:43, in /home/ada/proj/site) [13]; "
                               "recall has no later run of it that worked."), question
        assert answer.citations == ["13"] and answer.method == "shell"


def test_a_fix_of_something_no_command_names_goes_to_the_notes(shell):
    shell.add("Fixed the kitchen sink by replacing the washer", ts=DAY)
    answer = ask(shell, "how did I fix the sink?", llm=ScriptedLLM([]))
    assert answer.method != "shell" and "washer" in answer.text


def test_a_folder_is_named_by_the_start_of_its_name(shell):
    shell.store_events([Event("yarn test", DAY + 3600, source="shell", kind="command",
                              meta={"cwd": "/home/ada/proj/webapp-admin", "exit_code": 1})])
    answer = _ask(shell, "which command failed in the webapp?")
    assert answer.text == "Failed in /home/ada/proj/webapp-admin:\n1. yarn test (exit 1, 2026-11-02 10:00) [10]"


def test_what_did_i_run_on_a_day_lists_that_days_commands(shell):
    answer = _ask(shell, "what did I run on 3 November 2026?")
    assert answer.text == "Ran in /home/ada/proj/api:\n1. docker compose up -d (exit 0, 2026-11-03 09:00) [8]"
    untimed = ask(shell, "what did I run?", llm=ScriptedLLM(["Not mentioned."]))
    assert untimed.method != "shell"  # no time, no place: the usual answer


@pytest.mark.parametrize(("question", "expected"), [
    ("which command failed in the web project?", (["/p/web"], True, False)),
    ("what did I run in api", (["/p/api"], None, False)),
    ("how do I build in web?", (["/p/web"], False, False)),
    ("how did I fix the failing build?", ([], False, True)),
    ("what failed?", ([], True, False)),
    ("what did I cook on Sunday?", None),  # neither a directory nor a failure
    ("how did I fix the sink?", ([], False, True)),  # a fix, but of nothing that ran: see below
    ("which command failed in the site project?", ([], True, False)),  # 'site' does not start 'website'...
    ("what broke in web?", (["/p/web"], True, False)),  # ...and 'web' starts both, but is one's whole name
])
def test_the_scope_of_a_question(question, expected):
    found = scope(question, ["/p/web", "/p/api", "/p/api/tests", "/p/website"])
    assert (found if found is None else (found.directories, found.failed, found.fix)) == expected


def test_a_question_about_something_no_command_names_is_not_taken_by_the_shell(shell):
    shell.add("The build of the garden shed failed because the concrete base was not level", ts=DAY)
    for question in ("why did the shed build fail?", "how did I fix the garden shed build?"):
        answer = ask(shell, question, llm=ScriptedLLM(["The concrete base was not level [10]."]))
        assert answer.method != "shell" and "concrete" in answer.text, question


def test_a_folders_whole_name_beats_a_folder_it_starts(shell):
    shell.store_events([Event("npm run lint", DAY + 3600, source="shell", kind="command",
                              meta={"cwd": "/home/ada/proj/web-old", "exit_code": 1})])
    answer = _ask(shell, "which command failed in web?")
    assert answer.text == "Failed in /home/ada/proj/web:\n1. npm run build (exit 1, 2026-11-02 09:10) [5]"


def test_a_fix_follows_the_terminal_into_another_folder(shell):
    shell.store_events([
        Event("pytest -x tests/test_models.py", DAY + 7200, source="shell", kind="command", session="t9",
              meta={"cwd": "/home/ada/proj/api/backend", "exit_code": 1}),
        Event("vim backend/models.py", DAY + 7260, source="shell", kind="command", session="t9",
              meta={"cwd": "/home/ada/proj/api", "exit_code": 0}),
        Event("pytest -x tests/test_models.py", DAY + 7320, source="shell", kind="command", session="t9",
              meta={"cwd": "/home/ada/proj/api/backend", "exit_code": 0})])
    answer = _ask(shell, "how did I fix the model tests?")
    assert answer.text.splitlines()[1:] == [
        "1. vim backend/models.py (exit 0, 2026-11-02 11:01, in /home/ada/proj/api) [11]",
        "2. pytest -x tests/test_models.py (exit 0, 2026-11-02 11:02) [12]"]


def test_a_time_with_no_commands_says_none_ran(shell):
    answer = _ask(shell, "what did I run on 20 October 2026?")
    assert answer.text == "No command ran that recall recorded on 20 October 2026." and answer.citations == []


def test_a_long_list_says_how_many_it_left_out_and_names_no_single_folder(svc):
    svc.store_events([Event(f"false {i}", DAY + i * 60, source="shell", kind="command",
                            meta={"cwd": "/home/ada/proj/web" if i < 3 else "/home/ada/proj/docs", "exit_code": 1})
                      for i in range(11)])
    answer = _ask(svc, "which commands failed on 2 November 2026?")
    lines = answer.text.splitlines()
    assert lines[0] == "Failed:" and len(lines) == 10  # the newest 8, each with its folder, then the rest counted
    assert lines[1].startswith("1. false 10 (exit 1,") and "in /home/ada/proj/docs" in lines[1]
    assert lines[-1] == "… and 3 more (recall history shows them all)"


def test_when_did_i_last_run_something_is_its_latest_run_in_the_history(shell):
    shell.add("The auth tests pass now", ts=DAY + 30 * 60)  # a note that shares the word is no run
    answer = _ask(shell, "when did I last run the tests?")
    assert answer.method == "shell"
    assert answer.text == ("2026-11-02 09:06: pytest tests/test_auth.py (exit 0, 2 runs, 1 failed, "
                           "in /home/ada/proj/api) [4]")
    assert _ask(shell, "when did I last run docker compose?").text.startswith("2026-11-03 09:00: docker compose up")
    assert _ask(shell, "when did I run the marathon?").method != "shell"  # no command says it


def test_a_command_that_held_another_password_does_not_answer_for_the_wifi_password(svc):
    # helper-139: "mysql -u medbot -p..." (its password redacted, the label says "password")
    # answered "what's the wifi password at dad's?" through the pi's password line
    svc.store_events([Event("mysql -u medbot -pS3cretPw99 -e 'select 1'", DAY, source="shell", kind="command",
                            meta={"cwd": "/home/ada/medbot", "exit_code": 0})])
    svc.add("medbot setup done. pi login password is Emeka#Medbot2026", ts=DAY)
    assert _ask(svc, "what's the wifi password at dad's?").abstained


def test_a_question_not_about_commands_is_answered_by_a_note_not_by_a_command_that_shares_a_word(svc):
    svc.store_events([Event(cmd, parse_time("2026-12-08 22:00") + i, source="shell", kind="command",
                            meta={"cwd": "/home/priya/proj/party-invites", "exit_code": 0})
                      for i, cmd in enumerate(["cd ~/proj/party-invites", "cp rsvps.csv rsvps-backup-8dec.csv",
                                               'echo "68 guests, 23 veg" > numbers.txt'])])
    svc.add("party: rsvp deadline fri 8 jan, replies to priya or anil", ts=parse_time("2026-11-28 20:00"))
    svc.add("guest list update: 4 of the coventry lot can't make it so 68 guests now",
            ts=parse_time("2026-11-28 20:30"))
    now = parse_time("2026-12-09 18:00")
    # a file's "8dec" is no deadline; the note's Friday is
    assert ask(svc, "whens the rsvp deadline", llm=ScriptedLLM([]), reference=now).text.startswith("8 January 2027")
    assert ask(svc, "how many guests are coming now", llm=ScriptedLLM([]), reference=now).text.startswith(
        "guest list update")
    # asked about, a command still answers
    assert "echo" in ask(svc, "which command wrote numbers.txt", llm=ScriptedLLM([]),
                         reference=now).text


def test_a_question_naming_the_program_a_command_ran_is_answered_by_the_command(svc):
    svc.store_events([Event('git commit -q -m "first version of medbot reminder"', parse_time("2026-11-20 21:00"),
                            source="shell", kind="command", meta={"cwd": "/home/ada/medbot", "exit_code": 0})])
    svc.add("medbot: push the reminder code to github, then a first commit of the tests", ts=parse_time("2026-11-21"))
    assert ask(svc, "what was my first commit message in medbot?", llm=ScriptedLLM([]),
               reference=parse_time("2026-12-09 18:00")).text.startswith('git commit -q -m "first version')

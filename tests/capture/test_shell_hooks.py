"""The hooks in real interactive bash, zsh and fish processes on a pseudo-terminal.

Each shell runs the same session: an ordinary command, one failing with exit 3, one starting
with a space, one matching an ignore pattern, a cd into an ignored directory and a command
there, a fake GitHub token, a slow command, and commands while RECALL_DISABLE=1. The
detached recorders are awaited by polling the spool and /proc, never by sleeping.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from recall_cli.capture.hook import hook_script
from tests.capture.helpers import (
    Terminal,
    need,
    python,
    recorders_running,
    spool_records,
    wait_for,
    wait_for_spool,
)

TOKEN = "ghp_" + "FAKEfakeFAKEfakeFAKEfakeFAKEfake1234"


def _value(output: bytes, label: bytes) -> bytes:
    """The number printed after a label (the echoed command line shows the variable instead)."""
    found = re.search(re.escape(label) + rb"(\d+)", output)
    assert found, f"{label!r} not in {output!r}"
    return found.group(1)


def _config(home: Path, private: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        "[capture]\n"
        f'ignore_dirs = "{private}"\n'
        'ignore_patterns = "echo ignored-by-pattern*"\n', encoding="utf-8")


def _start(shell: str, tmp: Path, home: Path, *, private_mode: bool = False, bashrc: str = "",
           after: str = "") -> Terminal:
    need(shell)
    hook = tmp / f"hook.{shell}"
    hook.write_text(hook_script(shell, python()), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECALL_")}
    env.update(RECALL_HOME=str(home), HOME=str(tmp), TERM="xterm-256color", LC_ALL="C.UTF-8")
    env.pop("PROMPT_COMMAND", None)
    work = tmp / "work"
    work.mkdir(exist_ok=True)
    if shell == "bash":
        rc = tmp / "bashrc"
        rc.write_text(
            "PS1='READY> '\n"
            f"HISTFILE={tmp}/bash_history\n"
            "trap '__user_debug=$((__user_debug+1))' DEBUG\n"  # a trap set before ours survives
            + bashrc
            + f'eval "$(cat {hook})"\n' + after, encoding="utf-8")
        argv = ["bash", "--noprofile", "--rcfile", str(rc), "-i"]
    elif shell == "zsh":
        zdot = tmp / "zdot"
        zdot.mkdir(exist_ok=True)
        (zdot / ".zshrc").write_text(
            "PROMPT='READY> '\nunsetopt PROMPT_SP\n"
            f"HISTFILE={tmp}/zsh_history\n"
            f'eval "$(cat {hook})"\n', encoding="utf-8")
        env["ZDOTDIR"] = str(zdot)
        argv = ["zsh", "-i"]
    else:
        config = tmp / "xdg-config" / "fish"
        config.mkdir(parents=True, exist_ok=True)
        (config / "config.fish").write_text(
            "function fish_prompt; printf 'READY> '; end\n"
            "function fish_greeting; end\n"
            f"source {hook}\n", encoding="utf-8")
        env.update(XDG_CONFIG_HOME=str(tmp / "xdg-config"), XDG_DATA_HOME=str(tmp / "xdg-data"))
        argv = ["fish", "-i"] + (["--private"] if private_mode else [])
    return Terminal(argv, env, work)


def test_bash_with_ignoreboth_records_every_run_of_a_repeated_command(tmp_path, recall_home):
    # Ubuntu's default: a repeated line gets no history entry, a line starting with a space none
    term = _start("bash", tmp_path, recall_home, bashrc="HISTCONTROL=ignoreboth\n")
    flag = tmp_path / "flag"
    fix = f"sh -c 'test -f {flag} || {{ touch {flag}; exit 1; }}'"
    try:
        term.run(fix)  # fails, then succeeds when run again
        term.run(fix)
        term.run("ls /recall-dup-none")
        term.run("ls /recall-dup-none")
        term.run("ls /recall-dup-none")
        term.run(" echo space-secret-one")
        term.run("echo after-space")
        term.run(" echo hidden-other")  # hidden, and only its first word is the last entry's
        term.run(" echo after-space")  # the same as the last entry, but typed with a space
        term.run("echo done")
    finally:
        term.close()
    records = wait_for_spool(recall_home, {"echo done"}, timeout=60)
    # (each record is written by its own detached process: they reach the spool in any order)
    runs = [(r["text"], r["meta"]["exit_code"]) for r in sorted(records, key=lambda r: r["ts_start"])]
    assert runs[:5] == [(fix, 1), (fix, 0), ("ls /recall-dup-none", 2), ("ls /recall-dup-none", 2),
                        ("ls /recall-dup-none", 2)]
    assert "space-secret-one" not in (recall_home / "spool" / "events.jsonl").read_text()
    # a hidden command is no repeat of the last entry for sharing its first word; a spaced
    # repeat of the whole entry records that entry again: nothing the user hid
    assert [t for t, _ in runs[5:]] in (["echo after-space", "echo done"],
                                        ["echo after-space", "echo after-space", "echo done"])


def test_bash_with_its_own_prompt_command_times_each_command_from_when_it_runs(tmp_path, recall_home):
    # a PROMPT_COMMAND set before the hook (history -a, a terminal's title setter) runs after
    # ours: it is no command of the user's, neither its start nor the one repeated
    term = _start("bash", tmp_path, recall_home,
                  bashrc="HISTCONTROL=ignoreboth\nPROMPT_COMMAND='history -a'\n")
    try:
        term.run("ls /recall-pc-none")
        # (the prompt waits meanwhile)
        wait_for(lambda: spool_records(recall_home), timeout=60, what="the first record")
        typed = time.time()
        term.run("ls /recall-pc-none")  # a repeat: ignoredups gives it no history entry
        term.run("echo done")
    finally:
        term.close()
    records = sorted(wait_for_spool(recall_home, {"echo done"}, timeout=60), key=lambda r: r["ts_start"])
    assert [r["text"] for r in records] == ["ls /recall-pc-none", "ls /recall-pc-none", "echo done"]
    assert records[1]["ts_start"] >= typed - 0.05  # not the time its prompt was drawn


def test_bash_records_commands_after_a_prompt_command_that_ends_in_a_semicolon(tmp_path, recall_home):
    # pyenv-virtualenv leaves PROMPT_COMMAND="_pyenv_virtualenv_hook;": joined as it was, the
    # hook's ";;" was a syntax error at every prompt and nothing was recorded (found by a new user)
    term = _start("bash", tmp_path, recall_home,
                  bashrc="__user_hook() { :; }\nPROMPT_COMMAND='__user_hook;'\n")
    try:
        term.run("ls /recall-semicolon-none")
        term.run("echo done")
    finally:
        term.close()
    records = sorted(wait_for_spool(recall_home, {"echo done"}, timeout=60), key=lambda r: r["ts_start"])
    assert [(r["text"], r["meta"]["exit_code"]) for r in records] == [
        ("ls /recall-semicolon-none", 2), ("echo done", 0)]


def test_bash_records_no_phantom_run_for_a_hidden_command_that_opens_the_last_entry(tmp_path, recall_home):
    # a line typed with a space, or one HISTIGNORE hides, gets no history entry; that its words
    # open the last entry's makes it no repeat of that entry (found by a new user: a failure
    # that never happened was recorded)
    term = _start("bash", tmp_path, recall_home, bashrc="HISTCONTROL=ignoreboth\nHISTIGNORE=pwd\n")
    try:
        term.run("ls -d /recall-hidden-none /tmp")
        term.run(" ls")
        term.run("pwd -P")
        term.run("pwd")
        term.run("echo done")
    finally:
        term.close()
    records = sorted(wait_for_spool(recall_home, {"echo done"}, timeout=60), key=lambda r: r["ts_start"])
    assert [(r["text"], r["meta"]["exit_code"]) for r in records] == [
        ("ls -d /recall-hidden-none /tmp", 2), ("pwd -P", 0), ("echo done", 0)]


def test_bash_reads_each_commands_status_when_the_rc_file_puts_its_prompt_command_first(tmp_path, recall_home):
    # shared history between terminals, set after the hook: `history -n` ran before us and
    # handed us its 0 for every command
    term = _start("bash", tmp_path, recall_home,
                  after='PROMPT_COMMAND="history -a; history -n; $PROMPT_COMMAND"\n')
    try:
        term.run("ls /recall-pc-first-none")
        term.run("false")
        term.run("echo done")
    finally:
        term.close()
    records = sorted(wait_for_spool(recall_home, {"echo done"}, timeout=60), key=lambda r: r["ts_start"])
    assert [(r["text"], r["meta"]["exit_code"]) for r in records] == [
        ("ls /recall-pc-first-none", 2), ("false", 1), ("echo done", 0)]


def test_bash_records_nothing_while_history_is_off(tmp_path, recall_home):
    term = _start("bash", tmp_path, recall_home)
    try:
        term.run("set +o history")
        term.run("echo hidden-from-history")
        term.run("set -o history")
        term.run("echo shown")
    finally:
        term.close()
    records = sorted(wait_for_spool(recall_home, {"echo shown"}, timeout=60), key=lambda r: r["ts_start"])
    # (`set +o history` has no entry either: history is off by the time it is done)
    assert [r["text"] for r in records] == ["echo shown"]


def test_bash_records_passwords_typed_to_command_line_tools_redacted(tmp_path, recall_home):
    # (found by a user: these were stored as typed); the programs are stand-ins, so nothing
    # changes a password or dials a server
    stubs = "".join(f"{name}() {{ [ -t 0 ] || cat >/dev/null; }}\n"
                    for name in ("passwd", "chpasswd", "gpg", "ldapsearch", "sqlplus", "keytool"))
    typed = {
        "echo 'hunter2' | passwd --stdin bob": "echo '[REDACTED:password-stdin]' | passwd --stdin bob",
        "echo 'bob:Hunter2x!' | chpasswd": "echo 'bob:[REDACTED:password-stdin]' | chpasswd",
        "ldapsearch -x -D cn=admin,dc=ex,dc=com -w LdapPw123 -b dc=ex,dc=com":
            "ldapsearch -x -D cn=admin,dc=ex,dc=com -w [REDACTED:password-short-arg] -b dc=ex,dc=com",
        "sqlplus scott/TigerPw1@orcl": "sqlplus scott/[REDACTED:oracle-login]@orcl",
        "keytool -storepass changeit123 -list": "keytool -storepass [REDACTED:password-arg] -list",
        'echo "MyS3cretPhrase" | gpg --batch --passphrase-fd 0 -d f.gpg':
            'echo "[REDACTED:password-stdin]" | gpg --batch --passphrase-fd 0 -d f.gpg',
    }
    ordinary = ["passwd bob", "keytool -list -keystore ks.jks", "sqlplus /nolog", "echo hello | wc -l"]
    term = _start("bash", tmp_path, recall_home, bashrc=stubs)
    try:
        for line in [*typed, *ordinary, "echo done"]:
            term.run(line)
    finally:
        term.close()
    records = wait_for_spool(recall_home, {*typed.values(), *ordinary, "echo done"}, timeout=60)
    assert {r["text"] for r in records} == {*typed.values(), *ordinary, "echo done"}
    raw = (recall_home / "spool" / "events.jsonl").read_text()
    for secret in ("hunter2", "Hunter2x!", "LdapPw123", "TigerPw1", "changeit123", "MyS3cretPhrase"):
        assert secret not in raw
    assert not (recall_home / "spool" / "errors.log").exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_shell_session_is_recorded_with_filters_and_redaction(shell, tmp_path, recall_home, cli):
    private = tmp_path / "private"
    private.mkdir()
    work = tmp_path / "work"
    _config(recall_home, private)
    disable, enable = (("set -gx RECALL_DISABLE 1", "set -e RECALL_DISABLE") if shell == "fish"
                       else ("export RECALL_DISABLE=1", "unset RECALL_DISABLE"))
    status, bang = ("$status", "$last_pid") if shell == "fish" else ("$?", "$!")
    term = _start(shell, tmp_path, recall_home)
    try:
        assert b"hello-from" in term.run(f"echo hello-from-{shell}")
        term.run("sh -c 'exit 3'")
        assert b"status:3" in term.run(f"echo status:{status}")  # the hook keeps $? / $status
        first = term.run(f"sleep 2 & echo first:{bang}")
        second = term.run(f"echo second:{bang}")  # the hook keeps $! / $last_pid
        assert _value(first, b"first:") == _value(second, b"second:")
        term.run(" echo leading-space-secret")
        term.run("echo ignored-by-pattern here")
        term.run(f"cd {private}")
        term.run("echo in-private-dir")
        term.run(f"cd {work}")
        term.run(f"echo token {TOKEN}")
        term.run("sleep 0.3")
        term.run(disable)
        term.run("echo while-disabled")
        term.run(enable)
        if shell != "fish":  # the hook keeps $_ ("mkdir -p d && cd $_"), past a DEBUG trap set before it
            term.run("echo lastarg-one lastarg-two")
            assert b"last=lastarg-two" in term.run('echo "last=$_"')
        if shell == "bash":
            assert b"user-trap:" in term.run('echo "user-trap:$__user_debug"')
        term.run(f"echo done-{shell}")
    finally:
        term.close()

    expected = {f"echo hello-from-{shell}", "sh -c 'exit 3'", f"echo status:{status}",
                f"sleep 2 & echo first:{bang}", f"echo second:{bang}", f"cd {private}",
                "echo token [REDACTED:github-token]", "sleep 0.3", enable, f"echo done-{shell}"}
    if shell != "fish":
        expected |= {"echo lastarg-one lastarg-two", 'echo "last=$_"'}
    if shell == "bash":
        expected.add('echo "user-trap:$__user_debug"')
    records = wait_for_spool(recall_home, expected, timeout=60)
    texts = {r["text"] for r in records}
    # fish also reports the `exit` that ended the session
    assert texts - {"exit"} == expected
    raw = (recall_home / "spool" / "events.jsonl").read_text()
    for never in ("leading-space-secret", "ignored-by-pattern", "in-private-dir", "while-disabled", TOKEN):
        assert never not in raw
    assert not (recall_home / "spool" / "errors.log").exists()

    by_text = {r["text"]: r for r in records}
    hello = by_text[f"echo hello-from-{shell}"]
    assert hello["source"] == "shell" and hello["kind"] == "command"
    assert hello["meta"]["exit_code"] == 0
    assert hello["meta"]["cwd"] == str(work)
    assert hello["meta"]["shell"] == shell
    assert hello["meta"]["host"] == os.uname().nodename
    assert hello["actor"]
    assert by_text["sh -c 'exit 3'"]["meta"]["exit_code"] == 3
    assert by_text[f"cd {private}"]["meta"]["cwd"] == str(work)  # where it ran, not where it went
    assert by_text["echo token [REDACTED:github-token]"]["meta"]["redacted"] == ["github-token"]
    slow = by_text["sleep 0.3"]
    assert 250 <= slow["meta"]["duration_ms"] < 10_000
    assert slow["ts_end"] - slow["ts_start"] == pytest.approx(slow["meta"]["duration_ms"] / 1000, abs=0.002)
    # each command is stored at the time it ran, so in the order it ran (each recorder starts
    # a little later than its command ended, by a varying amount)
    ran = [r["text"] for r in sorted(records, key=lambda r: r["ts_start"]) if r["text"] in expected]
    assert ran[:5] == [f"echo hello-from-{shell}", "sh -c 'exit 3'", f"echo status:{status}",
                       f"sleep 2 & echo first:{bang}", f"echo second:{bang}"]
    assert ran[-1] == f"echo done-{shell}"
    sessions = {r["session"] for r in records}
    assert len(sessions) == 1 and sessions.pop()
    assert len({r["id"] for r in records}) == len(records)

    code, out, err = cli("ingest")
    assert code == 0, err
    assert out.startswith(f"Ingested {len(records)} events from the spool")
    code, out, _ = cli("search", "exit", "--source", "shell", "--json")
    hit = next(h for h in json.loads(out)["results"] if h["text"] == "sh -c 'exit 3'")
    assert hit["meta"]["exit_code"] == 3 and hit["kind"] == "command"


def test_fish_records_a_set_after_a_failure_as_no_failure_of_its_own(tmp_path, recall_home):
    need("fish")
    term = _start("fish", tmp_path, recall_home)
    try:
        term.run("ls /recall-fish-set-none")
        term.run("set -x RECALL_FISH_SET 1")
        term.run("set RECALL_FISH_GOT (false)")  # a command substitution's status is the set's
        term.run("echo done")
    finally:
        term.close()
    records = sorted(wait_for_spool(recall_home, {"echo done"}, timeout=60), key=lambda r: r["ts_start"])
    assert [(r["text"], r["meta"]["exit_code"]) for r in records if r["text"] != "exit"] == [  # (the close's)
        ("ls /recall-fish-set-none", 2), ("set -x RECALL_FISH_SET 1", 0), ("set RECALL_FISH_GOT (false)", 1),
        ("echo done", 0)]


def test_fish_private_mode_records_nothing(tmp_path, recall_home):
    term = _start("fish", tmp_path, recall_home, private_mode=True)
    try:
        assert b"private-fish" in term.run("echo private-fish")
    finally:
        term.close()
    wait_for(lambda: not recorders_running(recall_home), 30, "recorders to finish")
    assert not (recall_home / "spool" / "events.jsonl").exists()


@pytest.mark.parametrize("shell,check", [("bash", ["bash", "-n"]), ("zsh", ["zsh", "-n"]),
                                         ("fish", ["fish", "--no-execute"])])
def test_init_prints_a_script_the_shell_parses(shell, check, tmp_path, cli):
    need(shell)
    code, out, err = cli("init", shell)
    assert code == 0 and err == ""
    assert python() in out and "recall_cli.capture.record" in out
    script = tmp_path / f"init.{shell}"
    script.write_text(out)
    result = subprocess.run([*check, str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_init_rejects_an_unknown_shell(cli):
    assert cli("init", "tcsh") == (2, "", "Error: unknown shell 'tcsh' (choose bash, zsh or fish)\n")


def test_a_non_interactive_shell_installs_nothing(tmp_path, recall_home):
    hook = tmp_path / "hook.bash"
    hook.write_text(hook_script("bash", python()))
    env = {**os.environ, "RECALL_HOME": str(recall_home)}
    result = subprocess.run(["bash", "-c", f'eval "$(cat {hook})"; echo "[$PROMPT_COMMAND]"; true'],
                            capture_output=True, text=True, env=env, timeout=30)
    assert "__recall" not in result.stdout

"""Ctrl-R in real bash, zsh and fish under tmux: the picker lists past commands as you type,
collapses repeats, filters by scope, and puts the chosen command on the prompt line without
running it. Also the picker's own list, read straight from the store and the spool."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from recall_cli.capture import picker as picker_module
from recall_cli.capture.hook import hook_script
from recall_cli.models import Event
from tests.capture.helpers import python

T0 = time.time() - 3 * 86400
PAST = [("git pull --rebase", 0, "/src/blog"), ("make deploy", 0, "/src/blog"), ("git push origin main", 1, "/src/app"),
        ("git pull --rebase", 0, "/src/blog"), ("docker compose up -d", 0, "/srv")]


@pytest.fixture
def history(svc, recall_home) -> Path:
    svc.store_events([Event(cmd, T0 + i * 60, source="shell", kind="command", session="old", meta={
        "cwd": cwd, "exit_code": code, "host": "box"}) for i, (cmd, code, cwd) in enumerate(PAST)])
    svc.close()
    return recall_home


def test_the_list_collapses_repeats_newest_first_and_marks_failures(history):
    picker = picker_module.Picker(str(history), query="git")
    assert [(r["text"], r["count"]) for r in picker.rows] == [("git pull --rebase", 2), ("git push origin main", 1)]
    shown = picker_module.line(picker.rows[1], 120, time.time())
    assert "✗ git push origin main" in shown and "/src/app" in shown


def test_scopes_and_status_narrow_the_list(history):
    picker = picker_module.Picker(str(history), cwd="/src/blog", session="old", host="box")
    assert len(picker.rows) == 4
    picker.scope = "directory"
    picker.refresh()
    assert {r["text"] for r in picker.rows} == {"git pull --rebase", "make deploy"}
    picker.scope = "all"
    picker.cycle_status()  # succeeded
    picker.cycle_status()  # failed
    assert [r["text"] for r in picker.rows] == ["git push origin main"]


def test_commands_still_in_the_spool_are_listed(history):
    from recall_cli.capture import spool

    record = spool.make_record(source="shell", kind="command", text="terraform plan", ts_start=time.time(),
                               meta={"cwd": "/infra", "exit_code": 0})
    spool.append(history, [record])
    assert picker_module.Picker(str(history)).rows[0]["text"] == "terraform plan"


def test_the_first_list_prints_without_any_heavy_import(history):
    done = subprocess.run([python(), "-I", "-S", "-X", "importtime", "-c",
                           f"import sys; sys.path.insert(0, {str(Path(__file__).parents[2])!r}); "
                           "from recall_cli.capture.picker import main; "
                           "sys.exit(main(['--list', '--query', 'deploy']))"],
                          capture_output=True, text=True, env={**os.environ, "RECALL_HOME": str(history)}, timeout=60)
    assert done.returncode == 0 and "make deploy" in done.stdout
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert not imported & {"sqlite_utils", "typer", "numpy", "torch", "recall_cli.service", "recall_cli.store.db"}


# -- real shells under tmux -----------------------------------------------------------------------
class Tmux:
    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = name
        subprocess.run(["tmux", "-L", name, "new-session", "-d", "-s", name, "-x", "120", "-y", "24",
                        "env", *(f"{k}={v}" for k, v in env.items()), *command], check=True, timeout=30)

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "-L", self.name, "send-keys", "-t", self.name, *keys], check=True, timeout=30)

    def screen(self) -> str:
        return subprocess.run(["tmux", "-L", self.name, "capture-pane", "-p", "-t", self.name], capture_output=True,
                              text=True, timeout=30).stdout

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        return self.wait_until(lambda screen: text in screen, timeout, f"{text!r} never showed")

    def wait_until(self, done, timeout: float = 30.0, what: str = "the screen never changed as expected") -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if done(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{what}; the screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True, timeout=30)


def _shell_in_tmux(shell: str, home: Path, tmp_path: Path, label: str) -> Tmux:
    """An interactive shell with the hook loaded, in a tmux window of its own."""
    hook = tmp_path / f"hook.{shell}"
    hook.write_text(hook_script(shell, python()), encoding="utf-8")
    env = {"RECALL_HOME": str(home), "HOME": str(tmp_path), "TERM": "xterm-256color", "LC_ALL": "C.UTF-8",
           "PATH": os.environ["PATH"]}
    if shell == "bash":
        (tmp_path / "bashrc").write_text(f"PS1='READY> '\neval \"$(cat {hook})\"\n")
        command = ["bash", "--noprofile", "--rcfile", str(tmp_path / "bashrc"), "-i"]
    elif shell == "zsh":
        (tmp_path / "zdot").mkdir()
        (tmp_path / "zdot" / ".zshrc").write_text(f"PS1='READY> '\neval \"$(cat {hook})\"\n")
        env["ZDOTDIR"] = str(tmp_path / "zdot")
        command = ["zsh", "-i"]
    else:
        (tmp_path / "fish").mkdir()
        (tmp_path / "fish" / "config.fish").write_text(f"function fish_prompt; echo -n 'READY> '; end\nsource {hook}\n")
        env["XDG_CONFIG_HOME"] = str(tmp_path)
        command = ["fish", "-i"]
    return Tmux(f"recall-{label}-{shell}-{os.getpid()}", command, env)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_ctrl_r_puts_the_chosen_command_on_the_prompt_line_unrun(shell, history, tmp_path):
    if shutil.which("tmux") is None or shutil.which(shell) is None:
        pytest.skip(f"needs tmux and {shell}")
    term = _shell_in_tmux(shell, history, tmp_path, "pick")
    try:
        term.wait_for("READY>")
        term.keys("C-r")
        term.wait_for("commands · Ctrl-R scope")
        term.keys("git pu")
        screen = term.wait_for("> git pu")
        assert "  2×" in screen and "git pull --rebase" in screen and "git push origin main" in screen
        term.keys("Down", "Enter")  # the second row: the failed push
        screen = term.wait_for("READY> git push origin main")
        assert "Everything up-to-date" not in screen and "not a git repository" not in screen  # never ran
        term.keys("C-u")  # clears the line in all three (emacs key bindings)
        term.wait_until(lambda screen: "READY> git push origin main" not in screen)
        term.keys("C-r")
        term.wait_for("commands · Ctrl-R scope")
        term.keys("Escape")
        term.wait_for("READY>")
    finally:
        term.close()


@pytest.mark.parametrize(("shell", "own"), [("bash", "reverse-i-search"), ("zsh", "bck-i-search"),
                                            ("fish", "search:")])
def test_ctrl_r_falls_back_to_the_shells_own_search_when_recalls_python_is_gone(shell, own, history, tmp_path):
    if shutil.which("tmux") is None or shutil.which(shell) is None:
        pytest.skip(f"needs tmux and {shell}")
    term = _shell_in_tmux(shell, history, tmp_path, "gone")
    try:
        term.wait_for("READY>")
        term.keys("set __recall_python /nonexistent/python" if shell == "fish"
                  else "__recall_python=/nonexistent/python", "Enter")
        term.wait_until(lambda screen: screen.count("READY>") >= 2)
        term.keys("C-r")
        if shell == "bash":  # (a key bound with bind -x cannot start readline's search itself)
            term.wait_for("Ctrl-R is bash's own search again")
            term.keys("C-r")
        term.wait_for(own)
        term.keys("C-c")
    finally:
        term.close()


def _pickers_of(home: Path) -> list[int]:
    """Pids of picker processes running for this RECALL_HOME."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"capture.picker" in (entry / "cmdline").read_bytes() and \
                    f"RECALL_HOME={home}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_picker_whose_terminal_goes_away_exits(shell, history, tmp_path):
    if shutil.which("tmux") is None or shutil.which(shell) is None:
        pytest.skip(f"needs tmux and {shell}")
    term = _shell_in_tmux(shell, history, tmp_path, "hangup")
    try:
        term.wait_for("READY>")
        term.keys("git")
        term.keys("C-r")
        term.wait_for("commands · Ctrl-R scope")
        pickers = _pickers_of(history)
        assert pickers
    finally:
        term.close()  # the window closes with the picker open
    for pid in pickers:  # waits on the process itself: tail returns when it exits
        subprocess.run(["tail", f"--pid={pid}", "-f", "/dev/null"], timeout=20, check=True)

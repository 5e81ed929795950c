"""Driving real interactive shells on a pseudo-terminal, and waiting for the recorder."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

MARKER = b"READY> "


def need(shell: str) -> str:
    path = shutil.which(shell)
    if path is None:
        pytest.skip(f"{shell} is not installed (make ci-deps installs it)")
    return path


def _controlling_tty() -> None:  # in the child, after setsid: the pty becomes its terminal
    import fcntl
    import termios

    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """An interactive shell on a pty; ``run(line)`` types a line and waits for the prompt."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, timeout: float = 30.0) -> None:
        self.timeout = timeout
        master, slave = pty.openpty()
        self.master = master
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                                     start_new_session=True, close_fds=True, preexec_fn=_controlling_tty)
        os.close(slave)
        self.buffer = b""
        self.transcript = b""
        self.read_prompt()

    def read_prompt(self) -> bytes:
        deadline = time.monotonic() + self.timeout
        while MARKER not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no prompt; last output: {self.buffer[-400:]!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError as exc:
                raise EOFError(f"shell exited: {self.buffer[-400:]!r}") from exc
            self.buffer += chunk
            self.transcript += chunk
        cut = self.buffer.index(MARKER) + len(MARKER)
        out, self.buffer = self.buffer[:cut], self.buffer[cut:]
        return out

    def run(self, line: str) -> bytes:
        os.write(self.master, line.encode() + b"\n")
        return self.read_prompt()

    def close(self) -> None:
        try:
            os.write(self.master, b"exit\n")
            self.proc.wait(self.timeout)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self.master)


def spool_records(home: Path) -> list[dict]:
    path = home / "spool" / "events.jsonl"
    if not path.exists():
        return []
    # complete lines only: a recorder may be writing the last one right now
    return [json.loads(line) for line in path.read_bytes().split(b"\n")[:-1] if line.strip()]


def recorders_running(home: Path) -> list[int]:
    """Processes other than this one whose environment has RECALL_HOME=home: once the shell
    has exited, those are recorders (or the subshells about to exec them) still at work."""
    found = []
    wanted = f"RECALL_HOME={home}".encode()
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            if wanted in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    """Poll until predicate() is truthy (returns it) or fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def wait_for_spool(home: Path, texts: set[str], timeout: float = 30.0) -> list[dict]:
    """Wait until the spool holds records with all these texts and no recorder still runs."""
    def done():
        records = spool_records(home)
        have = {r["text"] for r in records}
        return records if texts <= have and not recorders_running(home) else None

    return wait_for(done, timeout, f"spool records {sorted(texts)}")


def python() -> str:
    return sys.executable

"""Long jobs on a terminal show how fast they go and how long is left."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _on_a_terminal(argv: list[str], env: dict[str, str], timeout: float = 300.0) -> str:
    """Everything the command wrote to its terminal (stdout and stderr), once it exits."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                piece = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not piece:
                break
            out += piece
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(master)
    assert proc.returncode == 0, out[-500:]
    return out.decode("utf-8", "replace")


def test_a_long_import_on_a_terminal_shows_events_per_second_and_time_left(recall_home, tmp_path: Path):
    notes = tmp_path / "notes.md"
    notes.write_text("\n\n".join(f"# Note {i}\n\nErrand {i}: buy {i % 7} apples and call the plumber "
                                 f"about the kitchen tap before Friday." for i in range(600)) + "\n")
    env = {**os.environ, "RECALL_HOME": str(recall_home), "COLUMNS": "120", "TERM": "xterm"}
    screen = _on_a_terminal([sys.executable, "-m", "recall_cli", "import", str(notes)], env)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    assert re.search(r"\d+/600 +[\d,]+/s +\d+:\d\d:\d\d", plain), plain[-600:]
    assert "Imported 600 events" in plain

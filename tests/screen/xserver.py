"""Helpers for the screen tests: a real Xvfb server, real client windows, a fake clock."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
XWIN = HERE / "xwin.py"
OCR_PLUGIN = HERE.parents[1] / "plugins" / "recall-ocr"


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """An Xvfb on a free display (it picks the number itself and writes it to -displayfd once
    it accepts connections); skips when Xvfb is not installed."""
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed (apt-get install xvfb): the X11 screen tests need a real X server")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    data = b""
    deadline = time.monotonic() + 30
    try:
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([read_fd], [], [], max(0.0, left))
            if not ready:
                proc.kill()
                pytest.fail("Xvfb did not report its display within 30 s")
            chunk = os.read(read_fd, 64)
            if not chunk:
                pytest.fail(f"Xvfb exited before reporting a display (exit {proc.wait()})")
            data += chunk
    finally:
        os.close(read_fd)
    display = f":{int(data.strip())}"
    if shutil.which("xdpyinfo"):  # the server answers a real client
        subprocess.run(["xdpyinfo", "-display", display], check=True, capture_output=True, timeout=30)
    return proc, display


def stop_xvfb(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


class Win:
    """One client window in its own process (see xwin.py)."""

    def __init__(self, display: str, instance: str, klass: str, title: str, tk_text: str | None = None) -> None:
        args = [sys.executable, str(XWIN), instance, klass, title]
        if tk_text is not None:
            args += ["--tk", tk_text]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=dict(os.environ, DISPLAY=display))
        line = self.proc.stdout.readline().strip()
        if not line.startswith("0x"):
            self.proc.kill()
            raise RuntimeError(f"the test window did not start (exit {self.proc.wait()})")
        self.id = line
        self.display = display
        self.pid = self.proc.pid
        self.tk = tk_text is not None

    def _command(self, line: str) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def retitle(self, title: str) -> None:
        assert self._command(f"title {title}") == "ok"

    def child(self) -> str:
        return self._command("child")

    def focus(self, window: str | None = None) -> None:
        subprocess.run(["xdotool", "windowfocus", "--sync", window or self.id], check=True, timeout=30,
                       env=dict(os.environ, DISPLAY=self.display), capture_output=True)

    def close(self) -> None:
        if self.proc.poll() is None:
            if self.tk:
                self.proc.kill()
            else:
                try:
                    self._command("quit")
                except (BrokenPipeError, OSError):
                    pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


class ListSink:
    def __init__(self) -> None:
        self.records: list[dict] = []

    def __call__(self, records: list[dict]) -> None:
        self.records.extend(records)

    def kinds(self, kind: str = "focus") -> list[dict]:
        return [r for r in self.records if r["kind"] == kind]

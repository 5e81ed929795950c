"""Fixtures for the screen tests: a real Xvfb server, real client windows, a fake clock."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.screen.xserver import Clock, ListSink, Win, start_xvfb, stop_xvfb


@pytest.fixture(scope="session")
def xvfb_display():
    proc, display = start_xvfb()
    yield display
    stop_xvfb(proc)


@pytest.fixture
def display(xvfb_display: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """DISPLAY set to the session's Xvfb; nothing focused and no _NET_ACTIVE_WINDOW at the start."""
    monkeypatch.setenv("DISPLAY", xvfb_display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    if shutil.which("xprop"):
        subprocess.run(["xprop", "-root", "-remove", "_NET_ACTIVE_WINDOW"], capture_output=True, timeout=30)
    return xvfb_display


@pytest.fixture
def windows(display: str):
    """open_window(instance, klass, title) -> Win; every window is closed after the test."""
    if not shutil.which("xdotool"):
        pytest.skip("xdotool is not installed (apt-get install xdotool): needed to switch focus")
    opened: list[Win] = []

    def open_window(instance: str, klass: str, title: str, tk_text: str | None = None) -> Win:
        win = Win(display, instance, klass, title, tk_text)
        opened.append(win)
        return win

    yield open_window
    for win in opened:
        win.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sink() -> ListSink:
    return ListSink()

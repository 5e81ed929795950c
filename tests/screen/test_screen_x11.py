"""The X11 source and the watcher under a real Xvfb with real client windows."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from recall_cli.capture import spool
from recall_cli.capture.screen import ScreenSourceError, ScreenWatcher, detect_source, screen_watcher_from_config
from recall_cli.capture.screen_x11 import X11Source
from recall_cli.config import load_config
from tests.screen.xserver import Win, start_xvfb, stop_xvfb

FAKE_TOKEN = "ghp_" + "FAKEfakeFAKEfakeFAKEfakeFAKEfake1234"


@pytest.fixture
def source(display):
    src = detect_source()
    assert isinstance(src, X11Source)
    yield src
    src.close()


def watcher_for(source, recall_home, clock, sink, **kwargs) -> ScreenWatcher:
    kwargs.setdefault("min_seconds", 5)
    return ScreenWatcher(source, home=recall_home, sink=sink, clock=clock, **kwargs)


def test_source_reads_class_title_and_pid_of_the_focused_window(windows, source):
    editor = windows("editor", "Gedit", "notes.txt — ünïcode ✓")
    other = windows("term", "XTerm", "bash")
    editor.focus()
    window = source.current()
    assert window is not None
    assert (window.app, window.instance, window.title) == ("Gedit", "editor", "notes.txt — ünïcode ✓")
    assert window.window == editor.id
    assert window.pid == editor.pid
    assert window.process  # /proc/<pid>/comm of the client
    assert window.platform == "x11"
    other.focus()
    assert source.current().app == "XTerm"


def test_focus_on_a_subwindow_is_the_application_window(windows, source):
    app = windows("viewer", "Viewer", "photo.png")
    child = app.child()
    app.focus(child)
    window = source.current()
    assert (window.app, window.window) == ("Viewer", app.id)


def test_net_active_window_is_preferred_when_a_window_manager_sets_it(windows, source):
    if not shutil.which("xprop"):
        pytest.skip("xprop is not installed (apt-get install x11-utils)")
    first = windows("one", "One", "first")
    second = windows("two", "Two", "second")
    first.focus()

    def set_active(value: str) -> None:
        subprocess.run(["xprop", "-root", "-f", "_NET_ACTIVE_WINDOW", "32x", "-set", "_NET_ACTIVE_WINDOW", value],
                       check=True, timeout=30, capture_output=True)

    set_active(second.id)
    assert source.current().app == "Two"  # the window manager's answer wins over the input focus
    assert "sets _NET_ACTIVE_WINDOW" in source.describe()
    set_active("0")
    assert source.current() is None  # the window manager says nothing is active
    subprocess.run(["xprop", "-root", "-remove", "_NET_ACTIVE_WINDOW"], check=True, timeout=30)
    assert source.current().app == "One"


def test_spans_are_recorded_with_app_title_start_and_duration(windows, source, recall_home, clock, sink):
    editor = windows("editor", "Gedit", "notes.txt")
    term = windows("term", "XTerm", "make test")
    watcher = watcher_for(source, recall_home, clock, sink)
    start = clock.now
    editor.focus()
    assert watcher.poll_once() == []
    clock.advance(10)
    assert watcher.poll_once() == []
    term.focus()
    clock.advance(2)
    watcher.poll_once()  # the change is seen here: the editor's span ends now
    clock.advance(18)
    editor.focus()
    watcher.poll_once()
    clock.advance(7)
    flushed = watcher.stop()  # stop() records the span in progress
    spans = sink.kinds("focus")
    assert [(r["actor"], r["text"], r["ts_start"] - start, r["ts_end"] - start) for r in spans] == [
        ("Gedit", "Gedit: notes.txt", 0, 12),
        ("XTerm", "XTerm: make test", 12, 30),
        ("Gedit", "Gedit: notes.txt", 30, 37),
    ]
    assert flushed == spans[-1:]
    meta = spans[1]["meta"]
    assert meta["app"] == "XTerm" and meta["title"] == "make test" and meta["duration_s"] == 18
    assert meta["window"] == term.id and meta["instance"] == "term" and meta["pid"] == term.pid
    assert spans[1]["source"] == "screen" and spans[1]["kind"] == "focus"
    assert len({r["meta"]["span"] for r in spans}) == 3


def test_a_new_title_in_the_same_window_is_a_new_span(windows, source, recall_home, clock, sink):
    browser = windows("navigator", "Firefox", "Issue 12 - tracker")
    watcher = watcher_for(source, recall_home, clock, sink)
    browser.focus()
    watcher.poll_once()
    clock.advance(20)
    browser.retitle("Pull request 40 - tracker")
    watcher.poll_once()
    clock.advance(30)
    watcher.flush()
    assert [(r["meta"]["title"], r["meta"]["duration_s"]) for r in sink.records] == [
        ("Issue 12 - tracker", 20), ("Pull request 40 - tracker", 30)]


def test_password_managers_and_private_windows_leave_no_trace(windows, source, recall_home, clock):
    editor = windows("editor", "Gedit", "todo.txt")
    vault = windows("keepassxc", "KeePassXC", "Passwords.kdbx - KeePassXC")
    private = windows("navigator", "Firefox", "Bank login — Mozilla Firefox Private Browsing")
    incognito = windows("chromium", "Chromium", "New Tab - Chromium (Incognito)")
    watcher = ScreenWatcher(source, home=recall_home, clock=clock, min_seconds=5)  # the real spool
    for window in (vault, editor, private, incognito, editor):
        window.focus()
        watcher.poll_once()
        clock.advance(60)
    watcher.stop()
    raw = spool.spool_path(recall_home).read_text(encoding="utf-8")
    records = [json.loads(line) for line in raw.splitlines()]
    assert [r["text"] for r in records] == ["Gedit: todo.txt", "Gedit: todo.txt"]
    for secret in ("KeePassXC", "keepassxc", "Passwords.kdbx", "Private Browsing", "Bank login", "Incognito",
                   "Chromium", "Firefox"):
        assert secret not in raw
    assert watcher.stats.excluded == 3


def test_a_token_in_a_title_is_redacted_before_the_spool(windows, source, recall_home, clock):
    term = windows("term", "XTerm", f"git push https://{FAKE_TOKEN}@github.com/me/repo")
    watcher = ScreenWatcher(source, home=recall_home, clock=clock, min_seconds=5)
    term.focus()
    watcher.poll_once()
    clock.advance(9)
    watcher.stop()
    raw = spool.spool_path(recall_home).read_text(encoding="utf-8")
    assert FAKE_TOKEN not in raw
    record = json.loads(raw)
    assert "[REDACTED:github-token]" in record["text"]
    assert record["meta"]["title"].startswith("git push https://[REDACTED:github-token]@github.com")
    assert record["meta"]["redacted"] == ["github-token"]


def test_spans_shorter_than_min_seconds_are_not_recorded(windows, source, recall_home, clock, sink):
    first = windows("one", "One", "quick look")
    second = windows("two", "Two", "real work")
    watcher = watcher_for(source, recall_home, clock, sink, min_seconds=5)
    first.focus()
    watcher.poll_once()
    clock.advance(4.9)
    second.focus()
    watcher.poll_once()
    clock.advance(5)
    watcher.stop()
    assert [r["actor"] for r in sink.records] == ["Two"]
    assert watcher.stats.short == 1


def test_a_window_closing_under_the_watcher_ends_its_span(windows, source, recall_home, clock, sink):
    doomed = windows("dialog", "Dialog", "Save changes?")
    watcher = watcher_for(source, recall_home, clock, sink)
    doomed.focus()
    watcher.poll_once()
    clock.advance(6)
    doomed.close()  # focus reverts to nothing: no window, no error, the process lives on
    watcher.poll_once()
    assert [(r["actor"], r["meta"]["duration_s"]) for r in sink.records] == [("Dialog", 6)]
    assert source.current() is None


def test_the_watcher_thread_polls_until_stop_and_flushes(windows, source, recall_home, clock, sink):
    import threading

    editor = windows("editor", "Gedit", "draft.md")
    editor.focus()
    polled = threading.Event()

    class Seen:
        def current(self):
            window = source.current()
            polled.set()
            return window

        def describe(self):
            return source.describe()

        def close(self):
            source.close()

    watcher = ScreenWatcher(Seen(), home=recall_home, sink=sink, clock=clock, min_seconds=5, poll_seconds=3600)
    watcher.start()
    assert polled.wait(30)
    assert watcher.running
    clock.advance(42)
    watcher.stop()
    assert not watcher.running
    assert [(r["text"], r["meta"]["duration_s"]) for r in sink.records] == [("Gedit: draft.md", 42)]


def test_the_x_server_going_away_does_not_kill_the_process(recall_home, clock, sink):
    if not shutil.which("xdotool"):
        pytest.skip("xdotool is not installed (apt-get install xdotool)")
    proc, display = start_xvfb()  # a server of its own: this test ends it
    try:
        win = Win(display, "term", "XTerm", "htop")
        win.focus()
        src = X11Source(display)
        watcher = ScreenWatcher(src, home=recall_home, sink=sink, clock=clock, min_seconds=1)
        watcher.poll_once()
        clock.advance(3)
        watcher.poll_once()
    finally:
        stop_xvfb(proc)
    win.proc.kill()
    win.proc.wait(10)
    clock.advance(5)
    watcher.poll_once()  # Xlib would have called exit() here
    assert "lost the connection to X display" in watcher.stats.last_error
    # the span ends at the last poll that saw it, not when the loss was noticed
    assert [(r["actor"], r["meta"]["duration_s"]) for r in sink.records] == [("XTerm", 3)]
    clock.advance(5)
    assert watcher.poll_once() == []
    assert "cannot open X display" in watcher.stats.last_error


def test_the_daemon_gets_a_watcher_only_when_screen_capture_is_enabled(display, svc, monkeypatch):
    assert screen_watcher_from_config(svc) is None
    monkeypatch.setenv("RECALL_SCREEN_ENABLED", "true")
    monkeypatch.setenv("RECALL_SCREEN_MIN_SECONDS", "1")
    svc.config = load_config(svc.config.home)
    watcher = screen_watcher_from_config(svc)
    assert isinstance(watcher.source, X11Source) and watcher.min_seconds == 1.0
    watcher.source.close()
    monkeypatch.delenv("DISPLAY")
    with pytest.raises(ScreenSourceError, match="no X display"):
        screen_watcher_from_config(svc)

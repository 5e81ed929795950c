"""`recall screen watch` and `recall screen status` through the CLI."""

from __future__ import annotations

import json

import pytest

from recall_cli.capture import spool
from recall_cli.capture.screen import ScreenWatcher
from recall_cli.config import load_config
from recall_cli.service import Recall


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setenv("RECALL_SCREEN_POLL_SECONDS", "0.2")
    monkeypatch.setenv("RECALL_SCREEN_MIN_SECONDS", "0.5")


def stored(recall_home, embedder) -> list:
    service = Recall(load_config(recall_home), embedder=embedder)
    try:
        return service.store.recent_events(limit=50, sources=["screen"])
    finally:
        service.close()


def test_watch_once_records_the_active_window_and_ingests_it(cli, windows, fast, recall_home, embedder):
    term = windows("term", "XTerm", "make deploy — ~/src/recall")
    term.focus()
    code, out, err = cli("screen", "watch", "--once", "--seconds", "1")
    assert (code, err) == (0, "")
    assert "XTerm: make deploy — ~/src/recall" in out
    assert out.splitlines()[-1] == "Recorded 1 focus span; ingested 1 event."
    events = stored(recall_home, embedder)
    assert [(e.source, e.kind, e.actor, e.text) for e in events] == [
        ("screen", "focus", "XTerm", "XTerm: make deploy — ~/src/recall")]
    assert 0.9 <= events[0].ts_end - events[0].ts_start <= 5
    assert events[0].meta["title"] == "make deploy — ~/src/recall"


def test_watch_once_with_an_excluded_window_records_nothing(cli, windows, fast, recall_home, embedder):
    windows("bitwarden", "Bitwarden", "My vault").focus()
    code, out, _err = cli("screen", "watch", "--once", "--seconds", "1", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["records"] == [] and report["stats"]["excluded"] == 1
    assert "Bitwarden" not in out and "vault" not in out
    assert stored(recall_home, embedder) == []


def test_watch_once_no_ingest_leaves_the_record_in_the_spool(cli, windows, fast, recall_home):
    windows("editor", "Gedit", "plan.md").focus()
    code, out, _err = cli("screen", "watch", "--once", "--seconds", "1", "--no-ingest")
    assert code == 0 and out.splitlines()[-1] == "Recorded 1 focus span; 1 record left in the spool."
    record = json.loads(spool.spool_path(recall_home).read_text())
    assert record["source"] == "screen" and record["text"] == "Gedit: plan.md"


def test_status_shows_the_source_the_active_window_and_the_exclusions(cli, windows):
    windows("editor", "Gedit", "plan.md").focus()
    code, out, _err = cli("screen", "status")
    assert code == 0
    assert "Source: X11 display :" in out
    assert "Active window: Gedit: plan.md" in out
    assert "Excluded applications: keepassxc, keepass, 1password" in out
    assert "Screen capture in the daemon: off" in out and "OCR: off" in out
    windows("keepassxc", "KeePassXC", "Passwords.kdbx").focus()
    data = json.loads(cli("screen", "status", "--json")[1])
    assert data["active"] == {"excluded": "app 'keepassxc'"}
    assert data["source"].startswith("X11 display") and data["error"] is None


def test_without_a_display_the_error_is_one_line(cli, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, out, err = cli("screen", "watch", "--once")
    assert (code, out, err) == (1, "", "Error: no X display: set DISPLAY or run under X11\n")
    code, out, _err = cli("screen", "status")
    assert code == 0 and "Source: none: no X display: set DISPLAY or run under X11" in out


def test_status_says_when_nothing_records_though_capture_is_enabled(cli, monkeypatch, recall_home):
    from recall_cli.config import load_config
    from recall_cli.serve.jobs import install_jobs
    from recall_cli.service import Recall
    from tests.fakes import FakeEmbedder
    from tests.serving import serving

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("RECALL_SCREEN_ENABLED", "1")
    out = cli("screen", "status")[1]
    assert ("Screen capture in the daemon: enabled, but nothing records: no daemon runs "
            "(start it with `recall serve --detach`)") in out
    config = load_config(recall_home)
    with serving(config, lambda: Recall(config, embedder=FakeEmbedder())) as served:
        install_jobs(served.server)  # starts the screen watcher, which finds no display
        out = cli("screen", "status")[1]
        data = json.loads(cli("screen", "status", "--json")[1])
    assert ("Screen capture in the daemon: enabled, but nothing records: the daemon's screen watcher "
            "is not running (no X display: set DISPLAY or run under X11)") in out
    assert data["enabled"] is True and data["recording"].startswith("the daemon's screen watcher")
    code, out, _err = cli("doctor")  # doctor says it too, where it said all was well
    assert code != 0 and "screen.enabled is set, but nothing records: no daemon runs" in out


def test_seconds_needs_once(cli):
    code, _out, err = cli("screen", "watch", "--seconds", "3")
    assert code == 2 and "--seconds goes with --once" in err


def test_a_second_watcher_on_the_same_home_is_refused(cli, display, recall_home):
    class Nothing:
        name = "none"

        def current(self):
            return None

        def describe(self):
            return "none"

        def close(self):
            pass

    holder = ScreenWatcher(Nothing(), home=recall_home)
    holder.acquire()
    try:
        code, _out, err = cli("screen", "watch", "--once", "--seconds", "1")
    finally:
        holder.release()
    assert code == 1 and "another screen watcher is running" in err


def test_watch_in_the_foreground_keeps_the_last_span_on_sigterm(windows, recall_home, embedder):
    import os
    import signal
    import subprocess
    import sys

    windows("editor", "Gedit", "plan.md").focus()
    env = dict(os.environ, RECALL_SCREEN_POLL_SECONDS="0.1", RECALL_SCREEN_MIN_SECONDS="0",
               RECALL_EMBED_MODEL="", HF_HUB_OFFLINE="1")
    proc = subprocess.Popen([sys.executable, "-m", "recall_cli", "screen", "watch", "--no-ingest"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        started = proc.stderr.readline()  # printed after the first look at the screen
        assert "now: Gedit: plan.md (Ctrl-C to stop)." in started
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Gedit: plan.md" in out and err.strip() == "Stopped."
    record = json.loads(spool.spool_path(recall_home).read_text())
    assert record["text"] == "Gedit: plan.md" and record["source"] == "screen"

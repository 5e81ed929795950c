import json
import os
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from recall_cli.config import load_config
from recall_cli.errors import UsageError
from recall_cli.home import lock_file
from recall_cli.serve import daemon as d
from recall_cli.serve.client import remote
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder
from tests.serving import serving

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def running(recall_home):
    """A daemon serving in a thread with the fake embedder."""
    config = load_config(recall_home)
    with serving(config, lambda: Recall(config, embedder=FakeEmbedder())) as served:
        yield served.server, served.client


def test_search_and_add_through_the_daemon_match_in_process(running, recall_home):
    server, client = running
    for i, text in enumerate(["the blue pot hides the key", "dentist on Thursday", "bike gears need work"]):
        client.add(text, ts=1_700_000_000 + i)
    remote_result = client.search("where is the key", limit=3)
    local = Recall(load_config(recall_home), embedder=FakeEmbedder())
    local_result = local.search("where is the key", limit=3)
    assert [(h.id, h.text, round(h.score, 6)) for h in remote_result.hits] == [
        (h.id, h.text, round(h.score, 6)) for h in local_result.hits]


def test_errors_cross_the_socket_as_the_same_error_types(running):
    _server, client = running
    with pytest.raises(UsageError, match="empty query"):
        client.search("  ")
    with pytest.raises(UsageError, match="unknown daemon operation"):
        client.call("explode")
    with pytest.raises(UsageError, match="nothing to add"):
        client.add("   ")


def test_the_socket_is_private(running, recall_home):
    mode = os.stat(d.socket_path(load_config(recall_home))).st_mode & 0o777
    assert mode == 0o600


def test_cli_falls_back_to_in_process_when_no_daemon_answers(recall_home):
    config = load_config(recall_home)
    recall_home.mkdir(parents=True, exist_ok=True)
    d.socket_path(config).write_text("")  # a stale socket file, nothing listening
    assert remote(config) is None


def test_stale_pid_file_and_socket_are_cleaned(recall_home):
    config = load_config(recall_home)
    recall_home.mkdir(parents=True, exist_ok=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    d.pid_path(config).write_text(str(dead.pid))
    d.socket_path(config).write_text("")
    assert d.status(config) == {"running": False, "answering": False, "pid": None,
                                "socket": str(d.socket_path(config)), "stale_pid_file": True, "served_by": None}
    removed = d.clean_stale(config)
    assert len(removed) == 2
    assert not d.pid_path(config).exists() and not d.socket_path(config).exists()


def test_stop_never_signals_a_process_that_is_not_this_homes_daemon(recall_home, tmp_path):
    config = load_config(recall_home)
    recall_home.mkdir(parents=True, exist_ok=True)
    other = subprocess.Popen(["sleep", "60"])  # a reused pid: some other program of the user's
    try:
        d.pid_path(config).write_text(str(other.pid))
        assert d.status(config)["stale_pid_file"] is True
        assert d.stop(config) is False and other.poll() is None  # still running, the pid file gone
        assert not d.pid_path(config).exists()
        # a home copied with the pid file of the daemon serving the original
        copy = load_config(tmp_path / "copy")
        copy.home.mkdir(parents=True)
        d.pid_path(copy).write_text(f"{other.pid}\n{tmp_path / 'original-home'}\n")
        assert d.status(copy)["running"] is False and d.stop(copy) is False and other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_a_socket_path_that_is_too_long_is_a_clear_error(recall_home, monkeypatch):
    monkeypatch.setenv("RECALL_SERVE_SOCKET", "/tmp/" + "x" * 120 + ".sock")
    with pytest.raises(UsageError, match="socket path is 130 bytes, over the limit of 107"):
        d.run(load_config(recall_home), lambda: None)


def test_unit_file_runs_the_daemon_for_this_home(recall_home):
    unit = d.unit_file(load_config(recall_home))
    assert f"ExecStart={sys.executable} -m recall_cli serve" in unit
    assert f"Environment=RECALL_HOME={recall_home}" in unit


@pytest.mark.slow
def test_real_daemon_start_status_identical_output_and_sigterm(recall_home):
    env = {**os.environ, "RECALL_HOME": str(recall_home)}

    def recall(*args, **kw):
        return subprocess.run([sys.executable, "-m", "recall_cli", *args], capture_output=True, text=True,
                              env={**env, **kw}, cwd=ROOT, timeout=300)

    assert recall("import", "examples/sample-week.jsonl").returncode == 0
    without = recall("search", "water the plants while Sam is away", "--json")
    started = recall("serve", "--detach")
    assert started.returncode == 0, started.stderr
    try:
        assert recall("serve", "--status").stdout.startswith("recall serve is running (pid ")
        assert recall("serve", "status").stdout.startswith("recall serve is running (pid ")
        again = recall("serve", "start")  # the words work as the flags do
        assert again.returncode == 0 and again.stdout.startswith("recall serve is already running (pid ")
        with_daemon = recall("search", "water the plants while Sam is away", "--json")
        strip = lambda out: [(r["id"], r["score"]) for r in json.loads(out)["results"]]  # noqa: E731
        assert strip(with_daemon.stdout) == strip(without.stdout)
        added = recall("add", "added through the daemon")
        assert added.stdout.startswith("Remembered as event 16.")
    finally:
        pid = d.read_pid(load_config(recall_home))
        os.kill(pid, signal.SIGTERM)
        for _ in range(400):
            if not d._alive(pid):
                break
            threading.Event().wait(0.05)
    assert not d.socket_path(load_config(recall_home)).exists()
    assert recall("serve", "--status").returncode == 1
    log = (recall_home / "logs" / "daemon.log").read_text()
    assert "signal 15: shutting down" in log and "stopped" in log


def test_status_and_stop_work_with_a_config_toml_broken_by_hand(cli, recall_home):
    recall_home.mkdir(parents=True, exist_ok=True)
    (recall_home / "config.toml").write_text("[search\nlimit = 5\n")
    code, out, err = cli("serve", "status")
    assert (code, out) == (1, "recall serve is not running\n")
    assert err.startswith("warning: ") and "is not valid TOML" in err
    assert cli("serve", "stop")[:2] == (0, "recall serve was not running.\n")
    assert cli("serve", "--detach")[0] != 0  # starting still needs a config it can read


def test_a_setting_changed_while_the_daemon_runs_says_it_needs_a_restart(cli, monkeypatch):
    monkeypatch.setattr(d, "status", lambda config: {"running": True, "answering": True, "pid": 4242})
    code, out, err = cli("config", "set", "sync.interval_minutes", "2")
    assert code == 0 and err.startswith("note: recall serve is running and reads settings when it starts")
    assert cli("config", "set", "tui.keymap", "app-help=f2")[2] == ""  # the TUI reads it, not the daemon
    assert "until then" not in err  # the daemon's own job: commands are not affected meanwhile
    note = cli("models", "use", "bundled")[2]
    assert note.startswith("note: recall serve is running and reads settings")
    assert note.endswith("; until then commands work in-process, slower\n")  # (their answers would differ)
    monkeypatch.setattr(d, "status", lambda config: {"running": False, "answering": False, "pid": None})
    assert cli("config", "set", "sync.interval_minutes", "3")[2] == ""


def test_serve_names_an_unknown_action(cli):
    assert cli("serve", "restart") == (2, "", "Error: unknown serve action 'restart' (use start, stop or status)\n")
    assert cli("serve", "stop") == (0, "recall serve was not running.\n", "")
    # two actions at once, or --json where nothing is printed as JSON: said, not half done
    assert cli("serve", "--detach", "--stop") == (2, "", "Error: --detach and --stop exclude each other: give one\n")
    assert cli("serve", "stop", "--status")[0] == 2
    assert cli("serve", "stop", "--json") == (2, "", "Error: --json goes with status (recall serve status --json)\n")


def test_fast_path_accepts_exactly_the_search_options():
    from recall_cli.cli.fast import SEARCH_OPTIONS
    from recall_cli.cli.manpage import click_root

    search = click_root().commands["search"]
    typer_options = {p.opts[0]: tuple(p.opts[1:]) for p in search.params if p.param_type_name == "option"}
    assert typer_options == SEARCH_OPTIONS


def _spy_on_the_fast_path(monkeypatch):
    from recall_cli.cli import fast

    calls = []
    real = fast.call
    monkeypatch.setattr(fast, "call", lambda path, request: calls.append(request) or real(path, request))
    return calls


def _in_process(monkeypatch, recall_home, *args):
    from recall_cli.cli import common
    from tests.conftest import run_cli

    monkeypatch.setenv("RECALL_NO_DAEMON", "1")
    common.set_service_factory(lambda: Recall(load_config(recall_home), embedder=FakeEmbedder()))
    try:
        return run_cli(*args)
    finally:
        monkeypatch.delenv("RECALL_NO_DAEMON")


def test_search_prints_the_same_through_the_fast_path_and_in_process(running, recall_home, monkeypatch):
    from tests.conftest import run_cli

    _server, client = running
    client.add("the blue pot hides the key", ts=1_700_000_000)
    client.add("dentist on Thursday", ts=1_700_000_100)
    calls = _spy_on_the_fast_path(monkeypatch)
    for args in (("search", "blue pot key yesterday", "--now", "2023-11-15T12:00", "-n", "2"),
                 ("search", "dentist", "--json", "--since=2023-11-01", "--source", "note,chat", "--no-time-phrases")):
        via_daemon = run_cli(*args)
        assert calls and calls[-1]["query"] == args[1], "the fast path did not run"
        in_process = _in_process(monkeypatch, recall_home, *args)
        if "--json" in args:  # the same but for how long each took
            via_daemon, in_process = ((code, json.dumps({**json.loads(out), "timings_ms": None}), err)
                                      for code, out, err in (via_daemon, in_process))
        assert via_daemon == in_process
    assert via_daemon[0] == 0 and json.loads(via_daemon[1])["results"][0]["text"] == "dentist on Thursday"
    first = run_cli("search", "blue pot key yesterday", "--now", "2023-11-15T12:00")
    assert first[1].startswith("Time 'yesterday': 2023-11-14 00:00 .. 2023-11-14 23:59 (ranks, does not filter)\n")


def test_search_errors_are_the_same_through_the_fast_path(running, recall_home, monkeypatch):
    from tests.conftest import run_cli

    calls = _spy_on_the_fast_path(monkeypatch)
    for args in (("search", "key", "--limit", "0"), ("search", "key", "--since", "the day after never")):
        via_daemon = run_cli(*args)
        assert calls, "the fast path did not run"
        assert via_daemon[0] == 2 and via_daemon[2].startswith("Error: ")
        assert via_daemon == _in_process(monkeypatch, recall_home, *args)


def test_the_fast_path_leaves_what_it_does_not_know_to_the_full_cli():
    from recall_cli.cli.fast import parse

    assert parse(["blue", "pot", "-n", "3", "-s", "a,b", "--source=c", "--json"]) == {
        "query": "blue pot", "limit": 3, "source": ["a", "b", "c"], "json": True}
    for args in (["--help"], ["key", "-n"], ["key", "-n5"], ["key", "-n=5"], ["key", "--limit", "x"],
                 ["key", "--colour"], ["-5"], ["--json"], ["key", "--", "-n"]):
        assert parse(args) is None, args


def test_a_daemon_in_another_time_zone_leaves_rendering_to_the_client(running, recall_home, monkeypatch):
    from recall_cli.cli import fast
    from tests.conftest import run_cli

    _server, client = running
    client.add("the blue pot hides the key", ts=1_700_000_000)
    replies = []
    real = fast.call
    monkeypatch.setattr(fast, "call", lambda path, request: replies.append(
        real(path, {**request, "tz": "Pacific/Auckland"})) or replies[-1])
    via_daemon = run_cli("search", "blue pot")
    assert replies == [{"ok": True, "result": {}}]  # the daemon declined to render
    assert via_daemon == _in_process(monkeypatch, recall_home, "search", "blue pot")
    assert via_daemon[0] == 0 and "the blue pot hides the key" in via_daemon[1]


def test_the_daemon_ingests_the_spool_and_consolidates_when_idle(recall_home, monkeypatch):
    from recall_cli.capture import spool
    from recall_cli.serve.jobs import install_jobs

    monkeypatch.setenv("RECALL_SERVE_CONSOLIDATE_IDLE", "0.001")
    config = load_config(recall_home)
    server = d.Daemon(config, lambda: Recall(config, embedder=FakeEmbedder()))
    install_jobs(server)
    assert {"ingest", "consolidate", "decay"} <= set(server.jobs)
    spool.append(recall_home, [
        {"text": f"make test #{i}", "source": "shell", "kind": "command", "ts_start": 1_700_000_000 + i * 60,
         "session": "tty1", "meta": {"cwd": "/src/app", "exit_code": 0}} for i in range(3)
    ])
    server.last_request = 0.0
    for name in ("ingest", "consolidate", "decay"):
        server.jobs[name]()
    assert server.service.store.count_events() == 3
    kinds = {v.memory.kind for v in server.service.memories.list(include_all=True)}
    assert "episodic" in kinds
    server.service.close()


def test_idle_consolidation_gives_way_to_a_request_after_the_episode_it_is_on(recall_home, monkeypatch):
    # with a model an episode takes seconds and a batch minutes: a search must not wait them out
    import time

    from recall_cli.serve.jobs import install_jobs

    monkeypatch.setenv("RECALL_SERVE_CONSOLIDATE_IDLE", "0.001")
    config = load_config(recall_home)
    server = d.Daemon(config, lambda: Recall(config, embedder=FakeEmbedder()))
    install_jobs(server)
    assert "consolidate" in server.unlocked_jobs  # it takes the lock an episode at a time
    for day in range(3):  # three episodes, days apart
        server.service.add(f"note {day} about the allotment", ts=1_700_000_000 + day * 5 * 86400)
    server.last_request = 0.0
    real, held = server.service.consolidate, []

    def one_then_a_request(**kwargs):
        held.append(server.lock._is_owned())  # (an RLock's own check: this thread holds it)
        report = real(**kwargs)
        server.last_request = time.monotonic() + 1  # someone searched meanwhile
        return report

    monkeypatch.setattr(server.service, "consolidate", one_then_a_request)
    server.jobs["consolidate"]()
    assert held == [True]  # one episode, under the lock, then it gave way
    assert len(server.service.store.pending_episodes(3)) == 2  # the rest wait for the next quiet moment
    server.service.close()


def test_the_daemon_syncs_through_the_configured_folder(tmp_path, monkeypatch):
    from recall_cli.serve.jobs import install_jobs

    folder = tmp_path / "Sync"
    folder.mkdir()
    monkeypatch.setenv("RECALL_SYNC_DIR", str(folder))
    homes = [tmp_path / "laptop", tmp_path / "desktop"]
    servers = []
    notes = ("laptop note: the boiler code is 4411", "desktop note: plant the tulips")
    for home, note in zip(homes, notes, strict=True):
        config = load_config(home)
        svc = Recall(config, embedder=FakeEmbedder())
        svc.add(note)
        server = d.Daemon(config, lambda config=config: Recall(config, embedder=FakeEmbedder()))
        install_jobs(server)
        servers.append(server)
    for server in servers:
        server.jobs["sync"]()
    segments = sorted(p.name for p in folder.rglob("*") if p.is_file())
    servers[1].service.add("desktop note: buy bulbs")
    servers[1].jobs["sync"]()  # within sync.interval_minutes: nothing runs, nothing is written
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == segments
    servers[0].service.close()
    servers[0] = d.Daemon(servers[0].config, lambda: Recall(load_config(homes[0]), embedder=FakeEmbedder()))
    install_jobs(servers[0])  # the laptop's daemon restarts: it syncs on its first round
    servers[0].jobs["sync"]()
    texts = [{e.text for e in s.service.recent(10)} for s in servers]
    assert texts[0] == {"laptop note: the boiler code is 4411", "desktop note: plant the tulips"}
    assert texts[1] == texts[0] | {"desktop note: buy bulbs"}
    for server in servers:
        server.service.close()


def test_a_daemon_sync_that_keeps_failing_is_named_in_its_problems_with_since_when_until_one_works(
        tmp_path, monkeypatch):
    # it runs unattended: a folder gone (a USB stick unplugged) must not leave the devices apart unsaid
    from recall_cli.serve.jobs import install_jobs

    folder = tmp_path / "Sync"
    monkeypatch.setenv("RECALL_SYNC_DIR", str(folder))
    monkeypatch.setenv("RECALL_SYNC_INTERVAL_MINUTES", "0.000000001")  # every round
    config = load_config(tmp_path / "home")
    server = d.Daemon(config, lambda: Recall(config, embedder=FakeEmbedder()))
    install_jobs(server)
    server.service.add("a note that should reach the sync folder")
    for _ in range(2):
        server.jobs["sync"]()
    problem = server.op_status({}, lambda message: None)["problems"]["sync"]
    assert problem.startswith(f"sync through {folder} failing since ") and "(2 attempts): " in problem
    assert problem.endswith(f"sync folder {folder} does not exist (create it, or point sync.dir at your synced "
                            "folder)")
    folder.mkdir()  # plugged in again
    server.jobs["sync"]()
    assert "sync" not in server.op_status({}, lambda message: None)["problems"]
    assert any(folder.rglob("seg-*.jsonl"))
    server.service.close()


@contextmanager
def daemon_of(recall_home):
    """A daemon (not serving) on the home's config as it is now; its watchers stopped and its
    service closed after."""
    config = load_config(recall_home)
    server = d.Daemon(config, lambda: Recall(config, embedder=FakeEmbedder()))
    try:
        yield server
    finally:
        for watcher in server.watchers:
            watcher.stop()
        server.service.close()


def test_a_folder_added_to_watch_while_the_daemon_runs_is_watched_without_a_restart(tmp_path, recall_home):
    from recall_cli.capture import spool
    from recall_cli.capture.watch import FileWatcher
    from recall_cli.serve.jobs import install_jobs

    notes = tmp_path / "notes2"
    notes.mkdir()
    (notes / "garden.md").write_text("Plant the garlic before the frost.\n", encoding="utf-8")
    with daemon_of(recall_home) as server:
        install_jobs(server)
        assert not [w for w in server.watchers if isinstance(w, FileWatcher)]
        load_config(recall_home).set("watch.dirs", str(notes))  # what `recall watch --add` writes
        server.jobs["watch_dirs"]()
        assert [w.dirs for w in server.watchers if isinstance(w, FileWatcher)] == [[str(notes)]]
        assert "Plant the garlic before the frost." in spool.spool_path(recall_home).read_text(encoding="utf-8")
        load_config(recall_home).set("watch.dirs", "")  # `recall watch --remove`
        server.jobs["watch_dirs"]()
        assert not [w for w in server.watchers if isinstance(w, FileWatcher)]


def test_a_missing_watched_folder_leaves_the_others_watched_is_said_and_is_watched_when_back(tmp_path, recall_home):
    from recall_cli.capture.watch import FileWatcher
    from recall_cli.serve.jobs import install_jobs

    notes, usb = tmp_path / "notes", tmp_path / "usb"
    notes.mkdir()
    load_config(recall_home).set("watch.dirs", f"{notes},{usb}")  # the stick is unplugged
    with daemon_of(recall_home) as server:
        install_jobs(server)
        assert [w.dirs for w in server.watchers if isinstance(w, FileWatcher)] == [[str(notes)]]
        assert server.problems["watch"] == f"not watching {usb}: no such folder (watched as soon as it is back)"
        usb.mkdir()  # plugged in again
        server.jobs["watch_dirs"]()
        assert [w.dirs for w in server.watchers if isinstance(w, FileWatcher)] == [[str(notes), str(usb)]]
        assert "watch" not in server.problems


def test_a_file_the_daemons_watcher_skips_is_named_in_its_log(tmp_path, recall_home, caplog):
    from recall_cli.serve.jobs import install_jobs

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "journal.md").write_text("a long day\n" * 200_000)  # over watch.max_file_bytes
    load_config(recall_home).set("watch.dirs", str(notes))
    with daemon_of(recall_home) as server, caplog.at_level("WARNING", logger="recall.daemon"):
        install_jobs(server)  # the first scan
    warned = [r.getMessage() for r in caplog.records if "journal.md" in r.getMessage()]
    assert warned and "over watch.max_file_bytes" in warned[0] and "`recall import` stores it" in warned[0]


def test_a_watcher_that_fails_to_start_is_named_once_not_tried_again_each_tick(tmp_path, recall_home, monkeypatch):
    from recall_cli.capture.watch import FileWatcher
    from recall_cli.serve.jobs import install_jobs

    notes = tmp_path / "notes"
    notes.mkdir()
    load_config(recall_home).set("watch.dirs", str(notes))
    starts = []

    def fail(self):
        starts.append(1)
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(FileWatcher, "start", fail)
    config = load_config(recall_home)
    server = d.Daemon(config, lambda: Recall(config, embedder=FakeEmbedder()))
    install_jobs(server)
    for _ in range(3):
        server.jobs["watch_dirs"]()
    assert len(starts) == 1 and "inotify watch limit reached" in server.problems["watcher"]
    assert "watch" not in server.problems
    server.service.close()


def test_the_sync_job_logs_a_missing_folder_and_keeps_the_daemon_running(tmp_path, monkeypatch, caplog):
    from recall_cli.serve.jobs import install_jobs

    monkeypatch.setenv("RECALL_SYNC_DIR", str(tmp_path / "gone"))
    config = load_config(tmp_path / "home")
    server = d.Daemon(config, lambda: Recall(config, embedder=FakeEmbedder()))
    install_jobs(server)
    with caplog.at_level("WARNING", logger="recall.daemon"):
        server.jobs["sync"]()
    assert any("sync:" in r.getMessage() and "gone" in r.getMessage() for r in caplog.records)
    server.service.close()


def test_a_second_daemon_starting_at_the_same_moment_leaves_the_first_ones_files_alone(recall_home):
    # the first holds the home's serve lock but has not written its pid file or socket yet
    config = load_config(recall_home)
    recall_home.mkdir(parents=True, exist_ok=True)
    lock = lock_file(config.home / "serve.lock", wait=False)
    assert lock is not None
    socket = d.socket_path(config)
    socket.write_text("")  # stands for the first one's socket, about to be bound
    try:
        second = subprocess.run([sys.executable, "-m", "recall_cli", "serve"], capture_output=True, text=True,
                                env={**os.environ, "RECALL_HOME": str(recall_home)}, cwd=ROOT, timeout=60)
        assert second.returncode == 2 and "already running" in second.stderr
        assert socket.exists()  # not removed from under the first
        assert lock_file(config.home / "serve.lock", wait=False) is None  # still the first one's
    finally:
        os.close(lock)
    relock = lock_file(config.home / "serve.lock", wait=False)
    assert relock is not None  # free once the first is gone
    os.close(relock)

"""A daemon answers only for its own home and its own settings: a command of another home
that shares its socket (RECALL_SERVE_SOCKET exported for both), or one run with a one-off
RECALL_* override, works in-process instead; and several `recall serve --detach` at once
start one daemon and all say it runs."""

from __future__ import annotations

import json
import os
import sys
import threading

import pytest

from recall_cli.cli import common, fast
from recall_cli.config import load_config
from recall_cli.errors import UsageError
from recall_cli.home import lock_file
from recall_cli.serve import daemon as d
from recall_cli.serve.client import DaemonClient, DaemonElsewhere, remote
from recall_cli.serve.protocol import home_id
from recall_cli.service import Recall
from tests.conftest import run_cli
from tests.fakes import FakeEmbedder
from tests.serving import ROOT, SERVE, serving


@pytest.fixture
def personal(tmp_path, recall_home, monkeypatch):
    """The daemon of another home ("personal") on the socket this test's home ("work") is
    configured with too; it holds one private note."""
    monkeypatch.setenv("RECALL_SERVE_SOCKET", str(tmp_path / "shared.sock"))
    config = load_config(tmp_path / "personal")
    with serving(config, lambda: Recall(config, embedder=FakeEmbedder())) as served:
        served.client.add("PERSONAL: my therapist is Dr. Ines Prata", ts=1_700_000_000)
        yield served


def _work_in_process(recall_home):
    common.set_service_factory(lambda: Recall(load_config(recall_home), embedder=FakeEmbedder()))


def _spy_on_the_fast_path(monkeypatch):
    replies = []
    real = fast.call
    monkeypatch.setattr(fast, "call", lambda path, request: replies.append(real(path, request)) or replies[-1])
    return replies


def test_a_command_of_another_home_never_searches_or_writes_through_the_daemon_that_holds_its_socket(
        personal, recall_home, monkeypatch):
    work = load_config(recall_home)
    assert work.socket_path == personal.server.config.socket_path
    _work_in_process(recall_home)
    replies = _spy_on_the_fast_path(monkeypatch)
    code, out, _err = run_cli("search", "therapist")
    assert replies == [None]  # the fast path asked the daemon nothing: it serves another home
    assert code == 0 and "PERSONAL" not in out
    # `recall add`, `ask`, the TUI and the MCP server find no daemon for this home: in-process
    assert remote(work) is None and remote(personal.server.config) is not None
    # a client that names its home is refused past the handshake too (one that took the socket since)
    with pytest.raises(DaemonElsewhere, match="serves"):
        DaemonClient(str(work.socket_path), home=home_id(recall_home)).add("WORK: the API gateway is Kong")
    assert [e.text for e in personal.server.service.recent(10)] == ["PERSONAL: my therapist is Dr. Ines Prata"]


def test_serve_status_of_another_home_names_the_daemon_on_its_socket_and_a_start_there_fails_leaving_it(
        personal, recall_home):
    config = load_config(recall_home)
    clash = (f"{config.socket_path} is served by the recall serve of another home "
             f"({home_id(personal.server.config.home)}, pid {os.getpid()}): give this home its own serve.socket "
             "(or RECALL_SERVE_SOCKET)")
    assert run_cli("serve", "--status") == (1, f"recall serve is not running for this home: {clash}\n", "")
    status = json.loads(run_cli("serve", "status", "--json")[1])
    assert status["served_by"] == {"home": home_id(personal.server.config.home), "pid": os.getpid()}
    _work_in_process(recall_home)
    assert f"recall serve is not running for this home: {clash}" in run_cli("doctor", "--no-llm")[1]
    assert run_cli("serve", "--detach") == (2, "", f"Error: {clash}\n")
    with pytest.raises(UsageError) as refused:
        d.run(config, lambda: Recall(config, embedder=FakeEmbedder()))
    assert refused.value.message == clash
    assert d.hello(config.socket_path)["home"] == home_id(personal.server.config.home)  # not taken over
    assert personal.client.search("therapist").hits
    assert lock_file(config.home / "serve.lock", wait=False) is not None  # (the refused start let go of it)


def test_a_one_off_setting_override_is_searched_with_while_the_daemon_runs(recall_home, monkeypatch):
    config = load_config(recall_home)
    with serving(config, lambda: Recall(config, embedder=FakeEmbedder())) as served:
        for i in range(12):
            served.client.add(f"bulk note {i} about topic {i % 5}", ts=1_700_000_000 + i)
        _work_in_process(recall_home)  # what runs when the daemon is not used
        replies = _spy_on_the_fast_path(monkeypatch)

        def search() -> list[int]:
            code, out, err = run_cli("search", "bulk note topic", "--json")
            assert code == 0, err
            return [r["id"] for r in json.loads(out)["results"]]

        assert len(search()) == 10 and "text" in replies[-1]["result"]  # through the daemon
        monkeypatch.setenv("RECALL_SEARCH_LIMIT", "3")
        assert len(search()) == 3
        assert replies[-1] == {"ok": True, "result": {}}  # the daemon declined: the search ran here
        assert remote(load_config(recall_home)) is None  # and so do `add`, `ask`, the TUI and MCP server
        monkeypatch.setenv("RECALL_SEARCH_LIMIT", "10")  # the daemon's own value: it serves
        assert remote(load_config(recall_home)) is not None and len(search()) == 10
        assert "text" in replies[-1]["result"]
        monkeypatch.delenv("RECALL_SEARCH_LIMIT")
        monkeypatch.setenv("RECALL_LLM_THREADS", "2")  # how fast, not what comes out: still the daemon
        assert remote(load_config(recall_home)) is not None and len(search()) == 10
        assert "text" in replies[-1]["result"]
        load_config(recall_home).set("search.limit", 4)  # config.toml changed since the daemon started
        assert remote(load_config(recall_home)) is None and len(search()) == 4
        assert replies[-1] == {"ok": True, "result": {}}
        assert [op for op in served.ops if op not in {"ping", "add"}] == ["search_text"] * 5


def _serve_with_the_fake_embedder(monkeypatch):
    monkeypatch.setattr(d, "serve_command", lambda: [sys.executable, "-c", SERVE.format(root=str(ROOT))])


def test_serve_detach_that_loses_the_race_to_another_start_waits_for_it_and_says_it_is_already_running(
        recall_home, monkeypatch):
    _serve_with_the_fake_embedder(monkeypatch)
    config = load_config(recall_home)
    recall_home.mkdir(parents=True, exist_ok=True)
    # another `recall serve --detach` started at the same moment holds the home and is warming up
    lock = lock_file(config.home / "serve.lock", wait=False)
    assert lock is not None
    done: dict[str, tuple[int, str, str]] = {}
    starting = threading.Thread(target=lambda: done.update(result=run_cli("serve", "--detach")))
    log = recall_home / "logs" / "serve-stderr.log"
    try:
        starting.start()
        gave_way = threading.Event()
        while "already running" not in (log.read_text() if log.exists() else ""):  # its own daemon gave way
            assert starting.is_alive(), done
            gave_way.wait(0.05)
        assert starting.is_alive()  # waiting for the one that won, not failing
        with serving(config, lambda: Recall(config, embedder=FakeEmbedder())):  # the winner answers
            starting.join(60)
    finally:
        os.close(lock)
    assert done["result"] == (0, f"recall serve is already running (pid {os.getpid()}) on {config.socket_path}\n",
                              "")


def test_several_detached_starts_at_once_start_one_daemon_and_all_say_it_runs(recall_home, monkeypatch):
    _serve_with_the_fake_embedder(monkeypatch)
    config = load_config(recall_home)
    recall_home.mkdir(parents=True, exist_ok=True)
    gate = threading.Barrier(4)
    started: list[tuple[int, bool]] = []
    failed: list[BaseException] = []

    def start() -> None:
        gate.wait()
        try:
            started.append(d.start_detached(config, timeout=60))
        except BaseException as exc:  # noqa: BLE001 - reported below
            failed.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
    finally:
        d.stop(config)
    assert failed == []
    assert len({pid for pid, _ in started}) == 1 and sorted(already for _, already in started) == [
        False, True, True, True]

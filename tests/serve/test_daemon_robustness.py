"""A daemon that is stopped, flooded or fed garbage never hangs the CLI and never falls over:
short connect and reply deadlines with an in-process fallback, a 1 MiB request cap, error
objects instead of tracebacks, a backlog that takes a burst of connections."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from recall_cli.config import load_config
from recall_cli.serve import daemon as d
from recall_cli.serve.client import DaemonClient, DaemonTimeout, remote
from recall_cli.serve.protocol import MAX_REQUEST
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder
from tests.serving import ROOT, SERVE


@pytest.fixture
def daemon_process(recall_home):
    """`recall serve` as a real process (with the fake embedder, so it starts at once)."""
    recall_home.mkdir(parents=True, exist_ok=True)
    svc = Recall(load_config(recall_home), embedder=FakeEmbedder())
    svc.add("the spare key is under the blue pot")
    svc.close()
    env = {**os.environ, "RECALL_HOME": str(recall_home)}
    proc = subprocess.Popen([sys.executable, "-c", SERVE.format(root=str(ROOT))], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    path = d.socket_path(load_config(recall_home))
    deadline = time.monotonic() + 60
    while not d.ping(path, timeout=0.5):
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, "the daemon did not start"
        time.sleep(0.05)
    yield proc, path
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGCONT)
        proc.terminate()
    proc.wait(30)


def raw(path: Path, payload: bytes, timeout: float = 10.0) -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        try:
            sock.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the daemon stopped reading an oversized request: its answer is already here
        return json.loads(sock.makefile("rb").readline())


def cli(recall_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RECALL_HOME": str(recall_home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "recall_cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def test_a_stopped_daemon_costs_the_cli_half_a_second_then_it_works_in_process(daemon_process, recall_home):
    proc, path = daemon_process
    os.kill(proc.pid, signal.SIGSTOP)
    started = time.monotonic()
    assert remote(load_config(recall_home)) is None  # the ping gets no answer
    assert time.monotonic() - started < 2.0
    done = cli(recall_home, "search", "spare key")
    assert done.returncode == 0, done.stderr
    assert "under the blue pot" in done.stdout
    assert "the daemon did not answer" in done.stderr


def test_a_stopped_daemon_is_told_apart_never_doubled_and_can_be_stopped(daemon_process, recall_home):
    proc, _path = daemon_process
    os.kill(proc.pid, signal.SIGSTOP)
    status = cli(recall_home, "serve", "--status")
    assert status.returncode == 1 and f"(pid {proc.pid}) is running but not answering" in status.stdout
    assert f"daemon: recall serve (pid {proc.pid}) runs but does not answer" in cli(recall_home, "doctor",
                                                                                    "--no-llm").stdout
    second = cli(recall_home, "serve", "--detach")
    assert second.returncode == 2 and "already running" in second.stderr and "not answering" in second.stderr
    stopped = cli(recall_home, "serve", "--stop")
    assert stopped.returncode == 0 and stopped.stdout == "Stopped recall serve.\n"
    assert proc.wait(30) is not None  # gone, and no second daemon was started


def test_a_client_gives_up_at_the_operation_deadline(daemon_process):
    proc, path = daemon_process
    client = DaemonClient(str(path), deadlines={"search": 0.5})
    os.kill(proc.pid, signal.SIGSTOP)
    started = time.monotonic()
    with pytest.raises(DaemonTimeout):
        client.search("spare key")
    assert time.monotonic() - started < 3.0


def test_a_request_over_the_cap_gets_an_error_and_the_daemon_keeps_serving(daemon_process):
    _proc, path = daemon_process
    huge = json.dumps({"op": "add", "args": {"text": "x" * (10 * 1024 * 1024)}}).encode() + b"\n"
    started = time.monotonic()
    reply = raw(path, huge)
    assert reply["ok"] is False and "larger than" in reply["error"]["message"]
    assert time.monotonic() - started < 5.0
    assert DaemonClient(str(path)).search("spare key").hits
    assert MAX_REQUEST == 1024 * 1024


@pytest.mark.parametrize("payload", [b"[1, 2, 3]\n", b"\"search\"\n", b"{not json\n", b"{\"op\": \"search\", "
                                     b"\"args\": [1]}\n", b"\xff\xfe\n", b"{\"op\": 7}\n"])
def test_garbage_gets_an_error_object_and_no_traceback(daemon_process, recall_home, payload):
    _proc, path = daemon_process
    reply = raw(path, payload)
    assert reply["ok"] is False and reply["error"]["type"] == "UsageError"
    assert reply["error"]["message"].startswith(("bad request", "unknown daemon operation"))
    log = (recall_home / "logs" / "daemon.log").read_text()
    assert "Traceback" not in log
    assert DaemonClient(str(path)).search("spare key").hits


def test_a_client_that_connects_and_says_nothing_does_not_hold_up_others(daemon_process):
    _proc, path = daemon_process
    idle = [socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) for _ in range(8)]
    try:
        for sock in idle:
            sock.connect(str(path))
        assert DaemonClient(str(path)).search("spare key").hits
    finally:
        for sock in idle:
            sock.close()


def test_a_burst_of_connections_is_accepted(daemon_process):
    _proc, path = daemon_process
    results: list[bool] = []

    def ping() -> None:
        results.append(d.ping(path, timeout=10))

    threads = [threading.Thread(target=ping) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 50

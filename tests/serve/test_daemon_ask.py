"""`recall ask` through the warm daemon: the same answer, the same output, as in-process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from recall_cli.config import load_config
from recall_cli.errors import UsageError
from recall_cli.serve import daemon as d
from recall_cli.serve.client import DaemonClient
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder, ScriptedLLM
from tests.serving import serving

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ["Under the blue pot [1].", "The Overstory drawer [1].", "On the hook [2]."]
NOTES = [("Sam's key is under the blue pot", "2023-05-01T10:00"), ("The spare bike lock key is on the hook",
                                                                   "2023-05-02T10:00")]
QUESTIONS = ["where is Sam's key", "where is the key of Sam", "where is the bike lock key"]


def _service(home: Path, llm: ScriptedLLM | None = None) -> Recall:
    return Recall(load_config(home), embedder=FakeEmbedder(), llm=llm or ScriptedLLM(list(SCRIPT)))


@pytest.fixture
def daemon(recall_home):
    """A daemon serving in a thread with the fake embedder and a scripted model; the ops it handled."""
    with serving(load_config(recall_home), lambda: _service(recall_home)) as served:
        yield served.server, served.client, served.ops


def _fill(add) -> None:
    from recall_cli.timeutil import parse_time

    for text, when in NOTES:
        add(text, ts=parse_time(when))


def _without_timings(data: dict) -> dict:
    return {**data, "timings": None}


def test_the_daemons_answer_is_the_in_process_answer(daemon, recall_home):
    _server, client, ops = daemon
    _fill(client.add)
    streamed: list[str] = []
    remote = [client.ask(q, on_token=streamed.append) for q in QUESTIONS]
    local_svc = _service(recall_home)
    local = [local_svc.ask(q) for q in QUESTIONS]
    assert [_without_timings(a.to_dict()) for a in remote] == [_without_timings(a.to_dict()) for a in local]
    assert remote[1].generated == "The Overstory drawer [1]."
    assert remote[1].text == "Sam's key is under the blue pot [1]"
    assert streamed == [a.text for a in remote]  # each answer once, checked: never the rejected one
    assert ops.count("ask") == 3


def test_a_chat_follow_up_carries_its_history_to_the_daemon(daemon):
    server, client, _ops = daemon
    _fill(client.add)
    client.ask("where is the key of Sam", history=[("where is Sam's key", "Under the blue pot [1].")])
    assert server.service.llm.prompts[0].extra == [("where is Sam's key", "Under the blue pot [1].")]


def test_bad_ask_requests_are_usage_errors(daemon):
    _server, client, _ops = daemon
    with pytest.raises(UsageError, match="empty question"):
        client.ask("   ")
    with pytest.raises(UsageError, match="unexpected arguments on_token"):
        client.call("ask", {"question": "where", "on_token": "x"})
    with pytest.raises(UsageError, match="'history' must be a list"):
        client.call("ask", {"question": "where", "history": "no"})


def _in_process(monkeypatch, recall_home, llm, *args, input=None):
    """The CLI in this process, its model going on through ``llm``'s script as the daemon's does."""
    from recall_cli.cli import common
    from tests.conftest import run_cli

    monkeypatch.setenv("RECALL_NO_DAEMON", "1")
    common.set_service_factory(lambda: _service(recall_home, llm))
    try:
        return run_cli(*args, input=input)
    finally:
        monkeypatch.delenv("RECALL_NO_DAEMON")
        common.set_service_factory(None)


def test_recall_ask_prints_the_same_through_the_daemon(daemon, recall_home, monkeypatch):
    from tests.conftest import run_cli

    _server, client, ops = daemon
    _fill(client.add)
    local = ScriptedLLM(list(SCRIPT))
    for question in QUESTIONS:
        via_daemon = run_cli("ask", question)
        assert ops[-1] == "ask", "the daemon did not answer"
        assert via_daemon == _in_process(monkeypatch, recall_home, local, "ask", question)
    assert via_daemon[1].startswith("The spare bike lock key is on the hook [2]\n") or \
        via_daemon[1].startswith("On the hook [2].\n")


def test_recall_chat_through_the_daemon_keeps_its_history(daemon, recall_home, monkeypatch):
    from tests.conftest import run_cli

    server, client, ops = daemon
    _fill(client.add)
    code, out, err = run_cli("chat", "--json", input="where is Sam's key\nand where?\n")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["answer"] == "Under the blue pot [1]." and ops.count("ask") == 2
    assert server.service.llm.prompts[1].extra == [("where is Sam's key", "Under the blue pot [1].")]


def test_a_daemon_that_does_not_answer_in_time_leaves_the_question_here(daemon, recall_home, monkeypatch):
    from recall_cli.cli import ask as ask_cli
    from recall_cli.serve.client import DaemonTimeout
    from tests.conftest import run_cli

    _server, client, _ops = daemon
    _fill(client.add)

    def late(self, question, **kwargs):
        raise DaemonTimeout("the daemon did not answer 'ask' within 120 s")

    monkeypatch.setattr(DaemonClient, "ask", late)
    monkeypatch.setattr(ask_cli, "service", lambda: _service(recall_home))
    code, out, err = run_cli("ask", "where is Sam's key")
    assert code == 0 and out.startswith("Under the blue pot [1].\n")
    assert "working here instead" in err


DAEMON_WITH_FAKES = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from recall_cli.config import load_config
    from recall_cli.serve import daemon
    from recall_cli.service import Recall
    from tests.fakes import FakeEmbedder, ScriptedLLM
    config = load_config(Path({home!r}))
    daemon.run(config, lambda: Recall(config, embedder=FakeEmbedder(), llm=ScriptedLLM({script!r})))
""")


def test_a_real_daemon_process_answers_as_this_process_would(recall_home, monkeypatch):
    """A separate `recall serve` process (fake embedder, scripted model): the same output."""
    from tests.conftest import run_cli

    recall_home.mkdir(parents=True, exist_ok=True)
    _fill(_service(recall_home).add)
    code = DAEMON_WITH_FAKES.format(root=str(ROOT), home=str(recall_home), script=SCRIPT)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "RECALL_HOME": str(recall_home)})
    path = d.socket_path(load_config(recall_home))
    try:
        for _ in range(600):
            if d.ping(path):
                break
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            time.sleep(0.05)
        via_daemon = [run_cli("ask", q) for q in QUESTIONS]
        log = (recall_home / "logs" / "daemon.log").read_text()
        local = ScriptedLLM(list(SCRIPT))
        in_process = [_in_process(monkeypatch, recall_home, local, "ask", q) for q in QUESTIONS]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    assert via_daemon == in_process
    assert via_daemon[0][1].startswith("Under the blue pot [1].\nSources:\n")
    assert "Overstory" not in via_daemon[1][1]
    assert "listening on" in log


@pytest.mark.slow
def test_recall_ask_with_the_bundled_model_through_a_real_daemon(recall_home):
    """`recall serve --detach` with the real embedder and the bundled model: the same output as
    in-process, with the model writing the answers (ask.model_answers = always)."""
    env = {**os.environ, "RECALL_HOME": str(recall_home), "RECALL_ASK_MODEL_ANSWERS": "always"}

    def recall(*args, **extra):
        return subprocess.run([sys.executable, "-m", "recall_cli", *args], capture_output=True, text=True,
                              env={**env, **extra}, cwd=ROOT, timeout=600)

    assert recall("import", "examples/sample-week.jsonl").returncode == 0
    questions = ["Where is Sam's spare key?", "When is the dentist appointment?"]
    without = [recall("ask", q, RECALL_NO_DAEMON="1") for q in questions]
    started = recall("serve", "--detach")
    assert started.returncode == 0, started.stderr
    try:
        with_daemon = [recall("ask", q) for q in questions]
    finally:
        pid = d.read_pid(load_config(recall_home))
        os.kill(pid, signal.SIGTERM)
        for _ in range(400):
            if not d._alive(pid):
                break
            time.sleep(0.05)
    assert [r.stdout for r in with_daemon] == [r.stdout for r in without]
    assert all(r.returncode == 0 for r in with_daemon) and with_daemon[0].stdout.strip()
    assert "working here instead" not in "".join(r.stderr for r in with_daemon)

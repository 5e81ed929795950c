"""consolidate, the long tool: other calls are answered between its episodes, a cancelled call
stops it after the episode in progress, and a client that goes away ends `recall mcp` there.

The local model is a stand-in the test steps through (``GatedLLM``: one call per episode, each
waiting to be let go), so "slow" is exact, not timed."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
from pathlib import Path

import anyio
import pytest

from tests.mcp.helpers import GatedLLM, call, chat_episodes, connect

ROOT = Path(__file__).resolve().parents[2]
TOPICS = ["hiking the ridge trail", "baking sourdough bread", "fixing the bike brakes"]


class Steps:
    """The in-process stand-in's gates: ``began`` counts the episodes that reached the model,
    ``go`` lets one go on."""

    def __init__(self) -> None:
        self.began = threading.Semaphore(0)
        self.go = threading.Semaphore(0)
        self.llm = GatedLLM(self.began.release, lambda: self.go.acquire(timeout=10))

    async def next_began(self) -> None:
        with anyio.fail_after(10):
            assert await anyio.to_thread.run_sync(lambda: self.began.acquire(timeout=10), abandon_on_cancel=True)


async def wait_in_thread(fn, seconds: float = 10) -> None:
    with anyio.fail_after(seconds):
        await anyio.to_thread.run_sync(fn, abandon_on_cancel=True)


def episode_states(store) -> dict[str, int]:
    return dict(store.store._db.execute("SELECT status, count(*) FROM episodes GROUP BY status").fetchall())


@pytest.mark.anyio
async def test_search_memory_is_answered_between_the_episodes_of_a_long_consolidate(make_server, svc):
    chat_episodes(svc, TOPICS)
    steps = Steps()
    server = make_server(llm=steps.llm)
    results: dict[str, dict] = {}
    searched = anyio.Event()
    async with connect(server) as client, anyio.create_task_group() as tg:
        async def consolidating():
            results["consolidate"] = await call(client, "consolidate", limit=3)

        async def searching():
            results["search"] = await call(client, "search_memory", query="sourdough bread")
            searched.set()

        tg.start_soon(consolidating)
        await steps.next_began()  # episode 1 is with the model
        tg.start_soon(searching)
        await wait_in_thread(lambda: server.backend.wait_for_callers(1, timeout=10))  # queued behind it
        steps.go.release()  # episode 1 done; episode 2 waits at the model until the search is answered
        with anyio.fail_after(10):
            await searched.wait()
        await steps.next_began()  # and consolidation went on after it
        steps.go.release()
        await steps.next_began()
        steps.go.release()
    assert any("sourdough" in r["text"] for r in results["search"]["results"])
    assert (results["consolidate"]["episodes"], results["consolidate"]["consolidated"]) == (3, 3)


@pytest.mark.anyio
async def test_a_cancelled_consolidate_stops_after_the_episode_in_progress(make_server, svc, store):
    chat_episodes(svc, TOPICS)
    steps = Steps()
    server = make_server(llm=steps.llm)
    async with connect(server) as client:
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: call(client, "consolidate", limit=3))
            await steps.next_began()
            tg.cancel_scope.cancel()  # the agent gives up: its client sends notifications/cancelled
        await call(client, "list_recent")  # a round trip: the server has read the cancel
        steps.go.release()  # the episode in progress ends, whole
        await wait_in_thread(server.backend.close)  # returns once the job is over
        assert not steps.began.acquire(blocking=False)  # no other episode reached the model
        found = await call(client, "search_memory", query="sourdough bread")  # the server still answers
    assert found["count"] >= 1
    assert episode_states(store) == {"consolidated": 1, "pending": 2}


SERVER = """
import os, sys
from pathlib import Path
from recall_cli.config import load_config
from recall_cli.mcp.server import serve_stdio
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder
from tests.mcp.helpers import GatedLLM

began, gate = int(sys.argv[1]), int(sys.argv[2])
llm = GatedLLM(lambda: os.write(began, b"."), lambda: os.read(gate, 1))
config = load_config(Path(os.environ["RECALL_HOME"]))
serve_stdio(config=config, service_factory=lambda: Recall(config, embedder=FakeEmbedder(), llm=llm), warm=False)
"""


def _readable(fd: int, seconds: float = 30) -> bool:
    return bool(select.select([fd], [], [], seconds)[0])


def test_when_the_client_goes_away_recall_mcp_ends_after_the_episode_in_progress(svc, store, recall_home, tmp_path):
    chat_episodes(svc, TOPICS)
    began_r, began_w = os.pipe()
    gate_r, gate_w = os.pipe()
    env = {**os.environ, "RECALL_HOME": str(recall_home), "PYTHONPATH": str(ROOT), "RECALL_NO_DAEMON": "1"}
    with open(tmp_path / "stderr.txt", "w+") as errlog:
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(began_w), str(gate_r)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=errlog, env=env, pass_fds=(began_w, gate_r))
        os.close(began_w)
        os.close(gate_r)
        try:
            assert proc.stdin is not None and proc.stdout is not None
            for message in ({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                             "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                                        "clientInfo": {"name": "killed", "version": "1"}}},
                            {"jsonrpc": "2.0", "method": "notifications/initialized"},
                            {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                             "params": {"name": "consolidate", "arguments": {"limit": 3}}}):
                proc.stdin.write((json.dumps(message) + "\n").encode())
            proc.stdin.flush()
            assert _readable(began_r) and os.read(began_r, 1) == b"."  # episode 1 is with the model
            proc.stdin.close()  # the client is killed: the server's stdin ends
            os.write(gate_w, b".")  # episode 1 ends
            assert proc.wait(timeout=30) == 0
        finally:
            os.close(gate_w)  # (a server still at the model goes on, and is killed)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        assert os.read(began_r, 16) == b""  # no other episode reached the model
        os.close(began_r)
        errlog.seek(0)
        assert "Traceback" not in errlog.read()
    assert episode_states(store) == {"consolidated": 1, "pending": 2}

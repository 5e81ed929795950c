"""Every face consolidates the same way: through Recall.consolidate, with the configured LLM.
(The TUI's `c` key once consolidated without the model while its help promised the CLI's
behaviour; these tests hold the CLI, the TUI's backend, the daemon's idle job and the MCP
tool to one assembly.)"""

from __future__ import annotations

import json

import pytest

from recall_cli.cli import common
from recall_cli.config import load_config
from recall_cli.service import Recall
from tests.conftest import run_cli
from tests.fakes import FakeEmbedder, ScriptedLLM

FACT = "The blog is deployed with make deploy"  # grounded in the episode: the grounding check keeps it
EXTRACTION = json.dumps({"memories": [{"kind": "semantic", "subject": "blog", "text": FACT, "importance": 6,
                                       "turns": [1, 2]}], "summary": "The blog was deployed."})


@pytest.fixture
def llm() -> ScriptedLLM:
    return ScriptedLLM([], default=EXTRACTION)


@pytest.fixture
def service(recall_home, llm):
    svc = Recall(load_config(recall_home), embedder=FakeEmbedder(), llm=llm)
    for i, text in enumerate(["git pull --rebase", "make deploy"]):
        svc.add(text, ts=1_700_000_000 + i * 60, source="shell", kind="command", session="tty1",
                meta={"cwd": "/src/blog", "exit_code": 0})
    yield svc
    svc.close()


def assert_the_model_made_a_memory(svc: Recall, llm: ScriptedLLM) -> None:
    assert llm.prompts and "make deploy" in llm.prompts[0].user  # the model read the episode
    made = [v.memory for v in svc.list_memories(include_all=True) if v.memory.text == FACT]
    assert len(made) == 1 and made[0].subject == "blog"
    first = svc.history(made[0].id or 0)[0]
    assert json.loads(first["detail"])["origin"] == "llm" and first["actor"] == "consolidation (scripted)"


def test_the_cli_consolidates_with_the_configured_llm(service, llm, recall_home):
    common.set_service_factory(lambda: service.sibling())
    code, out, err = run_cli("consolidate", "--json")
    assert code == 0, err
    assert json.loads(out)["model"] == "scripted"
    assert_the_model_made_a_memory(service, llm)


def test_the_tui_backend_consolidates_with_the_configured_llm(service, llm):
    from recall_cli.tui.backend import Backend

    backend = Backend(service)
    report = backend.consolidate(None, lambda done, total: None)
    backend.close()
    assert report.model == "scripted" and report.consolidated == 1
    assert_the_model_made_a_memory(service, llm)


def test_the_daemon_consolidates_with_the_configured_llm_when_idle(service, llm, recall_home, monkeypatch):
    from recall_cli.serve import daemon as d
    from recall_cli.serve.jobs import install_jobs

    monkeypatch.setenv("RECALL_SERVE_CONSOLIDATE_IDLE", "0.001")
    config = load_config(recall_home)
    server = d.Daemon(config, service.sibling)
    install_jobs(server)
    server.last_request = 0.0
    server.jobs["consolidate"]()
    server.service.close()
    assert_the_model_made_a_memory(service, llm)


@pytest.mark.anyio
async def test_the_mcp_consolidate_tool_uses_the_configured_llm(service, llm):
    from recall_cli.mcp.server import build_server
    from tests.mcp.helpers import call, connect

    server = build_server(service.sibling)
    try:
        async with connect(server) as client:
            out = await call(client, "consolidate", limit=5)
    finally:
        server.backend.close()
    assert out["model"] == "scripted" and out["consolidated"] == 1
    assert FACT in [m["text"] for m in out["memories"]]
    assert_the_model_made_a_memory(service, llm)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"

"""With `recall serve` running, searches and adds use its warm models; without it, everything is in-process."""

from __future__ import annotations

import pytest

from recall_cli.config import load_config
from recall_cli.serve.client import remote
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder
from tests.mcp.helpers import call, connect
from tests.serving import serving

pytestmark = pytest.mark.anyio


@pytest.fixture
def running(recall_home):
    """A daemon serving in a thread with the fake embedder; records the ops it handled."""
    config = load_config(recall_home)
    with serving(config, lambda: Recall(config, embedder=FakeEmbedder())) as served:
        yield served.ops


async def test_searches_and_adds_go_to_the_daemon_when_it_runs(make_server, running, store):
    ops = running
    async with connect(make_server(daemon=remote), name="claude-code") as client:
        out = await call(client, "remember", text="the spare key is in the blue pot", kind="semantic")
        found = await call(client, "search_memory", query="where is the spare key")
        await call(client, "list_recent")
    assert [op for op in ops if op != "ping"] == ["remember", "search"]
    assert [(r["id"], r["same_text_as_events"]) for r in found["results"]] == [(out["memory"]["id"], [out["id"]])]
    event = store.store.get_event(int(out["id"]))
    assert event.source == "mcp" and event.meta["client"] == "claude-code"
    model = FakeEmbedder().model_id
    assert store.store._db.execute("SELECT count(*) FROM embeddings WHERE owner = 'event' AND owner_id = ? "
                                  "AND model = ?", [event.id, model]).fetchone()[0] == 1  # embedded by the daemon


async def test_without_a_daemon_everything_runs_in_process(make_server, svc):
    svc.add("the spare key is in the blue pot")
    asked = []

    def connect_daemon(config):
        asked.append(config.home)
        return remote(config)

    async with connect(make_server(daemon=connect_daemon)) as client:
        found = await call(client, "search_memory", query="spare key")
        await call(client, "remember", text="another note")
    assert found["results"][0]["id"] == "1"
    assert len(asked) == 2  # looked for it on every call, found none


async def test_a_daemon_that_breaks_mid_call_falls_back_to_in_process(make_server, svc):
    svc.add("the spare key is in the blue pot")

    class Broken:
        def search(self, query, **kwargs):
            raise ConnectionResetError("daemon went away")

        def add(self, text, **kwargs):
            raise BrokenPipeError("daemon went away")

        def remember(self, text, **kwargs):
            raise BrokenPipeError("daemon went away")

    async with connect(make_server(daemon=lambda config: Broken())) as client:
        assert (await call(client, "search_memory", query="spare key"))["results"][0]["id"] == "1"
        assert (await call(client, "remember", text="still stored"))["id"] == "2"


async def test_ask_goes_to_the_daemon_when_it_runs(make_server, running, store):
    ops = running
    store.add("the spare key is in the blue pot")
    async with connect(make_server(daemon=remote)) as client:
        out = await call(client, "ask", question="where is the spare key?")
    assert [op for op in ops if op != "ping"] == ["ask"]  # search and answer both in the daemon
    assert out["answer"] == "the spare key is in the blue pot [1]" and [c["id"] for c in out["citations"]] == ["1"]


async def test_ask_falls_back_to_in_process_when_the_daemon_breaks(make_server, store):
    store.add("the spare key is in the blue pot")

    class Broken:
        def ask(self, question, **kwargs):
            raise ConnectionResetError("daemon went away")

    async with connect(make_server(daemon=lambda config: Broken())) as client:
        out = await call(client, "ask", question="where is the spare key?")
    assert out["answer"] == "the spare key is in the blue pot [1]"


async def test_the_mcp_server_of_one_home_never_reads_or_writes_another_homes_daemon_on_its_socket(
        make_server, store, tmp_path, monkeypatch):
    # RECALL_SERVE_SOCKET exported for both homes; the daemon runs for the personal one only
    monkeypatch.setenv("RECALL_SERVE_SOCKET", str(tmp_path / "shared.sock"))
    personal = load_config(tmp_path / "personal")
    with serving(personal, lambda: Recall(personal, embedder=FakeEmbedder())) as served:
        served.client.add("PERSONAL: my therapist is Dr. Ines Prata")
        async with connect(make_server(daemon=remote)) as client:
            found = await call(client, "search_memory", query="therapist")
            out = await call(client, "remember", text="WORK: the API gateway is Kong")
        assert [op for op in served.ops if op != "ping"] == ["add"]  # only its own note's
        assert [e.text for e in served.server.service.recent(10)] == ["PERSONAL: my therapist is Dr. Ines Prata"]
    assert "PERSONAL" not in str(found)
    assert store.store.get_event(int(out["id"])).text == "WORK: the API gateway is Kong"

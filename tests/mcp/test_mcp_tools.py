"""Every MCP tool in-process (mcp.Client(server)) with the fake embedder."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from recall_cli.errors import ModelError
from recall_cli.mcp import server as mcp_server
from recall_cli.models import Hit
from recall_cli.service import Recall
from recall_cli.timeutil import parse_time
from tests.mcp.helpers import call, connect, fail

pytestmark = pytest.mark.anyio

READ_TOOLS = {"search_memory", "ask", "get_memory", "list_recent", "shell_history"}
WRITE_TOOLS = {"remember", "pin", "forget", "consolidate"}


def n_memories(svc) -> int:
    return svc.store._db.execute("SELECT count(*) FROM memories").fetchone()[0]


async def test_the_tool_list_an_agent_sees(make_server):
    async with connect(make_server()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == READ_TOOLS | WRITE_TOOLS
        for tool in tools.values():
            assert len(tool.description) > 120, tool.name  # says what it does and when to use it
            assert tool.input_schema["type"] == "object"
            for name, prop in tool.input_schema["properties"].items():
                assert prop.get("description"), f"{tool.name}.{name} has no description"
        assert tools["search_memory"].input_schema["required"] == ["query"]
        assert tools["search_memory"].input_schema["properties"]["limit"]["maximum"] == 50
        assert tools["remember"].input_schema["properties"]["text"]["maxLength"] == 20_000
        assert set(tools["remember"].input_schema["properties"]["kind"]["enum"]) == {
            "note", "semantic", "procedural", "core"}
        assert all(tools[n].annotations.read_only_hint for n in READ_TOOLS)
        assert tools["forget"].annotations.destructive_hint
        assert not tools["remember"].annotations.read_only_hint
        assert "recall://profile" in client.instructions and "remember" in client.instructions
        resources = (await client.list_resources()).resources
        assert [str(r.uri) for r in resources] == ["recall://profile"]


async def test_remember_a_note_records_source_mcp_the_client_and_tags(make_server, store):
    async with connect(make_server(), name="claude-code") as client:
        out = await call(client, "remember", text="  Deployed staging with `make deploy-staging`  ",
                         tags=["infra", " infra ", "deploy"])
    assert out["source"] == "mcp" and out["client"] == "claude-code" and out["kind"] == "note"
    assert out["tags"] == ["infra", "deploy"] and "memory" not in out
    assert out["time"].startswith("20")
    event = store.store.get_event(int(out["id"]))
    assert (event.source, event.kind, event.actor) == ("mcp", "note", "claude-code")
    assert event.text == "Deployed staging with `make deploy-staging`"
    assert event.meta == {"client": "claude-code", "tags": ["infra", "deploy"]}
    assert n_memories(store) == 0


async def test_remember_redacts_secrets_before_they_reach_the_database(make_server, store):
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    async with connect(make_server()) as client:
        out = await call(client, "remember", text=f"the CI token is {token}", kind="semantic")
    assert out["redacted"] and "Secrets were replaced" in out["note"]
    rows = store.store._db.execute("SELECT text FROM events UNION ALL SELECT text FROM memories").fetchall()
    assert len(rows) == 2 and all(token not in r[0] and "[REDACTED:" in r[0] for r in rows)
    assert store.store.get_event(int(out["id"])).meta["redacted"] == out["redacted"]


@pytest.mark.parametrize("kind", ["note", "core"])
async def test_secrets_in_tags_are_redacted_in_the_event_the_memory_and_its_history(make_server, store, kind):
    async with connect(make_server()) as client:
        out = await call(client, "remember", text="The user deploys from the main branch", kind=kind,
                         tags=["AKIAIOSFODNN7EXAMPLE", "password: hunter2"])
        found = await call(client, "search_memory", query="deploys main branch")
    stored = json.dumps([list(r) for r in store.store._db.execute(
        "SELECT meta, NULL FROM events UNION ALL SELECT meta, NULL FROM memories "
        "UNION ALL SELECT state, new_text FROM memory_history").fetchall()])
    shown = json.dumps([out, found])
    for secret in ("AKIAIOSFODNN7EXAMPLE", "hunter2"):
        assert secret not in stored and secret not in shown
    assert out["tags"] == ["[REDACTED:aws-access-key-id]", "password: [REDACTED:password-prose]"]


@pytest.mark.parametrize("kind", ["semantic", "procedural", "core"])
async def test_remember_a_lasting_kind_also_makes_a_memory_linked_to_the_event(make_server, store, kind):
    async with connect(make_server(), name="cursor") as client:
        out = await call(client, "remember", text="The user prefers pytest over unittest", kind=kind)
    memory_id = int(out["memory"]["id"][1:])
    memory = store.memories.get(memory_id)
    assert memory.kind == kind and memory.text == "The user prefers pytest over unittest"
    assert store.store.memory_sources(memory_id) == [int(out["id"])]
    history = store.store.memory_history(memory_id)
    assert [(h["action"], h["actor"]) for h in history] == [("add", "mcp:cursor")]


async def test_remembering_the_same_fact_again_reinforces_instead_of_duplicating(make_server, store):
    async with connect(make_server()) as client:
        first = await call(client, "remember", text="Uses fish as the shell", kind="semantic")
        again = await call(client, "remember", text="Uses fish as the shell", kind="semantic")
    assert again["memory"] == {"id": first["memory"]["id"], "kind": "semantic", "already_known": True}
    assert n_memories(store) == 1
    actions = [h["action"] for h in store.store.memory_history(int(first["memory"]["id"][1:]))]
    assert actions == ["add", "reinforce"]


async def test_the_client_name_comes_from_initialize_or_the_override(make_server, store):
    async with connect(make_server(), name="codex", mode="legacy") as client:  # the initialize handshake
        legacy = await call(client, "remember", text="one")
    async with connect(make_server(client_name="my-agent")) as client:
        override = await call(client, "remember", text="two")
    assert (legacy["client"], override["client"]) == ("codex", "my-agent")
    assert store.store.get_event(int(override["id"])).meta["client"] == "my-agent"
    assert mcp_server.client_name_from(object()) == "unknown"


async def test_search_memory_returns_ids_dates_and_honours_filters(make_server, svc):
    day = parse_time("2026-11-10")
    svc.add("Sam keeps the spare key in the blue pot", ts=day)
    svc.add("git push origin main after the key fix", source="shell", kind="command", ts=day + 86400 * 5)
    event = svc.add("The key fob battery is a CR2032", ts=day + 86400 * 10)
    memory = svc.memories.add("semantic", "The spare key is in the blue pot", sources=[event.id])
    async with connect(make_server()) as client:
        out = await call(client, "search_memory", query="spare key", limit=10)
        assert out["count"] == len(out["results"]) >= 3
        first = out["results"][0]
        assert set(first) >= {"id", "type", "kind", "time", "source", "text", "score"}
        assert {r["id"] for r in out["results"]} >= {"1", "3", f"m{memory.id}"}
        assert "same_text_as_events" not in out["results"][0]
        assert all(r["time"].startswith("2026-") for r in out["results"])

        shell = await call(client, "search_memory", query="key", source="shell")
        assert [r["id"] for r in shell["results"]] == ["2"]
        late = await call(client, "search_memory", query="key", since="2026-11-14", until="2026-11-16",
                          kind="events")
        assert [r["id"] for r in late["results"]] == ["2"]
        memories = await call(client, "search_memory", query="key", kind="memories")
        assert [r["id"] for r in memories["results"]] == [f"m{memory.id}"]
        assert (await call(client, "search_memory", query="key", kind="procedural"))["results"] == []
        events = await call(client, "search_memory", query="spare key", kind="events", limit=1)
        assert events["count"] == 1 and events["results"][0]["type"] == "event"


async def test_an_event_and_its_memory_with_the_same_text_come_back_once(make_server, svc):
    event = svc.add("Uses fish as the login shell")
    other = svc.add("  Uses fish as the\nlogin shell ", source="chat")
    memory = svc.memories.add("semantic", "Uses fish as the login shell", sources=[event.id])
    async with connect(make_server()) as client:
        out = await call(client, "search_memory", query="fish shell")
        kinds = await call(client, "search_memory", query="fish shell", kind="events")
    assert [(r["id"], r.get("same_text_as_events")) for r in out["results"]] == [
        (f"m{memory.id}", [str(event.id), str(other.id)])]
    # the two identical events are one result that names the other
    assert [(r["id"], r.get("same_text_ids")) for r in kinds["results"]] == [("1", ["2"])]


async def test_search_memory_says_which_sources_exist_when_one_is_unknown(make_server, svc):
    svc.add("a note about tea")
    async with connect(make_server()) as client:
        out = await call(client, "search_memory", query="tea", source="slack")
    assert out["results"] == [] and out["note"] == "No events come from source 'slack'. Sources in this memory: note."


async def test_long_texts_are_clipped_in_lists_and_whole_in_get_memory(make_server, svc):
    long = "tea " * 1000
    svc.add(long)
    async with connect(make_server()) as client:
        hit = (await call(client, "search_memory", query="tea"))["results"][0]
        assert len(hit["text"]) < 1600 and "get_memory('1')" in hit["truncated"]
        assert (await call(client, "get_memory", id="1"))["text"] == long.strip()


async def test_get_memory_shows_an_event_with_its_memories(make_server, svc):
    event = svc.add("Moved the billing service to Postgres 16", tags=["billing"], ts=parse_time("2026-10-01"))
    memory = svc.memories.add("semantic", "Billing runs on Postgres 16", sources=[event.id])
    async with connect(make_server()) as client:
        for ref in (str(event.id), event.id, f"e{event.id}"):
            out = await call(client, "get_memory", id=ref)
            assert out["id"] == "1" and out["type"] == "event" and out["source"] == "note"
            assert out["time"] == "2026-10-01T00:00:00+00:00" and out["tags"] == ["billing"]
            assert out["memories"] == [f"m{memory.id}"]


async def test_get_memory_shows_a_memory_with_provenance_and_history_and_reinforces_it(make_server, svc, store):
    event = svc.add("Moved the billing service to Postgres 16")
    memory = svc.memories.add("semantic", "Billing runs on Postgres 16", sources=[event.id], actor="consolidation")
    svc.memories.edit(memory.id, "Billing runs on Postgres 16.2")
    async with connect(make_server(), name="claude-code") as client:
        out = await call(client, "get_memory", id=f"M{memory.id}")
    assert out["id"] == "m1" and out["type"] == "memory" and out["text"] == "Billing runs on Postgres 16.2"
    assert out["zone"] == "active" and 0 < out["retention"] <= 1
    assert out["created"].startswith("20") and out["last_reinforced"].startswith("20")
    assert [s["id"] for s in out["sources"]] == ["1"]
    assert [(h["action"], h["actor"]) for h in out["history"]] == [
        ("add", "consolidation"), ("edit", "user"), ("reinforce", "mcp:claude-code")]
    assert out["history"][1]["old_text"] == "Billing runs on Postgres 16"
    assert out["history"][2]["detail"]["reason"] == "opened"


async def test_list_recent_is_newest_first_and_filters_by_source(make_server, svc):
    for i, (text, source) in enumerate([("first note", "note"), ("ls -la", "shell"), ("second note", "note")]):
        svc.add(text, source=source, ts=parse_time("2026-11-01") + i * 60)
    async with connect(make_server()) as client:
        out = await call(client, "list_recent")
        assert [r["text"] for r in out["results"]] == ["second note", "ls -la", "first note"]
        assert out["results"][0]["time"] == "2026-11-01T00:02:00+00:00"
        assert [r["id"] for r in (await call(client, "list_recent", limit=1))["results"]] == ["3"]
        assert [r["text"] for r in (await call(client, "list_recent", source="shell"))["results"]] == ["ls -la"]
        none = await call(client, "list_recent", source="chat")
        assert none["results"] == [] and "Sources: note, shell" in none["note"]


async def test_a_shell_command_comes_with_where_it_ran_and_its_exit_code(make_server, svc):
    from recall_cli.models import Event

    svc.store.insert_events([
        Event("docker build -t myapp .", parse_time("2026-11-01"), source="shell", kind="command",
              meta={"cwd": "/src/myapp", "exit_code": 1}),
        Event("docker build -t myapp --no-cache .", parse_time("2026-11-01") + 60, source="shell", kind="command",
              meta={"cwd": "/src/myapp", "exit_code": 0}),
    ])
    async with connect(make_server()) as client:
        recent = (await call(client, "list_recent"))["results"]
        assert [(r["cwd"], r["exit_code"]) for r in recent] == [("/src/myapp", 0), ("/src/myapp", 1)]
        found = (await call(client, "search_memory", query="docker build myapp"))["results"]
        assert {(r["text"], r["exit_code"]) for r in found if r["type"] == "event"} == {
            ("docker build -t myapp .", 1), ("docker build -t myapp --no-cache .", 0)}


def _project_commands(svc) -> None:
    from recall_cli.models import Event

    day = parse_time("2026-11-01")
    runs = [("make test", 2, "/src/app"), ("pip install -e .", 0, "/src/app"), ("make test", 0, "/src/app"),
            ("pytest -k auth", 1, "/src/app/api"), ("npm run build", 1, "/src/web"), ("make test", 0, "/src/app")]
    svc.store.insert_events([Event(cmd, day + i * 60, source="shell", kind="command",
                                   meta={"cwd": cwd, "exit_code": code}) for i, (cmd, code, cwd) in enumerate(runs)])


async def test_shell_history_filters_by_project_directory_and_outcome(make_server, svc):
    _project_commands(svc)
    async with connect(make_server()) as client:
        failed = await call(client, "shell_history", cwd="/src/app", failed=True)
        assert [(r["command"], r["exit_code"], r["cwd"]) for r in failed["results"]] == [
            ("pytest -k auth", 1, "/src/app/api"), ("make test", 2, "/src/app")]  # subfolders in, /src/web out
        worked = await call(client, "shell_history", cwd="/src/app/", failed=False, search="make")
        assert [(r["command"], r["runs"]) for r in worked["results"]] == [("make test", 2)]
        every_make = await call(client, "shell_history", cwd="/src/app", search="make")
        assert [(r["runs"], r["failed_runs"], r["exit_code"]) for r in every_make["results"]] == [(3, 1, 0)]
        every = await call(client, "shell_history", search="make", every_run=True)
        assert [r["exit_code"] for r in every["results"]] == [0, 0, 2]
        assert all(r["id"] and r["time"].startswith("2026-11-01T") for r in every["results"])
        none = await call(client, "shell_history", cwd="/src/ap")
        assert none["count"] == 0 and "try fewer filters" in none["note"]  # a path prefix is not a directory


async def test_shell_history_without_commands_says_how_to_record_them(make_server):
    async with connect(make_server()) as client:
        out = await call(client, "shell_history")
        assert out["count"] == 0 and 'eval "$(recall init bash)"' in out["note"]


async def test_shell_history_wants_an_absolute_directory(make_server):
    async with connect(make_server()) as client:
        assert "'cwd' must be an absolute path ('src/app' is not)" in await fail(client, "shell_history", cwd="src/app")
        assert "'since' is not a time I can read" in await fail(client, "shell_history", since="31/31/31")


async def test_list_recent_on_an_empty_memory(make_server):
    async with connect(make_server()) as client:
        assert await call(client, "list_recent") == {"count": 0, "results": [], "note": "Memory is empty so far."}


async def test_pin_and_unpin_a_memory_and_the_profile_resource(make_server, svc, store):
    core = svc.memories.add("core", "The user is called Ada and works on recall")
    fact = svc.memories.add("semantic", "Prefers tabs over spaces")
    async with connect(make_server(), name="claude-code") as client:
        profile = (await client.read_resource("recall://profile")).contents[0]
        assert profile.mime_type == "text/markdown"
        assert f"m{core.id}, core" in profile.text and "tabs" not in profile.text

        out = await call(client, "pin", id=f"m{fact.id}")
        assert out == {"id": "m2", "pinned": True, "kind": "semantic", "text": "Prefers tabs over spaces",
                       "time": out["time"]}
        text = (await client.read_resource("recall://profile")).contents[0].text
        assert "[m2, semantic, pinned, " in text and "Prefers tabs over spaces" in text
        assert text.index("m1") < text.index("m2")  # core first

        assert (await call(client, "pin", id="m2", pinned=False))["pinned"] is False
        assert "tabs" not in (await client.read_resource("recall://profile")).contents[0].text
    actions = [(h["action"], h["actor"]) for h in store.store.memory_history(fact.id)]
    assert actions == [("add", "user"), ("pin", "mcp:claude-code"), ("unpin", "mcp:claude-code")]


async def test_the_profile_resource_when_there_is_none_yet(make_server):
    async with connect(make_server()) as client:
        text = (await client.read_resource("recall://profile")).contents[0].text
    assert "No core or pinned memories yet." in text and "remember(kind='core')" in text


async def test_forget_deletes_events_and_memories_for_real(make_server, svc, store):
    event = svc.add("my old address is 1 Elm St")
    memory = svc.memories.add("semantic", "Lives at 1 Elm St", sources=[event.id])
    async with connect(make_server()) as client:
        gone = await call(client, "forget", id=f"m{memory.id}")
        assert gone == {"forgotten": "m1", "deleted": {"events": 0, "memories": 1},
                        "note": "Deleted for real; it cannot be restored."}
        assert (await call(client, "forget", id=event.id))["deleted"] == {"events": 1, "memories": 0}
        assert "no event with id 1" in await fail(client, "get_memory", id="1")
        assert (await call(client, "search_memory", query="Elm"))["results"] == []
    assert store.store.count_events() == 0 and n_memories(store) == 0


async def test_forgetting_an_event_names_the_memories_and_pins_that_go_with_it(make_server, svc, store):
    event = svc.add("my old address is 1 Elm St")
    memory = svc.memories.add("core", "Lives at 1 Elm St", sources=[event.id], pinned=True)
    async with connect(make_server()) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "forget")
        assert "also deletes the memories made from it (pinned and core ones too)" in tool.description
        gone = await call(client, "forget", id=str(event.id))
    assert gone["deleted"] == {"events": 1, "memories": 1}
    assert gone["memories"] == gone["pinned"] == [f"m{memory.id}"]
    assert f"It took the pinned memory m{memory.id} with it." in gone["note"]


async def test_forgetting_a_remembered_fact_leaves_nothing_searchable(make_server, store):
    async with connect(make_server()) as client:
        await call(client, "remember", text="The user's cat is called Biscuit.", kind="core")
        found = await call(client, "search_memory", query="cat name Biscuit")
        assert [(r["id"], r.get("same_text_as_events")) for r in found["results"]] == [("m1", ["1"])]
        gone = await call(client, "forget", id="m1")
        after = await call(client, "search_memory", query="cat name Biscuit")
    assert gone["deleted"] == {"events": 1, "memories": 1} and gone["events"] == ["1"]
    assert "Event 1 (what remember stored it from, with the same text) went too." in gone["note"]
    assert after["results"] == []
    assert store.store.count_events() == 0 and n_memories(store) == 0


async def test_forgetting_a_fact_remembered_twice_takes_both_of_its_events(make_server, store):
    async with connect(make_server()) as client:
        await call(client, "remember", text="Uses fish as the shell", kind="semantic")
        await call(client, "remember", text="Uses fish as the shell", kind="semantic")  # reinforces m1
        gone = await call(client, "forget", id="m1")
        after = await call(client, "search_memory", query="fish shell")
    assert gone["deleted"] == {"events": 2, "memories": 1} and gone["events"] == ["1", "2"]
    assert after["results"] == [] and store.store.count_events() == 0


async def test_forgetting_a_memory_names_the_users_own_event_that_still_holds_its_text(make_server, svc, store):
    event = svc.add("Uses fish as the login shell")  # the user's note, not stored by remember
    svc.memories.add("semantic", "Uses fish as the login shell", sources=[event.id])
    async with connect(make_server()) as client:
        gone = await call(client, "forget", id="m1")
    assert gone["deleted"] == {"events": 0, "memories": 1} and gone["same_text_in_events"] == ["1"]
    assert "Event 1 still holds the same text" in gone["note"] and "forget('1')" in gone["note"]
    assert store.store.count_events() == 1


async def test_ask_lists_a_remembered_fact_once_with_its_event_folded_into_the_memory(make_server):
    async with connect(make_server()) as client:
        await call(client, "remember", text="Fact one: the CI runs on Buildkite", kind="semantic")
        await call(client, "remember", text="Fact two: the CI secrets live in Vault", kind="semantic")
        out = await call(client, "ask", question="where do CI secrets live?")
    listed = [(r["id"], r.get("same_text_as_events")) for r in out["citations"] + out.get("evidence", [])]
    assert sorted(listed) == [("m1", ["1"]), ("m2", ["2"])]


async def test_an_answer_citing_an_event_cites_the_memory_it_is_folded_into(make_server, monkeypatch):
    def fake_ask(self, question, **kwargs):
        return SimpleNamespace(text="In Vault [2]", citations=["2"], abstained=False, method="model", reason="",
                               evidence=[_hit("2", "CI secrets live in Vault"), _hit("m2", "CI secrets live in Vault"),
                                         _hit("3", "lunch was soup")])

    monkeypatch.setattr(Recall, "ask", fake_ask, raising=False)
    async with connect(make_server()) as client:
        out = await call(client, "ask", question="where do CI secrets live?")
    assert [(c["id"], c.get("same_text_as_events")) for c in out["citations"]] == [("m2", ["2"])]
    assert [e["id"] for e in out["evidence"]] == ["3"]


def no_model(self, question, **kwargs):
    raise ModelError("model file not found: /models/missing.gguf")


async def test_ask_without_a_local_model_returns_the_ranked_evidence(make_server, svc, monkeypatch):
    monkeypatch.setattr(Recall, "ask", no_model)
    svc.add("The dentist appointment is on Thursday at 3pm", ts=parse_time("2026-11-20"))
    svc.add("bought oat milk")
    async with connect(make_server()) as client:
        out = await call(client, "ask", question="When is the dentist appointment?", limit=1)
        assert out["question"] == "When is the dentist appointment?" and out["answer"] is None
        assert [(c["id"], c["time"]) for c in out["citations"]] == [("1", "2026-11-20T00:00:00+00:00")]
        assert "Answer from them yourself" in out["note"]


async def test_ask_on_an_empty_memory_says_so(make_server, monkeypatch):
    monkeypatch.setattr(Recall, "ask", no_model)
    async with connect(make_server()) as client:
        nothing = await call(client, "ask", question="zebra xylophone")
    assert nothing["answer"] is None and nothing["citations"] == []
    assert "Nothing in memory matches" in nothing["note"]


def _hit(ref: str, text: str, ts: float = 1_763_000_000.0) -> Hit:
    owner = "memory" if ref.startswith("m") else "event"
    return Hit(owner=owner, id=int(ref.lstrip("m")), score=0.5, ts=ts, text=text, source="note", kind="note")


async def test_ask_uses_the_services_local_model_when_there_is_one(make_server, svc, monkeypatch):
    svc.add("The dentist appointment is on Thursday at 3pm", ts=parse_time("2026-11-20"))
    calls = []

    def fake_ask(self, question, **kwargs):
        calls.append(question)
        found = self.search(question, limit=kwargs["limit"], since=kwargs["since"], until=kwargs["until"])
        assert [h.ref for h in found.hits] == ["1"]  # scoped to since/until
        return SimpleNamespace(text="Thursday at 3pm [1]", citations=["1"], abstained=False, method="model",
                               reason="", evidence=[found.hits[0], _hit("m9", "x" * 700)])

    monkeypatch.setattr(Recall, "ask", fake_ask, raising=False)
    async with connect(make_server()) as client:
        out = await call(client, "ask", question="When is the dentist?", since="2026-11-19", until="2026-11-21")
    assert calls == ["When is the dentist?"]
    assert out["answer"] == "Thursday at 3pm [1]"
    assert [(c["id"], c["time"]) for c in out["citations"]] == [("1", "2026-11-20T00:00:00+00:00")]
    assert [e["id"] for e in out["evidence"]] == ["m9"] and "get_memory('m9')" in out["evidence"][0]["truncated"]
    assert out["note"].startswith("Answered by recall's local model") and out["method"] == "model"


async def test_ask_reports_when_the_local_model_abstains(make_server, monkeypatch):
    def abstain(self, question, **kwargs):
        return SimpleNamespace(text="Not mentioned: I have no memory of that.", citations=[], abstained=True,
                               method="abstain", reason="the evidence names no cat",
                               evidence=[_hit("3", "bought oat milk")])

    monkeypatch.setattr(Recall, "ask", abstain, raising=False)
    async with connect(make_server()) as client:
        out = await call(client, "ask", question="what is my cat called?")
    assert out["answer"] == "Not mentioned: I have no memory of that." and out["citations"] == []
    assert [e["id"] for e in out["evidence"]] == ["3"]
    assert "found no answer in the evidence (the evidence names no cat)" in out["note"]
    assert out["reason"] == "the evidence names no cat"


async def test_ask_says_when_the_answer_is_the_evidences_own_sentence_not_the_models(make_server, svc):
    svc.add("Sam's spare key is under the blue pot")
    async with connect(make_server()) as client:
        out = await call(client, "ask", question="where is Sam's spare key?")
    assert out["method"] != "model" and "blue pot" in out["answer"]
    assert out["note"].startswith("Answered by recall's rules from the evidence's own words")


async def test_search_memory_says_when_nothing_matches_well(make_server, svc):
    svc.add("Easter dinner at Dad's, lamb and roast potatoes")
    svc.add("Bleed the rear brake with mineral oil only")
    async with connect(make_server()) as client:
        weak = await call(client, "search_memory", query="boiler pressure")
        good = await call(client, "search_memory", query="brake bleed")
    assert weak["weak_match"] is True and weak["count"] >= 1 and "only the closest items" in weak["note"]
    assert "weak_match" not in good and "note" not in good


@pytest.mark.parametrize(("error", "note"), [
    (RuntimeError("llama exploded"), "recall's local answer model failed;"),
    (ModelError("no GGUF model at /x.gguf"), "recall's local answer model is not available (no GGUF model at"),
])
async def test_ask_falls_back_to_evidence_when_the_local_model_fails(make_server, svc, monkeypatch, error, note):
    def broken(self, question, **kwargs):
        raise error

    monkeypatch.setattr(Recall, "ask", broken, raising=False)
    svc.add("the dentist is on Thursday")
    async with connect(make_server()) as client:
        out = await call(client, "ask", question="when is the dentist?")
    assert out["answer"] is None and out["citations"][0]["id"] == "1"
    assert out["note"].startswith(note) and "Answer from them yourself" in out["note"]


async def test_an_injected_answerer_gets_the_backend_and_the_arguments(make_server):
    seen = {}

    def answerer(backend, question, *, limit, since, until):
        seen.update(question=question, limit=limit, since=since, until=until, backend=backend)
        return {"answer": "42", "citations": [], "note": "fake"}

    server = make_server(answerer=answerer)
    async with connect(server) as client:
        out = await call(client, "ask", question="meaning of life?", limit=3, until="2026-11-01")
    assert out == {"question": "meaning of life?", "answer": "42", "citations": [], "note": "fake"}
    assert seen["backend"] is server.backend and seen["limit"] == 3
    assert seen["until"] == parse_time("2026-11-01", end=True) and seen["since"] is None


async def test_read_only_hides_the_tools_that_write_and_never_writes(make_server, svc, store):
    memory = svc.memories.add("semantic", "Prefers dark mode")
    async with connect(make_server(read_only=True)) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert names == READ_TOOLS
        assert "remember" not in client.instructions
        for tool, args in [("remember", {"text": "x"}), ("pin", {"id": "m1"}), ("forget", {"id": "m1"})]:
            text = await fail(client, tool, **args)
            assert f"{tool} is not available: this recall server is read-only" in text
            assert text.endswith("wanted to forget." if tool == "forget" else "wanted to store or change."), text
        await call(client, "get_memory", id="m1")
        text = (await client.read_resource("recall://profile")).contents[0].text
        assert "remember(" not in text
    assert [h["action"] for h in store.store.memory_history(memory.id)] == ["add"]  # no reinforcement
    assert store.store.count_events() == 0


async def test_structured_and_text_content_agree(make_server, svc):
    svc.add("hello world")
    async with connect(make_server()) as client:
        result = await client.call_tool("list_recent", {})
    assert json.loads(result.content[0].text) == result.structured_content


async def test_search_memory_says_where_a_paragraph_is_and_that_a_later_edit_took_it_out(make_server, svc):
    from recall_cli.importers.markdown import paragraph_hash

    path = "/home/me/notes/plans.md"
    old = svc.add("The dentist appointment is on 3 May.", source="file", kind="paragraph", session=path,
                  meta={"path": path})
    svc.add("The dentist appointment is on 10 May.", source="file", kind="paragraph", session=path,
            meta={"path": path})
    edit = svc.add(f"Edited {path}: 1 paragraph changed or removed", source="file", kind="edited",
                   meta={"path": path, "gone": [paragraph_hash(old.text)]})
    async with connect(make_server()) as client:
        out = await call(client, "search_memory", query="dentist appointment", kind="events")
    items = {r["text"]: r for r in out["results"]}
    assert items["The dentist appointment is on 3 May."]["edited_out_in"] == str(edit.id)
    assert "edited_out_in" not in items["The dentist appointment is on 10 May."]
    assert items["The dentist appointment is on 10 May."]["path"] == path

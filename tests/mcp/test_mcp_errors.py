"""Bad input reaches the model as a ToolError that says what to do instead; the server keeps serving."""

from __future__ import annotations

import re

import pytest

from recall_cli.errors import ModelError, UsageError
from recall_cli.service import Recall
from tests.mcp.helpers import call, connect, fail

pytestmark = pytest.mark.anyio

TEN_MB = "x" * (10 * 1024 * 1024)


@pytest.fixture
async def client(make_server, svc):
    svc.add("the blue pot hides the spare key")
    svc.memories.add("semantic", "Sam has a spare key")
    async with connect(make_server()) as c:
        yield c
        # whatever happened before, the server still answers
        assert (await call(c, "list_recent"))["count"] >= 1


@pytest.mark.parametrize(("tool", "args", "expected"), [
    ("get_memory", {"id": "m99"}, "no memory with id m99; ids come from search_memory, list_recent or ask results: "
                                  "events are numbers like '42', memories look like 'm7'. Use search_memory or "
                                  "list_recent to find one."),
    ("get_memory", {"id": "4242"}, "no event with id 4242; ids come from"),
    ("get_memory", {"id": 77}, "no event with id 77"),
    ("pin", {"id": "m99"}, "no memory with id m99; ids come from"),
    ("forget", {"id": "m99"}, "no memory with id m99"),
    ("forget", {"id": "99"}, "no event with id 99"),
])
async def test_unknown_ids(client, tool, args, expected):
    assert expected in await fail(client, tool, **args)


@pytest.mark.parametrize("bad", ["banana", "m", "m-1", "", "1.5", "9" * 30])
async def test_ids_that_are_not_ids(client, bad):
    text = await fail(client, "get_memory", id=bad)
    assert "is not an id; ids come from search_memory, list_recent or ask results" in text


@pytest.mark.parametrize("tool", ["forget", "get_memory", "pin"])
async def test_true_is_no_id_and_deletes_nothing(client, svc, tool):
    text = await fail(client, tool, id=True)
    assert "'id' must be a string or a whole number (got bool)" in text
    assert svc.store.get_event(1).text == "the blue pot hides the spare key"


async def test_remember_refuses_a_nul_byte_and_takes_out_terminal_escapes(client, svc):
    assert "'text' holds a NUL byte: send text, not binary data." in await fail(client, "remember", text="nul\x00byte")
    out = await call(client, "remember", text="bell\x07 esc\x1b[31mred\x1b[0m", tags=["\x1b]0;title\x07x"])
    event = svc.store.get_event(int(out["id"]))
    assert event.text == "bell escred" and event.meta["tags"] == ["x"]


async def test_pinning_an_event_explains_how_to_keep_its_fact(client):
    text = await fail(client, "pin", id="1")
    assert "'1' is an event id (a bare number names a raw captured item), and only memories (ids like 'm7') can " \
           "be pinned" in text
    assert "call remember with kind='core'" in text


@pytest.mark.parametrize(("tool", "args", "expected"), [
    ("search_memory", {"query": "   "}, "'query' is empty; call it like search_memory(query='how do we deploy"),
    ("search_memory", {"query": ""}, "'query' is empty"),
    ("ask", {"question": "\n"}, "'question' is empty; call it like ask(question="),
    ("remember", {"text": " "}, "'text' is empty; call it like remember(text="),
])
async def test_empty_text(client, tool, args, expected):
    assert expected in await fail(client, tool, **args)


async def test_missing_required_argument(client):
    text = await fail(client, "search_memory")
    assert text.startswith("Error executing tool search_memory: invalid arguments. 'query' is required; pass a few")
    assert text.endswith("Call search_memory again with corrected arguments.")


@pytest.mark.parametrize(("tool", "args", "expected"), [
    ("search_memory", {"query": ["key"]}, "'query' must be a string (got list); pass a few words"),
    ("search_memory", {"query": 42}, "'query' must be a string (got int)"),
    ("search_memory", {"query": "key", "limit": "ten"}, "'limit' must be a whole number such as 10 (got 'ten')"),
    ("search_memory", {"query": "key", "limit": 2.5}, "'limit' must be a whole number"),
    ("search_memory", {"query": "key", "limit": True}, "'limit' must be a whole number such as 10 (got True)"),
    ("search_memory", {"query": "key", "limit": "5"}, "'limit' must be a whole number such as 10 (got '5')"),
    ("search_memory", {"query": "key", "kind": "facts"},
     "'kind' must be one of 'any', 'events', 'memories', 'semantic', 'procedural', 'episodic' or 'core' "
     "(got 'facts')"),
    ("remember", {"text": "x", "kind": "fact"}, "'kind' must be one of 'note', 'semantic', 'procedural' or 'core'"),
    ("remember", {"text": "x", "tags": "deploy"}, "'tags' must be a list (got str); pass a list of at most 20"),
    ("remember", {"text": "x", "tags": [f"t{i}" for i in range(25)]}, "'tags' is too long (25 items; at most 20)"),
    ("remember", {"text": {"a": 1}}, "'text' must be a string (got dict)"),
    # (not cut to 64 characters without a word)
    ("remember", {"text": "x", "tags": ["ok", "t" * 100]}, "'tags[1]' is too long (100 characters; at most 64)"),
    ("pin", {"id": "m1", "pinned": "maybe"}, "'pinned' must be true or false (got 'maybe')"),
    ("get_memory", {"id": ["m1"]}, "'id' must be a string or a whole number (got list); ids come from"),
    ("get_memory", {"id": None}, "'id' must be a string or a whole number (got NoneType)"),
    ("list_recent", {"limit": None}, "'limit' must be a whole number"),
])
async def test_wrong_argument_types(client, tool, args, expected):
    text = await fail(client, tool, **args)
    assert expected in text, text
    assert "errors.pydantic.dev" not in text and "validation error" not in text


@pytest.mark.parametrize(("tool", "args", "maximum"), [
    ("search_memory", {"query": "key"}, 50), ("ask", {"question": "where is the key?"}, 50),
    ("list_recent", {}, 100), ("shell_history", {}, 100),
])
async def test_a_limit_of_ten_million(client, tool, args, maximum):
    text = await fail(client, tool, limit=10_000_000, **args)
    assert f"'limit' must be from 1 to {maximum} (got 10000000); ask for fewer results" in text
    # the ways to narrow it down are the tool's own arguments
    tools = {t.name: t for t in (await client.list_tools()).tools}
    narrowed = text.split("ask for fewer results", 1)[1].split(" instead", 1)[0]
    named = set(re.findall(r"\w+", narrowed)) - {"and", "narrow", "them", "with", "or"}
    assert named <= set(tools[tool].input_schema["properties"]), (tool, narrowed)
    zero = await fail(client, tool, limit=0, **args)
    assert f"'limit' must be from 1 to {maximum} (got 0). Call {tool} again" in zero  # no "ask for fewer"


async def test_ten_megabytes_of_text(client, store):
    text = await fail(client, "remember", text=TEN_MB)
    assert text == ("Error executing tool remember: invalid arguments. 'text' is too long (10,485,760 characters; "
                    "at most 20,000); pass the fact or note as plain text of at most 20,000 characters; summarise "
                    "longer content, or split it into several remember calls. Call remember again with corrected "
                    "arguments.")
    assert store.store.count_events() == 1


async def test_ten_megabytes_as_a_query_or_question(client):
    text = await fail(client, "search_memory", query=TEN_MB)
    assert "'query' is too long (10,485,760 characters; at most 4,000); pass a few words" in text
    assert "'question' is too long (10,485,760 characters; at most 4,000)" in await fail(client, "ask",
                                                                                         question=TEN_MB)


@pytest.mark.parametrize(("args", "expected"), [
    ({"since": "the day after the thing"}, "'since' is not a time I can read ('the day after the thing'); use an "
                                           "ISO date like 2026-11-01"),
    ({"until": "31/31/31"}, "'until' is not a time I can read"),
    ({"since": "2026-11-10", "until": "2026-11-01"}, "'since' is after 'until'; swap them or drop one."),
])
async def test_bad_times(client, args, expected):
    assert expected in await fail(client, "search_memory", query="key", **args)
    assert expected in await fail(client, "ask", question="where is the key?", **args)


async def test_an_unknown_tool_lists_the_real_ones(client):
    text = await fail(client, "recall_search")
    assert text == ("Unknown tool 'recall_search'; recall's tools are: search_memory, ask, get_memory, list_recent, "
                    "shell_history, remember, pin, forget, consolidate.")


async def test_a_misnamed_argument_is_refused_with_the_tools_real_arguments(client):
    # shell_history's filter is 'search': a 'query' dropped silently would list every command
    text = await fail(client, "shell_history", query="failed")
    assert text.startswith("Unknown argument 'query' for shell_history; its arguments are: ")
    assert "search" in text and "cwd" in text


async def test_a_crash_is_logged_and_the_model_is_told_what_to_do(client, monkeypatch, caplog):
    def boom(self, *args, **kwargs):
        raise KeyError("internal detail")

    monkeypatch.setattr(Recall, "search", boom)
    text = await fail(client, "search_memory", query="key")
    assert text == ("Error executing tool search_memory: recall failed unexpectedly (KeyError); the details are in "
                    "recall's log (RECALL_HOME/logs/mcp.log). Retry once; if it fails again, carry on without memory "
                    "and tell the user.")
    assert "internal detail" not in text
    assert any(r.exc_info and "internal detail" in str(r.exc_info[1]) for r in caplog.records)
    monkeypatch.undo()
    assert (await call(client, "search_memory", query="key"))["count"] >= 1


async def test_a_model_that_cannot_load(client, monkeypatch):
    def no_model(self):
        raise ModelError("embedding model 'x' is neither a registered embedder nor an existing directory")

    monkeypatch.setattr(Recall, "catch_up", no_model)
    text = await fail(client, "search_memory", query="key")
    assert "ask the user to run `recall doctor`. list_recent and get_memory still work." in text


async def test_other_recall_errors_keep_their_message(client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise UsageError("a plugin's filter_event dropped this event")

    monkeypatch.setattr(Recall, "add", refuse)
    text = await fail(client, "remember", text="hello")
    assert text == "Error executing tool remember: a plugin's filter_event dropped this event"

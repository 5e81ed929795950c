"""Helpers for talking to the MCP server in tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from recall_cli.models import Event
from tests.fakes import EMPTY_EXTRACTION, ScriptedLLM


@asynccontextmanager
async def connect(server, name: str | None = "claude-code", mode: str = "auto"):
    from mcp import Client
    from mcp.types import Implementation

    info = Implementation(name=name, version="1.0") if name else None
    async with Client(server, client_info=info, mode=mode) as client:
        yield client


async def call(client, tool: str, **args: Any) -> dict[str, Any]:
    """The structured result of a call that must succeed."""
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content[0].text
    return result.structured_content


async def fail(client, tool: str, **args: Any) -> str:
    """The error text of a call that must fail."""
    result = await client.call_tool(tool, args)
    assert result.is_error, result.structured_content
    return result.content[0].text


class GatedLLM(ScriptedLLM):
    """A stand-in for the local model that proposes nothing, one call per episode: each call
    says it began (``began()``), then waits to be let go (``gate()``): a slow consolidation
    the test steps through."""

    def __init__(self, began: Callable[[], object], gate: Callable[[], object]) -> None:
        super().__init__([], default=EMPTY_EXTRACTION)
        self.began, self.gate = began, gate

    def stream(self, chat, **kwargs):
        self.began()
        self.gate()
        yield from super().stream(chat, **kwargs)


def chat_episodes(svc, topics: Sequence[str]) -> None:
    """One two-message chat episode per topic, a day apart (oldest first, as consolidation takes them)."""
    t0 = 1_780_000_000.0
    for day, topic in enumerate(topics):
        svc.store_events([Event(f"shall we talk about {topic}?", t0 + day * 86400, source="chat", session=f"s{day}",
                                actor="Ana"),
                          Event(f"yes, {topic} sounds good", t0 + day * 86400 + 60, source="chat", session=f"s{day}",
                                actor="Ben")])

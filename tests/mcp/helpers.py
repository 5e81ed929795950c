"""Helpers for talking to the MCP server in tests."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any


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

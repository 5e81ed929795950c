"""Built-in event sources."""

from __future__ import annotations

from typing import Any

from .hookspecs import hookimpl

SOURCES = {
    "note": "text added with `recall add` or imported notes",
    "chat": "messages imported from chat exports",
    "shell": "commands recorded by the shell hook",
    "file": "paragraphs of watched files",
    "screen": "focus spans of the active window",
    "mcp": "memories written by coding agents over MCP",
}


@hookimpl
def register_sources(register: Any) -> None:
    for name, description in SOURCES.items():
        register(name, description)

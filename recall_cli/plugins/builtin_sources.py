"""Built-in event sources."""

from __future__ import annotations

from collections.abc import Callable

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
def register_sources(register: Callable[[str, str], None]) -> None:
    """recall's own event sources, with what each holds."""
    for name, description in SOURCES.items():
        register(name, description)

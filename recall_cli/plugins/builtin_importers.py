"""Built-in import formats, registered through the same hook as third-party ones."""

from __future__ import annotations

from typing import Any

from .hookspecs import hookimpl


@hookimpl
def register_importers(register: Any) -> None:
    from ..importers.beam import BeamImporter
    from ..importers.chatgpt import ChatGPTImporter
    from ..importers.claude import ClaudeImporter
    from ..importers.jsonl import JsonlImporter
    from ..importers.locomo import LocomoImporter
    from ..importers.longmemeval import LongMemEvalImporter
    from ..importers.markdown import MarkdownImporter

    # Order matters for --format auto: specific JSON shapes before generic ones,
    # JSON Lines next, and markdown last because it accepts any text.
    register(LocomoImporter())
    register(LongMemEvalImporter())
    register(BeamImporter())
    register(ChatGPTImporter())
    register(ClaudeImporter())
    register(JsonlImporter())
    register(MarkdownImporter())

"""Built-in import formats, registered through the same hook as third-party ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .hookspecs import hookimpl

if TYPE_CHECKING:
    from ..importers.base import Importer


@hookimpl
def register_importers(register: Callable[[Importer], None]) -> None:
    """Every built-in format, most specific first (the order --format auto tries them in)."""
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

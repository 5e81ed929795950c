"""Built-in import formats, registered through the same hook as third-party ones."""

from __future__ import annotations

from typing import Any

from .hookspecs import hookimpl


@hookimpl
def register_importers(register: Any) -> None:
    from ..importers.jsonl import JsonlImporter
    from ..importers.locomo import LocomoImporter

    # Order matters for --format auto: specific JSON shapes before generic ones.
    register(LocomoImporter())
    register(JsonlImporter())

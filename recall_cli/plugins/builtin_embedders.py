"""Built-in embedders: the bundled all-MiniLM-L6-v2."""

from __future__ import annotations

from typing import Any

from .hookspecs import hookimpl


def _minilm(config: Any) -> Any:
    from ..search.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder.from_config(config)


@hookimpl
def register_embedders(register: Any) -> None:
    register("minilm", _minilm)

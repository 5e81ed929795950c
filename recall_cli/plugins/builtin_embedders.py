"""Built-in embedders: the bundled all-MiniLM-L6-v2."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .hookspecs import EmbedderFactory, hookimpl

if TYPE_CHECKING:
    from ..config import Config
    from ..search.embed import Embedder


def _minilm(config: Config) -> Embedder:
    from ..search.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder.from_config(config)


@hookimpl
def register_embedders(register: Callable[[str, EmbedderFactory], None]) -> None:
    """The bundled sentence embedder, as ``minilm``."""
    register("minilm", _minilm)

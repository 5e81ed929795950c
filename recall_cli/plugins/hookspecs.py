"""Plugin hook specifications (pluggy, project name ``recall``).

Built-in features register through these same hooks. Third-party plugins are packages
exposing an entry point in the ``recall`` group.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # the types the hooks pass; importing them here would load the CLI and models
    import typer

    from ..capture.screen import WindowInfo
    from ..config import Config
    from ..importers.base import Importer
    from ..models import Event
    from ..search.embed import Embedder

hookspec = pluggy.HookspecMarker("recall")
hookimpl = pluggy.HookimplMarker("recall")

EmbedderFactory = Callable[["Config"], "Embedder"]


class RecallSpec:
    """The hooks a recall plugin may implement."""

    @hookspec
    def register_commands(self, app: typer.Typer) -> None:
        """Add commands or command groups to the typer ``app``."""

    @hookspec
    def register_importers(self, register: Callable[[Importer], None]) -> None:
        """Call ``register(importer)`` for each import format (see recall_cli.importers.base)."""

    @hookspec
    def register_sources(self, register: Callable[[str, str], None]) -> None:
        """Call ``register(name, description)`` for each kind of event source."""

    @hookspec
    def register_embedders(self, register: Callable[[str, EmbedderFactory], None]) -> None:
        """Call ``register(name, factory)``; ``factory(config)`` returns an Embedder."""

    @hookspec
    def filter_event(self, event: Event) -> Event | None:
        """Return the event (possibly changed) to keep it, or None to drop it before storage."""

    @hookspec
    def screen_text(self, window: WindowInfo, home: Path) -> str | None:
        """Return the text shown in ``window`` (a capture.screen.WindowInfo), or None.

        Called by the screen watcher when ``screen.ocr`` is on, at most once a minute per focus
        span; ``home`` is RECALL_HOME (for a plugin's own state). Return None for text already
        returned recently: the watcher stores every string it gets."""

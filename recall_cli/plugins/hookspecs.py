"""Plugin hook specifications (pluggy, project name ``recall``).

Built-in features register through these same hooks. Third-party plugins are packages
exposing an entry point in the ``recall`` group.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("recall")
hookimpl = pluggy.HookimplMarker("recall")


class RecallSpec:
    """The hooks a recall plugin may implement."""

    @hookspec
    def register_commands(self, app: Any) -> None:
        """Add commands or command groups to the typer ``app``."""

    @hookspec
    def register_importers(self, register: Any) -> None:
        """Call ``register(importer)`` for each import format (see recall_cli.importers.base)."""

    @hookspec
    def register_sources(self, register: Any) -> None:
        """Call ``register(name, description)`` for each kind of event source."""

    @hookspec
    def register_embedders(self, register: Any) -> None:
        """Call ``register(name, factory)``; ``factory(config)`` returns an Embedder."""

    @hookspec
    def filter_event(self, event: Any) -> Any:
        """Return the event (possibly changed) to keep it, or None to drop it before storage."""

    @hookspec
    def screen_text(self, window: Any, home: Any) -> Any:
        """Return the text shown in ``window`` (a capture.screen.WindowInfo), or None.

        Called by the screen watcher when ``screen.ocr`` is on, at most once a minute per focus
        span; ``home`` is RECALL_HOME (for a plugin's own state). Return None for text already
        returned recently: the watcher stores every string it gets."""

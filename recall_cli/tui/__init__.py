"""The Textual TUI: `recall tui`. Importing this package imports textual (heavy): do it lazily."""

from __future__ import annotations

from typing import Any


def build_app(service: Any, **kwargs: Any) -> Any:
    """The app over a Recall service (see recall_cli.tui.app.build_app)."""
    from .app import build_app as build

    return build(service, **kwargs)

"""`recall tui`: the full-screen terminal UI (textual is imported only when it runs)."""

from __future__ import annotations

import sys

import typer

from ..errors import UsageError
from .common import service


def register(app: typer.Typer) -> None:
    app.command("tui")(tui)


def tui(
    no_daemon: bool = typer.Option(False, "--no-daemon", help="Search in-process even when `recall serve` runs."),
) -> None:
    """Browse, search and curate your memory in a full-screen terminal UI.

    Timeline by day, live search, memories with their strength, provenance and history;
    pin, edit, forget, consolidate and ask. Every action is also a recall command. Press ?
    inside for the keys.
    """
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise UsageError("recall tui needs a terminal (use recall search / recall memories in scripts)")
    try:
        import textual  # noqa: F401 - the TUI's optional dependency, checked before the TUI loads
    except ImportError as exc:
        raise UsageError(f"the TUI needs textual ({exc.name}): pip install textual") from None
    from ..tui.app import build_app

    app = build_app(service(), use_daemon=not no_daemon)
    app.run()
    if app.return_code:  # a crash Textual printed is a failure, not a normal quit
        raise typer.Exit(app.return_code)

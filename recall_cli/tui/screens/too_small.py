"""Shown instead of the app while the terminal is smaller than it needs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24


class TooSmallScreen(Screen[None]):
    DEFAULT_CSS = """
    TooSmallScreen {
        align: center middle;
        #too-small { width: auto; max-width: 100%; height: auto; text-align: center; color: $warning; }
    }
    """

    BINDINGS = [Binding("q,ctrl+c", "app.quit", "Quit", id="too-small-quit")]

    def compose(self) -> ComposeResult:
        yield Static("", id="too-small")

    def on_mount(self) -> None:
        self.show_size(self.app.size.width, self.app.size.height)

    def show_size(self, width: int, height: int) -> None:
        """Say how large the terminal is and how large it must be."""
        self.query_one("#too-small", Static).update(
            f"Terminal too small: {width}x{height}.\n"
            f"recall needs at least {MIN_WIDTH}x{MIN_HEIGHT}.\n"
            "Make the window larger, or press q to quit."
        )

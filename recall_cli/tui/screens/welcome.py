"""The first-run screen: an empty store says how to add or import."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..widgets.common import recall_app

STEPS = [
    ("n", "write a first note right here"),
    ('recall add "text"', "add a note from the shell"),
    ("recall import FILE", "import Markdown notes, ChatGPT/Claude exports, JSONL"),
    ('eval "$(recall init bash)"', "remember your shell commands (zsh and fish too)"),
    ("recall watch --add DIR", "keep the text files of a folder as you edit them"),
    ("recall screen watch", "record which window is active (also recall serve)"),
]


def welcome_text(home: str) -> Text:
    """What to do first, and where the store is."""
    t = Text("Welcome to recall\n\n", style="bold")
    t.append("Your memory is empty. recall keeps what you add, import or capture, on this machine only.\n\n")
    for command, what in STEPS:
        t.append(f"  {command:<28}", style="bold cyan")
        t.append(f"{what}\n")
    t.append(f"\nStore: {home}\n", style="dim")
    t.append("\nPress n to write a note, r to check again, ? for help, q to quit.", style="italic")
    return t


class WelcomeScreen(Screen[None]):
    DEFAULT_CSS = """
    WelcomeScreen {
        align: center middle;
        #welcome { width: 86; max-width: 100%; height: auto; border: round $accent; padding: 1 2; }
    }
    """

    BINDINGS = [
        Binding("n", "app.add_note", "Write a note", id="welcome-add"),
        Binding("r", "app.check_empty", "Check again", id="welcome-reload"),
        Binding("question_mark", "app.help", "Help", id="welcome-help"),
        Binding("q", "app.quit", "Quit", id="welcome-quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome"):
            yield Static(welcome_text(str(recall_app(self).backend.svc.config.home)), id="welcome-text")
        yield Footer()

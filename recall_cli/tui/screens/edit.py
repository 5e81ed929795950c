"""Editing a text: a memory correction (`recall edit`) or a new note (`recall add`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea


class EditScreen(ModalScreen[str | None]):
    """Returns the new text (ctrl+s) or None (escape)."""

    DEFAULT_CSS = """
    EditScreen {
        align: center middle;
        #edit-box { width: 80%; min-width: 60; height: 70%; min-height: 12; border: thick $accent;
                    background: $surface; padding: 0 1; }
        #edit-title { height: auto; text-style: bold; }
        #edit-help { height: auto; color: $text-muted; }
        TextArea { height: 1fr; }
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="edit-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="edit-cancel"),
    ]

    def __init__(self, title: str, text: str = "", help: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.help_text = help or "ctrl+s saves · escape cancels"

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-box"):
            yield Static(self.title_text, id="edit-title", markup=False)
            yield TextArea(self.text, id="edit-text", soft_wrap=True, show_line_numbers=False)
            yield Static(self.help_text, id="edit-help", markup=False)

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""The help screen (?): every key binding, its id, and the CLI command doing the same."""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# The CLI twin of every action: the TUI and the CLI go through the same service calls.
CLI = {
    "pin": "recall pin m7 / recall unpin m7",
    "edit": "recall edit m7 --text '...'",
    "forget": "recall forget 42 m7",
    "consolidate": "recall consolidate --episode 12",
    "consolidate-all": "recall consolidate",
    "ask": "recall ask 'question'",
    "search": "recall search 'words'",
    "add": "recall add 'text'",
    "open": "recall show 42 / recall show m7",
    "memories": "recall memories --kind semantic --zone fading",
}

TIPS = """\
Enter opens the highlighted item; links in the detail pane (provenance, memories,
episode) open with Enter too, and Backspace goes back. Tab moves between panes.
Search understands time phrases: "deploy last week", "dentist in May 2025".
Timeline dates: 2026-11, 2026-11-01..2026-11-15, yesterday, last week.
Long work (consolidate, ask) runs in the background: keep browsing meanwhile."""


def bindings_table(sections: list[tuple[str, list[Binding]]],
                   key_display: Callable[[Binding], str] | None = None) -> Table:
    """Every binding with an id, once, under the name of where it works: its key (as
    ``key_display`` shows it), what it does, its id (what ``tui.keymap`` names), its CLI twin."""
    table = Table(box=None, padding=(0, 2, 0, 0), show_header=True, header_style="bold")
    table.add_column("key", style="bold cyan", no_wrap=True)
    table.add_column("does")
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("in the CLI", style="italic")
    seen: set[str] = set()
    for title, bindings in sections:
        fresh = [b for b in bindings if b.id and b.id not in seen]
        if not fresh:
            continue
        if title:
            table.add_row(Text(title, style="bold"), "", "", "")
        for b in fresh:
            seen.add(str(b.id))
            keys = key_display(b) if key_display else b.key
            table.add_row(keys, b.description, b.id, CLI.get(str(b.id), ""))
    return table


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        #help-box { width: 96%; max-width: 120; height: 90%; border: thick $accent; background: $surface;
                    padding: 0 1; }
    }
    """

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help-close")]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("recall · keys (escape closes)", style="bold"))
            yield Static(bindings_table(self.sections, self.app.get_key_display), id="help-keys")
            yield Static(Text("\n" + TIPS), id="help-tips")

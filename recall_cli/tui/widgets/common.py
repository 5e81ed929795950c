"""What the views share: item refs, the messages they post, and how items look.

An item ref is what the CLI takes where it can ("42" for an event, "m7" for a memory),
plus "ep:12" for an episode and "day:2026-11-22" for a day of the timeline.
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList

from ...timeutil import from_ts

SOURCE_STYLE = {
    "note": "bold green", "chat": "bold magenta", "shell": "bold cyan", "file": "bold yellow",
    "screen": "bold blue", "mcp": "bold red",
}
ZONE_STYLE = {"active": "green", "fading": "yellow", "dormant": "red"}


def kind_of(ref: str) -> str:
    """'event', 'memory', 'episode' or 'day'."""
    if ref.startswith("ep:"):
        return "episode"
    if ref.startswith("day:"):
        return "day"
    if ref.startswith("m"):
        return "memory"
    return "event"


def source_tag(source: str, width: int = 6) -> Text:
    return Text(f"{source:<{width}}", style=SOURCE_STYLE.get(source, "bold"))


def hhmm(ts: float) -> str:
    return from_ts(ts).strftime("%H:%M")


def one_line(text: str, width: int = 80) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 event', '2 events', '3 memories' (with ``many``)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def strength_bar(retention: float, zone: str, width: int = 10) -> Text:
    """A retention bar: filled cells in the zone's colour, the rest dim."""
    retention = max(0.0, min(1.0, retention))
    filled = round(retention * width)
    bar = Text("█" * filled, style=ZONE_STYLE.get(zone, ""))
    bar.append("░" * (width - filled), style="dim")
    return bar


class ItemHighlighted(Message):
    """The cursor moved onto an item: preview it in the detail pane."""

    def __init__(self, ref: str | None, origin: Widget | None = None) -> None:
        super().__init__()
        self.ref = ref
        self.origin = origin  # the view it came from: only the visible view drives the pane


class ItemOpened(Message):
    """The user chose an item (Enter or a click): open it in the detail pane."""

    def __init__(self, ref: str, push: bool = False) -> None:
        super().__init__()
        self.ref = ref
        self.push = push  # a link inside the detail pane: Back returns to where it was


class RefOptionsMixin:
    """For a view whose items sit in an OptionList with event/memory refs as option ids:
    the highlighted ref, and the list's moves turned into ItemHighlighted/ItemOpened."""

    ref_list_id = ""  # the OptionList's id

    def current_ref(self) -> str | None:
        options = self.query_one(f"#{self.ref_list_id}", OptionList)  # type: ignore[attr-defined]
        if options.highlighted is None or not options.option_count:
            return None
        return options.get_option_at_index(options.highlighted).id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self.post_message(ItemHighlighted(event.option.id, self))  # type: ignore[attr-defined,arg-type]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(ItemOpened(event.option.id))  # type: ignore[attr-defined]

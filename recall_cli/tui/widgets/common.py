"""What the views share: item refs, the messages they post, and how items look.

An item ref is what the CLI takes where it can ("42" for an event, "m7" for a memory),
plus "ep:12" for an episode and "day:2026-11-22" for a day of the timeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.dom import DOMNode
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList

from ...timeutil import from_ts

if TYPE_CHECKING:  # the app imports the screens, which import these widgets
    from ..app import RecallApp

    _ViewBase = Widget
else:
    # Textual takes CSS from the first DOMNode base only: a Widget mixin listed first would
    # hide the container's CSS (``class V(RefOptionsMixin, Vertical)`` would lose Vertical's)
    _ViewBase = object

SOURCE_STYLE = {
    "note": "bold green", "chat": "bold magenta", "shell": "bold cyan", "file": "bold yellow",
    "screen": "bold blue", "mcp": "bold red",
}
ZONE_STYLE = {"active": "green", "fading": "yellow", "dormant": "red"}


def recall_app(node: DOMNode) -> RecallApp:
    """The app ``node`` runs in, as the RecallApp it always is (Textual types it as a plain App)."""
    return cast("RecallApp", node.app)


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
    """The source's name, padded to ``width``, in its colour."""
    return Text(f"{source:<{width}}", style=SOURCE_STYLE.get(source, "bold"))


def hhmm(ts: float) -> str:
    """The local time of day of ``ts``."""
    return from_ts(ts).strftime("%H:%M")


def one_line(text: str, width: int = 80) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


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


class ItemGone(Message):
    """The item asked for is no longer in the store (forgotten outside the TUI): the lists
    showing it are stale."""

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref


class ItemOpened(Message):
    """The user chose an item (Enter or a click): open it in the detail pane."""

    def __init__(self, ref: str, push: bool = False) -> None:
        super().__init__()
        self.ref = ref
        self.push = push  # a link inside the detail pane: Back returns to where it was


class RefOptionsMixin(_ViewBase):
    """For a view whose items sit in an OptionList with event/memory refs as option ids:
    the highlighted ref, and the list's moves turned into ItemHighlighted/ItemOpened.

    Mix it into a Widget (``class V(RefOptionsMixin, Vertical)``); the type checker sees it
    as one.
    """

    ref_list_id = ""  # the OptionList's id

    def current_ref(self) -> str | None:
        """The highlighted item's ref, None when the list is empty."""
        options = self.query_one(f"#{self.ref_list_id}", OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return options.get_option_at_index(options.highlighted).id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self.post_message(ItemHighlighted(event.option.id, self))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(ItemOpened(event.option.id))

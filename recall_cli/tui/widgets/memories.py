"""Memories by kind and zone, each with its strength bar (the same list as `recall memories`)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Select, Static

from ...memory.book import KINDS, MemoryView
from ...render import plural
from .common import ItemHighlighted, ItemOpened, one_line, recall_app, strength_bar

KIND_SHORT = {"semantic": "sem", "procedural": "proc", "episodic": "epi", "core": "core"}
ZONE_CHOICES = [("active + fading", "default"), ("active", "active"), ("fading", "fading"),
                ("dormant", "dormant"), ("every zone", "all")]


class MemoriesView(Vertical):
    DEFAULT_CSS = """
    MemoriesView {
        #memory-filters { height: 1; margin-bottom: 1; }
        #memory-filters Select { width: 20; margin-right: 1; }
        #memory-count { width: 1fr; color: $text-muted; }
        #memory-table { height: 1fr; }
        #memory-empty { color: $text-muted; padding: 1 2; display: none; }
        &.-empty #memory-empty { display: block; }
        &.-empty #memory-table { display: none; }
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind: str | None = None
        self.zone = "default"
        self.views: list[MemoryView] = []
        self._filled_width = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="memory-filters"):
            yield Select([(k, k) for k in KINDS], prompt="every kind", compact=True, id="memory-kind")
            yield Select(ZONE_CHOICES, value="default", allow_blank=False, compact=True, id="memory-zone")
            yield Static("", id="memory-count")
        yield DataTable(id="memory-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="memory-empty")

    @property
    def table(self) -> DataTable[Text]:
        """The memories, one row each, keyed by their ref."""
        return self.query_one("#memory-table", DataTable)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Load the memories of the chosen kind and zone (in a worker)."""
        kinds = [self.kind] if self.kind else None
        zone = self.zone
        zones = None if zone in {"default", "all"} else [zone]
        app = recall_app(self)
        at = app.now()
        backend = app.backend
        app.background(lambda: backend.memories(kinds, zones, include_all=zone == "all", at=at),
                       lambda views: self._show(views, kinds, zone), group="memories")

    def _show(self, views: list[MemoryView], kinds: list[str] | None, zone: str) -> None:
        if zone != self.zone or kinds != ([self.kind] if self.kind else None):
            return
        self.views = views
        table = self.table
        keep = self.current_ref()
        table.clear()
        self._fill(views)
        self.query_one("#memory-count", Static).update(plural(len(views), "memory", "memories"))
        self.set_class(not views, "-empty")
        if not views:
            what = "in this kind and zone" if (kinds or zone != "default") else "yet"
            self.query_one("#memory-empty", Static).update(
                f"No memories {what}. Press c to consolidate the selected episode (or C for all "
                "pending ones): recall distils events into memories.")
        elif keep is not None:
            keys = [f"m{v.memory.id}" for v in views]
            if keep in keys:
                table.move_cursor(row=keys.index(keep))

    def _text_width(self) -> int:
        """What is left for the text once id, strength, kind and cell padding are drawn."""
        width = self.size.width or 48
        return max(16, width - (4 + 8 + 4) - 4 * 2 - 2)

    def _fill(self, views: list[MemoryView]) -> None:
        table = self.table
        table.clear(columns=True)
        width = self._text_width()
        self._filled_width = width
        table.add_column("id", width=4, key="id")
        table.add_column("strength", width=8, key="strength")
        table.add_column("memory", width=width, key="text")
        table.add_column("kind", width=4, key="kind")
        for v in views:
            m = v.memory
            ref = f"m{m.id}"
            text = Text("⚑ " if m.pinned else "", style="bold yellow")
            text.append(one_line(m.text, width - len(text)))
            table.add_row(Text(ref, style="bold"), strength_bar(v.retention, v.zone, 8), text,
                          Text(KIND_SHORT.get(m.kind, m.kind), style="italic"), key=ref)

    def on_resize(self) -> None:
        if self.views and self._text_width() != self._filled_width:
            keep = self.current_ref()
            self._fill(self.views)
            keys = [f"m{v.memory.id}" for v in self.views]
            if keep in keys:
                self.table.move_cursor(row=keys.index(keep))

    def current_ref(self) -> str | None:
        """The highlighted memory's ref, None when the list is empty."""
        table = self.table
        if not table.row_count:
            return None
        try:
            return table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        except Exception:
            return None

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "memory-kind":
            self.kind = event.value if isinstance(event.value, str) else None
        else:
            self.zone = event.value if isinstance(event.value, str) else "default"
        self.reload()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key is not None and event.row_key.value:
            self.post_message(ItemHighlighted(event.row_key.value, self))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key is not None and event.row_key.value:
            self.post_message(ItemOpened(event.row_key.value))

"""The timeline: days, the episodes of each day, and their events, newest first.

Children load in workers when a node opens, so a long history never blocks the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from ...models import Event
from ...render import plural
from ...store.timeline import Day, Filters, Group
from ...timeutil import from_ts
from .common import ItemHighlighted, ItemOpened, hhmm, one_line, recall_app, source_tag
from .filters import FilterBar

DAYS_PER_PAGE = 60


@dataclass
class Node:
    kind: str  # day, episode, event, more
    ref: str | None = None
    day: str | None = None
    episode_id: int | None = None
    loaded: bool = False


def day_label(day: Day, today: date) -> Text:
    """A day's line: its date (today, yesterday) and how many events of each source."""
    d = date.fromisoformat(day.day)
    name = d.strftime("%a %d %b %Y")
    if d == today:
        name += " · today"
    elif d == today - timedelta(days=1):
        name += " · yesterday"
    label = Text(name, style="bold")
    label.append(f"  {plural(day.events, 'event')}  ", style="dim")
    label.append(" ".join(f"{s} {n}" for s, n in sorted(day.by_source.items(), key=lambda x: -x[1])), style="dim")
    return label


def group_label(group: Group) -> Text:
    """An episode's line: its time span, source, title and size."""
    span = hhmm(group.ts_start)
    if hhmm(group.ts_end) != span:
        span += f"–{hhmm(group.ts_end)}"
    label = Text(f"{span:<12}")
    label.append_text(source_tag(group.source))
    label.append(" " + one_line(group.title, 50))
    label.append(f"  {group.events} events", style="dim")
    if group.status in {"pending", "retry"}:
        label.append(f" · {group.status}", style="italic yellow")
    return label


def event_label(event: Event, indent: bool = False) -> Text:
    """An event's line: its time, source and (the start of) its text; a failed command's exit code."""
    label = Text(f"{hhmm(event.ts_start):<12}" if not indent else f"{hhmm(event.ts_start)}  ")
    label.append_text(source_tag(event.source))
    prefix = "$ " if event.source == "shell" else (f"{event.actor}: " if event.actor else "")
    label.append(" " + one_line(prefix + event.text, 70))
    code = event.meta.get("exit_code", event.meta.get("exit")) if event.source == "shell" else None
    if isinstance(code, int) and code != 0:
        label.append(f"  ✗ exit {code}", style="bold red")  # a failed command stands out
    return label


class TimelineTree(Tree[Node]):
    """The tree, with right/left to open and close (and left to go up)."""

    BINDINGS = [
        Binding("right", "open_node", "Open", show=False, id="timeline-open"),
        Binding("left", "close_node", "Close", show=False, id="timeline-close"),
    ]

    def action_open_node(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            node.expand()
        elif node is not None and node.children:
            self.move_cursor(node.children[0])

    def action_close_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)


class TimelineView(Vertical):
    """Filter bar and tree. Posts ItemHighlighted / ItemOpened with refs."""

    DEFAULT_CSS = """
    TimelineView {
        Tree { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
        #timeline-empty { color: $text-muted; padding: 1 2; display: none; }
        &.-empty #timeline-empty { display: block; }
        &.-empty Tree { display: none; }
    }
    """

    def __init__(self, sources: list[str], kinds: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sources = sources
        self._kinds = kinds
        self.filters = Filters()
        self.loaded_days: list[str] = []
        self._restore: tuple[str | None, set[str], list[str]] | None = None
        self._found_cursor = False  # the cursor's own node came back: its neighbours no longer count

    def compose(self) -> ComposeResult:
        yield FilterBar(self._sources, self._kinds, recall_app(self).now(), id="timeline-filters")
        tree = TimelineTree("timeline", id="timeline-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree
        yield Static("", id="timeline-empty")

    @property
    def timeline_tree(self) -> TimelineTree:
        """The tree (not ``tree``: DOMNode.tree is Textual's own view of the DOM)."""
        return self.query_one("#timeline-tree", TimelineTree)

    def on_mount(self) -> None:
        self.reload()

    # -- loading ----------------------------------------------------------------------------
    def reload(self, keep: bool = True) -> None:
        """Reload from the store; ``keep`` restores open nodes and the cursor (after a change)."""
        self._restore = self._state() if keep and self.loaded_days else None
        self._found_cursor = False
        filters = self.filters
        app = recall_app(self)
        app.background(lambda: app.backend.days(filters, DAYS_PER_PAGE),
                       lambda days: self._show_days(days, filters, fresh=True), group="timeline")

    def _show_days(self, days: list[Day], filters: Filters, fresh: bool) -> None:
        if filters != self.filters:
            return
        tree = self.timeline_tree
        if fresh:
            tree.clear()
            self.loaded_days = []
        else:
            for child in list(tree.root.children):
                if child.data and child.data.kind == "more":
                    child.remove()
        today = from_ts(recall_app(self).now()).date()
        first = None
        restore = self._restore if fresh else None
        for day in days:
            node = tree.root.add(day_label(day, today), Node("day", f"day:{day.day}", day.day), expand=False)
            self.loaded_days.append(day.day)
            first = first or node
            self._place(node)
        if len(days) >= DAYS_PER_PAGE:
            tree.root.add_leaf(Text("… older days (Enter)", style="italic dim"), Node("more"))
        empty = not self.loaded_days
        self.set_class(empty, "-empty")
        if empty:
            self.query_one("#timeline-empty", Static).update(
                "Nothing matches these filters." if filters.active else "No events yet.")
        if fresh and first is not None and restore is None:
            first.expand()
            self._cursor_to(first)

    def _state(self) -> tuple[str | None, set[str], list[str]]:
        """The cursor's ref, the refs of open nodes, and where the cursor goes when its own node
        is gone (forgotten): its parent, then the row above, then the row below, the last
        that comes back winning."""
        tree = self.timeline_tree
        node = tree.cursor_node
        cursor = node.data.ref if node is not None and node.data is not None else None
        near: list[str] = []
        if node is not None and node.parent is not None and node in node.parent.children:
            siblings = list(node.parent.children)
            at = siblings.index(node)
            near = [n.data.ref for n in (node.parent, *siblings[max(at - 1, 0):at], *siblings[at + 1:at + 2])
                    if n.data is not None and n.data.ref]
        expanded: set[str] = set()

        def walk(parent: TreeNode[Node]) -> None:
            for child in parent.children:
                if child.is_expanded and child.data is not None and child.data.ref:
                    expanded.add(child.data.ref)
                    walk(child)

        walk(tree.root)
        return cursor, expanded, near

    def _place(self, node: TreeNode[Node]) -> None:
        """Re-open a node that was open, and put the cursor back where it was, after a reload."""
        if self._restore is None or node.data is None:
            return
        cursor, expanded, near = self._restore
        if node.data.ref in expanded:
            node.expand()
        if node.data.ref == cursor:
            self._found_cursor = True
            self._cursor_to(node)
        elif node.data.ref in near and not self._found_cursor:
            self._cursor_to(node)

    def _cursor_to(self, node: TreeNode[Node]) -> None:
        tree = self.timeline_tree
        tree.call_after_refresh(tree.move_cursor, node)  # once the new lines are laid out

    def _load_children(self, node: TreeNode[Node]) -> None:
        data = node.data
        if data is None or data.loaded:
            return
        data.loaded = True
        filters = self.filters
        app = recall_app(self)
        backend = app.backend
        day = data.day
        if data.kind == "day" and day is not None:

            def load() -> tuple[list[Group], dict[int | None, Event]]:
                groups = backend.groups(day, filters)
                singles = [g.first_event for g in groups if g.events == 1 or g.episode_id is None]
                events = {e.id: e for e in backend.events(Filters(), ids=singles)} if singles else {}
                return groups, events

            app.background(load, lambda found: self._add_groups(node, *found), group="timeline")
        elif data.kind == "episode":
            app.background(lambda: backend.events(filters, episode_id=data.episode_id, day=day),
                           lambda events: self._add_events(node, events), group="timeline")

    def _add_groups(self, node: TreeNode[Node], groups: list[Group], events: dict[int | None, Event]) -> None:
        node.remove_children()
        for group in groups:
            if group.events == 1 or group.episode_id is None:
                event = events.get(group.first_event)
                if event is not None:
                    self._place(node.add_leaf(event_label(event), Node("event", str(event.id), group_day(node),
                                                                       group.episode_id)))
                continue
            self._place(node.add(group_label(group), Node("episode", f"ep:{group.episode_id}", group_day(node),
                                                          group.episode_id)))

    def _add_events(self, node: TreeNode[Node], events: list[Event]) -> None:
        node.remove_children()
        for event in events:
            self._place(node.add_leaf(event_label(event, indent=True),
                                      Node("event", str(event.id), group_day(node), event.episode_id)))

    def current_ref(self) -> str | None:
        """The ref under the cursor (None on the "older days" line)."""
        node = self.timeline_tree.cursor_node
        return node.data.ref if node is not None and node.data is not None else None

    # -- events -------------------------------------------------------------------------------
    def on_filter_bar_changed(self, message: FilterBar.Changed) -> None:
        message.stop()
        self.filters = message.filters
        self.reload(keep=False)

    def on_tree_node_expanded(self, message: Tree.NodeExpanded) -> None:
        message.stop()
        self._load_children(message.node)

    def on_tree_node_highlighted(self, message: Tree.NodeHighlighted) -> None:
        message.stop()
        data = message.node.data
        if data is not None and data.ref:
            self.post_message(ItemHighlighted(data.ref, self))

    def on_tree_node_selected(self, message: Tree.NodeSelected) -> None:
        message.stop()
        data = message.node.data
        if data is None:
            return
        if data.kind == "more":
            filters = self.filters
            before = self.loaded_days[-1]
            app = recall_app(self)
            app.background(lambda: app.backend.days(filters, DAYS_PER_PAGE, before),
                           lambda days: self._show_days(days, filters, fresh=False), group="timeline")
        elif data.kind == "event" and data.ref is not None:
            self.post_message(ItemOpened(data.ref))


def group_day(node: TreeNode[Node]) -> str | None:
    """The day a node's children belong to."""
    return node.data.day if node.data else None

"""The main screen: timeline, search, memories and ask on the left, the detail pane on the right.

Every action works on the item shown in the detail pane, goes through the service layer,
and has a CLI twin (see the help screen).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TabbedContent, TabPane, Tabs

from ...capture.secrets import redact
from ...errors import NotFoundError, RecallError
from ...models import ForgetPlan, Memory
from ...render import plural, replaced
from ...service import SOURCES
from ..widgets.ask import AskView
from ..widgets.common import ItemGone, ItemHighlighted, ItemOpened, kind_of, one_line, recall_app
from ..widgets.detail import DetailPane
from ..widgets.filters import FilterBar
from ..widgets.jobbar import JobBar
from ..widgets.memories import MemoriesView
from ..widgets.search import SearchView
from ..widgets.timeline import TimelineView
from .confirm import ConfirmScreen
from .edit import EditScreen


class MainScreen(Screen[None]):
    DEFAULT_CSS = """
    MainScreen {
        #topbar { height: 1; background: $panel; color: $text; padding: 0 1; }
        #body { height: 1fr; }
        #views { width: 3fr; min-width: 40; }  /* laid out even under the too-small screen: never 0 wide */
        #views > ContentSwitcher { height: 1fr; }
        TabPane { padding: 0; }
        #detail { width: 2fr; min-width: 32; }
    }
    """

    BINDINGS = [
        Binding("question_mark", "app.help", "Help", id="help"),
        Binding("slash", "search", "Search", id="search"),
        Binding("1", "tab('timeline')", "Timeline", show=False, id="timeline"),
        Binding("2", "tab('search')", "Search tab", show=False, id="search-tab"),
        Binding("3", "tab('memories')", "Memories", show=False, id="memories"),
        Binding("4", "tab('ask')", "Ask tab", show=False, id="ask-tab"),
        Binding("p", "pin", "Pin", id="pin"),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("f", "forget", "Forget", id="forget"),
        Binding("c", "consolidate", "Consolidate", id="consolidate"),
        Binding("C", "consolidate_all", "Consolidate all", show=False, id="consolidate-all"),
        Binding("a", "ask", "Ask", id="ask"),
        Binding("d", "dates", "Dates", show=False, id="dates"),
        Binding("n", "app.add_note", "Note", show=False, id="add"),
        Binding("backspace", "back", "Back", show=False, id="back"),
        Binding("r", "refresh", "Refresh", show=False, id="refresh"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("recall", id="topbar")
        with Horizontal(id="body"):
            with TabbedContent(id="views", initial="timeline"):
                with TabPane("Timeline", id="timeline"):
                    yield TimelineView(list(SOURCES), [], id="timeline-view")
                with TabPane("Search", id="search"):
                    yield SearchView(id="search-view")
                with TabPane("Memories", id="memories"):
                    yield MemoriesView(id="memories-view")
                with TabPane("Ask", id="ask"):
                    yield AskView(id="ask-view")
            yield DetailPane(id="detail")
        yield JobBar(id="jobbar")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a text box has focus, "/" is typed, not bound: keep it off the footer too."""
        if action == "search" and isinstance(self.focused, Input):
            return False
        return True

    def on_mount(self) -> None:
        self.refresh_counts()
        app = recall_app(self)
        app.background(app.backend.filter_choices, self._set_choices, group="choices")
        self.query_one("#timeline-tree").focus()

    def _set_choices(self, choices: tuple[list[str], list[str]]) -> None:
        self.query_one(FilterBar).set_kinds(choices[1])

    # -- shared state -------------------------------------------------------------------------
    @property
    def detail(self) -> DetailPane:
        """The pane every action works on."""
        return self.query_one(DetailPane)

    @property
    def current(self) -> str | None:
        """The ref of the item in the detail pane."""
        return self.detail.ref

    def refresh_counts(self) -> None:
        """Reload the counts in the top bar."""
        app = recall_app(self)
        app.background(app.backend.counts, self._show_counts, group="counts")

    def _show_counts(self, counts: dict[str, int]) -> None:
        t = Text("recall", style="bold")
        t.append(f"  {plural(counts['events'], 'event')} · {plural(counts['memories'], 'memory', 'memories')}"
                 f" · {plural(counts['episodes'], 'episode')}")
        waiting = [f"{counts['pending']} to consolidate"] if counts["pending"] else []
        if counts.get("ungrouped"):
            waiting.append(f"{plural(counts['ungrouped'], 'event')} not in an episode yet")
        if waiting:
            t.append(f" ({', '.join(waiting)})", style="italic")
        self.query_one("#topbar", Static).update(t)

    def refresh_all(self, *, detail: bool = True) -> None:
        """Reload every view after a change (the store is the truth)."""
        self.refresh_counts()
        self.query_one(TimelineView).reload()
        self.query_one(MemoriesView).reload()
        search = self.query_one(SearchView)
        if search.result is not None:
            search.run_search(search._wanted)
        if detail:
            self.detail.reload()

    # -- messages from the views ----------------------------------------------------------------
    def on_item_highlighted(self, message: ItemHighlighted) -> None:
        message.stop()
        origin = message.origin
        if origin is not None and self.query_one(TabbedContent).active_pane not in origin.ancestors:
            return  # a view loading in a hidden tab does not take over the pane
        self.detail.show(message.ref)

    def on_item_gone(self, message: ItemGone) -> None:
        message.stop()
        self.item_gone(message.ref)

    def item_gone(self, ref: str, lost: str = "") -> None:
        """``ref`` was deleted outside the TUI (another shell, `recall serve` consolidating): one
        notice, the pane and the lists without it (``lost``: what of the user's was not saved)."""
        self.detail.gone(ref)
        recall_app(self).say(f"{ref} is no longer there (changed outside the TUI){lost}; the lists are "
                             "refreshed.", "warning")
        self.refresh_all(detail=False)

    def _failed(self, ref: str, lost: str = "") -> Callable[[BaseException], None]:
        """An action's error handler: an item gone from the store is ``item_gone``, not a bare
        "no memory with id m1" toast over a list that still shows it; other failures are said."""
        def failed(exc: BaseException) -> None:
            if isinstance(exc, NotFoundError):
                self.item_gone(ref, lost)
            else:
                recall_app(self).say(exc.message if isinstance(exc, RecallError) else f"{type(exc).__name__}: {exc}",
                                     "error")
        return failed

    def on_item_opened(self, message: ItemOpened) -> None:
        message.stop()
        self.detail.show(message.ref, push=message.push, reinforce=True)

    def on_tabbed_content_tab_activated(self, message: TabbedContent.TabActivated) -> None:
        view = message.pane.query_children().first()
        if hasattr(view, "current_ref"):
            ref = view.current_ref()
            if ref != self.detail.ref:  # nothing selected there: no stale item from another tab
                self.detail.show(ref)
        self.call_after_refresh(self._focus_active)

    def _focus_active(self) -> None:
        """Focus the active view unless focus already is in it (the tab bar keeps focus too)."""
        tabs = self.query_one(TabbedContent)
        pane = tabs.active_pane
        focused = self.focused
        if pane is None or (focused is not None and (pane in focused.ancestors or isinstance(focused, Tabs))):
            return
        self._focus_view(tabs.active)

    def _focus_view(self, name: str | None) -> None:
        if name == "search":
            self.query_one(SearchView).focus_input()
        elif name == "ask":
            self.query_one(AskView).focus_input()
        elif name == "memories":
            self.query_one("#memory-table").focus()
        elif name == "timeline":
            self.query_one("#timeline-tree").focus()

    # -- navigation -------------------------------------------------------------------------
    def action_tab(self, name: str) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active != name:
            # park focus on the tab bar first: a focused widget in a pane being hidden
            # would otherwise pull focus (and the active tab) somewhere else
            tabs.query_one(Tabs).focus()
            tabs.active = name
        # focus now, so keys typed right after "/" land in the search box; and again once
        # laid out, in case focus was still moving
        self._focus_view(name)
        self.call_after_refresh(self._focus_view, name)

    def action_search(self) -> None:
        self.action_tab("search")

    def action_ask(self) -> None:
        self.action_tab("ask")

    def action_dates(self) -> None:
        """The timeline's date filter, focused to type a range ("last week", "2026-11")."""
        self.action_tab("timeline")
        self.call_after_refresh(lambda: self.query_one("#dates").focus())

    def action_back(self) -> None:
        if not self.detail.back():
            recall_app(self).say("Nothing to go back to.")

    def action_refresh(self) -> None:
        self.refresh_all()

    # -- actions (each is also a CLI command) -------------------------------------------------------
    def _memory_id(self, verb: str) -> int | None:
        ref = self.current
        if ref is None or kind_of(ref) != "memory":
            recall_app(self).say(f"Select a memory to {verb} (Memories tab, or a memory in search results).",
                                 "warning")
            return None
        return int(ref[1:])

    def action_pin(self) -> None:
        """recall pin / recall unpin."""
        memory_id = self._memory_id("pin")
        if memory_id is None:
            return
        pinned = not bool((self.detail.data or {}).get("pinned"))
        app = recall_app(self)
        backend = app.backend

        def done(memory: Memory) -> None:
            app.say(f"{'Pinned' if memory.pinned else 'Unpinned'} m{memory.id}.")
            self.refresh_all()

        app.background(lambda: backend.set_pinned(memory_id, pinned), done, group="action",
                       error=self._failed(f"m{memory_id}"), raw_errors=True)

    def action_edit(self) -> None:
        """recall edit: a correction consolidation will never overwrite."""
        memory_id = self._memory_id("edit")
        if memory_id is None:
            return
        app = recall_app(self)
        backend = app.backend
        # read from the store, not the pane: a memory gone since is said before any typing is lost
        app.background(lambda: backend.show(f"m{memory_id}"), lambda data: self._edit(memory_id, data),
                       group="action", error=self._failed(f"m{memory_id}"), raw_errors=True)

    def _edit(self, memory_id: int, data: dict) -> None:
        app = recall_app(self)
        backend = app.backend
        old = data.get("text", "")
        if data.get("status", "active") != "active":
            app.say(f"m{memory_id} was superseded by m{data.get('superseded_by')}; edit that one.", "warning")
            return

        def save(text: str | None) -> None:
            if text is None:
                return
            if not text.strip():
                app.say("Empty text: memory unchanged (use f to forget it).", "warning")
                return
            if text.strip() == old.strip():
                app.say(f"m{memory_id} unchanged.")
                return

            def done(memory: Memory) -> None:
                app.say(f"Edited m{memory.id}{replaced(redact(text).names)}.")
                self.refresh_all()

            app.background(lambda: backend.edit(memory_id, text), done, group="action",
                           error=self._failed(f"m{memory_id}", f"; your text was not saved: {one_line(text)}"),
                           raw_errors=True)

        app.push_screen(EditScreen(f"Edit m{memory_id} (your correction is kept for good)", old), save)

    def action_forget(self) -> None:
        """recall forget: deletes for real, after asking."""
        app = recall_app(self)
        ref = self.current
        if ref is None or kind_of(ref) == "day":
            app.say("Select an event, memory or episode to forget.", "warning")
            return
        backend = app.backend

        def plan() -> ForgetPlan:
            refs = backend.episode_refs(int(ref[3:])) if kind_of(ref) == "episode" else [ref]
            return backend.plan_forget(refs)

        def ask(found: ForgetPlan) -> None:
            if found.empty:
                app.say("Nothing to forget.")
                return
            what = f"{plural(len(found.event_ids), 'event')} and " \
                   f"{plural(len(found.memory_ids), 'memory', 'memories')}"
            if found.pinned:  # kept "for good" by the user: its loss must be said, as the CLI does
                what += f" ({', '.join(f'm{m}' for m in found.pinned)} pinned)"
            label = {"event": f"event {ref}", "memory": f"memory {ref}", "episode": f"episode {ref[3:]}"}
            question = (f"Forget {label[kind_of(ref)]}?\n\nThis deletes {what} for good "
                        "(text, search entries and vectors). It cannot be undone.")

            def answered(yes: bool | None) -> None:
                if not yes:
                    app.say("Nothing deleted.")
                    return
                app.background(lambda: backend.forget(found), lambda counts: deleted(found, counts), group="action")

            app.push_screen(ConfirmScreen(question), answered)

        def deleted(found: ForgetPlan, counts: dict[str, int]) -> None:
            app.say(f"Deleted {plural(counts['events'], 'event')} and "
                    f"{plural(counts['memories'], 'memory', 'memories')}.")
            # Back does not lead to what was just deleted with it (a memory made from the event)
            gone = {*map(str, found.event_ids), *(f"m{m}" for m in found.memory_ids)}
            self.detail.drop(gone)
            self.query_one(AskView).drop(gone)
            if not self.detail.back():
                self.detail.show(None)
            self.refresh_all(detail=False)

        app.background(plan, ask, group="action", error=self._failed(ref), raw_errors=True)

    def action_consolidate(self) -> None:
        """recall consolidate, for the selected episode (or an event's episode)."""
        app = recall_app(self)
        ref = self.current
        kind = kind_of(ref) if ref else None
        if ref is not None and kind == "episode":
            app.consolidate(int(ref[3:]))
        elif kind == "event":
            episode_id = (self.detail.data or {}).get("episode_id")
            if episode_id is None:
                app.say("This event is not in an episode yet: consolidating every pending episode.")
            app.consolidate(episode_id)
        else:
            app.say("Select an episode or event in the timeline to consolidate "
                    "(C consolidates every pending episode).", "warning")

    def action_consolidate_all(self) -> None:
        """recall consolidate: every pending episode."""
        recall_app(self).consolidate(None)

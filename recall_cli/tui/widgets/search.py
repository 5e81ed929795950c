"""Live search: the hybrid search runs as you type, results with dates and snippets.

Each keystroke starts a worker; a worker whose query is no longer the one typed skips
its search, so a fast typist queues no backlog and stale results are never shown.
"""

from __future__ import annotations

import threading
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...models import Hit, SearchResult
from ...render import plural, score_text, weak_match
from ...timeutil import short
from .common import RefOptionsMixin, one_line, recall_app, source_tag

HINT = "Type to search events and memories. A time phrase ranks what happened then first: 'deploy last week'."


class HitPrompt:
    """A result: id, date, source and speaker on one line; under it the snippet, whose
    wrapped lines stay indented under its first."""

    def __init__(self, head: Text, body: Text) -> None:
        self.head, self.body = head, body

    @property
    def plain(self) -> str:
        """The prompt's text without styles."""
        return f"{self.head.plain}\n  {self.body.plain}"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Group(self.head, Padding(self.body, (0, 0, 0, 2)))


def hit_prompt(hit: Hit, best: float | None = None) -> HitPrompt:
    """A search hit as a two-line option, its score at the end of the first line (as
    ``recall search`` shows it); a hit far below the ``best`` score is dimmed, so noise
    under the real matches does not look like them."""
    head = Text(f"{hit.ref:<6}", style="bold")
    head.append(f"{short(hit.ts)}  ", style="dim")
    if hit.owner == "memory":
        head.append(f"memory·{hit.kind}", style="bold italic")
    else:
        head.append_text(source_tag(hit.source))
    if hit.owner != "memory" and hit.actor:
        head.append(f" {hit.actor}", style="italic")
    head.append(f"  {score_text(hit.score)}", style="dim")
    body = Text(one_line(hit.snippet or hit.text, 160))
    if best is not None and hit.score < best / 2:
        head.stylize("dim")
        body.stylize("dim")
    return HitPrompt(head, body)


class SearchView(RefOptionsMixin, Vertical):
    DEFAULT_CSS = """
    SearchView {
        #search-input { margin-bottom: 0; }
        #search-status { color: $text-muted; height: auto; padding: 0 1; }
        #search-results { height: 1fr; border: none; }
        #search-results > .option-list--option { padding: 0 1; }
    }
    """

    ref_list_id = "search-results"

    BINDINGS = [
        Binding("down", "focus_results", "Results", show=False, id="search-results"),
        Binding("escape", "leave_input", "Leave the search box", show=False, id="search-leave"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._wanted = ""
        self._slot = threading.Lock()
        self.result: SearchResult | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search… (time phrases like 'last week' filter)", id="search-input")
        yield Static(HINT, id="search-status")
        yield OptionList(id="search-results")

    @property
    def status(self) -> Static:
        """The line above the results: a hint, a count, or what went wrong."""
        return self.query_one("#search-status", Static)

    def focus_input(self) -> None:
        """Put the cursor in the search box."""
        self.query_one("#search-input", Input).focus()

    def action_focus_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            results.focus()
            if results.highlighted is None:
                results.highlighted = 0

    def action_leave_input(self) -> None:
        results = self.query_one("#search-results", OptionList)
        results.focus()
        if results.option_count and results.highlighted is None:
            results.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.run_search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_focus_results()

    def run_search(self, query: str) -> None:
        """Search for ``query`` in a worker; an empty query clears the results."""
        query = query.strip()
        self._wanted = query
        if not query:
            self.result = None
            self.query_one("#search-results", OptionList).clear_options()
            self.status.update(HINT)
            return
        self.status.update(Text(f"Searching for '{query}'…", style="italic"))
        app = recall_app(self)
        backend = app.backend
        reference = app.now()

        def search() -> SearchResult | None:
            with self._slot:
                if query != self._wanted:
                    return None  # typed on since: skip
                return backend.search(query, limit=30, reference=reference)

        def failed(message: str) -> None:
            if query == self._wanted:
                self.status.update(Text(f"Search failed: {message}", style="bold red"))

        app.background(search, lambda result: self._show(query, result), group="search", error=failed)

    def _show(self, query: str, result: SearchResult | None) -> None:
        if result is None or query != self._wanted:
            return
        self.result = result
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        hits = result.hits
        if not hits:
            self.status.update(Text.assemble(
                (f"No results for '{query}'. ", "bold"),
                "Try other words or fewer words.",
            ))
            return
        best = max(h.score for h in hits)
        weaker = sum(h.score < best / 2 for h in hits)
        note = f"Nothing matches '{query}' well; the closest {len(hits)}" if weak_match(result) else \
            f"{plural(len(hits), 'result')}" + (f", {weaker} far weaker (dimmed)" if weaker else "")
        span = result.time_range
        if span is not None:
            note += f" · {span.phrase}: {short(span.since)} .. {short(span.until)} first"
        self.status.update(Text(note + " · ↓ to browse, Enter to open", style="dim"))
        results.add_options([Option(hit_prompt(h, best), id=h.ref) for h in hits])


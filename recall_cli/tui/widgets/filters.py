"""The timeline's filter bar: source, event kind and a date range, on one line."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Select

from ...errors import RecallError, UsageError
from ...store.timeline import Filters
from .common import recall_app


def parse_range(text: str, reference: float) -> tuple[float | None, float | None]:
    """'2026-11', 'last week', 'yesterday', '2026-11-01..2026-11-15', '2026-11-01..' -> (since, until)."""
    from ...timephrase.phrase import extract
    from ...timeutil import parse_time

    raw = text.strip()
    if not raw:
        return None, None
    if ".." in raw:
        first, last = (part.strip() for part in raw.split("..", 1))
        since = parse_time(first, base=reference) if first else None
        until = parse_time(last, base=reference, end=True) if last else None
        if since is not None and until is not None and since > until:
            raise UsageError("the range starts after it ends")
        return since, until
    rest, found = extract(raw, reference)
    if found is not None and not rest.strip():
        return found.since, found.until
    since, until = parse_time(raw, base=reference), parse_time(raw, base=reference, end=True)
    if since == until:  # read as a moment ("last fortnight" -> now): no range would ever hold an event
        raise UsageError(f"'{raw}' is not a day or a range (try 2026-11, last week, 2026-11-01..2026-11-15)")
    return since, until


class FilterBar(Horizontal):
    """Posts ``FilterBar.Changed`` with the new Filters; a bad date range is marked invalid."""

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        margin-bottom: 1;
        Select { width: 14; margin-right: 1; }
        #dates { width: 1fr; }
        #dates.-invalid { color: $error; }
    }
    """

    BINDINGS = [Binding("escape", "leave", "Back to the list", show=False, id="filters-leave")]

    class Changed(Message):
        def __init__(self, filters: Filters) -> None:
            super().__init__()
            self.filters = filters

    def __init__(self, sources: list[str], kinds: list[str], reference: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sources = sources
        self._kinds = kinds
        self._reference = reference
        self.filters = Filters()
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Select([(s, s) for s in self._sources], prompt="any source", compact=True, id="source")
        yield Select([(k, k) for k in self._kinds], prompt="any kind", compact=True, id="kind")
        yield Input(placeholder="dates: 2026-11, last week, a..b", compact=True, id="dates")

    def action_leave(self) -> None:
        self.screen.focus_next()

    def set_kinds(self, kinds: list[str]) -> None:
        """The event kinds the store holds, once known; a chosen kind stays chosen."""
        if kinds != self._kinds:
            self._kinds = kinds
            select = self.query_one("#kind", Select)
            value = select.value
            select.set_options([(k, k) for k in kinds])
            if value in kinds:
                select.value = value

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._update()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._update()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not event.value.strip():  # cleared: show everything again at once
            self._update()

    def _update(self) -> None:
        source = self.query_one("#source", Select).value
        kind = self.query_one("#kind", Select).value
        dates = self.query_one("#dates", Input)
        try:
            since, until = parse_range(dates.value, self._reference)
        except RecallError as exc:
            self.error = exc.message
            dates.add_class("-invalid")
            recall_app(self).say(f"Dates: {exc.message}", "warning")
            return
        self.error = None
        dates.remove_class("-invalid")
        new = Filters(
            sources=(source,) if isinstance(source, str) else (),
            kinds=(kind,) if isinstance(kind, str) else (),
            since=since, until=until,
        )
        if new != self.filters:
            self.filters = new
            self.post_message(self.Changed(new))

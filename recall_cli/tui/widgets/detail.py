"""The detail pane: full text, dates, provenance (openable), change history.

Moving the cursor in a list previews an item (no reinforcement); opening it (Enter) is
a recall, as `recall show` is, and strengthens a memory. Links open in place; Backspace
goes back.
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...errors import NotFoundError, RecallError
from ...render import plural
from ...store.timeline import Filters
from ...timeutil import day_bounds, from_ts, short
from ..backend import Backend
from .common import ZONE_STYLE, ItemGone, ItemOpened, kind_of, one_line, recall_app, source_tag, strength_bar

EMPTY = Text("Move through the timeline, search results or memories: the item shows here.", style="dim")


def _when(ts: float | None) -> str:
    return from_ts(ts).strftime("%Y-%m-%d %H:%M:%S") if ts is not None else "—"


def _event_link(ev: dict[str, Any]) -> Option:
    prompt = Text(f"{ev['id']:<6}", style="bold")
    prompt.append(f"{short(ev['ts_start'])} ", style="dim")
    prompt.append_text(source_tag(ev["source"]))
    prompt.append(" " + one_line(ev["text"], 70))
    return Option(prompt, id=str(ev["id"]))


def _memory_link(mid: int, text: str) -> Option:
    prompt = Text(f"m{mid:<5}", style="bold")
    prompt.append(one_line(text, 80))
    return Option(prompt, id=f"m{mid}")


def render_event(d: dict[str, Any]) -> tuple[Text, str, list[Option], Text | None]:
    """An event (``recall show 42``): body, links title, links, history (none)."""
    t = Text(f"Event {d['id']}  ", style="bold")
    t.append_text(source_tag(d["source"], 0))
    t.append(f" · {d['kind']}\n", style="italic")
    t.append(f"{_when(d['ts_start'])}", style="cyan")
    if d.get("ts_end"):
        t.append(f" – {_when(d['ts_end'])}", style="cyan")
    t.append("\n")
    meta = d.get("meta") or {}
    facts = []
    if d.get("actor"):
        facts.append(f"speaker {d['actor']}")
    if d.get("session"):
        facts.append(f"session {d['session']}")
    for key, label in (("cwd", "in"), ("path", "file"), ("exit", "exit"), ("exit_code", "exit"), ("app", "app")):
        if meta.get(key) not in (None, ""):
            facts.append(f"{label} {meta[key]}")
    if meta.get("tags"):
        facts.append("tags " + ", ".join(meta["tags"]))
    if d.get("episode_id"):
        facts.append(f"episode {d['episode_id']}")
    if facts:
        t.append(" · ".join(facts) + "\n", style="dim")
    t.append("\n" + d["text"])
    links = []
    if d.get("episode_id"):
        links.append(Option(Text(f"episode {d['episode_id']}", style="bold"), id=f"ep:{d['episode_id']}"))
    texts = d.get("memory_texts") or {}
    links += [_memory_link(m, texts.get(m, "")) for m in d.get("memories") or []]
    return t, "Memories from it, its episode (Enter opens)" if links else "", links, None


def render_memory(d: dict[str, Any]) -> tuple[Text, str, list[Option], Text | None]:
    """A memory (``recall show m7``): body, provenance title, provenance links, history."""
    t = Text(f"Memory m{d['id']}  ", style="bold")
    t.append(d["kind"], style="italic")
    if d["status"] != "active":
        t.append(f"  {d['status']}", style="bold red")
        if d.get("superseded_by"):
            t.append(f" by m{d['superseded_by']}", style="red")
    if d.get("pinned"):
        t.append("  ⚑ pinned", style="bold yellow")
    if d.get("edited_by_user"):
        t.append("  ✎ edited by you", style="bold")
    t.append("\nstrength ")
    t.append_text(strength_bar(d["retention"], d["zone"], 12))
    t.append(f" {d['retention']:.2f} {d['zone']}", style=ZONE_STYLE.get(d["zone"], ""))
    t.append(f" · recalled {d.get('reinforcements', 0)}×\n", style="dim")
    t.append(f"created {short(d['created_at'])} · last recalled {short(d['last_reinforced'])}", style="cyan")
    if d.get("valid_from"):
        t.append(f"\nvalid from {short(d['valid_from'])}", style="cyan")
        if d.get("valid_to"):
            t.append(f" to {short(d['valid_to'])}", style="cyan")
    if d.get("subject"):
        t.append(f"\nsubject {d['subject']}", style="dim")
    t.append("\n\n" + d["text"])
    links = [_event_link(ev) for ev in d.get("sources") or []]
    history = Text("History\n", style="bold")
    for row in d.get("history") or []:
        history.append(f"{short(row['ts'])} ", style="dim")
        history.append(row["action"], style="bold")
        history.append(f" by {row['actor']}", style="italic")
        if row["action"] == "reinforce":
            detail = json.loads(row.get("detail") or "{}")
            history.append(f" ({detail.get('reason', '')})", style="dim")
        elif row.get("new_text") and row["action"] != "add":
            history.append("\n  " + one_line(row["new_text"], 200))
        history.append("\n")
    title = f"Provenance: the {plural(len(links), 'event')} it came from (Enter opens)"
    return t, title if links else "Provenance: none (added by hand)", links, history


def render_episode(d: dict[str, Any]) -> tuple[Text, str, list[Option], Text | None]:
    """An episode: body, links title, its memories and first events, history (none)."""
    t = Text(f"Episode {d['id']}  ", style="bold")
    t.append_text(source_tag(d["source"], 0))
    t.append(f" · {d.get('title') or ''}\n")
    t.append(f"{short(d['ts_start'])} – {short(d['ts_end'])}", style="cyan")
    t.append(f" · {plural(d['events'], 'event')} · {d['status']}\n", style="dim")
    if d["status"] in {"pending", "retry"}:
        t.append("Not consolidated yet: press c to distil it into memories.\n", style="italic yellow")
    links = [_memory_link(m, d.get("memory_texts", {}).get(m, "")) for m in d.get("memories") or []]
    links += [_event_link(e.to_dict()) for e in d.get("first_events") or []]
    return t, "Its memories and events (Enter opens)", links, None


def day_summary(events: int, episodes: int, ungrouped: int) -> str:
    """A day's events and the episodes they are in, counted as the top bar counts them
    (events not grouped into an episode yet are not episodes)."""
    if not ungrouped:
        return f"{plural(events, 'event')} in {plural(episodes, 'episode')}"
    if ungrouped == events:
        return f"{plural(events, 'event')}, not in an episode yet"
    return (f"{plural(events, 'event')}: {events - ungrouped} in {plural(episodes, 'episode')}, "
            f"{ungrouped} not in an episode yet")


def render_day(d: dict[str, Any]) -> tuple[Text, str, list[Option], Text | None]:
    """A day of the timeline: its date and events per source; no links."""
    t = Text(from_ts(d["start"]).strftime("%A %d %B %Y") + "\n", style="bold")
    t.append(day_summary(d["events"], d["episodes"], d["ungrouped"]) + "\n", style="dim")
    for source, n in sorted(d["by_source"].items(), key=lambda x: -x[1]):
        t.append_text(source_tag(source, 8))
        t.append(f" {n}\n")
    return t, "", [], None


class DetailPane(VerticalScroll):
    DEFAULT_CSS = """
    DetailPane {
        border-left: tall $panel;
        padding: 0 1;
        #detail-body { height: auto; }
        #detail-links-title { height: auto; margin-top: 1; color: $text-muted; text-style: bold; }
        #detail-links { height: auto; max-height: 12; border: none; padding: 0; }
        #detail-history { height: auto; margin-top: 1; }
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ref: str | None = None
        self.data: dict[str, Any] | None = None
        self.stack: list[str] = []
        self._token = 0

    def compose(self) -> ComposeResult:
        yield Static(EMPTY, id="detail-body")
        yield Static("", id="detail-links-title")
        yield OptionList(id="detail-links")
        yield Static("", id="detail-history")

    def show(self, ref: str | None, *, push: bool = False, reinforce: bool = False) -> None:
        """Load and show ``ref`` (None clears); ``push`` keeps the current one for Back."""
        if push and self.ref and self.ref != ref:
            self.stack.append(self.ref)
        elif not push:
            self.stack.clear()
        self._load(ref, reinforce)

    def back(self) -> bool:
        """Show the item shown before the last opened link; False when there is none."""
        if not self.stack:
            return False
        self._load(self.stack.pop(), False)
        return True

    def drop(self, refs: set[str]) -> None:
        """Forget ``refs`` from the way back (they were deleted)."""
        self.stack = [ref for ref in self.stack if ref not in refs]

    def gone(self, ref: str) -> None:
        """``ref`` was deleted outside the TUI: off the way back, and off the pane if it shows it
        (a load still under way for it paints nothing)."""
        self.drop({ref})
        if self.ref == ref:
            self._token += 1
            self._missing(ref, f"{ref} is no longer there.")

    def reload(self) -> None:
        """Show the current item again (after a change)."""
        self._load(self.ref, False)

    def _load(self, ref: str | None, reinforce: bool) -> None:
        self._token += 1
        token = self._token
        if ref is None:
            self._paint(None, None)
            return
        app = recall_app(self)
        backend = app.backend
        at = app.now()

        # a worker finishing after another item was asked for paints nothing
        def paint(data: dict[str, Any]) -> None:
            if token == self._token:
                self._paint(ref, data)

        def missing(exc: BaseException) -> None:
            if token != self._token:
                return
            message = exc.message if isinstance(exc, RecallError) else f"{type(exc).__name__}: {exc}"
            self._missing(ref, message)
            if isinstance(exc, NotFoundError):
                self.post_message(ItemGone(ref))

        app.background(lambda: load(backend, ref, reinforce, at), paint, group="detail", error=missing,
                       raw_errors=True)

    def _missing(self, ref: str, message: str) -> None:
        self._paint(None, None)
        self.query_one("#detail-body", Static).update(Text(message, style="italic"))

    def _paint(self, ref: str | None, data: dict[str, Any] | None) -> None:
        self.ref, self.data = ref, data
        body = self.query_one("#detail-body", Static)
        title = self.query_one("#detail-links-title", Static)
        links = self.query_one("#detail-links", OptionList)
        history = self.query_one("#detail-history", Static)
        links.clear_options()
        if ref is None or data is None:
            body.update(EMPTY)
            title.update("")
            history.update("")
            links.display = False
            return
        render = {"event": render_event, "memory": render_memory, "episode": render_episode, "day": render_day}
        text, link_title, options, hist = render[kind_of(ref)](data)
        body.update(text)
        title.update(link_title)
        links.add_options(options)
        links.display = bool(options)
        history.update(hist or "")
        self.scroll_home(animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(ItemOpened(event.option.id, push=True))


def load(backend: Backend, ref: str, reinforce: bool, at: float) -> dict[str, Any]:
    """Everything the pane shows about one item (runs in a worker)."""
    kind = kind_of(ref)
    if kind == "episode":
        data = backend.episode(int(ref[3:]))
        texts: dict[int, str] = {}
        for mid in data["memories"]:
            try:
                texts[mid] = backend.show(f"m{mid}")["text"]
            except Exception:
                continue
        data["memory_texts"] = texts
        return data
    if kind == "day":
        day = ref[4:]
        start, end = day_bounds(day)
        days = backend.days(Filters(since=start, until=end), limit=1)
        groups = backend.groups(day, Filters())
        found = days[0] if days else None
        return {"start": start, "events": found.events if found else 0,
                "by_source": found.by_source if found else {},
                "episodes": sum(1 for g in groups if g.episode_id is not None),
                "ungrouped": sum(g.events for g in groups if g.episode_id is None)}
    data = backend.show(ref, reinforce=reinforce)
    if kind == "memory":
        view = backend.memory_view(data["id"], at)
        data.update(retention=view.retention, zone=view.zone)
    return data

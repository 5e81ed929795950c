"""The Textual app. ``build_app(service)`` is the one factory, for `recall tui` and the tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Literal, TypeVar, TypeVarTuple, overload

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.keys import format_key
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker

from ..errors import RecallError
from ..memory.consolidation import ConsolidationReport
from ..models import Event
from ..render import replaced
from ..service import Recall
from ..timeutil import now as _now
from .answer import Answerer
from .backend import Backend, Consolidator
from .keys import read_keymap
from .screens.edit import EditScreen
from .screens.help import HelpScreen
from .screens.main import MainScreen
from .screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from .screens.welcome import WelcomeScreen
from .widgets.jobbar import JobBar

T = TypeVar("T")
Args = TypeVarTuple("Args")


class RecallApp(App[None]):
    """Browse, search and curate a recall store."""

    TITLE = "recall"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app-quit"),
        Binding("f1", "help", "Help", show=False, id="app-help"),
    ]

    def __init__(self, backend: Backend, *, now: float | None = None) -> None:
        super().__init__()
        self.backend = backend
        self._fixed_now = now
        self.messages: list[tuple[str, str]] = []
        self.internal_errors: list[str] = []
        self._jobs = 0
        self.rebound: dict[str, str] = {}  # tui.keymap's keys by binding id

    def now(self) -> float:
        """The app's clock (fixed in snapshot tests, so retention bars do not drift)."""
        return self._fixed_now if self._fixed_now is not None else _now()

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    def on_mount(self) -> None:
        self._apply_keymap(self.backend.svc.config.get("tui.keymap"))
        self._check_size(self.size.width, self.size.height)
        self.action_check_empty()

    def _apply_keymap(self, setting: str) -> None:
        """``tui.keymap`` ('app-help=f2,search-tab=ctrl+f'): keys by binding id; a piece that
        names no binding, or no key, or a key no press makes ('F2', 'ctrl-f'), is reported and
        left out (its binding keeps its own key), the rest applies."""
        read = read_keymap(setting, binding_ids())
        if read.keys:
            self.set_keymap(read.keys)
        self.rebound = read.keys  # the help shows these keys, not the defaults
        if read.unknown:
            self.say(f"tui.keymap: left out {', '.join(read.unknown)} "
                     f"(use binding-id=key; ids are in the help, {self.help_key()})", "warning")
        for problem in read.problems:
            self.say(f"tui.keymap: left out {problem}", "warning")

    def on_unmount(self) -> None:
        self.backend.close()

    # -- plumbing shared by every widget ---------------------------------------------------
    def help_key(self) -> str:
        """The key that opens the help on the main screen, as ``tui.keymap`` left it."""
        return format_key(self.rebound["help"]) if "help" in self.rebound else "?"

    def say(self, message: str, severity: SeverityLevel = "information") -> None:
        """A message for the user (a toast; kept in ``messages`` for tests)."""
        self.messages.append((severity, message))
        self.notify(message, severity=severity, markup=False, timeout=6 if severity == "error" else 4)

    @overload
    def background(self, fn: Callable[[], T], done: Callable[[T], object] | None = None, *,
                   group: str = "default", error: Callable[[str], object] | None = None,
                   raw_errors: Literal[False] = False) -> Worker[None]: ...

    @overload
    def background(self, fn: Callable[[], T], done: Callable[[T], object] | None = None, *,
                   group: str = "default", error: Callable[[BaseException], object],
                   raw_errors: Literal[True]) -> Worker[None]: ...

    def background(self, fn: Callable[[], T], done: Callable[[T], object] | None = None, *,
                   group: str = "default", error: Callable[..., object] | None = None,
                   raw_errors: bool = False) -> Worker[None]:
        """Run ``fn`` in a thread worker; ``done(result)`` / ``error(...)`` run on the UI thread.

        ``error`` gets the failure's message, or the exception itself with ``raw_errors``.
        Without ``error`` a failure becomes an error message; the app keeps running.
        """

        def report(exc: BaseException) -> None:
            message = exc.message if isinstance(exc, RecallError) else f"{type(exc).__name__}: {exc}"
            if error is not None:
                error(exc if raw_errors else message)
            else:
                self.say(message, "error")

        def run() -> None:
            try:
                result = fn()
            except Exception as exc:  # shown, never fatal
                self._from_thread(report, exc)
                return
            if done is not None:
                self._from_thread(done, result)

        return self.run_worker(run, thread=True, group=group, exit_on_error=False)

    def _from_thread(self, callback: Callable[[*Args], object], *args: *Args) -> None:
        if not self.is_running:
            return
        try:
            self.call_from_thread(self._guarded, callback, *args)
        except RuntimeError:  # the app closed meanwhile
            pass

    def _guarded(self, callback: Callable[[*Args], object], *args: *Args) -> None:
        """Run a worker's UI callback; a bug in one becomes a message, not a dead screen."""
        try:
            callback(*args)
        except Exception as exc:
            import traceback

            self.internal_errors.append(traceback.format_exc())
            self.say(f"Internal error (please report): {type(exc).__name__}: {exc}", "error")

    def _main(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def start_job(self, label: str, total: int | None) -> None:
        """Show a long job in the job bar (``total`` None: progress unknown)."""
        self._jobs += 1
        main = self._main()
        if main is not None:
            main.query_one("#jobbar", JobBar).start(label, total)

    def advance_job(self, done: int, total: int) -> None:
        """Move the job bar's progress."""
        main = self._main()
        if main is not None:
            main.query_one("#jobbar", JobBar).advance(done, total)

    def end_job(self) -> None:
        """A long job ended: hide the job bar once none runs."""
        self._jobs = max(0, self._jobs - 1)
        main = self._main()
        if main is not None and not self._jobs:
            main.query_one("#jobbar", JobBar).stop()

    # -- size and first run ----------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        top = self.screen_stack[-1] if self.screen_stack else None
        if small and not isinstance(top, TooSmallScreen):
            self.push_screen(TooSmallScreen())
        elif small and isinstance(top, TooSmallScreen) and top.is_mounted:
            top.show_size(width, height)
        elif not small and isinstance(top, TooSmallScreen):
            self.pop_screen()

    def action_check_empty(self) -> None:
        """Show the first-run screen while the store is empty; leave it once it is not."""

        def show(counts: dict[str, int]) -> None:
            empty = counts["events"] == 0 and counts["memories"] == 0
            welcome = [s for s in self.screen_stack if isinstance(s, WelcomeScreen)]
            if empty and not welcome:
                self._push_below_too_small(WelcomeScreen())
            elif not empty and welcome:
                if self.screen is welcome[0]:
                    self.pop_screen()
                main = self._main()
                if main is not None:
                    main.refresh_all()
            elif empty:
                self.say("Still empty: add a note (n) or run `recall import FILE`.")

        self.background(self.backend.counts, show, group="counts")

    def _push_below_too_small(self, screen: Screen) -> None:
        if isinstance(self.screen, TooSmallScreen):
            self.pop_screen()
            self.push_screen(screen)
            self.push_screen(TooSmallScreen())
        else:
            self.push_screen(screen)

    # -- app-wide actions ------------------------------------------------------------------------
    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        def shown(b: Binding) -> Binding:
            return replace(b, key=self.rebound[b.id]) if b.id in self.rebound else b

        self.push_screen(HelpScreen([(title, [shown(b) for b in getattr(cls, "BINDINGS", []) if isinstance(b, Binding)])
                                     for title, cls in binding_sections()]))

    def action_add_note(self) -> None:
        """recall add: write a note."""

        def save(text: str | None) -> None:
            if text is None:
                return
            if not text.strip():
                self.say("Empty note: nothing added.", "warning")
                return

            def done(event: Event) -> None:
                if event.meta.get("duplicate"):
                    self.say(f"Already remembered as event {event.id}.")
                else:
                    self.say(f"Added event {event.id}{replaced(event.meta.get('redacted'))}.")
                self.action_check_empty()
                main = self._main()
                if main is not None and not isinstance(self.screen, WelcomeScreen):
                    main.refresh_all()  # the pane too: the day it shows may be the note's, now one event more

            self.background(lambda: self.backend.add(text), done, group="action")

        self.push_screen(EditScreen("New note", "", "ctrl+s adds it · escape cancels · same as `recall add`"), save)

    def consolidate(self, episode_id: int | None) -> None:
        """recall consolidate: the given episode, or every pending one (None)."""
        backend = self.backend

        def run() -> ConsolidationReport | None:
            """The report; None when the episode was consolidated already."""
            if episode_id is not None:
                episode = backend.episode(episode_id)
                if episode["status"] == "consolidated":
                    return None
            label = f"Consolidating episode {episode_id}" if episode_id else "Consolidating pending episodes"
            self._from_thread(self.start_job, label, None)
            try:
                return backend.consolidate(
                    episode_id, lambda done, total: self._from_thread(self.advance_job, done, total))
            finally:
                self._from_thread(self.end_job)

        def done(report: ConsolidationReport | None) -> None:
            if report is None:
                self.say(f"Episode {episode_id} is already consolidated.")
                return
            self.say(consolidation_message(report, episode_id), "warning" if report.retry else "information")
            # with nothing pending no path ran; and the zero-LLM path the settings chose is the
            # default, no failure: only a model that could not load is worth a warning
            if report.model_problem and report.episodes and not report.model_declined:
                self.say(f"Consolidated without the model: {report.model_problem}.", "warning")
            main = self._main()
            if main is not None:
                main.refresh_all()

        def failed(message: str) -> None:
            self.say(f"Consolidation failed: {message}. Nothing was half-applied; the rest keeps working.", "error")

        self.background(run, done, group="consolidate", error=failed)


def consolidation_message(report: ConsolidationReport, episode_id: int | None) -> str:
    """The one-line summary of a consolidation run, as the user sees it."""
    a = report.actions
    if report.episodes == 0:
        return "Nothing to consolidate: every episode is done."
    if episode_id is not None and report.episodes == 1:
        head = f"Consolidated episode {episode_id}"
    else:
        head = f"Consolidated {report.consolidated} of {report.episodes} pending episodes"
    text = (f"{head}: {a['ADD']} added, {a['UPDATE']} updated, {a['SUPERSEDE']} superseded, "
            f"{a['NOOP']} already known")
    rejected = sum(report.rejected.values())
    if rejected:
        text += f"; {rejected} model proposals rejected by the grounding check"
    if report.retry:
        text += f"; {report.retry} to retry after invalid model output"
    if report.gave_up:
        text += f"; {len(report.gave_up)} gave up after {report.max_attempts} attempts"
    return text + "."


def binding_sections() -> list[tuple[str, type]]:
    """Every class that declares key bindings, under the name of where its keys work (the help's
    sections, in its order)."""
    from .screens import confirm, too_small, welcome
    from .widgets import ask, filters, search, timeline

    return [("", MainScreen), ("Everywhere", RecallApp), ("Timeline", timeline.TimelineTree),
            ("Search box", search.SearchView), ("Ask box", ask.AskView), ("Date filter", filters.FilterBar),
            ("Edit dialog", EditScreen), ("Confirm dialog", confirm.ConfirmScreen), ("Help", HelpScreen),
            ("Welcome screen", welcome.WelcomeScreen), ("Window too small", too_small.TooSmallScreen)]


def binding_classes() -> list[type]:
    """The app, its screens and its widgets: every class that declares key bindings."""
    return [cls for _, cls in binding_sections()]


def binding_ids() -> set[str]:
    """Every key binding's id (what ``tui.keymap`` may name)."""
    return {b.id for cls in binding_classes() for b in getattr(cls, "BINDINGS", [])
            if isinstance(b, Binding) and b.id}


def build_app(service: Recall, *, answerer: Answerer | None = None, consolidator: Consolidator | None = None,
              now: float | None = None, use_daemon: bool = True,
              job_service: Callable[[], Recall] | None = None) -> RecallApp:
    """The app over a Recall service: the daemon serves search when it runs.

    Tests may pass a fake ``answerer`` / ``consolidator``, a fixed ``now`` and the
    ``job_service`` long jobs run on (default: a second Recall on the same home).
    """
    daemon = Backend.connect_daemon(service) if use_daemon else None
    backend = Backend(service, answerer=answerer, consolidator=consolidator, daemon=daemon, job_service=job_service)
    return RecallApp(backend, now=now)

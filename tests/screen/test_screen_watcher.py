"""The screen watcher's rules with a scripted window source (no X server needed)."""

from __future__ import annotations

import pytest

from recall_cli.capture.filters import parse_list
from recall_cli.capture.screen import (
    DEFAULT_EXCLUDE_APPS,
    DEFAULT_EXCLUDE_TITLES,
    Exclusions,
    ScreenBusyError,
    ScreenSourceError,
    ScreenWatcher,
    WindowInfo,
    detect_source,
    ocr_from_plugins,
)
from recall_cli.capture.screen_platforms import parse_osascript
from recall_cli.config import DEFAULTS
from recall_cli.plugins.hookspecs import hookimpl
from recall_cli.plugins.manager import get_plugins


class Scripted:
    """A window source whose answer the test sets."""

    name = "scripted"

    def __init__(self) -> None:
        self.window: WindowInfo | None = None
        self.error: str | None = None
        self.closed = 0

    def show(self, app: str, title: str = "", **kwargs) -> WindowInfo:
        kwargs.setdefault("window", f"0x{abs(hash(app)) % 4096:x}")
        self.window = WindowInfo(app=app, title=title, platform="test", **kwargs)
        return self.window

    def current(self):
        if self.error:
            raise ScreenSourceError(self.error)
        return self.window

    def describe(self) -> str:
        return "scripted"

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def src() -> Scripted:
    return Scripted()


def make(src, recall_home, clock, sink, **kwargs) -> ScreenWatcher:
    kwargs.setdefault("min_seconds", 5)
    return ScreenWatcher(src, home=recall_home, sink=sink, clock=clock, **kwargs)


def test_defaults_match_the_config_keys():
    assert tuple(parse_list(DEFAULTS["screen.exclude_apps"][0])) == DEFAULT_EXCLUDE_APPS
    assert tuple(parse_list(DEFAULTS["screen.exclude_titles"][0])) == DEFAULT_EXCLUDE_TITLES
    assert DEFAULTS["screen.enabled"][0] is False and DEFAULTS["screen.ocr"][0] is False
    assert DEFAULTS["screen.poll_seconds"][0] == 2.0 and DEFAULTS["screen.min_seconds"][0] == 5.0


@pytest.mark.parametrize(("app", "title", "instance", "process", "reason"), [
    ("KeePassXC", "Vault", None, None, "app 'keepassxc'"),
    ("Code", "x", "keepass", None, "app 'keepass'"),  # the instance name counts too
    ("Unknown", "x", None, "bitwarden", "app 'bitwarden'"),  # and the process name
    ("1Password.exe", "x", None, None, "app '1password'"),
    ("Pass", "store", None, None, "app 'pass'"),
    ("Passenger", "trains", None, None, None),  # exact names, not prefixes
    ("Firefox", "Bank — Mozilla Firefox Private Browsing", None, None, "title 'private browsing'"),
    ("Chromium", "New Tab - Chromium (INCOGNITO)", None, None, "title 'incognito'"),
    ("msedge", "Start - [InPrivate] - Microsoft Edge", None, None, "title 'inprivate'"),
    ("Firefox", "Reset your password | Example", None, None, "title 'password'"),
    ("XTerm", "vim notes.txt", None, None, None),
])
def test_default_exclusions(app, title, instance, process, reason):
    window = WindowInfo(app=app, title=title, instance=instance, process=process)
    assert Exclusions().reason(window) == reason


def test_exclusions_take_globs_and_regexes():
    rules = Exclusions(apps=["slack*", "re:^zoom"], titles=["*payroll*.xlsx", "re:\\bsalary\\b"])
    assert rules.reason(WindowInfo("Slack-desktop", "general")) == "app 'slack*'"
    assert rules.reason(WindowInfo("zoom.us", "meeting")) == "app 're:^zoom'"
    assert rules.reason(WindowInfo("Calc", "Q3 PAYROLL final.xlsx")) == "title '*payroll*.xlsx'"
    assert rules.reason(WindowInfo("Mail", "Re: Salary review")) == "title 're:\\bsalary\\b'"
    assert rules.reason(WindowInfo("Mail", "salaryman")) is None
    assert Exclusions(apps=["re:("], titles=[]).reason(WindowInfo("x(y", "")) == "app 're:('"  # broken regex: literal


def test_configured_exclusions_replace_the_defaults(recall_home, monkeypatch):
    from recall_cli.config import load_config

    monkeypatch.setenv("RECALL_SCREEN_EXCLUDE_APPS", "signal, whatsapp")
    monkeypatch.setenv("RECALL_SCREEN_EXCLUDE_TITLES", "")
    rules = Exclusions.from_config(load_config(recall_home))
    assert rules.apps == ["signal", "whatsapp"] and rules.titles == []
    assert rules.reason(WindowInfo("Signal", "chat")) == "app 'signal'"
    assert rules.reason(WindowInfo("KeePassXC", "Incognito")) is None


def test_a_long_gap_between_polls_ends_the_span_at_the_last_poll(src, recall_home, clock, sink):
    watcher = make(src, recall_home, clock, sink, poll_seconds=2)
    src.show("XTerm", "vim")
    watcher.poll_once()
    clock.advance(30)
    watcher.poll_once()
    clock.advance(3600)  # the laptop slept with the same window active
    watcher.poll_once()
    clock.advance(10)
    watcher.flush()
    assert [r["meta"]["duration_s"] for r in sink.records] == [30, 10]


def test_nothing_focused_ends_the_span(src, recall_home, clock, sink):
    watcher = make(src, recall_home, clock, sink)
    src.show("XTerm", "vim")
    watcher.poll_once()
    clock.advance(8)
    src.window = None
    watcher.poll_once()
    clock.advance(100)
    watcher.poll_once()
    assert watcher.flush() == []
    assert [r["meta"]["duration_s"] for r in sink.records] == [8]
    assert watcher.current_span is None


def test_a_failing_source_ends_the_span_at_its_last_sighting_and_keeps_polling(src, recall_home, clock, sink):
    watcher = make(src, recall_home, clock, sink)
    src.show("XTerm", "vim")
    watcher.poll_once()
    clock.advance(7)
    watcher.poll_once()
    src.error = "lost the connection to X display ':9'"
    clock.advance(2)
    watcher.poll_once()
    assert [r["meta"]["duration_s"] for r in sink.records] == [7]
    assert watcher.stats.last_error == "lost the connection to X display ':9'"
    src.error = None
    watcher.poll_once()
    assert watcher.stats.last_error is None


def test_records_a_failing_sink_could_not_take_are_sent_with_the_next_ones(src, recall_home, clock):
    sent: list[dict] = []
    fail = {"on": True}

    def sink(records):
        if fail["on"]:
            raise OSError("No space left on device")
        sent.extend(records)

    watcher = make(src, recall_home, clock, sink)
    src.show("A", "one")
    watcher.poll_once()
    clock.advance(10)
    src.show("B", "two")
    with pytest.raises(OSError):
        watcher.poll_once()
    fail["on"] = False
    clock.advance(10)
    watcher.flush()
    assert [r["actor"] for r in sent] == ["A", "B"]


def test_excluded_spans_are_reported_only_as_excluded(src, recall_home, clock, sink):
    watcher = make(src, recall_home, clock, sink)
    src.show("KeePassXC", "Vault.kdbx")
    watcher.poll_once()
    assert watcher.current_span == {"excluded": True, "start": clock.now}
    clock.advance(60)
    watcher.flush()
    assert sink.records == [] and watcher.stats.excluded == 1


def test_a_window_without_title_is_recorded_by_its_application(src, recall_home, clock, sink):
    watcher = make(src, recall_home, clock, sink)
    src.show("Xclock", "")
    watcher.poll_once()
    clock.advance(6)
    watcher.flush()
    assert sink.records[0]["text"] == "Xclock"


def test_ocr_runs_once_the_span_counts_then_once_per_interval(src, recall_home, clock, sink):
    calls: list[str] = []
    texts = iter(["Quarterly report\nexport AWS_SECRET_ACCESS_KEY=" + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY123",
                  None, "boom", "Second page"])

    def ocr(window):
        calls.append(window.app)
        text = next(texts)
        if text == "boom":
            raise RuntimeError("tesseract crashed")
        return text

    watcher = make(src, recall_home, clock, sink, ocr=ocr, ocr_interval=60)
    src.show("KeePassXC", "vault")  # excluded windows are never read
    watcher.poll_once()
    clock.advance(30)
    watcher.poll_once()
    src.show("Evince", "report.pdf")
    watcher.poll_once()
    clock.advance(2)
    watcher.poll_once()  # too early: the span may still be a passing glance
    assert calls == []
    for _ in range(4):
        clock.advance(5 if not calls else 60)
        watcher.poll_once()
    clock.advance(1)
    watcher.flush()
    assert calls == ["Evince"] * 4
    ocr_records = sink.kinds("ocr")
    focus = sink.kinds("focus")
    assert [r["text"].splitlines()[0] for r in ocr_records] == ["Quarterly report", "Second page"]
    assert "wJalrXUtnFEMI" not in ocr_records[0]["text"] and "[REDACTED:" in ocr_records[0]["text"]
    assert {r["meta"]["span"] for r in ocr_records} == {focus[0]["meta"]["span"]}
    assert ocr_records[0]["meta"]["app"] == "Evince" and ocr_records[0]["source"] == "screen"
    assert watcher.stats.errors == 1  # the crash was logged; the watcher went on
    assert watcher.stats.ocr == 2


def test_ocr_goes_through_the_screen_text_hook_and_a_failing_plugin_is_isolated(recall_home, capsys):
    class Broken:
        @hookimpl
        def screen_text(self, window, home):
            raise RuntimeError("plugin exploded")

    class Reader:
        @hookimpl
        def screen_text(self, window, home):
            return f"text of {window.title} in {home.name}"

    window = WindowInfo("Evince", "report.pdf")
    assert ocr_from_plugins(get_plugins(fresh=True, load_entry_points=False), recall_home) is None
    plugins = get_plugins([("broken", Broken()), ("reader", Reader())], load_entry_points=False)
    plugins.quiet = True
    read = ocr_from_plugins(plugins, recall_home)
    assert read(window) == "text of report.pdf in recall-home"
    assert [f.plugin for f in plugins.failures] == ["broken"]


def test_one_watcher_per_recall_home(src, recall_home):
    first = ScreenWatcher(src, home=recall_home)
    second = ScreenWatcher(Scripted(), home=recall_home)
    first.acquire()
    with pytest.raises(ScreenBusyError, match="another screen watcher"):
        second.acquire()
    first.release()
    second.acquire()
    second.release()


def test_stop_closes_the_source_and_releases_the_lock(src, recall_home, clock, sink):
    watcher = make(src, recall_home, clock, sink, poll_seconds=3600)
    src.show("XTerm", "vim")
    with watcher:
        assert watcher.running
    assert src.closed == 1 and not watcher.running
    ScreenWatcher(src, home=recall_home).acquire()  # the lock is free again


@pytest.mark.parametrize(("platform", "environ", "message"), [
    ("linux", {}, "no X display: set DISPLAY or run under X11"),
    ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, "Wayland does not let programs read the active window"),
    ("win32", {}, "only runs on Windows"),
])
def test_detect_source_says_in_one_line_why_nothing_works(platform, environ, message):
    with pytest.raises(ScreenSourceError) as info:
        detect_source(platform=platform, environ=environ)
    assert message in info.value.message and "\n" not in info.value.message


def test_the_macos_source_output_is_parsed():
    window = parse_osascript("Safari\n812\nrecall — GitHub\n")
    assert (window.app, window.pid, window.title, window.platform) == ("Safari", 812, "recall — GitHub", "macos")
    assert parse_osascript("Finder\n90\n\n").title == ""
    assert parse_osascript("\n") is None


def test_a_title_that_changes_before_the_span_counts_continues_it(src, recall_home, clock, sink):
    watcher = make(src, recall_home, clock, sink, min_seconds=5)
    for title in ("~/src", "~/src: make", "~/src: make test", "~/src: pytest"):
        src.show("XTerm", title, window="0x10")
        watcher.poll_once()
        clock.advance(1.5)
    src.show("XTerm", "Private Browsing", window="0x10")  # an excluded title never folds in
    watcher.poll_once()
    clock.advance(30)
    src.show("XTerm", "~/src", window="0x10")
    watcher.poll_once()
    clock.advance(3)
    src.show("Gedit", "notes", window="0x11")  # another window ends the span
    watcher.poll_once()
    clock.advance(1)
    watcher.flush()
    assert [(r["meta"]["title"], r["meta"]["duration_s"]) for r in sink.records] == [("~/src: pytest", 6)]
    assert watcher.stats.excluded == 1 and watcher.stats.short == 2

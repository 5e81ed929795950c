"""First run, a terminal too small, the help screen, key binding ids, and `recall tui` itself."""

from __future__ import annotations

import subprocess
import sys

from textual.binding import Binding

from recall_cli.tui.app import build_app
from recall_cli.tui.screens.help import HelpScreen
from recall_cli.tui.screens.main import MainScreen
from recall_cli.tui.screens.too_small import TooSmallScreen
from recall_cli.tui.screens.welcome import WelcomeScreen
from tests.tui.helpers import press, run, text_of, tree_lines, type_text


def test_an_empty_store_shows_how_to_start(empty_app, recall_home):
    app = empty_app

    async def scenario(pilot):
        assert isinstance(app.screen, WelcomeScreen)
        text = text_of(app.screen.query_one("#welcome-text"))
        assert "Your memory is empty" in text
        assert 'recall add "text"' in text and "recall import FILE" in text and "recall init bash" in text
        assert str(recall_home) in text
        await press(pilot, "r")
        assert isinstance(app.screen, WelcomeScreen)
        assert app.messages[-1][1].startswith("Still empty")
        # writing a first note leaves the welcome screen for the timeline
        await press(pilot, "n")
        await type_text(pilot, "My first note")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        assert "My first note" in tree_lines(app)[1]
        assert "1 event ·" in str(app.screen.query_one("#topbar").content)

    run(app, scenario)


def test_the_welcome_screen_has_help(empty_app):
    async def scenario(pilot):
        await press(pilot, "question_mark")
        assert isinstance(empty_app.screen, HelpScreen)
        await press(pilot, "escape")
        assert isinstance(empty_app.screen, WelcomeScreen)

    run(empty_app, scenario)


def test_a_terminal_too_small_says_so_until_it_grows(app, ids):
    async def scenario(pilot):
        assert isinstance(app.screen, TooSmallScreen)
        text = text_of(app.screen.query_one("#too-small"))
        assert "Terminal too small: 60x20." in text and "at least 80x24" in text
        await pilot.resize_terminal(79, 30)
        await press(pilot)
        assert "79x30" in text_of(app.screen.query_one("#too-small"))
        await pilot.resize_terminal(100, 30)
        await press(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.resize_terminal(100, 23)
        await press(pilot)
        assert isinstance(app.screen, TooSmallScreen)

    run(app, scenario, size=(60, 20))


def test_too_small_on_an_empty_store_keeps_the_welcome_underneath(empty_app):
    async def scenario(pilot):
        assert isinstance(empty_app.screen, TooSmallScreen)
        await pilot.resize_terminal(90, 30)
        await press(pilot)
        assert isinstance(empty_app.screen, WelcomeScreen)

    run(empty_app, scenario, size=(70, 20))


def test_help_lists_every_key_with_its_id_and_cli_twin(app, ids):
    async def scenario(pilot):
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys").content
        ids_column = list(table.columns[2].cells)
        for binding_id in ("pin", "edit", "forget", "consolidate", "ask", "search", "help", "quit"):
            assert binding_id in ids_column
        cli_column = list(table.columns[3].cells)
        assert "recall pin m7 / recall unpin m7" in cli_column and "recall forget 42 m7" in cli_column
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)

    run(app, scenario)


def test_every_binding_has_an_id():
    from recall_cli.tui.app import binding_classes

    seen = {}
    for cls in binding_classes():
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding) and binding.id, f"{cls.__name__}: {binding}"
            assert seen.setdefault(binding.id, cls) is cls, f"id {binding.id} used twice"


def test_quit(app, ids):
    async def scenario(pilot):
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running

    run(app, scenario)


def test_recall_tui_needs_a_terminal(cli):
    code, out, err = cli("tui")
    assert code == 2
    assert err.strip() == "Error: recall tui needs a terminal (use recall search / recall memories in scripts)"


def test_a_tui_that_crashed_exits_non_zero(cli, monkeypatch):
    import types

    import recall_cli.cli.tui as tui_command

    class Crashed:  # what App.run leaves after Textual printed an unhandled error
        return_code = 1

        def run(self) -> None:
            pass

    terminal = types.SimpleNamespace(isatty=lambda: True)
    monkeypatch.setattr(tui_command, "sys", types.SimpleNamespace(stdout=terminal, stdin=terminal))
    monkeypatch.setattr("recall_cli.tui.app.build_app", lambda *args, **kwargs: Crashed())
    assert cli("tui")[0] == 1


def test_the_cli_does_not_import_textual_until_tui_runs():
    code = ("import sys; from recall_cli.cli.app import build_app; build_app(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m == 'recall_cli.tui'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_recall_help_lists_tui(cli):
    code, out, err = cli("--help")
    assert code == 0 and "tui" in out and "Browse, search and curate" in out


def test_the_keymap_setting_rebinds_a_key_by_its_id(svc, ids, recall_home):
    svc.config.set("tui.keymap", "app-help=f2, no-such-id=f3, search-tab=, forget=x")
    app = build_app(svc, use_daemon=False)

    async def scenario(pilot):
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        # the help shows the keys in force, where a user goes to learn them
        table = app.screen.query_one("#help-keys").content
        keys = dict(zip(table.columns[2].cells, table.columns[0].cells, strict=True))
        assert keys["forget"] == "x" and keys["app-help"] == "f2"
        assert ("warning", "tui.keymap: left out no-such-id=f3, search-tab= (use binding-id=key; ids are in the "
                           "help, ?)") in app.messages

    run(app, scenario)


def test_the_help_names_the_key_that_opens_it_and_every_id_the_keymap_accepts(svc, ids, recall_home):
    from recall_cli.tui.app import binding_ids

    svc.config.set("tui.keymap", "help=h, nope=f3")
    app = build_app(svc, use_daemon=False)

    async def scenario(pilot):
        assert app.messages[-1][1].endswith("ids are in the help, h)")
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys").content
        shown = set(table.columns[2].cells)
        # the dialogs' and widgets' ids too (edit-save, confirm-yes, timeline-open...)
        assert binding_ids() <= shown and {"edit-save", "confirm-yes", "timeline-open"} <= shown
        assert "Edit dialog" in [str(c) for c in table.columns[0].cells]

    run(app, scenario)


def test_a_keymap_key_no_press_makes_is_reported_and_its_binding_keeps_its_own_key(svc, ids, recall_home):
    from textual.widgets import TabbedContent

    from recall_cli.config import load_config

    # written by hand (config set refuses these): the TUI still must not make the keys dead
    (recall_home / "config.toml").write_text('[tui]\nkeymap = "app-help=F2,search-tab=ctrl-f,help=h,help=j,'
                                             'pin=!"\n')
    svc.config = load_config(recall_home)
    app = build_app(svc, use_daemon=False)

    async def scenario(pilot):
        warned = [m for severity, m in app.messages if severity == "warning"]
        assert warned == ["tui.keymap: left out 'F2' is no key the TUI can see (did you mean 'f2'?) (for 'app-help')",
                          "tui.keymap: left out 'ctrl-f' is no key the TUI can see (did you mean 'ctrl+f'?) (for "
                          "'search-tab')",
                          "tui.keymap: left out 'help' is given twice (help=h, help=j): keep one"]
        await press(pilot, "2")  # search-tab keeps its own key
        assert app.screen.query_one(TabbedContent).active == "search"
        await press(pilot, "escape", "f1")  # and app-help its own
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape", "h")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape", "1", "3", "exclamation_mark")  # '!' as written pins
        assert app.messages[-1][1].startswith("Pinned")

    run(app, scenario)

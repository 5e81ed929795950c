import json
import sys
import textwrap
from pathlib import Path

import pytest

from recall_cli.plugins.manager import get_plugins, reset_plugins

PLUGIN_SOURCE = '''
from recall_cli.plugins.hookspecs import hookimpl


@hookimpl
def register_commands(app):
    @app.command("hello")
    def hello():
        """Say hello from a plugin."""
        print("hello from the plugin")


@hookimpl
def register_sources(register):
    register("calendar", "events from a calendar")


@hookimpl
def filter_event(event):
    if "DROPME" in event.text:
        return None
    event.text = event.text.replace("colour", "color")
    return event
'''

BROKEN_SOURCE = '''
from recall_cli.plugins.hookspecs import hookimpl


@hookimpl
def register_importers(register):
    raise RuntimeError("importer plugin exploded")


@hookimpl
def register_sources(register):
    raise ValueError("sources exploded")
'''


def _install(site: Path, name: str, source: str) -> None:
    (site / f"{name}.py").write_text(textwrap.dedent(source))
    info = site / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[recall]\n{name} = {name}\n")


@pytest.fixture
def site(tmp_path, monkeypatch):
    path = tmp_path / "site"
    path.mkdir()
    monkeypatch.syspath_prepend(str(path))
    yield path
    for name in [m for m in sys.modules if m.startswith("recall_test_")]:
        del sys.modules[name]
    reset_plugins()


def test_builtins_register_through_the_same_hooks(cli):
    data = json.loads(cli("plugins", "--json")[1])
    names = {p["name"]: p for p in data["plugins"]}
    assert {"builtin_importers", "builtin_sources", "builtin_embedders"} <= set(names)
    assert names["builtin_importers"]["hooks"] == ["register_importers"]
    assert data["failures"] == []


def test_an_installed_plugin_adds_a_command_a_source_and_filters_events(cli, site):
    _install(site, "recall_test_good", PLUGIN_SOURCE)
    reset_plugins()
    assert cli("hello") == (0, "hello from the plugin\n", "")
    listing = cli("plugins")[1]
    expected = "recall_test_good  (recall_test_good 0.1)  hooks: filter_event, register_commands, register_sources"
    assert expected in listing
    cli("add", "DROPME please", "--time", "2023-01-01")
    assert cli("add", "my favourite colour is green", "--time", "2023-01-02")[0] == 0
    assert "color is green" in cli("show", "1")[1]
    assert json.loads(cli("stats", "--json")[1])["events"] == 1


def test_a_plugin_that_raises_is_reported_and_skipped(cli, site, tmp_path):
    _install(site, "recall_test_broken", BROKEN_SOURCE)
    reset_plugins()
    notes = tmp_path / "n.jsonl"
    notes.write_text('{"text": "still imports", "time": "2023-01-01"}\n{"text": "two", "time": "2023-01-02"}\n')
    code, out, err = cli("import", str(notes))
    assert code == 0 and out.startswith("Imported 2 events")
    assert ("Warning: plugin recall_test_broken failed in register_importers: "
            "RuntimeError: importer plugin exploded (skipped)") in err
    assert err.count("failed in register_importers") == 1  # said once, though the formats are read thrice
    assert "FAILED in register_importers" in cli("plugins")[1]


def test_a_source_a_plugin_registers_is_a_valid_source_before_it_has_events(cli, site):
    _install(site, "recall_test_good", PLUGIN_SOURCE)
    reset_plugins()
    cli("add", "the tram tour starts at 9am", "--time", "2023-01-01")
    assert cli("search", "tram", "--source", "calendar") == (0, "No results.\n", "")
    assert cli("forget", "--source", "calendar", "--yes") == (0, "Nothing matches; nothing deleted.\n", "")
    assert cli("search", "tram", "--source", "calender")[0] == 2


def test_a_register_sources_hook_that_raises_is_reported_and_recalls_own_sources_stay_valid(cli, site):
    _install(site, "recall_test_broken", BROKEN_SOURCE)
    reset_plugins()
    cli("add", "the tram tour starts at 9am", "--time", "2023-01-01")
    code, out, err = cli("forget", "--source", "screen", "--yes")
    assert (code, out) == (0, "Nothing matches; nothing deleted.\n")
    assert "Warning: plugin recall_test_broken failed in register_sources: ValueError: sources exploded (skipped)" \
        in err


def test_a_plugin_that_fails_to_import_does_not_break_recall(cli, site):
    (site / "recall_test_syntax.py").write_text("this is not python(\n")
    info = site / "recall_test_syntax-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: recall_test_syntax\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[recall]\nrecall_test_syntax = recall_test_syntax\n")
    reset_plugins()
    code, out, err = cli("add", "works anyway", "--time", "2023-01-01")
    assert code == 0 and out == "Remembered as event 1.\n"
    assert "plugin recall_test_syntax failed in load" in err


def test_a_plugin_registered_in_process_can_provide_the_embedder(recall_home, monkeypatch):
    from recall_cli.config import load_config
    from recall_cli.plugins.hookspecs import hookimpl
    from recall_cli.service import Recall
    from tests.fakes import FakeEmbedder

    class Plugin:
        @hookimpl
        def register_embedders(self, register):
            register("fake", lambda config: FakeEmbedder(dim=16))

    monkeypatch.setenv("RECALL_EMBED_MODEL", "fake")
    svc = Recall(load_config(recall_home), plugins=get_plugins(extra=[("fakeemb", Plugin())]))
    svc.add("hello there")
    assert svc.search("hello").hits[0].text == "hello there"
    assert svc.embedder.model_id == "fake-bow-16"


RIVAL_SOURCE = '''
from recall_cli.plugins.hookspecs import hookimpl


@hookimpl
def register_commands(app):
    @app.command("stats")
    def stats():
        print("the plugin's own stats")


@hookimpl
def register_importers(register):
    register(object())
'''


def test_a_plugin_can_neither_replace_a_command_nor_break_import_with_a_bad_format(cli, site, tmp_path):
    _install(site, "recall_test_rival", RIVAL_SOURCE)
    reset_plugins()
    code, out, err = cli("stats", "--json")
    assert code == 0 and "events" in json.loads(out)  # recall's own stats
    assert "plugin recall_test_rival: a command named 'stats' would replace recall's own; left out" in err
    notes = tmp_path / "n.jsonl"
    notes.write_text('{"text": "still imports", "time": "2023-01-01"}\n')
    code, out, err = cli("import", str(notes))
    assert code == 0 and out.startswith("Imported 1 event")
    assert "is not an importer (needs name, detect and parse); left out" in err


GREEDY_SOURCE = '''
from recall_cli.plugins.hookspecs import hookimpl


class Greedy:
    name = "greedy"
    description = "claims every file, then breaks on it"

    def detect(self, path, head):
        return True

    def parse(self, path, text):
        yield from ()
        raise RuntimeError("parse exploded")


@hookimpl
def register_importers(register):
    register(Greedy())
'''


def test_an_importer_plugin_that_claims_a_file_and_breaks_is_named_and_the_next_format_reads_it(cli, site, tmp_path):
    _install(site, "recall_test_greedy", GREEDY_SOURCE)
    reset_plugins()
    notes = tmp_path / "n.jsonl"
    notes.write_text('{"text": "still imports", "time": "2023-01-01"}\n')
    code, out, err = cli("import", str(notes))
    assert (code, err) == (0, "")
    assert out == (f"Imported 1 event from {notes} (jsonl); 0 already known (the greedy importer failed: "
                   "RuntimeError: parse exploded; read as jsonl instead).\n")
    # asked for by name, it is the format's failure, in one line
    code, _, err = cli("import", str(notes), "--format", "greedy")
    assert code == 4 and err == f"Error: {notes}: the greedy importer failed: RuntimeError: parse exploded\n"


FAILING_FILTER_SOURCE = '''
from recall_cli.plugins.hookspecs import hookimpl


@hookimpl
def filter_event(event):
    if "boom" in event.text:
        raise RuntimeError("cannot parse")
    return None if "do-not-remember" in event.text else event
'''


def test_an_event_a_failing_filter_plugin_cannot_judge_is_held_back_with_one_line_naming_the_plugin(cli, site):
    _install(site, "recall_test_failing", FAILING_FILTER_SOURCE)
    reset_plugins()
    assert cli("add", "boom: my bank PIN is 4821", "--time", "2023-01-01") == (
        1, "", "Error: plugin recall_test_failing failed in filter_event (RuntimeError: cannot parse): "
               "the event was held back, not stored\n")
    assert json.loads(cli("stats", "--json")[1])["events"] == 0


def test_an_import_stores_what_a_failing_filter_passes_and_counts_what_it_held_back(cli, site, tmp_path):
    _install(site, "recall_test_failing", FAILING_FILTER_SOURCE)
    reset_plugins()
    notes = tmp_path / "n.jsonl"
    notes.write_text('{"text": "boom one", "time": "2023-01-01"}\n{"text": "fine two", "time": "2023-01-02"}\n'
                     '{"text": "do-not-remember three", "time": "2023-01-03"}\n')
    code, out, err = cli("import", str(notes))
    assert (code, err) == (1, "")
    assert out == (f"Imported 1 event from {notes} (jsonl); 0 already known, 1 dropped by plugins, 1 event held "
                   "back, not stored: plugin recall_test_failing failed in filter_event (RuntimeError: cannot "
                   "parse).\n")
    assert json.loads(cli("stats", "--json")[1])["events"] == 1 and "fine two" in cli("show", "1")[1]
    data = json.loads(cli("import", str(notes), "--json")[1])
    assert (data["inserted"], data["duplicates"], data["held_back"]) == (0, 1, 1)


def test_a_spool_ingest_holds_back_what_a_failing_filter_cannot_judge_and_says_so(svc):
    from recall_cli.capture import spool
    from recall_cli.plugins.hookspecs import hookimpl

    class Failing:
        @hookimpl
        def filter_event(self, event):
            if "boom" in event.text:
                raise RuntimeError("cannot parse")
            return event

    svc._plugins = get_plugins(extra=[("failing", Failing())])
    spool.append(svc.config.home, [spool.make_record(source="shell", kind="command", text=text, ts_start=1.7e9)
                                   for text in ("echo boom", "ls")])
    report = svc.ingest_spool(embed=False)
    assert (report.inserted, report.held) == (1, {"plugin failing failed in filter_event (RuntimeError: "
                                                  "cannot parse)": 1})
    assert report.summary().endswith(", 1 held back, not stored: plugin failing failed in filter_event "
                                     "(RuntimeError: cannot parse).")


def test_plugins_names_a_plugin_that_failed_once(cli, site):
    _install(site, "recall_test_broken", BROKEN_SOURCE.replace("register_importers(register)",
                                                               "register_commands(app)"))
    reset_plugins()
    code, out, err = cli("plugins")
    assert code == 0 and err == ""
    assert out.count("importer plugin exploded") == 1


VARYING_FILTER_SOURCE = '''
from recall_cli.plugins.hookspecs import hookimpl


@hookimpl
def filter_event(event):
    if "boom" in event.text:
        raise RuntimeError("cannot parse " + event.text)
    return event
'''


def test_many_events_a_failing_filter_holds_back_are_told_in_one_short_line(cli, site, tmp_path):
    _install(site, "recall_test_varying", VARYING_FILTER_SOURCE)
    reset_plugins()
    notes = tmp_path / "n.jsonl"
    notes.write_text("".join(f'{{"text": "boom number {i}", "time": "2023-01-0{1 + i % 9}"}}\n' for i in range(300)))
    code, out, _ = cli("import", str(notes))
    assert code == 1 and out.endswith("300 events held back, not stored: plugin recall_test_varying failed in "
                                      "filter_event (RuntimeError: cannot parse boom number 0).\n")


def test_watch_once_says_what_a_failing_filter_held_back_and_exits_non_zero(cli, site, tmp_path):
    _install(site, "recall_test_varying", VARYING_FILTER_SOURCE)
    reset_plugins()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "n.md").write_text("boom paragraph here.\n\nfine paragraph\n")
    code, out, err = cli("watch", str(tmp_path / "notes"), "--once")
    assert code == 1 and "ingested 1 event" in out
    assert err == ("Error: plugin recall_test_varying failed in filter_event (RuntimeError: cannot parse boom "
                   "paragraph here.): 1 event held back, not stored\n")


MILLISECONDS_SOURCE = '''
from recall_cli.models import Event
from recall_cli.plugins.hookspecs import hookimpl


class Ms:
    name = "ms"
    description = "times in milliseconds by mistake"

    def detect(self, path, head):
        return False

    def parse(self, path, text):
        yield Event(text="Dentist with Dr Okafor moved to Thursday", ts_start=1772356500000.0)
        yield Event(text="", ts_start=1772356500.0)
        yield Event(text="Swim at Blackrock", ts_start=1772356500.0)


@hookimpl
def register_importers(register):
    register(Ms())
'''


def test_a_plugin_importers_event_with_a_time_out_of_range_is_held_back_and_the_store_still_reads(cli, site, tmp_path):
    _install(site, "recall_test_ms", MILLISECONDS_SOURCE)
    reset_plugins()
    cli("add", "Sam's spare key is under the blue pot", "--time", "2026-03-01")
    source = tmp_path / "g.txt"
    source.write_text("x\n")
    code, out, _ = cli("import", str(source), "--format", "ms")
    assert code != 0 and "2 events held back, not stored" in out and "out of range (years 1-9999)" in out
    assert json.loads(cli("stats", "--json")[1])["events"] == 2  # the key and the swim
    code, out, _ = cli("search", "dentist")
    assert code == 0 and "Okafor" not in out
    assert "Swim at Blackrock" in cli("search", "swim")[1]


ENRICHING_SOURCE = '''
from recall_cli.plugins.hookspecs import hookimpl


@hookimpl
def filter_event(event):
    event.text += " (sent with key ghp_abcdefghijklmnopqrstuvwxyz0123456789)"
    return event
'''


def test_a_secret_a_filter_plugin_writes_into_an_event_is_redacted_before_it_is_stored(cli, site):
    _install(site, "recall_test_enrich", ENRICHING_SOURCE)
    reset_plugins()
    assert cli("add", "deploy notes for friday", "--time", "2026-03-01")[0] == 0
    shown = cli("show", "1")[1]
    assert "deploy notes for friday" in shown and "ghp_abcdefghijklmnopqrstuvwxyz0123456789" not in shown


GARBAGE_FILTER_SOURCE = '''
from recall_cli.plugins.hookspecs import hookimpl


@hookimpl
def filter_event(event):
    return "a string, not an event"
'''


def test_a_filter_plugin_that_returns_no_event_is_named_and_the_event_held_back(cli, site):
    _install(site, "recall_test_garbage", GARBAGE_FILTER_SOURCE)
    reset_plugins()
    assert cli("add", "hello", "--time", "2026-03-01") == (
        1, "", "Error: plugin recall_test_garbage failed in filter_event (TypeError: returned a str, not an Event "
               "or None): the event was held back, not stored\n")


def test_a_plugin_that_exits_at_import_is_reported_and_recall_goes_on(cli, site):
    _install(site, "recall_test_exits", "raise SystemExit(3)\n")
    reset_plugins()
    code, out, err = cli("add", "works anyway", "--time", "2023-01-01")
    assert code == 0 and out == "Remembered as event 1.\n"
    assert "plugin recall_test_exits failed in load: SystemExit: 3" in err


SHADOW_SOURCE = '''
from recall_cli.plugins.hookspecs import hookimpl


class Shadow:
    name = "jsonl"
    description = "a plugin's own jsonl"

    def detect(self, path, head):
        return False

    def parse(self, path, text):
        return iter(())


@hookimpl
def register_importers(register):
    register(Shadow())
'''


def test_an_importer_plugin_named_like_a_built_in_format_is_left_out_with_one_warning(cli, site, tmp_path):
    _install(site, "recall_test_shadow", SHADOW_SOURCE)
    reset_plugins()
    records = tmp_path / "r.jsonl"
    records.write_text('{"text":"real record one","time":"2026-03-01"}\n'
                       '{"text":"real record two","time":"2026-03-02"}\n')
    code, out, err = cli("import", str(records))
    assert code == 0 and out.startswith("Imported 2 events")
    assert err == "Warning: plugin recall_test_shadow: an importer named 'jsonl' would replace recall's own; left out\n"


BAD_GROUP_SOURCE = '''
from recall_cli.plugins.hookspecs import hookimpl


@hookimpl
def register_commands(app):
    app.add_typer("not a typer", name="weird")
'''


def test_a_plugin_command_group_typer_cannot_use_is_left_out_and_every_command_still_runs(cli, site):
    _install(site, "recall_test_weird", BAD_GROUP_SOURCE)
    reset_plugins()
    code, out, err = cli("stats", "--json")
    assert code == 0 and "events" in json.loads(out)
    assert err == ("Warning: plugin recall_test_weird: a command group 'weird' that is a str, not a typer.Typer; "
                   "left out\n")
    assert "FAILED in register_commands" in cli("plugins")[1]


def test_plugins_alone_lists_a_plugin_whose_register_hooks_raise_as_failed_and_says_it_once(cli, site):
    _install(site, "recall_test_broken", BROKEN_SOURCE)
    reset_plugins()
    code, out, err = cli("plugins")
    assert code == 0 and err == ""
    assert ("recall_test_broken  FAILED in register_importers: RuntimeError: importer plugin exploded" in out
            and "recall_test_broken  FAILED in register_sources: ValueError: sources exploded" in out)


TYPO_FILTER_SOURCE = '''
from recall_cli.plugins.hookspecs import hookimpl


@hookimpl
def filter_events(event):
    return None if "do-not-remember" in event.text else event
'''


def test_a_plugin_hook_named_like_no_hook_is_refused_at_load_with_a_warning_naming_the_hook_it_meant(cli, site):
    _install(site, "recall_test_typo", TYPO_FILTER_SOURCE)
    reset_plugins()
    code, out, err = cli("add", "bank PIN hint, do-not-remember", "--time", "2023-01-01")
    assert code == 0 and err == ("Warning: plugin recall_test_typo failed in load: PluginValidationError: "
                                 "'filter_events' is no recall hook (did you mean 'filter_event'?) (skipped)\n")
    listing = cli("plugins")[1]
    assert "hooks: filter_events" not in listing
    assert "recall_test_typo  FAILED in load: PluginValidationError: 'filter_events' is no recall hook" in listing


BAD_DETECT_SOURCE = '''
from recall_cli.models import Event
from recall_cli.plugins.hookspecs import hookimpl


class Todo:
    name = "todo"
    description = "todo lists"

    def detect(self, path, head):
        return path.name.endwith(".todo")

    def parse(self, path, text):
        for line in text.splitlines():
            yield Event(text=line, ts_start=1772356500.0, kind="todo")


@hookimpl
def register_importers(register):
    register(Todo())
'''


def test_an_importer_plugin_whose_detect_raises_is_named_and_the_format_read_instead_is_said(cli, site, tmp_path):
    _install(site, "recall_test_todo", BAD_DETECT_SOURCE)
    reset_plugins()
    todo = tmp_path / "list.todo"
    todo.write_text("buy milk\ncall mum\n")
    code, out, err = cli("import", str(todo))
    assert (code, err) == (0, "")
    assert out == (f"Imported 1 event from {todo} (markdown); 0 already known (the todo importer of plugin "
                   "recall_test_todo failed in detect: AttributeError: 'str' object has no attribute "
                   "'endwith'; read as markdown instead).\n")
    odd = tmp_path / "odd.json"
    odd.write_text('{"a": 1}\n')
    code, _, err = cli("import", str(odd))
    assert code == 4 and err.startswith(f"Error: {odd}: cannot tell the format (the todo importer of plugin "
                                        "recall_test_todo failed in detect: AttributeError:")


FAILING_EMBEDDER_SOURCE = '''
import numpy as np

from recall_cli.plugins.hookspecs import hookimpl


def missing(config):
    raise RuntimeError("embedder backend missing")


class Flaky:
    model_id = "flaky-4"
    dim = 4

    def embed(self, texts):
        if any("boom" in t for t in texts):
            raise RuntimeError("GPU fell over")
        return np.ones((len(texts), 4), dtype="float32") / 2


@hookimpl
def register_embedders(register):
    register("myemb", missing)
    register("flaky", lambda config: Flaky())
'''


def test_a_plugin_embedder_that_raises_is_one_line_naming_the_plugin_and_the_setting_to_undo(recall_home, site,
                                                                                             monkeypatch):
    from recall_cli.cli import common
    from recall_cli.config import load_config
    from recall_cli.service import Recall
    from tests.conftest import run_cli

    _install(site, "recall_test_emb", FAILING_EMBEDDER_SOURCE)
    reset_plugins()
    common.set_service_factory(lambda: Recall(load_config(recall_home)))
    assert run_cli("add", "a note", "--time", "2023-01-01")[0] == 0
    assert run_cli("config", "set", "embed.model", "myemb")[0] == 0
    for command in (("search", "note"), ("ask", "what note?", "--no-llm")):
        assert run_cli(*command) == (5, "", "Error: the embedder 'myemb' of plugin recall_test_emb (embed.model) "
                                            "failed: RuntimeError: embedder backend missing (`recall config unset "
                                            "embed.model` goes back to the bundled embedder)\n")
    monkeypatch.setenv("RECALL_EMBED_MODEL", "flaky")
    assert run_cli("search", "note")[0] == 0
    assert run_cli("search", "boom") == (5, "", "Error: the embedder 'flaky' of plugin recall_test_emb (embed.model) "
                                                "failed: RuntimeError: GPU fell over (it is set by "
                                                "RECALL_EMBED_MODEL; unset that to use the bundled embedder)\n")


def test_an_add_a_filter_plugin_drops_names_the_plugin_that_dropped_it(cli, site):
    _install(site, "recall_test_failing", FAILING_FILTER_SOURCE)
    reset_plugins()
    assert cli("add", "bank PIN hint, do-not-remember", "--time", "2023-01-01") == (
        2, "", "Error: plugin recall_test_failing dropped this event in filter_event; it was not stored\n")
    assert json.loads(cli("stats", "--json")[1])["events"] == 0

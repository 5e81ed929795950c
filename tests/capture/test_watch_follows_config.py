"""A running `recall watch` and `recall watch --add/--remove`: on the configured folders it
follows them as `recall serve` does; started on folders of its own it keeps to them, and
--add/--remove say so. The watch runs in the main thread, as from a terminal, until a
driver thread beside it presses Ctrl-C (SIGINT); both wait on events, never by sleeping."""

from __future__ import annotations

import os
import queue
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from recall_cli.capture import spool
from recall_cli.capture.watch import FileWatcher, running_watcher
from recall_cli.config import load_config
from tests.capture.helpers import spool_records

WAIT = 20.0


class Beside:
    """What the watch does, as events: each watcher started (its folders), each text sent to
    the spool; and a driver thread that acts meanwhile, then presses Ctrl-C."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started: queue.Queue[list[str]] = queue.Queue()
        self.texts: queue.Queue[str] = queue.Queue()
        self.failure: BaseException | None = None
        start, append = FileWatcher.start, spool.append

        def started(watcher: FileWatcher):  # type: ignore[no-untyped-def]
            report = start(watcher)
            self.started.put(list(watcher.dirs))
            return report

        def appended(home, records):  # type: ignore[no-untyped-def]
            append(home, records)
            for record in records:
                self.texts.put(record["text"])

        monkeypatch.setattr(FileWatcher, "start", started)
        monkeypatch.setattr(spool, "append", appended)

    def next_start(self) -> list[str]:
        return self.started.get(timeout=WAIT)

    def text(self, wanted: str) -> None:
        while self.texts.get(timeout=WAIT) != wanted:
            pass

    def drive(self, steps: Callable[[], None]) -> None:
        main = threading.main_thread().ident
        assert main is not None

        def run() -> None:
            try:
                steps()
            except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
                self.failure = exc
            finally:
                signal.pthread_kill(main, signal.SIGINT)  # Ctrl-C

        threading.Thread(target=run, daemon=True).start()


@pytest.fixture
def folders(tmp_path: Path, recall_home: Path) -> tuple[Path, Path]:
    notes, wiki = tmp_path / "notes", tmp_path / "wiki"
    notes.mkdir()
    wiki.mkdir()
    (notes / "gym.md").write_text("Spin class on Tuesday with coach Ingrid.\n")
    (wiki / "bike.md").write_text("The bike needs new brake pads.\n")
    load_config(recall_home).set("watch.debounce_ms", 50)
    return notes, wiki


def test_a_running_watch_on_the_configured_folders_follows_add_and_remove(cli, folders, recall_home, monkeypatch):
    notes, wiki = folders
    load_config(recall_home).set("watch.dirs", str(notes))
    beside = Beside(monkeypatch)
    seen: dict[str, object] = {}

    def steps() -> None:
        seen["first"] = beside.next_start()
        seen["running"] = running_watcher(recall_home)
        load_config(recall_home).set("watch.dirs", f"{notes},{wiki}")  # what `recall watch --add` writes
        seen["added"] = beside.next_start()
        beside.text("The bike needs new brake pads.")  # the new folder's first scan
        load_config(recall_home).set("watch.dirs", str(wiki))  # `recall watch --remove notes`
        seen["removed"] = beside.next_start()
        (notes / "late.md").write_text("Written in notes after it was removed.\n")
        (wiki / "pads.md").write_text("Ordered the brake pads.\n")
        beside.text("Ordered the brake pads.")

    beside.drive(steps)
    code, _out, err = cli("watch", "--no-ingest")
    if beside.failure is not None:
        raise AssertionError(f"{beside.failure!r}; the watch said: {err}") from beside.failure
    assert code == 0, err
    assert (seen["first"], seen["added"], seen["removed"]) == ([str(notes)], [str(notes), str(wiki)], [str(wiki)])
    assert seen["running"] == {"pid": os.getpid(), "dirs": [str(notes)], "explicit": False}
    assert f"Watching {notes}, {wiki} (Ctrl-C to stop)." in err and f"Watching {wiki} (Ctrl-C to stop)." in err
    texts = [r["text"] for r in spool_records(recall_home)]
    assert "Ordered the brake pads." in texts and "Written in notes after it was removed." not in texts


def test_a_watch_started_on_its_own_folders_keeps_to_them(cli, folders, recall_home, monkeypatch):
    notes, wiki = folders
    beside = Beside(monkeypatch)
    seen: dict[str, object] = {}

    def steps() -> None:
        seen["first"] = beside.next_start()
        seen["running"] = running_watcher(recall_home)
        load_config(recall_home).set("watch.dirs", str(wiki))  # `recall watch --add wiki` meanwhile
        (notes / "late.md").write_text("Written in notes after the configuration changed.\n")
        beside.text("Written in notes after the configuration changed.")

    beside.drive(steps)
    code, _out, err = cli("watch", str(notes), "--no-ingest")
    if beside.failure is not None:
        raise AssertionError(f"{beside.failure!r}; the watch said: {err}") from beside.failure
    assert code == 0, err
    assert seen["first"] == [str(notes)] and beside.started.empty()  # started once, on its own folder
    assert seen["running"] == {"pid": os.getpid(), "dirs": [str(notes)], "explicit": True}
    assert "The bike needs new brake pads." not in [r["text"] for r in spool_records(recall_home)]


def test_add_and_remove_say_when_the_running_watch_keeps_to_its_own_folders(cli, folders, recall_home):
    notes, wiki = folders
    assert cli("watch", "--add", str(wiki)) == (0, f"Watching {wiki}; configured: 1 directory.\n", "")  # none runs
    with FileWatcher([notes], home=recall_home, sink=lambda records: None, explicit=True):  # `recall watch NOTES`
        code, out, err = cli("watch", "--remove", str(wiki))
    assert (code, out) == (0, f"No longer watching {wiki}; configured: 0 directories.\n")
    assert err == (f"Note: the `recall watch` running now (pid {os.getpid()}) was started on {notes} and is not "
                   "changed; run it without DIR to follow the configured directories.\n")
    # a watch on the configured folders (or serve's) follows the change: nothing more to say
    with FileWatcher([notes], home=recall_home, sink=lambda records: None):
        assert cli("watch", "--add", str(wiki)) == (0, f"Watching {wiki}; configured: 1 directory.\n", "")
    assert running_watcher(recall_home) is None

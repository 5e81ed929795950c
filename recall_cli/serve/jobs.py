"""The daemon's background jobs: spool ingest, watchers, consolidation when idle, decay sweep,
sync through a shared folder."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from ..capture.screen import screen_watcher_from_config
from ..capture.watch import FileWatcher, WatchReport
from ..capture.watch_dirs import ConfiguredDirs
from ..errors import RecallError
from ..render import plural
from ..timeutil import short

if TYPE_CHECKING:
    from .daemon import Daemon

log = logging.getLogger("recall.daemon")


def install_jobs(daemon: Daemon) -> None:
    """Register the daemon's periodic jobs and start the configured watchers."""
    config = daemon.config
    svc = daemon.service

    def ingest() -> None:
        report = svc.ingest_spool()
        if report.held:  # a filter plugin is broken: what it held back is lost unless someone reads this
            log.warning("spool: %s", report.summary())
        elif report.inserted or report.quarantined:
            log.info("spool: %s", report.summary())

    daemon.jobs["ingest"] = ingest

    idle_after = config.get("serve.consolidate_idle")
    state: dict[str, Any] = {"last": 0.0, "problem": ""}

    def consolidate_when_idle() -> None:
        if idle_after <= 0 or time.monotonic() - daemon.last_request < idle_after:
            return
        if time.monotonic() - state["last"] < idle_after:
            return
        started = state["last"] = time.monotonic()
        done, actions = 0, dict[str, int]()
        for _ in range(config.get("serve.consolidate_batch")):
            # one episode at a time under the lock, and none once someone asks something: with a
            # model an episode takes seconds, a batch minutes, and a search must not wait them out
            if daemon.stopping.is_set() or daemon.last_request > started:
                break
            with daemon.lock:  # the configured LLM, as `recall consolidate` and the TUI use it
                report = svc.consolidate(limit=1)
            if report.model_problem and report.model_problem != state.get("problem"):
                log.info("consolidating without the LLM: %s", report.model_problem)  # (once, not each run)
            state["problem"] = report.model_problem
            if not report.episodes:
                break
            done += report.episodes
            for action, n in report.actions.items():
                actions[action] = actions.get(action, 0) + n
        if done:
            log.info("consolidated %s episodes with %s: %s", done, report.model, actions)

    daemon.jobs["consolidate"] = consolidate_when_idle
    daemon.unlocked_jobs.add("consolidate")

    sweep: dict[str, object] = {"last": 0.0, "zones": {}}

    def decay_sweep() -> None:
        # retention is computed when read; the sweep only logs zone changes for the user
        last = sweep["last"]
        assert isinstance(last, float)
        if time.monotonic() - last < 3600:
            return
        sweep["last"] = time.monotonic()
        counts: dict[str, int] = {}
        for view in svc.list_memories(include_all=True):
            counts[view.zone] = counts.get(view.zone, 0) + 1
        if counts != sweep["zones"]:
            log.info("memory zones: %s", counts)
            sweep["zones"] = counts

    daemon.jobs["decay"] = decay_sweep

    every = config.get("sync.interval_minutes") * 60
    synced = {"last": float("-inf")}
    failing: dict[str, Any] = {"since": None, "attempts": 0}

    def sync_folder() -> None:
        # through sync.dir, every sync.interval_minutes; a missing folder is a warning, not a stop
        if every <= 0 or not config.get("sync.dir") or time.monotonic() - synced["last"] < every:
            return
        synced["last"] = time.monotonic()
        try:
            report = svc.sync()
        except Exception as exc:  # noqa: BLE001 - said in the problems below, the daemon goes on
            if isinstance(exc, RecallError):
                log.warning("sync: %s", exc.message)
            else:
                log.exception("sync failed")
            _sync_failing(daemon, failing, exc.message if isinstance(exc, RecallError) else str(exc))
            return
        for warning in report.warnings:
            log.warning("sync: %s", warning)
        if report.read or report.written or report.rewritten:
            log.info("%s", report.summary())
        if report.sealed_shut:  # a passphrase that no longer opens what the others write: nothing of theirs arrives
            _sync_failing(daemon, failing, f"{plural(report.sealed_shut, 'segment')} from other devices do not "
                                           "open with this passphrase (sync.passphrase_cmd): use the one they use")
        else:
            daemon.problems.pop("sync", None)
            failing.update(since=None, attempts=0)

    daemon.jobs["sync"] = sync_folder

    followed = ConfiguredDirs(config)

    def follow_watch_dirs() -> None:
        # `recall watch --add/--remove` edits config.toml while the daemon runs: it follows; a
        # folder that was missing (a USB stick, a share) is watched once it is back
        if followed.changed():
            _restart_file_watcher(daemon, followed)

    daemon.jobs["watch_dirs"] = follow_watch_dirs

    _start_file_watcher(daemon, followed)
    _start_screen_watcher(daemon)


def _sync_failing(daemon: Daemon, failing: dict[str, Any], why: str) -> None:
    """Name a sync that failed in the daemon's problems (`serve --status`, `doctor`), with
    since when it fails: it runs unattended, and a folder gone or a passphrase missing would
    otherwise leave the devices apart without a word outside daemon.log."""
    failing["since"] = failing["since"] or time.time()
    failing["attempts"] += 1
    daemon.problems["sync"] = (f"sync through {daemon.config.get('sync.dir')} failing since "
                               f"{short(failing['since'])} ({plural(failing['attempts'], 'attempt')}): {why}")


def _start_file_watcher(daemon: Daemon, followed: ConfiguredDirs) -> None:
    """The file watcher over the folders of watch.dirs that exist; one that does not (a USB
    stick unplugged) is named in the daemon's problems, and watched when it is back."""
    present, missing = followed.split()
    if missing:
        daemon.problems["watch"] = (f"not watching {', '.join(missing)}: no such folder (watched as soon as it "
                                    "is back)")
        log.warning("%s", daemon.problems["watch"])
    else:
        daemon.problems.pop("watch", None)
    daemon.problems.pop("watcher", None)
    try:
        if present:
            watcher = FileWatcher.from_config(daemon.config, present, held=daemon.service.held_paragraphs,
                                              on_flush=_log_watch)
            _log_watch(watcher.start())  # (the first scan's report is returned, not flushed)
            daemon.watchers.append(watcher)
            log.info("watching %s", ", ".join(map(str, watcher.dirs)))
    except Exception as exc:  # a folder going away meanwhile must not stop the daemon
        # (its own key: "watch" names missing folders, which are tried again as they come back)
        why = exc.message if isinstance(exc, RecallError) else exc
        daemon.problems["watcher"] = f"file watcher not started: {why}"
        log.warning("%s", daemon.problems["watcher"])


def _log_watch(report: WatchReport) -> None:
    """What a watched folder's change gave, and what was skipped and why, in daemon.log (a
    skipped file is otherwise never heard of: the daemon prints nothing)."""
    for error in report.errors:
        log.warning("watch: %s", error)
    if report.records:
        log.info("watch: %s new paragraphs, %s deleted, %s renamed", report.paragraphs, report.deleted,
                 report.renamed)


def _restart_file_watcher(daemon: Daemon, followed: ConfiguredDirs) -> None:
    """Stop the file watcher and start one over the folders watch.dirs names now."""
    for watcher in [w for w in daemon.watchers if isinstance(w, FileWatcher)]:
        watcher.stop()
        daemon.watchers.remove(watcher)
    if not followed.value.strip():
        log.info("no longer watching any folder")
    _start_file_watcher(daemon, followed)


def _start_screen_watcher(daemon: Daemon) -> None:
    """The screen watcher, if screen.enabled."""
    try:
        screen = screen_watcher_from_config(daemon.service)
        if screen is not None:
            screen.start()
            daemon.watchers.append(screen)
            log.info("recording screen focus spans")
    except Exception as exc:
        why = exc.message if isinstance(exc, RecallError) else str(exc)
        daemon.problems["screen"] = why  # `recall screen status` says so
        log.warning("screen watcher not started: %s", why)

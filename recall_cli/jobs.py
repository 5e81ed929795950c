"""The daemon's background jobs: spool ingest, watchers, consolidation when idle, decay sweep."""

from __future__ import annotations

import logging
import time
from typing import Any

log = logging.getLogger("recall.daemon")


def install_jobs(daemon: Any) -> None:
    """Register every job whose feature is present; a missing one is skipped."""
    config = daemon.config
    svc = daemon.service
    try:
        from .ingest_spool import ingest as ingest_spool

        def ingest() -> None:
            report = ingest_spool(svc)
            if report.inserted or report.quarantined:
                log.info("spool: %s", report.summary())

        daemon.jobs["ingest"] = ingest
    except ImportError:
        log.info("spool ingest not available")

    idle_after = config.get("serve.consolidate_idle")
    state = {"last": 0.0}

    def consolidate_when_idle() -> None:
        if idle_after <= 0 or time.monotonic() - daemon.last_request < idle_after:
            return
        if time.monotonic() - state["last"] < idle_after:
            return
        from .consolidate import consolidate

        state["last"] = time.monotonic()
        report = consolidate(svc, limit=config.get("serve.consolidate_batch"))
        if report.episodes:
            log.info("consolidated %s episodes: %s", report.episodes, report.actions)

    daemon.jobs["consolidate"] = consolidate_when_idle

    sweep = {"last": 0.0, "zones": {}}

    def decay_sweep() -> None:
        # retention is computed when read; the sweep only logs zone changes for the user
        if time.monotonic() - sweep["last"] < 3600:
            return
        sweep["last"] = time.monotonic()
        counts: dict[str, int] = {}
        for view in svc.memories.list(include_all=True):
            counts[view.zone] = counts.get(view.zone, 0) + 1
        if counts != sweep["zones"]:
            log.info("memory zones: %s", counts)
            sweep["zones"] = counts

    daemon.jobs["decay"] = decay_sweep

    _start_watchers(daemon)


def _start_watchers(daemon: Any) -> None:
    """The file watcher over the configured directories, and the screen watcher if enabled."""
    svc = daemon.service
    try:
        from .capture.watch import FileWatcher

        if daemon.config.get("watch.dirs").strip():
            watcher = FileWatcher.from_config(daemon.config)
            watcher.start()
            daemon.watchers.append(watcher)
            log.info("watching %s", ", ".join(map(str, watcher.dirs)))
    except ImportError:
        log.info("file watcher not available")
    except Exception as exc:  # a missing directory must not stop the daemon
        log.warning("file watcher not started: %s", getattr(exc, "message", exc))
    try:
        from .capture.screen import screen_watcher_from_config

        screen = screen_watcher_from_config(svc)
        if screen is not None:
            screen.start()
            daemon.watchers.append(screen)
            log.info("recording screen focus spans")
    except ImportError:
        log.info("screen watcher not available")
    except Exception as exc:
        log.warning("screen watcher not started: %s", getattr(exc, "message", exc))

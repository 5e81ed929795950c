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
        from .ingest_spool import ingest_spool  # type: ignore[attr-defined]

        def ingest() -> None:
            report = ingest_spool(svc)
            if getattr(report, "inserted", 0):
                log.info("ingested %s events from the spool", report.inserted)

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

    try:
        from .capture.watch import watchers_from_config  # type: ignore[attr-defined]

        for watcher in watchers_from_config(svc):
            watcher.start()
            daemon.watchers.append(watcher)
    except ImportError:
        log.info("file watcher not available")
    except Exception as exc:
        log.warning("watchers not started: %s", exc)

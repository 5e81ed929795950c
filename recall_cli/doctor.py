"""Health checks behind `recall doctor`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .service import Recall


@dataclass
class Check:
    name: str
    status: str  # OK, WARN, FAIL
    detail: str


def run_checks(svc: Recall) -> list[Check]:
    """Check config, store, embedder and index; never raises."""
    checks: list[Check] = []
    cfg = svc.config
    home_ok = cfg.home.exists() and os.access(cfg.home, os.W_OK)
    checks.append(Check("home", "OK" if home_ok else "WARN",
                        f"{cfg.home}" + ("" if home_ok else " (missing or not writable; created on first write)")))
    try:
        from .config import load_config

        load_config(cfg.home)
        checks.append(Check("config", "OK", str(cfg.path) + ("" if cfg.path.exists() else " (defaults)")))
    except Exception as exc:
        checks.append(Check("config", "FAIL", str(exc)))
    try:
        store = svc.store
        health = store.health()
        pending = health["pending_migrations"]
        assert isinstance(pending, list)
        status = "OK" if health["integrity"] == "ok" and not pending else "FAIL"
        checks.append(Check("store", status, f"{cfg.db_path} integrity={health['integrity']} "
                            f"journal={health['journal']} events={store.count_events()} "
                            f"pending_migrations={len(pending)}"))
    except Exception as exc:
        checks.append(Check("store", "FAIL", str(exc)))
        return checks
    try:
        embedder = svc.embedder
        dim = embedder.dim
        checks.append(Check("embedder", "OK", f"{embedder.model_id} (dim {dim})"))
    except Exception as exc:
        checks.append(Check("embedder", "FAIL", str(exc)))
        return checks
    try:
        count, _max_id, _dim = svc.store.vector_fingerprint(embedder.model_id)
        missing = len(svc.store.owners_missing_vectors("event", embedder.model_id))
        index = svc.index
        status = index.status()
        ok = status["items"] == count
        detail = (f"{status['file']} items={status['items']} vectors={count} "
                  f"events_without_vectors={missing} ({index.last_action})")
        checks.append(Check("index", "OK" if ok and not missing else "WARN", detail))
    except Exception as exc:
        checks.append(Check("index", "FAIL", str(exc)))
    return checks

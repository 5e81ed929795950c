"""Health checks behind `recall doctor`, and the repairs behind `recall doctor --fix`.

Every check says OK, WARN (something is off and `--fix` can repair it) or FAIL (it needs the
user). `recall doctor` exits non-zero unless every check is OK.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .config import load_config, unknown_key
from .home import loose_modes, tighten
from .render import plural
from .search.embed import SentenceTransformerEmbedder
from .search.vectors import BACKLOG

if TYPE_CHECKING:
    from .service import Recall

SHOWN_PATHS = 3


@dataclass
class Check:
    name: str
    status: str  # OK, WARN, FAIL
    detail: str
    fix: str = ""  # what --fix did about it


LOW_SPACE = 200 * 1024 * 1024  # below this, an import's first big batch cannot build its embedding graph


def _home(home: Path) -> Check:
    """Whether the home can be written, and has room to."""
    if not home.exists():
        return Check("home", "WARN", f"{home} (missing; created on first write)")
    if not os.access(home, os.W_OK):
        return Check("home", "WARN", f"{home} is read-only: nothing can be stored, and search cannot open the store")
    free = shutil.disk_usage(home).free
    if free < LOW_SPACE:
        return Check("home", "WARN", f"{home}: only {free // (1024 * 1024)} MB free on its disk "
                                     "(imports embed more slowly without room for their graph; writes may fail)")
    return Check("home", "OK", str(home))


def run_checks(svc: Recall, *, fix: bool = False, llm: bool = True) -> list[Check]:
    """Check home, file modes, config, store, embedder, vectors, index and the LLM; never
    raises. With ``fix``, repair what can be repaired first (modes, secrets stored before the
    table knew them, missing vectors, the index, stale temp files)."""
    checks: list[Check] = []
    cfg = svc.config
    checks.append(_home(cfg.home))
    checks.append(_privacy(svc, fix))
    try:
        unknown = load_config(cfg.home).unknown
        if unknown:  # a typo leaves the default in force: a fault the user cannot see otherwise
            checks.append(Check("config", "WARN", f"{cfg.path}: " + "; ".join(unknown_key(k) for k in unknown)
                                + " (ignored; `recall config unset KEY` removes one)"))
        else:
            checks.append(Check("config", "OK", str(cfg.path) + ("" if cfg.path.exists() else " (defaults)")))
    except Exception as exc:
        key = getattr(exc, "key", None)
        # a bad environment variable says itself how to fix it: `config set` would not
        hint = f" (set it right: recall config set {key} VALUE)" if key and not getattr(exc, "env", None) else ""
        checks.append(Check("config", "FAIL", f"{exc}{hint}"))
    try:
        store = svc.store
        health = store.health()
        pending = health["pending_migrations"]
        status = "OK" if health["integrity"] == "ok" and not pending else "FAIL"
        checks.append(Check("store", status, f"{cfg.db_path} integrity={health['integrity']} "
                            f"journal={health['journal']} events={store.count_events()} "
                            f"pending_migrations={len(pending)}"))
    except Exception as exc:
        checks.append(Check("store", "FAIL", str(exc)))
        return checks
    try:
        embedder = svc.embedder
        bulk = f"; {embedder.bulk_status()}" if isinstance(embedder, SentenceTransformerEmbedder) else ""
        checks.append(Check("embedder", "OK", f"{embedder.model_id} (dim {embedder.dim}){bulk}"))
        embeds = True
    except Exception as exc:
        checks.append(Check("embedder", "FAIL", str(exc)))
        embeds = False  # vectors and index need it; the checks after them do not
    checks.append(_secrets(svc, fix))  # first: what it rewrites is embedded again below
    if embeds:
        checks.append(_vectors(svc, fix))
        checks.append(_index(svc, fix))
    if llm:
        checks.append(_llm(svc))
    checks.append(_consolidation(svc))
    checks.append(_quarantine(cfg.home))
    from .serve.client import daemon_problems

    # asked at most once, and only when a check reads it: the daemon check and the sync check
    problems: Callable[[], dict[str, str]] = cache(lambda: daemon_problems(svc.config))
    checks.append(_daemon(svc, problems))
    if svc.config.get("sync.dir"):
        checks.append(_sync(svc, problems))
    if svc.config.get("screen.enabled"):
        checks.append(_screen(svc))
    return checks


def _screen(svc: Recall) -> Check:
    """With screen.enabled: whether anything records the active window."""
    from .serve.client import screen_recorded

    recording = screen_recorded(svc.config)
    if recording is True:
        return Check("screen", "OK", "recall serve records the active window")
    return Check("screen", "WARN", f"screen.enabled is set, but nothing records: {recording}")


def _quarantine(home: Path) -> Check:
    """Garbled spool lines set aside at ingest: never stored, so never searched, nor forgotten."""
    from .capture.spool import QUARANTINE_FILE, spool_dir

    path = spool_dir(home) / QUARANTINE_FILE
    try:
        lines = sum(1 for line in path.read_bytes().splitlines() if line.strip()) if path.exists() else 0
    except OSError:
        lines = 0
    if lines:
        return Check("spool", "WARN", f"{lines:,} garbled line{'s' if lines != 1 else ''} set aside in {path}: "
                                      "not stored and not searchable; read them, then delete the file")
    return Check("spool", "OK", "no garbled lines set aside")


def _daemon(svc: Recall, problems: Callable[[], dict[str, str]]) -> Check:
    """Whether `recall serve` runs and answers (commands use it then); one that runs without
    answering (stopped, stuck) costs every command half a second before it works alone.
    ``problems``: what the daemon says it cannot do (serve.client.daemon_problems)."""
    from .serve.daemon import status

    data = status(svc.config)
    # (a failing sync is the sync check's line)
    if data["answering"] and (others := {k: v for k, v in problems().items() if k != "sync"}):
        return Check("daemon", "WARN", f"recall serve is running (pid {data['pid']}), but: "
                                       + "; ".join(others.values()))
    if data["answering"]:
        return Check("daemon", "OK", f"recall serve is running (pid {data['pid']}); commands use its warm models")
    if data["running"]:
        return Check("daemon", "WARN", f"recall serve (pid {data['pid']}) runs but does not answer: "
                                       "`recall serve --stop` ends it")
    if data["served_by"]:  # commands here never use it, and this home's own daemon cannot start
        from .serve.daemon import socket_clash

        return Check("daemon", "WARN", f"recall serve is not running for this home: "
                                       f"{socket_clash(svc.config, data['served_by'])}")
    return Check("daemon", "OK", "recall serve is not running; commands work in-process")


def _sync(svc: Recall, problems: Callable[[], dict[str, str]]) -> Check:
    """With sync.dir: whether the daemon's syncs through it fail (a passphrase missing or
    wrong, the folder gone: its ``problems``), or, with no daemon, whether the folder is there."""
    folder = Path(svc.config.get("sync.dir")).expanduser()
    if why := problems().get("sync"):
        return Check("sync", "WARN", why)
    if not folder.is_dir():
        return Check("sync", "WARN", f"sync.dir {folder} is not a folder here (missing, or not mounted): "
                                     "`recall sync` fails until it is")
    return Check("sync", "OK", f"sync.dir {folder}")


def _consolidation(svc: Recall) -> Check:
    """What the model got wrong while consolidating, so far: proposals the grounding check
    rejected (by reason) and invalid structured outputs. Counts, not faults: always OK."""
    from .memory.rejection import rejection_counts

    rejected = rejection_counts(svc.store)
    failures = svc.llm_failures()
    parts = [f"{sum(rejected.values())} model proposals rejected by the grounding check"
             + (f" ({', '.join(f'{k} {v}' for k, v in sorted(rejected.items()))})" if rejected else ""),
             f"{sum(failures.values())} invalid model outputs"
             + (f" ({', '.join(f'{k} {v}' for k, v in sorted(failures.items()))})" if failures else "")]
    return Check("consolidation", "OK", "; ".join(parts) + " (logs/llm-rejected.jsonl, logs/llm-failures.jsonl)")


def _privacy(svc: Recall, fix: bool) -> Check:
    home = svc.config.home
    loose = loose_modes(home)
    if loose and fix:
        changed = tighten(home)
        left = loose_modes(home)
        if not left:
            return Check("privacy", "OK", f"{home} 0700, files 0600", fix=f"tightened {len(changed)} paths")
        loose = left
    if not loose:
        return Check("privacy", "OK", f"{home} 0700, files 0600" if home.exists() else "nothing written yet")
    shown = ", ".join(os.path.relpath(p, home) for p in loose[:SHOWN_PATHS])
    more = f" and {len(loose) - SHOWN_PATHS} more" if len(loose) > SHOWN_PATHS else ""
    return Check("privacy", "WARN", f"{len(loose)} paths readable by other users: {shown}{more} "
                 "(`recall doctor --fix` makes them private)")


def _secrets(svc: Recall, fix: bool) -> Check:
    """Stored text that today's secret table would redact (stored under an older one)."""
    from .capture.rescan import redact_stored

    found = redact_stored(svc, fix=fix)
    if not found.found:
        return Check("secrets", "OK", "no stored text holds a secret the table knows")
    what = f"{plural(found.events, 'event')} and {plural(found.other, 'other text')} (memories, history, titles)"
    if found.fixed:
        return Check("secrets", "OK", "no stored text holds a secret the table knows", fix=f"redacted {what}")
    return Check("secrets", "WARN", f"{what} hold secrets stored before the table knew them "
                 "(`recall doctor --fix` redacts them)")


def _vectors(svc: Recall, fix: bool) -> Check:
    store, model = svc.store, svc.embedder.model_id
    try:
        events = len(store.owners_missing_vectors("event", model))
        memories = len(store.owners_missing_vectors("memory", model))
        done = ""
        if (events or memories) and fix:
            embedded = svc.embed_pending()
            done = f"embedded {embedded}"
            events = len(store.owners_missing_vectors("event", model))
            memories = len(store.owners_missing_vectors("memory", model))
        detail = f"events_without_vectors={events} memories_without_vectors={memories}"
        if events + memories >= BACKLOG:  # an import stopped half way: the next search stalls on it
            return Check("vectors", "WARN", detail + " (the next search embeds them first; `recall doctor --fix` "
                         "now)", fix=done)
        if events or memories:  # fast `add`s leave embedding to the next search by design: no fault
            return Check("vectors", "OK", detail + f" ({events + memories} waiting to be embedded by the next "
                         "search)", fix=done)
        return Check("vectors", "OK", detail, fix=done)
    except Exception as exc:
        return Check("vectors", "FAIL", str(exc))


def _index(svc: Recall, fix: bool) -> Check:
    try:
        index = svc.index
        done = []
        stale = index.stale_temp_files()
        if stale and fix:
            done.append(f"removed {index.clean_temp_files(older_than=0)} temp files")
            stale = index.stale_temp_files()
        count = svc.store.vector_fingerprint(index.model_id)[0]
        cache = index.status()
        if cache["items"] != count and fix:
            rebuilt, _file = svc.rebuild_index()
            done.append(f"rebuilt with {rebuilt} vectors")
            cache = index.status()
        detail = f"{cache['file']} items={cache['items']} vectors={count} ({index.last_action})"
        if stale:
            detail += f"; {len(stale)} temp files left by a killed save"
        ok = cache["items"] == count and not stale
        return Check("index", "OK" if ok else "WARN", detail, fix="; ".join(done))
    except Exception as exc:
        return Check("index", "FAIL", str(exc))


def _llm(svc: Recall) -> Check:
    """The configured LLM loads and answers a one-token prompt. Not a header read: a GGUF
    whose header is fine can still be refused by llama.cpp (an architecture it does not
    know, tensors cut short, too little memory), and that is what this check is for;
    `--no-llm` skips it."""
    from .llm.model import Chat

    started = time.perf_counter()
    try:
        llm = svc.llm
        text = "".join(llm.stream(Chat("Answer with one word.", "Say OK."), max_tokens=1))
    except Exception as exc:
        return Check("llm", "FAIL", getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - started
    return Check("llm", "OK", f"{llm.model_id} answered {text.strip()!r} in {seconds:.1f} s (context "
                 f"{llm.context_size} tokens)")

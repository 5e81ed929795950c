"""Memory commands: memories, pin, unpin, edit, history."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..capture.secrets import redact
from ..errors import NotFoundError, UsageError
from ..render import parse_when, plural, replaced, require_positive, split_csv
from ..timeutil import short
from .common import echo_json, service, stdin_text, table

if TYPE_CHECKING:
    from ..memory.consolidation import ConsolidationReport, EpisodeOutcome


def register(app: typer.Typer) -> None:
    app.command("memories")(memories)
    app.command("pin")(pin)
    app.command("unpin")(unpin)
    app.command("edit")(edit)
    app.command("consolidate")(consolidate)


def _memory_id(ref: str) -> int:
    """A memory's id from 'm7'. A bare number is an event's id, as in `show` and `forget`, so it
    is refused: taken as a memory's, `recall edit 5` would change a memory the user never saw."""
    text = ref.strip().lower()
    if text.isdigit():
        raise UsageError(f"'{ref.strip()}' is an event's id; a memory's id starts with m (m{int(text)}), as "
                         "`recall memories` and search results show")
    if not (text.startswith("m") and text[1:].isdigit()):
        raise UsageError(f"'{ref}' is not a memory id (memories: m7; `recall memories` lists them)")
    return int(text[1:])


def _bar(r: float, width: int = 10) -> str:
    filled = round(r * width)
    return "█" * filled + "░" * (width - filled)


def memories(
    kind: list[str] = typer.Option(None, "--kind", "-k", help="semantic, procedural, episodic or core."),
    zone: list[str] = typer.Option(None, "--zone", "-z", help="active, fading or dormant."),
    show_all: bool = typer.Option(False, "--all", "-a", help="Include dormant memories."),
    superseded: bool = typer.Option(False, "--superseded", help="Include superseded memories."),
    limit: int = typer.Option(50, "--limit", "-n", help="How many to list."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List memories with their strength (retention bar) and zone."""
    require_positive("--limit", limit)  # (0 listed them all, -1 all but the last)
    views = service().list_memories(kinds=split_csv(kind), zones=split_csv(zone), include_all=show_all,
                                    include_superseded=superseded, limit=limit)
    if as_json:
        echo_json([v.to_dict() for v in views])
        return
    if not views:
        filters = [f"{name} {', '.join(split_csv(value) or [])}" for name, value in (("kind", kind), ("zone", zone))
                   if value]
        if filters and service().list_memories(include_all=True, limit=1):
            typer.echo(f"No memories match ({'; '.join(filters)}); `recall memories` lists them all.")
            return
        if not show_all and service().list_memories(zones=["dormant"], include_all=True, limit=1):
            # all of them have faded out of use: "no memories yet" would say they were never made
            typer.echo("Every memory is dormant (not recalled for a long time); `recall memories --all` "
                       "lists them.")
            return
        typer.echo("No memories yet. `recall consolidate` distils them from conversations and shell "
                   "sessions (a lone note stays as it is, and search finds it); `recall pin` keeps one for good.")
        return
    rows = [(f"m{v.memory.id}", v.memory.kind, ("📌 " if v.memory.pinned else "") + v.zone,
             _bar(v.retention), short(v.memory.valid_from or v.memory.created_at), v.memory.text)
            for v in views]
    table(rows, ("id", "kind", "zone", "strength", "date", "text"))


def pin(ref: str = typer.Argument(..., help="Memory id (m7)."),
        as_json: bool = typer.Option(False, "--json", help="Print the memory as JSON.")) -> None:
    """Pin a memory: it never decays and is always given to the LLM."""
    _set_pin(ref, True, as_json)


def unpin(ref: str = typer.Argument(..., help="Memory id (m7)."),
          as_json: bool = typer.Option(False, "--json", help="Print the memory as JSON.")) -> None:
    """Unpin a memory: it decays again from now."""
    _set_pin(ref, False, as_json)


def _set_pin(ref: str, pinned: bool, as_json: bool) -> None:
    svc = service()
    memory_id = _memory_id(ref)
    memory = svc.memory(memory_id)
    changed = memory.pinned != pinned
    if changed:
        memory = svc.pin(memory_id, pinned)
    if as_json:
        echo_json({**memory.to_dict(), "changed": changed})
    elif changed:
        typer.echo(f"{'Pinned' if pinned else 'Unpinned'} m{memory_id}.")
    else:
        typer.echo(f"m{memory_id} is {'pinned already' if pinned else 'not pinned'}.")


def _has_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def edit(
    ref: str = typer.Argument(..., help="Memory id (m7)."),
    text: str = typer.Option(None, "--text", help="The corrected text (else read from stdin when piped, or "
                                                   "opened in $EDITOR on a terminal)."),
    as_json: bool = typer.Option(False, "--json", help="Print the memory as JSON."),
) -> None:
    """Correct a memory. Consolidation never overwrites a user's edit."""
    svc = service()
    memory_id = _memory_id(ref)
    memory = svc.memory(memory_id)
    if text is None and not _has_terminal():
        # no terminal for an editor: an editor would wait for keys that never come
        text = stdin_text() if sys.stdin is not None else ""
        if not text.strip():
            raise UsageError("no terminal for $EDITOR and nothing on stdin; pass --text or pipe the text")
    if text is None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile("w+", suffix=".txt", delete=False, encoding="utf-8") as fh:
            fh.write(memory.text + "\n")
            path = fh.name
        try:
            try:
                status = subprocess.call([*editor.split(), path])
            except OSError as exc:  # not installed, not executable
                raise UsageError(f"cannot start the editor '{editor}' ($VISUAL or $EDITOR: {exc.strerror}); set "
                                 "EDITOR to one you have, or pass --text; memory unchanged") from None
            if status != 0:
                raise UsageError(f"editor '{editor}' failed; memory unchanged")
            with open(path, encoding="utf-8") as fh:
                text = fh.read().strip()
        finally:
            os.unlink(path)
    if not text.strip():
        raise UsageError("empty text; memory unchanged (use `recall forget` to delete it)")
    if text.strip() == memory.text:
        if as_json:
            echo_json({**memory.to_dict(), "changed": False, "secrets_replaced": []})
        else:
            typer.echo(f"m{memory_id} unchanged.")
        return
    edited = svc.edit(memory_id, text)
    names = redact(text).names
    if as_json:
        echo_json({**edited.to_dict(), "changed": True, "secrets_replaced": names})
    else:
        typer.echo(f"Edited m{memory_id}{replaced(names)}.")


def history(
    ref: str = typer.Argument(..., help="Memory id (m7)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Every change to a memory: who, when, what."""
    rows = service().history(_memory_id(ref))
    if as_json:
        echo_json(rows)
        return
    from ..render import table_lines

    table = []
    before = ""
    for row in rows:
        text = row["new_text"] if row["new_text"] is not None and row["action"] != "reinforce" else ""
        # an edit is shown from where it differs: cut to the column, a change at the end was invisible
        if text:
            text, before = changed_from(before, " ".join(text.split())), " ".join(text.split())
        if not text and row.get("detail"):
            try:
                reason = json.loads(row["detail"]).get("reason")
            except (ValueError, AttributeError):
                reason = None
            text = f"({reason})" if reason else ""
        table.append((short(row["ts"]), row["action"], _actor(row), " ".join((text or "").split())))
    for line in table_lines(table, ("date", "change", "by", "text")):
        typer.echo(line)


def changed_from(before: str, after: str) -> str:
    """``after`` shown from a little before where it starts to differ from ``before`` ("…the
    next words (use staging-2 now)"), when the two share a long start; else all of it."""
    same = 0
    for a, b in zip(before, after, strict=False):
        if a != b:
            break
        same += 1
    if same < 40 or same == len(after) == len(before):
        return after
    start = after.rfind(" ", 0, max(0, same - 20)) + 1
    return "\u2026" + after[start:] if start > 0 else after


class ProgressLine:
    """Consolidation's progress as ONE line on stderr, redrawn in place (only on a terminal):
    episodes done, episodes per minute, time left and what the grounding check rejected.
    Lines printed meanwhile (a dry run's proposals) go above it, never through it."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.started = time.monotonic()
        self.done = self.total = self.rejected = 0
        self.shown = False

    def update(self, done: int, total: int) -> None:
        """Record progress (the service's progress callback) and redraw."""
        self.done, self.total = done, total
        self.draw()

    def text(self) -> str:
        """The line as it reads now."""
        minutes = (time.monotonic() - self.started) / 60
        rate = self.done / minutes if minutes > 0 and self.done else 0.0
        parts = [f"{self.label}: {self.done}/{self.total or '?'} episodes"]
        if rate:
            parts.append(f"{rate:.1f}/min")
            left = (self.total - self.done) / rate
            parts.append(f"ETA {_duration(left * 60)}" if self.done < self.total else "done")
        if self.rejected:
            parts.append(f"{self.rejected} rejected")
        return " · ".join(parts)

    def draw(self) -> None:
        if not self.enabled:
            return
        width = shutil.get_terminal_size((100, 20)).columns
        sys.stderr.write("\r\x1b[K" + self.text()[: max(10, width - 1)])
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.enabled and self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False

    def echo(self, line: str) -> None:
        """Print ``line`` on stdout above the progress line."""
        self.clear()
        typer.echo(line)
        self.draw()


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


@contextmanager
def _logs_to_file(path: Path) -> Iterator[None]:
    """While consolidating, recall's own log lines (the model's "structured output failed"
    warnings) go to ``path`` instead of stderr, where they would break the progress line;
    the final line counts them."""
    logger = logging.getLogger("recall_cli")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8", errors="replace", delay=True)
    except OSError:
        handler = logging.NullHandler()  # nowhere to write: quiet is still better than garbled
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    propagate, level = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.close()
        logger.propagate, logger.level = propagate, level


PACE_SECONDS = 5.0  # runs at least this long show episodes per minute


def _outcome_lines(outcome: EpisodeOutcome) -> list[str]:
    """A dry run's lines for one episode: each decision, each rejected candidate with its
    reason, and what a redo would retire."""
    head = f"episode {outcome.episode_id}:"
    lines = []
    for d in outcome.decisions:
        target = f" m{d.target}" if d.target else ""
        # a NOOP that is not "already known" says why (a memory the user forgot or corrected)
        why = f" ({d.reason})" if d.action == "NOOP" and d.reason and "already known" not in d.reason else ""
        lines.append(f"{head} {d.action}{why}{target} [{d.candidate.kind}] {d.text or d.candidate.text}")
    for r in outcome.rejected:
        shown = r.to_dict()  # printable: a model's broken output must not break the listing
        detail = f": {shown['detail']}" if shown["detail"] else ""
        lines.append(f"{head} REJECTED ({r.reason}{detail}) [{r.candidate.kind}] {shown['text']}")
    for memory_id, text in outcome.retired:
        lines.append(f"{head} RETIRE m{memory_id} (the redo does not make it again) {text}")
    if outcome.errors:
        lines.append(f"{head} model output invalid, to retry: {'; '.join(outcome.errors)}")
    return lines or [f"{head} nothing to add"]


def _actor(row: dict) -> str:
    """Who made a change; a consolidation row written before the path was part of the actor
    ("consolidation") gets it from its detail's origin when it has one."""
    actor = str(row["actor"])
    if actor != "consolidation" or not row.get("detail"):
        return actor
    try:
        origin = json.loads(row["detail"]).get("origin")
    except (ValueError, AttributeError):
        return actor
    return {"heuristic": "consolidation (zero-LLM)", "llm": "consolidation (LLM)"}.get(origin, actor)


def consolidate(
    since: str = typer.Option(None, "--since", help="Only episodes that ended after this time."),
    limit: int = typer.Option(None, "--limit", "-n", help="At most this many episodes."),
    dry_run: bool = typer.Option(False, "--dry-run",
                                 help="Show each episode's proposals as it is done (rejected ones with their "
                                      "reason) without changing memories."),
    no_llm: bool = typer.Option(False, "--no-llm", help="Only the zero-LLM path (summaries, shell procedures)."),
    episode: list[int] = typer.Option(None, "--episode", "-e",
                                      help="Only this episode (repeatable; ids from recall show or the TUI)."),
    redo: bool = typer.Option(False, "--redo",
                              help="With --episode: run it again even if consolidated (your edits and pins are "
                                   "kept; memories it made before and does not make again are retired)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Distil episodes into semantic, procedural and episodic memories.

    What the model proposes is checked against the events it cites before it is written
    (names, numbers, dates and words from those events; first person rewritten to the
    speaker; no markup; procedures someone gave); rejected proposals are counted and logged
    to RECALL_HOME/logs/llm-rejected.jsonl. Progress is one line on stderr; log lines go to
    RECALL_HOME/logs/consolidate.log."""
    require_positive("--limit", limit)
    if redo and not episode:
        raise UsageError("--redo needs --episode ID: name the episodes to run again")
    svc = service()
    line = ProgressLine("Consolidating")

    def shown(outcome: EpisodeOutcome) -> None:
        line.rejected += len(outcome.rejected)
        if dry_run and not as_json:
            for text in _outcome_lines(outcome):
                line.echo(text)

    with _logs_to_file(svc.config.home / "logs" / "consolidate.log"):
        line.draw()
        try:
            report = svc.consolidate(since=parse_when(since), limit=limit, dry_run=dry_run, use_llm=not no_llm,
                                     progress=line.update, episode_ids=episode or None, redo=redo,
                                     on_episode=shown)
        finally:
            line.clear()
    if report.unknown and not report.episodes and not report.skipped:
        raise NotFoundError(f"no episode with id {', '.join(str(i) for i in report.unknown)}")
    if report.model_problem and report.episodes:  # with nothing to consolidate, the path is no news
        typer.echo(f"Zero-LLM path: {report.model_problem}.", err=True)
    if as_json:
        echo_json(report.to_dict())
    else:
        for text in summary_lines(report, dry_run):
            typer.echo(text)
    if report.unknown:
        raise NotFoundError(f"no episode with id {', '.join(str(i) for i in report.unknown)}")


def summary_lines(report: ConsolidationReport, dry_run: bool = False) -> list[str]:
    """The lines `recall consolidate` ends with: totals, rejections, model failures, episodes
    that gave up, and episodes skipped because they are done."""
    a = report.actions
    # a rate over a run shorter than a few seconds says nothing ("46390.8/min")
    pace = f"{report.episodes_per_minute:.1f}/min" if report.seconds >= PACE_SECONDS else f"{report.seconds:.1f} s"
    from ..memory.consolidation import FORGOTTEN

    # a memory the user forgot is a NOOP too, but not one "already known": `recall memories` no
    # longer lists it, so it is counted apart
    forgotten = sum(d.action == "NOOP" and d.reason == FORGOTTEN for o in report.outcomes for d in o.decisions)
    text = (f"{'Would consolidate' if dry_run else 'Consolidated'} {report.consolidated} of {report.episodes} "
            f"episodes ({pace}): {a['ADD']} added, {a['UPDATE']} updated, "
            f"{a['SUPERSEDE']} superseded, {a['NOOP'] - forgotten} already known")
    if forgotten:
        text += f", {forgotten} you forgot (not made again)"
    if report.retired:
        text += f", {report.retired} retired"
    rejected = sum(report.rejected.values())
    if rejected:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(report.rejected.items(), key=lambda kv: (-kv[1], kv[0])))
        text += f"; {rejected} rejected by the grounding check ({reasons})"
    if report.model_failures:
        text += f"; {report.model_failures} invalid model outputs (logs/llm-failures.jsonl)"
    if report.retry:
        text += f"; {report.retry} to retry after invalid model output"
    lines = [text + "."]
    if report.consolidated and not any(a.values()) and not rejected and not report.retry:
        lines.append("Nothing new to remember: a lone note is its own record; an episode of several "
                     "events gets a summary.")
    if report.gave_up:
        ids = ", ".join(str(i) for i in report.gave_up)
        lines.append(f"{plural(len(report.gave_up), 'episode')} gave up after "
                     f"{report.max_attempts} attempts: ids {ids} (they keep their zero-LLM summary; "
                     "`recall consolidate --episode ID --redo` tries one again).")
    for episode_id in report.skipped:
        lines.append(f"Episode {episode_id} is already consolidated (or gave up): add --redo to run it again.")
    return lines

"""Memory commands: memories, pin, unpin, edit, history."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile

import typer

from ..errors import UsageError
from ..render import parse_when, require_positive, split_csv
from ..timeutil import short
from .common import echo_json, progress, service, table


def register(app: typer.Typer) -> None:
    app.command("memories")(memories)
    app.command("pin")(pin)
    app.command("unpin")(unpin)
    app.command("edit")(edit)
    app.command("history")(history)
    app.command("consolidate")(consolidate)


def _memory_id(ref: str) -> int:
    owner, oid = service().resolve(ref if ref.lower().startswith("m") else f"m{ref}")
    return oid


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
    views = service().list_memories(kinds=split_csv(kind), zones=split_csv(zone), include_all=show_all,
                                    include_superseded=superseded, limit=limit)
    if as_json:
        echo_json([v.to_dict() for v in views])
        return
    if not views:
        typer.echo("No memories yet. `recall consolidate` distils them from events; "
                   "`recall pin` keeps one for good.")
        return
    rows = [(f"m{v.memory.id}", v.memory.kind, ("📌 " if v.memory.pinned else "") + v.zone,
             _bar(v.retention), short(v.memory.valid_from or v.memory.created_at), v.memory.text)
            for v in views]
    table(rows, ("id", "kind", "zone", "strength", "date", "text"))


def pin(ref: str = typer.Argument(..., help="Memory id (m7 or 7).")) -> None:
    """Pin a memory: it never decays and is always given to the LLM."""
    memory = service().pin(_memory_id(ref), True)
    typer.echo(f"Pinned m{memory.id}.")


def unpin(ref: str = typer.Argument(..., help="Memory id (m7 or 7).")) -> None:
    """Unpin a memory: it decays again from now."""
    memory = service().pin(_memory_id(ref), False)
    typer.echo(f"Unpinned m{memory.id}.")


def edit(
    ref: str = typer.Argument(..., help="Memory id (m7 or 7)."),
    text: str = typer.Option(None, "--text", help="The corrected text (else opens $EDITOR)."),
) -> None:
    """Correct a memory. Consolidation never overwrites a user's edit."""
    svc = service()
    memory_id = _memory_id(ref)
    memory = svc.memory(memory_id)
    if text is None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile("w+", suffix=".txt", delete=False, encoding="utf-8") as fh:
            fh.write(memory.text + "\n")
            path = fh.name
        try:
            if subprocess.call([*editor.split(), path]) != 0:
                raise UsageError(f"editor '{editor}' failed; memory unchanged")
            with open(path, encoding="utf-8") as fh:
                text = fh.read().strip()
        finally:
            os.unlink(path)
    if not text.strip():
        raise UsageError("empty text; memory unchanged (use `recall forget` to delete it)")
    if text.strip() == memory.text:
        typer.echo(f"m{memory_id} unchanged.")
        return
    svc.edit(memory_id, text)
    typer.echo(f"Edited m{memory_id}.")


def history(
    ref: str = typer.Argument(..., help="Memory id (m7 or 7)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Every change to a memory: who, when, what."""
    rows = service().history(_memory_id(ref))
    if as_json:
        echo_json(rows)
        return
    from ..render import table_lines

    table = []
    for row in rows:
        text = row["new_text"] if row["new_text"] is not None and row["action"] != "reinforce" else ""
        if not text and row.get("detail"):
            try:
                reason = json.loads(row["detail"]).get("reason")
            except (ValueError, AttributeError):
                reason = None
            text = f"({reason})" if reason else ""
        table.append((short(row["ts"]), row["action"], row["actor"], " ".join((text or "").split())))
    for line in table_lines(table, ("date", "change", "by", "text")):
        typer.echo(line)


def consolidate(
    since: str = typer.Option(None, "--since", help="Only episodes that ended after this time."),
    limit: int = typer.Option(None, "--limit", "-n", help="At most this many episodes."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the decisions without changing memories."),
    no_llm: bool = typer.Option(False, "--no-llm", help="Only the zero-LLM path (summaries, shell procedures)."),
    episode: list[int] = typer.Option(None, "--episode", "-e",
                                      help="Only this episode (repeatable; ids from recall show or the TUI)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Distil episodes into semantic, procedural and episodic memories."""
    require_positive("--limit", limit)
    with progress("Consolidating episodes") as update:
        report = service().consolidate(since=parse_when(since), limit=limit, dry_run=dry_run, use_llm=not no_llm,
                                       progress=update, episode_ids=episode or None)
    if report.model_problem:
        typer.echo(f"No LLM ({report.model_problem}); used the zero-LLM path.", err=True)
    if as_json:
        echo_json(report.to_dict())
        return
    if dry_run:
        for outcome in report.outcomes:
            for d in outcome.decisions:
                target = f" m{d.target}" if d.target else ""
                typer.echo(f"episode {outcome.episode_id}: {d.action}{target} [{d.candidate.kind}] "
                           f"{d.text or d.candidate.text}")
    a = report.actions
    typer.echo(
        f"{'Would consolidate' if dry_run else 'Consolidated'} {report.consolidated} of {report.episodes} "
        f"episodes ({report.episodes_per_minute:.0f}/min): {a['ADD']} added, {a['UPDATE']} updated, "
        f"{a['SUPERSEDE']} superseded, {a['NOOP']} already known"
        + (f"; {report.retry} to retry after invalid model output" if report.retry else "") + "."
    )

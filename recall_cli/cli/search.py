"""Use commands: search, show, forget, stats."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import UsageError
from ..render import (
    check_sources,
    event_fields,
    field_lines,
    memory_fields,
    parse_when,
    plural,
    search_output,
    split_csv,
    table_lines,
)
from ..timeutil import short
from .capture import TextFirstCommand
from .common import backend, confirm, echo_json, service


def register(app: typer.Typer) -> None:
    app.command("search", cls=TextFirstCommand)(search)
    app.command("show")(show)
    app.command("forget")(forget)
    app.command("stats")(stats)


def search(
    query: list[str] = typer.Argument(..., help="What to look for; time phrases like 'last week' filter."),
    limit: int = typer.Option(None, "--limit", "-n", help="How many results (default: config search.limit)."),
    since: str = typer.Option(None, "--since", help="Only from this time on (date, datetime or phrase)."),
    until: str = typer.Option(None, "--until", help="Only up to this time."),
    source: list[str] = typer.Option(None, "--source", "-s", help="Only these sources (repeat or comma-separate)."),
    now_: str = typer.Option(None, "--now", help="Reference time for phrases like 'yesterday' (default: now)."),
    no_time: bool = typer.Option(False, "--no-time-phrases", help="Do not read time phrases in the query."),
    wide: bool = typer.Option(False, "--wide", "-w", help="Add a column with where each hit happened: a shell "
                                                          "command's directory, a file's path and line."),
    as_json: bool = typer.Option(False, "--json", help="Print results as JSON."),
) -> None:
    """Hybrid search (keywords + meaning) over everything remembered."""
    typer.echo(search_output(backend(), " ".join(query), limit=limit, since=since, until=until, source=source,
                             now=now_, time_phrases=not no_time, as_json=as_json, wide=wide))


def show(
    ref: str = typer.Argument(..., help="An event id (42) or memory id (m7)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show one event or memory in full."""
    data = service().show(ref)
    if as_json:
        echo_json(data)
        return
    if data["type"] == "event":
        typer.echo(f"Event {data['id']}  {data['time']}  source={data['source']}  kind={data['kind']}")
        for line in field_lines(event_fields(data)):
            typer.echo(line)
        typer.echo("")
        typer.echo(data["text"])
        if data.get("memories"):
            typer.echo("")
            typer.echo("Memories from it: " + ", ".join(f"m{m}" for m in data["memories"]))
        return
    typer.echo(f"Memory m{data['id']}  {data['kind']}  {data['status']}  created {data['time']}")
    for line in field_lines(memory_fields(data)):
        typer.echo(line)
    typer.echo("")
    typer.echo(data["text"])
    if data["sources"]:
        typer.echo("")
        typer.echo("From:")
        for ev in data["sources"]:
            typer.echo(f"  {ev['id']}  {short(ev['ts_start'])}  {ev.get('actor') or ''}  {ev['text'][:100]}")


def forget(
    refs: list[str] = typer.Argument(None, help="Event ids (42), memory ids (m7) or ranges of them (120-180, m3-m9)."),
    source: list[str] = typer.Option(None, "--source", "-s", help="Forget everything from these sources."),
    before: str = typer.Option(None, "--before", help="Forget events older than this time."),
    since: str = typer.Option(None, "--since", help="Forget events from this time on ('1 hour ago', a date); "
                                                    "with --before, what lies between."),
    file: list[Path] = typer.Option(None, "--file", "-f", help="Forget what was imported or watched from this "
                                                               "file, or from the files in this folder."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    as_json: bool = typer.Option(False, "--json", help="Print what was deleted as JSON."),
) -> None:
    """Delete for real (rows, full-text entries and vectors). Asks first unless --yes.

    The memories consolidation made from forgotten events go with them (they repeat their
    words); a memory you edited stays, and the next `recall consolidate` summarises the episode again.
    """
    if not refs and not source and before is None and since is None and not file:
        raise UsageError("say what to forget: ids (42, 120-180, m7), --source, --since, --before or --file")
    svc = service()
    sources = split_csv(source)
    plan = svc.plan_forget(refs or [], sources=sources, before=parse_when(before), files=file or [],
                           since=parse_when(since))
    if plan.empty:
        if sources:
            check_sources(sources, svc.sources(), svc.registered_sources())
        missing = [str(f) for f in file or [] if not f.expanduser().exists()]
        typer.echo("Nothing matches; nothing deleted" + (f" (no such file: {', '.join(missing)})" if missing else "")
                   + ".")
        return
    what = f"{plural(plan.events, 'event')} and {plural(len(plan.memory_ids), 'memory', 'memories')}"
    if plan.memory_ids:  # which memories go with the events, a pinned one above all, before they go
        named = [f"m{m}" + (" pinned" if m in plan.pinned else "") for m in plan.memory_ids[:5]]
        what += f" ({', '.join(named)}{', ...' if len(plan.memory_ids) > 5 else ''})"
    if plan.copies:  # search showed them as one row: say so before they go
        what += f" ({plural(len(plan.copies), 'word-for-word copy', 'word-for-word copies')}: " \
                f"{', '.join(map(str, plan.copies))})"
    if not yes:
        confirm(f"delete {what}", f"Delete {what} for good?")
    deleted = svc.forget(plan)
    if as_json:  # the ids too, so a script knows what went
        echo_json({**deleted, "event_ids": sorted(plan.event_ids),
                   "memory_ids": [f"m{m}" for m in sorted(plan.memory_ids)]})
    else:
        typer.echo(f"Deleted {plural(deleted['events'], 'event')} and "
                   f"{plural(deleted['memories'], 'memory', 'memories')}.")


def stats(
    shell: bool = typer.Option(False, "--shell", help="Shell history instead: top commands, busiest directories "
                                                      "and failure rates."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Counts of what recall holds."""
    if shell:
        shell_stats(as_json)
        return
    data = service().stats()
    if as_json:
        echo_json(data)
        return
    typer.echo(f"Home:     {data['home']}")
    typer.echo(f"Events:   {data['events']}")
    width = max((len(name) for name in data["by_source"]), default=0) + 2  # "clipboard" is wider than 8
    for name, count in data["by_source"].items():
        typer.echo(f"  {name:<{width}}{count}")
    if data["first"] is not None:
        typer.echo(f"Span:     {short(data['first'])} .. {short(data['last'])}")
    mem = data["memories"]
    kinds = f" ({', '.join(f'{k} {v}' for k, v in mem.items())})" if mem else ""
    typer.echo(f"Memories: {sum(mem.values())}{kinds}")
    typer.echo(f"Episodes: {data['episodes']}")
    if data["redacted"]:
        typer.echo(f"Redacted: {plural(data['redacted'], 'event')} had secrets replaced before "
                   f"{'it was' if data['redacted'] == 1 else 'they were'} stored")
    for model, count in data["vectors"].items():
        typer.echo(f"Vectors:  {count} ({model})")
    typer.echo(f"Size:     {data['db_bytes'] / 1e6:.1f} MB")


def shell_stats(as_json: bool) -> None:
    """`recall stats --shell`."""
    data = service().shell_stats()
    if as_json:
        echo_json(data)
        return
    if not data["commands"]:
        typer.echo("No shell commands recorded yet (`recall init SHELL` prints the hook).")
        return
    typer.echo(f"Commands: {data['commands']:,} run, {data['failed']:,} failed ({_percent(data['failure_rate'])})")
    typer.echo("")
    rows = [(r["command"] or "", f"{r['runs']:,}", f"{r['failed']:,}", _percent(r["failure_rate"]))
            for r in data["top"]]
    for line in table_lines(rows, ("command", "runs", "failed", "failure rate")):
        typer.echo(line)
    typer.echo("")
    rows = [(r["directory"] or "(unknown)", f"{r['runs']:,}", f"{r['failed']:,}", _percent(r["failure_rate"]))
            for r in data["directories"]]
    for line in table_lines(rows, ("directory", "runs", "failed", "failure rate")):
        typer.echo(line)


def _percent(rate: float) -> str:
    return f"{rate * 100:.0f}%"

"""`recall history`: your shell commands, most recent first (or a memory's changes)."""

from __future__ import annotations

import os
import time
from typing import Any

import typer

from ..errors import UsageError
from ..render import parse_when, require_positive, table_lines
from ..store.shell_history import Query
from ..timeutil import short
from .common import echo_json, service

FIELDS = ("command", "time", "ago", "cwd", "exit", "duration", "count", "failed", "host", "session")
DEFAULT_FORMAT = "{time}  {exit:>4}  {count:>3}×  {command}"


def register(app: typer.Typer) -> None:
    app.command("history")(history)


def history(
    ref: str = typer.Argument(None, help="A memory id (m7): every change to it. Without one: shell commands."),
    cwd: str = typer.Option(None, "--cwd", help="Only commands run in this directory ('.' for here)."),
    under: str = typer.Option(None, "--under", help="Only commands run in this directory or below it ('.' for "
                                                    "this project)."),
    session: str = typer.Option(None, "--session", help="Only commands of this shell session."),
    host: str = typer.Option(None, "--host", help="Only commands run on this host."),
    exit_code: int = typer.Option(None, "--exit", help="Only commands that exited with this code."),
    failed: bool = typer.Option(False, "--failed", help="Only commands that failed (exit code not 0)."),
    succeeded: bool = typer.Option(False, "--succeeded", help="Only commands that succeeded."),
    since: str = typer.Option(None, "--since", help="Only from this time on (date, datetime or phrase)."),
    until: str = typer.Option(None, "--until", help="Only up to this time."),
    search: str = typer.Option(None, "--search", "-q", help="Only commands with all these words."),
    every: bool = typer.Option(False, "--every", help="Every run, not each command once with a count."),
    limit: int = typer.Option(50, "--limit", "-n", help="How many."),
    fmt: str = typer.Option(None, "--format", help="A template per line, e.g. '{time} {cwd} {command}'; fields: "
                                                   + ", ".join(FIELDS) + "."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Shell commands you ran, most recent first, each once with how many times (or, given a memory id, every
    change to that memory)."""
    if ref is not None and search is not None and not ref.strip().lower().lstrip("m").isdigit():
        # `history -q git status`: the second word was left over as the memory id
        raise UsageError(f"'{ref}' is not a memory id: to search several words, quote them (-q '{search} {ref}')")
    if ref is not None:
        shell_only = [flag for flag, value in (("--cwd", cwd), ("--under", under), ("--session", session),
                                               ("--host", host), ("--exit", exit_code), ("--failed", failed),
                                               ("--succeeded", succeeded), ("--since", since), ("--until", until),
                                               ("--every", every), ("--format", fmt)) if value not in (None, False)]
        if shell_only:  # a memory's changes have none of these: say so rather than ignore them
            raise UsageError(f"{', '.join(shell_only)} filter shell commands, not a memory's changes")
        from .memories import history as memory_history

        memory_history(ref, as_json)
        return
    require_positive("--limit", limit)
    if failed and succeeded:
        raise UsageError("--failed and --succeeded exclude each other")
    if exit_code is not None and (exit_code == 0 and failed or exit_code != 0 and succeeded):
        # each filter alone matches something; together nothing, which would read as "no such command"
        raise UsageError(f"--exit {exit_code} and --{'failed' if failed else 'succeeded'} exclude each other")
    if cwd and under:
        raise UsageError("--cwd and --under exclude each other")
    start, end = parse_when(since), parse_when(until, end=True)
    if start is not None and end is not None and start > end:
        raise UsageError("--since is after --until")
    place = cwd or under
    query = Query(search or "", cwd=os.path.abspath(os.path.expanduser(place)) if place else None, below=bool(under),
                  session=session, host=host,
                  exit_code=exit_code, failed=True if failed else (False if succeeded else None),
                  since=start, until=end, limit=limit, unique=not every)
    rows = service().shell_history(query)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        filtered = any(v not in (None, False, "") for v in (cwd, under, session, host, exit_code, failed, succeeded,
                                                             since, until, search))
        if filtered and service().shell_history(Query(limit=1)):
            typer.echo("No shell commands match these filters.")
        else:
            typer.echo("No shell commands recorded yet. `eval \"$(recall init bash)\"` records them (zsh, fish too).")
        return
    now = time.time()
    if fmt:
        for row in rows:
            try:
                row_fields = fields(row, now)  # one line per command, as in the table (--json keeps it whole)
                typer.echo(fmt.format(**{**row_fields, "command": row_fields["command"].replace("\n", " ↵ ")}))
            except (KeyError, IndexError, ValueError) as exc:
                raise UsageError(f"--format: unknown field or bad template ({exc}); fields: {', '.join(FIELDS)}") \
                    from None
        return
    table = [(f["time"], f["exit"], f"{f['count']}×" + (f" ({f['failed']} failed)" if f["failed"] and f["count"] > 1
                                                        else ""),
              (f["cwd"] or "") + (f" (+{len(r['directories']) - 1} more)" if len(r.get("directories") or []) > 1
                                  else ""),
              f["command"].replace("\n", " ↵ "))  # one row per command: a multi-line one is marked, not broken
             for r in rows for f in (fields(r, now),)]
    for line in table_lines(table, ("time", "exit", "runs", "directory", "command")):
        typer.echo(line)


def fields(row: dict[str, Any], now: float) -> dict[str, Any]:
    """A row's template fields."""
    from ..capture.picker import ago

    code = row.get("exit_code")
    duration = row.get("duration_ms")
    return {"command": row.get("text") or "", "time": short(row.get("ts")), "ago": ago(row.get("ts") or 0.0, now),
            "cwd": row.get("cwd") or "", "exit": "" if code is None else str(code),
            "duration": "" if duration is None else f"{duration / 1000:.1f}s", "count": row.get("count", 1),
            "host": row.get("host") or "", "session": row.get("session") or "", "failed": int(row.get("failures") or 0)}

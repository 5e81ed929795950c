"""Capture everywhere: `recall init <shell>`, `recall ingest`, `recall watch`."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Any

import typer

from ..errors import InputError, RecallError, UsageError
from ..render import plural
from .common import echo_json, progress, service

if TYPE_CHECKING:
    from ..capture.ingest import IngestReport
    from ..capture.watch import WatchReport
    from ..capture.watch_dirs import ConfiguredDirs
    from ..config import Config


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("ingest")(ingest_cmd)
    app.command("watch")(watch)


def init(
    shell: str = typer.Argument(..., help="bash, zsh or fish."),
    no_ctrl_r: bool = typer.Option(
        False, "--no-ctrl-r",
        help="Do not bind Ctrl-R to recall's history picker (RECALL_NO_CTRL_R=1 does the same when the hook loads).",
    ),
) -> None:
    """Print the shell hook to load from your shell's rc file.

    bash: eval "$(recall init bash)" in ~/.bashrc

    zsh: eval "$(recall init zsh)" in ~/.zshrc

    fish: recall init fish | source   in ~/.config/fish/config.fish

    After each command, one detached background process records it in the
    spool (directory, exit code, duration, session, host; secrets redacted);
    `recall ingest` stores it.

    A command starting with a space is not recorded; RECALL_DISABLE=1 pauses
    recording; capture.ignore_patterns and capture.ignore_dirs leave out more.
    """
    from ..capture.hook import SHELLS, hook_script

    name = shell.strip().lower()
    if name not in SHELLS:
        raise UsageError(f"unknown shell '{shell}' (choose bash, zsh or fish)")
    typer.echo(hook_script(name, sys.executable, ctrl_r=not no_ctrl_r), nl=False)


def ingest_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print the ingest report as JSON."),
    batch: int = typer.Option(None, "--batch", help="Records per transaction (default: ingest.batch_size)."),
    no_embed: bool = typer.Option(False, "--no-embed", help="Store now, embed later (on the next search)."),
) -> None:
    """Move captured shell commands and file changes from the spool into the store."""
    if batch is not None and batch <= 0:
        raise UsageError("--batch must be at least 1")
    svc = service()
    with progress("Ingesting the spool") as update:
        report = svc.ingest_spool(batch_size=batch, embed=not no_embed, progress=update)
    if as_json:
        echo_json(report.to_dict())
    else:
        typer.echo(report.summary())
    _raise_quarantined(report)


def _raise_quarantined(report: IngestReport) -> None:
    """InputError naming the first quarantined spool line, when the ingest set any aside."""
    if not report.problems:
        return
    first = report.problems[0]
    more = f" (and {len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
    raise InputError(f"{first.error}{more}; moved to {report.quarantine_path}",
                     f"spool/{first.file}", str(first.line))


def watch(
    dirs: list[str] = typer.Argument(None, help="Directories to watch (default: the configured ones)."),
    add: bool = typer.Option(False, "--add", help="Add DIRS to the configured directories and exit."),
    remove: bool = typer.Option(False, "--remove", help="Remove DIRS from the configured directories and exit."),
    list_dirs: bool = typer.Option(False, "--list", help="List the configured directories and exit."),
    once: bool = typer.Option(False, "--once", help="Scan once, ingest, and exit (for cron and tests)."),
    no_ingest: bool = typer.Option(False, "--no-ingest", help="Leave the records in the spool."),
    as_json: bool = typer.Option(False, "--json", help="Print reports as JSON."),
) -> None:
    """Turn new or changed paragraphs of text files into events.

    Files matching watch.globs (*.md, *.txt, *.org, *.rst) are read once they
    have been quiet for watch.debounce_ms; deleted files are recorded too. The
    first run scans everything; .git, node_modules, binary and big files are
    skipped. Without DIR it watches the configured directories and, while it
    runs, follows --add and --remove as `recall serve` does; with DIR it keeps
    to those.
    """
    from ..capture.filters import expand_path, join_list, parse_list
    from ..capture.watch_dirs import ConfiguredDirs

    if sum([add, remove, list_dirs]) > 1:
        raise UsageError("use only one of --add, --remove and --list")
    mode = "--add" if add else "--remove" if remove else "--list" if list_dirs else None
    scanning = [flag for flag, given in (("--once", once), ("--no-ingest", no_ingest)) if given]
    if mode and scanning:  # these change the configuration and exit: no scan would run to honour them
        raise UsageError(f"{mode} and {scanning[0]} exclude each other")
    config = service().config  # opening the service is lazy: no database, no model yet
    configured = parse_list(config.get("watch.dirs"))
    if list_dirs:
        rows: list[dict[str, Any]] = [{"path": d, "exists": os.path.isdir(expand_path(d))} for d in configured]
        if as_json:
            echo_json(rows)
        elif not rows:
            typer.echo("No directories configured; add one with `recall watch --add DIR`.")
        else:
            for row in rows:
                typer.echo(row["path"] + ("" if row["exists"] else "  (missing)"))
        return
    if add or remove:
        if not dirs:
            raise UsageError(f"--{'add' if add else 'remove'} needs at least one DIR")
        paths = [expand_path(d) for d in dirs]
        if add:
            for path in paths:
                if not os.path.isdir(path):
                    what = "not a directory" if os.path.exists(path) else "no such directory"
                    raise InputError(f"cannot watch {path}: {what}")
            new = list(dict.fromkeys([*configured, *paths]))
        else:
            unknown = [p for p in paths if p not in configured]
            if unknown:
                raise UsageError(f"{unknown[0]} is not a watched directory (see `recall watch --list`)")
            new = [d for d in configured if d not in paths]
        config.set("watch.dirs", join_list(new))
        verb = "Watching" if add else "No longer watching"
        already = [p for p in paths if add and p in configured]
        fresh = [p for p in paths if p not in already]
        said = f"{verb} {', '.join(fresh)}; " if fresh else ""
        if already:  # (adding one twice changes nothing: say so rather than claim it was added)
            said += f"{', '.join(already)} {'was' if len(already) == 1 else 'were'} watched already; "
        typer.echo(f"{said}configured: {plural(len(new), 'directory', 'directories')}.")
        _say_explicit_watcher(config)
        return
    if dirs:
        chosen, followed = [expand_path(d) for d in dirs], None
    else:  # the configured folders: a running watch follows `recall watch --add/--remove`, as serve does
        followed = ConfiguredDirs(config)
        chosen = _configured(followed, once)
        if not chosen:
            raise UsageError("no directories to watch: pass DIR or add one with `recall watch --add DIR`")
    if once:
        _watch_once(chosen, config, no_ingest, as_json)
    else:
        _watch_forever(chosen, config, no_ingest, as_json, followed)


def _configured(followed: ConfiguredDirs, once: bool) -> list[str]:
    """The folders of watch.dirs that exist; a warning for each one that does not."""
    from ..capture.filters import expand_path

    present, missing = followed.split()
    for folder in missing:
        typer.echo(f"Warning: skipping {folder}: no such directory"
                   + ("" if once else " (watched as soon as it is back)"), err=True)
    return [expand_path(d) for d in present]


def _say_explicit_watcher(config: Config) -> None:
    """After --add/--remove: a running `recall watch DIR` keeps to the folders it was started
    on (a watch on the configured ones, and serve's, follow the change)."""
    from ..capture.watch import running_watcher

    running = running_watcher(config.home)
    if running and running.get("explicit"):
        folders = ", ".join(map(str, running.get("dirs") or []))
        typer.echo(f"Note: the `recall watch` running now (pid {running.get('pid')}) was started on {folders} and is "
                   "not changed; run it without DIR to follow the configured directories.", err=True)


def _watch_once(dirs: list[str], config: Config, no_ingest: bool, as_json: bool) -> None:
    from ..capture.watch import FileWatcher

    watcher = FileWatcher.from_config(config, dirs, held=service().held_paragraphs)
    report = watcher.scan_once()
    ingested = None
    if not no_ingest:
        ingested = service().ingest_spool()
    if as_json:
        echo_json({"scan": report.to_dict(), "ingest": ingested.to_dict() if ingested else None})
    else:
        where = plural(len(dirs), "directory", "directories")
        line = (f"Scanned {plural(report.files_seen, 'file')} in {where}: "
                f"{plural(report.paragraphs, 'new paragraph')}, {plural(report.deleted, 'deleted file')}")
        if report.edited:
            line += f", {plural(report.edited, 'edited file')}"
        if report.renamed:
            line += f", {plural(report.renamed, 'renamed file')}"
        skipped = report.skipped_binary + report.skipped_large + report.skipped_other
        if skipped:
            line += f", {skipped} skipped (named below)"
        if ingested is not None:
            line += f"; ingested {plural(ingested.inserted, 'event')}"
            if ingested.duplicates:  # (a paragraph stored already, or forgotten: kept out)
                line += f" ({ingested.duplicates:,} already known or forgotten before)"
        else:
            line += f"; {plural(report.records, 'record')} left in the spool"
        typer.echo(line + ".")
        for error in report.errors:
            typer.echo(f"Warning: {error}", err=True)
    if ingested is not None:
        _raise_quarantined(ingested)
        if ingested.held:  # a filter plugin broke: what it held back is not stored, and cron should see it
            raise RecallError(f"{'; '.join(ingested.held)}: {plural(sum(ingested.held.values()), 'event')} "
                              "held back, not stored")


def watch_line(report: WatchReport, ingested: IngestReport | None) -> str | None:
    """What a running watch prints for one flush: the files that gave records and what
    came of them; None when none did (a file only skipped is named by its warning)."""
    if not report.records:
        return None
    names = ", ".join(sorted({os.path.basename(p) for p in report.paths}))
    line = f"{time.strftime('%H:%M:%S')} {names}: {plural(report.paragraphs, 'new paragraph')}, "
    line += f"{report.deleted} deleted"
    if report.edited:
        line += f", {report.edited} edited"
    if report.renamed:
        line += f", {report.renamed} renamed"
    if ingested is not None:
        line += f"; ingested {plural(ingested.inserted, 'event')}"
        if ingested.duplicates:  # (an imported note's paragraphs are new to the watcher, not to the store)
            line += f" ({ingested.duplicates:,} already known or forgotten before)"
    return line


def _watch_forever(dirs: list[str], config: Config, no_ingest: bool, as_json: bool,
                   followed: ConfiguredDirs | None) -> None:
    """Follow ``dirs`` until Ctrl-C; with ``followed``, start anew over watch.dirs each time
    `recall watch --add/--remove` changes it (as `recall serve` does)."""
    import queue

    from ..capture.watch import FileWatcher

    flushed: queue.Queue[WatchReport] = queue.Queue()
    svc = None if no_ingest else service()

    def show(report: WatchReport) -> None:
        ingested = None
        if svc is not None and report.records:
            ingested = svc.ingest_spool()  # here, in the thread that owns the database connection
        if as_json:
            typer.echo(__import__("json").dumps({"scan": report.to_dict(),
                                                 "ingest": ingested.to_dict() if ingested else None}))
        else:
            line = watch_line(report, ingested)
            if line is not None:
                typer.echo(line)
            for error in report.errors:
                typer.echo(f"Warning: {error}", err=True)

    def start(chosen: list[str]) -> FileWatcher | None:
        if not chosen:
            typer.echo("Not watching any directory now; `recall watch --add DIR` adds one (Ctrl-C to stop).",
                       err=True)
            return None
        # held: called by the first scan only, here in the main thread (start() runs it)
        watcher = FileWatcher.from_config(config, chosen, on_flush=flushed.put, held=service().held_paragraphs,
                                          explicit=followed is None)
        initial = watcher.start()
        typer.echo(f"Watching {', '.join(chosen)} (Ctrl-C to stop).", err=True)
        show(initial)
        return watcher

    watcher = start(dirs)
    try:
        while True:
            try:
                show(flushed.get(timeout=1.0))
            except queue.Empty:
                pass
            if followed is not None and followed.changed():
                if watcher is not None:
                    watcher.stop()
                    watcher = None
                while not flushed.empty():
                    show(flushed.get_nowait())
                try:
                    watcher = start(_configured(followed, False))
                except RecallError as exc:  # (a folder gone meanwhile, another watcher started meanwhile)
                    typer.echo(f"Warning: not watching: {exc.message}", err=True)
    except KeyboardInterrupt:
        pass
    finally:
        if watcher is not None:
            watcher.stop()
    while not flushed.empty():
        show(flushed.get_nowait())
    typer.echo("Stopped.", err=True)

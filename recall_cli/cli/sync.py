"""Several machines: export, backup and restore, sync through a folder."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..errors import UsageError
from ..render import parse_when, plural
from .common import confirm, echo_json, progress, service


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("backup")(backup)
    app.command("sync")(sync)


def export(
    output: Path = typer.Option(None, "--output", "-o", help="The file (jsonl) or folder (markdown); default: "
                                                             "standard output (jsonl only)."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl (everything, for `recall import`) or "
                                                            "markdown (a folder of files to read)."),
    since: str = typer.Option(None, "--since", help="Only events and memory changes from this time on."),
) -> None:
    """Export the whole memory: events, memories with their history, pins and edits, forgets."""
    svc = service()
    when = parse_when(since)
    if fmt == "markdown":
        if output is None:
            raise UsageError("a Markdown export writes a folder: pass -o DIR")
        counts = svc.export(folder=output, fmt="markdown", since=when)
        typer.echo(f"Wrote {plural(counts['events'], 'event')} in {plural(counts['days'], 'day file')} and "
                   f"{plural(counts['memories'], 'memory', 'memories')} to {output}.", err=True)
        return
    if output is None:
        counts = svc.export(sys.stdout, fmt=fmt, since=when)
    else:
        import os

        from ..sync.methods import new_file_path

        output = new_file_path(output)  # as backup checks and makes its folder
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                counts = svc.export(fh, fmt=fmt, since=when)
        except BaseException:  # a disk that filled up, Ctrl-C: no half export left under the name asked for
            output.unlink(missing_ok=True)
            raise
    typer.echo(f"Exported {plural(counts['texts'], 'event')}, {plural(counts['changes'], 'memory change')} and "
               f"{plural(counts['tombstones'], 'forgotten item')}" + (f" to {output}." if output else "."), err=True)


def backup(
    file: Path = typer.Argument(..., help="The backup file to write (or, with --restore, to read)."),
    restore: bool = typer.Option(False, "--restore", help="Replace this store with the backup (checked first; "
                                                          "asks first unless --yes)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="With --restore: do not ask for confirmation."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written or restored as JSON."),
) -> None:
    """A consistent copy of the store (safe while recall serve runs), or restore one.

    A restore replaces everything stored since the backup was made; the store it replaces is
    kept beside it. It asks first unless --yes. The restored store syncs as the device it was: its
    next sync takes back what it synced after the backup was made (nothing to run first).
    """
    svc = service()
    if restore:
        from ..serve.daemon import status

        if status(svc.config)["running"]:
            raise UsageError("recall serve is running: stop it first (`recall serve --stop`)")
        if not yes:
            svc.check_backup(file)  # a file that is no backup is refused before anything is asked
            confirm(f"replace this store with {file}", f"Replace this store with {file}? What was stored "
                    "since that backup leaves the live store (a copy is kept beside it); what you forgot "
                    "since stays forgotten.")
        done = svc.restore(file)
        if as_json:
            echo_json({"restored": str(file), "kept": str(done.kept) if done.kept else None,
                       "kept_forgotten": done.forgotten, "replaced_was_damaged": done.damaged,
                       "device": done.device, "replaced_device": done.replaced_device})
        else:
            typer.echo(f"Restored {file}." + (f" The store it replaced is kept as {done.kept}." if done.kept else "")
                       + (f" {plural(done.forgotten, 'item')} you forgot since that backup stayed forgotten."
                          if done.forgotten else "")
                       + (" The store it replaced was damaged: what you forgot after the backup was made may be "
                          "back; forget it again." if done.damaged else ""))
            if done.replaced_device:  # two machines syncing as one id would mix their changes
                typer.echo(f"This backup was made by device {done.device}, not by the store it replaced "
                           f"({done.replaced_device}): if {done.device} still syncs on another machine, run "
                           "`recall sync --new-device` here before syncing.")
            elif done.synced:
                typer.echo(f"Sync goes on as device {done.device}: the next `recall sync` takes back what this "
                           "device synced after the backup was made.")
        return
    path = svc.backup(file)
    if as_json:
        echo_json({"backup": str(path), "bytes": path.stat().st_size})
    else:
        typer.echo(f"Backed up to {path} ({path.stat().st_size / 1e6:.1f} MB).")


def sync(
    folder: str = typer.Argument(None, help="The synced folder (default: sync.dir)."),
    new_device: bool = typer.Option(False, "--new-device", help="Give this store a new device id (after copying "
                                                                "a RECALL_HOME to another machine)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Merge with your other devices through a folder that Syncthing, git, rclone or a USB stick keeps in step."""
    if folder is not None and not folder.strip():  # ("$SYNC_DIR" unset: not the folder you are in)
        raise UsageError("the sync folder is empty: name one, or leave it out to use sync.dir")
    svc = service()
    if new_device:
        typer.echo(f"This store is now device {svc.new_device()}.", err=True)
        if folder is None and not svc.config.get("sync.dir"):
            return  # nothing to sync through yet: the new id is all that was asked
    with progress("Syncing") as update:
        report = svc.sync(Path(folder) if folder is not None else None, progress=update)
    if as_json:
        echo_json(report.to_dict())
    else:
        for warning in report.warnings:
            typer.echo(f"warning: {warning}", err=True)
        typer.echo(report.summary())

"""Capture commands: add, import."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from typer._click.core import Context
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperCommand, TyperOption

from ..errors import InputError, RecallError, UsageError
from ..home import importing
from ..importers.base import ImportReport, Skipped
from ..render import parse_when, plural, replaced
from ..timeutil import now, short
from .common import backend, echo_json, progress, service, stdin_text
from .main import unsecret

if TYPE_CHECKING:
    from ..service import Recall

FORMAT_HELP = ("auto, recall (a recall export), jsonl, markdown, chatgpt, claude, locomo, longmemeval, beam "
               "(or a plugin's)")


def register(app: typer.Typer) -> None:
    app.command("add", cls=TextFirstCommand)(add)
    app.command("import")(import_cmd)


# what a mistyped option looks like (--tga, -x, --sorce=chat): still refused as one, so a typo
# is not stored as the note; a dash before a space, a digit or more dashes is text
_OPTION_SHAPED = re.compile(r"--?[A-Za-z][\w-]*(?:=.*)?", re.DOTALL)


class TextFirstCommand(TyperCommand):
    """A command whose words are text: an argument that starts with a dash but is none of the
    command's options ("- buy milk", a markdown list item; "-----BEGIN ... KEY-----";
    "--password x is what I used") is text, where click refused it as an unknown option (and
    printed it, secret and all). The command's own options still work anywhere on the line."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self.text_after_options(ctx, args))

    def text_after_options(self, ctx: Context, args: list[str]) -> list[str]:
        """The options (with their values) first, then "--" and the words of the text."""
        takes_value = {name: not (param.is_flag or param.count)
                       for param in self.get_params(ctx) if isinstance(param, TyperOption)
                       for name in (*param.opts, *param.secondary_opts)}
        options: list[str] = []
        words: list[str] = []
        rest = iter(args)
        for arg in rest:
            name = arg.split("=", 1)[0]
            glued = arg[:2] if not arg.startswith("--") and not any(c.isspace() for c in arg) else ""
            if arg == "--":
                words.extend(rest)
            elif name in takes_value:
                options.append(arg)
                value = next(rest, None) if takes_value[name] and "=" not in arg else None
                if takes_value[name] and "=" not in arg and value is None:
                    # (else the "--" put before the text below would be its value: tag "--")
                    raise ClickUsageError(f"Option '{name}' requires an argument.", ctx)
                options.extend([value] if value is not None else [])  # (whatever it is: --time -1d)
            elif takes_value.get(glued):  # -tyesterday
                options.append(arg)
            elif _OPTION_SHAPED.fullmatch(arg) and not any(c.isspace() for c in arg):
                options.append(arg)
            else:
                words.append(arg)
        return options + (["--", *words] if words else [])


FUTURE_SLACK = 300  # seconds: a clock a little ahead of the note's own is not "the future"


def add(
    text: list[str] = typer.Argument(None, help="The text to remember; read from stdin when omitted or '-'."),
    source: str = typer.Option("note", "--source", "-s", help="Where it came from (note, chat, shell, ...)."),
    time: str = typer.Option(None, "--time", "-t", help="When it happened (ISO date/time or 'yesterday')."),
    tag: list[str] = typer.Option(None, "--tag", help="A tag; repeat for several."),
    speaker: str = typer.Option(None, "--speaker", help="Who said or wrote it."),
    as_json: bool = typer.Option(False, "--json", help="Print the stored event as JSON."),
) -> None:
    """Remember a piece of text."""
    if not text or text == ["-"]:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("nothing to add: give TEXT or pipe it on stdin")
        body = stdin_text()
    else:
        body = " ".join(text)
    ts = parse_when(time)
    if ts is not None and ts > now() + FUTURE_SLACK:
        # --time says when something happened; a coming day belongs in the text, where ask reads it as ahead
        raise UsageError(f"--time '{time}' is {short(ts)}, in the future; --time says when it happened "
                         "(write a coming day in the text itself)")
    event = backend().add(body, source=source, ts=ts, tags=tag or [], actor=speaker)
    if as_json:
        echo_json(event.to_dict())
    elif event.meta.get("duplicate"):
        typer.echo(f"Already remembered as event {event.id}.")
    else:
        redacted = event.meta.get("redacted")
        parts = event.meta.get("parts")
        # a text over the event size limit is stored as linked parts, one id each
        where = f"{event.id} (a long text, stored as {parts} linked parts)" if parts else f"{event.id}"
        typer.echo(f"Remembered as event {where}{replaced(redacted)}.")
        if event.meta.get("truncated"):
            typer.echo(f"Warning: the last {int(event.meta['truncated']):,} characters were not stored "
                       "(more than events.max_parts parts; split the text or raise the setting).", err=True)


PER_FILE_LINES = 20  # files of a folder import that get a line of their own


def import_cmd(
    paths: list[Path] = typer.Argument(..., help="Files or folders to import (folders are read recursively)."),
    fmt: str = typer.Option("auto", "--format", "-f", help=f"Format: {FORMAT_HELP}."),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Import chat exports, notes or benchmark files (several, or whole folders); re-importing adds nothing.

    A record that cannot be read is skipped and the rest lands; the first reason is named, a line for each file
    with skipped records, and recall exits 4, as for a file it cannot read at all (1 when a plugin held events
    back). A folder's empty notes (unfilled templates too), the account files beside an unzipped chat export's
    conversations.json (user.json, projects.json, ...) and recall's own Markdown export are passed over; a chat
    export kept zipped is read.
    """
    svc = service()
    formats = ("auto", "recall", *svc.importers())
    if fmt not in formats:  # refused once, before any file is read
        raise UsageError(f"unknown format '{fmt}' (choose {', '.join(formats)})")
    with importing(svc.config.home):  # a search meanwhile leaves the embedding to this import
        _import_all(svc, paths, fmt, as_json)


def _import_all(svc: Recall, paths: list[Path], fmt: str, as_json: bool) -> None:
    files = svc.import_targets(paths)
    if len(files) == 1 and files[0] == paths[0]:
        _import_one(svc, files[0], fmt, as_json)
        return
    from ..importers.archive import export_companion
    from ..importers.markdown import blank_note, markdown_export_file

    reports: list[dict[str, object]] = []
    failed = inserted = known = held = blank = partial = companions = 0
    exports: list[Path] = []
    named = {Path(p).expanduser() for p in paths}  # files given as such, not found in a folder
    repeats: dict[str, int] = {}  # a reason already printed: how many more files had it
    with progress(f"Importing {len(files)} files") as update:
        for number, path in enumerate(files, start=1):
            if blank_note(path):  # an empty daily note is no failure (a cron job would fail on it daily)
                blank += 1
                reports.append({"path": str(path), "skipped": "empty"})
                update(number, len(files))
                continue
            if path not in named and export_companion(path):  # (user.json beside conversations.json)
                companions += 1
                reports.append({"path": str(path), "skipped": "chat export's account file"})
                update(number, len(files))
                continue
            if path not in named and markdown_export_file(path):
                # `recall export --format markdown -o ~/notes/recall`, then `recall import ~/notes`:
                # its events are stored already (a file named on its own is still refused)
                exports.append(path)
                reports.append({"path": str(path), "skipped": "recall Markdown export"})
                update(number, len(files))
                continue
            try:
                report = svc.import_any(path, fmt, embed=False)
            except RecallError as exc:
                failed += 1
                reports.append({"path": str(path), "error": unsecret(exc.message)})
                # many files failing for one reason (a folder of another tool's JSON) say it once, then a count
                reason = unsecret(exc.message.removeprefix(f"{path}: "))  # (it may quote the file)
                if reason in repeats:
                    repeats[reason] += 1
                elif not as_json:
                    repeats[reason] = 0
                    typer.echo(f"Error: {unsecret(exc.message)}", err=True)
            else:
                inserted += report.inserted if isinstance(report, ImportReport) else report.events
                known += report.duplicates
                held += sum(report.held.values()) if isinstance(report, ImportReport) else 0
                reports.append(report.to_dict())
                if not as_json and len(reports) <= PER_FILE_LINES:
                    typer.echo(report.summary())
                if report.skipped:  # the reason, as importing the file alone says it
                    partial += 1
                    if not as_json:
                        typer.echo(f"Error: {unsecret(skipped_error(report.skipped, path).message)}", err=True)
            update(number, len(files))
    with progress("Embedding") as update:
        svc.embed_pending(progress=update)
    for reason, more in repeats.items():
        if more and not as_json:
            typer.echo(f"Error: and {plural(more, 'more file')}: {reason}", err=True)
    if exports and not as_json:
        others = f" and {plural(len(exports) - 1, 'more file')}" if len(exports) > 1 else ""
        # (not "its events are stored already": imported into a new store, they are not, and the
        # user who took the Markdown export for a copy of the memory learns which export is one)
        typer.echo(f"Warning: skipped {exports[0]}{others}: a recall Markdown export (for reading; read as notes, "
                   "its events would be stored twice; to move events between stores, import a JSONL export: "
                   "recall export -o FILE)", err=True)
    if as_json:
        echo_json({"files": reports, "inserted": inserted, "duplicates": known, "failed": failed, "empty": blank,
                   "exports": len(exports), "export_account_files": companions, "with_skipped": partial,
                   "held": held})
    else:
        if len(files) > PER_FILE_LINES:  # (3,000 notes printed 3,000 lines)
            typer.echo(f"(a line for each of the first {PER_FILE_LINES} files; --json lists every file)")
        read = len(files) - failed - blank - len(exports) - companions
        typer.echo(f"Imported {plural(inserted, 'event')} from {read} of {plural(len(files), 'file')}; "
                   f"{known:,} already known"
                   + (f"; {plural(blank, 'empty note')} passed over" if blank else "")
                   + (f"; {plural(companions, 'account file')} of a chat export passed over" if companions else "")
                   + (f"; {plural(len(exports), 'file')} of a recall Markdown export passed over" if exports else "")
                   + (f"; {held:,} held back by a plugin" if held else "")
                   + (f"; {plural(partial, 'file')} with records skipped (above)" if partial else "")
                   + (f"; {failed} failed (above)." if failed else "."))
    if failed or partial or held:  # skipped records exit as a single file's do; a broken filter plugin's too
        raise typer.Exit(InputError.exit_code if failed or partial else 1)


def skipped_error(skipped: Sequence[Skipped], file: Path) -> InputError:
    """The error for a file some records of which were skipped: the first one's reason and
    where it is, and how many more (the same line whether the file was named or in a folder)."""
    first = skipped[0]
    more = f" (and {len(skipped) - 1} more; --json lists them all)" if len(skipped) > 1 else ""
    return InputError(f"{first.reason}{more}", str(file), first.position)


def _import_one(svc: Recall, file: Path, fmt: str, as_json: bool) -> None:
    with progress(f"Reading {file.name}") as update:  # (a 30 MB export takes a minute before it embeds)
        report = svc.import_any(file, fmt, embed=False, reading=update)
    with progress(f"Embedding {file.name}") as update:
        svc.embed_pending(progress=update)
    if as_json:
        echo_json(report.to_dict())
    else:
        typer.echo(report.summary())
    if report.skipped:
        raise skipped_error(report.skipped, file)
    if isinstance(report, ImportReport) and report.held:  # the summary said which plugin and how many
        raise typer.Exit(1)

"""Capture commands: add, import."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from typer._click.core import Context
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperCommand, TyperOption

from ..errors import InputError, RecallError, UsageError
from ..importers.base import ImportReport
from ..render import parse_when, plural, replaced
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
    event = backend().add(body, source=source, ts=ts, tags=tag or [], actor=speaker)
    if as_json:
        echo_json(event.to_dict())
    elif event.meta.get("duplicate"):
        typer.echo(f"Already remembered as {event.id}.")
    else:
        redacted = event.meta.get("redacted")
        parts = event.meta.get("parts")
        # a text over the event size limit is stored as linked parts, one id each
        where = f"{event.id} (a long text, stored as {parts} linked parts)" if parts else f"{event.id}"
        typer.echo(f"Remembered {where}{replaced(redacted)}.")
        if event.meta.get("truncated"):
            typer.echo(f"Warning: the last {int(event.meta['truncated']):,} characters were not stored "
                       "(more than events.max_parts parts; split the text or raise the setting).", err=True)


PER_FILE_LINES = 20  # files of a folder import that get a line of their own


def import_cmd(
    paths: list[Path] = typer.Argument(..., help="Files or folders to import (folders are read recursively)."),
    fmt: str = typer.Option("auto", "--format", "-f", help=f"Format: {FORMAT_HELP}."),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Import chat exports, notes or benchmark files (several, or whole folders); re-importing adds nothing."""
    svc = service()
    formats = ("auto", "recall", *svc.importers())
    if fmt not in formats:  # refused once, before any file is read
        raise UsageError(f"unknown format '{fmt}' (choose {', '.join(formats)})")
    files = svc.import_targets(paths)
    if len(files) == 1 and files[0] == paths[0]:
        _import_one(svc, files[0], fmt, as_json)
        return
    from ..importers.markdown import blank_note

    reports: list[dict[str, object]] = []
    failed = inserted = known = held = blank = 0
    repeats: dict[str, int] = {}  # a reason already printed: how many more files had it
    with progress(f"Importing {len(files)} files") as update:
        for number, path in enumerate(files, start=1):
            if blank_note(path):  # an empty daily note is no failure (a cron job would fail on it daily)
                blank += 1
                reports.append({"path": str(path), "skipped": "empty"})
                update(number, len(files))
                continue
            try:
                report = svc.import_any(path, fmt, embed=False)
            except RecallError as exc:
                failed += 1
                reports.append({"path": str(path), "error": unsecret(exc.message)})
                # seventeen day files of a Markdown export say the same thing: once, then a count
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
            update(number, len(files))
    with progress("Embedding") as update:
        svc.embed_pending(progress=update)
    for reason, more in repeats.items():
        if more and not as_json:
            typer.echo(f"Error: and {plural(more, 'more file')}: {reason}", err=True)
    if as_json:
        echo_json({"files": reports, "inserted": inserted, "duplicates": known, "failed": failed, "empty": blank,
                   "held": held})
    else:
        if len(files) > PER_FILE_LINES:  # (3,000 notes printed 3,000 lines)
            typer.echo(f"(a line for each of the first {PER_FILE_LINES} files; --json lists every file)")
        typer.echo(f"Imported {plural(inserted, 'event')} from {len(files) - failed - blank} of "
                   f"{plural(len(files), 'file')}; {known:,} already known"
                   + (f"; {plural(blank, 'empty note')} passed over" if blank else "")
                   + (f"; {held:,} held back by a plugin" if held else "")
                   + (f"; {failed} failed (above)." if failed else "."))
    if failed or held:  # events a broken filter plugin held back are news for a cron job too
        raise typer.Exit(InputError.exit_code if failed else 1)


def _import_one(svc: Recall, file: Path, fmt: str, as_json: bool) -> None:
    with progress(f"Embedding {file.name}") as update:
        report = svc.import_any(file, fmt, progress=update)
    if as_json:
        echo_json(report.to_dict())
    else:
        typer.echo(report.summary())
    if report.skipped:
        first = report.skipped[0]
        more = f" (and {len(report.skipped) - 1} more; --json lists them all)" if len(report.skipped) > 1 else ""
        raise InputError(f"{first.reason}{more}", str(file), first.position)
    if isinstance(report, ImportReport) and report.held:  # the summary said which plugin and how many
        raise typer.Exit(1)

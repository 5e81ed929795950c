"""The shell hook's record fast path: one command in, one redacted spool line out.

    <command on stdin> | python -m recall_cli.capture.record --shell bash --status 3 \\
        --start 1700000000.1 --end 1700000002.4 --cwd /src --session 1a2b-3c [--history]

The hooks (``recall init bash|zsh|fish``) run this detached, after the command finished,
with the command line on stdin (so a huge command never hits the argv size limit, and bytes
that are not UTF-8 arrive intact). ``--history`` says stdin is bash's ``history 1`` output.
Without ``--start``/``--end``, ``--duration-ms`` and the current time give the span.

Standard library only: this must never import typer, numpy, torch, sqlite-utils or a model
(tests/capture/test_record.py checks). It never prints; failures go to
``$RECALL_HOME/spool/errors.log`` so that nothing is lost silently.
"""

from __future__ import annotations

import os
import re
import sys
import time

from .. import home as _home
from . import spool
from .filters import CommandFilter
from .secrets import redact

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only
    from typing import Any, BinaryIO

    from ..config import Config

# The capture.* keys and defaults of recall_cli.config.DEFAULTS, read here without importing
# it (dataclasses, pathlib, typing); tests/capture/test_record.py keeps the two equal.
CAPTURE_DEFAULTS = {
    "capture.ignore_patterns": "",
    "capture.ignore_dirs": "",
    "capture.max_command_bytes": 65536,
}

_HISTORY_PREFIX = re.compile(r"^ *\d+[* ] ")
DEFAULT_MAX_BYTES = 65536
# Redaction looks a little past the cut so a secret straddling it is still caught whole.
_REDACT_SLACK = 8192


class Args:
    shell = "sh"
    status: int | None = None
    start: float | None = None
    end: float | None = None
    duration_ms: float | None = None
    cwd: str | None = None
    session: str | None = None
    history = False
    command: str | None = None  # instead of stdin (tests, other callers)


def parse_args(argv: list[str]) -> Args:
    args = Args()
    names = {"--shell": "shell", "--status": "status", "--start": "start", "--end": "end",
             "--duration-ms": "duration_ms", "--cwd": "cwd", "--session": "session",
             "--command": "command"}
    i = 0
    while i < len(argv):
        flag = argv[i]
        if flag == "--history":
            args.history = True
            i += 1
            continue
        if flag not in names or i + 1 >= len(argv):
            raise ValueError(f"unknown or incomplete argument {flag!r}")
        value = argv[i + 1]
        attr = names[flag]
        if attr == "status":
            setattr(args, attr, int(value) if value.lstrip("-").isdigit() else None)
        elif attr in {"start", "end", "duration_ms"}:
            try:  # EPOCHREALTIME uses the locale's decimal point
                setattr(args, attr, float(value.replace(",", ".")))
            except ValueError:
                setattr(args, attr, None)
        else:
            setattr(args, attr, value)
        i += 2
    return args


def _clean(text: str) -> tuple[str, bool]:
    """Valid Unicode from argv/stdin text (undecodable bytes become U+FFFD)."""
    try:
        text.encode("utf-8")
        return text, False
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "replace"), True


def read_command(stream: BinaryIO, limit: int) -> tuple[bytes, int]:
    """Up to ``limit`` bytes of the command and its full length (the rest is drained)."""
    kept = stream.read(limit)
    total = len(kept)
    while True:
        chunk = stream.read(1 << 16)
        if not chunk:
            break
        total += len(chunk)
    return kept, total


def _cut(text: str, max_bytes: int) -> str:
    """At most max_bytes of UTF-8, not ending inside a [REDACTED:...] mark."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    cut = data[:max_bytes].decode("utf-8", "ignore")
    mark = cut.rfind("[REDACTED:")
    if mark != -1 and "]" not in cut[mark:]:
        cut = cut[:mark]
    return cut


def build_record(command_bytes: bytes, total_bytes: int, args: Args, config: Config | Settings,
                 now: float | None = None) -> dict[str, Any] | None:
    """The spool record for one command, or None when it must not be recorded."""
    max_bytes = int(config.get("capture.max_command_bytes") or DEFAULT_MAX_BYTES)
    text = command_bytes.decode("utf-8", "replace")
    invalid = "\ufffd" in text and b"\xef\xbf\xbd" not in command_bytes
    if args.history:
        text = _HISTORY_PREFIX.sub("", text, count=1)
    if text.endswith("\n"):
        text = text[:-1]
    cwd, bad_cwd = _clean(args.cwd) if args.cwd else (os.getcwd(), False)
    if CommandFilter.from_config(config).reason(text, cwd) is not None:
        return None
    redaction = redact(text)
    body = redaction.text
    truncated = total_bytes > len(command_bytes) or len(body.encode("utf-8")) > max_bytes
    if truncated:
        body = _cut(body, max_bytes)
    end = args.end if args.end is not None else (now if now is not None else time.time())
    if args.start is not None:
        start = args.start
    elif args.duration_ms is not None:
        start = end - args.duration_ms / 1000.0
    else:
        start = end
    start = min(start, end)
    meta: dict[str, Any] = {
        "cwd": cwd,
        "exit_code": args.status,
        "duration_ms": round((end - start) * 1000.0),
        "host": os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", ""),
        "shell": args.shell,
    }
    if redaction.names:
        meta["redacted"] = redaction.names
    if truncated:
        meta["truncated"] = True
        meta["original_bytes"] = total_bytes
    if invalid or bad_cwd:
        meta["invalid_utf8"] = True
    session, _ = _clean(args.session) if args.session else (None, False)
    return spool.make_record(source="shell", kind="command", text=body, ts_start=round(start, 6),
                             ts_end=round(end, 6), actor=_home.account_name(), session=session, meta=meta)


def _log_error(home: str, message: str) -> None:
    try:
        directory = spool.private_dir(home)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        # created 0600: the message may quote what was typed
        fd = os.open(os.path.join(directory, "errors.log"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(f"{stamp} record: {message}\n")
    except OSError:
        pass


class Settings:
    """The capture.* settings with config.py's precedence: default, config.toml, RECALL_* env."""

    def __init__(self, home: str | None = None) -> None:
        self.home = home or _home.recall_home()
        self.values: dict[str, Any] = dict(CAPTURE_DEFAULTS)
        self.problem = ""  # a config.toml that cannot be read: logged, and the defaults record
        path = os.path.join(self.home, "config.toml")
        if os.path.exists(path):
            import tomllib

            try:
                with open(path, "rb") as fh:
                    section = tomllib.load(fh).get("capture", {})
            except (tomllib.TOMLDecodeError, OSError) as exc:
                # a file half-edited must not cost the commands run meanwhile: record with the defaults
                self.problem, section = f"{path}: {exc}", {}
            if isinstance(section, dict):
                for name, value in section.items():
                    if f"capture.{name}" in self.values:
                        self.values[f"capture.{name}"] = value
        for key in self.values:
            raw = os.environ.get("RECALL_" + key.replace(".", "_").upper())
            if raw is not None:
                self.values[key] = raw
        try:
            self.values["capture.max_command_bytes"] = int(self.values["capture.max_command_bytes"])
        except (TypeError, ValueError):
            self.values["capture.max_command_bytes"] = DEFAULT_MAX_BYTES

    def get(self, key: str) -> Any:
        return self.values[key]


def record(args: Args, stdin: BinaryIO | None = None, settings: Settings | None = None) -> dict[str, Any] | None:
    """Record one command; returns the spooled record (None when filtered out)."""
    config = settings or Settings()
    max_bytes = int(config.get("capture.max_command_bytes") or DEFAULT_MAX_BYTES)
    if args.command is not None:
        raw = args.command.encode("utf-8", "surrogateescape")
        data, total = raw[: max_bytes + _REDACT_SLACK], len(raw)
    else:
        stream = stdin if stdin is not None else sys.stdin.buffer
        data, total = read_command(stream, max_bytes + _REDACT_SLACK)
    rec = build_record(data, total, args, config)
    if rec is not None:
        spool.append(config.home, [rec])
    return rec


def main(argv: list[str] | None = None) -> int:
    import signal

    for name in ("SIGHUP", "SIGINT", "SIGPIPE"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    if os.environ.get("RECALL_DISABLE") == "1":
        return 0
    try:
        args = parse_args(list(sys.argv[1:] if argv is None else argv))
        settings = Settings()
        record(args, settings=settings)
        if settings.problem:
            _log_error(_home.recall_home(), f"config: {settings.problem} (recorded with the default settings)")
    except Exception as exc:  # never a traceback on the user's terminal; log it instead
        _log_error(_home.recall_home(), f"{type(exc).__name__}: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

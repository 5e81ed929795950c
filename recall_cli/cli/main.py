"""The `recall` command. ``main`` turns RecallError into one line on stderr and an exit code."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    # whatever the user's umask, what recall creates (logs, pid file, index, exports) is
    # readable by the user only: the memory is private
    os.umask(0o077)
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("RECALL_DEBUG") == "1"
    if "--debug" in args:
        args.remove("--debug")
    from ..errors import RecallError

    try:
        if args and args[0] == "search":
            from .fast import try_search

            code = try_search(args[1:])
            if code is not None:
                return code
        if args[:1] == ["plugins"]:
            from ..plugins.manager import get_plugins

            # the listing names each failure itself: a warning on stderr as well said it twice
            get_plugins(quiet=True)
        from .app import build_app

        app = build_app()
        rv = app(args=args, prog_name="recall", standalone_mode=False)
        if isinstance(rv, int):  # typer.Exit(code) comes back as a return value here
            return rv
    except RecallError as exc:
        if debug:
            raise
        print(f"Error: {unsecret(exc.message)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except Exception as exc:
        from typer._click.exceptions import ClickException
        from typer.exceptions import Abort, Exit

        if isinstance(exc, Exit):
            return exc.exit_code
        if isinstance(exc, Abort):
            print("Aborted.", file=sys.stderr)
            return 1
        if isinstance(exc, ClickException):
            message = exc.format_message()
            if message:  # a bare `recall` has printed its help, and that says all
                # what click adds after the message is its own options' names ("(Possible
                # options: --tag)"): kept, so it is not read as the value of a flag before it
                said = exc.message if message.startswith(exc.message) else message
                print(f"Error: {unsecret(said)}{message[len(said):]}", file=sys.stderr)
            return exc.exit_code
        if debug:
            raise
        if isinstance(exc, OverflowError):  # "recall show 99999999999999999999999": SQLite holds 64 bits
            print(f"Error: a number given is too large (at most {2**63 - 1:,})", file=sys.stderr)
            return 2
        if isinstance(exc, OSError) and exc.filename and exc.strerror:
            # a file the user named that cannot be read or written: say which, and why
            print(f"Error: {unsecret(str(exc.filename))}: {exc.strerror}", file=sys.stderr)
            return 1
        print(f"Error: {type(exc).__name__}: {unsecret(str(exc))} (run with --debug for the traceback)",
              file=sys.stderr)
        return 1
    return 0


def unsecret(message: str) -> str:
    """An error message with the secrets it quotes redacted: an unknown option or a bad value is
    echoed as typed ("No such option: --password hunter2 ..."), and stderr ends up in
    terminal scrollback, logs and bug reports."""
    from ..capture.secrets import redact

    return redact(message).text


def run() -> None:
    sys.exit(main())

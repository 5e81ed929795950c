"""The daemon fast path for `recall search`: standard library only, no typer.

When `recall serve` answers, a search is a socket round trip, and importing typer (or even
the dataclasses the results are made of) would cost more than the search. So this parses
the options by hand, asks the daemon for the finished text (rendered at this terminal's
width) and prints it. Anything it does not accept (help, a typo, a new option, a config
that names another socket) falls through to the full CLI, which gives the usual output; a
test keeps the two option sets equal and another the two outputs. So does a daemon that
serves another home (two homes given one socket) or declines (its settings are not this
process's: a one-off RECALL_SEARCH_LIMIT=3), and the full CLI then searches in-process.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys

from .. import errors
from ..home import recall_home

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: the fast path does not import typing
    from typing import Any

SEARCH_OPTIONS = {
    "--limit": ("-n",), "--since": (), "--until": (), "--source": ("-s",), "--now": (),
    "--no-time-phrases": (), "--wide": ("-w",), "--json": (),
}
_FLAGS = ("--no-time-phrases", "--wide", "--json")
# every spelling of an option -> its request key ("-n" -> "limit")
_KEYS = {spelling: name[2:].replace("-", "_") for name, aliases in SEARCH_OPTIONS.items()
         for spelling in (name, *aliases)}
_FLAG_KEYS = {_KEYS[name] for name in _FLAGS}
MAX_REPLY = 64 * 1024 * 1024


def parse(args: list[str]) -> dict[str, Any] | None:
    """The search request these arguments ask for, or None when the full CLI should parse them."""
    request: dict[str, Any] = {"query": [], "source": []}
    items = iter(args)
    for arg in items:
        if not arg.startswith("-") or arg == "-":
            request["query"].append(arg)
            continue
        name, eq, value = arg.partition("=")
        key = _KEYS.get(name)
        if key in _FLAG_KEYS and not eq:
            request[key] = True
        elif key is not None and key not in _FLAG_KEYS and not (eq and not name.startswith("--")):
            # (a short option with "=", like "-n=5", is typer's to read: the condition above)
            if not eq:
                following = next(items, None)
                if following is None:
                    return None
                value = following
            if key == "source":
                request["source"].append(value)
            else:
                request[key] = value
        else:  # help, "--", a negative number, a typo: typer says what it makes of them
            return None
    if not request["query"]:
        return None
    if "limit" in request:
        try:
            request["limit"] = int(request["limit"])
        except ValueError:
            return None
    request["query"] = " ".join(request["query"])
    request["source"] = [v.strip() for item in request["source"] for v in item.split(",") if v.strip()] or None
    return request


def socket_path() -> str | None:
    """The daemon's socket when it can be known without reading the config (else None)."""
    if os.environ.get("RECALL_NO_DAEMON") == "1":
        return None
    configured = os.environ.get("RECALL_SERVE_SOCKET")
    if configured:
        return os.path.expanduser(configured)
    home = recall_home()
    try:
        with open(os.path.join(home, "config.toml"), "rb") as fh:
            if b"socket" in fh.read():
                return None  # serve.socket may be set: the full CLI reads the config properly
    except OSError:
        pass
    return os.path.join(home, "recall.sock")


CONNECT_TIMEOUT = 0.5  # the same deadlines as recall_cli.serve.protocol (not imported: stdlib only here)
PING_DEADLINE = 0.5
SEARCH_DEADLINE = 15.0


def _request(path: str, message: dict[str, Any], deadline: float) -> dict[str, Any] | None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CONNECT_TIMEOUT)
        sock.connect(path)
        sock.settimeout(deadline)
        sock.sendall((json.dumps(message) + "\n").encode())
        line = sock.makefile("rb").readline(MAX_REPLY)
    return json.loads(line) if line else None


def call(path: str, request: dict[str, Any]) -> dict[str, Any] | None:
    """One search through the daemon; None when nothing answers there in time, or what does
    serves another home. A daemon that is there but does not answer (stopped, wedged) is left
    alone for the rest of this process, and the user is told why the search runs here."""
    home = os.path.realpath(recall_home())  # as the daemon names the home it serves
    try:
        hello = _request(path, {"op": "ping"}, PING_DEADLINE) or {}
    except TimeoutError:  # it accepted the connection (or the kernel did) but never answered
        _unresponsive(None)
        return None
    except OSError:  # refused or gone: no daemon, nothing to say
        return None
    if not isinstance(hello, dict) or not isinstance(hello.get("result"), dict) or hello["result"].get("home") != home:
        return None  # another home's daemon on a shared socket: never searched through
    try:
        reply = _request(path, {"op": "search_text", "args": request, "home": home}, SEARCH_DEADLINE)
    except TimeoutError:
        _unresponsive(f"within {SEARCH_DEADLINE:g} s")
        return None
    except OSError:
        return None
    if reply is not None and not reply.get("ok") and (reply.get("error") or {}).get("type") == "OtherHome":
        return None  # (another home's daemon took the socket since the ping)
    return reply


def _unresponsive(how: str | None) -> None:
    os.environ["RECALL_NO_DAEMON"] = "1"  # the full CLI must not try it again
    sys.stderr.write(f"recall: the daemon did not answer{' ' + how if how else ''}; searching here instead "
                     "(`recall serve --status`)\n")


def try_search(args: list[str]) -> int | None:
    """Run `recall search` through the daemon; None means "use the full CLI"."""
    request = parse(args)
    if request is None:
        return None
    path = socket_path()
    if path is None or not os.path.exists(path):
        return None
    request["columns"] = shutil.get_terminal_size((120, 24)).columns
    request["tz"] = os.environ.get("TZ")
    # the daemon searches only with the settings this process has (config.toml and these)
    request["env"] = {name: value for name, value in os.environ.items() if name.startswith("RECALL_")}
    reply = call(path, request)
    if reply is None:
        return None
    if not reply.get("ok"):
        error = reply.get("error") or {}
        kind = getattr(errors, error.get("type", ""), None)
        message = error.get("message", "daemon error")
        if not (isinstance(kind, type) and issubclass(kind, errors.RecallError)):
            kind, message = errors.RecallError, f"daemon: {message}"
        from .main import unsecret

        sys.stderr.write(f"Error: {unsecret(message)}\n")
        return kind.exit_code
    result = reply.get("result") or {}
    if "text" not in result:  # the daemon renders in another time zone, or predates this op
        return None
    sys.stdout.write(result["text"] + "\n")
    return 0

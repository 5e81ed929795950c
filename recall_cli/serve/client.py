"""Talking to `recall serve`: the CLI uses the daemon when it answers, in-process otherwise."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from typing import Any

from ..config import Config, load_config
from ..errors import RecallError
from ..models import Event, Remembered, SearchResult
from .protocol import MAX_LINE, encode, error_from_dict, event_from_dict, memory_from_dict, search_result_from_dict


class DaemonClient:
    """A connection-per-request client for the daemon's socket."""

    def __init__(self, path: str, timeout: float = 600.0) -> None:
        self.path = path
        self.timeout = timeout

    def call(self, op: str, args: dict[str, Any] | None = None,
             on_token: Callable[[str], None] | None = None) -> Any:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(self.timeout)
            sock.connect(self.path)
            sock.sendall(encode({"op": op, "args": args or {}}))
            reader = sock.makefile("rb")
            while True:
                line = reader.readline(MAX_LINE)
                if not line:
                    raise RecallError("the daemon closed the connection (see RECALL_HOME/logs/daemon.log)")
                message = json.loads(line)
                if "token" in message:
                    if on_token:
                        on_token(message["token"])
                    continue
                if message.get("ok"):
                    return message.get("result")
                raise error_from_dict(message.get("error") or {})

    # the same calls as the service, for the CLI
    def search(self, query: str, **kwargs: Any) -> SearchResult:
        return search_result_from_dict(self.call("search", {"query": query, **kwargs}))

    def add(self, text: str, **kwargs: Any) -> Event:
        return event_from_dict(self.call("add", {"text": text, **kwargs}))

    def remember(self, text: str, **kwargs: Any) -> Remembered:
        data = self.call("remember", {"text": text, **kwargs})
        memory = memory_from_dict(data["memory"]) if data.get("memory") else None
        return Remembered(event_from_dict(data["event"]), memory, bool(data.get("already_known")))


def remote(config: Config | None = None) -> DaemonClient | None:
    """A client when a daemon answers on this RECALL_HOME's socket, else None."""
    if os.environ.get("RECALL_NO_DAEMON") == "1":
        return None
    config = config or load_config()
    path = config.socket_path
    if not path.exists():
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            sock.connect(str(path))
    except OSError:
        return None
    return DaemonClient(str(path))

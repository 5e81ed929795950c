"""Talking to `recall serve`: the CLI uses the daemon when it answers, in-process otherwise."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..config import Config, load_config
from ..errors import RecallError
from ..models import Event, Remembered, SearchResult
from .protocol import (
    CONNECT_TIMEOUT,
    DEADLINES,
    DEFAULT_DEADLINE,
    MAX_LINE,
    answer_from_dict,
    encode,
    error_from_dict,
    event_from_dict,
    home_id,
    memory_from_dict,
    search_result_from_dict,
    settings_id,
)

if TYPE_CHECKING:
    from ..llm.ask import Answer


class DaemonTimeout(OSError):
    """The daemon took longer than the operation's deadline (stopped, wedged or swamped)."""


class DaemonElsewhere(ConnectionError):
    """The daemon on the socket serves another home (two homes given one serve.socket)."""


class DaemonClient:
    """A connection-per-request client for the daemon's socket. Connecting may take
    CONNECT_TIMEOUT, and each operation has a reply deadline; past either it raises an
    OSError (DaemonTimeout for a late reply), on which callers work in-process instead.
    A client given its ``home`` names it in each request, and a daemon serving another home
    refuses (DaemonElsewhere, an OSError too); given its ``settings`` (``settings_id``), its
    probe takes a daemon that started with others for none."""

    def __init__(self, path: str, deadlines: dict[str, float] | None = None, *, home: str | None = None,
                 settings: str | None = None) -> None:
        self.path = path
        self.deadlines = {**DEADLINES, **(deadlines or {})}
        self.home = home
        self.settings = settings

    def call(self, op: str, args: dict[str, Any] | None = None,
             on_token: Callable[[str], None] | None = None) -> Any:
        deadline = self.deadlines.get(op, DEFAULT_DEADLINE)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(CONNECT_TIMEOUT)
            sock.connect(self.path)
            sock.settimeout(deadline)  # between tokens, for streaming operations
            reader = sock.makefile("rb")
            try:
                request: dict[str, Any] = {"op": op, "args": args or {}}
                if self.home is not None:
                    request["home"] = self.home
                sock.sendall(encode(request))
                return self._reply(reader, on_token)
            except TimeoutError:
                raise DaemonTimeout(f"the daemon did not answer '{op}' within {deadline:g} s") from None

    @staticmethod
    def _reply(reader: Any, on_token: Callable[[str], None] | None) -> Any:
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
            error = message.get("error") or {}
            if error.get("type") == "OtherHome":
                raise DaemonElsewhere(error.get("message", "the daemon serves another home"))
            raise error_from_dict(error)

    def probe(self) -> str:
        """'ok' when the daemon answers a ping in time, 'unresponsive' when something accepts
        the connection but does not answer (a stopped or wedged daemon), 'elsewhere' when it
        serves another home than this client's, 'unlike' when its settings differ from the
        client's (a one-off RECALL_SEARCH_LIMIT=3), else 'absent'."""
        try:
            info = self.call("ping")
        except DaemonTimeout:
            return "unresponsive"
        except (OSError, RecallError, ValueError):
            return "absent"
        if not isinstance(info, dict) or not info:
            return "absent"
        if self.home is not None and info.get("home") != self.home:
            return "elsewhere"
        if self.settings is not None and info.get("settings") != self.settings:
            return "unlike"
        return "ok"

    # the same calls as the service, for the CLI
    def search(self, query: str, **kwargs: Any) -> SearchResult:
        return search_result_from_dict(self.call("search", {"query": query, **kwargs}))

    def add(self, text: str, **kwargs: Any) -> Event:
        return event_from_dict(self.call("add", {"text": text, **kwargs}))

    def ask(self, question: str, *, on_token: Callable[[str], None] | None = None,
            history: Sequence[tuple[str, str]] = (), **kwargs: Any) -> Answer:
        """``Recall.ask`` on the daemon's warm model and prompt prefix; the answer's text
        reaches ``on_token`` as the daemon sends it."""
        args = {"question": question, "history": [list(turn) for turn in history], **kwargs}
        return answer_from_dict(self.call("ask", args, on_token=on_token))

    def remember(self, text: str, **kwargs: Any) -> Remembered:
        data = self.call("remember", {"text": text, **kwargs})
        memory = memory_from_dict(data["memory"]) if data.get("memory") else None
        return Remembered(event_from_dict(data["event"]), memory, bool(data.get("already_known")))


def remote(config: Config | None = None, on_unresponsive: Callable[[str], None] | None = None, *,
           same_settings: bool = True) -> DaemonClient | None:
    """A client when a daemon of this RECALL_HOME, with the settings ``config`` has, answers
    on its socket, else None (after at most the ping deadline; ``on_unresponsive`` hears why
    when a daemon is there but silent). The daemon of another home that shares the socket, or
    one whose settings differ (unless ``same_settings`` is false: asking after its state), is
    left alone: the caller works in-process, with its own home and settings, as with no daemon."""
    if os.environ.get("RECALL_NO_DAEMON") == "1":
        return None
    config = config or load_config()
    path = config.socket_path
    if not path.exists():
        return None
    client = DaemonClient(str(path), home=home_id(config.home), settings=settings_id(config) if same_settings else None)
    # a real round trip: a stopped (SIGSTOP) or wedged daemon still accepts connections
    state = client.probe()
    if state == "unresponsive" and on_unresponsive is not None:
        on_unresponsive(f"the daemon did not answer within {client.deadlines['ping']:g} s")
    return client if state == "ok" else None


def daemon_problems(config: Config) -> dict[str, str]:
    """What a running daemon says it cannot do (a watched folder missing, no screen to
    record): {part: why}; {} when none runs or all is well."""
    client = remote(config, same_settings=False)
    if client is None:
        return {}
    try:
        return dict(client.call("status").get("problems") or {})
    except Exception:  # noqa: BLE001 - a daemon that stops answering has no news to give
        return {}


def screen_recorded(config: Config) -> bool | str:
    """True when a running daemon records screen focus, else why not."""
    client = remote(config, same_settings=False)
    if client is None:
        return "no daemon runs (start it with `recall serve --detach`)"
    state = client.call("status")
    if state.get("screen"):
        return True
    why = (state.get("problems") or {}).get("screen")
    return f"the daemon's screen watcher is not running ({why})" if why else \
        "the daemon started before screen.enabled was set (restart it: `recall serve --stop`, then --detach)"

"""A real daemon serving in a thread, for the tests of the faces that talk to it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from recall_cli.config import Config
from recall_cli.serve import daemon as d
from recall_cli.serve.client import DaemonClient
from recall_cli.service import Recall

ROOT = Path(__file__).resolve().parents[1]
# `recall serve` as a real process (with the fake embedder, so it starts at once): a script to
# run with ``python -c SERVE.format(root=ROOT)``
SERVE = """
import sys
sys.path.insert(0, {root!r})
from recall_cli.config import load_config
from recall_cli.serve import daemon
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder

config = load_config()
daemon.run(config, lambda: Recall(config, embedder=FakeEmbedder()))
"""


@dataclass
class Serving:
    """The daemon, a client on its socket, and the ops it has handled so far, in order."""

    server: d.Daemon
    client: DaemonClient
    ops: list[str] = field(default_factory=list)


@contextmanager
def serving(config: Config, factory: Callable[[], Recall]) -> Iterator[Serving]:
    """Serve ``config``'s home with services from ``factory`` until the block ends."""
    config.home.mkdir(parents=True, exist_ok=True)
    server = d.Daemon(config, factory)
    handle = server.handle
    ops: list[str] = []

    def spy(request, send):  # type: ignore[no-untyped-def]
        ops.append(request.get("op"))
        return handle(request, send)

    server.handle = spy  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    path = d.socket_path(config)
    ready = threading.Event()
    for _ in range(200):
        if d.ping(path):
            break
        ready.wait(0.02)
    try:
        yield Serving(server, DaemonClient(str(path)), ops)
    finally:
        server.shutdown()
        thread.join(10)
        path.unlink(missing_ok=True)

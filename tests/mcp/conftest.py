"""Fixtures for the MCP server: an in-process server on the test's RECALL_HOME with the fake embedder."""

from __future__ import annotations

from typing import Any

import pytest

from recall_cli.config import load_config
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_server(recall_home):
    """build_server(...) over this test's home with a FakeEmbedder (and ``llm``, a stand-in for
    the local model); closed after the test."""
    from recall_cli.mcp.server import build_server

    built = []

    def make(llm: Any = None, **kwargs: Any):
        config = load_config(recall_home)
        server = build_server(lambda: Recall(config, embedder=FakeEmbedder(), llm=llm), **kwargs)
        built.append(server)
        return server

    yield make
    for server in built:
        server.backend.close()


@pytest.fixture
def store(recall_home):
    """A separate service on the same home, to check what the server wrote."""
    svc = Recall(load_config(recall_home), embedder=FakeEmbedder())
    yield svc
    svc.close()

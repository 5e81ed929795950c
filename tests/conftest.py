"""Every test gets its own RECALL_HOME in a temp dir."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from recall_cli.cli import common
from recall_cli.config import load_config
from recall_cli.plugins.manager import reset_plugins
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# a test that imports onnxruntime itself (the quantiser's) must not turn its telemetry on either
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
# Exact-output tests print local times: pin the zone.
os.environ["TZ"] = "UTC"
time.tzset()


@pytest.fixture(autouse=True)
def recall_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "recall-home"
    monkeypatch.setenv("RECALL_HOME", str(home))
    for key in list(os.environ):
        if key.startswith("RECALL_") and key != "RECALL_HOME":
            monkeypatch.delenv(key, raising=False)
    reset_plugins()
    yield home
    common.set_service_factory(None)
    reset_plugins()


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def svc(recall_home: Path, embedder: FakeEmbedder) -> Recall:
    service = Recall(load_config(recall_home), embedder=embedder)
    yield service
    service.close()


@pytest.fixture
def cli(recall_home: Path, embedder: FakeEmbedder):
    """Run the CLI in-process with the fake embedder; returns (exit_code, stdout, stderr)."""
    common.set_service_factory(lambda: Recall(load_config(recall_home), embedder=embedder))
    return run_cli


def run_cli(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    """Call recall_cli.cli.main with captured stdio (stdin is never a terminal)."""
    import contextlib
    import io
    import sys

    from recall_cli.cli.main import main

    data = input.encode("utf-8") if isinstance(input, str) else (input or b"")
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        sys.stdin = old_stdin
        common.close_service()
    return code, out.getvalue(), err.getvalue()

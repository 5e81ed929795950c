"""Every test gets its own RECALL_HOME in a temp dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recall_cli.cli import common
from recall_cli.config import load_config
from recall_cli.plugins.manager import reset_plugins
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TZ", "UTC")


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
    from recall_cli.cli import main

    common.set_service_factory(lambda: Recall(load_config(recall_home), embedder=embedder))

    def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
        runner = CliRunner()
        result = runner.invoke(_Main(), list(args), input=input)
        common.close_service()
        return result.exit_code, result.stdout, result.stderr

    class _Main:
        """Adapter so CliRunner can drive recall_cli.cli.main (which maps errors to exit codes)."""

        name = "recall"

        def main(self, args, prog_name=None, **kwargs):
            raise SystemExit(main(list(args)))

    return run

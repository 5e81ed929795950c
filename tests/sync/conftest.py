"""The shared sync folder and the devices that sync through it, for every sync test."""

from pathlib import Path

import pytest

from tests.sync.test_sync import Device


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "Sync"
    shared.mkdir()
    return shared


@pytest.fixture
def a(tmp_path: Path) -> Device:
    return Device(tmp_path / "a")


@pytest.fixture
def b(tmp_path: Path) -> Device:
    return Device(tmp_path / "b")


@pytest.fixture
def c(tmp_path: Path) -> Device:
    return Device(tmp_path / "c")

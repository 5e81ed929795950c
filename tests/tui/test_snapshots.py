"""Snapshots of the main screens at 100x30 (update with `pytest tests/tui --snapshot-update`)."""

from __future__ import annotations

import pytest

from tests.tui.helpers import press, settle, type_text

pytest.importorskip("pytest_textual_snapshot")

SIZE = (100, 30)


def test_timeline(snap_compare, app):
    async def before(pilot):
        await settle(pilot)
        await press(pilot, "down", "down", "down", "right", "down")  # into the shell episode

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_memories_with_provenance_and_history(snap_compare, app):
    async def before(pilot):
        await settle(pilot)
        await press(pilot, "3")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_search_results(snap_compare, app):
    async def before(pilot):
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "deploy the blog")
        await press(pilot, "down")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_help(snap_compare, app):
    async def before(pilot):
        await settle(pilot)
        await press(pilot, "question_mark")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_terminal_too_small(snap_compare, app):
    async def before(pilot):
        await settle(pilot)

    assert snap_compare(app, terminal_size=(70, 20), run_before=before)

"""Driving the app with Pilot: no sleeps, only waiting for workers and the message queue."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
from textual.widgets import Static


async def settle(pilot: Pilot) -> None:
    """Wait until no worker runs and every message they caused is handled."""
    app = pilot.app
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if len(app.workers) == 0:
            await pilot.pause()
            if len(app.workers) == 0:
                return
    raise AssertionError("the app never settled")


async def press(pilot: Pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*["space" if c == " " else c for c in text])
    await settle(pilot)


def run(app, scenario: Callable[[Pilot], Awaitable[None]], size: tuple[int, int] = (100, 30)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(pilot)
            await settle(pilot)
        assert not app.internal_errors, app.internal_errors[0]

    asyncio.run(main())


def text_of(widget: Static) -> str:
    return str(widget.content)


def detail_text(app) -> str:
    screen = app.screen
    return "\n".join(text_of(screen.query_one(f"#{i}", Static))
                     for i in ("detail-body", "detail-links-title", "detail-history"))


def tree_lines(app) -> list[str]:
    """The visible timeline rows, as plain text with depth indentation."""
    tree = app.screen.query_one("#timeline-tree")
    lines = []

    def walk(node, depth):
        for child in node.children:
            lines.append("  " * depth + child.label.plain)
            if child.is_expanded:
                walk(child, depth + 1)

    walk(tree.root, 0)
    return lines

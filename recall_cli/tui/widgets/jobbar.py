"""The long-job bar: what runs in the background, with its progress; hidden when idle."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class JobBar(Horizontal):
    DEFAULT_CSS = """
    JobBar {
        height: 1;
        display: none;
        background: $boost;
        padding: 0 1;
        &.-running { display: block; }
        #job-label { width: auto; margin-right: 2; text-style: bold; }
        ProgressBar { width: 1fr; }
        &.-indeterminate #percentage { display: none; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="job-label")
        yield ProgressBar(total=None, show_eta=False, id="job-progress")

    def start(self, label: str, total: int | None = None) -> None:
        """Show the bar for a job; ``total`` None: its end is unknown."""
        self.query_one("#job-label", Label).update(label)
        bar = self.query_one("#job-progress", ProgressBar)
        bar.update(total=total, progress=0)
        self.set_class(total is None, "-indeterminate")  # no "--%" while the end is unknown
        self.add_class("-running")

    def advance(self, done: int, total: int) -> None:
        """Show ``done`` of ``total``."""
        self.remove_class("-indeterminate")
        self.query_one("#job-progress", ProgressBar).update(total=total, progress=done)

    def stop(self) -> None:
        """Hide the bar."""
        self.remove_class("-running")

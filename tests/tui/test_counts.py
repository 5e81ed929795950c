"""The top bar and the day pane count episodes the same way: episodes that hold events, with
events not grouped into an episode yet counted apart, never as episodes of their own."""

from __future__ import annotations

from recall_cli.memory.episode import assign_episodes
from recall_cli.tui.app import build_app
from recall_cli.tui.widgets.detail import load
from tests.tui.conftest import NOW, at
from tests.tui.helpers import detail_text, press, run, text_of

DAYS = ("2026-11-22", "2026-11-21", "2026-11-20")


def test_the_day_pane_and_the_top_bar_agree_on_episodes_and_ungrouped_events(svc, ids, answerer):
    for minute in range(3):  # new notes, not grouped into episodes until the next consolidation
        svc.add(f"Idea number {minute}", ts=at(22, 13, minute))
    app = build_app(svc, answerer=answerer, now=NOW, use_daemon=False)

    async def scenario(pilot):
        top = text_of(app.screen.query_one("#topbar"))
        assert top == "recall  13 events · 4 memories · 7 episodes (7 to consolidate, 3 events not in an episode yet)"
        assert app.screen.detail.ref == "day:2026-11-22"
        assert "9 events: 6 in 3 episodes, 3 not in an episode yet" in detail_text(app)
        days = [load(app.backend, f"day:{day}", False, NOW) for day in DAYS]
        assert sum(d["episodes"] for d in days) == 7 and sum(d["ungrouped"] for d in days) == 3
        assert sum(d["events"] for d in days) == 13

        assign_episodes(svc.store)  # every note is an episode of its own once grouped
        await press(pilot, "r")
        assert text_of(app.screen.query_one("#topbar")).startswith("recall  13 events · 4 memories · 10 episodes")
        assert "9 events in 6 episodes" in detail_text(app)

    run(app, scenario)


def test_an_episode_whose_events_were_all_forgotten_is_not_counted(svc, ids):
    svc.forget(svc.plan_forget([str(ids["birthday"])]))
    counts = svc.timeline_counts()
    assert (counts["events"], counts["episodes"], counts["ungrouped"]) == (9, 6, 0)


def test_commands_the_shell_hook_recorded_show_when_the_tui_opens_without_the_daemon(svc, ids, answerer,
                                                                                     recall_home):
    import os
    import subprocess
    import sys

    env = {"RECALL_HOME": str(recall_home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for command in ("make build", "git push"):  # the hook's detached recorder, as a real shell runs it
        subprocess.run([sys.executable, "-m", "recall_cli.capture.record", "--shell", "bash", "--status", "0",
                        "--cwd", "/home/ada/site", "--session", "s1", "--duration-ms", "5"], input=command.encode(),
                       env=env, check=True)
    app = build_app(svc, answerer=answerer, now=NOW, use_daemon=False)

    async def scenario(pilot):
        await press(pilot)
        assert text_of(app.screen.query_one("#topbar")).startswith("recall  12 events")

    run(app, scenario)

"""Browsing: the timeline by day, its filters, tabs, the detail pane and its links."""

from __future__ import annotations

from textual.widgets import Input, Select

from recall_cli.tui.screens.main import MainScreen
from recall_cli.tui.widgets import timeline as timeline_module
from tests.tui.helpers import detail_text, press, run, tree_lines, type_text


def test_timeline_shows_days_newest_first_with_the_latest_open(app, ids):
    async def scenario(pilot):
        lines = tree_lines(app)
        assert lines[0].startswith("Sun 22 Nov 2026 · today  6 events")
        assert "shell 3" in lines[0]
        # the latest day is open: its episodes, newest first; a lone note is an event row
        assert "chat   chat c1  2 events · pending" in lines[1]
        assert "Dentist appointment moved to Thursday 3pm" in lines[2]
        assert "shell  shell in ~/src/blog  3 events · pending" in lines[3]
        assert lines[4].startswith("Sat 21 Nov 2026 · yesterday  2 events")
        assert lines[5].startswith("Fri 20 Nov 2026  2 events")
        assert isinstance(app.screen, MainScreen)
        assert app.focused.id == "timeline-tree"
        assert "Sunday 22 November 2026" in detail_text(app)

    run(app, scenario)


def test_keys_move_open_and_close_and_the_detail_follows(app, ids):
    async def scenario(pilot):
        await press(pilot, "down", "down", "down")  # chat episode, dentist note, shell episode
        assert app.screen.detail.ref.startswith("ep:")
        text = detail_text(app)
        assert "shell in ~/src/blog" in text and "3 events · pending" in text
        assert "press c to distil it" in text
        await press(pilot, "right")  # open the episode
        lines = tree_lines(app)
        assert any("git pull --rebase" in line and "exit" not in line for line in lines)
        assert any("hugo --minify" in line and line.endswith("✗ exit 1") for line in lines)  # it failed
        await press(pilot, "down")  # first event of the episode
        assert app.screen.detail.ref == str(ids["pull"])
        text = detail_text(app)
        assert "Event 1" in text and "git pull --rebase" in text
        assert "in ~/src/blog" in text and "exit 0" in text and "2026-11-22 09:00:00" in text
        await press(pilot, "left")  # back up to the episode
        assert app.screen.detail.ref.startswith("ep:")
        await press(pilot, "left")  # close it
        assert not any("git pull --rebase" in line for line in tree_lines(app))

    run(app, scenario)


def test_filter_by_source(app, ids):
    async def scenario(pilot):
        app.screen.query_one("#source", Select).value = "shell"
        await pilot.pause()
        from tests.tui.helpers import settle

        await settle(pilot)
        lines = tree_lines(app)
        assert len([line for line in lines if "events" in line and "Nov 2026" in line]) == 1
        assert lines[0].startswith("Sun 22 Nov 2026 · today  3 events  shell 3")
        assert not any("Dentist" in line for line in lines)

    run(app, scenario)


def test_filter_by_kind_and_date_range(app, ids):
    async def scenario(pilot):
        from tests.tui.helpers import settle

        app.screen.query_one("#kind", Select).value = "note"
        await settle(pilot)
        lines = [line for line in tree_lines(app) if "Nov 2026" in line]
        assert [line.split("  ")[0] for line in lines] == [
            "Sun 22 Nov 2026 · today", "Sat 21 Nov 2026 · yesterday", "Fri 20 Nov 2026"]
        app.screen.query_one("#kind", Select).clear()
        app.screen.query_one("#dates", Input).focus()
        await type_text(pilot, "2026-11-20..2026-11-21")
        await press(pilot, "enter")
        lines = [line for line in tree_lines(app) if "Nov 2026" in line]
        assert [line.split("  ")[0] for line in lines] == ["Sat 21 Nov 2026 · yesterday", "Fri 20 Nov 2026"]

    run(app, scenario)


def test_date_phrase_and_a_bad_range(app, ids):
    async def scenario(pilot):
        dates = app.screen.query_one("#dates", Input)
        await press(pilot, "2")  # from another tab, "d" goes to the timeline's date filter
        await press(pilot, "escape")
        await press(pilot, "d")
        assert app.focused is dates
        await type_text(pilot, "yesterday")
        await press(pilot, "enter")
        lines = tree_lines(app)
        assert lines[0].startswith("Sat 21 Nov 2026")
        assert len([line for line in lines if "Nov 2026" in line]) == 1
        dates.value = "2026-11-22..2026-11-01"
        await press(pilot, "enter")
        assert dates.has_class("-invalid")
        assert app.messages[-1] == ("warning", "Dates: the range starts after it ends")
        assert tree_lines(app)[0].startswith("Sat 21 Nov 2026")  # the last good filter stays
        dates.value = ""
        await press(pilot, "enter")
        assert tree_lines(app)[0].startswith("Sun 22 Nov 2026")

    run(app, scenario)


def test_no_match_says_so(app, ids):
    async def scenario(pilot):
        app.screen.query_one("#dates", Input).focus()
        await type_text(pilot, "2020-01")
        await press(pilot, "enter")
        view = app.screen.query_one("#timeline-view")
        assert view.has_class("-empty")
        assert "Nothing matches these filters." in str(app.screen.query_one("#timeline-empty").content)

    run(app, scenario)


def test_older_days_load_on_demand(app, ids, monkeypatch):
    monkeypatch.setattr(timeline_module, "DAYS_PER_PAGE", 2)

    async def scenario(pilot):
        lines = [line for line in tree_lines(app) if not line.startswith("  ")]
        assert len(lines) == 3 and lines[-1] == "… older days (Enter)"
        tree = app.screen.query_one("#timeline-tree")
        tree.move_cursor(tree.root.children[-1])
        await press(pilot, "enter")
        lines = [line for line in tree_lines(app) if not line.startswith("  ")]
        assert lines[-1].startswith("Fri 20 Nov 2026")

    run(app, scenario)


def test_tabs_by_number_and_the_detail_follows_the_visible_view(app, ids):
    async def scenario(pilot):
        assert app.screen.detail.ref == "day:2026-11-22"
        await press(pilot, "3")
        assert app.focused.id == "memory-table"
        assert app.screen.detail.ref == f"m{ids['m_deploy']}"
        await press(pilot, "2")
        assert app.focused.id == "search-input"
        await press(pilot, "escape")
        await press(pilot, "4")
        assert app.focused.id == "ask-input"
        await press(pilot, "escape", "1")  # escape leaves the input: digits switch tabs again
        assert app.focused.id == "timeline-tree"
        assert app.screen.detail.ref == "day:2026-11-22"

    run(app, scenario)


def test_provenance_links_open_and_backspace_returns(app, ids, svc):
    async def scenario(pilot):
        await press(pilot, "3")
        assert app.screen.detail.ref == f"m{ids['m_deploy']}"
        text = detail_text(app)
        assert "procedural" in text and "To deploy the blog" in text
        assert "Provenance: the 2 events it came from" in text
        assert "History" in text and "add" in text
        links = app.screen.query_one("#detail-links")
        links.focus()
        links.highlighted = 1
        await press(pilot, "enter")
        assert app.screen.detail.ref == str(ids["deploy"])
        assert "make deploy" in detail_text(app)
        assert f"m{ids['m_deploy']}" in detail_text(app) or links.option_count >= 1
        await press(pilot, "backspace")
        assert app.screen.detail.ref == f"m{ids['m_deploy']}"
        await press(pilot, "backspace")
        assert app.messages[-1] == ("information", "Nothing to go back to.")

    run(app, scenario)


def test_browsing_does_not_reinforce_but_opening_does(app, ids, svc):
    async def scenario(pilot):
        await press(pilot, "3", "down", "up")
        actions = [r["action"] for r in svc.store.memory_history(ids["m_deploy"])]
        assert actions == ["add"]
        await press(pilot, "enter")
        history = svc.store.memory_history(ids["m_deploy"])
        assert [r["action"] for r in history] == ["add", "reinforce"]
        assert '"opened"' in history[-1]["detail"]

    run(app, scenario)


def test_event_detail_links_to_its_memories_and_episode(app, ids):
    async def scenario(pilot):
        tree = app.screen.query_one("#timeline-tree")
        day = tree.root.children[1]  # yesterday
        tree.move_cursor(day)
        await press(pilot, "right", "down")
        # the two notes of the 21st: birthday (18:00) first, newest first
        assert app.screen.detail.ref == str(ids["birthday"])
        text = detail_text(app)
        assert "Maria's birthday is on March 3rd" in text
        assert "Memories from it, its episode (Enter opens)" in text
        links = app.screen.query_one("#detail-links")
        ids_in_links = [links.get_option_at_index(i).id for i in range(links.option_count)]
        assert f"m{ids['m_birthday']}" in ids_in_links and any(i.startswith("ep:") for i in ids_in_links)

    run(app, scenario)


def test_works_at_80x24(app, ids):
    async def scenario(pilot):
        assert isinstance(app.screen, MainScreen)
        detail = app.screen.query_one("#detail")
        tree = app.screen.query_one("#timeline-tree")
        assert detail.size.width >= 28 and tree.size.width >= 40 and tree.size.height >= 15
        await press(pilot, "3")
        assert app.screen.query_one("#memory-table").size.height >= 10

    run(app, scenario, size=(80, 24))


def footer_keys(app) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [key.description for key in app.screen.query(FooterKey)]


def test_the_footer_does_not_offer_slash_while_a_text_box_takes_it(app, ids):
    async def scenario(pilot):
        assert "Search" in footer_keys(app)
        await press(pilot, "a")  # the ask box: "/" is typed there
        assert app.focused.id == "ask-input" and "Search" not in footer_keys(app)
        await type_text(pilot, "a/b")
        assert app.focused.value == "a/b"
        await press(pilot, "escape")
        assert not isinstance(app.focused, Input) and "Search" in footer_keys(app)

    run(app, scenario)

"""Live search: results as you type, dates and snippets, time phrases, failures."""

from __future__ import annotations

from textual.widgets import OptionList

from tests.tui.helpers import detail_text, press, run, text_of, type_text


def status(app) -> str:
    return text_of(app.screen.query_one("#search-status"))


def results(app) -> list[str]:
    options = app.screen.query_one("#search-results", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


def prompts(app) -> list[str]:
    options = app.screen.query_one("#search-results", OptionList)
    return [options.get_option_at_index(i).prompt.plain for i in range(options.option_count)]


def test_results_appear_as_you_type_with_dates_and_snippets(app, ids):
    async def scenario(pilot):
        await press(pilot, "slash")
        assert app.focused.id == "search-input"
        await type_text(pilot, "birthday")
        found = results(app)
        assert str(ids["birthday"]) in found and f"m{ids['m_birthday']}" in found
        event_row = prompts(app)[found.index(str(ids["birthday"]))]
        assert "2026-11-21 18:00" in event_row and "note" in event_row
        assert "Maria's birthday is on March 3rd" in event_row
        memory_row = prompts(app)[found.index(f"m{ids['m_birthday']}")]
        assert "memory·semantic" in memory_row
        assert status(app).startswith(f"{len(found)} results")
        # down goes to the results; the detail pane follows
        await press(pilot, "down")
        assert app.focused.id == "search-results"
        assert app.screen.detail.ref == found[0]
        await press(pilot, "down")
        assert app.screen.detail.ref == found[1]

    run(app, scenario)


def test_typing_more_narrows_and_only_the_last_query_shows(app, ids):
    async def scenario(pilot):
        await press(pilot, "slash")
        await pilot.press(*"deploy")  # every keystroke searches; stale results are dropped
        await press(pilot)
        view = app.screen.query_one("#search-view")
        assert view.result is not None and view.result.query == "deploy"
        assert str(ids["deploy"]) in results(app)[:3]

    run(app, scenario)


def test_a_time_phrase_is_shown_and_hides_nothing(app, ids):
    async def scenario(pilot):
        await press(pilot, "slash")
        await type_text(pilot, "notes yesterday")
        assert "yesterday: 2026-11-21 00:00 .. 2026-11-21 23:59 first" in status(app)
        found = results(app)
        assert {str(ids["birthday"]), str(ids["todo"])} <= set(found)
        assert str(ids["tabs"]) in found  # another day's note still shows: the phrase ranks, it does not hide

    run(app, scenario)


def test_a_query_nothing_matches_well_says_so_above_the_closest(app, ids):
    async def scenario(pilot):
        await press(pilot, "slash")
        await type_text(pilot, "volcano")
        assert results(app) and status(app).startswith("Nothing matches 'volcano' well; the closest")

    run(app, scenario)


def test_enter_on_a_result_opens_it(app, ids, svc):
    async def scenario(pilot):
        await press(pilot, "slash")
        await type_text(pilot, "deploy blog")
        found = results(app)
        assert f"m{ids['m_deploy']}" in found
        options = app.screen.query_one("#search-results", OptionList)
        options.focus()
        options.highlighted = found.index(f"m{ids['m_deploy']}")
        await press(pilot, "enter")
        assert app.screen.detail.ref == f"m{ids['m_deploy']}"
        assert "To deploy the blog" in detail_text(app)
        assert [r["action"] for r in svc.store.memory_history(ids["m_deploy"])][-1] == "reinforce"

    run(app, scenario)


def test_a_failing_search_is_a_message_and_the_app_goes_on(app, ids, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("index file is corrupt")

    async def scenario(pilot):
        monkeypatch.setattr(app.backend.svc, "search", broken)
        await press(pilot, "slash")
        await type_text(pilot, "birthday")
        assert status(app) == "Search failed: RuntimeError: index file is corrupt"
        monkeypatch.undo()
        await pilot.press("backspace")
        await type_text(pilot, "y")
        assert str(ids["birthday"]) in results(app)

    run(app, scenario)


def test_each_result_shows_its_score_and_far_weaker_ones_are_said_and_dimmed(app, ids):
    async def scenario(pilot):
        await press(pilot, "slash")
        await type_text(pilot, "oat milk")
        view = app.screen.query_one("#search-view")
        hits = view.result.hits
        rows = prompts(app)
        assert len(rows) == len(hits) > 1
        for hit, row in zip(hits, rows, strict=True):
            assert row.split("\n")[0].endswith(f"  {hit.score:.2f}")  # as `recall search` shows it
        best = max(h.score for h in hits)
        weaker = [h for h in hits if h.score < best / 2]
        assert weaker, "the chat about nginx comes under the shopping note"
        assert f"{len(weaker)} far weaker (dimmed)" in status(app)
        options = app.screen.query_one("#search-results", OptionList)
        weak_row = options.get_option_at_index(hits.index(weaker[0])).prompt
        assert "dim" in str(weak_row.body.spans[0].style)

    run(app, scenario)

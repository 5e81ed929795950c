"""Actions on the item in the detail pane: pin, edit, forget, consolidate, add, through the service."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from recall_cli.errors import ModelError
from recall_cli.tui.app import build_app
from recall_cli.tui.screens.confirm import ConfirmScreen
from recall_cli.tui.screens.edit import EditScreen
from recall_cli.tui.screens.main import MainScreen
from tests.tui.conftest import NOW
from tests.tui.helpers import detail_text, press, run, settle, tree_lines, type_text


async def open_memory(pilot, ref: str) -> None:
    await press(pilot, "3")
    table = pilot.app.screen.query_one("#memory-table")
    keys = [row.value for row in table.rows]
    table.move_cursor(row=keys.index(ref))
    await settle(pilot)
    assert pilot.app.screen.detail.ref == ref


def episode_of(svc, event_id: int) -> int:
    return svc.store.get_event(event_id).episode_id


def test_pin_and_unpin(app, ids, svc):
    ref = f"m{ids['m_birthday']}"

    async def scenario(pilot):
        await open_memory(pilot, ref)
        await press(pilot, "p")
        assert svc.store.get_memory(ids["m_birthday"]).pinned
        assert app.messages[-1] == ("information", f"Pinned {ref}.")
        assert "⚑ pinned" in detail_text(app)
        # pinned memories sort first and show the mark
        table = app.screen.query_one("#memory-table")
        first = [row.value for row in table.rows][0]
        assert first == ref
        await press(pilot, "p")
        assert not svc.store.get_memory(ids["m_birthday"]).pinned
        assert app.messages[-1] == ("information", f"Unpinned {ref}.")
        assert [r["action"] for r in svc.store.memory_history(ids["m_birthday"])] == ["add", "pin", "unpin"]

    run(app, scenario)


def test_pin_needs_a_memory(app, ids):
    async def scenario(pilot):
        await press(pilot, "p")  # the timeline's day is selected
        severity, message = app.messages[-1]
        assert severity == "warning" and message.startswith("Select a memory to pin")

    run(app, scenario)


def test_a_memory_forgotten_outside_the_tui_is_said_to_be_gone_and_the_list_refreshed(app, ids, svc):
    ref = f"m{ids['m_birthday']}"

    async def scenario(pilot):
        await open_memory(pilot, ref)
        table = pilot.app.screen.query_one("#memory-table")
        keys = [row.value for row in table.rows]
        svc.forget(svc.plan_forget([ref]))  # `recall forget` in another terminal
        table.move_cursor(row=(keys.index(ref) + 1) % len(keys))
        await settle(pilot)
        table.move_cursor(row=keys.index(ref))  # back onto the row the list still shows
        await settle(pilot)
        assert app.messages[-1] == ("warning", f"{ref} is no longer there (changed outside the TUI); the lists "
                                               "are refreshed.")
        assert ref not in [row.value for row in table.rows]

    run(app, scenario)


@pytest.mark.parametrize("key", ["p", "e", "f"])
def test_pin_edit_or_forget_on_a_memory_forgotten_outside_the_tui_says_it_is_gone_and_clears_it(app, ids, svc, key):
    ref = f"m{ids['m_birthday']}"

    async def scenario(pilot):
        await open_memory(pilot, ref)
        svc.forget(svc.plan_forget([ref]))  # `recall forget` in another terminal, the pane still showing it
        await press(pilot, key)
        assert app.messages[-1] == ("warning", f"{ref} is no longer there (changed outside the TUI); the lists "
                                               "are refreshed.")
        assert not any(severity == "error" for severity, _ in app.messages)
        assert not isinstance(app.screen, EditScreen | ConfirmScreen)  # no dialog for what is gone
        assert ref not in [row.value for row in app.screen.query_one("#memory-table").rows]
        assert app.screen.detail.ref != ref and "Maria's birthday is March 3" not in detail_text(app)
        assert "3 memories" in str(app.screen.query_one("#topbar").content)

    run(app, scenario)


def test_an_edit_saved_after_the_memory_was_forgotten_outside_the_tui_says_the_text_was_not_saved(app, ids, svc):
    ref = f"m{ids['m_birthday']}"

    async def scenario(pilot):
        await open_memory(pilot, ref)
        await press(pilot, "e")
        svc.forget(svc.plan_forget([ref]))  # while the user types
        await type_text(pilot, " or the 4th")
        await press(pilot, "ctrl+s")
        assert app.messages[-1] == ("warning", f"{ref} is no longer there (changed outside the TUI); your text was "
                                               "not saved: Maria's birthday is March 3 or the 4th; the lists are "
                                               "refreshed.")
        assert ref not in [row.value for row in app.screen.query_one("#memory-table").rows]

    run(app, scenario)


def test_edit_is_a_user_correction(app, ids, svc):
    ref = f"m{ids['m_birthday']}"

    async def scenario(pilot):
        await open_memory(pilot, ref)
        await press(pilot, "e")
        assert isinstance(app.screen, EditScreen)
        area = app.screen.query_one(TextArea)
        assert area.text == "Maria's birthday is March 3"
        area.text = "Maria's birthday is March 4"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        memory = svc.store.get_memory(ids["m_birthday"])
        assert memory.text == "Maria's birthday is March 4" and memory.edited_by_user
        assert app.messages[-1] == ("information", f"Edited {ref}.")
        text = detail_text(app)
        assert "✎ edited by you" in text and "March 4" in text
        assert "edit" in text  # the history shows the change

    run(app, scenario)


def test_edit_cancel_empty_and_unchanged_change_nothing(app, ids, svc):
    ref = f"m{ids['m_birthday']}"

    async def scenario(pilot):
        await open_memory(pilot, ref)
        await press(pilot, "e", "escape")
        assert isinstance(app.screen, MainScreen)
        await press(pilot, "e")
        app.screen.query_one(TextArea).text = "   "
        await press(pilot, "ctrl+s")
        assert app.messages[-1][0] == "warning" and "unchanged" in app.messages[-1][1]
        await press(pilot, "e", "ctrl+s")
        assert app.messages[-1] == ("information", f"{ref} unchanged.")
        assert [r["action"] for r in svc.store.memory_history(ids["m_birthday"])] == ["add"]

    run(app, scenario)


def test_forget_a_memory_asks_first(app, ids, svc):
    ref = f"m{ids['m_old']}"

    async def scenario(pilot):
        await press(pilot, "3")
        app.screen.query_one("#memory-zone").value = "all"
        await settle(pilot)
        table = app.screen.query_one("#memory-table")
        table.move_cursor(row=[r.value for r in table.rows].index(ref))
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Forget memory m4?" in app.screen.question and "0 events and 1 memory" in app.screen.question
        await press(pilot, "n")
        assert svc.store.get_memory(ids["m_old"]) is not None
        assert app.messages[-1] == ("information", "Nothing deleted.")
        await press(pilot, "f", "y")
        assert svc.store.get_memory(ids["m_old"]) is None
        assert app.messages[-1] == ("information", "Deleted 0 events and 1 memory.")
        assert ref not in [r.value for r in app.screen.query_one("#memory-table").rows]
        assert app.screen.detail.ref != ref

    run(app, scenario)


def test_forget_an_event_from_the_timeline(app, ids, svc):
    async def scenario(pilot):
        await press(pilot, "down", "down")  # the dentist note
        assert app.screen.detail.ref == str(ids["dentist"])
        await press(pilot, "f")
        await pilot.click("#yes")
        await settle(pilot)
        assert svc.store.get_event(ids["dentist"]) is None
        assert not any("Dentist" in line for line in tree_lines(app))
        assert "5 events" in tree_lines(app)[0]
        cursor = app.screen.query_one("#timeline-tree").cursor_node
        assert cursor is not None and cursor.line <= 3  # on a neighbour of the gone row, not at the end
        assert app.screen.detail.ref == cursor.data.ref

    run(app, scenario)


def test_forget_an_episode_deletes_its_events(app, ids, svc):
    async def scenario(pilot):
        await press(pilot, "down", "down", "down")  # the shell episode
        assert app.screen.detail.ref.startswith("ep:")
        await press(pilot, "f")
        # the memory made from them repeats their words: it goes too, and the question says so
        assert "3 events and 1 memory" in app.screen.question
        await press(pilot, "y")
        for name in ("pull", "deploy", "hugo"):
            assert svc.store.get_event(ids[name]) is None
        assert svc.store.get_memory(ids["m_deploy"]) is None

    run(app, scenario)


def test_forget_says_a_pinned_memory_goes_too_and_back_skips_what_was_deleted(app, ids, svc):
    svc.pin(ids["m_deploy"], True)
    memory = f"m{ids['m_deploy']}"

    async def scenario(pilot):
        await open_memory(pilot, memory)
        app.screen.detail.show(str(ids["deploy"]), push=True)  # a link from the memory to an event it came from
        await settle(pilot)
        await press(pilot, "f")
        assert f"1 event and 1 memory ({memory} pinned) for good" in app.screen.question
        await press(pilot, "y")
        assert svc.store.get_memory(ids["m_deploy"]) is None
        assert app.messages[-1] == ("information", "Deleted 1 event and 1 memory.")
        assert not any("no longer there" in message for _severity, message in app.messages)
        assert app.screen.detail.ref != memory

    run(app, scenario)


def test_consolidate_the_selected_episode_with_the_configured_llm(svc, ids, answerer, llm):
    calls = []

    def consolidator(job_svc, episode_id, progress):
        from recall_cli.tui.backend import consolidate_episode

        calls.append(episode_id)
        return consolidate_episode(job_svc, episode_id, progress)

    app = build_app(svc, answerer=answerer, consolidator=consolidator, now=NOW, use_daemon=False)
    chat_episode = episode_of(svc, ids["q"])

    async def scenario(pilot):
        await press(pilot, "down")  # the chat episode
        assert app.screen.detail.ref == f"ep:{chat_episode}"
        await press(pilot, "c")
        assert calls == [chat_episode]
        assert len(llm.prompts) == 1 and "logrotate" in llm.prompts[0].user  # the model read the episode
        status = svc.store._db.execute("SELECT status FROM episodes WHERE id = ?", [chat_episode]).fetchone()[0]
        assert status == "consolidated"
        severity, message = app.messages[-1]
        assert severity == "information" and message.startswith("Consolidated")
        assert "added" in message
        # the new episodic memory is listed, with its provenance
        assert "consolidated" in detail_text(app)
        assert not app.screen.query_one("#jobbar").has_class("-running")
        await press(pilot, "c")
        assert app.messages[-1] == ("information", f"Episode {chat_episode} is already consolidated.")

    run(app, scenario)


def test_consolidate_from_an_event_uses_its_episode_and_needs_a_selection(app, ids, svc):
    async def scenario(pilot):
        await press(pilot, "3", "c")
        assert app.messages[-1][0] == "warning" and app.messages[-1][1].startswith("Select an episode or event")
        await press(pilot, "1", "down", "down")  # the dentist note: an episode of its own
        await press(pilot, "c")
        episode = episode_of(svc, ids["dentist"])
        status = svc.store._db.execute("SELECT status FROM episodes WHERE id = ?", [episode]).fetchone()[0]
        assert status == "consolidated"

    run(app, scenario)


def test_consolidate_all_pending(app, ids, svc):
    async def scenario(pilot):
        await press(pilot, "C")
        pending = svc.store._db.execute("SELECT count(*) FROM episodes WHERE status = 'pending'").fetchone()[0]
        assert pending == 0
        assert app.messages[-1][1].startswith("Consolidated 7 of 7 pending episodes")
        assert "to consolidate" not in str(app.screen.query_one("#topbar").content)

    run(app, scenario)


def test_consolidating_on_the_zero_llm_path_the_settings_chose_gives_one_message_and_no_model_warning(app, ids,
                                                                                                      llm):
    llm.parameters = 135_000_000  # the bundled model: consolidate.model_proposes=auto leaves it out

    async def scenario(pilot):
        await press(pilot, "C")
        assert [m for _, m in app.messages if "onsolidat" in m] == [
            "Consolidated 7 of 7 pending episodes: 2 added, 0 updated, 0 superseded, 0 already known."]
        assert llm.prompts == []
        app.messages.clear()
        await press(pilot, "C")  # nothing pending: that, and only that
        assert app.messages == [("information", "Nothing to consolidate: every episode is done.")]

    run(app, scenario)


def test_consolidating_without_a_model_that_cannot_load_warns_once_with_why(svc, ids, answerer):
    class Broken:
        model_id = "broken"

        def count_tokens(self, text):
            raise ModelError("cannot load model /models/broken.gguf")

    svc._llm = Broken()
    app = build_app(svc, answerer=answerer, now=NOW, use_daemon=False)

    async def scenario(pilot):
        await press(pilot, "C")
        assert app.messages[-1] == ("warning", "Consolidated without the model: cannot load model "
                                               "/models/broken.gguf.")
        app.messages.clear()
        await press(pilot, "C")
        assert app.messages == [("information", "Nothing to consolidate: every episode is done.")]

    run(app, scenario)


def test_a_failing_consolidation_is_a_message_and_the_rest_works(svc, ids, answerer):
    def consolidator(job_svc, episode_id, progress):
        progress(0, 1)
        raise ModelError("cannot load model /models/broken.gguf")

    app = build_app(svc, answerer=answerer, consolidator=consolidator, now=NOW, use_daemon=False)

    async def scenario(pilot):
        await press(pilot, "down", "c")
        severity, message = app.messages[-1]
        assert severity == "error"
        assert message.startswith("Consolidation failed: cannot load model /models/broken.gguf")
        assert not app.screen.query_one("#jobbar").has_class("-running")
        # everything else keeps working
        await open_memory(pilot, f"m{ids['m_birthday']}")
        await press(pilot, "p")
        assert svc.store.get_memory(ids["m_birthday"]).pinned

    run(app, scenario)


def test_progress_shows_while_a_job_runs(svc, ids, answerer):
    seen = []

    def consolidator(job_svc, episode_id, progress):
        progress(1, 2)
        seen.append(app.screen.query_one("#jobbar").has_class("-running"))
        progress(2, 2)
        from recall_cli.memory.consolidation import ConsolidationReport

        return ConsolidationReport(episodes=1, consolidated=1)

    app = build_app(svc, answerer=answerer, consolidator=consolidator, now=NOW, use_daemon=False)

    async def scenario(pilot):
        await press(pilot, "down", "c")
        assert seen == [True]
        bar = app.screen.query_one("#job-progress")
        assert bar.total == 2 and bar.progress == 2
        assert not app.screen.query_one("#jobbar").has_class("-running")

    run(app, scenario)


def test_add_a_note(app, ids, svc):
    async def scenario(pilot):
        await press(pilot, "n")
        assert isinstance(app.screen, EditScreen)
        await type_text(pilot, "Call the plumber on Monday")
        await press(pilot, "ctrl+s")
        event_id = svc.store._db.execute("SELECT max(id) FROM events").fetchone()[0]
        assert svc.store.get_event(event_id).text == "Call the plumber on Monday"
        assert app.messages[-1] == ("information", f"Added event {event_id}.")
        assert "11 events" in str(app.screen.query_one("#topbar").content)

    run(app, scenario)


def test_a_note_added_on_the_day_the_detail_pane_shows_is_counted_there_at_once(svc):
    svc.add("first note")  # today, as the note will be
    app = build_app(svc, use_daemon=False)

    async def scenario(pilot):
        assert app.screen.detail.ref.startswith("day:")
        assert "1 event, not in an episode yet" in detail_text(app)
        await press(pilot, "n")
        await type_text(pilot, "second note")
        await press(pilot, "ctrl+s")
        assert app.screen.detail.ref.startswith("day:")
        assert "2 events, not in an episode yet" in detail_text(app)

    run(app, scenario)


def test_a_note_added_with_a_secret_says_what_was_replaced(app, ids, svc):
    async def scenario(pilot):
        await press(pilot, "n")
        await type_text(pilot, "router password is hunter2secret")
        await press(pilot, "ctrl+s")
        event_id = svc.store._db.execute("SELECT max(id) FROM events").fetchone()[0]
        assert "hunter2secret" not in svc.store.get_event(event_id).text
        level, said = app.messages[-1]
        assert level == "information" and said.startswith(f"Added event {event_id} (secrets replaced: ")

    run(app, scenario)

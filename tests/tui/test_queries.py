"""The timeline's queries (through the service) and the date-range parser, on a real store."""

from __future__ import annotations

import pytest

from recall_cli.errors import NotFoundError, UsageError
from recall_cli.store.timeline import Filters
from recall_cli.tui.widgets.filters import parse_range
from tests.tui.conftest import NOW, at


def test_days_newest_first_with_counts_by_source(svc, ids):
    days = svc.days(Filters())
    assert [(d.day, d.events) for d in days] == [("2026-11-22", 6), ("2026-11-21", 2), ("2026-11-20", 2)]
    assert days[0].by_source == {"shell": 3, "chat": 2, "note": 1}
    assert [d.day for d in svc.days(Filters(), limit=1, before="2026-11-22")] == [
        "2026-11-21"]


def test_filters_combine(svc, ids):
    shell = Filters(sources=("shell",))
    assert [(d.day, d.events) for d in svc.days(shell)] == [("2026-11-22", 3)]
    notes = Filters(kinds=("note",), since=at(21, 0), until=at(21, 23, 59))
    assert [e.id for e in svc.timeline_events(notes, day="2026-11-21")] == [ids["birthday"]]


def test_groups_are_episodes_newest_first(svc, ids):
    groups = svc.groups("2026-11-22", Filters())
    assert [(g.source, g.events, g.status) for g in groups] == [
        ("chat", 2, "pending"), ("note", 1, "pending"), ("shell", 3, "pending")]
    shell = groups[2]
    assert shell.title == "shell in ~/src/blog" and shell.first_event == ids["pull"]
    events = svc.timeline_events(Filters(), episode_id=shell.episode_id)
    assert [e.id for e in events] == [ids["pull"], ids["deploy"], ids["hugo"]]


def test_ungrouped_events_are_groups_of_their_own(svc):
    svc.add("one", ts=at(22, 8))
    svc.add("two", ts=at(22, 9))
    groups = svc.groups("2026-11-22", Filters())
    assert [(g.episode_id, g.status, g.events) for g in groups] == [(None, "ungrouped", 1), (None, "ungrouped", 1)]


def test_episode_lists_its_memories(svc, ids):
    episode_id = svc.store.get_event(ids["pull"]).episode_id
    data = svc.episode(episode_id)
    assert data["events"] == 3 and data["memories"] == [ids["m_deploy"]]
    with pytest.raises(NotFoundError):
        svc.episode(999)
    assert svc.timeline_counts() == {"events": 10, "memories": 4, "episodes": 7, "pending": 7, "ungrouped": 0}


def test_parse_range():
    assert parse_range("", NOW) == (None, None)
    assert parse_range("2026-11-21", NOW) == (at(21, 0), at(21, 23, 59) + 59.999)
    assert parse_range("yesterday", NOW) == (at(21, 0), at(21, 23, 59) + 59.999)
    since, until = parse_range("2026-11-01..", NOW)
    assert since == at(1, 0) and until is None
    since, until = parse_range("..2026-11-20", NOW)
    assert since is None and until == at(20, 23, 59) + 59.999
    with pytest.raises(UsageError, match="starts after it ends"):
        parse_range("2026-11-22..2026-11-01", NOW)
    with pytest.raises(UsageError, match="cannot read time"):
        parse_range("not a date at all qq", NOW)
    with pytest.raises(UsageError, match="'last fortnight' is not a day or a range"):
        parse_range("last fortnight", NOW)  # it read as "now": an empty filter, shown as nothing at all


class FakeDaemon:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls = []

    def search(self, query, **kwargs):
        self.calls.append((query, kwargs))
        if self.fail:
            raise ConnectionRefusedError("daemon gone")
        from recall_cli.search.retrieve import SearchResult

        return SearchResult([], query, query)


def test_search_uses_the_daemon_when_it_runs_and_falls_back_in_process(svc, ids):
    from recall_cli.tui.backend import Backend

    daemon = FakeDaemon()
    backend = Backend(svc, daemon=daemon)
    assert backend.search("birthday", limit=5, reference=NOW).hits == []
    assert daemon.calls == [("birthday", {"limit": 5, "reference": NOW})]
    backend.daemon = FakeDaemon(fail=True)
    assert str(ids["birthday"]) in [h.ref for h in backend.search("birthday", limit=5).hits]
    assert backend.daemon is None  # in-process from now on


def test_no_daemon_without_a_socket(svc):
    from recall_cli.tui.backend import Backend

    assert Backend.connect_daemon(svc) is None

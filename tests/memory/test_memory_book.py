import pytest

from recall_cli.errors import NotFoundError, UsageError
from recall_cli.memory.decay import DAY

T0 = 1_700_000_000.0


@pytest.fixture
def book(svc):
    return svc.memories


def _event(svc, text, ts=T0):
    return svc.add(text, ts=ts).id


def test_a_memory_links_to_its_events_and_records_who_added_it(svc, book):
    e1 = _event(svc, "Caroline said she wants to study counseling")
    m = book.add("semantic", "Caroline plans to study counseling", subject="Caroline",
                 importance=8, sources=[e1, 999], actor="consolidation", at=T0)
    assert svc.store.memory_sources(m.id) == [e1]
    history = svc.store.memory_history(m.id)
    assert [(h["action"], h["actor"]) for h in history] == [("add", "consolidation")]
    assert m.strength == pytest.approx(7.0 * 8 / 5)


def test_superseding_keeps_the_old_memory_in_history(svc, book):
    old = book.add("semantic", "Ana lives in Porto", actor="consolidation", at=T0)
    new = book.supersede(old.id, "semantic", "Ana lives in Lisbon", actor="consolidation",
                         at=T0 + 10 * DAY)
    before = book.get(old.id)
    assert before.status == "superseded" and before.superseded_by == new.id
    assert before.valid_to == T0 + 10 * DAY
    assert [v.memory.id for v in book.list(at=T0 + 10 * DAY)] == [new.id]
    assert {v.memory.id for v in book.list(include_superseded=True, at=T0 + 10 * DAY)} == {old.id, new.id}
    actions = [h["action"] for h in svc.store.memory_history(old.id)]
    assert actions == ["add", "supersede"]


def test_user_edit_is_marked_and_kept_in_history(svc, book):
    m = book.add("procedural", "to deploy run make deploy", actor="consolidation", at=T0)
    book.edit(m.id, "to deploy run make deploy ENV=prod")
    edited = book.get(m.id)
    assert edited.edited_by_user and edited.text.endswith("ENV=prod")
    (add, edit) = svc.store.memory_history(m.id)
    assert (edit["action"], edit["actor"], edit["old_text"]) == ("edit", "user", "to deploy run make deploy")


def test_dormant_memories_leave_default_lists_and_come_back_when_reinforced(svc, book):
    m = book.add("semantic", "The cabin wifi password is on the fridge", importance=1, at=T0)
    later = T0 + 30 * DAY
    assert book.list(at=later) == []
    assert [v.zone for v in book.list(include_all=True, at=later)] == ["dormant"]
    book.reinforce([m.id], at=later)
    (view,) = book.list(at=later)
    assert view.zone == "active" and view.memory.reinforcements == 1


def test_pinned_memories_never_fade(svc, book):
    m = book.add("semantic", "I am allergic to penicillin", importance=1, at=T0)
    book.set_pinned(m.id, True)
    (view,) = book.list(at=T0 + 3650 * DAY)
    assert view.retention == 1.0 and view.zone == "active"
    assert [x.id for x in book.core_profile()] == [m.id]


def test_unknown_ids_kinds_and_zones_are_clear_errors(book):
    with pytest.raises(NotFoundError, match="no memory with id m42"):
        book.edit(42, "x")
    with pytest.raises(UsageError, match="unknown memory kind"):
        book.add("gossip", "x")
    with pytest.raises(UsageError, match="unknown zone"):
        book.list(zones=["sleepy"])


def test_search_finds_memories_and_weights_them_by_retention(svc, book):
    now = T0 + 2 * DAY
    book.add("semantic", "Priya recommends the injera with misir wot", importance=9, at=T0)
    result = svc.search("injera recommendation", reference=now)
    assert result.hits[0].owner == "memory" and result.hits[0].ref == "m1"
    # a month later the importance-1 duplicate is dormant and hidden, but --all finds it
    book.add("semantic", "Tomas recommends the zigni stew", importance=1, at=T0)
    late = T0 + 40 * DAY
    assert all(h.text != "Tomas recommends the zigni stew"
               for h in svc.search("zigni stew", reference=late).hits)
    assert svc.search("zigni stew", reference=late, include_dormant=True).hits[0].ref == "m2"


def test_an_edited_memory_is_found_by_its_new_words_not_its_old_ones(svc, book):
    svc.add("Booked the tram tour of Belem for Saturday", ts=T0)
    m = book.add("semantic", "The user likes the pasteis at Belem", actor="consolidation")
    assert [(h.owner, h.id) for h in svc.search("pasteis at Belem", limit=1).hits] == [("memory", m.id)]
    book.edit(m.id, "The Zanzibar octopus festival happens in July")
    found = svc.search("Zanzibar octopus festival", limit=3).hits
    assert (found[0].owner, found[0].id) == ("memory", m.id) and found[0].score > 0.5

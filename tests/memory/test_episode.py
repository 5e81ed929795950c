from recall_cli.memory.episode import EpisodeRules, assign_episodes
from recall_cli.models import Event

T0 = 1_700_000_000.0
MIN = 60.0


def _episodes(store):
    return [[e.text for e in store.episode_events(eid)]
            for (eid,) in store._db.execute("SELECT id FROM episodes ORDER BY ts_start, id")]


def test_chat_sessions_become_episodes_split_by_long_gaps(svc):
    svc.store.insert_events([
        Event("hi", T0, source="chat", session="s1", actor="A"),
        Event("hello", T0 + 1 * MIN, source="chat", session="s1", actor="B"),
        Event("other chat", T0 + 2 * MIN, source="chat", session="s2", actor="C"),
        Event("back after lunch", T0 + 5 * 60 * MIN, source="chat", session="s1", actor="A"),
    ])
    assign_episodes(svc.store, EpisodeRules(chat_gap=120 * MIN))
    assert _episodes(svc.store) == [["hi", "hello"], ["other chat"], ["back after lunch"]]


def test_shell_commands_group_by_session_and_directory(svc):
    svc.store.insert_events([
        Event("make test", T0, source="shell", session="tty1", meta={"cwd": "/src/app"}),
        Event("ls", T0 + MIN, source="shell", session="tty1", meta={"cwd": "/tmp"}),
        Event("make deploy", T0 + 2 * MIN, source="shell", session="tty1", meta={"cwd": "/src/app"}),
        Event("git push", T0 + 90 * MIN, source="shell", session="tty1", meta={"cwd": "/src/app"}),
    ])
    assign_episodes(svc.store, EpisodeRules(shell_gap=30 * MIN))
    assert _episodes(svc.store) == [["make test", "make deploy"], ["ls"], ["git push"]]


def test_each_note_is_its_own_episode_and_new_events_join_open_episodes(svc):
    svc.store.insert_events([Event("note one", T0), Event("note two", T0 + MIN),
                             Event("q", T0, source="chat", session="s")])
    assign_episodes(svc.store)
    svc.store.insert_events([Event("a", T0 + 3 * MIN, source="chat", session="s")])
    assign_episodes(svc.store)
    assert _episodes(svc.store) == [["note one"], ["q", "a"], ["note two"]]
    assert assign_episodes(svc.store) == []  # nothing new: nothing touched


def test_deleting_events_drops_emptied_episodes_and_a_title_taken_from_deleted_words(svc):
    ids = svc.store.insert_events([
        Event("Bank of Nowhere - statement for account 1234", T0, source="screen"),
        Event("Weather in Bristol", T0 + MIN, source="screen"),
        Event("alone on screen", T0 + 300 * MIN, source="screen"),
    ]).inserted
    assign_episodes(svc.store)
    assert len(_episodes(svc.store)) == 2
    svc.store.delete_events([ids[0], ids[2]])
    titles = [r[0] for r in svc.store._db.execute("SELECT title FROM episodes")]
    assert titles == ["Weather in Bristol"]

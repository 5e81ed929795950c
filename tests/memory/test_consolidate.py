import json

from recall_cli.memory.consolidation import Decision, Extraction, consolidate
from recall_cli.memory.summary import Candidate
from recall_cli.models import Event

T0 = 1_700_000_000.0


def _chat(svc):
    svc.store.insert_events([
        Event("I'm going to a pottery class on Saturday", T0, source="chat", session="s1", actor="Ana"),
        Event("Pottery sounds fun! Which studio?", T0 + 60, source="chat", session="s1", actor="Ben"),
        Event("The Clay Room on Grove Street", T0 + 120, source="chat", session="s1", actor="Ana"),
    ])


def test_zero_llm_path_writes_a_dated_episodic_summary_with_provenance(svc):
    _chat(svc)
    report = consolidate(svc)
    assert (report.episodes, report.consolidated, report.actions["ADD"]) == (1, 1, 1)
    (view,) = svc.memories.list()
    memory = view.memory
    assert memory.kind == "episodic" and memory.valid_from == T0
    assert memory.text.startswith("Tue 14 November 2023, 22:13–22:15: Ana and Ben (chat, 3 messages) talked about")
    assert "Pottery" in memory.text or "pottery" in memory.text
    assert svc.store.memory_sources(memory.id) == [1, 2, 3]


def test_a_summary_names_the_users_own_speaker_the_user_not_a_bare_me():
    from recall_cli.memory.summary import episodic_summary

    # a JSONL export's "me", a chat export's "user": read later (or by an agent) "Ana and me" is anyone's
    for mine in ("me", "user"):
        summary = episodic_summary([Event("Did you book the tram tour?", T0, source="chat", session="s", actor="Ana"),
                                    Event("Not yet, the 9am slot", T0 + 60, source="chat", session="s", actor=mine)])
        assert summary.text.startswith("Tue 14 November 2023, 22:13–22:14: Ana and the user (chat, 2 messages)")
        assert summary.subject == "Ana, the user"


def test_a_summary_of_the_users_own_paragraphs_says_nobody_talked(svc):
    svc.store.insert_events([
        Event(text, T0 + 60 * i, source="note", kind="paragraph", session="allotment.md")
        for i, text in enumerate(["Plot 14B at Narroways allotments.", "Plant garlic before mid-December.",
                                  "Order seed potatoes in January."])])
    consolidate(svc)
    (view,) = svc.memories.list()
    assert view.memory.text.startswith("Tue 14 November 2023, 22:13–22:15: 3 note entries in allotment.md about")
    assert "someone" not in view.memory.text and "talked" not in view.memory.text


def test_a_watched_files_paragraphs_are_the_users_notes_whoever_the_os_says_wrote_them(svc):
    svc.store.insert_events([
        Event("Call the plumber about the boiler.", T0, source="file", kind="paragraph", session="/n/todo.txt",
              actor="root"),
        Event("The boiler pressure should sit at 1.5 bar.", T0 + 60, source="file", kind="paragraph",
              session="/n/todo.txt", actor="root"),
        Event("Deleted /n/old/todo.txt", T0 + 120, source="file", kind="deleted", session="/n/todo.txt",
              actor="root")])
    consolidate(svc)
    (view,) = svc.memories.list()
    assert view.memory.text.startswith("Tue 14 November 2023, 22:13–22:15: 3 file entries in /n/todo.txt about")
    about = view.memory.text.split(" about ", 1)[1]
    assert "boiler" in about and "root" not in view.memory.text and "talked" not in view.memory.text
    assert not any(word in about for word in ("deleted", "txt", "old"))


def test_a_summary_names_what_was_talked_about_not_the_words_that_open_chat_turns():
    from recall_cli.memory.summary import key_terms

    turns = ["Wow, the Kyoto trip sounds great! Those temples look lovely.",
             "Sounds fun. Definitely book the temples early, the Kyoto ones fill up.",
             "Yep, I booked Kinkaku-ji for the second day of the trip."]
    terms = key_terms([Event(t, T0 + i, source="chat", session="s", actor="Ana") for i, t in enumerate(turns)])
    assert terms[:3] == ["Kyoto", "temples", "trip"]
    assert not {"Wow", "wow", "Those", "those", "Sounds", "sounds", "Definitely", "Yep"} & set(terms)


def test_a_summary_keeps_words_in_any_alphabet_whole():
    from recall_cli.memory.summary import key_terms

    turns = ["Took the tram to Belém afterwards, it gets busy at the Belém tower.",
             "The pastéis in Belém were worth the queue at the tower."]
    terms = key_terms([Event(t, T0 + i, source="chat", session="s", actor="Ana") for i, t in enumerate(turns)])
    assert terms[:3] == ["Belém", "tower", "pastéis"]
    assert not {"Bel", "afterwards", "gets"} & set(terms)


def test_a_summary_of_watched_files_names_no_redaction_label_path_or_file_bookkeeping():
    from recall_cli.memory.summary import episodic_summary

    events = [Event("The CI token is [REDACTED:github-token] do not share with the plumber.", T0, source="file",
                    kind="paragraph", session="/tmp/notes/secrets.txt"),
              Event("Call the plumber about the boiler, see ~/notes/boiler.txt", T0 + 1, source="file",
                    kind="paragraph", session="/tmp/notes/boiler.txt"),
              Event("Edited /tmp/notes/boiler.txt: 1 paragraph changed or removed", T0 + 2, source="file",
                    kind="edited")]
    terms = episodic_summary(events).meta["key_terms"]
    assert terms[0] == "plumber" and "boiler" in terms
    assert not {"redacted", "github-token", "tmp", "txt", "notes", "edited", "paragraph"} & set(terms)


def test_running_consolidation_twice_adds_nothing(svc):
    _chat(svc)
    consolidate(svc)
    again = consolidate(svc)
    assert again.episodes == 0
    assert svc.store._db.execute("SELECT count(*) FROM memories").fetchone()[0] == 1


def test_two_runs_at_once_store_each_episodes_memory_once(svc, monkeypatch):
    from recall_cli.memory import consolidation

    _chat(svc)
    decide = consolidation._decide_all

    def meanwhile(*args, **kwargs):  # while this run decides, another (the daemon's) applies the episode
        decided = decide(*args, **kwargs)
        monkeypatch.setattr(consolidation, "_decide_all", decide)
        consolidate(svc)
        return decided

    monkeypatch.setattr(consolidation, "_decide_all", meanwhile)
    consolidate(svc)
    assert svc.store._db.execute("SELECT count(*), count(DISTINCT content_hash) FROM memories").fetchone() == (1, 1)


def test_shell_sequences_become_procedures(svc):
    cmds = [("make test", 2), ("make test", 0), ("make tset", 127), ("make test", 0)]
    svc.store.insert_events([
        Event(c, T0 + i * 60, source="shell", session="tty", meta={"cwd": "/src/app", "exit_code": code})
        for i, (c, code) in enumerate(cmds)
    ])
    consolidate(svc)
    procedures = sorted(v.memory.text for v in svc.memories.list(kinds=["procedural"]))
    assert procedures == [
        "In /src/app: `make test` works (ran 2 times)",
        "In /src/app: `make tset` failed; `make test` worked",
    ]


def test_commands_that_only_look_around_or_set_the_shell_up_are_no_procedures(svc):
    cmds = ["unset RECALL_DISABLE", "git status", "export EDITOR=vim", "cat notes.txt", "make test"]
    svc.store.insert_events([
        Event(c, T0 + i * 60 + run * 600, source="shell", session="tty", meta={"cwd": "/src/app", "exit_code": 0})
        for run in range(2) for i, c in enumerate(cmds)])
    consolidate(svc)
    assert [v.memory.text for v in svc.memories.list(kinds=["procedural"])] == [
        "In /src/app: `make test` works (ran 2 times)"]


def test_a_summary_shortens_a_long_command_at_a_word_never_inside_one(svc):
    long = "psql postgresql://admin@db.example.org:5432/app -c 'select count(*) from orders where paid'"
    svc.store.insert_events([Event(text, T0 + i * 60, source="shell", session="tty",
                                   meta={"cwd": "/src/app", "exit_code": 0}) for i, text in enumerate([long, "ls"])])
    consolidate(svc)
    (view,) = svc.memories.list(kinds=["episodic"])
    assert view.memory.text.endswith(
        ": 2 shell commands in /src/app: psql postgresql://admin@db.example.org:5432/app -c 'select…; ls")


class ScriptedExtractor:
    """Fails on its first call, succeeds afterwards (a weak model's invalid JSON)."""

    name = "scripted"

    def __init__(self):
        self.calls = 0

    def extract(self, events):
        self.calls += 1
        if self.calls == 1:
            return Extraction(failed=True, error="invalid JSON: Expecting value")
        return Extraction([Candidate("semantic", "Ana takes pottery classes at The Clay Room",
                                     importance=6, subject="Ana", sources=[e.id for e in events],
                                     origin="llm")])


def test_invalid_model_output_marks_the_episode_for_retry_and_the_batch_goes_on(svc):
    _chat(svc)
    svc.store.insert_events([Event("lone note about bikes", T0 + 9999)])
    extractor = ScriptedExtractor()
    first = consolidate(svc, extractors=[extractor])
    assert (first.retry, first.failed_validation, first.consolidated) == (1, 1, 1)
    status = dict(svc.store._db.execute("SELECT id, status FROM episodes").fetchall())
    assert sorted(status.values()) == ["consolidated", "retry"]
    second = consolidate(svc, extractors=[extractor])
    assert (second.episodes, second.consolidated) == (1, 1)
    assert [v.memory.text for v in svc.memories.list(kinds=["semantic"])] == [
        "Ana takes pottery classes at The Clay Room"]


class FixedReconciler:
    def __init__(self, action, target=None, text=None):
        self.action, self.target, self.text = action, target, text

    def decide(self, svc, candidate):
        return Decision(self.action, candidate, target=self.target, text=self.text)


class OneFact:
    name = "one"

    def __init__(self, text):
        self.text = text

    def extract(self, events):
        return Extraction([Candidate("semantic", self.text, subject="Ana", sources=[events[0].id])])


def test_update_supersede_and_noop_decisions_are_applied_with_history(svc):
    old = svc.memories.add("semantic", "Ana lives in Porto", subject="Ana", at=T0 - 100)
    _chat(svc)
    consolidate(svc, extractors=[OneFact("Ana lives in Lisbon")], reconciler=FixedReconciler("SUPERSEDE", old.id))
    assert svc.memories.get(old.id).status == "superseded"
    (new,) = svc.memories.list(kinds=["semantic"])
    assert new.memory.text == "Ana lives in Lisbon"
    assert json.loads(svc.store.memory_history(new.memory.id)[0]["detail"])["supersedes"] == old.id

    svc.store.insert_events([Event("more", T0 + 90000, source="chat", session="s2", actor="Ana")])
    consolidate(svc, extractors=[OneFact("x")],
                reconciler=FixedReconciler("UPDATE", new.memory.id, "Ana lives in Lisbon, in Alfama"))
    assert svc.memories.get(new.memory.id).text == "Ana lives in Lisbon, in Alfama"

    svc.store.insert_events([Event("again", T0 + 190000, source="chat", session="s3", actor="Ana")])
    before = svc.memories.get(new.memory.id).strength
    consolidate(svc, extractors=[OneFact("x")], reconciler=FixedReconciler("NOOP", new.memory.id))
    assert svc.memories.get(new.memory.id).strength > before


def test_a_memory_edited_by_the_user_is_never_overwritten(svc):
    m = svc.memories.add("semantic", "Ana lives in Porto", subject="Ana", at=T0 - 100)
    svc.memories.edit(m.id, "Ana lives in Porto (corrected by me)")
    _chat(svc)
    report = consolidate(svc, extractors=[OneFact("Ana lives in Braga")],
                         reconciler=FixedReconciler("SUPERSEDE", m.id))
    assert report.protected == 1
    assert svc.memories.get(m.id).text == "Ana lives in Porto (corrected by me)"
    assert svc.memories.get(m.id).status == "active"


def test_a_dry_run_shows_a_user_edit_protected_as_the_real_run_keeps_it(svc):
    m = svc.memories.add("semantic", "Ana lives in Porto", subject="Ana", at=T0 - 100)
    svc.memories.edit(m.id, "Ana lives in Porto (corrected by me)")
    _chat(svc)
    kwargs = {"extractors": [OneFact("Ana lives in Braga")], "reconciler": FixedReconciler("UPDATE", m.id)}
    preview = consolidate(svc, dry_run=True, **kwargs)
    real = consolidate(svc, **kwargs)
    assert (preview.protected, preview.actions) == (real.protected, real.actions) == (1, {
        "ADD": 0, "UPDATE": 0, "SUPERSEDE": 0, "NOOP": 1})
    assert svc.memories.get(m.id).text == "Ana lives in Porto (corrected by me)"


def test_dry_run_changes_no_memory(svc):
    _chat(svc)
    report = consolidate(svc, dry_run=True)
    assert report.actions["ADD"] == 1
    assert svc.store._db.execute("SELECT count(*) FROM memories").fetchone()[0] == 0
    assert consolidate(svc).actions["ADD"] == 1


KILLER = '''
import os, signal, sys
sys.path.insert(0, {root!r})
from recall_cli.config import load_config
from recall_cli.memory.consolidation import Decision, Extraction, consolidate
from recall_cli.service import Recall
from recall_cli.memory.summary import Candidate
from tests.fakes import FakeEmbedder

class TwoFacts:
    name = "two"
    def extract(self, events):
        return Extraction([Candidate("semantic", f"fact A of {{events[0].session}}", sources=[events[0].id]),
                           Candidate("semantic", f"fact B of {{events[0].session}}", sources=[events[0].id])])

class KillOnFourth:
    calls = 0
    def decide(self, svc, candidate):
        KillOnFourth.calls += 1
        if KillOnFourth.calls == 4:  # second fact of the second episode: mid-transaction
            os.kill(os.getpid(), signal.SIGKILL)
        return Decision("ADD", candidate)

svc = Recall(load_config(), embedder=FakeEmbedder())
consolidate(svc, extractors=[TwoFacts()], reconciler=KillOnFourth())
'''


def test_a_run_killed_mid_episode_leaves_no_half_applied_episode_and_resumes(svc, recall_home):
    import os
    import subprocess
    import sys
    from pathlib import Path

    for n in range(3):
        svc.store.insert_events([Event(f"msg {n}", T0 + n * 86400, source="chat", session=f"s{n}", actor="A")])
    svc.close()
    root = str(Path(__file__).resolve().parents[2])
    proc = subprocess.run([sys.executable, "-c", KILLER.format(root=root)],
                          env={**os.environ, "RECALL_HOME": str(recall_home)}, capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    texts = [r[0] for r in svc.store._db.execute("SELECT text FROM memories ORDER BY id")]
    assert texts == ["fact A of s0", "fact B of s0"]  # episode s1 rolled back whole
    statuses = [r[0] for r in svc.store._db.execute("SELECT status FROM episodes ORDER BY id")]
    assert statuses == ["consolidated", "pending", "pending"]
    resumed = consolidate(svc, extractors=[OneFact("resumed")])
    assert resumed.episodes == 2


def test_a_run_told_to_stop_ends_before_the_next_episode_with_those_before_it_done_whole(svc):
    for day in range(3):
        svc.store.insert_events([Event(f"day {day}: the plan for the garden", T0 + day * 86400, source="chat",
                                       session=f"s{day}", actor="Ana")])
    asked: list[int] = []

    def go_on() -> bool:
        asked.append(len(asked))
        return len(asked) < 2  # yes before the first episode, no before the second

    report = consolidate(svc, go_on=go_on)
    assert (report.episodes, report.consolidated, report.stopped) == (1, 1, True) and len(asked) == 2
    statuses = svc.store._db.execute("SELECT status FROM episodes ORDER BY ts_start").fetchall()
    assert [row[0] for row in statuses] == ["consolidated", "pending", "pending"]
    again = consolidate(svc)  # the next run takes the rest
    assert (again.episodes, again.stopped) == (2, False)

"""Several devices sharing one folder, each a real `recall` process on its own RECALL_HOME:
adds converge, concurrent edits both stay in history (the later wins, a person's edit beats
consolidation's), a forget removes the text from every device and every file, a half-copied
segment waits until it is whole, and nothing local is lost to bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from recall_cli.config import load_config
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parents[2]


class Device:
    """One machine: a RECALL_HOME and the `recall` command run there."""

    def __init__(self, home: Path, env: dict[str, str] | None = None) -> None:
        self.home = home
        self.env = env or {}

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "RECALL_HOME": str(self.home), "HF_HUB_OFFLINE": "1", **self.env}
        done = subprocess.run([sys.executable, "-m", "recall_cli", *args], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=120)
        if check:
            assert done.returncode == 0, done.stderr
        return done

    def py(self, code: str) -> str:
        """Run Python against this home's service (``svc``), as another process would."""
        env = {**os.environ, "RECALL_HOME": str(self.home), **self.env}
        program = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\nfrom recall_cli.service import Recall\n"
                   "from tests.fakes import FakeEmbedder\nsvc = Recall(embedder=FakeEmbedder())\n") + code
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def service(self) -> Recall:
        return Recall(load_config(self.home), embedder=FakeEmbedder())

    def hashes(self) -> set[str]:
        svc = self.service()
        try:
            return {e.content_hash for e in svc.store.events_after(0, 100_000)}
        finally:
            svc.close()

    def memories(self) -> dict[str, tuple[str, bool]]:
        svc = self.service()
        try:
            return {v.memory.uid: (v.memory.text, v.memory.pinned) for v in svc.list_memories(include_all=True)}
        finally:
            svc.close()


def store_lines(device: Device, template: str, start: float, *, source: str = "note", session: str,
                actor: str | None = None) -> None:
    """Three events a minute apart ("{i}" in ``template`` numbers them), stored on ``device``."""
    device.py("from recall_cli.models import Event\n"
              f"svc.store_events([Event({template!r}.format(i=i), {start} + i * 60, source={source!r}, "
              f"session={session!r}, actor={actor!r}) for i in range(3)])")


def raw_bytes(*roots: Path) -> bytes:
    return b"".join(p.read_bytes() for root in roots for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def test_adds_on_three_devices_converge(a, b, c, folder):
    a.run("add", "Sam's spare key is under the blue pot")
    a.run("add", "dentist moved to Thursday")
    b.run("add", "the bike needs new brake pads")
    c.run("add", "Maya wants a film camera")
    for device in (a, b, c, a, b):
        device.run("sync", str(folder))
    assert len(a.hashes()) == 4
    assert a.hashes() == b.hashes() == c.hashes()
    again = a.run("sync", str(folder)).stdout
    assert "nothing new to write" in again and a.hashes() == b.hashes()


def test_an_edit_lost_to_a_forget_on_another_device_is_said(a, b, folder):
    a.py("svc.memories.add('semantic', 'my PIN is 4417 and Ana lives in Porto near the old cathedral square')")
    for device in (a, b):
        device.run("sync", str(folder))
    a.run("forget", "m1", "--yes")
    b.run("edit", "m1", "--text", "Ana lives in Braga")
    a.run("sync", str(folder))
    told = json.loads(b.run("sync", str(folder), "--json").stdout)
    assert told["warnings"] == ["m1 was forgotten on another device; the edit made to it here is gone with it"]
    assert a.memories() == b.memories() == {}  # the forget wins: the text does not come back


def test_a_clash_warning_never_cuts_a_redaction_marker():
    from recall_cli.sync.engine import _clip
    assert _clip("Ana's new bank card for the joint account: her code is [REDACTED:password] ok") == (
        "Ana's new bank card for the joint account: her code is…")
    assert _clip("short") == "short"


def test_concurrent_edits_are_both_in_history_and_the_later_wins(a, b, folder):
    uid = a.py("m = svc.memories.add('semantic', 'Ana lives in Porto')\nprint(m.uid)").strip()
    a.run("sync", str(folder))
    b.run("sync", str(folder))
    assert b.memories() == {uid: ("Ana lives in Porto", False)}
    a.run("edit", "m1", "--text", "Ana lives in Lisbon")
    b.run("edit", "m1", "--text", "Ana lives in Braga")  # later
    said = [device.run("sync", str(folder), "--json") for device in (a, b, a)]
    assert a.memories() == b.memories() == {uid: ("Ana lives in Braga", False)}
    # each side is told once that its correction met another
    warned = [w for done in said for w in json.loads(done.stdout)["warnings"]]
    assert len(warned) == 2 and all("edited here and on another device" in w and "Braga" in w for w in warned)
    for device in (a, b):
        history = json.loads(device.run("history", "m1", "--json").stdout)
        edits = [h["new_text"] for h in history if h["action"] == "edit"]
        assert sorted(edits) == ["Ana lives in Braga", "Ana lives in Lisbon"]
    # an edit made after seeing the other's is no clash
    a.run("edit", "m1", "--text", "Ana lives in Braga, near the cathedral")
    later = [json.loads(device.run("sync", str(folder), "--json").stdout)["warnings"] for device in (a, b)]
    assert later == [[], []] and b.memories()[uid][0] == "Ana lives in Braga, near the cathedral"


def test_an_edit_that_arrives_by_sync_is_found_by_its_new_words(a, b, folder):
    a.py("svc.memories.add('semantic', 'The router is in the hall')")
    for device in (a, b):
        device.run("sync", str(folder))
    b.py("svc.search('router hall')")  # b embeds the memory as it first read
    a.run("edit", "m1", "--text", "The Zanzibar octopus festival happens in July")
    for device in (a, b):
        device.run("sync", str(folder))
    top = b.py("h = svc.search('Zanzibar octopus festival', limit=1).hits[0]\nprint(h.owner, h.score > 0.5, h.text)")
    assert top.strip() == "memory True The Zanzibar octopus festival happens in July"


def test_a_persons_edit_beats_a_later_consolidation_update(a, b, folder):
    uid = a.py("print(svc.memories.add('semantic', 'The router is in the hall').uid)").strip()
    a.run("sync", str(folder))
    b.run("sync", str(folder))
    a.run("edit", "m1", "--text", "The router is in the study")
    b.py("svc.memories.update(1, 'The router is in the hallway cupboard', actor='consolidation')")
    for device in (a, b, a):
        device.run("sync", str(folder))
    assert a.memories() == b.memories() == {uid: ("The router is in the study", False)}


def test_a_pin_travels(a, b, folder):
    a.py("svc.memories.add('core', 'My name is Ada')")
    a.run("pin", "m1")
    a.run("sync", str(folder))
    b.run("sync", str(folder))
    assert list(b.memories().values()) == [("My name is Ada", True)]


def test_a_forget_removes_the_text_from_every_device_and_every_file(a, b, c, folder):
    a.run("add", "zebraquartz7731 is the secret project name")
    a.run("add", "an ordinary note")
    for device in (a, b, c):
        device.run("sync", str(folder))
    assert b"zebraquartz7731" in raw_bytes(b.home)
    forgotten = json.loads(a.run("search", "zebraquartz7731", "--json").stdout)["results"][0]["id"]
    a.run("forget", str(forgotten), "--yes")
    for device in (a, b, c):
        device.run("sync", str(folder))
    for device in (a, b, c):
        assert len(device.hashes()) == 1
    assert b"zebraquartz7731" not in raw_bytes(a.home, b.home, c.home, folder)
    b.run("sync", str(folder))  # a later merge never brings it back
    assert len(b.hashes()) == 1


def test_a_forget_from_another_device_leaves_no_episode_titled_by_the_text(a, b, folder):
    a.run("add", "zebraquartz7731 is the secret project name", "--time", "2026-03-02 09:00")
    a.run("add", "an ordinary note about the bins", "--time", "2026-03-02 09:05")
    a.py("svc.consolidate(use_llm=False)")
    for device in (a, b):
        device.run("sync", str(folder))
    forgotten = json.loads(b.run("search", "zebraquartz7731", "--json").stdout)["results"][0]["id"]
    b.run("forget", str(forgotten), "--yes")
    for device in (b, a):
        device.run("sync", str(folder))
    assert len(a.hashes()) == 1
    assert b"zebraquartz7731" not in raw_bytes(a.home, b.home, folder)


def test_a_segment_still_being_copied_is_skipped_then_merged(a, b, folder, tmp_path):
    a.run("add", "one")
    a.run("add", "two")
    a.run("sync", str(folder))
    segment = next((folder / next(p.name for p in folder.iterdir())).glob("seg-*.jsonl"))
    partial = tmp_path / "partial"
    shutil.copytree(folder, partial)
    copy = partial / segment.parent.name / segment.name
    copy.write_bytes(segment.read_bytes()[:-40])  # the sync tool is still writing it
    first = b.run("sync", str(partial))
    assert "not complete yet" in first.stderr or "incomplete" in first.stderr
    assert b.hashes() == set()
    shutil.copyfile(segment, copy)
    b.run("sync", str(partial))
    assert b.hashes() == a.hashes()


def test_corrupt_and_newer_segments_are_skipped_with_a_warning(a, b, folder):
    b.run("add", "local note on b")
    other = folder / "0123456789ab"
    other.mkdir()
    (other / "seg-00000001.jsonl").write_bytes(b"\x00\xffgarbage\n")
    newer = b'{"recall_sync": 99, "device": "x", "segment": 1}\n'
    import hashlib

    (other / "seg-00000002.jsonl").write_bytes(newer + json.dumps(
        {"end": 0, "sha256": hashlib.sha256(newer).hexdigest()}).encode() + b"\n")
    done = b.run("sync", str(folder))
    assert "newer recall" in done.stderr
    assert "seg-00000001.jsonl" in done.stderr
    assert len(b.hashes()) == 1  # nothing local lost


def test_a_new_folder_gets_everything_and_a_lost_or_damaged_own_segment_is_written_again(a, b, c, folder,
                                                                                         tmp_path):
    a.run("add", "the oil change is due at 90,000 km")
    a.run("add", "the sage green paint is for the hall")
    a.run("sync", str(folder))
    moved = tmp_path / "Sync2"  # a new shared folder: this device writes everything there too
    moved.mkdir()
    a.run("sync", str(moved))
    b.run("sync", str(moved))
    assert b.hashes() == a.hashes() and len(a.hashes()) == 2
    mine = folder / a.py("print(svc.store.device_id())").strip()
    (segment,) = mine.glob("seg-*.jsonl")
    segment.write_bytes(segment.read_bytes().replace(b"sage green", b"sage GREEN"))  # damaged in the folder
    a.run("sync", str(folder))  # not taken for another device's: written again
    c.run("sync", str(folder))
    assert c.hashes() == a.hashes()
    shutil.rmtree(mine)  # the device's folder deleted
    a.run("sync", str(folder))
    fresh = Device(tmp_path / "fresh")
    fresh.run("sync", str(folder))
    assert fresh.hashes() == a.hashes()


def test_a_copied_home_is_told_apart(a, folder, tmp_path):
    a.run("add", "first")
    a.run("sync", str(folder))
    copy = Device(tmp_path / "copy")
    shutil.copytree(a.home, copy.home)
    a.run("add", "second on a")
    a.run("sync", str(folder))
    copy.run("add", "on the copy")
    done = copy.run("sync", str(folder), check=False)
    assert done.returncode != 0 and "copied RECALL_HOME" in done.stderr
    assert f"with this one ({copy.home})" in done.stderr  # which of the two must renumber
    copy.run("sync", str(folder), "--new-device")
    assert len(copy.hashes()) == 3
    assert a.run("sync", str(folder)).returncode == 0  # and the original goes on as it was


def test_a_new_device_id_without_a_folder_to_sync_is_all_that_happens(a, folder):
    a.run("add", "first")
    before = a.py("print(svc.store.device_id())").strip()
    done = a.run("sync", "--new-device")
    now = a.py("print(svc.store.device_id())").strip()
    assert now != before and done.stderr == f"This store is now device {now}.\n" and done.stdout == ""
    assert a.run("sync", str(folder)).returncode == 0


def test_a_recall_home_is_refused_as_a_sync_folder(a, b, folder):
    a.run("add", "kept")
    b.run("add", "theirs")
    before = sorted(p.name for p in b.home.iterdir())
    (a.home / "index").mkdir(exist_ok=True)
    for home in (b.home, a.home, a.home / "index"):
        refused = a.run("sync", str(home), check=False)
        assert refused.returncode != 0 and refused.stderr.count("\n") == 1, refused.stderr
        assert "is a recall home, not a sync folder" in refused.stderr
    assert sorted(p.name for p in b.home.iterdir()) == before  # nothing written into the other home
    assert a.run("sync", str(folder)).returncode == 0


def test_a_missing_or_read_only_folder_is_one_line(a, folder, tmp_path):
    a.run("add", "kept")
    gone = a.run("sync", str(tmp_path / "nowhere"), check=False)
    assert gone.returncode != 0 and gone.stderr.count("\n") == 1 and "does not exist" in gone.stderr
    (tmp_path / "a-file").write_text("x")
    not_dir = a.run("sync", str(tmp_path / "a-file"), check=False)
    assert not_dir.returncode != 0 and "is a file, not a folder" in not_dir.stderr
    if os.geteuid() != 0:  # root writes anywhere
        folder.chmod(0o500)
        locked = a.run("sync", str(folder), check=False)
        assert locked.returncode != 0 and "cannot write" in locked.stderr
    assert len(a.hashes()) == 1


def test_clock_skew_of_hours_still_orders_changes(a, b, folder):
    b.env["RECALL_CLOCK_SKEW_MS"] = str(-3 * 3600 * 1000)  # b's clock is three hours behind
    a.py("svc.memories.add('semantic', 'The meeting is on Monday')")
    a.run("sync", str(folder))
    b.run("sync", str(folder))
    b.run("edit", "m1", "--text", "The meeting is on Tuesday")  # made after a's, with a slow clock
    for device in (b, a):
        device.run("sync", str(folder))
    assert list(a.memories().values()) == [("The meeting is on Tuesday", False)]


def test_sealed_segments_hold_no_plain_text_and_open_with_the_passphrase(a, b, folder):
    for device in (a, b):
        device.env["RECALL_SYNC_PASSPHRASE_CMD"] = "echo correct horse"
    a.run("add", "plaintextcanary42 is in the sealed segment")
    a.run("sync", str(folder))
    assert b"plaintextcanary42" not in raw_bytes(folder)
    b.run("sync", str(folder))
    assert b.hashes() == a.hashes()
    wrong = Device(b.home.parent / "wrong", {"RECALL_SYNC_PASSPHRASE_CMD": "echo battery staple"})
    wrong.run("add", "wrongcanary13 under another key")
    devices = sorted(folder.iterdir())
    done = wrong.run("sync", str(folder), check=False)  # refused: it would seal with a key nobody has
    assert done.returncode != 0 and "opens none of the other devices' sealed segments" in done.stderr
    assert len(wrong.hashes()) == 1 and sorted(folder.iterdir()) == devices  # nothing read, nothing written
    # a device with no passphrase at all writes nothing in plain text beside the sealed segments
    bare = Device(b.home.parent / "bare")
    bare.run("add", "barecanary77 would be in plain text")
    refused = bare.run("sync", str(folder), check=False)
    assert refused.returncode != 0 and "sync.passphrase_cmd" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert b"barecanary77" not in raw_bytes(folder) and bare.hashes() != set()


def test_a_passphrase_turned_on_later_seals_what_each_device_wrote_before(a, b, folder):
    a.run("add", "acanary31 written in plain text")
    b.run("add", "bcanary57: the alarm code is in the red book")
    for device in (a, b, a):
        device.run("sync", str(folder))
    b.env["RECALL_SYNC_PASSPHRASE_CMD"] = "echo correct horse"
    done = b.run("sync", str(folder))
    assert "sealed 1 of this device's segments written before the passphrase" in done.stdout
    assert "1 segment from other devices still in plain text" in done.stderr
    assert b"bcanary57" not in raw_bytes(folder) and b"acanary31" in raw_bytes(folder)
    a.env["RECALL_SYNC_PASSPHRASE_CMD"] = "echo correct horse"
    a.run("sync", str(folder))
    assert b"acanary31" not in raw_bytes(folder)
    assert "still plain text" not in b.run("sync", str(folder)).stderr
    assert a.hashes() == b.hashes() and len(a.hashes()) == 2


def test_two_devices_never_consolidate_the_same_events_twice(a, b, folder):
    store_lines(a, "line {i} about the trip", 1_700_000_000, source="chat", session="s1", actor="Ana")
    a.run("consolidate", "--no-llm")
    a.run("sync", str(folder))
    b.run("sync", str(folder))
    again = b.run("consolidate", "--no-llm").stdout
    assert "0 of 0 episodes" in again
    assert a.memories() == b.memories() and len(a.memories()) == 1


def test_a_summary_from_another_device_is_not_taken_for_a_local_episodes(a, b, folder):
    # each device numbers its episodes itself: a's episode 1 is not b's episode 1
    store_lines(a, "note {i} on the allotment", 1_700_000_000, session="garden.md")
    a.run("consolidate", "--no-llm")
    a.run("pin", "m1")
    a.run("sync", str(folder))
    store_lines(b, "line {i} about the trip", 1_700_100_000, source="chat", session="s1", actor="Ana")
    b.run("sync", str(folder))
    done = b.run("consolidate", "--no-llm").stdout
    assert "1 added, 0 updated" in done, done
    texts = sorted(text for text, _pinned in b.memories().values())
    assert len(texts) == 2 and "garden.md" in texts[1] and "Ana" in texts[0], texts
    b.run("sync", str(folder))
    a.run("sync", str(folder))
    assert a.memories() == b.memories()


def test_an_edit_made_after_forgetting_the_newest_memory_reaches_the_other_device(a, b, folder):
    for topic, day in (("allotment", 1_700_000_000), ("bike", 1_700_200_000)):
        store_lines(a, f"note {{i}} on the {topic}", day, session=f"{topic}.md")
    a.run("consolidate", "--no-llm")  # m1 and m2, one summary for each note
    a.run("sync", str(folder))
    b.run("sync", str(folder))
    a.run("forget", "m2", "--yes")  # the newest memory: its history rows had the highest ids
    a.run("edit", "m1", "--text", "The allotment notes, edited on a")
    a.run("sync", str(folder))
    b.run("sync", str(folder))
    assert [text for text, _ in b.memories().values()] == ["The allotment notes, edited on a"]
    assert a.memories() == b.memories()


def test_memories_that_arrive_by_sync_get_their_vectors_at_once(a, b, folder):
    store_lines(a, "note {i} on the allotment", 1_700_000_000, session="garden.md")
    a.run("consolidate", "--no-llm")
    a.run("sync", str(folder))
    b.run("sync", str(folder))
    a.run("edit", "m1", "--text", "The allotment plot is 14B, by the gate")  # a change, and no new event
    a.run("sync", str(folder))
    assert "0 events, 1 memory change" in b.run("sync", str(folder)).stdout
    checks = json.loads(b.run("doctor", "--no-llm", "--json", check=False).stdout)
    assert next(c for c in checks if c["name"] == "vectors")["status"] == "OK"


def test_export_then_import_into_an_empty_store_is_the_same_memory(a, tmp_path):
    a.run("add", "Sam's spare key is under the blue pot")
    a.py("svc.memories.add('semantic', 'Ana lives in Porto')")
    a.run("pin", "m1")
    a.run("edit", "m1", "--text", "Ana lives in Lisbon")
    a.run("forget", "1", "--yes")
    a.run("add", "dentist on Thursday")
    out = tmp_path / "memory.jsonl"
    a.run("export", "-o", str(out))
    assert out.stat().st_mode & 0o777 == 0o600
    fresh = Device(tmp_path / "fresh")
    imported = fresh.run("import", str(out))
    assert "(recall)" in imported.stdout
    assert fresh.hashes() == a.hashes()
    assert fresh.memories() == a.memories() == {next(iter(a.memories())): ("Ana lives in Lisbon", True)}
    history = [(h["action"], h["actor"], h["new_text"]) for h in json.loads(fresh.run("history", "m1",
                                                                                       "--json").stdout)]
    assert history == [(h["action"], h["actor"], h["new_text"]) for h in json.loads(a.run("history", "m1",
                                                                                          "--json").stdout)]
    again = fresh.run("import", str(out))
    assert "Imported 0 events and 0 memory changes" in again.stdout


def test_a_markdown_export_is_a_folder_of_days_and_kinds(a, tmp_path):
    a.run("add", "dentist on Thursday", "--time", "2026-11-20T10:00")
    a.py("svc.memories.add('semantic', 'Ana lives in Porto')")
    wrote = a.run("export", "--format", "markdown", "-o", str(tmp_path / "md"))
    assert wrote.stderr == f"Wrote 1 event in 1 day file and 1 memory to {tmp_path / 'md'}.\n"
    assert "dentist on Thursday" in (tmp_path / "md" / "events" / "2026-11-20.md").read_text()
    assert "Ana lives in Porto" in (tmp_path / "md" / "memories" / "semantic.md").read_text()
    # read back, it would store every event again as notes: its files are passed over, nothing
    # stored, with one warning line (no failure: `recall import ~/notes` holding it runs from cron)
    again = a.run("import", str(tmp_path / "md"), check=False)
    assert again.returncode == 0
    assert again.stderr == (f"Warning: skipped {tmp_path / 'md' / 'events' / '2026-11-20.md'} and 1 more file: a "
                            "recall Markdown export (for reading; read as notes, its events would be stored "
                            "twice; to move events between stores, import a JSONL export: recall export -o FILE)\n")
    assert len(a.hashes()) == 1


def test_a_markdown_export_writes_no_terminal_escapes_a_stored_text_holds(a, tmp_path):
    a.run("add", "bell\x07 esc\x1b[31mred\x1b[0m", "--time", "2026-11-20T10:00")
    a.run("export", "--format", "markdown", "-o", str(tmp_path / "md"))
    day = (tmp_path / "md" / "events" / "2026-11-20.md").read_text()
    assert "bell escred" in day and "\x1b" not in day and "\x07" not in day


def test_a_markdown_export_again_into_its_folder_leaves_no_forgotten_day_behind(a, tmp_path):
    a.run("add", "dentist on Thursday", "--time", "2026-11-20T10:00")
    a.run("add", "Dr. Okafor: the biopsy was clear", "--time", "2026-11-21T10:00")
    md = tmp_path / "md"
    a.run("export", "--format", "markdown", "-o", str(md))
    (md / "events" / "my-own-notes.md").write_text("kept: written by me, not by an export\n")
    a.run("forget", "2", "--yes")
    a.run("export", "--format", "markdown", "-o", str(md))
    assert sorted(p.name for p in (md / "events").iterdir()) == ["2026-11-20.md", "my-own-notes.md"]
    assert not any("Okafor" in p.read_text() for p in md.rglob("*.md"))


def test_a_markdown_day_keeps_a_reply_after_its_question_in_the_same_minute(a, tmp_path):
    a.run("add", "what should I pack for Kyoto?", "--speaker", "user", "--source", "chat",
          "--time", "2026-11-20T10:00:05")
    a.run("add", "Layers and an umbrella.", "--speaker", "assistant", "--source", "chat",
          "--time", "2026-11-20T10:00:40")
    a.run("export", "--format", "markdown", "-o", str(tmp_path / "md"))
    day = (tmp_path / "md" / "events" / "2026-11-20.md").read_text()
    assert day.index("what should I pack") < day.index("Layers and an umbrella")


def test_a_backup_taken_while_another_process_writes_is_sound(a, tmp_path):
    import sqlite3

    a.run("add", "first")
    env = {**os.environ, "RECALL_HOME": str(a.home)}
    writer = subprocess.Popen([sys.executable, "-c",
                               f"import sys; sys.path.insert(0, {str(ROOT)!r})\nfrom recall_cli.service import Recall\n"
                               "svc = Recall()\nfor i in range(400):\n    svc.add(f'note {i}')\n"],
                              env=env)
    try:
        backup = tmp_path / "backup.db"
        a.run("backup", str(backup))  # while the writer is adding
    finally:
        writer.wait(60)
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert 1 <= conn.execute("SELECT count(*) FROM events").fetchone()[0] <= 401
    conn.close()
    assert backup.stat().st_mode & 0o777 == 0o600
    saved = sqlite3.connect(backup).execute("SELECT count(*) FROM events").fetchone()[0]
    a.run("add", "after the backup")
    restored = a.run("backup", str(backup), "--restore", "--yes")
    assert "kept as" in restored.stdout
    assert len(a.hashes()) == saved


def test_restore_refuses_a_file_that_is_not_a_recall_store(a, tmp_path):
    a.run("add", "kept")
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"not a database at all")
    done = a.run("backup", str(bogus), "--restore", check=False)
    assert done.returncode != 0 and "not a recall backup" in done.stderr
    assert len(a.hashes()) == 1


def test_an_event_record_without_text_or_with_a_bad_hash_is_skipped_with_a_warning(b, folder):
    import hashlib

    from recall_cli.sync.segment import Segment, encode

    other = folder / "0123456789ab"
    other.mkdir()
    good = {"t": "event", "text": "the bins go out on Tuesday", "ts": 1_700_000_000.0, "source": "note"}
    bad = [{**good, "text": None}, {**good, "text": "  "}, {**good, "text": "short hash", "hash": "11"}]
    (other / "seg-00000001.jsonl").write_bytes(encode(Segment("0123456789ab", 1, [good, *bad])))
    done = b.run("sync", str(folder))
    assert done.stderr.count("malformed event record") == 3
    svc = b.service()
    try:
        assert [e.text for e in svc.store.events_after(0, 100)] == ["the bins go out on Tuesday"]
        assert len(svc.store.events_after(0, 100)[0].content_hash) == len(hashlib.sha256().hexdigest())
    finally:
        svc.close()


def test_an_empty_sync_folder_is_refused_not_taken_for_the_folder_you_are_in(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli("add", "a private note")
    assert cli("sync", "") == (2, "", "Error: the sync folder is empty: name one, or leave it out to use "
                                       "sync.dir\n")
    assert not [p for p in tmp_path.iterdir() if p.is_dir() and p.name != "recall-home"]  # no device folder


def test_sync_dir_is_stored_as_a_full_path_and_a_relative_one_is_refused(cli, tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    cli("add", "a note to sync")
    assert cli("config", "set", "sync.dir", "S3")[0] == 0
    assert cli("config", "get", "sync.dir")[1] == f"{tmp_path / 'work' / 'S3'}\n"
    monkeypatch.chdir(tmp_path)  # elsewhere, the same folder
    (tmp_path / "work" / "S3").mkdir()
    assert cli("sync")[0] == 0 and any((tmp_path / "work" / "S3").iterdir())
    monkeypatch.setenv("RECALL_SYNC_DIR", "S4")
    code, _, err = cli("sync")
    assert code == 2 and err.startswith("Error: sync.dir is a relative path (S4): set it to a full path")

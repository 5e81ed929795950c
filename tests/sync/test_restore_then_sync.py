"""`recall backup --restore` of a device's own backup, then `recall sync`: the device goes on
under its id, takes back what it synced after the backup was made, and a second machine
writing under the same id is still refused."""

from __future__ import annotations

from tests.sync.test_sync import Device, raw_bytes


def test_syncing_after_restoring_your_own_backup_takes_back_what_was_synced_after_it(a, b, folder, tmp_path):
    backup = tmp_path / "m.db"
    a.run("add", "M1: the water meter is read on the 1st")
    a.run("sync", str(folder))
    a.run("backup", str(backup))
    a.run("add", "M3: the car service is due in March")
    a.py("svc.memories.add('semantic', 'The car is serviced at the garage on Elm Road')")
    a.run("sync", str(folder))
    restored = a.run("backup", str(backup), "--restore", "--yes").stdout
    device = a.py("print(svc.store.device_id())").strip()
    assert f"Sync goes on as device {device}" in restored
    done = a.run("sync", str(folder))
    assert "took back 1 segment" in done.stdout, done.stdout
    texts = {text for text, _pinned in a.memories().values()}
    assert texts == {"The car is serviced at the garage on Elm Road"}
    # captured here: consolidated here, and not written to the folder a second time
    assert a.py("print([e.text for e in svc.store.local_events(0)])").count("M3:") == 1
    assert raw_bytes(folder).count(b"M3: the car service") == 1
    a.run("add", "M4: after the restore")
    a.run("sync", str(folder))
    b.run("sync", str(folder))
    assert a.hashes() == b.hashes() and len(a.hashes()) == 3
    assert a.memories() == b.memories()
    assert "took back" not in a.run("sync", str(folder)).stdout  # once


def test_a_second_machine_restored_from_the_backup_is_still_refused_once_both_write(a, folder, tmp_path):
    backup = tmp_path / "m.db"
    a.run("add", "first")
    a.run("sync", str(folder))
    a.run("backup", str(backup))
    a.run("add", "second on a")
    a.run("sync", str(folder))
    other = Device(tmp_path / "other")  # a new machine, while the first one still syncs
    other.run("backup", str(backup), "--restore", "--yes")
    other.run("sync", str(folder))
    assert len(other.hashes()) == 2
    a.run("add", "third on a")
    a.run("sync", str(folder))
    other.run("add", "on the other machine")
    done = other.run("sync", str(folder), check=False)
    assert done.returncode != 0 and "copied RECALL_HOME" in done.stderr
    other.run("sync", str(folder), "--new-device")
    assert len(other.hashes()) == 4
    assert a.run("sync", str(folder)).returncode == 0


def test_restoring_another_devices_backup_says_to_give_one_of_them_a_new_id(a, b, folder, tmp_path):
    backup = tmp_path / "b.db"
    b.run("add", "on b")
    b.run("sync", str(folder))  # (a store that never synced has no id yet: the restore gives it its own)
    b.run("backup", str(backup))
    a.run("add", "on a")
    said = a.run("backup", str(backup), "--restore", "--yes").stdout
    theirs = b.py("print(svc.store.device_id())").strip()
    assert f"made by device {theirs}, not by the store it replaced" in said
    assert "recall sync --new-device" in said

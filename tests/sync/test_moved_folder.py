"""The same sync folder at another path (moved, a USB stick mounted elsewhere, a renamed
home) is the folder this device synced before, not a copied home's."""

from __future__ import annotations

import json
import shutil


def test_a_sync_folder_moved_to_another_path_goes_on_where_it_was(a, b, folder, tmp_path):
    a.run("add", "the oil change is due at 90,000 km")
    a.run("sync", str(folder))
    b.run("add", "the bike needs new brake pads")
    b.run("sync", str(folder))
    a.run("sync", str(folder))
    moved = tmp_path / "media" / "usb"
    moved.parent.mkdir()
    shutil.move(folder, moved)  # mounted elsewhere next time
    a.run("add", "the sage green paint is for the hall")
    done = a.run("sync", str(moved), "--json")
    report = json.loads(done.stdout)
    assert report["moved_from"] == str(folder.resolve())
    assert report["written"] == 1  # only what is new: not everything again, and no copy refused
    assert report["read"] == 0  # b's segment was merged at the old path already
    said = a.run("sync", str(moved)).stdout
    assert "nothing new to write" in said and "synced before" not in said  # taken over once
    b.run("sync", str(moved))
    assert b.hashes() == a.hashes() and len(a.hashes()) == 3


def test_a_copied_home_is_refused_in_a_moved_folder_too(a, folder, tmp_path):
    a.run("add", "first")
    a.run("sync", str(folder))
    copy_home = tmp_path / "copy"
    shutil.copytree(a.home, copy_home)
    a.run("add", "second on a")
    a.run("sync", str(folder))  # a segment the copy never wrote
    moved = tmp_path / "moved"
    shutil.move(folder, moved)
    from tests.sync.test_sync import Device

    copy = Device(copy_home)
    done = copy.run("sync", str(moved), check=False)
    assert done.returncode != 0 and "copied RECALL_HOME" in done.stderr

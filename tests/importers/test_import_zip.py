"""A ChatGPT or Claude export as it arrives: a ZIP whose conversations.json holds the chats."""

from __future__ import annotations

import json
import stat
import zipfile

import pytest

from tests.importers.helpers import DATA


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(("fixture", "member", "fmt"), [
    ("chatgpt_conversations.json", "conversations.json", "chatgpt"),
    ("claude_conversations.json", "data-2026-11-30/conversations.json", "claude"),
])
def test_an_export_zip_imports_its_conversations(cli, recall_home, tmp_path, fixture, member, fmt):
    archive = _zip(tmp_path / "export.zip", {member: (DATA / fixture).read_bytes(), "users.json": b"[]",
                                              "chat.html": b"<html>big page</html>"})
    code, out, err = cli("import", str(archive), "--json")
    assert code == 0, err
    report = json.loads(out)
    plain = json.loads(cli("import", str(DATA / fixture), "--json")[1])
    assert (report["format"], report["inserted"]) == (fmt, plain["duplicates"])  # the same events
    assert report["path"] == f"{archive}:conversations.json"
    scratch = recall_home / "tmp"
    assert list(scratch.iterdir()) == [] and stat.S_IMODE(scratch.stat().st_mode) == 0o700


def test_a_zip_without_conversations_says_what_it_looked_for(cli, tmp_path):
    archive = _zip(tmp_path / "photos.zip", {"a.json": b"{}"})
    assert cli("import", str(archive)) == (
        4, "", f"Error: {archive}: a ZIP without conversations.json (a ChatGPT or Claude export has one); "
               "unzip it and import the files you want\n")
    assert json.loads(cli("stats", "--json")[1])["events"] == 0


def test_a_damaged_zip_is_a_one_line_error(cli, tmp_path):
    good = _zip(tmp_path / "good.zip", {"conversations.json": (DATA / "chatgpt_conversations.json").read_bytes()})
    broken = tmp_path / "broken.zip"
    broken.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    code, out, err = cli("import", str(broken))
    assert code == 4 and err.startswith(f"Error: {broken}: a damaged ZIP file (") and err.count("\n") == 1


def test_a_member_over_the_import_limit_is_refused_before_it_is_unpacked(cli, recall_home, tmp_path):
    assert cli("config", "set", "import.max_bytes", "1000")[0] == 0
    archive = _zip(tmp_path / "bomb.zip", {"conversations.json": b"[" + b" " * 50_000 + b"]"})
    code, _, err = cli("import", str(archive))
    assert code == 4 and "over import.max_bytes (1,000)" in err
    assert not any((recall_home / "tmp").glob("*"))  # nothing unpacked


def test_a_copy_a_killed_import_left_behind_is_removed_by_the_next_import(cli, recall_home, tmp_path):
    import os
    import time

    scratch = recall_home / "tmp"
    scratch.mkdir(parents=True)
    left = scratch / "export-killed.json"
    left.write_text('[{"title": "holds unredacted chat text"}]')
    hour_ago = time.time() - 7200
    os.utime(left, (hour_ago, hour_ago))
    archive = _zip(tmp_path / "export.zip", {"conversations.json": (DATA / "chatgpt_conversations.json").read_bytes()})
    assert cli("import", str(archive))[0] == 0
    assert not left.exists()


def test_a_zip_with_two_exports_is_refused_rather_than_half_imported(cli, tmp_path):
    chatgpt = (DATA / "chatgpt_conversations.json").read_bytes()
    claude = (DATA / "claude_conversations.json").read_bytes()
    archive = _zip(tmp_path / "both.zip", {"chatgpt/conversations.json": chatgpt, "claude/conversations.json": claude})
    code, _, err = cli("import", str(archive))
    assert code == 4 and "a ZIP with 2 conversations.json files" in err and "unzip it and import each" in err
    assert json.loads(cli("stats", "--json")[1])["events"] == 0


def test_a_zip_whose_compressed_data_is_damaged_is_a_one_line_error(cli, tmp_path):
    good = _zip(tmp_path / "good.zip", {"conversations.json": (DATA / "chatgpt_conversations.json").read_bytes()})
    data = bytearray(good.read_bytes())
    start = data.index(b"conversations.json") + len("conversations.json") + 40  # inside the deflated member
    for i in range(start, start + 30):
        data[i] ^= 0xFF
    broken = tmp_path / "flipped.zip"
    broken.write_bytes(bytes(data))
    code, _, err = cli("import", str(broken))
    assert code == 4 and err.startswith(f"Error: {broken}: a damaged ZIP file (") and err.count("\n") == 1


def test_a_bad_export_inside_a_zip_is_named_by_the_zip_and_its_member(cli, recall_home, tmp_path):
    archive = _zip(tmp_path / "export.zip", {"conversations.json": b'[{"title": "x", "mapping": {'})
    code, out, err = cli("import", str(archive))
    assert code == 4 and out == ""
    assert err.startswith(f"Error: {archive}:conversations.json:line 1 column ") and "invalid JSON" in err
    assert str(recall_home / "tmp") not in err  # not the scratch copy, gone by now


def test_a_password_protected_zip_is_a_one_line_error_naming_it(cli, recall_home, tmp_path):
    data = bytearray(_zip(tmp_path / "plain.zip", {"conversations.json": b"[]"}).read_bytes())
    for header, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # marked encrypted, as `zip -P` marks it
        data[data.index(header) + flags] |= 0x1
    archive = tmp_path / "export.zip"
    archive.write_bytes(bytes(data))
    assert cli("import", str(archive)) == (
        4, "", f"Error: {archive}: a password-protected ZIP (conversations.json is encrypted); unzip it with its "
               "password and import conversations.json\n")
    assert json.loads(cli("stats", "--json")[1])["events"] == 0
    assert not any((recall_home / "tmp").glob("*"))


def test_a_zipped_export_is_forgotten_by_the_zip_it_came_in(cli, tmp_path):
    archive = _zip(tmp_path / "export.zip", {"conversations.json": (DATA / "chatgpt_conversations.json").read_bytes()})
    cli("import", str(archive))
    cli("add", "Sam's spare key is under the blue pot")
    assert f"File:          {archive.resolve()}" in cli("show", "1")[1]  # not the copy it was read from
    assert cli("forget", "--file", str(archive), "--yes")[1] == "Deleted 9 events and 0 memories.\n"
    assert json.loads(cli("stats", "--json")[1])["events"] == 1

"""`recall import PATH...`: several files and whole folders, a line per file, the notes dated
by their headings or front matter, one bad file never holding back the others."""

from __future__ import annotations

import json
from pathlib import Path

from recall_cli.timeutil import iso, parse_time


def notes(root: Path) -> Path:
    folder = root / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / "a.md").write_text("# 2026-11-02\n\nBought a film camera for Maya.\n", encoding="utf-8")
    (folder / "sub" / "b.md").write_text("---\ndate: 2026-10-01\n---\nThe boiler was serviced.\n", encoding="utf-8")
    (folder / "c.json").write_text("{bad json", encoding="utf-8")
    (folder / ".git" / "hidden.md").write_text("never read", encoding="utf-8")
    return folder


def test_a_folder_imports_recursively_with_a_line_per_file(cli, tmp_path):
    folder = notes(tmp_path)
    code, out, err = cli("import", str(folder))
    assert code == 4
    assert out.splitlines() == [
        f"Imported 1 event from {folder / 'a.md'} (markdown); 0 already known.",
        f"Imported 1 event from {folder / 'sub' / 'b.md'} (markdown); 0 already known.",
        "Imported 2 events from 2 of 3 files; 0 already known; 1 failed (above).",
    ]
    assert err.startswith(f"Error: {folder / 'c.json'}:line 1 column 2: invalid JSON")
    code, out, _ = cli("search", "boiler", "--json")
    hit = json.loads(out)["results"][0]
    assert hit["time"] == iso(parse_time("2026-10-01"))  # from the front matter


def test_a_file_named_and_in_a_folder_named_too_is_read_once(cli, tmp_path, monkeypatch):
    folder = notes(tmp_path)
    (folder / "c.json").unlink()
    monkeypatch.chdir(folder)
    code, out, _ = cli("import", str(folder), "a.md", str(folder / "sub" / "b.md"))
    assert code == 0
    assert out.splitlines()[-1] == "Imported 2 events from 2 of 2 files; 0 already known."


def test_several_files_and_a_second_run_adds_nothing(cli, tmp_path):
    folder = notes(tmp_path)
    args = [str(folder / "a.md"), str(folder / "sub" / "b.md")]
    assert cli("import", *args)[0] == 0
    code, out, _ = cli("import", *args, "--json")
    assert code == 0
    assert json.loads(out)["duplicates"] == 2 and json.loads(out)["inserted"] == 0


def test_a_missing_path_is_one_line(cli, tmp_path):
    code, out, err = cli("import", str(tmp_path / "nowhere"))
    assert code != 0 and out == "" and err == f"Error: {tmp_path / 'nowhere'}: no such file or folder\n"


def test_empty_notes_in_a_folder_are_passed_over_not_failed(cli, tmp_path):
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "2026-11-03.md").write_text("", encoding="utf-8")  # a daily note not yet written
    (folder / "2026-11-04.md").write_text("  \n\n", encoding="utf-8")
    (folder / "2026-11-05.md").write_text("---\ntags: [daily]\n---\n", encoding="utf-8")
    (folder / "garden.md").write_text("Planted the garlic by the shed.\n", encoding="utf-8")
    code, out, err = cli("import", str(folder))
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "Imported 1 event from 1 of 4 files; 0 already known; 3 empty notes passed over."
    # named on its own, an empty file is still an error
    assert cli("import", str(folder / "2026-11-03.md"))[0] == 4


def test_unfilled_template_notes_in_a_folder_are_passed_over_as_empty(cli, tmp_path):
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "2025-10-06.md").write_text("# 2025-10-06\n\n## Tasks\n\n- [ ] \n\n## Notes\n\n", encoding="utf-8")
    (folder / "meeting.md").write_text("# Meeting notes\n\n## Attendees\n\n## Actions\n", encoding="utf-8")
    (folder / "idea.md").write_text("---\ntags: [idea]\n---\n<!-- what is the idea? -->\n{{cursor}}\n")
    (folder / "bike.md").write_text("Real note: the bike shop closes at 6 on Saturdays.\n", encoding="utf-8")
    code, out, err = cli("import", str(folder))
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "Imported 1 event from 1 of 4 files; 0 already known; 3 empty notes passed over."
    # named on its own, it says why nothing was imported
    assert cli("import", str(folder / "meeting.md")) == (
        4, "", f"Error: {folder / 'meeting.md'}: nothing to import: no paragraphs (only headings, comments or a "
               "template's empty slots)\n")


def test_a_link_out_of_the_folder_or_to_a_note_in_it_is_not_imported(cli, tmp_path):
    outside = tmp_path / "private.md"
    outside.write_text("bank details that are not in the notes folder\n", encoding="utf-8")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "garden.md").write_text("Planted the garlic by the shed.\n", encoding="utf-8")
    (folder / "private-link.md").symlink_to(outside)
    (folder / "garden-link.md").symlink_to(folder / "garden.md")
    code, out, _ = cli("import", str(folder))
    assert code == 0 and out.splitlines()[-1] == "Imported 1 event from 1 of 1 file; 0 already known."
    assert "not in the notes" not in cli("search", "bank details")[1]
    assert "(2×)" not in cli("search", "garlic")[1]


def test_a_folder_of_many_notes_gets_a_line_for_the_first_twenty_and_the_total(cli, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(25):
        (folder / f"note-{i:03}.md").write_text(f"Note number {i} about the garden.\n", encoding="utf-8")
    code, out, _ = cli("import", str(folder))
    lines = out.splitlines()
    assert code == 0 and len(lines) == 22
    assert lines[19] == f"Imported 1 event from {folder / 'note-019.md'} (markdown); 0 already known."
    assert lines[20:] == ["(a line for each of the first 20 files; --json lists every file)",
                          "Imported 25 events from 25 of 25 files; 0 already known."]


def test_recalls_own_markdown_export_in_a_folder_is_passed_over_with_a_warning(cli, tmp_path):
    folder = tmp_path / "notes"
    assert cli("add", "Sam's spare key is under the blue pot", "--time", "2026-11-01")[0] == 0
    assert cli("export", "--format", "markdown", "-o", str(folder / "recall"))[0] == 0
    (folder / "garden.md").write_text("Planted the garlic by the shed.\n", encoding="utf-8")
    exported = folder / "recall" / "events" / "2026-11-01.md"
    code, out, err = cli("import", str(folder))
    assert code == 0
    assert err == (f"Warning: skipped {exported}: a recall Markdown export (for reading; read as notes, its events "
                   "would be stored twice; to move events between stores, import a JSONL export: recall export -o "
                   "FILE)\n")
    assert out.splitlines()[-1] == ("Imported 1 event from 1 of 2 files; 0 already known; 1 file of a recall "
                                    "Markdown export passed over.")
    assert json.loads(cli("stats", "--json")[1])["events"] == 2  # the key is not stored again as a note
    code, _, err = cli("import", str(exported))  # named on its own, it is still refused
    assert code == 4 and "a recall Markdown export is for reading" in err


def test_records_skipped_in_a_folder_are_named_and_exit_as_importing_the_file_alone_does(cli, tmp_path):
    folder = tmp_path / "dir1"
    folder.mkdir()
    (folder / "mixed.jsonl").write_text('{"text": "good one", "time": "2023-01-01"}\n{bad\n'
                                        '{"text": "good two", "time": "2023-01-02"}\n', encoding="utf-8")
    alone_code, _, alone_err = cli("import", str(folder / "mixed.jsonl"))
    assert alone_code == 4 and alone_err.startswith(f"Error: {folder / 'mixed.jsonl'}:line 2 column 2: invalid JSON")
    code, out, err = cli("import", str(folder))
    assert (code, err) == (alone_code, alone_err)
    assert out.splitlines()[-1] == "Imported 0 events from 1 of 1 file; 2 already known; 1 file with records " \
                                   "skipped (above)."


def _without_root_powers() -> list[str]:
    """A command prefix that runs a command as root without the power to read any file."""
    import os
    import shutil

    import pytest

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to take away the power to read any file")
    return ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]


def test_an_unreadable_file_or_folder_is_named_and_the_rest_of_the_folder_still_lands(tmp_path, recall_home):
    import os
    import subprocess
    import sys

    prefix = _without_root_powers()
    folder = tmp_path / "notes"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.md").write_text("# a\n\nlocked note about damsons.\n", encoding="utf-8")
    (folder / "b.md").write_text("# b\n\nreadable note about plums.\n", encoding="utf-8")
    (folder / "locked" / "x.md").write_text("# x\n\nhidden note about quinces.\n", encoding="utf-8")
    (folder / "a.md").chmod(0)
    (folder / "locked").chmod(0)
    try:
        env = os.environ | {"RECALL_HOME": str(recall_home), "HF_HUB_OFFLINE": "1"}
        done = subprocess.run([*prefix, sys.executable, "-m", "recall_cli", "import", str(folder)],
                              env=env, capture_output=True, text=True, timeout=300)
    finally:
        (folder / "a.md").chmod(0o600)
        (folder / "locked").chmod(0o700)
    assert done.returncode == 4
    assert done.stdout.splitlines()[-1] == "Imported 1 event from 1 of 3 files; 0 already known; 2 failed (above)."
    assert done.stderr.splitlines() == [f"Error: {folder / 'locked'}: cannot read it (Permission denied)",
                                        "Error: and 1 more file: cannot read it (Permission denied)"]


def test_a_file_name_with_a_line_break_is_shown_escaped_and_cannot_forge_a_report_line(cli, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "old\nnotes.md").write_text("# x\n\ncafe notes\n", encoding="utf-8")
    (folder / "x\nImported 5 events from fake.md (markdown); 0 already known..md").write_bytes(b"\x00\x01" * 200)
    code, out, err = cli("import", str(folder))
    assert code == 4
    assert out.splitlines() == [f"Imported 1 event from {folder}/old\\nnotes.md (markdown); 0 already known.",
                                "Imported 1 event from 1 of 2 files; 0 already known; 1 failed (above)."]
    assert err.splitlines() == [f"Error: {folder}/x\\nImported 5 events from fake.md (markdown); 0 already known..md: "
                                "binary file (NUL byte at offset 0), not text"]


def test_a_note_whose_file_name_is_not_utf8_is_imported(cli, tmp_path):
    import os

    folder = tmp_path / "n"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.md"), "w", encoding="utf-8") as fh:  # a Latin-1 name
        fh.write("# b\n\nNote about chard.\n")
    code, out, err = cli("import", str(folder))
    assert (code, err) == (0, "") and out.endswith("Imported 1 event from 1 of 1 file; 0 already known.\n")
    assert "Note about chard." in cli("search", "chard")[1]


DATA = Path(__file__).resolve().parents[1] / "data" / "importers"


def test_a_zipped_chat_export_in_a_folder_is_imported_and_other_zips_are_not(cli, tmp_path):
    import zipfile

    folder = tmp_path / "exports"
    folder.mkdir()
    with zipfile.ZipFile(folder / "chatgpt-export.zip", "w") as archive:
        archive.writestr("conversations.json", (DATA / "chatgpt_conversations.json").read_bytes())
    with zipfile.ZipFile(folder / "photos.zip", "w") as archive:
        archive.writestr("cat.jpg", b"\xff\xd8 not a chat")
    code, out, err = cli("import", str(folder))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Imported 9 events from {folder / 'chatgpt-export.zip'}:conversations.json (chatgpt); 0 already known.",
        "Imported 9 events from 1 of 1 file; 0 already known."]
    (folder / "chatgpt-export.zip").unlink()
    assert cli("import", str(folder))[2] == (
        f"Error: {folder}: no notes or exports in this folder (looked for .md, .markdown, .txt, .org, .rst, .json, "
        ".jsonl and chat exports in .zip)\n")


def test_an_unzipped_chat_exports_account_files_are_passed_over(cli, tmp_path):
    chatgpt, claude = tmp_path / "chatgpt", tmp_path / "claude"
    for folder, fixture in ((chatgpt, "chatgpt_conversations.json"), (claude, "claude_conversations.json")):
        folder.mkdir()
        (folder / "conversations.json").write_bytes((DATA / fixture).read_bytes())
    (chatgpt / "user.json").write_text('{"id": "user-abc", "email": "me@example.com", "chatgpt_plus_user": true}')
    (chatgpt / "message_feedback.json").write_text('[{"id": "fb1", "conversation_id": "c1", "rating": "thumbsUp"}]')
    (chatgpt / "shared_conversations.json").write_text("[]")
    (claude / "users.json").write_text('[{"uuid": "u1", "full_name": "Me", "email_address": "me@example.com"}]')
    (claude / "projects.json").write_text('[{"uuid": "p1", "name": "Garden", "docs": []}]')
    code, out, err = cli("import", str(chatgpt))
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == ("Imported 9 events from 1 of 4 files; 0 already known; 3 account files of a chat "
                                    "export passed over.")
    code, out, err = cli("import", str(claude))
    assert (code, err) == (0, "") and "2 account files of a chat export passed over." in out
    # named on its own, such a file is still refused: no format reads it
    assert cli("import", str(claude / "users.json"))[0] == 4


def test_a_markdown_export_imported_into_a_new_store_points_to_the_export_that_moves_events(cli, tmp_path):
    # a new machine's store holds none of its events: the warning must not say they are stored
    # already, and it names the export that carries them
    from recall_cli.importers.markdown import EXPORT_MARK

    folder = tmp_path / "md"
    folder.mkdir()
    for day, text in (("2026-11-01", "Sam's key."), ("2026-11-02", "Dentist.")):
        (folder / f"{day}.md").write_text(f"{EXPORT_MARK}\n# {day}\n\n## 10:00 · note · [1]\n\n{text}\n",
                                          encoding="utf-8")
    code, out, err = cli("import", str(folder))
    assert "stored already" not in err
    assert "import a JSONL export: recall export -o FILE" in err
    assert json.loads(cli("stats", "--json")[1])["events"] == 0

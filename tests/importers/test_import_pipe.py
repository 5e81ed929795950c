"""`recall import` of a pipe (/dev/stdin, <(...), a FIFO): what it holds is read once, within
import.max_bytes, and imported as the file it would be."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from tests.importers.helpers import DATA


def _fifo(path: Path, data: bytes) -> Path:
    """A FIFO at ``path`` that a thread fills with ``data`` once a reader opens it."""
    os.mkfifo(path)

    def fill() -> None:
        with open(path, "wb") as out:
            try:
                out.write(data)
            except BrokenPipeError:  # (the reader stopped at the limit)
                pass

    threading.Thread(target=fill, daemon=True).start()
    return path


def test_a_fifo_is_read_and_imported_as_the_file_it_holds(cli, recall_home, tmp_path):
    pipe = _fifo(tmp_path / "pipe.json", (DATA / "chatgpt_conversations.json").read_bytes())
    code, out, err = cli("import", str(pipe), "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert (report["path"], report["format"], report["inserted"]) == (str(pipe), "chatgpt", 9)
    assert list((recall_home / "tmp").iterdir()) == []  # the copy is gone


def test_a_pipe_without_a_name_to_tell_its_format_is_known_by_its_content(cli, tmp_path):
    pipe = _fifo(tmp_path / "63", b'{"text": "Boiler service on the 14th", "time": "2026-01-02"}\n'
                                   b'{"text": "Descaler under the sink", "time": "2026-01-03"}\n')
    code, out, err = cli("import", str(pipe))
    assert (code, err) == (0, "") and out == f"Imported 2 events from {pipe} (jsonl); 0 already known.\n"


def test_a_pipe_over_the_import_limit_or_empty_is_a_one_line_error(cli, tmp_path):
    assert cli("config", "set", "import.max_bytes", "1000")[0] == 0
    pipe = _fifo(tmp_path / "big.jsonl", b'{"text": "x"}\n' * 200)
    assert cli("import", str(pipe)) == (4, "", f"Error: {pipe}: what the pipe holds runs past import.max_bytes "
                                               "(1,000)\n")
    assert cli("import", os.devnull) == (4, "", f"Error: {os.devnull}: empty (nothing came through the pipe)\n")
    assert json.loads(cli("stats", "--json")[1])["events"] == 0


def test_what_a_pipe_held_names_no_file_it_came_from(cli, recall_home, tmp_path):
    pipe = _fifo(tmp_path / "pipe.json", (DATA / "chatgpt_conversations.json").read_bytes())
    assert cli("import", str(pipe))[0] == 0
    assert "File:" not in cli("show", "1")[1]  # (the copy it was read from is gone)

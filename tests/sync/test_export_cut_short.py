"""An export that was cut short (an interrupted `recall export > file`, a copy that stopped,
a disk that filled up) is not taken for the whole memory: its import says what is missing and
exits non-zero, while an export written before exports had an end record imports as it did."""

from __future__ import annotations

import json
from pathlib import Path

from recall_cli.config import load_config
from recall_cli.models import Event
from recall_cli.service import Recall
from recall_cli.sync.exchange import export_jsonl

T0 = 1_772_532_300.0  # 2026-03-03 10:05


def _exported(tmp_path: Path, embedder) -> list[str]:
    """The lines of an export of three notes, a pinned memory and a forgotten note."""
    source = Recall(load_config(tmp_path / "source"), embedder=embedder)
    source.store_events([Event(f"Note number {i} about the garden shed", T0 + i * 60, actor="me") for i in range(4)])
    memory = source.memories.add("semantic", "The garden shed needs a new roof", sources=[1])
    source.memories.set_pinned(memory.id, True)
    source.forget(source.plan_forget([4]))
    path = tmp_path / "whole.jsonl"
    with path.open("w", encoding="utf-8") as out:
        export_jsonl(source, out)
    source.close()
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_an_export_cut_short_at_a_line_end_says_so_and_exits_non_zero(cli, embedder, tmp_path):
    lines = _exported(tmp_path, embedder)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines[:3]), encoding="utf-8")  # the header and two events, nothing after

    code, out, err = cli("import", str(cut))

    assert code == 4, (out, err)
    assert "cut short" in err
    assert out.startswith("Imported 2 events") and out.endswith("; the file is incomplete.\n")
    assert "skipped" not in out  # no record was skipped: the file lacks them


def test_an_export_missing_lines_in_the_middle_names_what_is_missing(cli, embedder, tmp_path):
    lines = _exported(tmp_path, embedder)
    holed = tmp_path / "holed.jsonl"
    holed.write_text("".join(line for line in lines if '"t":"change"' not in line), encoding="utf-8")

    code, _, err = cli("import", str(holed))

    assert code == 4
    assert "memory change" in err and "missing" in err


def test_a_whole_export_ends_with_a_record_counting_what_it_holds_and_imports_cleanly(cli, embedder, tmp_path):
    lines = _exported(tmp_path, embedder)
    end = json.loads(lines[-1])
    assert end == {"t": "end", "events": 3, "changes": sum('"t":"change"' in line for line in lines),
                   "tombstones": 1}

    code, out, err = cli("import", str(tmp_path / "whole.jsonl"))

    assert code == 0, err
    assert "skipped" not in out
    assert json.loads(cli("memories", "--json")[1])[0]["pinned"] is True


def test_an_export_written_before_the_end_record_existed_imports_as_before(cli, embedder, tmp_path):
    lines = _exported(tmp_path, embedder)
    header = json.loads(lines[0])
    del header["end"]
    old = tmp_path / "old.jsonl"
    old.write_text(json.dumps(header) + "\n" + "".join(lines[1:-1]), encoding="utf-8")

    code, out, err = cli("import", str(old))

    assert code == 0, err
    assert "Imported 3 events" in out


def test_an_export_that_fails_half_way_leaves_no_file_under_the_name_asked_for(cli, svc, tmp_path, monkeypatch):
    svc.store_events([Event("Note about the garden shed", T0, actor="me")])

    def full_disk(self, out, **_):
        out.write('{"recall_export": 1, "end": true}\n')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Recall, "export", full_disk)
    target = tmp_path / "memory.jsonl"

    code, _, err = cli("export", "-o", str(target))

    assert code != 0
    assert "No space left" in err
    assert not target.exists()

"""Counts in CLI messages agree with their nouns."""

from __future__ import annotations


def test_export_and_stats_say_one_thing_in_the_singular(cli, tmp_path):
    assert cli("add", "my wifi password is hunter2hunter2")[0] == 0
    out_file = tmp_path / "out.jsonl"
    code, _out, err = cli("export", "-o", str(out_file))
    assert code == 0 and err == f"Exported 1 event, 0 memory changes and 0 forgotten items to {out_file}.\n"
    code, out, _err = cli("stats")
    assert code == 0 and "Redacted: 1 event had secrets replaced before it was stored\n" in out

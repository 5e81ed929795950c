"""An export carries the forgets made where it was written: importing it deletes the forgotten
events and memories here too (an older export of the same store imported first, or another
machine's copy), not only their tombstones."""

from __future__ import annotations

import json

from recall_cli.config import load_config
from recall_cli.models import Event
from recall_cli.service import Recall
from recall_cli.sync.exchange import export_jsonl

T0 = 1_772_532_300.0  # 2026-03-03 10:05


def _export(svc: Recall, path) -> None:
    with path.open("w", encoding="utf-8") as out:
        export_jsonl(svc, out)


def test_importing_an_export_with_forgets_deletes_what_it_forgot(cli, recall_home, embedder, tmp_path):
    source = Recall(load_config(tmp_path / "source"), embedder=embedder)
    source.store_events([Event("Team decided to migrate the billing service to Postgres 16.", T0, actor="me"),
                         Event("Did you book the tram tour in Lisbon?", T0 + 60, source="chat", actor="Ana")])
    memory = source.memories.add("semantic", "The billing service moves to Postgres 16", sources=[1])
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    _export(source, before)
    source.forget(source.plan_forget([1, f"m{memory.id}"]))
    _export(source, after)
    source.close()

    assert cli("import", str(before))[0] == 0
    code, out, err = cli("import", str(after))
    assert code == 0, err
    assert "2 forgotten items kept forgotten (2 of them deleted here)" in out
    assert cli("show", "1")[0] != 0
    assert json.loads(cli("memories", "--all", "--json")[1]) == []
    assert "migrate" not in cli("search", "billing Postgres")[1]
    assert "tram tour" in cli("search", "tram tour Lisbon")[1]
    stored = b"".join(p.read_bytes() for p in recall_home.glob("recall.db*"))
    assert b"billing service" not in stored
    # once deleted, importing it again has nothing left to delete
    assert "deleted here" not in cli("import", str(after))[1]

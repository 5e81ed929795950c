"""`recall ingest`: spool -> store in batches, quarantine for bad lines, and crash safety
(a real subprocess killed with SIGKILL after its third batch commits)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from recall_cli.capture import ingest as ingest_spool
from recall_cli.capture import spool
from recall_cli.capture.ingest import PAUSE_ENV, SpoolIngester, ingest
from tests.capture.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]


def shell_record(i: int, **over) -> dict:
    rec = spool.make_record(source="shell", kind="command", text=f"make target-{i}",
                            ts_start=1_790_000_000.0 + i, ts_end=1_790_000_000.5 + i, actor="me",
                            session="sess-1", record_id=f"r{i}",
                            meta={"cwd": "/src/app", "exit_code": i % 2, "duration_ms": 500,
                                  "host": "box", "shell": "bash"})
    rec.update(over)
    return rec


def fill(home: Path, n: int, start: int = 0) -> None:
    spool.append(home, [shell_record(i) for i in range(start, start + n)])


def events(svc) -> list[dict]:
    return [dict(r) for r in svc.store._db.query("SELECT * FROM events ORDER BY id")]


def test_records_become_events_with_all_their_fields(svc, recall_home, embedder):
    fill(recall_home, 3)
    report = ingest(svc)
    assert (report.inserted, report.duplicates, report.quarantined, report.records) == (3, 0, 0, 3)
    first = svc.store.get_event(1)
    assert (first.source, first.kind, first.text, first.actor, first.session) == (
        "shell", "command", "make target-0", "me", "sess-1")
    assert (first.ts_start, first.ts_end) == (1_790_000_000.0, 1_790_000_000.5)
    assert first.meta == {"cwd": "/src/app", "exit_code": 0, "duration_ms": 500, "host": "box",
                          "shell": "bash", "record_id": "r0"}
    assert report.embedded == 3 and svc.store.vector_fingerprint(embedder.model_id)[0] == 3
    assert list((recall_home / "spool").glob("ingesting-*")) == []
    assert not spool.spool_path(recall_home).exists()
    again = ingest(svc)
    assert (again.records, again.inserted) == (0, 0)
    assert again.summary() == "Nothing to ingest: the spool is empty."


def test_batches_are_transactions_and_embedding_batches(svc, recall_home, embedder):
    fill(recall_home, 50)
    report = ingest(svc, batch_size=7)
    assert report.batches == 8 and report.inserted == 50
    assert embedder.calls and max(len(call) for call in embedder.calls) <= 7


def test_the_same_records_spooled_twice_are_stored_once(svc, recall_home):
    fill(recall_home, 10)
    ingest(svc)
    fill(recall_home, 10)
    report = ingest(svc)
    assert (report.inserted, report.duplicates) == (0, 10)
    assert svc.store.count_events() == 10


def test_garbled_and_truncated_lines_are_quarantined_and_the_rest_lands(svc, recall_home):
    good = [json.dumps(shell_record(i)).encode() for i in range(4)]
    lines = [
        good[0],
        b'{"v":1,"text":"half a rec',                      # garbled
        b"[1, 2, 3]",                                        # not an object
        json.dumps(shell_record(90, text="   ")).encode(),   # no text
        json.dumps(shell_record(91, ts_start="yesterday")).encode(),
        json.dumps(shell_record(92, ts_start=float("nan"))).encode(),
        b'{"text": "caf\xe9", "source": "shell"}',           # not UTF-8
        good[1],
        b"",                                                 # blank lines are fine
        json.dumps(shell_record(93, text="lone \ud800 surrogate and NUL \u0000 here")).encode(),
        good[2],
    ]
    data = b"\n".join(lines) + b"\n" + good[3][:40]          # a truncated last line
    spool.spool_dir(recall_home).mkdir(parents=True)
    spool.spool_path(recall_home).write_bytes(data)
    report = ingest(svc)
    assert report.inserted == 4 and report.quarantined == 7
    texts = [e["text"] for e in events(svc)]
    assert texts == ["make target-0", "make target-1", "lone \ufffd surrogate and NUL  here", "make target-2"]
    quarantine = [json.loads(line) for line in
                  (recall_home / "spool" / "quarantine.jsonl").read_text().splitlines()]
    assert [q["line"] for q in quarantine] == [2, 3, 4, 5, 6, 7, 12]
    assert quarantine[0]["error"].startswith("not valid JSON")
    assert quarantine[1]["error"] == "not a JSON object"
    assert quarantine[2]["error"] == "no text"
    assert "ts_start" in quarantine[3]["error"] and "plausible" in quarantine[4]["error"]
    assert quarantine[-1]["error"].startswith("truncated line at end of file")
    assert all(q["file"].startswith("ingesting-") for q in quarantine)


def test_cli_prints_a_summary_and_names_the_first_bad_line(cli, recall_home):
    fill(recall_home, 2)
    with open(spool.spool_path(recall_home), "ab") as fh:
        fh.write(b"garbage\n")
    code, out, err = cli("ingest")
    assert code == 4
    assert out == (f"Ingested 2 events from the spool; 0 already known, 1 quarantined to "
                   f"{recall_home / 'spool' / 'quarantine.jsonl'}.\n")
    assert err.startswith("Error: spool/ingesting-") and ".jsonl:3: not valid JSON" in err
    assert err.endswith(f"moved to {recall_home / 'spool' / 'quarantine.jsonl'}\n")
    assert err.count("\n") == 1
    fill(recall_home, 1, start=5)
    code, out, _ = cli("ingest", "--json", "--no-embed")
    data = json.loads(out)
    assert code == 0 and data["inserted"] == 1 and data["embedded"] == 0 and data["quarantined"] == 0
    assert cli("ingest", "--batch", "0")[0] == 2


def test_leftover_files_from_an_interrupted_ingest_go_first(svc, recall_home):
    directory = spool.spool_dir(recall_home)
    directory.mkdir(parents=True)
    (directory / "ingesting-5.jsonl").write_text(json.dumps(shell_record(1)) + "\n")
    fill(recall_home, 1, start=2)
    report = ingest(svc)
    assert report.files == 2 and report.inserted == 2
    assert [e["text"] for e in events(svc)] == ["make target-1", "make target-2"]


def test_a_saved_offset_resumes_after_the_committed_batches(svc, recall_home):
    directory = spool.spool_dir(recall_home)
    directory.mkdir(parents=True)
    first = json.dumps(shell_record(1)) + "\n"
    (directory / "ingesting-7.jsonl").write_text(first + json.dumps(shell_record(2)) + "\n")
    (directory / "ingesting-7.offset").write_text(f"{len(first)} 1\n")
    report = ingest(svc)
    assert [e["text"] for e in events(svc)] == ["make target-2"]
    assert report.inserted == 1 and not (directory / "ingesting-7.offset").exists()


def test_a_spool_file_deleted_while_ingesting_is_finished_quietly(svc, recall_home, monkeypatch):
    fill(recall_home, 30)
    original = SpoolIngester._flush
    deleted = []

    def flush_then_delete(self, path, *args):
        original(self, path, *args)
        if not deleted and path.exists():
            path.unlink()  # someone deletes the file under us after the first batch
            deleted.append(path)

    monkeypatch.setattr(SpoolIngester, "_flush", flush_then_delete)
    report = ingest(svc, batch_size=10)
    assert deleted and report.inserted == 30  # the open file is still readable


def test_a_spool_file_gone_before_it_is_opened_is_counted(svc, recall_home, monkeypatch):
    directory = spool.spool_dir(recall_home)
    directory.mkdir(parents=True)
    ghost = directory / "ingesting-1.jsonl"
    monkeypatch.setattr(ingest_spool.spool, "pending_files", lambda home: [ghost])
    report = ingest(svc)
    assert report.missing_files == 1 and report.inserted == 0


def test_records_written_without_redaction_are_redacted_at_ingest(svc, recall_home):
    token = "ghp_" + "FAKEfakeFAKEfakeFAKEfakeFAKEfake1234"
    spool.append(recall_home, [shell_record(1, text=f"git push https://{token}@github.com/x", redacted=False)])
    ingest(svc)
    event = svc.store.get_event(1)
    assert token not in event.text and event.meta["redacted"] == ["github-token"]


def test_a_plugin_filter_can_drop_records(svc, recall_home, monkeypatch):
    fill(recall_home, 4)
    keep = svc.plugins.filter_event
    monkeypatch.setattr(svc.plugins, "filter_event",
                        lambda e: None if e.text.endswith("-2") else keep(e))
    report = ingest(svc)
    assert (report.inserted, report.filtered) == (3, 1)
    assert "1 dropped by plugins" in report.summary()


def _ingest_process(home: Path, *extra: str, env: dict | None = None) -> subprocess.Popen:
    full = {**os.environ, "RECALL_HOME": str(home), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "recall_cli", "ingest", "--no-embed", "--json", *extra],
                            env=full, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_killed_mid_ingest_then_rerun_loses_and_duplicates_nothing(svc, recall_home):
    fill(recall_home, 1000)
    proc = _ingest_process(recall_home, "--batch", "100", env={PAUSE_ENV: "3"})
    paused = recall_home / "spool" / "paused"
    try:
        wait_for(lambda: paused.exists() or proc.poll() is not None, 120, "the ingest to pause")
        assert proc.poll() is None, proc.stderr.read().decode()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert svc.store.count_events() == 300  # three batches committed, then the crash
    # the crash came after the third commit and before its offset was saved
    leftovers = list((recall_home / "spool").glob("ingesting-*.jsonl"))
    assert len(leftovers) == 1
    fill(recall_home, 5, start=1000)  # the shell kept recording meanwhile

    rerun = _ingest_process(recall_home, "--batch", "100")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    report = json.loads(out)
    assert report["inserted"] == 705 and report["duplicates"] == 100 and report["files"] == 2
    rows = svc.store._db.execute(
        "SELECT count(*), count(DISTINCT json_extract(meta, '$.record_id')) FROM events").fetchone()
    assert tuple(rows) == (1005, 1005)
    assert sorted(p.name for p in (recall_home / "spool").iterdir()) == ["ingest.lock", "paused"]


@pytest.mark.parametrize("value", [True, "1790000000", None])
def test_ts_start_must_be_a_number(value):
    with pytest.raises(ingest_spool.BadRecord):
        ingest_spool.record_to_event(shell_record(1, ts_start=value))


def test_a_search_finds_a_command_the_hook_recorded_a_moment_ago_without_recall_ingest(svc, recall_home):
    svc.add("a note about the garden")
    env = {"RECALL_HOME": str(recall_home), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "recall_cli.capture.record", "--shell", "bash", "--status", "0",
                    "--cwd", "/src/infra", "--session", "s1", "--duration-ms", "5"],
                   input=b"terraform apply -auto-approve", env=env, check=True)
    hits = svc.search("terraform apply").hits
    assert hits[0].text == "terraform apply -auto-approve" and hits[0].meta["cwd"] == "/src/infra"
    assert ingest_spool.waiting(recall_home) == 0  # stored, with its vector: the spool is empty
    assert svc.store.owners_missing_vectors("event", svc.embedder.model_id) == []


def test_a_spool_backlog_is_left_to_recall_ingest_with_one_line_saying_so(svc, recall_home, monkeypatch, capsys):
    monkeypatch.setattr(ingest_spool, "READ_BACKLOG", 2_000)
    monkeypatch.setattr(ingest_spool, "_told", [])
    fill(recall_home, 40)
    svc.add("a note about make targets")
    for _ in range(2):
        assert [h.text for h in svc.search("make target").hits] == ["a note about make targets"]
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "wait in the spool; `recall ingest` stores them" in err
    assert ingest(svc).inserted == 40


def test_a_spool_that_cannot_be_stored_does_not_stop_the_search(svc, recall_home, monkeypatch):
    fill(recall_home, 3)
    svc.add("a note about make targets")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ingest_spool, "ingest", broken)
    assert [h.text for h in svc.search("make target").hits] == ["a note about make targets"]
    assert ingest_spool.waiting(recall_home) > 0  # still there for the next try

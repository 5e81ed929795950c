"""`recall doctor`: what is a fault and what is the normal state of a home."""

from __future__ import annotations

from unittest.mock import patch


def test_doctor_is_all_well_right_after_a_fast_add_that_left_embedding_to_the_next_search(cli):
    assert cli("add", "x", "--time", "2023-01-01")[0] == 0
    code, out, _err = cli("doctor", "--no-llm")
    assert "[  OK] vectors: events_without_vectors=1 memories_without_vectors=0 (1 waiting to be embedded by the " \
           "next search)\n" in out
    assert code == 0, out


def test_doctor_warns_of_a_backlog_a_stopped_import_left(cli):
    assert cli("add", "x", "--time", "2023-01-01")[0] == 0
    assert cli("add", "y", "--time", "2023-01-02")[0] == 0
    with patch("recall_cli.doctor.BACKLOG", 2):
        code, out, _err = cli("doctor", "--no-llm")
    assert code == 1
    assert "[WARN] vectors: events_without_vectors=2 memories_without_vectors=0 (the next search embeds them " \
           "first; `recall doctor --fix` now)\n" in out


def test_doctor_warns_when_the_homes_disk_is_nearly_full(cli, recall_home):
    assert cli("add", "x", "--time", "2023-01-01")[0] == 0
    full = type("Usage", (), {"total": 3 << 20, "used": 3 << 20, "free": 1 << 20})()
    with patch("recall_cli.doctor.shutil.disk_usage", return_value=full):
        code, out, _err = cli("doctor", "--no-llm")
    assert code == 1 and f"[WARN] home: {recall_home}: only 1 MB free on its disk" in out


def test_doctor_warns_when_the_running_daemon_cannot_do_part_of_its_work(cli, monkeypatch):
    from recall_cli.serve import client, daemon

    monkeypatch.setattr(daemon, "status", lambda config: {"running": True, "answering": True, "pid": 4242})
    monkeypatch.setattr(client, "daemon_problems",
                        lambda config: {"watch": "not watching /media/usb/notes: no such folder"})
    out = cli("doctor", "--no-llm")[1]
    assert ("[WARN] daemon: recall serve is running (pid 4242), but: not watching /media/usb/notes: "
            "no such folder") in out


def test_doctor_warns_of_garbled_spool_lines_set_aside(cli, recall_home):
    cli("add", "a note")
    spool = recall_home / "spool"
    spool.mkdir(exist_ok=True)
    (spool / "quarantine.jsonl").write_text('{"text": "mysql -p hunt\n{not json\n')
    out = cli("doctor", "--no-llm")[1]
    assert f"[WARN] spool: 2 garbled lines set aside in {spool / 'quarantine.jsonl'}" in out


def test_doctor_names_a_sync_folder_that_is_not_there(cli, tmp_path):
    cli("add", "a note")
    cli("config", "set", "sync.dir", str(tmp_path / "usb" / "recall"))
    code, out, _err = cli("doctor", "--no-llm")
    assert code == 1 and f"[WARN] sync: sync.dir {tmp_path / 'usb' / 'recall'} is not a folder here" in out


def test_doctor_names_the_daemons_failing_sync_once(cli, monkeypatch, tmp_path):
    from recall_cli.serve import client, daemon

    (tmp_path / "Sync").mkdir()
    cli("config", "set", "sync.dir", str(tmp_path / "Sync"))
    failing = ("sync through /S failing since 2026-12-06 17:30 (12 attempts): /S/ab12/seg-00000001.jsonl is sealed "
               "with a passphrase and this device has none")
    monkeypatch.setattr(daemon, "status", lambda config: {"running": True, "answering": True, "pid": 4242})
    monkeypatch.setattr(client, "daemon_problems", lambda config: {"sync": failing})
    code, out, _err = cli("doctor", "--no-llm")
    assert code == 1 and f"[WARN] sync: {failing}\n" in out
    assert "[  OK] daemon: recall serve is running (pid 4242)" in out  # (said once, under sync)


def test_doctor_still_checks_the_model_daemon_and_sync_folder_when_the_embedder_fails(cli, monkeypatch, tmp_path):
    from recall_cli.errors import ModelError
    from recall_cli.service import Recall

    cli("add", "a note")
    cli("config", "set", "sync.dir", str(tmp_path / "usb" / "recall"))

    def broken(self):
        raise ModelError("the embedder 'mine' of plugin p (embed.model) failed: RuntimeError: no model here")

    monkeypatch.setattr(Recall, "embedder", property(broken))
    code, out, _err = cli("doctor", "--no-llm")
    assert code == 1 and "[FAIL] embedder: the embedder 'mine' of plugin p" in out
    assert "vectors:" not in out and "index:" not in out  # (they need it)
    for check in ("secrets", "consolidation", "spool", "daemon"):
        assert f"] {check}: " in out, out
    assert f"[WARN] sync: sync.dir {tmp_path / 'usb' / 'recall'} is not a folder here" in out

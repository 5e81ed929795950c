"""Secrets stored before the table knew them are found by `recall doctor` and redacted by --fix."""

import json

from recall_cli.config import load_config
from recall_cli.models import Event
from recall_cli.service import Recall

LEAK = "The wifi password at Mum's flat is naranja2024 (router under the TV)"


def _older_store(recall_home, embedder) -> int:
    """A store written by a version whose table missed this wording: the text went in as is."""
    svc = Recall(load_config(recall_home), embedder=embedder)
    (eid,) = svc.store.insert_events([Event(LEAK, 1_700_000_000.0)]).inserted
    memory = svc.memories.add("semantic", "Mum's wifi password is naranja2024", subject="Mum", sources=[eid],
                           importance=5, actor="consolidation")
    svc.store.insert_events([Event("Bought eggs", 1_700_000_100.0)])
    svc.close()
    return memory.id


def test_doctor_finds_old_secrets_and_fix_redacts_them_in_place(cli, recall_home, embedder):
    mid = _older_store(recall_home, embedder)
    out = cli("doctor", "--no-llm")[1]
    assert "[WARN] secrets: 1 event and" in out and "recall doctor --fix" in out
    assert b"naranja2024" in (recall_home / "recall.db").read_bytes()  # not changed by looking
    fixed = cli("doctor", "--no-llm", "--fix")[1]
    assert "[  OK] secrets:" in fixed and "redacted 1 event and" in fixed
    assert b"naranja2024" not in (recall_home / "recall.db").read_bytes()
    shown = json.loads(cli("show", "1", "--json")[1])  # the same id, now redacted
    assert shown["text"] == "The wifi password at Mum's flat is [REDACTED:password-prose] (router under the TV)"
    assert "naranja2024" not in json.loads(cli("show", f"m{mid}", "--json")[1])["text"]
    # the new hash is the one today's write path gives: adding the text again is a duplicate
    assert cli("add", LEAK, "--time", "2023-11-14T22:13:20+00:00")[1] == "Already remembered as event 1.\n"
    assert "[  OK] secrets: no stored text" in cli("doctor", "--no-llm")[1]


def test_the_stored_fingerprint_follows_the_secret_table():
    from recall_cli.capture.rescan import TABLE, fingerprint

    # a pattern added or changed without a new TABLE would never reach stores scanned before it
    assert fingerprint() == TABLE, f"the secret table changed: set rescan.TABLE = {fingerprint()!r}"


def test_a_store_scanned_under_an_older_table_is_redacted_when_it_next_opens(cli, recall_home, embedder):
    from recall_cli.capture.rescan import SCANNED, TABLE

    _older_store(recall_home, embedder)
    svc = Recall(load_config(recall_home), embedder=embedder)
    svc.store.put_setting(SCANNED, "48:older")
    svc.close()
    code, out, err = cli("show", "1", "--json")
    assert code == 0
    assert err == "recall: the secret table is newer than this store's last scan: redacted 1 stored text in place\n"
    assert "naranja2024" not in json.loads(out)["text"]
    assert b"naranja2024" not in (recall_home / "recall.db").read_bytes()
    # scanned once: the next command says nothing, and the store remembers the table
    assert cli("show", "1", "--json")[2] == ""
    svc = Recall(load_config(recall_home), embedder=embedder)
    assert svc.store.setting(SCANNED) == TABLE
    svc.close()


# what a new user's notes held, stored in plain text while `recall doctor` said all was well
NEW_USER_LEAKS = [
    ("AWS_SECRET_ACCESS_KEY wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY is the aws secret", "wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("Netflix login: me@example.com, pass: s3cr3tflix", "s3cr3tflix"),
    ("user bob pass: hunter22", "hunter22"),
    ("SECRET_KEY_BASE=9f8e7d6c5b4a39281706f5e4d3c2b1a0", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
    ("export SECRET_KEY_BASE=9f8e7d6c5b4a39281706f5e4d3c2b1a0 rails s", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
]


def test_doctor_finds_the_secrets_a_new_user_found_stored_as_written(cli, recall_home, embedder):
    svc = Recall(load_config(recall_home), embedder=embedder)
    svc.store.insert_events([Event(text, 1_700_000_000.0 + i) for i, (text, _) in enumerate(NEW_USER_LEAKS)])
    svc.close()
    assert "[WARN] secrets: 6 events and 0 other texts" in cli("doctor", "--no-llm")[1]
    assert "redacted 6 events" in cli("doctor", "--no-llm", "--fix")[1]
    stored = (recall_home / "recall.db").read_bytes()
    for i, (_, secret) in enumerate(NEW_USER_LEAKS, start=1):
        assert secret.encode() not in stored, secret
        assert secret not in json.loads(cli("show", str(i), "--json")[1])["text"]


def test_doctor_finds_a_secret_stored_in_the_source_speaker_session_or_tags(cli, recall_home, embedder):
    ghp, akia = "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "AKIAIOSFODNN7EXAMPLE"
    svc = Recall(load_config(recall_home), embedder=embedder)
    svc.store.insert_events([Event("x", 1_700_000_000.0, source=ghp),
                             Event("note", 1_700_000_001.0, actor=ghp, session=akia, meta={"tags": [akia, "a"]})])
    svc.close()
    assert "[WARN] secrets: 2 events and 0 other texts" in cli("doctor", "--no-llm")[1]
    assert "redacted 2 events" in cli("doctor", "--no-llm", "--fix")[1]
    first, second = (json.loads(cli("show", ref, "--json")[1]) for ref in ("1", "2"))
    assert first["source"] == "[REDACTED:github-token]"
    assert (second["actor"], second["session"]) == ("[REDACTED:github-token]", "[REDACTED:aws-access-key-id]")
    assert second["meta"]["tags"] == ["[REDACTED:aws-access-key-id]", "a"]
    assert ghp.encode() not in (recall_home / "recall.db").read_bytes()


def test_doctor_finds_a_secret_an_older_version_kept_in_a_memorys_tags_and_history(cli, recall_home, embedder):
    akia = "AKIAIOSFODNN7EXAMPLE"
    svc = Recall(load_config(recall_home), embedder=embedder)
    memory = svc.memories.add("core", "Deploys from main", actor="mcp:agent")
    # as `remember` wrote an agent's tags before they were redacted: in the row and in its history's state
    svc.store._db.execute("UPDATE memories SET meta = ? WHERE id = ?", [json.dumps({"tags": [akia]}), memory.id])
    svc.store._db.execute("UPDATE memory_history SET state = ? WHERE memory_id = ?",
                          [json.dumps({"text": "Deploys from main", "meta": {"tags": [akia]}}), memory.id])
    svc.store._db.commit()
    svc.close()
    assert "[WARN] secrets: 0 events and 2 other texts" in cli("doctor", "--no-llm")[1]
    assert "redacted 0 events and 2 other texts" in cli("doctor", "--no-llm", "--fix")[1]
    shown = json.loads(cli("show", f"m{memory.id}", "--json")[1])
    assert shown["text"] == "Deploys from main" and shown["meta"]["tags"] == ["[REDACTED:aws-access-key-id]"]
    assert akia.encode() not in (recall_home / "recall.db").read_bytes()

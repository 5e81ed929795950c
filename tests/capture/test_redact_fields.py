"""A secret in an event's other fields: a mapping key that names a secret (a JSONL record's
``password``, ``credentials.pass``) has its value redacted whole, on every write path, in the
export and in the rescan of what older versions stored."""

from __future__ import annotations

import json

import pytest

from recall_cli.capture.redact_fields import redact_value, secret_key
from recall_cli.config import load_config
from recall_cli.models import Event, Memory
from recall_cli.service import Recall
from recall_cli.sync.exchange import export_jsonl

PASSWORDS = ("Tr0ub4dor&3xyz", "S3cr3tPassw0rd!", "sunshine")


@pytest.mark.parametrize("key", ["password", "pass", "pwd", "passwd", "secret", "client_secret", "apiKey",
                                 "api_key", "accessToken", "DB_PASSWORD_PROD", "privateKey", "credentials",
                                 "X-Auth-Token", "authorization"])
def test_a_key_that_names_a_secret_is_recognised(key):
    assert secret_key(key)


@pytest.mark.parametrize("key", ["password_hint", "token_count", "tokens", "pass_rate", "user", "key", "author",
                                 "bypass", "passport", "compass", "title", "redacted", "auth"])
def test_a_key_about_something_else_is_not(key):
    assert not secret_key(key)


def test_a_secret_named_keys_value_is_replaced_whole_and_its_siblings_are_kept():
    names: set[str] = set()
    meta = {"password": "sunshine", "credentials": {"user": "admin", "pass": "S3cr3tPassw0rd!"},
            "tags": ["work"], "api_key": "${API_KEY}", "token": "", "password_hint": "my cat"}
    clean = redact_value(meta, names)
    assert clean == {"password": "[REDACTED:secret-field]",
                     "credentials": {"user": "admin", "pass": "[REDACTED:secret-field]"},
                     "tags": ["work"], "api_key": "${API_KEY}", "token": "", "password_hint": "my cat"}
    assert names == {"secret-field"}
    untouched = {"title": "notes", "tags": ["a"]}
    assert redact_value(untouched, set()) is untouched


def test_a_jsonl_records_password_fields_never_reach_the_store_or_the_export(cli, recall_home, tmp_path):
    source = tmp_path / "sec.jsonl"
    source.write_text(
        json.dumps({"time": "2026-01-02T10:00:00", "text": "deploy notes for staging", "password": "Tr0ub4dor&3xyz",
                    "api_key": "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"}) + "\n"
        + json.dumps({"time": "2026-01-02T10:01:00", "text": "db login",
                      "credentials": {"user": "admin", "pass": "S3cr3tPassw0rd!"}}) + "\n"
        + json.dumps({"time": "2026-01-02T10:02:00", "text": "router", "wifi": {"password": "sunshine"}}) + "\n")
    code, out, err = cli("import", str(source))
    assert code == 0, err
    assert "3 events with secrets replaced" in out
    code, exported, _ = cli("export")
    assert code == 0
    for secret in PASSWORDS:
        assert secret not in exported
    assert '"user":"admin"' in exported
    stored = b"".join(p.read_bytes() for p in recall_home.glob("recall.db*"))
    assert not [s for s in PASSWORDS if s.encode() in stored]


def test_a_password_field_stored_by_an_older_version_is_found_and_redacted_by_doctor(cli, recall_home, embedder):
    svc = Recall(load_config(recall_home), embedder=embedder)
    svc.store.insert_events([Event("db login", 1_700_000_000.0, meta={"credentials": {"pass": "S3cr3tPassw0rd!"}})])
    t = 1_700_000_000.0
    svc.store.insert_memory(Memory("semantic", "The db login is admin", t, t, t, meta={"password": "sunshine"}))
    svc.close()
    assert "[WARN] secrets: 1 event and 1 other text" in cli("doctor", "--no-llm")[1]
    assert "[  OK] secrets:" in cli("doctor", "--no-llm", "--fix")[1]
    stored = b"".join(p.read_bytes() for p in recall_home.glob("recall.db*"))
    assert b"S3cr3tPassw0rd!" not in stored and b"sunshine" not in stored


def test_a_memory_change_in_an_export_is_redacted_on_import(cli, recall_home, embedder, tmp_path):
    # an export written by a version whose table missed the wording (stored as is there)
    old = Recall(load_config(tmp_path / "old-home"), embedder=embedder)
    t = 1_700_000_000.0
    memory = Memory("semantic", "The wifi password at Mum's flat is naranja2024", t, t, t, subject="Mum",
                    meta={"password": "sunshine"})
    memory.id = old.store.insert_memory(memory)
    old.store.add_history(memory.id, "add", "consolidation", None, memory.text, {}, t)
    export = tmp_path / "old.jsonl"
    with export.open("w", encoding="utf-8") as out:
        export_jsonl(old, out)
    old.close()
    assert "naranja2024" in export.read_text() and "sunshine" in export.read_text()
    code, out, err = cli("import", str(export))
    assert code == 0, err
    assert "1 memory change" in out
    listed = cli("show", "m1", "--json")[1]
    assert "naranja2024" not in listed and "[REDACTED:password-prose]" in listed
    stored = b"".join(p.read_bytes() for p in recall_home.glob("recall.db*"))
    assert b"naranja2024" not in stored and b"sunshine" not in stored

"""Bounded events: a long text becomes linked parts, an absurdly long one is cut with a marker,
and both are reported; nothing about them is silent."""

from __future__ import annotations

import json

from recall_cli.capture.limits import cut_points, split_long
from recall_cli.models import Event


def test_a_text_within_the_limit_is_one_event():
    event = Event("short note", 1_700_000_000.0)
    assert split_long(event, 2000, 10) == ([event], 0)


def test_parts_are_cut_at_paragraphs_and_link_back_to_the_whole():
    paragraphs = [f"Paragraph {i}. " + "word " * 80 for i in range(12)]
    text = "\n\n".join(paragraphs)
    parts, dropped = split_long(Event(text, 1_700_000_000.0, session="s1", actor="me"), 3000, 50)
    assert dropped == 0 and len(parts) > 1
    assert "".join(p.text for p in parts) == text  # nothing lost, nothing repeated
    assert all(len(p.text) <= 3000 for p in parts)
    assert all(p.text.endswith("\n\n") for p in parts[:-1])  # cut after a blank line
    assert [p.meta["part"] for p in parts] == list(range(1, len(parts) + 1))
    assert {p.meta["parts"] for p in parts} == {len(parts)} and len({p.meta["whole"] for p in parts}) == 1
    assert {(p.session, p.actor, p.ts_start) for p in parts} == {("s1", "me", 1_700_000_000.0)}
    assert len({p.content_hash for p in parts}) == len(parts)


def test_a_text_without_spaces_is_cut_at_the_limit():
    assert cut_points("x" * 2500, 1000) == [1000, 2000]


def test_past_the_last_part_the_rest_is_left_out_with_a_marker():
    text = "word " * 10_000  # 50,000 characters
    parts, dropped = split_long(Event(text, 1_700_000_000.0), 1000, 5)
    assert len(parts) == 5 and dropped == 45_000
    assert parts[-1].meta["truncated"] == 45_000
    assert parts[-1].text.endswith("[… 45,000 more characters not stored (events.max_parts)]")


def test_the_service_stores_a_long_import_as_parts_and_says_so(svc, tmp_path):
    svc.config.values["events.max_chars"] = 1000
    svc.config.values["events.max_parts"] = 3
    path = tmp_path / "dump.txt"
    path.write_text("token " * 2000, encoding="utf-8")  # 12,000 characters on one line
    report = svc.import_file(path, "markdown")
    assert report.inserted == 1 and len(report.event_ids) == 3  # one text, in three parts
    assert report.split == 1 and report.truncated == 1
    assert "1 text over 1,000 characters split into parts" in report.summary()
    assert "1 text cut after 3 parts" in report.summary()
    stored = svc.recent(10)
    assert sorted(e.meta["part"] for e in stored) == [1, 2, 3]


def test_recall_add_says_when_a_long_text_became_parts(cli):
    assert cli("config", "set", "events.max_chars", "1000")[0] == 0
    code, out, _ = cli("add", input="word " * 1000)  # 5,000 characters on stdin
    assert (code, out) == (0, "Remembered as event 1 (a long text, stored as 5 linked parts).\n")
    assert cli("add", "a short note")[1] == "Remembered as event 6.\n"


def test_recall_add_says_how_much_of_a_huge_text_was_not_stored(cli):
    assert cli("config", "set", "events.max_chars", "1000")[0] == 0
    assert cli("config", "set", "events.max_parts", "2")[0] == 0
    code, out, err = cli("add", input="word " * 1000)  # 5,000 characters: two parts kept
    assert (code, out) == (0, "Remembered as event 1 (a long text, stored as 2 linked parts).\n")
    dropped = int(err.split("the last ")[1].split(" characters")[0].replace(",", ""))
    assert 2_900 <= dropped <= 3_100 and err.startswith("Warning: ") and err.count("\n") == 1


def test_forgetting_a_long_text_by_the_id_recall_add_gave_forgets_every_part(cli):
    assert cli("config", "set", "events.max_chars", "1000")[0] == 0
    cli("add", input="secret plans " * 400)  # 5,200 characters: parts 1-6
    cli("add", "a short note")
    code, out, _ = cli("forget", "1", "--yes")
    assert code == 0 and "Deleted 1 event and" in out  # one text, its six parts gone
    assert not any("secret" in h["text"] for h in json.loads(cli("search", "secret plans", "--json")[1])["results"])
    assert "a short note" in cli("search", "short note")[1]


def test_a_long_text_cut_at_its_last_part_survives_an_export_and_import_as_it_was(cli, tmp_path):
    assert cli("config", "set", "events.max_chars", "1000")[0] == 0
    assert cli("config", "set", "events.max_parts", "2")[0] == 0
    cli("add", input="word " * 1000)  # two parts kept, the last with its note of what was cut
    exported = tmp_path / "exp.jsonl"
    assert cli("export", "-o", str(exported))[0] == 0
    code, out, _ = cli("import", str(exported))
    assert code == 0 and out.startswith("Imported 0 events") and "1 event already known" in out
    assert json.loads(cli("stats", "--json")[1])["events"] == 1  # one text, its two parts not stored again
    assert "Part: 2 of 2" in cli("show", "2")[1] and cli("show", "3")[0] != 0


KEY_BODY = ("MIIEpAIBAAKCAQEA7bq3rZ9xYk2Lw0pQmN4sT8vU1cD6eF3gH5iJ2kL9mN0oP7qR4sTu\n"
            "Vw8xY1zA3bC5dE7fG9hI2jK4lM6nO8pQ0rS2tU4vW6xY8zA1bC3dE5fG7hI9jK1lM3n\n")


def _stored(recall_home) -> bytes:
    return b"".join(p.read_bytes() for p in recall_home.glob("recall.db*"))


def test_a_private_key_across_the_cut_is_redacted_whole(cli, recall_home):
    assert cli("config", "set", "events.max_chars", "1000")[0] == 0
    text = ("Server setup log. " + "step ok. " * 103 + "\n-----BEGIN RSA PRIVATE KEY-----\n" + KEY_BODY
            + "-----END RSA PRIVATE KEY-----\nThen restarted nginx. " + "all fine. " * 100)
    code, out, _ = cli("add", input=text)
    assert code == 0 and "linked parts" in out and "pem-private-key" in out
    assert b"MIIEpAIBAAKCAQEA7bq3rZ9x" not in _stored(recall_home) and b"Vw8xY1zA3bC5dE7f" not in _stored(recall_home)
    assert b"Then restarted nginx." in _stored(recall_home)


def test_a_password_right_after_the_cut_is_redacted_and_its_part_counted(cli, recall_home):
    assert cli("config", "set", "events.max_chars", "1000")[0] == 0
    text = ("fine. " * 200)[:990] + " the wifi password is BlueFalcon77 and more text after it."
    code, out, _ = cli("add", input=text)
    assert code == 0 and "2 linked parts" in out and "password-prose" in out
    assert b"BlueFalcon77" not in _stored(recall_home)
    assert json.loads(cli("stats", "--json")[1])["redacted"] >= 1


def test_redaction_before_the_cut_sees_only_what_can_be_kept():
    seen: list[int] = []

    def clean(text: str) -> str:
        seen.append(len(text))
        return text

    parts, dropped = split_long(Event("word " * 10_000, 1_700_000_000.0), 1000, 5, clean)
    assert seen == [6000]  # five parts and one more for a secret across the last cut, not 50,000
    assert len(parts) == 5 and dropped == 45_000


def test_import_stats_and_forget_count_a_long_text_as_one_event(cli, tmp_path):
    assert cli("config", "set", "events.max_chars", "1000")[0] == 0
    source = tmp_path / "long.jsonl"
    source.write_text(json.dumps({"time": "2026-01-01T00:00:00", "text": " ".join(f"word{i}" for i in range(1000))})
                      + "\n" + json.dumps({"time": "2026-01-01T00:01:00", "text": "a short note about the boiler"})
                      + "\n", encoding="utf-8")
    assert cli("import", str(source))[1].startswith("Imported 2 events from")
    assert "2 already known" in cli("import", str(source))[1]
    assert json.loads(cli("stats", "--json")[1])["events"] == 2
    code, out, _ = cli("forget", "1", "--yes")
    assert (code, out) == (0, "Deleted 1 event and 0 memories.\n")
    assert json.loads(cli("stats", "--json")[1])["events"] == 1
    assert "1 event you deleted before kept out" in cli("import", str(source))[1]

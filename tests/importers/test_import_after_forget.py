"""What the user deleted stays deleted: importing the same export again, or an older copy of a
note folder, does not bring back a forgotten message (a ChatGPT or Claude export always holds
the whole history, so this is the common case, not a corner)."""

from __future__ import annotations

import json

import pytest

from recall_cli.capture import spool
from recall_cli.errors import UsageError
from tests.importers.helpers import DATA


@pytest.mark.parametrize("name", ["chatgpt_conversations.json", "claude_conversations.json", "journal.md"])
def test_reimporting_an_export_keeps_a_forgotten_message_out(svc, name):
    first = svc.import_file(DATA / name)
    gone = first.event_ids[1]
    text = svc.store.get_event(gone).text
    svc.forget(svc.plan_forget([gone]))
    again = svc.import_file(DATA / name)
    assert (again.inserted, again.forgotten) == (0, 1)
    assert again.duplicates == len(first.event_ids) - 1
    assert text not in [h.text for h in svc.search(text, limit=50).hits]
    assert "1 event you deleted before kept out" in again.summary()


def test_the_import_command_says_what_it_kept_out(cli, svc):
    first = svc.import_file(DATA / "claude_conversations.json")
    svc.forget(svc.plan_forget(first.event_ids[:2]))
    svc.close()
    code, out, err = cli("import", str(DATA / "claude_conversations.json"), "--json")
    assert code == 0, err
    assert json.loads(out)["forgotten"] == 2


def test_an_import_of_only_forgotten_messages_is_not_an_error(svc):
    first = svc.import_file(DATA / "notes.jsonl")
    svc.forget(svc.plan_forget(first.event_ids))
    again = svc.import_file(DATA / "notes.jsonl")
    assert (again.inserted, again.forgotten) == (0, len(first.event_ids))


def test_a_spooled_copy_of_a_forgotten_command_stays_out(svc, recall_home):
    record = spool.make_record(source="shell", kind="command", text="make deploy", ts_start=1_790_000_000.0,
                               session="s1", meta={"cwd": "/src", "exit_code": 0})
    spool.append(recall_home, [record])
    assert svc.ingest_spool().inserted == 1
    svc.forget(svc.plan_forget([svc.store.recent_events(1)[0].id]))
    spool.append(recall_home, [record])  # the same record again (a restored spool backup, say)
    assert svc.ingest_spool().inserted == 0 and svc.store.count_events() == 0


def test_adding_the_very_event_deleted_before_says_how_to_store_it_again(svc):
    event = svc.add("dentist on friday", ts=1_790_000_000.0)
    svc.forget(svc.plan_forget([event.id]))
    with pytest.raises(UsageError, match="you deleted this very event before"):
        svc.add("dentist on friday", ts=1_790_000_000.0)
    assert svc.add("dentist on friday", ts=1_790_000_060.0).id is not None

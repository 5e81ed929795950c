"""The real benchmark files, read straight from the shared bench folder (never copied
into the repository: they are licensed for evaluation only). Skipped when absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recall_cli.importers.beam import BeamImporter
from recall_cli.importers.longmemeval import LongMemEvalImporter
from tests.importers.helpers import at, parse, stored

BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench"
LME = BENCH / "longmemeval"
BEAM = BENCH / "beam" / "100K"

needs_lme = pytest.mark.skipif(not (LME / "lme_oracle_2q_original_schema.json").exists(),
                               reason="LongMemEval samples not available")
needs_beam = pytest.mark.skipif(not (BEAM / "1" / "chat.json").exists(), reason="BEAM chats not available")


@needs_lme
def test_real_longmemeval_official_file_imports_every_turn_with_its_evidence_flags(svc):
    path = LME / "lme_oracle_2q_original_schema.json"
    items = json.loads(path.read_text())
    report = svc.import_file(path, "auto")
    turns = sum(len(session) for item in items for session in item["haystack_sessions"])
    assert (report.format, report.skipped) == ("longmemeval", [])
    assert report.inserted + report.duplicates == turns == 48
    evidence = [(e.session, e.meta["turn_index"]) for e in stored(svc)
                if e.meta["has_answer"] and e.meta["question_id"] == "6a1eabeb"]
    assert evidence == [("answer_a25d4a91_1", 4), ("answer_a25d4a91_2", 0)]
    first = svc.store.session_events("answer_a25d4a91_1")
    assert first[0].ts_start == at("2023-05-25T20:21")
    assert first[1].ts_start == at("2023-05-25T20:22")


@needs_lme
@pytest.mark.parametrize(("name", "items", "sessions", "turns"), [
    ("lme_oracle_16q_reformatted.json", 16, 26, 306),
    ("lme_s_abstention_4q_truncated_reformatted.json", 4, 48, 458)])
def test_real_longmemeval_reformatted_files_parse_every_turn_into_dated_sessions(name, items, sessions, turns):
    events, skipped = parse(LongMemEvalImporter(), LME / name)
    assert skipped == []
    assert len(events) == turns
    assert len({e.meta["item_id"] for e in events}) == items
    grouped = _by(events, "session_id")
    assert len(grouped) == sessions
    for session in grouped.values():  # each session starts at its date, a minute per turn
        assert [e.ts_start - session[0].ts_start for e in session] == [60.0 * n for n in range(len(session))]
        assert [e.meta["turn_index"] for e in session] == list(range(len(session)))


@needs_beam
def test_real_beam_chat_imports_every_message_with_its_id(svc):
    path = BEAM / "1" / "chat.json"
    report = svc.import_file(path, "auto")
    assert (report.format, report.inserted, report.duplicates, report.skipped) == ("beam", 188, 0, [])
    events = stored(svc)
    assert sorted(e.meta["message_id"] for e in events) == list(range(188))
    assert {e.session for e in events} == {"beam:100K/1:1", "beam:100K/1:2", "beam:100K/1:3"}
    starts = sorted({e.meta["time_anchor"] for e in events if "time_anchor" in e.meta})
    assert starts == ["April-05-2024", "April-25-2024", "March-15-2024"]
    assert events[0].ts_start == at("2024-03-15")


@needs_beam
def test_every_beam_evidence_id_in_the_dev_split_names_an_imported_message():
    total = 0
    for chat in sorted(BEAM.iterdir()):
        events, skipped = parse(BeamImporter(), chat / "chat.json")
        assert skipped == []
        total += len(events)
        ids = {e.meta["message_id"] for e in events}
        questions = json.loads((chat / "probing_questions.json").read_text())
        evidence = {i for qs in questions.values() for q in qs for i in _flatten(q.get("source_chat_ids"))}
        assert evidence <= ids, chat.name
    assert total == 2432


def _by(events, key):
    groups: dict = {}
    for event in events:
        groups.setdefault(event.meta[key], []).append(event)
    return groups


def _flatten(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item)
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, int):
        yield value

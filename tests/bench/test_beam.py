import json

import pytest

from recall_cli.bench.beam import calibration, flatten_ids, recall_at

CHAT = [
    {"batch_number": 1, "time_anchor": None, "turns": [[
        {"role": "user", "id": 0, "time_anchor": "March-15-2024",
         "content": "My sprint ends on March 29, I build a budget app"},
        {"role": "assistant", "id": 1, "content": "Great, let us plan the budget app sprint."},
        {"role": "user", "id": 2, "content": "I use Flask and SQLite for the backend"},
        {"role": "assistant", "id": 3, "content": "Flask with SQLite is a fine start."},
    ]]},
    {"batch_number": 2, "time_anchor": None, "turns": [[
        {"role": "user", "id": 4, "time_anchor": "April-05-2024", "content": "I switched the database to Postgres"},
        {"role": "assistant", "id": 5, "content": "Postgres scales better than SQLite."},
    ]]},
]
QUESTIONS = {
    "information_extraction": [{"question": "When does my sprint end?", "source_chat_ids": [0]}],
    "knowledge_update": [{"question": "Which database does my app use?",
                          "source_chat_ids": {"original_info": [2], "updated_info": [4]}}],
    "abstention": [{"question": "What is my dog's name?", "source_chat_ids": None}],
}


@pytest.fixture
def beam_dir(tmp_path):
    chat = tmp_path / "100K" / "1"
    chat.mkdir(parents=True)
    (chat / "chat.json").write_text(json.dumps(CHAT))
    (chat / "probing_questions.json").write_text(json.dumps(QUESTIONS))
    return tmp_path / "100K"


def test_source_chat_ids_of_every_shape_are_flattened():
    assert flatten_ids([4, 60, 116]) == [4, 60, 116]
    assert flatten_ids([[6, 62], [118, 118, 120]]) == [6, 62, 118, 120]
    assert flatten_ids({"first_statement": [58], "second_statement": [24]}) == [58, 24]
    assert flatten_ids(None) == [] and flatten_ids({"a": ["7", True, None]}) == [7]


def test_recall_and_calibration_figures():
    assert recall_at([4, 5, 2], [2, 4], 2) == 0.5 and recall_at([1], [], 1) == 0.0
    figures = calibration([0.9, 0.8], [0.3, None], "with", "without")
    assert figures["auc"] == 1.0 and figures["without"]["mean"] == 0.15


def test_bench_beam_runs_end_to_end_with_the_shape_of_bench_locomo(cli, beam_dir, monkeypatch):
    from recall_cli.bench import runner
    from tests.fakes import FakeEmbedder

    monkeypatch.setattr(runner, "shared_models", lambda model, need_llm: (FakeEmbedder(), None))
    code, out, err = cli("bench", "beam", str(beam_dir), "--json", "--k", "1,5")
    assert code == 0, err
    data = json.loads(out)
    assert data["counts"] == {"information_extraction": 1, "knowledge_update": 1, "overall": 2}
    assert set(data["recall"]["overall"]) == {"1", "5"}
    assert data["recall"]["knowledge_update"]["5"] == 1.0
    assert data["no_result"] == {"overall": 0}
    assert {q["ability"] for q in data["questions"]} == {"information_extraction", "knowledge_update", "abstention"}
    assert all("retrieved" in q for q in data["questions"]) and data["ingest"]["events"] == 6
    code, out, _ = cli("bench", "beam", str(beam_dir / "1"), "--k", "1,5,10")
    assert code == 0 and "overall" in out and "R@10" in out and "questions with no result: 0" in out


def test_bench_beam_rejects_what_is_not_beam(cli, tmp_path, beam_dir):
    code, _, err = cli("bench", "beam", str(tmp_path / "nowhere"))
    assert code == 4 and "no such folder" in err
    (tmp_path / "empty").mkdir()
    assert cli("bench", "beam", str(tmp_path / "empty"))[0] == 4
    assert cli("bench", "beam", str(beam_dir), "-c", "7")[2] == f"Error: no chat 7 in {beam_dir}\n"

import json

import pytest

from recall_cli.bench.locomo import normalize_evidence, recall_at
from recall_cli.bench.qa import f1_multi, f1_score, normalize_answer, score


def test_malformed_evidence_ids_are_split_or_dropped():
    assert normalize_evidence(["D8:6; D9:17", "D9:1 D4:4 D4:6", "D:11:26", "D30:05", "D", "D1:3"]) == [
        "D8:6", "D9:17", "D9:1", "D4:4", "D4:6", "D30:5", "D1:3"]


def test_recall_counts_the_first_k_distinct_turns():
    retrieved = ["D1:1", "D1:2", "D2:5", "D3:1"]
    assert recall_at(retrieved, ["D2:5", "D9:9"], 2) == 0.0
    assert recall_at(retrieved, ["D2:5", "D9:9"], 3) == 0.5
    assert recall_at(retrieved, [], 3) == 0.0


def test_answer_normalisation_follows_the_paper():
    assert normalize_answer("The Sunday, before 25 May 2023!") == "sunday before 25 may 2023"
    assert normalize_answer("a cat and an apple") == "cat apple"


def test_token_f1_uses_porter_stems():
    assert f1_score("She was running marathons", "ran a marathon") == pytest.approx(1 / 3)
    # pred stems {she, wa, run, marathon}, gold {ran, marathon}: 1 shared -> P 1/4, R 1/2, F1 1/3
    assert f1_score("7 May 2023", "7 May 2023") == 1.0
    assert f1_score("", "7 May 2023") == 0.0


def test_multi_hop_averages_the_best_match_of_each_gold_part():
    assert f1_multi("pottery, camping", "camping, pottery, painting") == pytest.approx(2 / 3)


def test_category_rules():
    assert score(3, "psychology", "Psychology; counseling certification") == 1.0
    assert score(5, "Not mentioned: I have no memory of that.", None) == 1.0
    assert score(5, "She went to Paris", None) == 0.0
    assert score(2, "2022", 2022) == 1.0


SAMPLE = [{
    "sample_id": "conv-t",
    "conversation": {
        "speaker_a": "Ana", "speaker_b": "Ben",
        "session_1_date_time": "1:56 pm on 8 May, 2023",
        "session_1": [
            {"speaker": "Ana", "dia_id": "D1:1", "text": "I adopted a grey kitten named Pixel yesterday!"},
            {"speaker": "Ben", "dia_id": "D1:2", "text": "Lovely. I started learning the cello."},
        ],
        "session_2_date_time": "10:00 am on 20 June, 2023",
        "session_2": [
            {"speaker": "Ben", "dia_id": "D2:1", "text": "My cello teacher says I improve fast."},
            {"speaker": "Ana", "dia_id": "D2:2", "text": "Pixel knocked my plant over again.",
             "blip_caption": "a photo of a cat next to a broken pot"},
        ],
    },
    "qa": [
        {"question": "What is the name of Ana's kitten?", "answer": "Pixel", "evidence": ["D1:1"], "category": 4},
        {"question": "Which instrument is Ben learning?", "answer": "cello", "evidence": ["D1:2", "D2:1"],
         "category": 1},
        {"question": "What is Ben's favourite food?", "adversarial_answer": "pizza", "evidence": [], "category": 5},
    ],
}]


def test_bench_locomo_runs_end_to_end_and_reports_json(cli, tmp_path, monkeypatch):
    from recall_cli.bench import runner
    from tests.fakes import FakeEmbedder

    monkeypatch.setattr(runner, "shared_models", lambda model, need_llm: (FakeEmbedder(), None))
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(SAMPLE))
    code, out, err = cli("bench", "locomo", str(path), "--json", "--k", "1,2")
    assert code == 0, err
    data = json.loads(out)
    assert data["recall"]["4"]["1"] == 1.0
    assert data["counts"]["overall"] == 2 and data["ingest"]["events"] == 4
    assert {q["category"] for q in data["questions"]} == {1, 4, 5}
    # honest reports: how many questions got nothing, and how the best hit's score separates
    assert data["no_result"] == {"overall": 0}
    assert all(q["results"] > 0 and 0 < q["top_score"] < 1 for q in data["questions"])
    assert set(data["calibration"]) == {"answerable (1-4)", "adversarial (5)", "auc"}
    code, out, _ = cli("bench", "locomo", str(path), "--k", "1,2")
    assert "overall 1-4" in out and "R@2" in out and "none" in out
    assert "questions with no result: 0" in out and "best-hit score: answerable (1-4) (n 2)" in out


def test_bench_locomo_rejects_bad_input(cli, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "locomo"}')
    code, _, err = cli("bench", "locomo", str(bad))
    assert code == 4 and "not a LoCoMo file" in err
    good = tmp_path / "good.json"
    good.write_text(json.dumps(SAMPLE))
    assert cli("bench", "locomo", str(good), "-c", "conv-zz")[2] == f"Error: no conversation conv-zz in {good}\n"
    assert cli("bench", "locomo", str(good), "--k", "x")[0] == 2


def test_a_memory_hit_stands_for_its_turns_those_the_search_ranked_first(recall_home):
    from recall_cli.bench.locomo import retrieved_turns
    from recall_cli.config import load_config
    from recall_cli.models import Event
    from recall_cli.service import Recall
    from tests.fakes import FakeEmbedder

    svc = Recall(load_config(recall_home), embedder=FakeEmbedder())
    ids = svc.store.insert_events([Event(f"turn {n}", 1_700_000_000 + n, meta={"dia_id": f"D1:{n}"})
                                   for n in range(1, 6)]).inserted
    memory = svc.memories.add("episodic", "turn 4 and the rest of the session", sources=ids)
    hits = svc.search("turn 4", limit=10).hits
    hit_of = {h.ref: h for h in hits}
    event_hit = next(h for h in hits if h.owner == "event" and h.meta["dia_id"] == "D1:4")
    memory_hit = hit_of.get(f"m{memory.id}")
    assert memory_hit is not None
    # the memory comes first; of its five turns, the one the search also found leads
    turns = retrieved_turns(svc, [memory_hit, event_hit])
    assert turns == ["D1:4", "D1:1", "D1:2", "D1:3", "D1:5"]


def test_the_qa_report_gives_the_abstention_confusion_and_the_rule_behind_each_wrong_one():
    from recall_cli.bench.locomo import ConversationResult, QuestionResult, format_summary, summarize

    def q(category: int, abstained: bool, reason: str = "") -> QuestionResult:
        return QuestionResult(sample_id="c", index=0, question="?", category=category, answer=None, evidence=["D1:1"],
                              recall={1: 1.0}, f1=1.0 if abstained == (category == 5) else 0.0,
                              abstained=abstained, reason=reason)

    questions = [q(5, True), q(5, True), q(5, False), q(4, False), q(4, False), q(1, False),
                 q(4, True, "the evidence on this is about someone other than Ana"),
                 q(2, True, "no evidence item is about the question's subject (20% of its key words)"),
                 q(1, True, "the evidence on this is about someone other than Ben"),
                 q(3, True, "the evidence never mentions Rome"), q(4, True, "the evidence never mentions Lebron James")]
    conversation = ConversationResult(sample_id="c", events=1, ingest_s=1.0, reference=0.0, questions=questions)
    summary = summarize([conversation], [1])
    assert summary["abstention"] == {
        "unanswerable": 3, "abstained_right": 2, "answerable": 8, "abstained_wrong": 5,
        "wrong_by_reason": {"the evidence on this is about someone other than": 2,
                            "the evidence never mentions": 2,
                            "no evidence item is about the question's subject": 1}}
    text = format_summary(summary, [1])
    assert "abstained on 2 of 3 unanswerable (66.7%; false answers 1) and 5 of 8 answerable (62.5%)" in text
    assert "2  the evidence on this is about someone other than" in text

"""LoCoMo QA scoring (the paper's task_eval/evaluation.py rules), worked out by hand."""

import sys

import pytest

from recall_cli.bench.qa import _stemmer, answer_questions, f1_multi, f1_score, normalize_answer, score, summarize
from recall_cli.errors import RecallError
from recall_cli.llm.ask import ABSTAIN
from tests.fakes import ScriptedLLM


def test_normalisation_drops_commas_case_punctuation_and_articles():
    assert normalize_answer("The Sunday, before 25 May 2023!") == "sunday before 25 may 2023"
    assert normalize_answer("a cat and an apple") == "cat apple"
    assert normalize_answer("Theatre, then-the end") == "theatre thenthe end"  # '-' removed, no split
    assert normalize_answer("Andrew and Anna") == "andrew anna"  # whole words only


def test_token_f1_with_porter_stems():
    # pred stems [she, wa, run, marathon], gold [ran, marathon]: 1 shared -> P 1/4, R 1/2, F1 1/3
    assert f1_score("She was running marathons", "ran a marathon") == pytest.approx(1 / 3)
    # pred [7, may, 2023], gold [week, befor, 9, june, 2023]: 1 shared -> P 1/3, R 1/5, F1 1/4
    assert f1_score("7 May 2023", "The week before 9 June 2023") == pytest.approx(0.25)
    # multiset overlap: "paris" counts once -> P 1/2, R 1, F1 2/3
    assert f1_score("Paris Paris", "Paris") == pytest.approx(2 / 3)
    assert f1_score("painting", "Paintings") == 1.0  # both stem to "paint"
    assert f1_score("", "7 May 2023") == 0.0 and f1_score("the", "a") == 0.0


def test_multi_hop_averages_each_gold_parts_best_match():
    # gold parts camping (1.0), pottery (1.0), painting (0.0) -> 2/3
    assert f1_multi("pottery, camping", "camping, pottery, painting") == pytest.approx(2 / 3)
    # one predicted part against two gold parts: "running" 1.0, "pottery" 0 -> 1/2
    assert score(1, "running and swimming", "running, pottery") == pytest.approx(
        (f1_score("running and swimming", "running") + 0.0) / 2)
    assert score(1, "running and swimming", "running, pottery") == pytest.approx(1 / 3)


def test_category_rules():
    assert score(3, "psychology", "Psychology; counseling certification") == 1.0  # gold cut at ';'
    assert score(4, "psychology", "Psychology; counseling certification") == pytest.approx(0.5)
    assert score(5, ABSTAIN, None) == 1.0
    assert score(5, "No information available.", "pizza") == 1.0
    assert score(5, "She went to Paris", "Paris") == 0.0
    assert score(2, "2022", 2022) == 1.0  # int answers are cast to str


def test_answer_questions_scores_without_the_citation_marks(svc):
    svc.add("I adopted a grey kitten named Pixel yesterday!", ts=1_683_554_160.0, actor="Ana", source="chat")
    llm = ScriptedLLM(["Pixel [1]", "Pixel [1]"])
    questions = [
        {"question": "What is the name of Ana's kitten?", "answer": "Pixel", "category": 4},
        {"question": "What did Ana name her grey kitten?", "adversarial_answer": "Pixel", "category": 5},
        {"question": "What is Ben's favourite food at the opera?", "adversarial_answer": "pizza", "category": 5},
    ]
    seen = []
    results = answer_questions(svc, questions, reference=1_683_600_000.0, llm=llm, on_result=seen.append)
    assert [r.prediction for r in results] == ["Pixel", "Pixel", ABSTAIN]
    assert [r.f1 for r in results] == [1.0, 0.0, 1.0] and seen == results
    assert results[0].citations == ["1"] and results[0].ttft_ms == 1.0 and results[2].abstained
    summary = summarize(results)
    assert summary["4"] == {"n": 1, "f1": 100.0} and summary["5"] == {"n": 2, "f1": 50.0}
    assert summary["overall"]["f1"] == pytest.approx(66.67) and summary["abstained"] == 1


def test_answer_questions_without_an_llm_predicts_the_best_evidence(svc):
    svc.add("Pixel", ts=1_683_554_160.0, actor="Ana", source="chat")
    results = answer_questions(svc, [{"question": "Pixel?", "answer": "Pixel", "category": 4},
                                     {"question": "Opera tickets price?", "answer": "x", "category": 5}],
                               use_llm=False)
    assert [r.prediction for r in results] == ["Pixel", ABSTAIN] and [r.f1 for r in results] == [1.0, 1.0]


@pytest.fixture
def without_nltk(monkeypatch):
    _stemmer.cache_clear()
    for name in ("nltk", "nltk.stem"):  # None in sys.modules makes an import fail
        monkeypatch.setitem(sys.modules, name, None)
    yield
    _stemmer.cache_clear()


def test_scoring_without_nltk_fails_with_one_line_saying_how_to_install_it(without_nltk):
    with pytest.raises(RecallError, match=r"^the QA bench needs nltk: pip install 'recall-cli\[bench\]'$"):
        f1_score("ran", "run")


def test_without_nltk_no_question_is_put_to_the_model(svc, without_nltk):
    llm = ScriptedLLM(["Pixel [1]"])
    with pytest.raises(RecallError, match="needs nltk"):
        answer_questions(svc, [{"question": "What is the kitten's name?", "answer": "Pixel", "category": 4}],
                         llm=llm)
    assert llm.prompts == []

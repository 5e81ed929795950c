import json

import pytest

from recall_cli.ask import ABSTAIN, ask
from recall_cli.errors import ModelError, UsageError
from tests.fakes import ScriptedLLM

T0 = 1_683_554_160.0  # 8 May 2023 13:56 UTC


@pytest.fixture
def filled(svc):
    svc.add("I went to the LGBTQ support group yesterday, it was powerful", ts=T0, actor="Caroline",
            source="chat", session="s1")
    svc.add("Melanie painted a sunrise over the lake last year", ts=T0 + 60, actor="Melanie", source="chat",
            session="s1")
    return svc


def test_answer_cites_evidence_ids_and_streams(filled):
    llm = ScriptedLLM(["Caroline went to the support group on 7 May 2023 [1]."])
    tokens = []
    answer = ask(filled, "When did Caroline go to the LGBTQ support group?", llm=llm, on_token=tokens.append)
    assert answer.text == "Caroline went to the support group on 7 May 2023 [1]."
    assert answer.citations == ["1"] and not answer.abstained
    assert "".join(tokens) == answer.text
    prompt = llm.prompts[0]
    assert prompt.user.index("<evidence>") < prompt.user.index("Question:")
    assert "yesterday [7 May 2023]" in prompt.user  # relative dates resolved for the model
    assert prompt.system.startswith("You are recall")


def test_citations_of_ids_not_in_the_evidence_are_dropped(filled):
    answer = ask(filled, "When did Caroline go to the support group?", llm=ScriptedLLM(["On 7 May [1] [99]"]))
    assert answer.citations == ["1"]


def test_abstains_without_calling_the_model_when_nothing_matches(filled):
    llm = ScriptedLLM(["should not be used"])
    answer = ask(filled, "What is the airspeed of an unladen swallow?", llm=llm)
    assert answer.abstained and answer.text == ABSTAIN and llm.prompts == []


def test_abstains_when_the_model_says_it_does_not_know(filled):
    answer = ask(filled, "When did Caroline go to the support group?", llm=ScriptedLLM(["I don't know."]))
    assert answer.abstained and answer.text == ABSTAIN and answer.citations == []


def test_pinned_memories_come_first_in_the_stable_prefix(filled):
    m = filled.memories.add("core", "The user's name is Caroline", importance=9)
    llm = ScriptedLLM(["On 7 May 2023 [1]."])
    ask(filled, "When did Caroline go to the support group?", llm=llm)
    assert "What you always know about the user:\n- The user's name is Caroline" in llm.prompts[0].system
    assert m.id


def test_evidence_longer_than_the_context_is_trimmed_by_rank(svc):
    for i in range(30):
        svc.add(f"support group meeting number {i} " + "details " * 150, ts=T0 + i)
    llm = ScriptedLLM(["Many meetings [1]."], context_size=800)
    answer = ask(svc, "support group meeting", llm=llm, limit=20)
    assert 0 < len(answer.evidence) < 20
    assert llm.count_tokens(llm.prompts[0].system + llm.prompts[0].user) < 800


def test_empty_question_is_rejected(filled):
    with pytest.raises(UsageError, match="empty question"):
        ask(filled, "   ", llm=ScriptedLLM([]))


def test_cited_memories_are_reinforced(filled):
    m = filled.memories.add("semantic", "Caroline goes to an LGBTQ support group", importance=5)
    ask(filled, "Caroline LGBTQ support group?", llm=ScriptedLLM([f"She goes to a support group [m{m.id}]."]))
    assert filled.memories.get(m.id).reinforcements == 1


def test_cli_ask_no_llm_prints_evidence_and_works_with_a_broken_model(cli, recall_home, tmp_path, monkeypatch):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"not a gguf at all")
    monkeypatch.setenv("RECALL_LLM_MODEL", str(bad))
    cli("add", "Sam's key is under the blue pot", "--time", "2023-05-01T10:00")
    code, out, _ = cli("ask", "where is the key", "--no-llm")
    assert code == 0 and out.splitlines()[1].startswith("1   2023-05-01 10:00")
    code, out, err = cli("ask", "where is the key")
    assert code == 5 and err == f"Error: not a GGUF model file (bad header): {bad}\n"
    monkeypatch.setenv("RECALL_LLM_MODEL", str(tmp_path / "missing.gguf"))
    assert cli("ask", "where is the key")[2] == f"Error: model file not found: {tmp_path / 'missing.gguf'}\n"
    assert cli("search", "key")[0] == 0


def test_cli_ask_json_has_answer_citations_evidence_and_timings(cli, recall_home, monkeypatch):
    from recall_cli.cli import common
    from recall_cli.config import load_config
    from recall_cli.service import Recall
    from tests.fakes import FakeEmbedder

    common.set_service_factory(lambda: Recall(load_config(recall_home), embedder=FakeEmbedder(),
                                              llm=ScriptedLLM(["Under the blue pot [1]."])))
    cli("add", "Sam's key is under the blue pot", "--time", "2023-05-01T10:00")
    data = json.loads(cli("ask", "where is Sam's key", "--json")[1])
    assert data["answer"] == "Under the blue pot [1]." and data["citations"] == ["1"]
    assert data["evidence"][0]["id"] == 1 and "retrieve_ms" in data["timings"] and "ttft_ms" in data["timings"]
    assert cli("ask", "")[2].startswith("Error: empty question")


def test_model_errors_name_the_path(tmp_path):
    from recall_cli.llm import LlamaLLM

    with pytest.raises(ModelError, match="model file not found"):
        LlamaLLM(tmp_path / "nope.gguf")

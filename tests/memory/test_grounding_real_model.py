"""With the real bundled model: whatever it proposes, no memory it stores fails the
grounding check (the check is applied before writing, so this is what a user can rely on)."""

from __future__ import annotations

import pytest

from recall_cli.config import load_config
from recall_cli.llm.model import LlamaLLM, bundled_gguf
from recall_cli.memory.grounding import check
from recall_cli.memory.person import has_first_person
from recall_cli.memory.rejection import REASONS
from recall_cli.memory.summary import Candidate
from recall_cli.service import Recall
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.slow

T0 = 1_683_554_160.0  # Mon 8 May 2023 13:56 UTC
TURNS = [
    ("Caroline", "Hey Mel! I went to a LGBTQ support group yesterday and it was so powerful."),
    ("Melanie", "Wow, that's cool, Caroline! What happened that was so awesome?"),
    ("Caroline", "The transgender stories were so inspiring! I'm going to keep going every Tuesday."),
    ("Melanie", "I'm a big video game fan and I love playing games with my family on weekends."),
    ("Caroline", "I want to study counseling next year so I can help other people."),
    ("Melanie", "To make my sunrise paintings, I sketch first, then paint the sky with watercolours."),
]


def test_no_stored_llm_memory_fails_the_grounding_check(recall_home):
    svc = Recall(load_config(recall_home), embedder=FakeEmbedder(), llm=LlamaLLM(bundled_gguf(), context=2048))
    for i, (who, text) in enumerate(TURNS):
        svc.add(text, ts=T0 + i * 60, source="chat", actor=who, session="s1")
    svc.add("Maya's birthday is 3 May; she wants a film camera", ts=T0 + 86400)
    svc.add("I parked the car on level 3 of the station garage", ts=T0 + 2 * 86400)
    svc.config.values["consolidate.model_proposes"] = "always"  # by default a 135M model is left out
    report = svc.consolidate()
    assert report.model != "zero-LLM" and report.episodes == 3
    assert set(report.rejected) <= set(REASONS)
    for view in svc.list_memories(include_all=True):
        memory = view.memory
        assert memory.id is not None
        if memory.meta.get("origin") != "llm":
            continue
        assert svc.history(memory.id)[0]["actor"].startswith("consolidation (SmolLM2")
        sources = list(svc.store.get_events(svc.store.memory_sources(memory.id)).values())
        episode = svc.store.episode_events(sources[0].episode_id or 0)
        text = memory.text.partition(": ")[2] if memory.kind == "episodic" else memory.text
        again = check(Candidate(memory.kind, text, subject=memory.subject, origin="llm",
                                sources=[e.id for e in sources if e.id is not None]),
                      episode if memory.kind == "episodic" else sources, episode,
                      check_subject=memory.kind != "episodic")
        assert again.ok, (memory.text, again.reason, again.detail)
        assert not has_first_person(text), memory.text
    svc.close()


def test_by_default_the_bundled_model_is_left_out_of_consolidation_and_the_report_says_why(recall_home):
    svc = Recall(load_config(recall_home), embedder=FakeEmbedder(), llm=LlamaLLM(bundled_gguf(), context=2048))
    for i, (who, text) in enumerate(TURNS):
        svc.add(text, ts=T0 + i * 60, source="chat", actor=who, session="s1")
    report = svc.consolidate()
    assert report.model == "zero-LLM" and report.consolidated == 1
    assert "135M parameters, below the 1B" in report.model_problem
    assert not svc.llm.loaded  # deciding read the GGUF header only
    svc.close()

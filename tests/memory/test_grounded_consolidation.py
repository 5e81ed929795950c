"""Consolidation with the grounding check: rejections counted and logged, the zero-LLM
summary kept, history naming the path, checked merges, redo and bounded retries."""

from __future__ import annotations

import json

from recall_cli.llm.structured import FailureLog
from recall_cli.memory.consolidation import MAX_ATTEMPTS, Decision, Extraction, consolidate
from recall_cli.memory.extraction import LLMExtractor
from recall_cli.memory.rejection import rejection_counts
from recall_cli.memory.summary import Candidate
from recall_cli.models import Event, ForgetPlan
from tests.fakes import ScriptedLLM

T0 = 1_683_554_160.0  # Mon 8 May 2023 13:56 UTC
GOOD = {"kind": "semantic", "subject": "Caroline", "text": "Caroline went to the LGBTQ support group on 7 May 2023",
        "importance": 7, "turns": [1]}
JUNK = [
    {"kind": "semantic", "subject": "Melanie", "text": "{{#section_title}} My favorite hobby is gaming!",
     "importance": 5, "turns": [2]},
    {"kind": "procedural", "subject": "Melanie", "text": "I love painting sunrises with my kids", "importance": 5,
     "turns": [2]},
    {"kind": "semantic", "subject": "2025-9876", "text": "Caroline went to the support group on 25 December",
     "importance": 5, "turns": [1]},
]


def _episode(svc, session="s", t0=T0):
    svc.store.insert_events([
        Event("I went to the LGBTQ support group yesterday", t0, source="chat", session=session, actor="Caroline"),
        Event("That's brave! I love painting sunrises with my kids", t0 + 60, source="chat", session=session,
              actor="Melanie"),
    ])


def _extract(*memories, summary="Caroline told Melanie about the support group."):
    return json.dumps({"memories": list(memories), "summary": summary})


def test_rejected_candidates_are_counted_logged_and_the_rest_lands(svc, tmp_path):
    _episode(svc)
    llm = ScriptedLLM([_extract(GOOD, JUNK[0], JUNK[2], GOOD)])  # the schema allows 4
    report = consolidate(svc, extractors=[LLMExtractor(llm, FailureLog(svc.config.home, svc.store))])
    assert report.rejected == {"markup": 1, "ungrounded_date": 1, "duplicate": 1}
    assert rejection_counts(svc.store) == report.rejected
    logged = [json.loads(line) for line in (svc.config.home / "logs" / "llm-rejected.jsonl").read_text().splitlines()]
    assert sorted(e["reason"] for e in logged) == sorted(report.rejected)
    assert all(e["episode"] == 1 and e["model"] == "scripted" for e in logged)
    texts = sorted(v.memory.text for v in svc.memories.list())
    assert texts == ["Caroline went to the LGBTQ support group on 7 May 2023",
                     "Mon 08 May 2023, 13:56–13:57: Caroline told Melanie about the support group."]
    (outcome,) = report.outcomes
    assert {r.reason for r in outcome.rejected} == set(report.rejected)


def test_a_dry_run_lists_rejections_but_counts_and_logs_nothing(svc):
    _episode(svc)
    report = consolidate(svc, dry_run=True, extractors=[LLMExtractor(ScriptedLLM([_extract(*JUNK)]),
                                                                     FailureLog(svc.config.home))])
    assert sum(report.rejected.values()) == 3 and rejection_counts(svc.store) == {}
    assert not (svc.config.home / "logs" / "llm-rejected.jsonl").exists()


def test_an_ungrounded_llm_summary_leaves_the_zero_llm_summary(svc):
    _episode(svc)
    llm = ScriptedLLM([_extract(summary="Caroline and Jessica went to Paris")])
    report = consolidate(svc, extractors=[LLMExtractor(llm, FailureLog(svc.config.home))])
    (summary,) = [v.memory for v in svc.memories.list(kinds=["episodic"])]
    assert "Jessica" not in summary.text and "talked about" in summary.text
    assert report.rejected == {"ungrounded_name": 1}
    assert svc.history(summary.id)[0]["actor"] == "consolidation (zero-LLM)"


def test_a_summary_that_gives_one_person_the_others_news_leaves_the_zero_llm_summary(svc):
    _episode(svc)  # Caroline went to the support group; Melanie paints with her kids
    llm = ScriptedLLM([_extract(summary="Melanie went to the LGBTQ support group yesterday.")])
    report = consolidate(svc, extractors=[LLMExtractor(llm, FailureLog(svc.config.home))])
    (summary,) = [v.memory for v in svc.memories.list(kinds=["episodic"])]
    assert "talked about" in summary.text and report.rejected == {"wrong_person": 1}


def test_history_says_which_path_made_each_memory(svc):
    _episode(svc)
    consolidate(svc, extractors=[LLMExtractor(ScriptedLLM([_extract(GOOD)]), FailureLog(svc.config.home))])
    by_kind = {v.memory.kind: v.memory for v in svc.memories.list()}
    fact = by_kind["semantic"]
    first = svc.history(fact.id)[0]
    assert first["actor"] == "consolidation (scripted)"
    assert json.loads(first["detail"]) == {"origin": "llm", "model": "scripted", "path": "scripted"}
    assert fact.meta["origin"] == "llm" and fact.meta["model"] == "scripted"
    _episode(svc, session="other", t0=T0 + 86400 * 3)
    consolidate(svc)  # zero-LLM
    summaries = [v.memory for v in svc.memories.list(kinds=["episodic"]) if "11 May" in v.memory.text]
    assert svc.history(summaries[0].id)[0]["actor"] == "consolidation (zero-LLM)"


class MergingReconciler:
    """Says UPDATE with a merged text of its own (as the LLM reconciler does)."""

    def __init__(self, target, text):
        self.target, self.text = target, text

    def decide(self, svc, candidate):
        if candidate.kind == "episodic":
            return Decision("ADD", candidate)
        return Decision("UPDATE", candidate, target=self.target, text=self.text, by_model=True)


def test_a_merged_text_the_model_invents_is_replaced_by_the_checked_candidate(svc):
    known = svc.memories.add("semantic", "Caroline goes to a support group", subject="Caroline")
    _episode(svc)
    extractor = LLMExtractor(ScriptedLLM([_extract(GOOD)]), FailureLog(svc.config.home))
    report = consolidate(svc, extractors=[extractor],
                         reconciler=MergingReconciler(known.id, "Caroline goes to a support group in Boston"))
    assert report.rejected == {"ungrounded_name": 1}
    assert svc.memories.get(known.id).text == GOOD["text"]
    undated = {**GOOD, "text": "Caroline went to the LGBTQ support group"}
    extractor = LLMExtractor(ScriptedLLM([_extract(undated)]), FailureLog(svc.config.home))
    _episode(svc, session="again", t0=T0 + 86400)
    merged = "Caroline goes to a support group, the LGBTQ support group"
    consolidate(svc, extractors=[extractor], reconciler=MergingReconciler(known.id, merged))
    assert svc.memories.get(known.id).text == merged  # its words are the memory's and the events'


def test_redo_runs_a_consolidated_episode_again_keeping_user_edits(svc):
    _episode(svc)
    first = consolidate(svc, extractors=[LLMExtractor(ScriptedLLM([_extract(GOOD)]), FailureLog(svc.config.home))])
    assert first.consolidated == 1
    assert consolidate(svc, episode_ids=[1]).episodes == 0  # done: not without redo
    skipped = consolidate(svc, episode_ids=[1])
    assert skipped.skipped == [1] and skipped.unknown == []
    # an older run stored junk from this episode; the user corrected another memory
    junk = svc.memories.add("semantic", "{{#section_title}} gaming", sources=[2], actor="consolidation")
    mine = svc.memories.add("semantic", "Melanie paints sunrises", sources=[2], actor="consolidation")
    svc.memories.edit(mine.id, "Melanie paints sunrises with her kids")
    fact = next(v.memory for v in svc.memories.list(kinds=["semantic"]) if v.memory.text == GOOD["text"])
    strength = fact.strength
    dry = consolidate(svc, episode_ids=[1], redo=True, dry_run=True,
                      extractors=[LLMExtractor(ScriptedLLM([_extract(GOOD)]), FailureLog(svc.config.home))])
    assert [m for m, _t in dry.outcomes[0].retired] == [junk.id] and svc.memories.get(junk.id)
    redo = consolidate(svc, episode_ids=[1], redo=True,
                       extractors=[LLMExtractor(ScriptedLLM([_extract(GOOD)]), FailureLog(svc.config.home))])
    assert (redo.episodes, redo.consolidated, redo.retired) == (1, 1, 1)
    assert redo.actions["ADD"] == 0 and redo.actions["NOOP"] == 2  # the fact and the summary exist
    texts = sorted(v.memory.text for v in svc.memories.list())
    assert "Melanie paints sunrises with her kids" in texts and not any("section_title" in t for t in texts)
    assert svc.memories.get(fact.id).strength == strength  # a redo hears nothing new


def test_a_redo_without_a_model_keeps_what_a_model_made(svc):
    # found by a new user: with the model file moved (or the bundled one chosen), a redo took the
    # zero-LLM path and deleted the model's memories for good, tombstones and all
    _episode(svc)
    consolidate(svc, extractors=[LLMExtractor(ScriptedLLM([_extract(GOOD)]), FailureLog(svc.config.home))])
    fact = next(v.memory for v in svc.memories.list(kinds=["semantic"]) if v.memory.text == GOOD["text"])
    redo = consolidate(svc, episode_ids=[1], redo=True)  # no extractors: the zero-LLM path
    assert redo.retired == 0 and svc.memories.get(fact.id).status == "active"
    failed = consolidate(svc, episode_ids=[1], redo=True,
                         extractors=[LLMExtractor(ScriptedLLM(["not json"]), FailureLog(svc.config.home))])
    assert failed.retired == 0 and svc.memories.get(fact.id).status == "active"  # its output was invalid
    again = consolidate(svc, episode_ids=[1], redo=True,
                        extractors=[LLMExtractor(ScriptedLLM([_extract()]), FailureLog(svc.config.home))])
    assert again.retired == 1  # a model that ran and did not make it again: retired, as before


def test_a_redo_does_not_bring_back_what_the_user_corrected(svc):
    _episode(svc)
    consolidate(svc, extractors=[LLMExtractor(ScriptedLLM([_extract(GOOD)]), FailureLog(svc.config.home))])
    fact = next(v.memory for v in svc.memories.list(kinds=["semantic"]) if v.memory.text == GOOD["text"])
    svc.memories.edit(fact.id, "Caroline went to the LGBTQ support group on Sunday 7 May 2023, with Mel")
    redo = consolidate(svc, episode_ids=[1], redo=True,
                       extractors=[LLMExtractor(ScriptedLLM([_extract(GOOD)]), FailureLog(svc.config.home))])
    assert redo.actions["ADD"] == 0 and redo.protected == 1
    texts = [v.memory.text for v in svc.memories.list(kinds=["semantic"])]
    assert texts == ["Caroline went to the LGBTQ support group on Sunday 7 May 2023, with Mel"]


def test_redo_of_an_unknown_episode_is_reported(svc):
    _episode(svc)
    report = consolidate(svc, episode_ids=[1, 99], redo=True)
    assert report.episodes == 1 and report.unknown == [99]


class AlwaysInvalid:
    name = "broken"

    def extract(self, events):
        return Extraction([Candidate("episodic", "x: y", sources=[e.id for e in events])], failed=True,
                          error="invalid JSON")


def test_retries_are_bounded_and_the_episodes_that_gave_up_are_reported(svc):
    _episode(svc)
    runs = [consolidate(svc, extractors=[AlwaysInvalid()]) for _ in range(MAX_ATTEMPTS + 1)]
    assert [r.episodes for r in runs] == [1] * MAX_ATTEMPTS + [0]
    assert [r.gave_up for r in runs] == [[]] * (MAX_ATTEMPTS - 1) + [[1], []]
    assert [v.memory.text for v in svc.memories.list()] == ["x: y"]  # the summary landed on the first run
    again = consolidate(svc, episode_ids=[1], redo=True,
                        extractors=[LLMExtractor(ScriptedLLM([_extract(GOOD)]), FailureLog(svc.config.home))])
    assert again.consolidated == 1 and again.gave_up == []


def test_episode_summaries_stay_zero_llm_unless_the_model_is_trusted_with_them(svc):
    from recall_cli.memory.extraction import llm_pipeline

    _episode(svc)
    svc._llm = ScriptedLLM([_extract(GOOD)] * 2)  # unsized: counts as a model the user chose
    extractors, reconciler = llm_pipeline(svc)
    consolidate(svc, extractors=extractors, reconciler=reconciler)
    (summary,) = [v.memory for v in svc.memories.list(kinds=["episodic"])]
    assert "talked about" in summary.text  # consolidate.model_summarises is "never" by default
    assert [v.memory.text for v in svc.memories.list(kinds=["semantic"])] == [
        "Caroline went to the LGBTQ support group on 7 May 2023"]  # the model still proposes memories

    svc.config.set("consolidate.model_summarises", "always")
    extractors, _ = llm_pipeline(svc)
    assert [e.summarise for e in extractors] == [True]


def test_a_redo_does_not_bring_back_a_memory_the_user_forgot(svc):
    _episode(svc)
    consolidate(svc, extractors=[LLMExtractor(ScriptedLLM([_extract(GOOD)]), FailureLog(svc.config.home))])
    fact = next(v.memory for v in svc.memories.list(kinds=["semantic"]) if v.memory.text == GOOD["text"])
    svc.forget(ForgetPlan(memory_ids=[fact.id]))
    redo = consolidate(svc, episode_ids=[1], redo=True,
                       extractors=[LLMExtractor(ScriptedLLM([_extract(GOOD)]), FailureLog(svc.config.home))])
    assert redo.consolidated == 1
    assert GOOD["text"] not in [v.memory.text for v in svc.memories.list(include_all=True)]
    assert any(d.reason == "forgotten by the user" for o in redo.outcomes for d in o.decisions)

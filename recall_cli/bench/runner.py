"""Glue for the LoCoMo benchmark: shared models, the QA answerer, the consolidation step."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import load_config
from .locomo import ConversationResult, QuestionResult

if TYPE_CHECKING:
    from ..llm.model import LLM
    from ..search.embed import Embedder
    from ..service import Recall


def shared_models(model: Path | None, need_llm: bool) -> tuple[Embedder, LLM | None]:
    """One embedder (and LLM) for every conversation, so each is loaded once."""
    from ..llm.model import LlamaLLM
    from ..service import Recall

    config = load_config()
    embedder = Recall(config).embedder  # the configured one, resolved as every command resolves it
    llm = None
    if need_llm:
        if model is not None:
            llm = LlamaLLM(model.expanduser(), context=config.get("llm.context"), threads=config.get("llm.threads"))
        else:
            llm = LlamaLLM.from_config(config)
        llm.cache_dir = None  # one process: the in-memory prefix reuse is enough
    return embedder, llm


def make_answerer(llm: LLM | None) -> Callable[[Recall, QuestionResult, float], None]:
    """Answer each question with ``llm`` (None: the configured one) and score it into the result."""
    from .qa import answer_question

    def answer(svc: Recall, q: QuestionResult, reference: float) -> None:
        svc._llm = llm
        result = answer_question(svc, q.question, q.category, q.answer, reference=reference, llm=llm)
        q.prediction = result.prediction  # without the [12] citation marks
        q.f1 = result.f1
        q.abstained = result.abstained
        q.method = result.method
        q.reason = result.reason
        q.generated = result.generated
        q.ttft_ms = result.ttft_ms
        q.tokens_per_s = result.tokens_per_s

    return answer


def make_preparer(llm: LLM | None) -> Callable[[Recall, ConversationResult], None]:
    """Consolidate the conversation before the questions; record what it produced."""
    from ..memory.consolidation import consolidate

    def prepare(svc: Recall, result: ConversationResult) -> None:
        extractors = None
        reconciler = None
        if llm is not None:
            from ..memory.extraction import llm_pipeline

            svc._llm = llm
            extractors, reconciler = llm_pipeline(svc)
        t = time.perf_counter()
        report = consolidate(svc, extractors=extractors, reconciler=reconciler, at=result.reference)
        seconds = time.perf_counter() - t
        result.extra["consolidation"] = {
            "episodes": report.episodes, "candidates": report.candidates,
            "failed_validation": report.failed_validation, "actions": report.actions,
            "rejected": getattr(report, "rejected", {}), "gave_up": getattr(report, "gave_up", []),
            "model_failures": getattr(report, "model_failures", None),
            "seconds": round(seconds, 2), "seconds_per_episode": round(seconds / max(1, report.episodes), 2),
            "episodes_per_minute": round(report.episodes / seconds * 60, 2) if seconds else 0.0,
            "memories": stored_memories(svc),
            "rejections": [{"episode": o.episode_id, **{k: (v.encode("utf-8", "replace").decode("utf-8")
                                                            if isinstance(v, str) else v)
                                                        for k, v in r.to_dict().items()}}
                           for o in report.outcomes for r in o.rejected],
        }

    return prepare


def stored_memories(svc: Recall) -> list[dict[str, Any]]:
    """Every active memory with the path that made it and the turns it cites (for checking
    consolidation's output by hand: `--json` only)."""
    import json

    out = []
    for view in svc.list_memories(include_all=True):
        m = view.memory
        assert m.id is not None
        first = svc.history(m.id)[0]
        detail = json.loads(first.get("detail") or "{}")
        sources = svc.store.get_events(svc.store.memory_sources(m.id))
        out.append({"id": m.id, "kind": m.kind, "subject": m.subject, "text": m.text,
                    "origin": detail.get("origin"), "by": first["actor"],
                    "sources": [f"{e.actor}: {e.text}" for e in sources.values()]})
    # a weak model can write broken UTF-8 (lone surrogates): keep the report printable
    printable = json.dumps(out, ensure_ascii=False).encode("utf-8", "replace").decode("utf-8")
    clean: list[dict[str, Any]] = json.loads(printable)
    return clean

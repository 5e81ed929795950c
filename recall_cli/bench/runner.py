"""Glue for the LoCoMo benchmark: shared models, the QA answerer, the consolidation step."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

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
            "seconds": round(seconds, 2), "seconds_per_episode": round(seconds / max(1, report.episodes), 2),
        }

    return prepare

"""LoCoMo QA scoring, exactly as the paper's task_eval/evaluation.py does it.

Normalisation: drop commas, lowercase, remove punctuation, remove the articles
a|an|the|and, collapse whitespace, Porter-stem each token. Category 1 (multi-hop):
split prediction and gold on ',' and average, over gold parts, the best F1 against any
predicted part. Category 3: gold cut at the first ';'. Category 5: correct (1.0) when the
prediction contains "no information available" or "not mentioned".
"""

from __future__ import annotations

import re
import string
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import RecallError

_ARTICLES = re.compile(r"\b(a|an|the|and)\b")
_PUNCT = set(string.punctuation)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    """NLTK's Porter stemmer, the one the LoCoMo scorer uses (scores must match the paper's,
    so it is not replaced). Imported here: nltk is the optional ``bench`` extra."""
    try:
        from nltk.stem import PorterStemmer
    except ImportError:
        raise RecallError("the QA bench needs nltk: pip install 'recall-cli[bench]'") from None
    return PorterStemmer()


def normalize_answer(text: str) -> str:
    text = str(text).replace(",", "").lower()
    text = "".join(ch for ch in text if ch not in _PUNCT)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def f1_score(prediction: str, ground_truth: str) -> float:
    stem = _stemmer().stem
    pred = [stem(w) for w in normalize_answer(prediction).split()]
    gold = [stem(w) for w in normalize_answer(ground_truth).split()]
    common = Counter(pred) & Counter(gold)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(gold)
    return 2 * precision * recall / (precision + recall)


def f1_multi(prediction: str, ground_truth: str) -> float:
    """Category 1: each gold part's best match among the predicted parts, averaged."""
    preds = [p.strip() for p in str(prediction).split(",")]
    golds = [g.strip() for g in str(ground_truth).split(",")]
    return sum(max(f1_score(p, g) for p in preds) for g in golds) / len(golds)


def score(category: int, prediction: str, answer: str | int | None) -> float:
    """The LoCoMo F1 of one prediction in its category."""
    if category == 5:
        low = str(prediction).lower()
        return 1.0 if ("no information available" in low or "not mentioned" in low) else 0.0
    gold = str(answer)
    if category == 3:
        gold = gold.split(";")[0].strip()
    if category == 1:
        return f1_multi(prediction, gold)
    return f1_score(prediction, gold)


@dataclass
class QAResult:
    """One answered question, scored."""

    question: str
    category: int
    answer: str | None  # the gold answer (None for adversarial questions)
    prediction: str
    f1: float
    abstained: bool = False
    method: str = ""  # what made the answer: model, evidence, date, steps, list, abstain
    reason: str = ""  # why it was answered that way (for an abstention: which rule)
    generated: str | None = None  # the model's own words, when the answer replaced them
    citations: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # refs given to the model, best first
    ttft_ms: float | None = None
    tokens_per_s: float | None = None
    total_ms: float = 0.0


def _field(item: Any, name: str, default: Any = None) -> Any:
    return item.get(name, default) if isinstance(item, Mapping) else getattr(item, name, default)


def answer_question(svc: Any, question: str, category: int, gold: Any, *, reference: float | None = None,
                    llm: Any = None, use_llm: bool = True, limit: int | None = None) -> QAResult:
    """Ask one question the way `recall ask` does and score the answer.

    The [12] / [m3] citation marks are removed before scoring (they are not answer words).
    Without an LLM the prediction is the best evidence item's text, or the abstention when
    the evidence does not support an answer (the retrieval-only baseline; the zero-LLM
    answers are ``ask.model_answers = never``)."""
    from ..llm.ask import ABSTAIN, ask, strip_citations

    _stemmer()  # without nltk, fail before the model spends time on an answer that cannot be scored
    started = time.perf_counter()
    result = ask(svc, question, llm=llm, use_llm=use_llm, reference=reference, limit=limit)
    if use_llm:
        prediction = strip_citations(result.text or "")
    elif not result.evidence or result.reason.endswith("none of it matches the question well"):
        prediction = ABSTAIN
    else:
        prediction = " ".join(result.evidence[0].text.split())
    gold_text = None if gold is None else str(gold)
    return QAResult(
        question=question, category=int(category), answer=gold_text, prediction=prediction,
        f1=score(int(category), prediction, gold_text), abstained=result.abstained or prediction == ABSTAIN,
        method=result.method, reason=result.reason, generated=result.generated,
        citations=list(result.citations), evidence=[h.ref for h in result.evidence],
        ttft_ms=result.timings.get("ttft_ms") if use_llm and not result.abstained else None,
        tokens_per_s=result.timings.get("tokens_per_s") or None,
        total_ms=(time.perf_counter() - started) * 1000,
    )


def answer_questions(svc: Any, questions: Iterable[Any], *, reference: float | None = None, llm: Any = None,
                     use_llm: bool = True, limit: int | None = None,
                     on_result: Callable[[QAResult], None] | None = None) -> list[QAResult]:
    """Answer LoCoMo-style QA items (dicts or objects with question, category and answer or
    adversarial_answer) against ``svc`` at the reference time; per-question prediction, F1,
    time to first token and tokens/s."""
    out: list[QAResult] = []
    for item in questions:
        category = int(_field(item, "category"))
        gold = None if category == 5 else _field(item, "answer")
        result = answer_question(svc, str(_field(item, "question")), category, gold, reference=reference, llm=llm,
                                 use_llm=use_llm, limit=limit)
        out.append(result)
        if on_result is not None:
            on_result(result)
    return out


def summarize(results: Iterable[QAResult]) -> dict[str, Any]:
    """Mean F1 (x100) per category 1-5, over 1-4, and overall (all five, as in the paper)."""
    rows = list(results)
    out: dict[str, Any] = {}
    for key, members in [(str(c), [r for r in rows if r.category == c]) for c in (1, 2, 3, 4, 5)] + [
            ("1-4", [r for r in rows if r.category in (1, 2, 3, 4)]), ("overall", rows)]:
        if members:
            out[key] = {"n": len(members), "f1": round(100 * sum(r.f1 for r in members) / len(members), 2)}
    ttft = sorted(r.ttft_ms for r in rows if r.ttft_ms)
    tps = [r.tokens_per_s for r in rows if r.tokens_per_s]
    if ttft:
        out["ttft_ms_p50"] = round(ttft[len(ttft) // 2], 1)
    if tps:
        out["tokens_per_s"] = round(sum(tps) / len(tps), 1)
    out["abstained"] = sum(r.abstained for r in rows)
    return out

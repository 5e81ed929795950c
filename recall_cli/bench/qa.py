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
from collections import Counter
from functools import lru_cache

_ARTICLES = re.compile(r"\b(a|an|the|and)\b")
_PUNCT = set(string.punctuation)


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import PorterStemmer

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

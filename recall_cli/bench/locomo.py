"""`recall bench locomo`: turn-level evidence recall, QA F1 and speed on LoCoMo.

Each conversation goes into a fresh temporary store; its reference "now" is the time of
its last session. recall@k counts the first k distinct turns the search returns: a memory
hit stands for the turns it came from, in order, so it spends several of the k.
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import load_config
from ..errors import InputError
from ..importers.locomo import parse_locomo_date, session_numbers

if TYPE_CHECKING:
    from ..models import Hit
    from ..search.embed import Embedder
    from ..service import Recall

EVIDENCE_ID = re.compile(r"^D(\d+):(\d+)$")
CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}


def normalize_evidence(ids: Iterable[Any]) -> list[str]:
    """Split packed ids ("D8:6; D9:17"), drop broken ones ("D:11:26", "D"), keep order."""
    out: list[str] = []
    for raw in ids or []:
        for part in re.split(r"[;,\s]+", str(raw)):
            part = part.strip()
            m = EVIDENCE_ID.match(part)
            if m:
                norm = f"D{int(m.group(1))}:{int(m.group(2))}"
                if norm not in out:
                    out.append(norm)
    return out


def recall_at(retrieved: Sequence[Hashable], gold: Sequence[Hashable], k: int) -> float:
    """Share of gold ids among the first k distinct retrieved ids (turns, messages)."""
    if not gold:
        return 0.0
    top = set(retrieved[:k])
    return sum(1 for g in gold if g in top) / len(gold)


@dataclass
class QuestionResult:
    sample_id: str
    index: int
    question: str
    category: int
    answer: str | None
    evidence: list[str]
    retrieved: list[str] = field(default_factory=list)
    recall: dict[int, float] = field(default_factory=dict)
    search_ms: float = 0.0
    results: int = 0  # hits the search returned (0: the question got nothing at all)
    top_score: float | None = None  # the first hit's shown score (calibration)
    prediction: str | None = None
    f1: float | None = None
    abstained: bool | None = None  # the answer was "Not mentioned"
    method: str = ""  # what made the answer (model, evidence, date, steps, list, abstain)
    reason: str = ""  # why (for an abstention: the rule that made it)
    generated: str | None = None  # the model's own words, when the answer replaced them
    ttft_ms: float | None = None
    tokens_per_s: float | None = None


@dataclass
class ConversationResult:
    sample_id: str
    events: int
    ingest_s: float
    reference: float
    questions: list[QuestionResult] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def load_samples(path: Path) -> list[dict[str, Any]]:
    """The samples of a LoCoMo JSON file (InputError naming the file when it is not one)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such file", str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a LoCoMo JSON file: {exc}", str(path)) from None
    if not isinstance(data, list) or not all(isinstance(s, dict) and "conversation" in s for s in data):
        raise InputError("not a LoCoMo file (expected a list of samples with 'conversation')", str(path))
    return data


def last_session_time(sample: dict[str, Any]) -> float:
    """When the sample's last session took place: the reference "now" of its questions."""
    conv = sample["conversation"]
    return max(parse_locomo_date(conv[f"session_{n}_date_time"]) for n in session_numbers(conv)
               if conv.get(f"session_{n}_date_time"))


def retrieved_turns(svc: Recall, hits: list[Hit]) -> list[str]:
    """Distinct dia_ids in rank order; a memory expands to its source turns, those the
    search itself ranked first (best first), then the rest in the order they were said."""
    rank: dict[str, int] = {}
    for hit in hits:
        dia = hit.meta.get("dia_id") if hit.owner == "event" else None
        if dia and dia not in rank:
            rank[dia] = len(rank)
    out: list[str] = []
    for hit in hits:
        ids: list[str | None]
        if hit.owner == "event":
            ids = [hit.meta.get("dia_id")]
        else:
            source_ids = svc.store.memory_sources(hit.id)
            sources = svc.store.get_events(source_ids)
            # turns without a dia_id are left out (the loop below would skip them)
            said: list[str] = [d for i in source_ids if i in sources and (d := sources[i].meta.get("dia_id"))]
            said.sort(key=lambda d: rank.get(d, len(rank)))  # stable: unranked keep their order
            ids = list(said)
        for dia in ids:
            if dia and dia not in out:
                out.append(dia)
    return out


def run_conversation(
    sample: dict[str, Any], *, embedder: Embedder, ks: list[int], limit: int | None = None,
    answerer: Callable[[Recall, QuestionResult, float], None] | None = None,
    prepare: Callable[[Recall, ConversationResult], None] | None = None, categories: set[int] | None = None,
) -> ConversationResult:
    """Import one conversation into a fresh store and run its questions."""
    from ..service import Recall

    sample_id = str(sample.get("sample_id"))
    with tempfile.TemporaryDirectory(prefix="recall-locomo-") as tmp:
        home = Path(tmp) / "home"
        svc = Recall(load_config(home), embedder=embedder)
        data_file = Path(tmp) / f"{sample_id}.json"
        data_file.write_text(json.dumps([sample]), encoding="utf-8")
        t = time.perf_counter()
        report = svc.import_file(data_file, "locomo")
        _ = svc.index
        ingest_s = time.perf_counter() - t
        result = ConversationResult(sample_id, report.inserted, ingest_s, last_session_time(sample))
        if prepare is not None:
            prepare(svc, result)
        wanted = categories or {1, 2, 3, 4, 5}
        qas = [(i, qa) for i, qa in enumerate(sample.get("qa", [])) if int(qa.get("category", 0)) in wanted]
        if limit:
            qas = qas[:limit]
        depth = max(ks)
        for index, qa in qas:
            answer = qa.get("answer", qa.get("adversarial_answer"))
            q = QuestionResult(sample_id, index, str(qa["question"]), int(qa["category"]),
                               None if answer is None else str(answer), normalize_evidence(qa.get("evidence")))
            t = time.perf_counter()
            found = svc.search(q.question, limit=depth, reference=result.reference)
            q.search_ms = (time.perf_counter() - t) * 1000
            q.results = len(found.hits)
            q.top_score = found.hits[0].score if found.hits else None
            q.retrieved = retrieved_turns(svc, found.hits)
            q.recall = {k: recall_at(q.retrieved, q.evidence, k) for k in ks}
            if answerer is not None:
                answerer(svc, q, result.reference)
            result.questions.append(q)
        svc.close()
    return result


def summarize(results: list[ConversationResult], ks: list[int]) -> dict[str, Any]:
    """Recall per category (1-4) and overall, QA F1 per category, latency, ingest rate."""
    questions = [q for r in results for q in r.questions]
    retrieval = [q for q in questions if q.category in (1, 2, 3, 4) and q.evidence]
    out: dict[str, Any] = {"conversations": [r.sample_id for r in results], "recall": {}, "counts": {}}
    for cat in (1, 2, 3, 4):
        qs = [q for q in retrieval if q.category == cat]
        out["counts"][cat] = len(qs)
        out["recall"][cat] = {k: (statistics.fmean(q.recall[k] for q in qs) if qs else 0.0) for k in ks}
    out["counts"]["overall"] = len(retrieval)
    out["recall"]["overall"] = {k: (statistics.fmean(q.recall[k] for q in retrieval) if retrieval else 0.0)
                                for k in ks}
    from .beam import calibration, no_result_counts

    out["no_result"] = no_result_counts(questions, lambda q: q.category)
    # a search cannot tell an adversarial question from an answerable one on the same subject;
    # the best hit's score should still sit lower when nothing on the subject was said
    out["calibration"] = calibration([q.top_score for q in questions if q.category in (1, 2, 3, 4)],
                                     [q.top_score for q in questions if q.category == 5],
                                     "answerable (1-4)", "adversarial (5)")
    latencies = sorted(q.search_ms for q in questions)
    if latencies:
        out["search_ms"] = {"p50": latencies[len(latencies) // 2],
                            "p95": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]}
    events = sum(r.events for r in results)
    seconds = sum(r.ingest_s for r in results)
    out["ingest"] = {"events": events, "seconds": seconds, "events_per_s": events / seconds if seconds else 0.0}
    answered = [q for q in questions if q.f1 is not None]
    scored = [(q.category, q.f1) for q in answered if q.f1 is not None]  # (category, F1) of each
    if answered:
        f1: dict[Any, Any] = {}
        for cat in (1, 2, 3, 4, 5):
            scores = [s for c, s in scored if c == cat]
            if scores:
                f1[cat] = {"f1": statistics.fmean(scores), "n": len(scores),
                           "abstained": sum(1 for q in answered if q.category == cat and q.abstained)}
        f1["overall"] = {"f1": statistics.fmean(s for _, s in scored), "n": len(scored)}
        cat14 = [s for c, s in scored if c in (1, 2, 3, 4)]
        if cat14:
            f1["1-4"] = {"f1": statistics.fmean(cat14), "n": len(cat14),
                         "abstained": sum(1 for q in answered if q.category in (1, 2, 3, 4) and q.abstained)}
        out["qa"] = f1
        out["abstention"] = confusion(answered)
        methods: dict[str, int] = {}
        for q in answered:
            methods[q.method or "?"] = methods.get(q.method or "?", 0) + 1
        out["qa_methods"] = dict(sorted(methods.items()))
        ttft = sorted(q.ttft_ms for q in answered if q.ttft_ms)
        tps = [q.tokens_per_s for q in answered if q.tokens_per_s]
        if ttft:
            out["qa_speed"] = {"ttft_ms_p50": ttft[len(ttft) // 2], "tokens_per_s": statistics.fmean(tps) if tps else 0}
    for r in results:
        for key, value in r.extra.items():
            out.setdefault("extra", {}).setdefault(r.sample_id, {})[key] = value
    return out


def confusion(answered: list[QuestionResult]) -> dict[str, Any]:
    """How abstention went: unanswerable (category 5) questions rightly abstained, answerable
    ones wrongly abstained, and the rule behind each wrong abstention."""
    unanswerable = [q for q in answered if q.category == 5]
    answerable = [q for q in answered if q.category in (1, 2, 3, 4)]
    wrong = [q for q in answerable if q.abstained]
    reasons: dict[str, int] = {}
    for q in wrong:
        # the rule, without the person, name or share it names ("... than Ana", "... mentions Rome")
        rule = re.sub(r"\s*\(\d+%.*?\)|(?<=\bthan)\s.*$|(?<=\bmentions)\s.*$", "", q.reason or "?").strip()
        reasons[rule] = reasons.get(rule, 0) + 1
    return {"unanswerable": len(unanswerable), "abstained_right": sum(1 for q in unanswerable if q.abstained),
            "answerable": len(answerable), "abstained_wrong": len(wrong),
            "wrong_by_reason": dict(sorted(reasons.items(), key=lambda kv: -kv[1]))}


def format_summary(summary: dict[str, Any], ks: list[int]) -> str:
    """The ``summarize`` result as the text table `recall bench locomo` prints."""
    lines = ["LoCoMo evidence recall (turn level, first k distinct turns)"]
    header = f"{'category':<16}{'n':>5}" + "".join(f"{'R@' + str(k):>9}" for k in ks)
    lines.append(header + f"{'none':>7}")
    no_result = summary.get("no_result", {})
    for cat in (1, 2, 3, 4, "overall"):
        name = f"{cat} {CATEGORIES[cat]}" if isinstance(cat, int) else "overall 1-4"
        row = summary["recall"][cat]
        none = sum(no_result.get(str(c), 0) for c in (1, 2, 3, 4)) if cat == "overall" else no_result.get(str(cat), 0)
        lines.append(f"{name:<16}{summary['counts'][cat]:>5}" + "".join(f"{row[k] * 100:>8.1f}%" for k in ks)
                     + f"{none:>7}")
    lines.append(f"questions with no result: {no_result.get('overall', 0)} of all categories "
                 f"({no_result.get('5', 0)} in 5 adversarial)")
    from .beam import footer_lines

    lines.extend(footer_lines(summary))
    if "qa" in summary:
        lines.append("QA token F1 (LoCoMo paper scoring)")
        for cat, row in summary["qa"].items():
            name = f"{cat} {CATEGORIES[cat]}" if isinstance(cat, int) else str(cat)
            abstained = f"  abstained {row['abstained']}" if "abstained" in row else ""
            lines.append(f"  {name:<16}{row['n']:>5}  F1 {row['f1'] * 100:5.1f}{abstained}")
        a = summary.get("abstention")
        if a and a["unanswerable"] and a["answerable"]:
            lines.append(f"  abstained on {a['abstained_right']} of {a['unanswerable']} unanswerable "
                         f"({a['abstained_right'] / a['unanswerable']:.1%}; false answers "
                         f"{a['unanswerable'] - a['abstained_right']}) and {a['abstained_wrong']} of "
                         f"{a['answerable']} answerable ({a['abstained_wrong'] / a['answerable']:.1%})")
            for rule, n in a["wrong_by_reason"].items():
                lines.append(f"    {n:>4}  {rule}")
        if summary.get("qa_methods"):
            lines.append("  answered by: " + ", ".join(f"{k} {v}" for k, v in summary["qa_methods"].items()))
        if "qa_speed" in summary:
            s = summary["qa_speed"]
            lines.append(f"  time to first token p50 {s['ttft_ms_p50']:.0f} ms, {s['tokens_per_s']:.1f} tokens/s")
    return "\n".join(lines)

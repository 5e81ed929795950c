"""`recall bench beam`: evidence recall and speed on BEAM's chats (``100K/<n>/``).

Each chat (``chat.json``) goes into a fresh temporary store through the BEAM importer, so
its messages carry their batch time anchors; every probing question is then a query whose
reference "now" is the chat's last message. recall@k counts the first k distinct message
ids the search returns (a memory hit stands for the messages it came from) against the
question's ``source_chat_ids``, flattened (they come as a list, a list of lists, or a dict
of lists). Questions without evidence (abstention, a few others) count for the no-result
figure and calibration, not for recall. The summary has the shape of `bench locomo`'s.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import load_config
from ..errors import InputError
from .locomo import recall_at

if TYPE_CHECKING:
    from ..models import Hit
    from ..search.embed import Embedder
    from ..service import Recall

ABILITIES = ("abstention", "contradiction_resolution", "event_ordering", "information_extraction",
             "instruction_following", "knowledge_update", "multi_session_reasoning", "preference_following",
             "summarization", "temporal_reasoning")


def flatten_ids(value: Any) -> list[int]:
    """Every message id in ``source_chat_ids`` (an int, a list, nested lists or a dict of
    them), each once, in the order first seen; anything that is not an id is skipped."""
    out: list[int] = []

    def walk(item: Any) -> None:
        if isinstance(item, bool):
            return
        if isinstance(item, int):
            if item not in out:
                out.append(item)
        elif isinstance(item, str) and item.strip().isdigit():
            walk(int(item.strip()))
        elif isinstance(item, dict):
            for inner in item.values():
                walk(inner)
        elif isinstance(item, list | tuple):
            for inner in item:
                walk(inner)

    walk(value)
    return out


@dataclass
class BeamQuestion:
    """One probing question and what the search made of it."""

    chat: str
    ability: str
    index: int
    question: str
    evidence: list[int]
    retrieved: list[int] = field(default_factory=list)
    recall: dict[int, float] = field(default_factory=dict)
    results: int = 0
    top_score: float | None = None
    search_ms: float = 0.0


@dataclass
class ChatResult:
    """One chat: how many messages went in, how long that took, and its questions."""

    chat: str
    events: int
    ingest_s: float
    reference: float
    questions: list[BeamQuestion] = field(default_factory=list)


def chat_dirs(root: Path) -> list[Path]:
    """The chat folders under ``root`` (``root`` itself when it is one), numbered ones in
    numeric order; InputError when there is none."""
    root = Path(root)
    if not root.exists():
        raise InputError("no such folder", str(root))

    def is_chat(path: Path) -> bool:
        return (path / "chat.json").is_file() and (path / "probing_questions.json").is_file()

    if is_chat(root):
        return [root]
    found = [p for p in root.iterdir() if p.is_dir() and is_chat(p)] if root.is_dir() else []
    if not found:
        raise InputError("no BEAM chats here (expected folders with chat.json and probing_questions.json)",
                         str(root))
    return sorted(found, key=lambda p: (not p.name.isdigit(), int(p.name) if p.name.isdigit() else 0, p.name))


def load_questions(path: Path) -> list[tuple[str, int, dict[str, Any]]]:
    """(ability, index within it, question) for every probing question in the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a BEAM probing_questions.json: {exc}", str(path)) from None
    if not isinstance(data, dict):
        raise InputError("not a BEAM probing_questions.json (expected an object keyed by ability)", str(path))
    out = []
    for ability, items in data.items():
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("question"), str) and item["question"].strip():
                out.append((str(ability), index, item))
    return out


def retrieved_messages(svc: Recall, hits: Iterable[Hit]) -> list[int]:
    """Distinct message ids in rank order; a memory stands for the messages it came from."""
    out: list[int] = []
    for hit in hits:
        if hit.owner == "event":
            metas = [hit.meta]
        else:
            sources = svc.show(hit.ref, reinforce=False).get("sources") or []
            metas = [s.get("meta") or {} for s in sources]
        for meta in metas:
            mid = meta.get("message_id")
            if isinstance(mid, int) and not isinstance(mid, bool) and mid not in out:
                out.append(mid)
    return out


def run_chat(folder: Path, *, embedder: Embedder, ks: list[int], limit: int | None = None,
             abilities: set[str] | None = None) -> ChatResult:
    """Import one chat into a fresh store and run its probing questions."""
    from ..service import Recall

    name = folder.name
    questions = load_questions(folder / "probing_questions.json")
    if abilities:
        questions = [q for q in questions if q[0] in abilities]
    if limit:
        questions = questions[:limit]
    with tempfile.TemporaryDirectory(prefix="recall-beam-") as tmp:
        svc = Recall(load_config(Path(tmp) / "home"), embedder=embedder)
        t = time.perf_counter()
        report = svc.import_file(folder / "chat.json", "beam")
        svc.warm_up()
        ingest_s = time.perf_counter() - t
        last = svc.stats().get("last")
        reference = float(last) if last is not None else time.time()
        result = ChatResult(name, report.inserted, ingest_s, reference)
        depth = max(ks)
        for ability, index, item in questions:
            q = BeamQuestion(name, ability, index, item["question"].strip(),
                             flatten_ids(item.get("source_chat_ids")))
            t = time.perf_counter()
            found = svc.search(q.question, limit=depth, reference=reference)
            q.search_ms = (time.perf_counter() - t) * 1000
            q.results = len(found.hits)
            q.top_score = found.hits[0].score if found.hits else None
            q.retrieved = retrieved_messages(svc, found.hits)
            q.recall = {k: recall_at(q.retrieved, q.evidence, k) for k in ks}
            result.questions.append(q)
        svc.close()
    return result


def summarize(results: list[ChatResult], ks: list[int]) -> dict[str, Any]:
    """Recall per ability and overall (questions with evidence), no-result counts, the best
    hit's score for questions with and without evidence, latency and ingest rate."""
    questions = [q for r in results for q in r.questions]
    scored = [q for q in questions if q.evidence]
    names = [a for a in ABILITIES if any(q.ability == a for q in scored)]
    names += sorted({q.ability for q in scored} - set(names))
    out: dict[str, Any] = {"conversations": [r.chat for r in results], "recall": {}, "counts": {}}
    for name in names:
        qs = [q for q in scored if q.ability == name]
        out["counts"][name] = len(qs)
        out["recall"][name] = {k: statistics.fmean(q.recall[k] for q in qs) for k in ks}
    out["counts"]["overall"] = len(scored)
    out["recall"]["overall"] = {k: (statistics.fmean(q.recall[k] for q in scored) if scored else 0.0) for k in ks}
    out["no_result"] = no_result_counts(questions, lambda q: q.ability)
    out["calibration"] = calibration(
        [q.top_score for q in questions if q.evidence], [q.top_score for q in questions if not q.evidence],
        "with evidence", "without evidence")
    latencies = sorted(q.search_ms for q in questions)
    if latencies:
        out["search_ms"] = percentiles(latencies)
    events = sum(r.events for r in results)
    seconds = sum(r.ingest_s for r in results)
    out["ingest"] = {"events": events, "seconds": seconds, "events_per_s": events / seconds if seconds else 0.0}
    return out


def no_result_counts(questions: Iterable[Any], key: Any) -> dict[str, int]:
    """Questions that returned no result at all, by ``key(question)`` and in total."""
    counts: dict[str, int] = {"overall": 0}
    for q in questions:
        if q.results == 0:
            name = str(key(q))
            counts[name] = counts.get(name, 0) + 1
            counts["overall"] += 1
    return counts


def percentiles(values: list[float]) -> dict[str, float]:
    """p50 and p95 of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return {"p50": ordered[len(ordered) // 2], "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]}


def calibration(positive: list[float | None], negative: list[float | None], pos_name: str,
                neg_name: str) -> dict[str, Any]:
    """How the best hit's shown score separates two groups of questions: each group's mean
    and median, and the chance that a question of the first outscores one of the second
    (AUC, 0.5 = no separation). A question without results scores 0."""
    pos = [s or 0.0 for s in positive]
    neg = [s or 0.0 for s in negative]
    out: dict[str, Any] = {}
    for name, values in ((pos_name, pos), (neg_name, neg)):
        if values:
            out[name] = {"n": len(values), "mean": statistics.fmean(values), "median": statistics.median(values)}
    if pos and neg:
        wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
        out["auc"] = wins / (len(pos) * len(neg))
    return out


def format_summary(summary: dict[str, Any], ks: list[int]) -> str:
    """The ``summarize`` result as the text table `recall bench beam` prints."""
    lines = ["BEAM evidence recall (message level, first k distinct messages)"]
    lines.append(f"{'ability':<26}{'n':>5}" + "".join(f"{'R@' + str(k):>9}" for k in ks) + f"{'none':>7}")
    no_result = summary.get("no_result", {})
    for name, row in summary["recall"].items():
        label = "overall" if name == "overall" else name
        lines.append(f"{label:<26}{summary['counts'][name]:>5}" + "".join(f"{row[k] * 100:>8.1f}%" for k in ks)
                     + f"{no_result.get(name, 0):>7}")
    total = no_result.get("overall", 0)
    lines.append(f"questions with no result: {total}"
                 + ("" if not total else " (" + ", ".join(f"{k} {v}" for k, v in no_result.items()
                                                          if k != "overall") + ")"))
    lines.extend(footer_lines(summary))
    return "\n".join(lines)


def footer_lines(summary: dict[str, Any]) -> list[str]:
    """What both benchmarks print below their recall table: calibration, search latency and
    the ingest rate."""
    lines = calibration_lines(summary.get("calibration", {}))
    if "search_ms" in summary:
        ms = summary["search_ms"]
        lines.append(f"search latency: p50 {ms['p50']:.1f} ms, p95 {ms['p95']:.1f} ms")
    ing = summary["ingest"]
    lines.append(f"ingest: {ing['events']} events in {ing['seconds']:.1f} s ({ing['events_per_s']:.0f} events/s, "
                 "with embeddings and index)")
    return lines


def calibration_lines(data: dict[str, Any]) -> list[str]:
    """The calibration figures as text: each group's mean and median best-hit score, and AUC."""
    groups = [(name, row) for name, row in data.items() if isinstance(row, dict)]
    if not groups:
        return []
    parts = [f"{name} (n {row['n']}) mean {row['mean']:.3f}, median {row['median']:.3f}" for name, row in groups]
    line = "best-hit score: " + "; ".join(parts)
    if "auc" in data:
        line += f"; AUC {data['auc']:.3f}"
    return [line]

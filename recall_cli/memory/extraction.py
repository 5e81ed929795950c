"""The LLM half of consolidation: extraction and reconciliation with a local model.

Both steps use JSON-schema-constrained output and validate it; an invalid or empty answer
is counted and logged (structured.py), the episode is marked for retry, and the zero-LLM
candidates still land. Every episode shares one instruction prefix, so llama.cpp
evaluates it once per batch. The model sees small integer ids (turn numbers, memory
numbers), never real ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..llm.model import LLM, Chat, model_trusted
from ..llm.structured import FailureLog, generate_json, validate
from ..models import Event, clip
from ..search.text import is_assistant
from ..timephrase.annotation import annotate
from ..timeutil import from_ts
from .consolidation import Decision, Extraction, Extractor, HashReconciler, HeuristicExtractor, Reconciler
from .grounding import SUMMARY_FALLBACK
from .summary import Candidate

if TYPE_CHECKING:
    from ..models import Memory
    from ..service import Recall

EXTRACT_SYSTEM = (
    "You turn a conversation or activity log into long-term memories about the user and "
    "their world. Read the numbered turns and output JSON only.\n"
    "- memories: lasting facts (kind \"semantic\": who someone is, what they like, plan, own, "
    "did and when) and how-tos (kind \"procedural\": steps or commands that worked). Each has "
    "a subject (the person or thing it is about), a short self-contained text with absolute "
    "dates (the dates in square brackets are the absolute dates of relative expressions), an "
    "importance from 1 (trivia) to 10 (life event), and the numbers of the turns it comes from.\n"
    "- summary: one sentence saying who did or discussed what, with the date.\n"
    "Skip greetings and small talk. Never invent facts that are not in the turns."
)
# A chat with an AI assistant: the 1.5B model read the prompt above and proposed no memory
# from 24 such episodes (only summaries: the assistant's long advice filled them). This one
# asks for what the user says about their own life, shows one worked example, and has the
# summary written first. Conversations between people keep the prompt above: with this one,
# 4 of the 8 memories the 1.5B model stored from a LoCoMo conversation mixed up who did what.
CHAT_SYSTEM = (
    "You turn a conversation between a user and an AI assistant into long-term memories about "
    "the user and their world. Read the numbered turns and output JSON only.\n"
    "- summary: one sentence saying what the user did or discussed, with the date.\n"
    "- memories: lasting facts that the user states about their own life or people they know "
    "(kind \"semantic\": who someone is, what they like, plan, own, did and when; not the "
    "assistant's advice) and how-tos (kind \"procedural\": steps or commands that worked). Each has "
    "a subject (the person or thing it is about), a short self-contained text with absolute "
    "dates (the dates in square brackets are the absolute dates of relative expressions), an "
    "importance from 1 (trivia) to 10 (life event), and the numbers of the turns it comes from.\n"
    "Skip greetings and small talk. Never invent facts that are not in the turns.\n"
    "Example: turn \"[3] 2 May 2023 10:00 user: I've been running 5k every morning since March\" "
    "gives {\"kind\": \"semantic\", \"subject\": \"user\", \"text\": \"The user has run 5k every "
    "morning since March 2023.\", \"importance\": 4, \"turns\": [3]}."
)
_ITEMS: dict[str, Any] = {
    "type": "array", "maxItems": 4,
    "items": {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": ["semantic", "procedural"]},
            "subject": {"type": "string", "minLength": 1, "maxLength": 80},
            "text": {"type": "string", "minLength": 8, "maxLength": 300},
            "importance": {"type": "integer", "minimum": 1, "maximum": 10},
            "turns": {"type": "array", "items": {"type": "integer", "minimum": 1}, "maxItems": 4},
        },
        "required": ["kind", "subject", "text", "importance", "turns"],
    },
}
_SUMMARY: dict[str, Any] = {"type": "string", "maxLength": 400}
EXTRACT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"memories": _ITEMS, "summary": _SUMMARY},
    "required": ["memories", "summary"],
}
CHAT_SCHEMA: dict[str, Any] = {  # the summary first (the grammar follows this order)
    "type": "object",
    "properties": {"summary": _SUMMARY, "memories": _ITEMS},
    "required": ["summary", "memories"],
}


def extract_schema(first: int, last: int, base: dict[str, Any] = EXTRACT_SCHEMA) -> dict[str, Any]:
    """``base`` with the turn numbers bounded to the lines the model was shown (the grammar
    then offers only turns that exist)."""
    schema = json.loads(json.dumps(base))
    schema["properties"]["memories"]["items"]["properties"]["turns"]["items"].update(minimum=first, maximum=last)
    return schema


RECONCILE_SYSTEM = (
    "You keep a memory store consistent. Given a NEW fact and numbered EXISTING memories, "
    "choose one action and output JSON only:\n"
    "- ADD: the new fact is different from all existing ones;\n"
    "- UPDATE: it is the same fact as existing memory <target>, with more detail; give the merged text;\n"
    "- SUPERSEDE: it contradicts existing memory <target> (something changed); give the new text;\n"
    "- NOOP: existing memory <target> already says this."
)
RECONCILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "action": {"type": "string", "enum": ["ADD", "UPDATE", "SUPERSEDE", "NOOP"]},
        "target": {"type": "integer", "minimum": 0, "maximum": 9},
        "text": {"type": "string", "maxLength": 300},
    },
    "required": ["action", "target", "text"],
}
CHUNK_OUTPUT_TOKENS = 360
TURN_CHARS = 600
# an assistant's reply is advice, not a fact about the user: its opening says what it is
# about; in full, long replies filled the prompt and the 1.5B model proposed no memory at all
# from 24 user-assistant episodes, only summaries (the check reads the whole reply)
ASSISTANT_CHARS = 240


def transcript_lines(events: list[Event]) -> list[str]:
    """The episode as numbered, dated lines (relative dates resolved), as the model reads it;
    a long turn is cut (an assistant's reply shorter: see ASSISTANT_CHARS)."""
    lines = []
    for number, event in enumerate(events, start=1):
        when = from_ts(event.ts_start)
        who = f"{event.actor}: " if event.actor else ""
        extra = ""
        if event.source == "shell":
            extra = f" (in {event.meta.get('cwd', '?')}, exit {event.meta.get('exit_code', '?')})"
        text = " ".join(annotate(event.text, event.ts_start).split())
        limit = ASSISTANT_CHARS if is_assistant(event.actor) else TURN_CHARS
        text = clip(text, limit)
        lines.append(f"[{number}] {when:%d %B %Y %H:%M} {who}{text}{extra}")
    return lines


def chunks(lines: list[str], llm: LLM, budget: int) -> list[tuple[int, int]]:
    """(start, end) ranges of lines that fit the token budget; an episode too big is split."""
    out: list[tuple[int, int]] = []
    start, used = 0, 0
    for i, line in enumerate(lines):
        cost = llm.count_tokens(line) + 1
        if i > start and used + cost > budget:
            out.append((start, i))
            start, used = i, 0
        used += cost
    if start < len(lines):
        out.append((start, len(lines)))
    return out


def salvage(raw: str) -> list[dict[str, Any]]:
    """The complete, valid memory items at the start of an extraction that is not valid JSON
    as a whole (a weak model runs out of tokens half-way through the list). Decoding is
    greedy, so a retry would stop at the same place: what was finished is used, not lost;
    the grounding check then judges each item like any other."""
    at = raw.find('"memories"')
    at = raw.find("[", at) if at >= 0 else -1
    if at < 0:
        return []
    decoder = json.JSONDecoder(strict=False)
    schema = EXTRACT_SCHEMA["properties"]["memories"]["items"]
    items: list[dict[str, Any]] = []
    pos = at + 1
    while len(items) < EXTRACT_SCHEMA["properties"]["memories"]["maxItems"]:
        while pos < len(raw) and raw[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(raw) or raw[pos] != "{":
            break
        try:
            value, pos = decoder.raw_decode(raw, pos)
        except json.JSONDecodeError:
            break
        if not validate(value, schema):
            items.append(value)
    return items


@dataclass
class LLMExtractor:
    """Candidate memories from the LLM, plus the zero-LLM summary and procedures."""

    llm: LLM
    failures: FailureLog
    name: str = "llm"
    summarise: bool = True  # the model's summary replaces the zero-LLM one (consolidate.model_summarises)

    def extract(self, events: list[Event]) -> Extraction:
        base = HeuristicExtractor().extract(events)
        if not events:
            return base
        lines = transcript_lines(events)
        with_assistant = any(is_assistant(e.actor) for e in events)
        system, schema = (CHAT_SYSTEM, CHAT_SCHEMA) if with_assistant else (EXTRACT_SYSTEM, EXTRACT_SCHEMA)
        budget = self.llm.context_size - CHUNK_OUTPUT_TOKENS - self.llm.count_tokens(system) - 64
        candidates: list[Candidate] = []
        summaries: list[str] = []  # one per chunk: together they cover the whole episode
        errors: list[str] = []
        ranges = chunks(lines, self.llm, max(256, budget))
        for start, end in ranges:
            chat = Chat(system, "\n".join(lines[start:end]) + "\n\nJSON:")
            # lines keep the episode's numbering ([1]..[n]) in every chunk
            result = generate_json(self.llm, chat, schema, purpose="extract", failures=self.failures,
                                   constrain=extract_schema(start + 1, end, schema),
                                   max_tokens=CHUNK_OUTPUT_TOKENS, episode=events[0].episode_id,
                                   events=[e.id for e in events[start:end]])
            items = result.value["memories"] if result.ok else salvage(result.raw)
            if not result.ok and not items:
                errors.append(result.error)
                continue
            span = events[start:end]
            for item in items:
                turns = [events[t - 1].id for t in item.get("turns", []) if start < t <= end]
                candidates.append(Candidate(
                    item["kind"], item["text"].strip(), importance=item["importance"],
                    subject=item["subject"].strip() or None, sources=turns or [e.id for e in span],
                    valid_from=span[0].ts_start, origin="llm", model=self.llm.model_id))
            if result.ok and result.value.get("summary", "").strip() and len(events) > 1:
                summaries.append(result.value["summary"].strip())
        # an episode read in several chunks is summed up by all of theirs, in order (the first
        # alone spoke for its first part only), or keeps the keyword summary when a chunk gave
        # none; the check then judges the whole
        summary = " ".join(s if s.endswith((".", "!", "?")) else f"{s}." for s in summaries) \
            if len(summaries) == len(ranges) else None
        if summary and self.summarise:
            # the model's summary replaces the keyword one, keeping its date prefix; the
            # keyword one is kept aside for when the summary fails the grounding check
            for c in base.candidates:
                if c.kind == "episodic":
                    c.meta[SUMMARY_FALLBACK] = c.text
                    c.text = f"{c.text.split(': ', 1)[0]}: {summary}"
                    c.origin, c.model = "llm", self.llm.model_id
        extraction = Extraction(base.candidates + candidates)
        if errors:
            extraction.failed, extraction.error = True, "; ".join(errors)
        return extraction


class LLMReconciler:
    """Compare a candidate with its most similar memories; the LLM decides when it is unclear."""

    def __init__(self, llm: LLM, failures: FailureLog, *, add_below: float = 0.55, same_above: float = 0.97) -> None:
        self.llm = llm
        self.failures = failures
        self.add_below = add_below
        self.same_above = same_above
        self.fallback = HashReconciler()

    def similar(self, svc: Recall, candidate: Candidate, k: int = 5) -> list[tuple[Memory, float]]:
        """Active memories of the same family, most similar first, with cosine similarity."""
        import numpy as np

        rows = svc.store.active_memory_vectors(svc.embedder.model_id, candidate.kind)
        if not rows:
            return []
        query = svc.embedder.embed([f"{candidate.subject}: {candidate.text}" if candidate.subject
                                    else candidate.text])[0]
        matrix = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
        sims = matrix @ query
        order = np.argsort(-sims)[:k]
        found = svc.store.get_memories([rows[i][0] for i in order])
        return [(found[rows[i][0]], float(sims[i])) for i in order if rows[i][0] in found]

    def decide(self, svc: Recall, candidate: Candidate) -> Decision:
        exact = self.fallback.decide(svc, candidate)
        if exact.action == "NOOP" or candidate.kind == "episodic":
            return exact
        similar = self.similar(svc, candidate)
        if not similar or similar[0][1] < self.add_below:
            return Decision("ADD", candidate, reason="nothing similar known")
        if similar[0][1] >= self.same_above:
            return Decision("NOOP", candidate, target=similar[0][0].id, reason="near-identical memory")
        listing = "\n".join(f"[{i}] {m.text}" for i, (m, _s) in enumerate(similar))
        chat = Chat(RECONCILE_SYSTEM, f"NEW: {candidate.text}\nEXISTING:\n{listing}\n\nJSON:")
        # the candidate's text comes from its source events: a failure names them
        result = generate_json(self.llm, chat, RECONCILE_SCHEMA, purpose="reconcile", failures=self.failures,
                               max_tokens=160, events=candidate.sources)
        if not result.ok:
            return Decision("ADD", candidate, reason=f"model output invalid ({result.error}); added")
        action, target, text = result.value["action"], result.value["target"], result.value["text"].strip()
        if action == "ADD":
            return Decision("ADD", candidate, reason="model: new fact")
        if not 0 <= target < len(similar):
            self.failures.record("reconcile", f"target {target} out of range", result.raw, events=candidate.sources)
            return Decision("ADD", candidate, reason="model named no valid memory; added")
        memory = similar[target][0]
        if action in {"UPDATE", "SUPERSEDE"} and len(text) < 8:
            text = candidate.text
        return Decision(action, candidate, target=memory.id, text=text if action != "NOOP" else None,
                        reason=f"model: {action.lower()} m{memory.id}", by_model=action != "NOOP")


def llm_pipeline(svc: Recall) -> tuple[list[Extractor], Reconciler]:
    """(extractors, reconciler) backed by the service's LLM."""
    failures = FailureLog(svc.config.home, svc.store)
    llm = svc.llm
    summarise = model_trusted(svc.config, "consolidate.model_summarises", llm)
    return [LLMExtractor(llm, failures, summarise=summarise)], LLMReconciler(llm, failures)


def pipeline_or_none(svc: Recall) -> tuple[list[Extractor] | None, Reconciler | None, str, bool]:
    """For `recall consolidate`: the LLM pipeline when a model loads and is trusted with the
    job (``consolidate.model_proposes``), else (None, None, why, whether the setting chose the
    zero-LLM path: by design, not a failure a face should warn about)."""
    from ..errors import ModelError

    try:
        llm = svc.llm
        if not model_trusted(svc.config, "consolidate.model_proposes", llm):
            return None, None, _untrusted(svc, llm), True
        llm.count_tokens("probe")
    except ModelError as exc:
        return None, None, exc.message, False
    extractors, reconciler = llm_pipeline(svc)
    return extractors, reconciler, "", False


def _untrusted(svc: Recall, llm: LLM) -> str:
    """Why consolidation leaves the model out, for the line `recall consolidate` prints."""
    if str(svc.config.get("consolidate.model_proposes")).strip().lower() == "never":
        return "consolidate.model_proposes is never"
    name = getattr(getattr(llm, "path", None), "name", "the model")
    size = getattr(llm, "parameters", 0) or 0
    return (f"{name} has {size / 1e6:.0f}M parameters, below the 1B that consolidate.model_proposes=auto "
            "asks for: a model that small proposed mostly ungrounded memories")

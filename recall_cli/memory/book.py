"""Writing memories: add, update, supersede, edit, pin, reinforce — each with history.

Every change is one transaction and leaves a row in memory_history saying who made it
(``consolidation``, ``user`` or ``mcp:<client>``). Nothing here deletes: forgetting is the
service's explicit ``forget``.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..capture.redact_fields import redact_value
from ..capture.secrets import redact
from ..errors import NotFoundError, UsageError
from ..models import Memory, content_hash
from ..timeutil import now as _now
from .decay import DecayParams, initial_strength, rank_factor, reinforced_strength, retention, zone

# reinforcements closer than this to the last are one (massed practice adds little: the
# spacing effect), so opening a memory three times in a minute does not triple its life
MASSED_SECONDS = 3600.0

if TYPE_CHECKING:
    from ..store.db import Store

KINDS = ("semantic", "procedural", "episodic", "core")
ZONES = ("active", "fading", "dormant")


@dataclass
class MemoryView:
    """A memory with its current retention and zone."""

    memory: Memory
    retention: float
    zone: str

    def to_dict(self) -> dict[str, Any]:
        data = self.memory.to_dict()
        data.update(retention=round(self.retention, 4), zone=self.zone, ref=f"m{self.memory.id}")
        return data


class MemoryBook:
    """Memory operations over one store."""

    def __init__(self, store: Store, params: DecayParams | None = None) -> None:
        self.store = store
        self.params = params or DecayParams()

    # -- reading ------------------------------------------------------------------------
    def get(self, memory_id: int) -> Memory:
        memory = self.store.get_memory(memory_id)
        if memory is None:
            raise NotFoundError(f"no memory with id m{memory_id}")
        return memory

    def view(self, memory: Memory, at: float | None = None) -> MemoryView:
        r = retention(memory.strength, memory.last_reinforced, at if at is not None else _now(),
                      pinned=memory.pinned, kind=memory.kind)
        return MemoryView(memory, r, zone(r, self.params))

    def rank_factor(self, memory: Memory, at: float | None = None) -> float:
        return rank_factor(self.view(memory, at).retention, self.params)

    def list(self, kinds: Sequence[str] | None = None, zones: Sequence[str] | None = None,
             include_all: bool = False, include_superseded: bool = False, at: float | None = None,
             limit: int | None = None) -> list[MemoryView]:
        """Memories newest first; dormant ones only with ``include_all`` or when asked by zone."""
        for kind in kinds or ():
            if kind not in KINDS:
                raise UsageError(f"unknown memory kind '{kind}' (choose {', '.join(KINDS)})")
        for z in zones or ():
            if z not in ZONES:
                raise UsageError(f"unknown zone '{z}' (choose {', '.join(ZONES)})")
        views = []
        for memory in self.store.list_memories(kinds, include_superseded):
            v = self.view(memory, at)
            if zones:
                if v.zone not in zones:
                    continue
            elif v.zone == "dormant" and not include_all:
                continue
            views.append(v)
            if limit and len(views) >= limit:
                break
        return views

    # MemoryBook.list shadows the builtin inside this class body: annotations below that
    # name the builtin type spell it builtins.list
    def core_profile(self) -> builtins.list[Memory]:
        """Pinned and core memories: always given to the LLM, never decaying."""
        return self.store.core_memories()

    # -- writing ------------------------------------------------------------------------
    def _history(self, memory_id: int, action: str, actor: str, old: str | None, new: str | None,
                 detail: dict[str, Any] | None = None, at: float | None = None) -> None:
        self.store.add_history(memory_id, action, actor, old, new, detail, at if at is not None else _now())

    def add(self, kind: str, text: str, *, subject: str | None = None, importance: int = 5,
            sources: Sequence[int] = (), actor: str = "user", valid_from: float | None = None,
            meta: dict[str, Any] | None = None, pinned: bool = False, at: float | None = None,
            detail: dict[str, Any] | None = None) -> Memory:
        """Create a memory linked to the events it came from."""
        if kind not in KINDS:
            raise UsageError(f"unknown memory kind '{kind}' (choose {', '.join(KINDS)})")
        if not text or not text.strip():
            raise UsageError("a memory needs text")
        text = redact(text).text  # a typed edit or a model's words: secrets never reach the store
        # (nor do they in what is stored beside it: an agent's tags, a subject)
        subject = redact_value(subject, set())
        meta = redact_value(meta, set())
        t = at if at is not None else _now()
        importance = max(1, min(10, int(importance)))
        memory = Memory(kind=kind, text=text.strip(), subject=subject, importance=importance,
                        strength=initial_strength(importance, self.params), last_reinforced=t,
                        created_at=t, updated_at=t, valid_from=valid_from, pinned=pinned,
                        meta=dict(meta or {}))
        with self.store.transaction():
            memory.id = self.store.insert_memory(memory, sources)
            self.store.link_sources(memory.id, sources)
            self._history(memory.id, "add", actor, None, memory.text, detail, t)
        return memory

    def update(self, memory_id: int, text: str, *, actor: str, sources: Sequence[int] = (),
               subject: str | None = None, importance: int | None = None,
               action: str = "update", detail: dict[str, Any] | None = None,
               at: float | None = None) -> Memory:
        """Replace a memory's text (same fact, richer); history keeps the old text."""
        memory = self.get(memory_id)
        if memory.status != "active":
            raise UsageError(f"m{memory_id} was superseded by m{memory.superseded_by}; edit that one")
        if not text or not text.strip():
            raise UsageError("a memory needs text")
        text, subject = redact(text).text, redact_value(subject, set())
        t = at if at is not None else _now()
        new_subject = subject if subject is not None else memory.subject
        new_importance = importance if importance is not None else memory.importance
        with self.store.transaction():
            self.store.update_memory_text(memory_id, text.strip(), new_subject, new_importance,
                                          content_hash(memory.kind, new_subject, text.strip()), t,
                                          by_user=actor == "user")
            self.store.link_sources(memory_id, sources)
            self._history(memory_id, action, actor, memory.text, text.strip(), detail, t)
        return self.get(memory_id)

    def edit(self, memory_id: int, text: str, actor: str = "user") -> Memory:
        """A user correction: consolidation never overwrites it afterwards."""
        return self.update(memory_id, text, actor=actor, action="edit")

    def supersede(self, old_id: int, kind: str, text: str, *, actor: str, sources: Sequence[int] = (),
                  subject: str | None = None, importance: int = 5, valid_from: float | None = None,
                  detail: dict[str, Any] | None = None, at: float | None = None) -> Memory:
        """A contradiction: the old memory ends (valid_to) and links to its successor."""
        old = self.get(old_id)
        t = at if at is not None else _now()
        with self.store.transaction():
            new = self.add(kind, text, subject=subject if subject is not None else old.subject,
                           importance=importance, sources=sources, actor=actor,
                           valid_from=valid_from if valid_from is not None else t, at=t,
                           detail={"supersedes": old_id, **(detail or {})})
            assert new.id is not None
            self.store.mark_superseded(old_id, new.id, valid_from if valid_from is not None else t, t)
            self._history(old_id, "supersede", actor, old.text, text.strip(),
                          {"superseded_by": new.id, **(detail or {})}, t)
        return new

    def set_pinned(self, memory_id: int, pinned: bool, actor: str = "user") -> Memory:
        memory = self.get(memory_id)
        if memory.pinned == pinned:
            return memory
        with self.store.transaction():
            self.store.set_memory_pinned(memory_id, pinned, _now())
            self._history(memory_id, "pin" if pinned else "unpin", actor, None, None)
        return self.get(memory_id)

    def reinforce(self, memory_ids: Sequence[int], actor: str = "user", reason: str = "used",
                  at: float | None = None) -> builtins.list[Memory]:
        """Strengthen memories that were used or opened (spacing effect); one reinforced in
        the last ``MASSED_SECONDS`` is returned as it is."""
        t = at if at is not None else _now()
        done = []
        with self.store.transaction():
            for memory_id in dict.fromkeys(memory_ids):
                memory = self.store.get_memory(memory_id)
                if memory is None:
                    continue
                if memory.last_reinforced > memory.created_at and 0 <= t - memory.last_reinforced < MASSED_SECONDS:
                    done.append(memory_id)  # opened three times in a minute is one look, not three
                    continue
                r = retention(memory.strength, memory.last_reinforced, t, pinned=memory.pinned,
                              kind=memory.kind)
                strength = reinforced_strength(memory.strength, r, self.params)
                self.store.set_memory_strength(memory_id, strength, t)
                self._history(memory_id, "reinforce", actor, None, None,
                              {"reason": reason, "retention": round(r, 4),
                               "strength_before": round(memory.strength, 4),
                               "strength_after": round(strength, 4)}, t)
                done.append(memory_id)
        return [self.get(i) for i in done]

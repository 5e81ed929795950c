"""Plain dataclasses shared by the store, search and every front end."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .timeutil import iso

if TYPE_CHECKING:
    from .timephrase.phrase import TimeRange


_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(text: str) -> str:
    """``text`` with lone surrogates (undecodable bytes in a command-line argument, or a
    "\\ud800" escape in JSON) replaced by U+FFFD: they cannot be encoded as UTF-8, so the
    database, the embedder and every printed line would fail on them."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """``value`` with ``change`` applied to every string inside it (in lists, tuples and a
    mapping's values, at any depth); the same object when nothing changed."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, (list, tuple)):
        items = [map_strings(v, change) for v in value]
        return type(value)(items) if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        pairs = {k: map_strings(v, change) for k, v in value.items()}
        return pairs if any(pairs[k] is not v for k, v in value.items()) else value
    return value


PARAGRAPH_KEY = "paragraph:"  # a tombstone key naming a note's paragraph by its text alone


def paragraph_hash(text: str) -> str:
    """The identity of a paragraph's text, whitespace aside: what the file watcher keeps per
    file and what marks a watched paragraph that the file no longer holds."""
    return hashlib.blake2b(" ".join(text.split()).encode("utf-8", "replace"), digest_size=16).hexdigest()


def paragraph_keys(event: Event) -> list[str]:
    """The tombstone keys that keep a forgotten note paragraph out whatever file, path or time
    it comes back with (a copied note, a lost watch state, an import of the watched folder):
    its content hash names its file and time, so it alone cannot. Keyed on the text as stored
    and on the watcher's hash of the text it read (before redaction), so both paths match."""
    if event.kind != "paragraph" or event.source not in ("note", "file"):
        return []
    digests = [paragraph_hash(event.text), (event.meta or {}).get("paragraph")]
    return [PARAGRAPH_KEY + d for d in dict.fromkeys(digests) if isinstance(d, str) and d]


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word's end, with "…" when cut: a
    stored summary that ends "db.exampl" reads as a typo, not as a shortened line."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # (a long word alone is cut where it must be)
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def content_hash(*parts: object) -> str:
    """A stable sha256 over the given parts (None and numbers included)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(b"\x1f")
        digest.update(("" if part is None else str(part)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def hashed_time(ts: float, meta: dict[str, Any] | None) -> object:
    """The time as an event's content hash holds it: none for an undated record (``meta``
    "undated": its time is its file's last save, which a copy, a checkout or a touch changes,
    so re-importing the file must find it by its content alone)."""
    return "undated" if isinstance(meta, dict) and meta.get("undated") is True else round(ts, 3)


@dataclass
class Event:
    """One raw captured item. Immutable once stored, deduplicated by content hash."""

    text: str
    ts_start: float
    source: str = "note"
    kind: str = "note"
    actor: str | None = None
    session: str | None = None
    ts_end: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    content_hash: str = ""
    episode_id: int | None = None

    def __post_init__(self) -> None:
        self.text = well_formed(self.text)
        if not self.content_hash:  # a new event (one read back from the store is stored clean)
            # a file name that is not UTF-8 ("caf\udce9.md") names a note's session and path
            self.session = well_formed(self.session) if isinstance(self.session, str) else self.session
            self.meta = map_strings(self.meta, well_formed) if isinstance(self.meta, dict) else self.meta
            self.content_hash = content_hash(
                self.source, self.kind, self.actor, self.session,
                hashed_time(self.ts_start, self.meta), self.text,
            )

    def to_row(self, created_at: float) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "actor": self.actor,
            "session": self.session,
            "ts_start": self.ts_start,
            "ts_end": self.ts_end,
            "text": self.text,
            "meta": json.dumps(self.meta, ensure_ascii=False, sort_keys=True),
            "content_hash": self.content_hash,
            "created_at": created_at,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Event:
        return cls(
            id=row["id"],
            text=row["text"],
            ts_start=row["ts_start"],
            ts_end=row["ts_end"],
            source=row["source"],
            kind=row["kind"],
            actor=row["actor"],
            session=row["session"],
            meta=json.loads(row["meta"] or "{}"),
            content_hash=row["content_hash"],
            episode_id=row["episode_id"],
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["time"] = iso(self.ts_start)
        return data


@dataclass
class Episode:
    """A coherent run of events: a chat session, a shell session, a note."""

    source: str
    ts_start: float
    ts_end: float
    session: str | None = None
    title: str | None = None
    status: str = "pending"
    attempts: int = 0
    id: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Memory:
    """What consolidation distils from episodes, with strength and validity."""

    kind: str
    text: str
    last_reinforced: float
    created_at: float
    updated_at: float
    subject: str | None = None
    status: str = "active"
    importance: int = 5
    strength: float = 1.0
    reinforcements: int = 0
    pinned: bool = False
    edited_by_user: bool = False
    valid_from: float | None = None
    valid_to: float | None = None
    superseded_by: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    content_hash: str = ""
    uid: str = ""  # the same on every device (sync); set when it is stored

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self.kind, self.subject, self.text)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Memory:
        data = dict(row)
        data["meta"] = json.loads(data.get("meta") or "{}")
        data["pinned"] = bool(data["pinned"])
        data["edited_by_user"] = bool(data["edited_by_user"])
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["time"] = iso(self.created_at)
        return data


@dataclass
class Hit:
    """One search result: an event or a memory with its fused score."""

    owner: str
    id: int
    score: float
    ts: float
    text: str
    source: str
    actor: str | None = None
    session: str | None = None
    kind: str | None = None
    snippet: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_event(cls, event: Event, score: float = 0.0) -> Hit:
        """A stored event as a result item (one the search did not rank: a reply, a command)."""
        assert event.id is not None  # stored events have ids
        return cls(owner="event", id=event.id, score=score, ts=event.ts_start, text=event.text, source=event.source,
                   actor=event.actor, session=event.session, kind=event.kind, meta=event.meta)

    @property
    def ref(self) -> str:
        """The id users type: a bare number for events, ``m<id>`` for memories."""
        return str(self.id) if self.owner == "event" else f"m{self.id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.owner,
            "id": self.id,
            "ref": self.ref,
            "score": round(self.score, 6),
            "time": iso(self.ts),
            "ts": self.ts,
            "source": self.source,
            "actor": self.actor,
            "session": self.session,
            "kind": self.kind,
            "text": self.text,
            "snippet": self.snippet,
            "meta": self.meta,
            "ranks": self.ranks,
        }


@dataclass
class SearchResult:
    """What a search returns: hits best first, the query as understood, and its time filter."""

    hits: list[Hit]
    query: str
    cleaned_query: str
    time_range: TimeRange | None = None  # set when the query held a time phrase
    since: float | None = None
    until: float | None = None
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Remembered:
    """What ``Recall.remember`` stored: the event, and the memory made or reinforced from it."""

    event: Event
    memory: Memory | None = None
    already_known: bool = False  # the memory existed word for word: it was reinforced instead


@dataclass
class ForgetPlan:
    """What a forget would delete; ``Recall.forget`` deletes it for real."""

    event_ids: list[int] = field(default_factory=list)
    memory_ids: list[int] = field(default_factory=list)
    episode_ids: list[int] = field(default_factory=list)  # the events' episodes, summarised again after
    copies: list[int] = field(default_factory=list)  # events added as word-for-word copies of those named
    pinned: list[int] = field(default_factory=list)  # the memories to go that the user pinned
    texts: int = 0  # the texts event_ids hold: the linked parts of a long text are one, as stats counts

    @property
    def events(self) -> int:
        """How many events (texts) the forget deletes, as `recall stats` counts them."""
        return self.texts or len(self.event_ids)

    @property
    def empty(self) -> bool:
        return not self.event_ids and not self.memory_ids


def is_later_part(event: Event) -> bool:
    """Whether ``event`` is a second or later part of a long text: one text to the person (stats,
    import and forget count the text once)."""
    part = event.meta.get("part") if isinstance(event.meta, dict) else None
    return isinstance(part, int) and part > 1

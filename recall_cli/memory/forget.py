"""The service's forget methods (``Recall`` inherits them: one door, kept here so the service
module stays readable), and the scrub of RECALL_HOME/logs that goes with every forget.

Forget leaves no copy: besides the rows, the full-text index, the WAL, the vector index and
the stores a restore kept, the logs go too. A weak model's invalid output is logged with the
episode it was shown (logs/llm-failures.jsonl), a rejected candidate with its episode and
source events (logs/llm-rejected.jsonl), and a warning can quote either in a text log; each
record that quotes forgotten text or names a forgotten event or episode is taken out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import NotFoundError, UsageError
from ..home import replace_private
from ..importers.stream import stored_hashes
from ..llm.prompt_cache import drop_all
from ..models import ForgetPlan, is_later_part
from ..store.backup import forget_in_copies

if TYPE_CHECKING:
    from ..service import Recall

QUOTE_WORDS = 6  # this many words of a forgotten text in a row are a quote of it, not chance
_WORD = re.compile(r"\w+")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_ESCAPE = re.compile(r"\\.")
EVENT_FIELDS = ("sources", "events", "event", "event_id", "event_ids")
EPISODE_FIELDS = ("episode", "episode_id", "episode_ids")


class ForgetMethods:
    """Mixin for Recall: plan a forget, forget for real, scrub what deletions leave behind."""

    def plan_forget(self, refs: Sequence[str | int] = (), *, sources: Sequence[str] | None = None,
                    before: float | None = None, files: Sequence[str | Path] = (),
                    since: float | None = None) -> ForgetPlan:
        """Work out what a forget would delete, checking every id exists. A ref may be a range
        ("120-180", "m3-m9": the ids stored in it); ``files``: what was imported or watched
        from these files (or folders), whether or not they still exist; ``since`` and ``before``
        bound the time of what goes (together, a window: "what the last hour captured")."""
        svc = cast("Recall", self)
        timed = before is not None or since is not None
        if refs and (sources or timed or files):
            # "forget 2 --source note" deleted every note: ids and filters would each add to it
            raise UsageError("give ids, or --source/--since/--before/--file, not both: together they would forget "
                             "all that either names")
        if since is not None and before is not None and since >= before:
            raise UsageError("--since must be earlier than --before: nothing lies between them")
        plan = ForgetPlan()
        for ref in refs:
            if (span := _id_range(svc, ref)) is not None:
                owner, low, high = span
                ids = svc.store.ids_between(owner, low, high)
                (plan.event_ids if owner == "event" else plan.memory_ids).extend(ids)
                continue
            owner, oid = svc.resolve(ref)
            if owner == "event":
                if svc.store.get_event(oid) is None:
                    raise NotFoundError(f"no event with id {oid}")
                plan.event_ids.append(oid)
            else:
                svc.memory(oid)
                plan.memory_ids.append(oid)
        # a row search showed as one ("(2×)") is forgotten whole: its copies go with the id named
        plan.copies = svc.store.identical_copies(plan.event_ids)  # (none of the ids named)
        plan.event_ids.extend(plan.copies)
        if files:
            plan.event_ids.extend(_from_files(svc, [Path(f).expanduser() for f in files]))
            if sources or timed:  # both: what came from the files and matches the filters
                plan.event_ids = sorted(set(plan.event_ids) & set(svc.store.event_ids_where(sources, before, since)))
        elif sources or timed:
            plan.event_ids.extend(svc.store.event_ids_where(sources=sources, before=before, since=since))
        # a long text stored as linked parts is forgotten whole, whichever part is named
        plan.event_ids = svc.store.parts_of(sorted(set(plan.event_ids)))
        plan.texts = sum(not is_later_part(e) for e in svc.store.get_events(plan.event_ids).values())
        # what consolidation made from a forgotten event repeats its words: it goes too (a
        # memory the user edited is their own words and stays); the episode is summarised again
        plan.memory_ids = sorted(set(plan.memory_ids) | set(svc.store.derived_memories(plan.event_ids)))
        plan.episode_ids = svc.store.episodes_of(plan.event_ids)
        plan.pinned = [m.id for m in svc.store.get_memories(plan.memory_ids).values() if m.pinned and m.id is not None]
        return plan

    def same_text_sources(self, memory_id: int) -> tuple[list[int], list[int]]:
        """The events a memory came from that hold its very text (search shows them as that
        memory): (those `remember` stored for it, marked with the client that asked; the others)."""
        svc = cast("Recall", self)
        text = " ".join(svc.memory(memory_id).text.split())
        same = {i: e for i, e in svc.store.get_events(svc.store.memory_sources(memory_id)).items()
                if " ".join(e.text.split()) == text}
        return [i for i, e in same.items() if e.meta.get("client")], [i for i, e in same.items()
                                                                       if not e.meta.get("client")]

    def forget(self, plan: ForgetPlan) -> dict[str, int]:
        """Delete for real and leave no copy: rows, full-text terms, vectors, the WAL, the
        index file, the stores restores replaced and the log records that quote it; a
        tombstone (a hash or uid, never the text) tells synced devices to forget it too and
        keeps a later merge, import or watched file from bringing it back."""
        svc = cast("Recall", self)
        store = svc.store
        hashes, uids = store.keys_of(plan.event_ids, plan.memory_ids)
        # read before the rows go: the logs are searched for these words afterwards
        texts = [e.text for e in store.get_events(plan.event_ids).values()]
        texts += [m.text for m in store.get_memories(plan.memory_ids).values()]
        with store.transaction():
            # counted as texts (a long text's parts are one), as the plan said and stats counts
            events = plan.events if store.delete_events(plan.event_ids) else 0
            memories = store.delete_memories(plan.memory_ids)
            store.add_tombstones("event", hashes)
            store.add_tombstones("memory", uids)
            store.reopen_episodes(plan.episode_ids)  # emptied ones went with their events
        svc.scrub()
        forget_in_copies(svc.config.db_path, hashes, uids)  # the stores restores replaced
        scrub_logs(svc.config.home / "logs", texts, events=plan.event_ids, episodes=plan.episode_ids)
        if memories:  # the model's saved prompt prefix holds the pinned and core memories, as tokens
            drop_all(svc.config.kv_dir)
        return {"events": events, "memories": memories}

    def scrub(self) -> None:
        """After deletions: no trace of the deleted text in the database, its WAL or the index
        (the index is rebuilt, since a vector marked deleted stays in the file)."""
        svc = cast("Recall", self)
        svc.store.scrub()
        if svc._index is not None or svc.config.index_dir.exists():
            try:
                svc.index.rebuild()
            except Exception:  # noqa: BLE001 - the index is a cache: a failed rebuild is redone next time
                pass


def _id_range(svc: Recall, ref: str | int) -> tuple[str, int, int] | None:
    """("event" or "memory", first, last) for a ref that is a range of ids ("120-180",
    "m3-m9", "m3-9"); None for one id."""
    low, dash, high = str(ref).strip().lower().partition("-")
    if not dash:
        return None
    owner, first = svc.resolve(low)
    if high.strip().isdigit():  # "m3-9" is m3 to m9
        high = ("m" if owner == "memory" else "") + high.strip()
    try:
        other, last = svc.resolve(high)
    except UsageError:
        raise UsageError(f"'{ref}' is not a range of ids (events: 120-180, memories: m3-m9)") from None
    if other != owner:
        raise UsageError(f"'{ref}' mixes events and memories: give a range of one kind (120-180 or m3-m9)")
    if last < first:
        raise UsageError(f"'{ref}' ends before it starts: give the lower id first")
    return owner, first, last


def _from_files(svc: Recall, paths: Sequence[Path]) -> list[int]:
    """The events read from these files or the files below these folders: those that record
    the file, and those an import stored before events recorded it, known by the hashes the
    file's records are stored under (while it can still be read)."""
    ids = set(svc.store.event_ids_from_files([str(p.resolve()) for p in paths]))
    for file in svc.import_targets([p for p in paths if p.exists()]):  # the files an import of them reads
        ids.update(svc.store.event_ids_by_hash(stored_hashes(svc, file)))
    return sorted(ids)


class Quotes:
    """Whether a piece of text quotes one of the forgotten texts: QUOTE_WORDS of its words in
    a row (case and punctuation aside; a model rewraps and re-punctuates what it repeats), or
    the whole of a text shorter than that."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.runs: dict[int, set[tuple[str, ...]]] = {}
        for text in texts:
            words = _words(text)
            size = min(len(words), QUOTE_WORDS)
            for start in range(len(words) - size + 1 if size else 0):
                self.runs.setdefault(size, set()).add(tuple(words[start:start + size]))

    def __bool__(self) -> bool:
        return bool(self.runs)

    def found_in(self, text: str) -> bool:
        words = _words(text)
        return any(tuple(words[start:start + size]) in runs
                   for size, runs in self.runs.items() for start in range(len(words) - size + 1))


def _words(text: str) -> list[str]:
    # a model's JSON output is logged as a string: its escapes (\n, \", \u00f8) are not words
    text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    return [w.casefold() for w in _WORD.findall(_ESCAPE.sub(" ", text))]


def scrub_logs(folder: Path, texts: Iterable[str], *, events: Iterable[int] = (),
               episodes: Iterable[int] = ()) -> int:
    """Take out of every log under ``folder`` each record (a line) that quotes one of ``texts``
    or, in a JSON record, names one of ``events`` or ``episodes``; a file that loses any is
    rewritten atomically, 0600. How many records went."""
    quotes, event_ids, episode_ids = Quotes(texts), set(events), set(episodes)
    if not folder.is_dir() or not (quotes or event_ids or episode_ids):
        return 0
    dropped = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        try:
            lines = path.read_bytes().splitlines(keepends=True)
        except OSError:
            continue  # unreadable: nothing recall wrote
        kept = [line for line in lines if not _tells(line.decode("utf-8", "replace"), quotes, event_ids,
                                                     episode_ids)]
        if len(kept) < len(lines):
            replace_private(path, b"".join(kept))
            dropped += len(lines) - len(kept)
    return dropped


def _tells(line: str, quotes: Quotes, events: set[int], episodes: set[int]) -> bool:
    """Whether one log record quotes forgotten text or names a forgotten event or episode."""
    try:
        record = json.loads(line) if line.lstrip().startswith("{") else None
    except ValueError:
        record = None
    if not isinstance(record, dict):
        return quotes.found_in(line)
    if _ids(record, EVENT_FIELDS) & events or _ids(record, EPISODE_FIELDS) & episodes:
        return True
    return any(quotes.found_in(s) for s in _strings(record))


def _ids(record: dict[str, Any], fields: Sequence[str]) -> set[int]:
    found: set[int] = set()
    for name in fields:
        value = record.get(name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int) and not isinstance(item, bool):
                found.add(item)
    return found


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)

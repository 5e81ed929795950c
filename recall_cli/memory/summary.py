"""The zero-LLM consolidation path: episodic summaries and procedures mined from the shell.

Weak models are the normal case, so this path must give value on its own: every episode
gets a dated episodic summary (who, when, what, key terms), and successful shell commands
that recur in a directory become procedural memories ("in ~/src/app: make test").
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..models import Event, clip
from ..search.retrieve import STOPWORDS
from ..search.text import is_self
from ..timeutil import from_ts

EXTRA_STOP = frozenset(
    "yeah yes no oh ok okay hey hi hello thanks thank really just like also got get going "
    "know think want lot much very good great nice cool love sure well one things thing time "
    "way too even still been being it's i'm you're that's what's don't can't won't let's "
    "always never maybe something anything everything".split()
) | frozenset(
    # function words the search list keeps (they rarely matter to ranking, but read as noise here)
    "i'll you'll we'll they'll he'll she'll i've you've we've they've i'd you'd we'd they'd isn't aren't "
    "wasn't weren't doesn't didn't haven't hasn't hadn't wouldn't couldn't shouldn't under over while "
    "until since because though although through during without within between among around above "
    "below again further once here there where more most other such only own same few each both "
    "all very can will shall may might must should would could need make made take took come came "
    "going went gone see saw seen say said tell told give gave put keep kept back next last first "
    "soon later today tomorrow yesterday tonight week weekend month year day days "
    "monday tuesday wednesday thursday friday saturday sunday".split()
) | frozenset(
    # exclamations and pointers that open chat turns ("Wow, ...", "Those look ...", "Sounds fun"):
    # frequent in every conversation, telling of none
    "wow woo woah whoa yay yep yup nope haha lol omg aww ahh hmm those here's there's sounds sound "
    "looks look definitely absolutely totally awesome amazing glad happy fun out myself yourself "
    "ourselves they're we're he's she's life's".split()
) | frozenset(
    # verbs and adverbs every story has ("gets", "afterwards"): they tell of no episode
    "gets getting makes making takes taking goes does doing done afterwards afterward then "
    "actually basically pretty quite rather almost already".split()
)
WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\-]){2,}")  # any alphabet: "Belém", not "Bel"
SENTENCE_ENDS = frozenset('.!?:;[]()"\n')


@dataclass
class Candidate:
    """A memory proposed for an episode, before reconciliation."""

    kind: str
    text: str
    importance: int = 5
    subject: str | None = None
    sources: list[int] = field(default_factory=list)
    valid_from: float | None = None
    origin: str = "heuristic"  # which path proposed it: "heuristic" (zero-LLM) or "llm"
    meta: dict[str, Any] = field(default_factory=dict)
    model: str = ""  # the LLM's model id, when origin is "llm"


def _ids(events: list[Event]) -> list[int]:
    """The ids of the stored events among ``events`` (what a memory's sources link to)."""
    return [e.id for e in events if e.id is not None]


NO_TOPIC = re.compile(r"\[REDACTED:[^\]]*\]|(?<!\w)(?:~|\.{1,2})?/[^\s]*|\b[\w.-]+\.(?:txt|md|markdown|org|rst)\b")


def key_terms(events: list[Event], limit: int = 8) -> list[str]:
    """The episode's most telling words: frequent, not stop words, names first. A name is a
    word capitalised inside a sentence; a capital at a sentence's start says nothing."""
    counts: defaultdict[str, float] = defaultdict(float)  # names weigh 1.5: not whole counts
    display: dict[str, str] = {}
    actors = {(e.actor or "").lower() for e in events}
    for event in events:
        # a redaction's label or a file's path is no topic: "about redacted, github-token",
        # "about notes, tmp, txt"
        text = NO_TOPIC.sub(lambda m: " " * len(m.group()), event.text)
        for match in WORD.finditer(text):
            word = match.group()
            low = word.lower().strip("'-")
            if low in STOPWORDS or low in EXTRA_STOP or low in actors or len(low) < 3:
                continue
            name = word[0].isupper() and not _opens_sentence(text, match.start())
            counts[low] += 1.5 if name else 1.0
            if name or low not in display:
                display[low] = word if name else low
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))
    return [display[w] for w, c in ranked[:limit] if c >= 1]


def _opens_sentence(text: str, at: int) -> bool:
    """Whether the word at ``at`` starts the text or a sentence (after . ! ? : ; brackets)."""
    i = at - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in SENTENCE_ENDS


def _when(start: float, end: float) -> str:
    a, b = from_ts(start), from_ts(end)
    if a.date() == b.date():
        if b.strftime("%H:%M") == a.strftime("%H:%M"):
            return a.strftime("%a %d %B %Y, %H:%M")
        return f"{a:%a %d %B %Y}, {a:%H:%M}–{b:%H:%M}"
    return f"{a:%d %B %Y %H:%M} – {b:%d %B %Y %H:%M}"


def episodic_summary(events: list[Event]) -> Candidate:
    """A dated who/when/what summary of an episode, with its key terms."""
    start = min(e.ts_start for e in events)
    end = max(e.ts_end or e.ts_start for e in events)
    source = events[0].source
    # a watched file's paragraphs are the user's notes, whoever the OS says wrote them: nobody "talked"
    # the user's own speaker name ("me" in a JSONL export, "user" in a chat export) is "the user":
    # "Ana and me talked about ..." read later, or by an agent over MCP, says a bare "me"
    who = [] if source == "file" else list(dict.fromkeys("the user" if is_self(e.actor) else e.actor
                                                         for e in events if e.actor))
    # "Deleted /path/todo.txt", "Edited ...", "Renamed ...": bookkeeping tells of no topic
    terms = key_terms([e for e in events if e.kind not in ("deleted", "edited", "moved")])
    if source == "shell":
        cwds = list(dict.fromkeys(e.meta.get("cwd", "?") for e in events))
        failed = sum(1 for e in events if e.meta.get("exit_code") not in (0, None))
        what = (f"{len(events)} shell command{'s' if len(events) != 1 else ''} in {', '.join(cwds)}"
                + (f" ({failed} failed)" if failed else ""))
        firsts = "; ".join(clip(e.text, 60) for e in events[:3])
        text = f"{_when(start, end)}: {what}: {firsts}"
    elif len(events) == 1:
        text = f"{_when(start, end)}: {clip(events[0].text, 240)}"
    elif not who:  # the user's own notes or paragraphs of a file: nobody "talked"
        session = f" in {events[0].session}" if events[0].session else ""
        text = (f"{_when(start, end)}: {len(events)} {source} entries{session}"
                + (f" about {', '.join(terms)}" if terms else ""))
    else:
        people = " and ".join(who) if len(who) <= 3 else f"{', '.join(who[:3])} and others"
        text = (f"{_when(start, end)}: {people} ({source}, {len(events)} messages)"
                + (f" talked about {', '.join(terms)}" if terms else ""))
    importance = 3 if len(events) > 1 else 2
    return Candidate("episodic", text, importance=importance, subject=", ".join(who) or None,
                     sources=_ids(events), valid_from=start,
                     meta={"key_terms": terms})


# commands that only look around or set the shell up: running one twice is no how-to
NO_PROCEDURE = frozenset("ls ll la cd pwd clear reset exit history echo printf unset export set source . alias "
                         "env printenv cat less more head tail man which type whoami id date true false top htop "
                         "tree du df".split())
LOOKS_ONLY = [["git", "status"], ["git", "log"], ["git", "diff"], ["git", "branch"]]


def shell_procedures(events: list[Event], min_runs: int = 2) -> list[Candidate]:
    """Procedures from successful shell commands that recur in a directory, and fixes
    (a failing command followed by a successful variant)."""
    found: list[Candidate] = []
    runs: dict[tuple[str, str], list[Event]] = {}
    for event in events:
        if event.source != "shell" or event.meta.get("exit_code") != 0:
            continue
        cmd = event.text.strip()
        if len(cmd) < 4 or cmd.split()[0] in NO_PROCEDURE or cmd.split()[:2] in LOOKS_ONLY:
            continue
        runs.setdefault((event.meta.get("cwd", "?"), cmd), []).append(event)
    for (cwd, cmd), evs in runs.items():
        if len(evs) >= min_runs:
            found.append(Candidate("procedural", f"In {cwd}: `{cmd}` works (ran {len(evs)} times)",
                                   importance=5, subject=cwd, sources=_ids(evs)))
    for prev, nxt in zip(events, events[1:], strict=False):
        if prev.source != "shell" or nxt.source != "shell":
            continue
        if prev.meta.get("exit_code") in (0, None) or nxt.meta.get("exit_code") != 0:
            continue
        a, b = prev.text.split(), nxt.text.split()
        if a and b and a[0] == b[0] and prev.text != nxt.text:
            cwd = nxt.meta.get("cwd", "?")
            found.append(Candidate(
                "procedural", f"In {cwd}: `{prev.text.strip()}` failed; `{nxt.text.strip()}` worked",
                importance=6, subject=cwd, sources=_ids([prev, nxt])))
    return found
